"""Warning signs and sources as rows of their own; clinical sign-off by an account."""

import conditions.models
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('conditions', '0004_editor_group'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='condition',
            options={'ordering': ['title'], 'permissions': [('sign_off_review', 'Can sign off the clinical review of a condition')], 'verbose_name': 'condition', 'verbose_name_plural': 'conditions'},
        ),
        migrations.RemoveField(
            model_name='conditionpart',
            name='source_en',
        ),
        migrations.RemoveField(
            model_name='conditionpart',
            name='source_nb',
        ),
        migrations.RemoveField(
            model_name='conditionpart',
            name='source_url',
        ),
        migrations.AddField(
            model_name='condition',
            name='warning_subject',
            field=models.CharField(blank=True, help_text='How the warning signs name the complaint: “Call 113 at once if you have … and”, e.g. “back pain”.', max_length=100, verbose_name='complaint in warning signs'),
        ),
        migrations.AddField(
            model_name='condition',
            name='warning_subject_en',
            field=models.CharField(blank=True, help_text='How the warning signs name the complaint: “Call 113 at once if you have … and”, e.g. “back pain”.', max_length=100, null=True, verbose_name='complaint in warning signs'),
        ),
        migrations.AddField(
            model_name='condition',
            name='warning_subject_nb',
            field=models.CharField(blank=True, help_text='How the warning signs name the complaint: “Call 113 at once if you have … and”, e.g. “back pain”.', max_length=100, null=True, verbose_name='complaint in warning signs'),
        ),
        migrations.AddField(
            model_name='conditionpart',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='last changed'),
        ),
        migrations.AlterField(
            model_name='condition',
            name='last_reviewed',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='last clinical review'),
        ),
        # A typed name was never a sign-off: the reviewer is now the account that
        # signed, so the old text goes (the article shows no reviewer until signed).
        migrations.RemoveField(model_name='condition', name='reviewed_by'),
        migrations.AddField(
            model_name='condition',
            name='reviewed_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by'),
        ),
        migrations.AlterField(
            model_name='conditionpart',
            name='kind',
            field=models.CharField(choices=[('intro', 'Introduction'), ('causes', 'Causes'), ('symptoms', 'Symptoms'), ('prevalence', 'Prevalence'), ('treatment', 'Assessment and treatment'), ('self_care', 'Self-care'), ('guidelines', 'Guideline recommendations'), ('work', 'Work and sick leave'), ('help', 'Where to get help'), ('booking', 'Booking')], max_length=32, verbose_name='kind'),
        ),
        migrations.CreateModel(
            name='Source',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=300, verbose_name='title')),
                ('publisher', models.CharField(max_length=200, verbose_name='publisher')),
                ('language', models.CharField(choices=[('nb', 'Norwegian Bokmål'), ('en', 'English')], default='nb', help_text='The language the source is written in.', max_length=8, verbose_name='language')),
                ('year', models.PositiveSmallIntegerField(help_text='The year it was published or last updated.', validators=[conditions.models.validate_not_future_year], verbose_name='year')),
                ('url', models.URLField(help_text='A secure address, starting with https://.', max_length=500, validators=[django.core.validators.URLValidator(schemes=['https'])], verbose_name='address')),
            ],
            options={
                'verbose_name': 'source',
                'verbose_name_plural': 'sources',
                'ordering': ['title'],
                'constraints': [models.CheckConstraint(condition=models.Q(('url__startswith', 'https://')), name='source_url_is_https', violation_error_message='The address must start with https://.'), models.CheckConstraint(condition=models.Q(('year__gte', 1900)), name='source_year_after_1900', violation_error_message='Give the year as four digits.')],
            },
        ),
        migrations.RemoveField(model_name='conditionpart', name='source'),
        migrations.AddField(
            model_name='conditionpart',
            name='source',
            field=models.ForeignKey(blank=True, help_text='Where the advice comes from, e.g. a national guideline.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='parts', to='conditions.source', verbose_name='source'),
        ),
        migrations.CreateModel(
            name='WarningSign',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.CharField(choices=[('emergency', 'Emergency: call 113 (or legevakt 116 117) at once'), ('same_day', 'Same day: GP, or legevakt 116 117 when it is closed'), ('not_better', 'Not better after some weeks: GP or one of our clinics')], max_length=16, verbose_name='level')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('text', models.CharField(help_text="Completes the level's sentence, e.g. “chest pain”.", max_length=300, verbose_name='sign')),
                ('text_nb', models.CharField(help_text="Completes the level's sentence, e.g. “chest pain”.", max_length=300, null=True, verbose_name='sign')),
                ('text_en', models.CharField(help_text="Completes the level's sentence, e.g. “chest pain”.", max_length=300, null=True, verbose_name='sign')),
                ('detail', models.CharField(blank=True, help_text='Optional, shown on the article only, e.g. what it can be a sign of.', max_length=300, verbose_name='why it matters')),
                ('detail_nb', models.CharField(blank=True, help_text='Optional, shown on the article only, e.g. what it can be a sign of.', max_length=300, null=True, verbose_name='why it matters')),
                ('detail_en', models.CharField(blank=True, help_text='Optional, shown on the article only, e.g. what it can be a sign of.', max_length=300, null=True, verbose_name='why it matters')),
                ('needs_clinical_review', models.BooleanField(default=True, verbose_name='needs clinical review')),
                ('english_outdated', models.BooleanField(default=False, help_text='Set when the Norwegian text changes and the English does not.', verbose_name='English needs an update')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='last changed')),
                ('condition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='warning_signs', to='conditions.condition', verbose_name='condition')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='warning_signs', to='conditions.source', verbose_name='source')),
            ],
            options={
                'verbose_name': 'warning sign',
                'verbose_name_plural': 'warning signs',
                'ordering': ['condition', 'order', 'pk'],
            },
        ),
    ]
