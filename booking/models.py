import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinics.hours import OSLO
from clinics.models import Clinic, DaySpan, OpeningHours, Practitioner, Profession


class AppointmentType(models.Model):
    """What a patient books: a first consultation, a follow-up..."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    price_nok = models.PositiveIntegerField(_("price (NOK)"))
    professions = models.JSONField(
        _("professions"),
        default=list,
        help_text=_("Which professions offer it: kiropraktor, manuell-terapeut, ..."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("bookable"), default=True)

    class Meta:
        verbose_name = _("appointment type")
        verbose_name_plural = _("appointment types")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def offered_by(self, profession):
        return profession in self.professions

    def fits_in(self, slot) -> bool:
        """Whether an appointment of this type fits in `slot`'s length."""
        return self.duration_minutes <= slot.minutes

    def clean(self):
        unknown = set(self.professions) - set(Profession.values)
        if unknown:
            raise ValidationError({"professions": _("Unknown profession.")})


class ClinicBookingPolicy(models.Model):
    """How a clinic takes online bookings (one per clinic, made when first needed)."""

    clinic = models.OneToOneField(
        Clinic,
        on_delete=models.CASCADE,
        related_name="booking_policy",
        verbose_name=_("clinic"),
    )
    online_booking = models.BooleanField(_("online booking open"), default=True)
    min_notice_hours = models.PositiveSmallIntegerField(
        _("minimum notice (hours)"), default=2
    )
    max_days_ahead = models.PositiveSmallIntegerField(
        _("book up to (days ahead)"), default=42
    )
    cancel_cutoff_hours = models.PositiveSmallIntegerField(
        _("online cancellation until (hours before)"), default=24
    )
    notify_email = models.EmailField(
        _("notify about bookings"),
        blank=True,
        help_text=_("Gets a link to each new or cancelled booking, never its details."),
    )

    class Meta:
        verbose_name = _("booking policy")
        verbose_name_plural = _("booking policies")

    def __str__(self):
        return str(self.clinic)

    @classmethod
    def for_clinic(cls, clinic) -> "ClinicBookingPolicy":
        """The clinic's policy; the defaults (unsaved) when none was set."""
        try:
            return clinic.booking_policy
        except cls.DoesNotExist:
            return cls(clinic=clinic)

    def window(self, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """The earliest and latest start a patient may book online at `now`."""
        return (
            now + dt.timedelta(hours=self.min_notice_hours),
            now + dt.timedelta(days=self.max_days_ahead),
        )

    def window_days(self, now: dt.datetime) -> tuple[dt.date, dt.date]:
        """Today and the last day (Oslo dates) a time may be booked online on."""
        _earliest, latest = self.window(now)
        return (
            timezone.localtime(now, OSLO).date(),
            timezone.localtime(latest - dt.timedelta(microseconds=1), OSLO).date(),
        )

    def in_window(self, starts_at: dt.datetime, now: dt.datetime) -> bool:
        """Whether a time starting then may be booked online at `now`."""
        earliest, latest = self.window(now)
        return self.online_booking and earliest <= starts_at < latest

    def too_late_to_cancel(self, starts_at: dt.datetime, now: dt.datetime) -> bool:
        """Whether a patient can no longer cancel online a time starting then."""
        return starts_at - now < dt.timedelta(hours=self.cancel_cutoff_hours)


class WeeklySchedule(models.Model):
    """When a practitioner sees patients each week; cut into slots of equal length."""

    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.CASCADE,
        related_name="schedules",
        verbose_name=_("practitioner"),
    )
    weekday = models.PositiveSmallIntegerField(
        _("day"), choices=OpeningHours.Weekday.choices
    )
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"), default=30
    )

    class Meta:
        verbose_name = _("weekly schedule")
        verbose_name_plural = _("weekly schedules")
        ordering = ["practitioner", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")),
                name="schedule_ends_after_it_starts",
                violation_error_message=_("The schedule must end after it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=5, slot_minutes__lte=240),
                name="schedule_slot_length_sensible",
            ),
        ]

    def __str__(self):
        day = self.get_weekday_display()
        return f"{self.practitioner}: {day} {self.starts:%H.%M}–{self.ends:%H.%M}"

    def overlapping(self):
        """The practitioner's other schedules on this weekday that share any time
        with this one: a practitioner is never in two places."""
        return WeeklySchedule.objects.filter(
            practitioner_id=self.practitioner_id,
            weekday=self.weekday,
            starts__lt=self.ends,
            ends__gt=self.starts,
        ).exclude(pk=self.pk)

    def clean(self):
        if self.practitioner_id is None or not (self.starts and self.ends):
            return
        clash = self.overlapping().first()
        if clash is not None:
            raise ValidationError(
                _(
                    "%(practitioner)s already works %(starts)s–%(ends)s on this day. "
                    "One practitioner cannot be in two places: change the times or "
                    "that schedule."
                )
                % {
                    "practitioner": self.practitioner.name,
                    "starts": f"{clash.starts:%H.%M}",
                    "ends": f"{clash.ends:%H.%M}",
                }
            )


class ScheduleException(DaySpan):
    """Days a practitioner does not work: holiday, sick day, course."""

    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.CASCADE,
        related_name="schedule_exceptions",
        verbose_name=_("practitioner"),
    )
    starts_on = models.DateField(_("first day away"))
    ends_on = models.DateField(_("last day away"))

    class Meta(DaySpan.Meta):
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [DaySpan.ends_after_it_starts("absence_ends_after_it_starts")]

    def __str__(self):
        return f"{self.practitioner}: {self.starts_on}–{self.ends_on}"


class SlotQuerySet(models.QuerySet):
    def open(self):
        """Slots with no active booking."""
        return self.exclude(bookings__status__in=Booking.ACTIVE_STATUSES)

    def bookable(self, *, now=None):
        """Open, in the future, not withdrawn, with a practitioner still working:
        what anyone may book (staff on the phone too)."""
        now = now or timezone.now()
        return self.open().filter(
            starts_at__gt=now, is_withdrawn=False, practitioner__is_active=True
        )

    def bookable_online(self, *, policy, now=None):
        """Bookable, and inside the clinic's online window (notice and horizon);
        none when the clinic takes no bookings online. `policy` is the clinic's
        ClinicBookingPolicy (ClinicBookingPolicy.for_clinic)."""
        now = now or timezone.now()
        if not policy.online_booking:
            return self.none()
        earliest, latest = policy.window(now)
        return self.bookable_in(now=now, earliest=earliest, latest=latest)

    def bookable_in(self, *, now, earliest, latest):
        """Bookable at `now`, starting from `earliest` until `latest`: an online
        window (ClinicBookingPolicy.window) already worked out."""
        return self.bookable(now=now).filter(
            starts_at__gte=earliest, starts_at__lt=latest
        )

    def fitting(self, appointment_type):
        """Slots with a practitioner offering the type, long enough for it."""
        return self.fitting_to(
            professions=appointment_type.professions,
            length=dt.timedelta(minutes=appointment_type.duration_minutes),
        )

    def fitting_to(self, *, professions, length: dt.timedelta):
        """Slots with a practitioner of one of `professions`, at least `length`
        long (an appointment type's, as values: see selectors.open_filters)."""
        return self.annotate(
            length=models.ExpressionWrapper(
                models.F("ends_at") - models.F("starts_at"),
                output_field=models.DurationField(),
            )
        ).filter(practitioner__profession__in=professions, length__gte=length)


class WithdrawnBy(models.TextChoices):
    """Why a time is not offered: so a calendar reopens only what it withdrew."""

    STAFF = "staff", _("staff")
    ABSENCE = "absence", _("absence")
    CALENDAR = "calendar", _("the practitioner's calendar")


class Slot(models.Model):
    """A time a practitioner can see one patient. Stored in UTC, shown in Oslo time."""

    WithdrawnBy = WithdrawnBy

    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, related_name="slots", verbose_name=_("clinic")
    )
    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.CASCADE,
        related_name="slots",
        verbose_name=_("practitioner"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    is_withdrawn = models.BooleanField(
        _("withdrawn"),
        default=False,
        help_text=_("Not offered (the practitioner is away); kept for its history."),
    )
    withdrawn_by = models.CharField(
        _("withdrawn by"), max_length=10, choices=WithdrawnBy, blank=True
    )
    external_id = models.CharField(
        _("id in the patient-record system"), max_length=100, blank=True
    )

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner", "starts_at"],
                name="slot_unique_per_practitioner",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="slot_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "starts_at"], name="slot_clinic_time")
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{local:%Y-%m-%d %H.%M} {self.practitioner.name}"

    @property
    def minutes(self):
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def clean(self):
        """A slot offered again (not withdrawn) may not overlap another of the
        practitioner's: on PostgreSQL the database would refuse it too."""
        if self.is_withdrawn or not (self.practitioner_id and self.starts_at):
            return
        clash = (
            Slot.objects.filter(
                practitioner_id=self.practitioner_id,
                is_withdrawn=False,
                starts_at__lt=self.ends_at,
                ends_at__gt=self.starts_at,
            )
            .exclude(pk=self.pk)
            .first()
        )
        if clash is not None:
            raise ValidationError(
                _(
                    "Another time of this practitioner overlaps this one "
                    "(%(when)s). Withdraw that one first."
                )
                % {"when": f"{timezone.localtime(clash.starts_at):%d.%m.%Y %H.%M}"}
            )


# A booking reference patients can read aloud on the phone: no 0/O, 1/I/L, 2/Z, 5/S,
# 6/G or 8/B to mix up. Six characters of 23: about 148 million references.
REFERENCE_ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
REFERENCE_LENGTH = 6


def new_booking_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def new_row_key() -> str:
    """A random value a row keeps for life (96 bits), which the links, calendar
    files and access records about it carry: a restored backup reuses ids, never
    these, so a link made for one booking can never open another."""
    return secrets.token_urlsafe(12)


def row_key_field():
    return models.CharField(
        max_length=16, unique=True, default=new_row_key, editable=False
    )


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    ATTENDED = "attended", _("Attended")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("Did not attend")


# A booking that holds its slot (the constraints below and SlotQuerySet.open). A
# no-show is kept out, as a cancellation is: it is marked once the time has begun,
# so its slot can never be booked again anyway.
ACTIVE_STATUSES = [BookingStatus.CONFIRMED.value, BookingStatus.ATTENDED.value]
# The bookings the appointment book shows in their time.
SHOWN_STATUSES = [*ACTIVE_STATUSES, BookingStatus.NO_SHOW.value]


class Booking(models.Model):
    """One patient in one slot. A cancelled booking keeps its row, not personal data."""

    Status = BookingStatus
    ACTIVE_STATUSES = ACTIVE_STATUSES

    class Channel(models.TextChoices):
        WEB = "web", _("Online")
        PHONE = "phone", _("Phone or desk")

    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("time")
    )
    key = row_key_field()
    reference = models.CharField(
        _("reference"),
        max_length=REFERENCE_LENGTH,
        unique=True,
        default=new_booking_reference,
        editable=False,
        help_text=_("What the patient and staff call the booking; never personal."),
    )
    # Copies of the slot's practitioner and times, set by the services that book and
    # move: on PostgreSQL an exclusion constraint over them keeps one practitioner's
    # active bookings from overlapping (migration 0004).
    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("practitioner"),
    )
    starts_at = models.DateTimeField(_("starts"), null=True, editable=False)
    ends_at = models.DateTimeField(_("ends"), null=True, editable=False)
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, verbose_name=_("appointment type")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CONFIRMED
    )
    channel = models.CharField(
        _("booked"), max_length=8, choices=Channel.choices, default=Channel.WEB
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_new_patient = models.BooleanField(_("new patient"), default=True)
    privacy_notice_read = models.BooleanField(_("privacy notice read"), default=False)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="nb"
    )
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    # The calendar file's SEQUENCE: one more at each move, so a patient's calendar
    # updates the event (same UID) rather than adding a second one.
    sequence = models.PositiveIntegerField(
        _("calendar revision"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["slot__starts_at"]
        permissions = [
            ("use_appointment_book", _("Can use the appointment book")),
        ]
        constraints = [
            # The backstop under booking_create's locked check: one active booking
            # per slot, whatever the concurrency.
            models.UniqueConstraint(
                fields=["slot"],
                condition=models.Q(status__in=ACTIVE_STATUSES),
                name="booking_one_active_per_slot",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=BookingStatus.CANCELLED.value)
                | models.Q(name="", phone="", email=""),
                name="booking_cancelled_keeps_no_personal_data",
            ),
        ]

    def __str__(self):
        # Never the patient's name: this string shows in admin logs and lists.
        return f"{self.reference} {self.slot}"

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES

    @property
    def calendar_uid(self) -> str:
        """The UID of its event in calendars: by key, which no other booking ever
        has (ids come back after a restore)."""
        return f"booking-{self.key}@nemus"


class BookingMessage(models.Model):
    """An outbox row, e-mail or SMS: sent after the commit that queued it; when it
    was sent, how often it was tried and why it failed (never a personal detail)."""

    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True


class BookingEmail(BookingMessage):
    """An e-mail about a booking; failures are kept and retried."""

    MAX_ATTEMPTS = 5

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation")
        REMINDER = "reminder", _("Reminder")
        CANCELLED = "cancelled", _("Cancelled by the clinic")
        MOVED = "moved", _("Moved by the clinic")
        CHANGED = "changed", _("Changed by the patient")
        CLINIC_NOTICE = "clinic_notice", _("Notice to the clinic")

    booking = models.ForeignKey(
        Booking,
        on_delete=models.CASCADE,
        related_name="emails",
        verbose_name=_("booking"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The patient's address, kept here until the message is sent or given up
    # (a cancellation's e-mail goes after the booking has forgotten it), then
    # erased. Empty for the clinic's notice (its address is the clinic's).
    to = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("booking e-mail")
        verbose_name_plural = _("booking e-mails")
        indexes = [models.Index(fields=["sent_at", "attempts"], name="email_unsent")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.booking_id}"


class SmsMessage(BookingMessage):
    """An outbox row sent at most once: `key` names the message to the backend,
    `claimed_at` is set while one process sends it (no other sends it meanwhile),
    and `uncertain` marks a send whose answer never came, which is never repeated
    automatically."""

    key = models.CharField(max_length=32, unique=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    uncertain = models.BooleanField(default=False)
    given_up = models.BooleanField(default=False)
    provider_id = models.CharField(max_length=64, blank=True)
    segments = models.PositiveSmallIntegerField(default=0)

    log_name = "message"  # what the log calls it (never its contents)

    class Meta:
        abstract = True


class BookingSms(SmsMessage):
    """An SMS about a booking, sent after commit like the e-mails. The number is
    kept here until it is sent (a cancellation's SMS goes after the booking has
    forgotten it), then erased."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation")
        REMINDER = "reminder", _("Reminder")
        CHANGED = "changed", _("Changed by the patient")
        MOVED = "moved", _("Moved by the clinic")
        CANCELLED = "cancelled", _("Cancelled")

    booking = models.ForeignKey(
        Booking,
        on_delete=models.CASCADE,
        related_name="sms_messages",
        verbose_name=_("booking"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    to = models.CharField(_("mobile number"), max_length=20, blank=True)

    log_name = "booking sms"

    class Meta:
        verbose_name = _("booking SMS")
        verbose_name_plural = _("booking SMS")
        indexes = [models.Index(fields=["sent_at", "attempts"], name="sms_unsent")]

    def __str__(self):
        return f"SMS {self.get_kind_display()} #{self.booking_id}"


class WaitlistEntry(models.Model):
    """A patient who wants to hear of an earlier time at a clinic (optionally with
    one practitioner or profession) up to a last day. It counts only once its
    owner has confirmed the mobile number (a code by SMS) or the e-mail address (a
    link); it is deleted when removed, past its day, or never confirmed."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.CASCADE,
        related_name="waitlist_entries",
        verbose_name=_("clinic"),
    )
    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("practitioner"),
    )
    profession = models.CharField(
        _("profession"), max_length=32, choices=Profession.choices, blank=True
    )
    latest_date = models.DateField(_("last day"))
    channel = models.CharField(_("contact by"), max_length=8, choices=Channel.choices)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="nb"
    )
    key = row_key_field()
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # When the SMS code was sent (the code is derived from it, never stored) and
    # how many times a wrong one was tried.
    code_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting list")
        ordering = ["confirmed_at", "pk"]
        indexes = [
            models.Index(
                fields=["clinic", "confirmed_at", "latest_date"],
                name="waitlist_queue",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(channel="sms") & ~models.Q(phone="") & models.Q(email="")
                )
                | (
                    models.Q(channel="email") & ~models.Q(email="") & models.Q(phone="")
                ),
                name="waitlist_one_contact",
            )
        ]

    def __str__(self):
        # Never the contact: this string shows in admin logs and lists.
        return f"#{self.pk} {self.clinic}"

    @property
    def contact(self) -> str:
        return self.phone if self.channel == self.Channel.SMS else self.email


class WaitlistOpening(models.Model):
    """A time that became bookable online (cancelled, moved from, reopened, new):
    offered to the waiting list once it is handled, which waits out the quiet
    hours."""

    slot = models.ForeignKey(
        Slot, on_delete=models.CASCADE, related_name="+", verbose_name=_("time")
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["handled_at"], name="opening_unhandled")]

    def __str__(self):
        return f"opening #{self.slot_id}"


class WaitlistOffer(models.Model):
    """One time offered to one entry; whoever books it first has it."""

    entry = models.ForeignKey(
        WaitlistEntry, on_delete=models.CASCADE, related_name="offers"
    )
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "slot"], name="waitlist_offer_once"
            )
        ]

    def __str__(self):
        return f"offer #{self.slot_id} to #{self.entry_id}"


class WaitlistMessage(SmsMessage):
    """A message to a waiting-list entry by its channel: the SMS code or the
    e-mail link that confirms it, or an offer. The address is the entry's (gone
    with it)."""

    class Kind(models.TextChoices):
        CODE = "code", _("Confirmation code")
        CONFIRM_LINK = "confirm_link", _("Confirmation link")
        OFFER = "offer", _("Offer of a time")

    entry = models.ForeignKey(
        WaitlistEntry, on_delete=models.CASCADE, related_name="messages"
    )
    offer = models.ForeignKey(
        WaitlistOffer, on_delete=models.CASCADE, null=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)

    log_name = "waitlist message"

    class Meta:
        indexes = [
            models.Index(fields=["sent_at", "attempts"], name="waitlist_msg_unsent")
        ]

    def __str__(self):
        return f"{self.kind} #{self.entry_id}"


def _mask(url: str) -> str:
    """A secret URL as staff may see it: its host only."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}/…" if parts.scheme else "…"


class BusyCalendar(models.Model):
    """A practitioner's own calendar (their EPJ's or calendar's iCalendar export):
    its busy times withdraw the open slots they overlap. The URL is a secret: shown
    masked, never logged."""

    practitioner = models.OneToOneField(
        Practitioner,
        on_delete=models.CASCADE,
        related_name="busy_calendar",
        verbose_name=_("practitioner"),
    )
    url = models.CharField(_("calendar address"), max_length=2000)
    etag = models.CharField(max_length=200, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last read"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    failures = models.PositiveSmallIntegerField(_("failures in a row"), default=0)

    class Meta:
        verbose_name = _("practitioner's calendar")
        verbose_name_plural = _("practitioners' calendars")

    def __str__(self):
        return f"{self.practitioner}: {self.masked_url}"

    @property
    def masked_url(self) -> str:
        return _mask(self.url)


class BusyTime(models.Model):
    """A busy time read from a practitioner's calendar (the last good reading)."""

    calendar = models.ForeignKey(
        BusyCalendar, on_delete=models.CASCADE, related_name="busy_times"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["calendar", "starts_at"], name="busy_time_calendar")
        ]

    def __str__(self):
        return f"busy {self.starts_at:%Y-%m-%d %H:%M}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A private iCalendar feed of a practitioner's or a clinic's bookings and
    blocked times, at a long random address staff can rotate. It carries time, type
    and reference only: these feeds end up in calendar services outside our
    control."""

    practitioner = models.OneToOneField(
        Practitioner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feed",
        verbose_name=_("practitioner"),
    )
    clinic = models.OneToOneField(
        Clinic,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feed",
        verbose_name=_("clinic"),
    )
    token = models.CharField(
        max_length=64, unique=True, default=new_feed_token, editable=False
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("address changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(practitioner__isnull=False, clinic__isnull=True)
                | models.Q(practitioner__isnull=True, clinic__isnull=False),
                name="calendar_feed_one_owner",
                violation_error_message=_(
                    "A feed is for one practitioner or one clinic: choose one of them."
                ),
            )
        ]

    def __str__(self):
        return str(self.practitioner or self.clinic)


class CalendarFeedFetch(models.Model):
    """One fetch of a feed: when, which feed (nothing about who)."""

    feed = models.ForeignKey(
        CalendarFeed, on_delete=models.CASCADE, related_name="fetches"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["feed", "at"], name="feed_fetch_at")]

    def __str__(self):
        return f"{self.feed_id} {self.at:%Y-%m-%d %H:%M}"


class ClinicStaff(models.Model):
    """A staff user's clinic: they see and change only its schedules and bookings."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="clinic_memberships",
        verbose_name=_("user"),
    )
    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, related_name="staff", verbose_name=_("clinic")
    )

    class Meta:
        verbose_name = _("clinic staff member")
        verbose_name_plural = _("clinic staff")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "clinic"], name="clinic_staff_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.clinic}"


class BookingAccess(models.Model):
    """Who opened which booking, and when (Normen). Holds no patient data and is
    kept after the booking is deleted."""

    # The number as staff saw it, and the row's key (Booking.key): after a restore
    # a number can name another booking, a key never does.
    booking_id = models.PositiveBigIntegerField(
        _("booking number"), db_index=True, null=True, blank=True
    )
    booking_key = models.CharField(
        _("booking key"), max_length=16, blank=True, db_index=True
    )
    waitlist_entry_id = models.PositiveBigIntegerField(
        _("waiting-list entry number"), null=True, blank=True
    )
    waitlist_entry_key = models.CharField(
        _("waiting-list entry key"), max_length=16, blank=True
    )
    clinic_id = models.PositiveBigIntegerField(_("clinic number"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        verbose_name=_("user"),
    )

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        CHANGE = "change", _("changed")
        DAY_LIST = "day-list", _("listed the day")
        WAITLIST_VIEW = "waitlist-view", _("opened a waiting-list entry")

    username = models.CharField(_("username"), max_length=150)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("booking access record")
        verbose_name_plural = _("booking access records")
        ordering = ["-at"]

    def __str__(self):
        subject = self.booking_id or f"waitlist {self.waitlist_entry_id}"
        return f"{self.username} {self.action} #{subject} {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def of_booking(cls, booking, **fields) -> "BookingAccess":
        """A record (unsaved) about `booking`, by number and key."""
        return cls(
            booking_id=booking.pk,
            booking_key=booking.key,
            clinic_id=booking.slot.clinic_id,
            **fields,
        )
