import reversion
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class ConditionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Condition.Status.PUBLISHED)

    def with_parts(self):
        """The condition with its parts and their items in order: three queries."""
        return self.prefetch_related(
            models.Prefetch(
                "parts",
                queryset=ConditionPart.objects.order_by("order", "pk").prefetch_related(
                    models.Prefetch(
                        "items", queryset=ConditionItem.objects.order_by("order", "pk")
                    )
                ),
            )
        )


# History (django-reversion): every save in the admin stores the whole article, its
# parts and their items in one revision, which can be compared and restored.
@reversion.register(follow=["parts"])
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
    last_reviewed = models.DateField(_("last clinical review"), null=True, blank=True)
    reviewed_by = models.CharField(
        _("reviewed by"),
        max_length=200,
        blank=True,
        help_text=_("Name and profession of the clinician who reviewed the text."),
    )
    next_review = models.DateField(_("next review due"), null=True, blank=True)
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
        return bool(self.last_reviewed and self.reviewed_by)


@reversion.register(follow=["items"])
class ConditionPart(models.Model):
    """One section of a condition's page. Every kind has the same shape: a heading,
    text before a list of items, the items, and text after them."""

    class Kind(models.TextChoices):
        INTRO = "intro", _("Introduction")
        WARNING_EMERGENCY = "warning_emergency", _("Warning signs: call 113 now")
        WARNING_URGENT = "warning_urgent", _("Warning signs: see a doctor today")
        CAUSES = "causes", _("Causes")
        SYMPTOMS = "symptoms", _("Symptoms")
        PREVALENCE = "prevalence", _("Prevalence")
        TREATMENT = "treatment", _("Assessment and treatment")
        SELF_CARE = "self_care", _("Self-care")
        GUIDELINES = "guidelines", _("Guideline recommendations")
        WORK = "work", _("Work and sick leave")
        HELP = "help", _("Where to get help")
        BOOKING = "booking", _("Booking")

    WARNING_KINDS = (Kind.WARNING_EMERGENCY, Kind.WARNING_URGENT)

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
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Where the advice comes from, e.g. a national guideline."),
    )
    source_url = models.URLField(_("source address"), blank=True)
    needs_clinical_review = models.BooleanField(
        _("needs clinical review"),
        default=False,
        help_text=_(
            "Ticked for text written or translated here, until a named clinician "
            "has checked it."
        ),
    )

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
    def is_warning(self):
        return self.kind in self.WARNING_KINDS

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
