"""The admin site, with an optional second factor for staff.

With `ADMIN_OTP` on (env `DJANGO_ADMIN_OTP=1`), logging in to the admin takes a
one-time code from an authenticator app (django-otp's TOTP device) or a printed
backup code (its static device) besides the password, and a staff member whose
session was not verified by such a code is treated as not staff. The switch is read
per request, so tests can turn it on and off.
"""

from functools import update_wrapper

from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.forms import OTPAuthenticationFormMixin

from conditions.editorial import REVIEW_LABELS, ReviewState, review_q, review_state
from conditions.models import Condition


class OTPLoginForm(OTPAdminAuthenticationForm):
    """django-otp's admin login form in our words; asks for a device only if needed.

    A staff member with one device (the usual case: one authenticator app) just types
    the code; with several, the form asks which one, as django-otp does.
    """

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _("Enter the code from your authenticator app."),
        "invalid_token": _("The code is wrong or too old. Enter the code shown now."),
        "device_required": _("Choose which of your devices the code comes from."),
        "verification_not_allowed": _(
            "Too many wrong codes. Wait a minute and try again."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp_token"].label = _("One-time code")
        self.fields["otp_token"].widget.attrs.update(
            autocomplete="one-time-code", inputmode="numeric"
        )
        self.fields["otp_device"].label = _("Device")

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user, confirmed=True, for_verify=True))
            if len(devices) == 1:
                device = devices[0]
        return device


# Sections of other packages, in our words: (the section, {model: its list's name}).
# Only superusers manage them, so only they see them.
THIRD_PARTY_SECTIONS = {
    "axes": (
        _("Login attempts"),
        {
            "AccessAttempt": _("Failed logins"),
            "AccessFailureLog": _("Failed logins, each"),
            "AccessLog": _("Logins"),
        },
    ),
    "otp_totp": (_("Two-factor: authenticator apps"), {"TOTPDevice": _("Apps")}),
    "otp_static": (_("Two-factor: backup codes"), {"StaticDevice": _("Code sets")}),
}


# Notices an app puts on the front page (registered in its AppConfig.ready): each a
# function of the request giving {"id", "title", "items": [(text, url)]} or None.
FRONT_PAGE_NOTICES: list = []


def front_page_notice(function):
    FRONT_PAGE_NOTICES.append(function)
    return function


class NemusAdminSite(admin.AdminSite):
    site_header = "NEMUS"
    site_title = "NEMUS"
    index_title = "Administrasjon"

    @property
    def login_form(self):
        return OTPLoginForm if settings.ADMIN_OTP else None

    @property
    def login_template(self):
        return "admin/login_otp.html" if settings.ADMIN_OTP else None

    def get_app_list(self, request, app_label=None):
        """Django's list of sections, with other packages' sections named in our
        words and shown to superusers only."""
        sections = []
        for section in super().get_app_list(request, app_label):
            names = THIRD_PARTY_SECTIONS.get(section["app_label"])
            if names is not None:
                if not request.user.is_superuser:
                    continue
                section["name"] = names[0]
                for model in section["models"]:
                    model["name"] = names[1].get(model["object_name"], model["name"])
            sections.append(section)
        return sections

    def index(self, request, extra_context=None):
        """The front page for who uses it: reception lands on today's appointment
        book for its clinic (the full list is a link away, `?liste=1`); editors
        find the articles whose clinical review is due first; superusers see
        everything."""
        if (
            not request.user.is_superuser
            and "liste" not in request.GET
            and request.user.has_perm("booking.use_appointment_book")
            and request.user.clinic_memberships.exists()
        ):
            return redirect("admin:booking_book_start")
        extra_context = extra_context or {}
        extra_context["notices"] = [
            notice
            for notice in (function(request) for function in FRONT_PAGE_NOTICES)
            if notice
        ]
        if request.user.has_perm("conditions.view_condition"):
            due = Condition.objects.filter(
                review_q(ReviewState.OVERDUE) | review_q(ReviewState.DUE_SOON)
            ).order_by("next_review", "title")
            extra_context["review_due"] = [
                {"condition": c, "label": REVIEW_LABELS[review_state(c)]} for c in due
            ]
        return super().index(request, extra_context)

    def admin_view(self, view, cacheable=False):
        """Every admin view, with one check before it: the rows an action is asked
        for are numbers (every model here has whole-number keys), else a 400
        page, where Django's queryset filter raised a 500 (issue 29)."""
        inner = super().admin_view(view, cacheable)

        def checked(request, *args, **kwargs):
            if request.method == "POST" and not all(
                value.isascii() and value.isdigit()
                for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
            ):
                return render(request, "400.html", status=400)
            return inner(request, *args, **kwargs)

        return update_wrapper(checked, inner)

    def has_permission(self, request):
        allowed = super().has_permission(request)
        if allowed and settings.ADMIN_OTP:
            return request.user.is_verified()
        return allowed
