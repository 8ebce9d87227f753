"""What open_times finds per clinic, kept in each worker until the next booking
(or staff edit, or minute): the soonest times near a search and each clinic's
first open time. The finder and the soonest-times page show the same clinics
over and over for different postcodes; each clinic's answer is found once, and a
request finds only the clinics not seen since the last booking, in one query.

What the booking form asks of its clinic on every GET and POST (the clinic with
its policy, the types each profession offers there, their costs) is kept the same
way until the next staff edit.

The values are shared by every request of the worker: read them, never change
them (nemus_site/fragments.py)."""

from django.conf import settings

from booking.selectors.open_times import (
    FirstOpen,
    appointment_types_for,
    next_open_slot_by_clinic,
    soonest_slots_by_clinic,
)
from booking.selectors.prices import costs_get
from clinics.models import Clinic, Practitioner
from nemus_site.fragments import clinic_store, edits_fragment_in, times_fragments


def _type_key(appointment_type):
    return appointment_type.pk if appointment_type is not None else None


def per_clinic_kept(request, name: str, *, clinics, choice: tuple, find) -> dict:
    """{clinic id: value}, each kept under (name, clinic id, *choice) until the
    next booking; `find(clinics)` answers for those not kept, all at once, with a
    value for each ({clinic id: value}; never None: that is "not kept")."""
    by_pk = {clinic.pk: clinic for clinic in clinics}

    def build(missing) -> dict:
        found = find([by_pk[key[1]] for key in missing])
        return {key: found[key[1]] for key in missing}

    kept = times_fragments(request, [(name, pk, *choice) for pk in by_pk], build)
    return {key[1]: value for key, value in kept.items()}


def soonest_kept(
    request, *, clinics, per_clinic: int, profession: str, appointment_type, now
) -> dict[int, tuple]:
    """soonest_slots_by_clinic's answer ({clinic id: (slots, …)}, an empty tuple
    for a clinic with none), kept per clinic and choice."""

    def find(some) -> dict:
        found = soonest_slots_by_clinic(
            clinics=some,
            per_clinic=per_clinic,
            profession=profession,
            appointment_type=appointment_type,
            now=now,
        )
        return {clinic.pk: tuple(found.get(clinic.pk, ())) for clinic in some}

    choice = (per_clinic, profession, _type_key(appointment_type))
    return per_clinic_kept(
        request, "soonest", clinics=clinics, choice=choice, find=find
    )


def next_open_kept(
    request, *, clinics, profession: str = "", appointment_type=None, now=None
) -> dict[int, FirstOpen | None]:
    """next_open_slot_by_clinic's answer for each clinic (None: nothing open),
    kept per clinic and choice."""

    def find(some) -> dict:
        found = next_open_slot_by_clinic(
            clinics=some,
            now=now,
            profession=profession,
            appointment_type=appointment_type,
        )
        # () for a clinic with no open time: None is "not kept" to the store.
        return {clinic.pk: found.get(clinic.pk, ()) for clinic in some}

    choice = (profession, _type_key(appointment_type))
    kept = per_clinic_kept(
        request, "next-open", clinics=clinics, choice=choice, find=find
    )
    return {pk: value or None for pk, value in kept.items()}


class _NoSuchClinic(Exception):
    """Not kept: a made-up address must not fill the store."""


def booking_clinic_kept(request, slug: str | None = None, *, pk: int | None = None):
    """The clinic at `slug` (or with `pk`) with its booking policy (None: there is
    none), kept until the next staff edit."""

    def build():
        clinics = Clinic.objects.select_related("booking_policy")
        found = (
            clinics.filter(slug=slug) if pk is None else clinics.filter(pk=pk)
        ).first()
        if found is None:
            raise _NoSuchClinic
        return found

    key = ("booking-clinic", slug) if pk is None else ("booking-clinic-id", pk)
    try:
        return edits_fragment_in(clinic_store, request, key, build)
    except _NoSuchClinic:
        return None


def booking_practitioners_kept(request, clinic) -> dict:
    """{id: Practitioner} of the clinic's practitioners, kept until the next staff
    edit: the booking form names the one whose time it is."""
    return edits_fragment_in(
        clinic_store,
        request,
        ("booking-practitioners", clinic.pk),
        lambda: {p.pk: p for p in Practitioner.objects.filter(clinic=clinic)},
    )


def booking_types_kept(request, *, clinic, profession: str) -> tuple:
    """appointment_types_for(professions={profession}, clinic=clinic), kept until
    the next staff edit."""
    return edits_fragment_in(
        clinic_store,
        request,
        ("booking-types", clinic.pk, profession),
        lambda: tuple(appointment_types_for(professions={profession}, clinic=clinic)),
    )


def booking_costs_kept(request, *, clinic, types, payer: tuple, day) -> dict:
    """costs_get for one payer (the practitioner's profession and agreement), kept
    per clinic, types and day until the next staff edit (and apart on a demo site,
    whose example rates only it shows)."""
    types = tuple(types)
    pks = tuple(t.pk for t in types)
    key = ("booking-costs", clinic.pk, payer, pks, day, settings.DEMO_MODE)
    return edits_fragment_in(
        clinic_store,
        request,
        key,
        lambda: costs_get(clinic=clinic, types=types, payers=[payer], day=day),
    )
