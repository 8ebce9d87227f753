"""The waiting list: joining it for a clinic, and an entry's own page (confirm, take an
offered time, leave)."""

import datetime as dt

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from booking.forms import WaitlistCodeForm, WaitlistForm
from booking.links import waitlist_link, waitlist_token
from booking.models import ClinicBookingPolicy
from booking.selectors import (
    appointment_types_for,
    waitlist_entry_get,
    waitlist_offers_open,
)
from booking.services import (
    WaitlistError,
    waitlist_confirm,
    waitlist_join,
    waitlist_remove,
)
from booking.views.public import booking_crumbs, clinic_for_slots
from nemus_site.client_ip import client_ip
from nemus_site.ratelimit import rate_limit_hit, rate_limit_key


def _entry_for_token(token):
    """(the waiting-list entry a signed link names, whether the link went to its
    contact); (None, False) as for a booking's link."""
    link = waitlist_link(token)
    if link is None:
        return None, False
    entry = waitlist_entry_get(entry_id=link.row_id)
    return (entry, link.proof) if link.fits(entry) else (None, False)


def _waitlist_crumbs(clinic, *extra):
    return booking_crumbs(
        (clinic.name, reverse("booking:clinic", args=[clinic.slug])), *extra
    )


@method_decorator(never_cache, name="dispatch")
class WaitlistJoinView(View):
    """Sign up to hear of a time at a clinic; then confirm the number (a code) or
    the address (a link) on the entry's page."""

    template_name = "booking/waitlist_join.html"

    def setup_form(self, request, slug):
        clinic = clinic_for_slots(slug)
        policy = ClinicBookingPolicy.for_clinic(clinic)
        earliest_day, latest_day = policy.window_days(timezone.now())
        practitioners = list(clinic.practitioners.all())
        form = WaitlistForm(
            request.POST or None,
            clinic=clinic,
            practitioners=practitioners,
            appointment_types=appointment_types_for(
                professions={p.profession for p in practitioners}
            ),
            earliest_day=earliest_day,
            latest_day=latest_day,
        )
        return clinic, policy, form

    def render_form(self, request, clinic, policy, form, status=200):
        context = {
            "clinic": clinic,
            "policy": policy,
            "form": form,
            "breadcrumbs": _waitlist_crumbs(clinic, (_("Waiting list"), "")),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, clinic):
        clinic, policy, form = self.setup_form(request, clinic)
        return self.render_form(request, clinic, policy, form)

    def post(self, request, clinic):
        clinic, policy, form = self.setup_form(request, clinic)
        if not policy.online_booking:
            return self.render_form(request, clinic, policy, form, status=400)
        if rate_limit_hit(
            key=rate_limit_key("waitlist-post", client_ip(request)),
            limit=settings.WAITLIST_SIGNUPS_PER_IP,
            window=dt.timedelta(days=1),
        ):
            form.add_error(
                None,
                _(
                    "Too many sign-ups from this connection today. Try again "
                    "tomorrow, or call the clinic."
                ),
            )
            return self.render_form(request, clinic, policy, form, status=429)
        if not form.is_valid():
            return self.render_form(request, clinic, policy, form, status=400)
        data = form.cleaned_data
        if data["website"]:
            form.add_error(None, _("The sign-up could not be sent. Call the clinic."))
            return self.render_form(request, clinic, policy, form, status=400)
        try:
            entry = waitlist_join(
                clinic=clinic,
                practitioner=data["practitioner"],
                profession=data["profession"],
                appointment_type=data["appointment_type"],
                time_of_day=data["time_of_day"],
                latest_date=data["latest_date"],
                channel=data["channel"],
                phone=data["phone"],
                email=data["email"],
            )
        except WaitlistError as error:
            # A choice refused is bad input; the sign-ups a day, too many.
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
            status = 400 if field else 429
            return self.render_form(request, clinic, policy, form, status=status)
        token = waitlist_token(entry, proof=False)
        return redirect("booking:waitlist_entry", token=token)


@method_decorator(never_cache, name="dispatch")
class WaitlistEntryView(View):
    """A waiting-list entry's page, opened from the sign-up or any message's link:
    confirm it (the SMS code, or the e-mail's link), see the times offered, or
    take oneself off the list."""

    template_name = "booking/waitlist_entry.html"

    def render_entry(self, request, entry, token, proof, status=200, **extra):
        context = {
            "entry": entry,
            "token": token,
            "proof": proof,
            "code_form": WaitlistCodeForm(),
            "unconfirmed_hours": settings.WAITLIST_UNCONFIRMED_HOURS,
            **extra,
        }
        if entry is not None:
            clinic = entry.clinic
            context.update(
                clinic=clinic,
                offers=waitlist_offers_open(entry=entry),
                breadcrumbs=_waitlist_crumbs(clinic, (_("Waiting list"), "")),
            )
        else:
            context["breadcrumbs"] = booking_crumbs((_("Waiting list"), ""))
            status = 404
        return render(request, self.template_name, context, status=status)

    def get(self, request, token):
        entry, proof = _entry_for_token(token)
        return self.render_entry(
            request, entry, token, proof, joined=request.GET.get("ok") == "1"
        )

    def post(self, request, token):
        entry, proof = _entry_for_token(token)
        if entry is None:
            return self.render_entry(request, None, token, proof)
        action = request.POST.get("action")
        if action == "remove":
            waitlist_remove(entry_id=entry.pk)
            context = {
                "removed": True,
                "clinic": entry.clinic,
                "breadcrumbs": _waitlist_crumbs(entry.clinic, (_("Waiting list"), "")),
            }
            return render(request, self.template_name, context)
        if action == "code" and entry.channel == entry.Channel.SMS:
            form = WaitlistCodeForm(request.POST)
            if not form.is_valid():
                return self.render_entry(
                    request, entry, token, proof, 400, code_form=form
                )
            try:
                waitlist_confirm(entry_id=entry.pk, code=form.cleaned_data["code"])
            except WaitlistError as error:
                form.add_error("code", error.message)
                return self.render_entry(
                    request, entry, token, proof, 400, code_form=form
                )
        elif action == "confirm" and entry.channel == entry.Channel.EMAIL and proof:
            waitlist_confirm(entry_id=entry.pk)
        else:
            return self.render_entry(
                request,
                entry,
                token,
                proof,
                400,
                error=_("That could not be done. Try again from the link."),
            )
        return redirect(
            reverse("booking:waitlist_entry", kwargs={"token": token}) + "?ok=1"
        )
