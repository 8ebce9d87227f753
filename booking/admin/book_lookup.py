"""Finding a returning patient by phone number in the appointment book's phone
form: the whole number, exact after normalising, among this clinic's kept bookings
only; each patient with their name and a partly hidden e-mail (families share
numbers); reception checks with the caller and picks one, which fills the form.
Limited per user per hour (BOOK_LOOKUPS_PER_HOUR), and each lookup is an access
record of every booking it showed."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from booking.models import BookingAccess
from booking.selectors import patients_by_phone
from booking.services import normalise_phone
from nemus_site.ratelimit import rate_limit_hit, rate_limit_key


def masked_email(address: str) -> str:
    """'k***@e***.no': enough to tell two people apart, not to write to them."""
    if "@" not in address:
        return ""
    local, _at, domain = address.partition("@")
    name, dot, tld = domain.rpartition(".")
    hidden = f"{name[:1]}***{dot}{tld}" if dot else f"{domain[:1]}***"
    return f"{local[:1]}***@{hidden}"


def patient_lookup(request, clinic) -> dict:
    """The lookup the request asks for (`?nummer=`, and `pasient=` for the one
    chosen): {"number", "error", "found": [(booking, masked e-mail)], "chosen"}."""
    raw = request.GET.get("nummer", "").strip()
    result: dict = {"number": raw[:40], "error": "", "found": None, "chosen": None}
    if not raw:
        return result
    if rate_limit_hit(
        key=rate_limit_key("book-lookup", str(request.user.pk)),
        limit=settings.BOOK_LOOKUPS_PER_HOUR,
        window=dt.timedelta(hours=1),
    ):
        result["error"] = _(
            "You have looked up too many numbers this hour. Ask the caller for "
            "their details."
        )
        return result
    try:
        phone = normalise_phone(raw)
    except ValidationError:
        phone = ""
    if not phone:
        result["error"] = _("Type the whole number, for example 412 34 567.")
        return result
    found = patients_by_phone(clinic_id=clinic.pk, phone=phone)
    BookingAccess.record(
        found,
        user=request.user,
        action=BookingAccess.Action.LOOKUP,
    )
    result["found"] = [(booking, masked_email(booking.email)) for booking in found]
    chosen = request.GET.get("pasient", "")
    result["chosen"] = next((b for b in found if str(b.pk) == chosen), None)
    return result
