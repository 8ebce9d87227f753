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


def soonest_kept(
    request, *, clinics, per_clinic: int, profession: str, appointment_type, now
) -> dict[int, tuple]:
    """soonest_slots_by_clinic's answer ({clinic id: (slots, …)}, an empty tuple
    for a clinic with none), kept per clinic and choice."""
    by_pk = {clinic.pk: clinic for clinic in clinics}
    choice = (per_clinic, profession, _type_key(appointment_type))

    def build(missing) -> dict:
        found = soonest_slots_by_clinic(
            clinics=[by_pk[key[1]] for key in missing],
            per_clinic=per_clinic,
            profession=profession,
            appointment_type=appointment_type,
            now=now,
        )
        return {key: tuple(found.get(key[1], ())) for key in missing}

    kept = times_fragments(request, [("soonest", pk, *choice) for pk in by_pk], build)
    return {key[1]: value for key, value in kept.items()}


# Kept for a clinic with no open time: None is "not kept" to the store.
_NONE_OPEN = ()


def next_open_kept(
    request, *, clinics, profession: str = "", appointment_type=None, now=None
) -> dict[int, FirstOpen | None]:
    """next_open_slot_by_clinic's answer for each clinic (None: nothing open),
    kept per clinic and choice."""
    by_pk = {clinic.pk: clinic for clinic in clinics}
    choice = (profession, _type_key(appointment_type))

    def build(missing) -> dict:
        found = next_open_slot_by_clinic(
            clinics=[by_pk[key[1]] for key in missing],
            now=now,
            profession=profession,
            appointment_type=appointment_type,
        )
        return {key: found.get(key[1], _NONE_OPEN) for key in missing}

    kept = times_fragments(request, [("next-open", pk, *choice) for pk in by_pk], build)
    return {key[1]: value or None for key, value in kept.items()}
