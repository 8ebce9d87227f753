"""What a waiting-list entry can match: choices that contradict each other are
refused when it is made, and an opened time is offered only to entries it suits
(practitioner, profession, appointment type, time of day)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from booking.models import AppointmentType, Slot, TimeOfDay
from booking.services.errors import WaitlistError


def waitlist_choices_check(
    *,
    clinic,
    practitioner=None,
    profession: str | None = "",
    appointment_type=None,
    time_of_day: str | None = "",
) -> None:
    """Refuse (WaitlistError, with what to change) choices no time can ever
    match: a practitioner elsewhere or of another profession than the one chosen,
    an appointment type no one chosen offers."""
    if practitioner is not None and (
        practitioner.clinic_id != clinic.pk or not practitioner.is_active
    ):
        raise WaitlistError(
            _("Choose a practitioner at this clinic."), field="practitioner"
        )
    if (
        practitioner is not None
        and profession
        and practitioner.profession != profession
    ):
        raise WaitlistError(
            _(
                "%(name)s's profession is %(profession)s. Choose that "
                "profession, or any profession."
            )
            % {
                "name": practitioner.name,
                "profession": practitioner.get_profession_display().lower(),
            },
            field="profession",
        )
    if time_of_day and time_of_day not in TimeOfDay.values:
        raise WaitlistError(
            _("Choose morning, afternoon or any time."), field="time_of_day"
        )
    if appointment_type is None:
        return
    if not appointment_type.is_active:
        raise WaitlistError(
            _("Choose an appointment type we offer."), field="appointment_type"
        )
    offered_by = {practitioner.profession} if practitioner is not None else None
    if offered_by is None and profession:
        offered_by = {profession}
    if offered_by is None:
        offered_by = set(
            clinic.practitioners.filter(is_active=True).values_list(
                "profession", flat=True
            )
        )
    if not offered_by & set(appointment_type.professions):
        raise WaitlistError(
            _("%(type)s is not offered by whom you chose. Choose another type.")
            % {"type": appointment_type.name},
            field="appointment_type",
        )


def waitlist_matching(slot: Slot) -> Q:
    """The entries `slot` suits, as a filter on WaitlistEntry: any or its
    practitioner, any or its profession, any time of day or its, any appointment
    type or one that fits it."""
    return (
        (Q(practitioner__isnull=True) | Q(practitioner_id=slot.practitioner_id))
        & (Q(profession="") | Q(profession=slot.practitioner.profession))
        & (Q(time_of_day="") | Q(time_of_day=TimeOfDay.of(slot.starts_at)))
        & (
            Q(appointment_type__isnull=True)
            | Q(appointment_type_id__in=_types_fitting(slot))
        )
    )


def _types_fitting(slot: Slot) -> list[int]:
    """Ids of the appointment types that fit `slot`: offered by its
    practitioner's profession, no longer than it."""
    return [
        kind.pk
        for kind in AppointmentType.objects.filter(is_active=True)
        if kind.offered_by(slot.practitioner.profession) and kind.fits_in(slot)
    ]
