"""What open_times finds per clinic, kept in each worker until the next booking
(or staff edit, or minute): the soonest times near a search and each clinic's
first open time. The finder and the soonest-times page show the same clinics
over and over for different postcodes; each clinic's answer is found once, and a
request finds only the clinics not seen since the last booking, in one query.

The values are shared by every request of the worker: read them, never change
them (nemus_site/fragments.py)."""

from booking.selectors.open_times import (
    FirstOpen,
    next_open_slot_by_clinic,
    soonest_slots_by_clinic,
)
from nemus_site.fragments import times_fragments


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
