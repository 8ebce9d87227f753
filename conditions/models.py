import datetime as dt

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class ConditionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Condition.Status.PUBLISHED)

    def with_parts(self):
        """The condition with its parts (and their sources), their items, and its
        warning signs (with_warning_signs), in order: four queries."""
        return self.prefetch_related(
            models.Prefetch(
                "parts",
                queryset=ConditionPart.objects.select_related("source")
                .order_by("order", "pk")
                .prefetch_related(
                    models.Prefetch(
                        "items", queryset=ConditionItem.objects.order_by("order", "pk")
                    )
                ),
            ),
        ).with_warning_signs()

    def with_warning_signs(self):
        """Its warning signs in order, with their sources: one more query."""
        return self.prefetch_related(
            models.Prefetch(
                "warning_signs",
                queryset=WarningSign.objects.select_related("source").order_by(
                    "order", "pk"
                ),
            )
        )


# History (django-reversion): every save in the admin stores the whole article, its
# parts and their items, and its warning signs in one revision, which can be compared
# and restored.
@reversion.register(follow=["parts", "warning_signs"])
class Condition(models.Model):
    """A complaint patients read about (low back pain, neck pain...), in parts."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("address (slug)"),
        max_length=100,
        help_text=_("The last part of the page's address, e.g. korsryggsmerter."),
    )
    summary = models.TextField(
        _("summary"),
        help_text=_("Two or three plain sentences: shown at the top and in search."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    warning_subject = models.CharField(
        _("complaint in warning signs"),
        max_length=100,
        blank=True,
        help_text=_(
            "How the warning signs name the complaint: “Call 113 at once if you "
            "have … and”, e.g. “back pain”."
        ),
    )
    # Set only by a clinical sign-off in the admin (conditions.services), never typed:
    # the reviewer is the account that signed.
    last_reviewed = models.DateField(
        _("last clinical review"), null=True, blank=True, editable=False
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    next_review = models.DateField(_("next review due"), null=True, blank=True)
    # The warning signs as the last clinical sign-off saw them (see
    # conditions.signoff): what the next sign-off shows as changed.
    signed_warning_signs = models.JSONField(
        _("warning signs at the last sign-off"),
        default=list,
        blank=True,
        editable=False,
    )
    needs_clinical_review = models.BooleanField(
        _("title and summary need clinical review"),
        default=False,
        help_text=_(
            "Ticked for text written or translated here, until a named clinician "
            "has checked it."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = ConditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        ordering = ["title"]
        permissions = [
            ("sign_off_review", _("Can sign off the clinical review of a condition")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["slug_nb"], name="condition_unique_slug_nb"
            ),
            models.UniqueConstraint(
                fields=["slug_en"],
                condition=~models.Q(slug_en="") & models.Q(slug_en__isnull=False),
                name="condition_unique_slug_en",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("conditions:detail", kwargs={"slug": self.slug})

    def url_in(self, language):
        with translation.override(language):
            return self.get_absolute_url()

    @property
    def is_reviewed(self):
        return bool(self.last_reviewed and self.reviewed_by_id)

    @property
    def reviewer_name(self) -> str:
        user = self.reviewed_by
        return (user.get_full_name() or user.get_username()) if user else ""


@reversion.register(follow=["items"])
class ConditionPart(models.Model):
    """One section of a condition's page. Every kind has the same shape: a heading,
    text before a list of items, the items, and text after them."""

    class Kind(models.TextChoices):
        INTRO = "intro", _("Introduction")
        CAUSES = "causes", _("Causes")
        SYMPTOMS = "symptoms", _("Symptoms")
        PREVALENCE = "prevalence", _("Prevalence")
        TREATMENT = "treatment", _("Assessment and treatment")
        SELF_CARE = "self_care", _("Self-care")
        GUIDELINES = "guidelines", _("Guideline recommendations")
        WORK = "work", _("Work and sick leave")
        HELP = "help", _("Where to get help")
        BOOKING = "booking", _("Booking")

    condition = models.ForeignKey(
        Condition,
        on_delete=models.CASCADE,
        related_name="parts",
        verbose_name=_("condition"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    lead = models.TextField(_("text before the list"), blank=True)
    after = models.TextField(_("text after the list"), blank=True)
    source = models.ForeignKey(
        "Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("source"),
        help_text=_("Where the advice comes from, e.g. a national guideline."),
    )
    needs_clinical_review = models.BooleanField(
        _("needs clinical review"),
        default=False,
        help_text=_(
            "Ticked for text written or translated here, until a named clinician "
            "has checked it."
        ),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.heading or self.get_kind_display()

    @property
    def anchor(self):
        return self.kind.replace("_", "-")

    @property
    def shown_language(self):
        """The language this part's text is shown in: the reader's, or Norwegian
        when none of its fields has been translated yet."""
        current = translation.get_language()
        default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        if current == default:
            return current
        own = [getattr(self, f"{field}_{current}", "") for field in ("heading", "lead")]
        items = [getattr(item, f"text_{current}", "") for item in self.items.all()]
        return current if any(own + items) else default


@reversion.register()
class ConditionItem(models.Model):
    """One bullet of a part. Prevalence items also keep their figure as numbers
    ("4 av 5" is 4 of 5) so it can be drawn."""

    part = models.ForeignKey(
        ConditionPart,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("part"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("text"), max_length=400)
    detail = models.TextField(
        _("detail"), blank=True, help_text=_("More about this point, e.g. how to.")
    )
    number = models.PositiveSmallIntegerField(_("how many"), null=True, blank=True)
    out_of = models.PositiveSmallIntegerField(_("out of"), null=True, blank=True)

    class Meta:
        verbose_name = _("point")
        verbose_name_plural = _("points")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(number__isnull=True, out_of__isnull=True)
                    | models.Q(
                        number__isnull=False,
                        out_of__gt=0,
                        out_of__lte=20,
                        number__lte=models.F("out_of"),
                    )
                ),
                name="item_figure_is_a_fraction",
                violation_error_message=_(
                    "Give both 'how many' and 'out of' (at most 20), or neither."
                ),
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def figure(self):
        """[True, True, False, ...]: filled and empty figures for the pictogram."""
        if self.number is None or not self.out_of:
            return []
        return [index < self.number for index in range(self.out_of)]


def validate_not_future_year(year):
    if year is not None and year > dt.date.today().year:
        raise ValidationError(
            _("The year cannot be in the future."), code="future_year"
        )


class Source(models.Model):
    """Where a piece of advice comes from: a guideline or a patient page, with a link
    patients can follow. Shown as "title, publisher year" linked to the address."""

    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[validate_not_future_year],
        help_text=_("The year it was published or last updated."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="nb",
        help_text=_("The language the source is written in."),
    )
    url = models.URLField(
        _("address"),
        max_length=500,
        validators=[URLValidator(schemes=["https"])],
        help_text=_("A secure address, starting with https://."),
    )

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(url__startswith="https://"),
                name="source_url_is_https",
                violation_error_message=_("The address must start with https://."),
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=1900),
                name="source_year_after_1900",
                violation_error_message=_("Give the year as four digits."),
            ),
        ]

    def __str__(self):
        return f"{self.title}, {self.publisher} {self.year}"


@reversion.register()
class WarningSign(models.Model):
    """One sign that a patient with this complaint must get help, at one level.

    Every page that shows warning signs (the article, the home page, the booking
    pages, the confirmation and its e-mail) renders these rows; none keeps a copy."""

    class Level(models.TextChoices):
        EMERGENCY = "emergency", _("Emergency: call 113 at once")
        SAME_DAY = (
            "same_day",
            _(
                "Same day: GP, or the out-of-hours medical service (legevakt) on "
                "116 117 when the GP is closed"
            ),
        )
        NOT_BETTER = (
            "not_better",
            _("Not better after some weeks: GP or one of our clinics"),
        )

    condition = models.ForeignKey(
        Condition,
        on_delete=models.CASCADE,
        related_name="warning_signs",
        verbose_name=_("condition"),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(
        _("sign"),
        max_length=300,
        help_text=_("Completes the level's sentence, e.g. “chest pain”."),
    )
    detail = models.CharField(
        _("why it matters"),
        max_length=300,
        blank=True,
        help_text=_(
            "Optional, shown on the article only, e.g. what it can be a sign of."
        ),
    )
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="warning_signs",
        verbose_name=_("source"),
        help_text=_("The page this sign is taken from."),
    )
    # What the reviewer checks the row against: the source's own words, never
    # shown to patients.
    source_quote = models.TextField(
        _("source sentence"),
        help_text=_(
            "Word for word, the sentence (or list item) of the source that supports "
            "this sign's wording and level."
        ),
    )
    source_heading = models.CharField(
        _("heading in the source"),
        max_length=300,
        blank=True,
        help_text=_(
            "The heading the sentence stands under, which often gives its level, "
            "e.g. “Call 999 or go to A&E if you have back pain and:”."
        ),
    )
    level_note = models.TextField(
        _("note for the reviewer"),
        blank=True,
        help_text=_(
            "Where the source's level does not map onto our three, or what else "
            "the reviewer should weigh. Not shown to patients."
        ),
    )
    # Set when a row is added or its wording, level or source changes; cleared only
    # by a clinician's sign-off (conditions.services.condition_sign_off).
    needs_clinical_review = models.BooleanField(
        _("needs clinical review"), default=True, editable=False
    )
    english_outdated = models.BooleanField(
        _("English needs an update"),
        default=False,
        help_text=_("Set when the Norwegian text changes and the English does not."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("warning sign")
        verbose_name_plural = _("warning signs")
        ordering = ["condition", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source_quote=""),
                name="warning_sign_has_source_quote",
                violation_error_message=_(
                    "Give the sentence of the source that supports this sign."
                ),
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def shown_language(self) -> str:
        """The reader's language, or Norwegian when the sign has no translation."""
        current = translation.get_language()
        default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        if current == default or getattr(self, f"text_{current}", ""):
            return current
        return default
