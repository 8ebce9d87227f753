"""What an appointment costs the patient: the clinic's price, and what HELFO takes
off it (direct settlement) or the public patient fee instead (a practitioner with
a public funding agreement), for the appointment's date, in plain words."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from booking.formatting import nok
from booking.models import (
    AppointmentType,
    DirectSettlement,
    HelfoRate,
)
from booking.selectors.open_times import appointment_types_for
from clinics.models import Profession

DIRECT, PUBLIC, NONE = "direct", "public", "none"


@dataclass(frozen=True)
class Cost:
    """What one appointment type costs with one kind of practitioner on one day."""

    kind: AppointmentType
    settlement: str  # DIRECT, PUBLIC or NONE
    rate: HelfoRate | None  # HELFO's amount for the day, when one is recorded

    @property
    def price(self) -> int:
        return self.kind.price

    @property
    def helfo(self) -> int:
        """What HELFO covers and the clinic takes off at once."""
        if self.settlement == DIRECT and self.rate is not None:
            return min(self.rate.amount_nok, self.price)
        return 0

    @property
    def pays(self) -> int | None:
        """What the patient pays at the clinic; None: a patient fee not recorded."""
        if self.settlement == PUBLIC:
            return self.rate.amount_nok if self.rate is not None else None
        return self.price - self.helfo

    @property
    def summary(self) -> str:
        """In plain words, e.g. "You pay NOK 451. HELFO covers NOK 139, which we
        take off at once." """
        if self.settlement == PUBLIC:
            if self.rate is None:
                return _(
                    "You pay only the public patient fee: the practitioner has a "
                    "public funding agreement. Ask us what it is."
                )
            return _(
                "You pay the public patient fee, %(fee)s: the practitioner has a "
                "public funding agreement."
            ) % {"fee": nok(self.rate.amount_nok)}
        if self.settlement == DIRECT:
            if self.rate is None:
                return _(
                    "You pay %(price)s, less HELFO's share: we do not have HELFO's "
                    "amount for this date, so ask us what it is."
                ) % {"price": nok(self.price)}
            return _(
                "You pay %(pays)s. HELFO covers %(helfo)s, which we take off at once."
            ) % {"pays": nok(self.pays or 0), "helfo": nok(self.helfo)}
        return _("You pay %(price)s. HELFO gives no refund for this appointment.") % {
            "price": nok(self.price)
        }


def settlement_of(profession: str, public_agreement: bool, direct: set) -> str:
    if public_agreement:
        return PUBLIC
    return DIRECT if profession in direct else NONE


def costs_get(
    *, clinic, types: Iterable[AppointmentType], payers: Iterable[tuple], day: dt.date
) -> dict:
    """{(profession, public_agreement, type pk): Cost} for `types` (with the
    clinic's prices: appointment_types_for(clinic=)) at `clinic` on `day`, for
    each (profession, public_agreement) in `payers` that offers the type: two
    queries."""
    types, payers = list(types), set(payers)
    direct = set(
        DirectSettlement.objects.filter(clinic=clinic).values_list(
            "profession", flat=True
        )
    )
    rates: dict[tuple, HelfoRate] = {}
    found = HelfoRate.objects.filter(
        appointment_type__in=[kind.pk for kind in types],
        profession__in={profession for profession, _public in payers},
        valid_from__lte=day,
    )
    if not settings.DEMO_MODE:
        found = found.filter(is_demo=False)  # demo values only on the demo site
    for rate in found.order_by("valid_from"):
        if rate.covers(day):
            rates[(rate.profession, rate.kind, rate.appointment_type_id)] = rate
    costs = {}
    for profession, public in payers:
        settlement = settlement_of(profession, public, direct)
        wanted = HelfoRate.Kind.PATIENT_FEE if public else HelfoRate.Kind.REFUND
        for kind in types:
            if not kind.offered_by(profession):
                continue
            found_rate = None
            if settlement != NONE:
                found_rate = rates.get((profession, wanted, kind.pk))
            costs[(profession, public, kind.pk)] = Cost(kind, settlement, found_rate)
    return costs


@dataclass(frozen=True)
class PriceRow:
    """One appointment type in a clinic's price list: its price there, and what
    the patient pays with each kind of practitioner who offers it."""

    kind: AppointmentType
    costs: list  # [(label, Cost)]: "Chiropractor", "Physiotherapist, public ..."


def payer_label(profession: str, public_agreement: bool) -> str:
    name = Profession(profession).label
    if public_agreement:
        return _("%(profession)s (public funding agreement)") % {"profession": name}
    return str(name)


def price_list_get(*, clinic, practitioners, day: dt.date) -> list[PriceRow]:
    """The clinic's price list on `day`, for its active `practitioners`: three
    queries (the types with the clinic's prices, its settlements, HELFO's amounts)."""
    order = list(Profession.values)
    payers = sorted(
        {(p.profession, p.public_agreement) for p in practitioners},
        key=lambda payer: (order.index(payer[0]), payer[1]),
    )
    types = appointment_types_for(
        professions={profession for profession, _p in payers}, clinic=clinic
    )
    costs = costs_get(clinic=clinic, types=types, payers=payers, day=day)
    return [
        PriceRow(
            kind,
            [
                (payer_label(*payer), costs[(*payer, kind.pk)])
                for payer in payers
                if (*payer, kind.pk) in costs
            ],
        )
        for kind in types
    ]
