"""The confirmation page of the booking just made: found by a signed cookie of the
patient's browser, showing the details for a few minutes only."""

import hashlib

from django.conf import settings
from django.core import signing
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from booking.selectors import (
    booking_clinic_kept,
    booking_get_for_patient,
    booking_types_kept,
)
from booking.views.public import booking_crumbs

# The booking just made, for its confirmation page: in a signed cookie of the
# patient's browser (its id and a digest of its key, signed with the time), not in a
# session: no row to write and read back for each booking, and the patient's next
# pages stay the public ones (a session cookie makes every page rendered anew).
CONFIRMATION_SALT = "booking.confirmation"


def _key_digest(booking) -> str:
    return hashlib.sha256(booking.key.encode()).hexdigest()[:24]


def confirmation_remember(response, booking) -> None:
    response.set_signed_cookie(
        settings.BOOKING_CONFIRMATION_COOKIE_NAME,
        f"{booking.pk}:{_key_digest(booking)}",
        salt=CONFIRMATION_SALT,
        max_age=settings.BOOKING_CONFIRMATION_MINUTES * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@method_decorator(never_cache, name="dispatch")
class ConfirmationView(View):
    """The booking just made, with the patient's details, for a few minutes only
    (BOOKING_CONFIRMATION_MINUTES, the cookie's life and its signature's): on a
    shared computer the next person must not find them. After that the page says
    the e-mail has them."""

    def get(self, request):
        name = settings.BOOKING_CONFIRMATION_COOKIE_NAME
        try:
            stored = request.get_signed_cookie(
                name,
                salt=CONFIRMATION_SALT,
                max_age=settings.BOOKING_CONFIRMATION_MINUTES * 60,
            )
        except signing.SignatureExpired:
            response = render(
                request,
                "booking/booking_confirmation.html",
                {
                    "expired": True,
                    "breadcrumbs": booking_crumbs((_("Confirmation"), "")),
                },
            )
            response.delete_cookie(name, samesite="Lax")
            return response
        except (KeyError, signing.BadSignature):
            return redirect("booking:index")
        pk, _sep, digest = stored.partition(":")
        booking = None
        if pk.isdigit():
            # The clinic and its prices are kept: not read with the booking.
            booking = booking_get_for_patient(booking_id=int(pk), clinic=False)
        if (
            booking is None
            or not constant_time_compare(_key_digest(booking), digest)
            or not booking.is_active
        ):
            return redirect("booking:index")
        slot = booking.slot
        slot.clinic = booking_clinic_kept(request, pk=slot.clinic_id)
        kinds = booking_types_kept(
            request, clinic=slot.clinic, profession=slot.practitioner.profession
        )
        kind = next((k for k in kinds if k.pk == booking.appointment_type_id), None)
        return render(
            request,
            "booking/booking_confirmation.html",
            {
                "booking": booking,
                "slot": slot,
                "clinic": slot.clinic,
                "price": booking.price if kind is None else kind.price,
                "breadcrumbs": booking_crumbs((_("Confirmation"), "")),
            },
        )
