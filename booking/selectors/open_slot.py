"""The one open time a booking form is for: found by a query compiled once (every
GET and POST of the form asks it), by the rule of open_times.slot_list_open."""

from django.db import router

from booking.models import ClinicBookingPolicy, Slot
from booking.selectors.open_times import open_in_window
from clinics.models import Clinic
from nemus_site.compiled import CompiledQuery

# The largest id a slot can have (a 64-bit integer): a longer number in the address
# finds none, as the ORM's lookup would say, instead of failing in the driver.
_ID_MAX = 2**63 - 1


def _open_slot_query(*, slot_id, clinic_id, now, earliest, latest):
    return (
        open_in_window(
            clinic_id=clinic_id,
            now=now,
            earliest=earliest,
            latest=latest,
            start=now,
            end=latest,
        )
        .filter(pk=slot_id)
        .values_list("pk", "practitioner_id", "starts_at", "ends_at")
    )


# Built and compiled once per shape: every booking form's GET and POST asks it, and
# building it took longer than running it.
OPEN_SLOT = CompiledQuery(
    _open_slot_query,
    model=Slot,
    columns=["pk", "practitioner_id", "starts_at", "ends_at"],
)


def slot_open_get(*, clinic: Clinic, slot_id: int, now, practitioners=None):
    """The clinic's slot `slot_id` when a patient may book it online at `now`
    (slot_list_open's rule), else None; with its clinic, and its practitioner from
    `practitioners` ({id: Practitioner}, the clinic's, kept) when there (else read
    when asked for). One query, compiled once; the slot's other fields are read
    only when asked for."""
    policy = ClinicBookingPolicy.for_clinic(clinic)
    if not policy.online_booking or not 0 < slot_id <= _ID_MAX:
        return None
    earliest, latest = policy.window(now)
    rows = OPEN_SLOT.rows(
        slot_id=slot_id, clinic_id=clinic.pk, now=now, earliest=earliest, latest=latest
    )
    if not rows:
        return None
    pk, practitioner_id, starts_at, ends_at = rows[0]
    slot = Slot.from_db(
        router.db_for_read(Slot),
        ["id", "clinic_id", "practitioner_id", "starts_at", "ends_at"],
        [pk, clinic.pk, practitioner_id, starts_at, ends_at],
    )
    slot.clinic = clinic
    practitioner = (practitioners or {}).get(practitioner_id)
    if practitioner is not None:
        slot.practitioner = practitioner
    return slot
