import datetime as dt

import factory
from django.utils import timezone

from booking.models import AppointmentType, Booking, Slot
from clinics.models import Clinic, OpeningHours, Practitioner, Profession
from conditions.models import Condition, ConditionItem, ConditionPart


class ConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Condition

    title_nb = factory.Sequence(lambda n: f"Plage {n}")
    title_en = factory.Sequence(lambda n: f"Complaint {n}")
    slug_nb = factory.Sequence(lambda n: f"plage-{n}")
    slug_en = factory.Sequence(lambda n: f"complaint-{n}")
    summary_nb = "Et kort sammendrag."
    summary_en = "A short summary."
    status = Condition.Status.PUBLISHED


class ConditionPartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConditionPart

    condition = factory.SubFactory(ConditionFactory)
    order = factory.Sequence(lambda n: n)
    kind = ConditionPart.Kind.SYMPTOMS
    heading_nb = factory.Sequence(lambda n: f"Overskrift {n}")
    heading_en = factory.Sequence(lambda n: f"Heading {n}")
    lead_nb = "Tekst før listen."
    lead_en = "Text before the list."


class ConditionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConditionItem

    part = factory.SubFactory(ConditionPartFactory)
    order = factory.Sequence(lambda n: n)
    text_nb = factory.Sequence(lambda n: f"Punkt {n}")
    text_en = factory.Sequence(lambda n: f"Point {n}")


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"NEMUS Test {n}")
    slug = factory.Sequence(lambda n: f"nemus-test-{n}")
    street_address = "Testgata 1"
    postcode = "0150"
    town = "Oslo"
    latitude = 59.91
    longitude = 10.75
    phone = "00 00 00 00"


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    clinic = factory.SubFactory(ClinicFactory)
    weekday = 0
    opens = dt.time(8, 0)
    closes = dt.time(16, 0)


class PractitionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practitioner

    clinic = factory.SubFactory(ClinicFactory)
    name = factory.Sequence(lambda n: f"Behandler {n}")
    profession = Profession.CHIROPRACTOR


class AppointmentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentType
        django_get_or_create = ("slug",)

    slug = "oppfolging"
    name_nb = "Oppfølging"
    name_en = "Follow-up"
    duration_minutes = 30
    price_nok = 590
    professions = factory.LazyFunction(lambda: list(Profession.values))


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slot

    practitioner = factory.SubFactory(PractitionerFactory)
    clinic = factory.SelfAttribute("practitioner.clinic")
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + dt.timedelta(days=2)).replace(
            minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(
        lambda slot: slot.starts_at + dt.timedelta(minutes=30)
    )


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking written straight to the database, for what booking_create refuses
    to make: one in the past (to mark or purge), or with details a test sets."""

    class Meta:
        model = Booking

    slot = factory.SubFactory(SlotFactory)
    practitioner = factory.SelfAttribute("slot.practitioner")
    starts_at = factory.SelfAttribute("slot.starts_at")
    ends_at = factory.SelfAttribute("slot.ends_at")
    appointment_type = factory.SubFactory(AppointmentTypeFactory)
    name = "Pasient"
    phone = "+4791234567"
    channel = "phone"
