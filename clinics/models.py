from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clinics.photos import photo_renditions, photo_renditions_create

# Norway's mainland and islands, generously: positions outside are not ours to sort.
NORWAY_LATITUDE = (57.5, 71.5)
NORWAY_LONGITUDE = (4.0, 31.5)

latitude_validators = [
    MinValueValidator(NORWAY_LATITUDE[0]),
    MaxValueValidator(NORWAY_LATITUDE[1]),
]
longitude_validators = [
    MinValueValidator(NORWAY_LONGITUDE[0]),
    MaxValueValidator(NORWAY_LONGITUDE[1]),
]
postcode_validator = RegexValidator(r"^\d{4}$", _("A postcode is four digits."))


class Profession(models.TextChoices):
    CHIROPRACTOR = "kiropraktor", _("Chiropractor")
    MANUAL_THERAPIST = "manuell-terapeut", _("Manual therapist")
    PHYSICIAN = "lege", pgettext_lazy("profession", "Doctor")
    PHYSIOTHERAPIST = "fysioterapeut", _("Physiotherapist")


# Languages a practitioner may speak, for the finder's filter (ISO 639-1 codes,
# as schema.org's knowsLanguage takes them). Norwegian is every clinic's.
PRACTITIONER_LANGUAGES = [
    ("nb", _("Norwegian")),
    ("en", _("English")),
    ("sv", _("Swedish")),
    ("da", _("Danish")),
    ("de", _("German")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("pl", _("Polish")),
    ("lt", _("Lithuanian")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("ar", _("Arabic")),
    ("so", _("Somali")),
    ("ti", _("Tigrinya")),
    ("ur", _("Urdu")),
    ("fa", _("Persian")),
]
LANGUAGE_NAMES = dict(PRACTITIONER_LANGUAGES)


# How a sentence names a profession's people: "some also have doctors".
PROFESSION_PLURALS = {
    Profession.CHIROPRACTOR: _("chiropractors"),
    Profession.MANUAL_THERAPIST: _("manual therapists"),
    Profession.PHYSICIAN: pgettext_lazy("profession", "doctors"),
    Profession.PHYSIOTHERAPIST: _("physiotherapists"),
}


def detail_prefetches():
    """What the finder and the clinic page show of a clinic: hours, closures, staff."""
    return [
        models.Prefetch(
            "opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")
        ),
        models.Prefetch("closures", queryset=Closure.objects.order_by("starts_on")),
        models.Prefetch(
            "practitioners",
            queryset=Practitioner.objects.filter(is_active=True).order_by(
                "profession", "name"
            ),
        ),
    ]


def photo_upload_to(instance, filename: str) -> str:
    return f"{instance.PHOTO_FOLDER}/{filename}"


class Photo(models.Model):
    """A photo with its size and description; saving a new one writes its WebP
    renditions (clinics.photos), whoever saves it: the admin, a command, a test."""

    PHOTO_FOLDER = "photos"  # each model its own folder under MEDIA_ROOT

    photo = models.ImageField(
        _("photo"),
        upload_to=photo_upload_to,
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_alt = models.CharField(
        _("photo description (alt text)"),
        max_length=200,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it."),
    )

    # The stored photo's name as loaded, to tell a new upload on save.
    _photo_saved_as: str | None = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "photo" not in update_fields:
            return
        name = self.photo.name or ""
        if name and name != self._photo_saved_as:
            photo_renditions_create(image_field=self.photo)
        self._photo_saved_as = name

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        loaded = instance.__dict__.get("photo")  # absent when deferred
        instance._photo_saved_as = getattr(loaded, "name", loaded)
        return instance

    @property
    def photo_sizes(self) -> list[dict]:
        return photo_renditions(self.photo, self.photo_width, self.photo_height)


class ClinicQuerySet(models.QuerySet):
    def with_details(self):
        """Clinics with what the finder and clinic page show: hours, closures, staff."""
        return self.prefetch_related(*detail_prefetches())


class Clinic(Photo):
    """A NEMUS clinic: where it is, how to reach it, when it is open."""

    PHOTO_FOLDER = "clinics"

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("address (slug)"),
        max_length=80,
        unique=True,
        help_text=_("The last part of the clinic page's address, e.g. nemus-oslo."),
    )
    street_address = models.CharField(_("street address"), max_length=200)
    postcode = models.CharField(
        _("postcode"), max_length=4, validators=[postcode_validator]
    )
    town = models.CharField(_("town"), max_length=80)
    latitude = models.FloatField(_("latitude"), validators=latitude_validators)
    longitude = models.FloatField(_("longitude"), validators=longitude_validators)
    phone = models.CharField(
        _("phone"), max_length=20, help_text=_("As people write it: 22 33 44 55.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    description = models.TextField(_("about the clinic"), blank=True)
    directions = models.TextField(
        _("directions and public transport"),
        blank=True,
        help_text=_("How to get there: bus, tram or train stops, entrance, floor."),
    )
    step_free_access = models.BooleanField(_("step-free entrance"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    lift = models.BooleanField(
        _("lift"),
        default=False,
        help_text=_("A lift to the clinic's floor (tick it too for a ground floor)."),
    )
    parking = models.CharField(_("parking"), max_length=300, blank=True)
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("Made up by `seed_demo`; not a real clinic."),
    )

    objects = ClinicQuerySet.as_manager()

    class Meta:
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} (demo)" if self.is_demo else self.name

    def get_absolute_url(self):
        return reverse("clinics:detail", kwargs={"slug": self.slug})


class OpeningHours(models.Model):
    """One opening interval on a weekday. A day may have several (a lunch break);
    an interval that closes at or before it opens runs past midnight."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, pgettext_lazy("weekday", "Monday")
        TUESDAY = 1, pgettext_lazy("weekday", "Tuesday")
        WEDNESDAY = 2, pgettext_lazy("weekday", "Wednesday")
        THURSDAY = 3, pgettext_lazy("weekday", "Thursday")
        FRIDAY = 4, pgettext_lazy("weekday", "Friday")
        SATURDAY = 5, pgettext_lazy("weekday", "Saturday")
        SUNDAY = 6, pgettext_lazy("weekday", "Sunday")

    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.CASCADE,
        related_name="opening_hours",
        verbose_name=_("clinic"),
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(opens=models.F("closes")),
                name="opening_hours_not_empty",
                violation_error_message=_("Opening and closing times must differ."),
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H.%M}–{self.closes:%H.%M}"

    @property
    def crosses_midnight(self):
        return self.closes < self.opens


class DaySpan(models.Model):
    """Whole days, the first and the last included, with a reason: a clinic's
    closure, a practitioner's absence (booking.ScheduleException)."""

    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        abstract = True
        ordering = ["starts_on"]

    @staticmethod
    def ends_after_it_starts(name: str, message=None) -> models.CheckConstraint:
        """The check every span needs, under the subclass's constraint name."""
        return models.CheckConstraint(
            condition=models.Q(ends_on__gte=models.F("starts_on")),
            name=name,
            violation_error_message=message,
        )

    def covers(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class Closure(DaySpan):
    """Days a clinic is closed although its hours say open: holidays, courses."""

    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.CASCADE,
        related_name="closures",
        verbose_name=_("clinic"),
    )
    starts_on = models.DateField(_("first day closed"))
    ends_on = models.DateField(_("last day closed"))

    class Meta(DaySpan.Meta):
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            DaySpan.ends_after_it_starts(
                "closure_ends_after_it_starts",
                _("The last day cannot be before the first."),
            )
        ]

    def __str__(self):
        return f"{self.starts_on}–{self.ends_on} {self.reason}".strip()


class Practitioner(Photo):
    """Someone patients can book: a chiropractor, a physiotherapist, ..."""

    PHOTO_FOLDER = "practitioners"

    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.CASCADE,
        related_name="practitioners",
        verbose_name=_("clinic"),
    )
    name = models.CharField(_("name"), max_length=120)
    profession = models.CharField(_("profession"), max_length=32, choices=Profession)
    bio = models.TextField(_("short bio"), blank=True)
    languages = models.JSONField(
        _("languages spoken"),
        default=list,
        blank=True,
        help_text=_("Languages the practitioner can hold an appointment in."),
    )
    public_agreement = models.BooleanField(
        _("public funding agreement"),
        default=False,
        help_text=_(
            "An agreement with the municipality (driftsavtale): the patient pays "
            "only the public patient fee."
        ),
    )
    is_active = models.BooleanField(
        _("shown on the site"),
        default=True,
        help_text=_("Untick when someone leaves, rather than deleting them."),
    )

    class Meta:
        verbose_name = _("practitioner")
        verbose_name_plural = _("practitioners")
        ordering = ["profession", "name"]

    def __str__(self):
        return f"{self.name}, {self.get_profession_display().lower()}"

    @property
    def language_names(self) -> list:
        """The languages spoken, named in the active language, in the list's order."""
        spoken = set(self.languages)
        return [name for code, name in PRACTITIONER_LANGUAGES if code in spoken]


class ProfessionFact(models.Model):
    """What a profession may do for a patient (examine without a referral, give sick
    leave, refer on, order imaging), with the source it is taken from; kept by staff."""

    class Topic(models.TextChoices):
        NO_REFERRAL = "no-referral", _("Sees you without a referral")
        SICK_LEAVE = "sick-leave", _("Can give sick leave")
        REFERRALS = "referrals", _("Can refer you on")
        IMAGING = "imaging", _("Can refer you for imaging")

    profession = models.CharField(_("profession"), max_length=32, choices=Profession)
    topic = models.CharField(_("topic"), max_length=16, choices=Topic)
    text = models.CharField(
        _("what it means for the patient"),
        max_length=300,
        help_text=_(
            "One plain sentence, e.g. “Can give sick leave for up to 12 weeks.”"
        ),
    )
    source_name = models.CharField(_("source"), max_length=120)
    source_url = models.URLField(_("source address"))

    class Meta:
        verbose_name = _("what a profession can do")
        verbose_name_plural = _("what the professions can do")
        ordering = ["profession", "topic"]
        constraints = [
            models.UniqueConstraint(
                fields=["profession", "topic"],
                name="profession_fact_unique",
                violation_error_message=_(
                    "This profession already has a row on this topic."
                ),
            )
        ]

    def __str__(self):
        return f"{self.get_profession_display()}: {self.get_topic_display()}"


class Postcode(models.Model):
    """A Norwegian postcode and its approximate position (GeoNames, CC BY 4.0)."""

    code = models.CharField(_("postcode"), max_length=4, primary_key=True)
    place = models.CharField(_("place"), max_length=120)
    # The place name case-folded, for search ("TROMSØ", "tromsø" and "Tromsø" match).
    place_key = models.CharField(max_length=120, db_index=True, editable=False)
    municipality = models.CharField(_("municipality"), max_length=120, blank=True)
    county = models.CharField(_("county"), max_length=120, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.place}"
