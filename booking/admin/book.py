"""The appointment book (issues 19, 36, 37): reception's day per clinic, a column
per practitioner (or a practitioner's week, a column per day), to scale, with the
clinic's own patients by name (each view recorded), and the phone form (with the
lookup by number, book_lookup.py). What reception does there is in book_actions.py
(block, open, cancel, marks, undo), book_move.py (moving by pointing) and
book_series.py (a course). Server-rendered forms, one per action; every action goes
through booking.services and first checks that the time is still as the page showed
it, so two receptionists never act on a stale view unknowingly.

Mounted by BookingAdmin.get_urls under /admin/booking/booking/timebok/."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from booking.admin.book_actions import BookActions
from booking.admin.book_links import (
    QUERY_NAMES,
    WEEK_VIEW,
    book_url,
    query_of,
    safe_back,
)
from booking.admin.book_lookup import patient_lookup
from booking.admin.book_move import BookMove, move_targets
from booking.admin.book_series import BookSeries
from booking.admin.conflicts import conflict_items
from booking.admin.phone import PhonePatientForm
from booking.formatting import slot_time
from booking.models import BookingAccess
from booking.selectors import (
    appointment_book_get,
    book_cell_get,
)
from booking.services import (
    BookingError,
    booking_create,
)
from booking.staff import parse_day, sees_patient_names, staff_clinic_ids
from clinics.models import Clinic


class BookViews(BookActions, BookMove, BookSeries):
    """The book's pages, for the clinics the user works at."""

    def __init__(self, model_admin):
        self.model_admin = model_admin

    # --- Access --------------------------------------------------------------------

    def clinic_ids(self, request):
        return staff_clinic_ids(request.user)

    def clinic(self, request, clinic_id) -> Clinic:
        if not request.user.has_perm("booking.use_appointment_book"):
            raise PermissionDenied
        clinics = self.clinic_ids(request)
        if clinics is not None and clinic_id not in clinics:
            raise PermissionDenied
        clinic = Clinic.objects.filter(pk=clinic_id).first()
        if clinic is None:
            raise Http404
        return clinic

    def url(self, clinic, day=None, *, week=False, practitioner=None, moving=None):
        return book_url(
            clinic.pk, day, week=week, practitioner=practitioner, moving=moving
        )

    # --- Pages ---------------------------------------------------------------------

    def start(self, request):
        """/timebok/: the user's clinic (the first, if several; superusers choose)."""
        clinics = self.clinic_ids(request)
        if not request.user.has_perm("booking.use_appointment_book"):
            raise PermissionDenied
        choices = Clinic.objects.order_by("name")
        if clinics is not None:
            choices = choices.filter(pk__in=clinics)
        choices = list(choices)
        if len(choices) == 1:
            return redirect("admin:booking_book", choices[0].pk)
        context = {
            **self.model_admin.admin_site.each_context(request),
            "title": _("Appointment book"),
            "clinics": choices,
        }
        return TemplateResponse(request, "admin/booking/book_clinics.html", context)

    def book(self, request, clinic_id):
        clinic = self.clinic(request, clinic_id)
        if request.method == "POST":
            return self.act(request, clinic)
        return self.render_book(request, clinic)

    def render_book(self, request, clinic, *, status=200, query=None):
        query = query if query is not None else request.GET
        asked = query.get(QUERY_NAMES["day"], "")
        day = parse_day(asked) if asked else timezone.localdate()
        if day is None:
            messages.warning(
                request,
                _("“%(asked)s” is not a date we can show; here is today.")
                % {"asked": asked[:20]},
            )
            day = timezone.localdate()
            status = 400
        week = query.get(QUERY_NAMES["view"]) == WEEK_VIEW
        practitioner_id = None
        asked_practitioner = query.get(QUERY_NAMES["practitioner"], "")
        if week:
            day = day - dt.timedelta(days=day.weekday())
            try:
                practitioner_id = int(asked_practitioner)
            except ValueError:
                practitioner_id = None
        book = appointment_book_get(
            clinic=clinic,
            start=day,
            days=7 if week else 1,
            practitioner_id=practitioner_id,
        )
        if week and book.shown:
            if asked_practitioner and book.shown[0].pk != practitioner_id:
                messages.warning(
                    request,
                    _("That practitioner does not work here; here is %(name)s.")
                    % {"name": book.shown[0].name},
                )
                status = 400
            practitioner_id = book.shown[0].pk
        moving = self.moving(request, clinic, query)
        moved = moving.pk if moving else None
        names = sees_patient_names(request.user, clinic.pk)
        if names:
            self.record_seen(request, clinic, book)
        step = dt.timedelta(days=7 if week else 1)
        who = practitioner_id if week else None
        today = timezone.localdate()
        context = {
            **self.model_admin.admin_site.each_context(request),
            "title": _("Appointment book: %(clinic)s") % {"clinic": clinic.name},
            # The grid needs the width more than the list of models.
            "is_nav_sidebar_enabled": False,
            "conflicts": conflict_items(request, clinic_ids=[clinic.pk]),
            "clinic": clinic,
            "book": book,
            "names": names,
            "day": day,
            "today": today,
            "week": week,
            "practitioner_id": practitioner_id,
            "heading": (
                _("Week from %(day)s") % {"day": date_format(day, "DAY_FORMAT")}
                if week
                else date_format(day, "DAY_FORMAT").capitalize()
            ),
            "previous_url": self.url(
                clinic, day - step, week=week, practitioner=who, moving=moved
            ),
            "next_url": self.url(
                clinic, day + step, week=week, practitioner=who, moving=moved
            ),
            "today_url": self.url(
                clinic, today, week=week, practitioner=who, moving=moved
            ),
            "day_url": self.url(clinic, day, moving=moved),
            "week_url": self.url(clinic, day, week=True, moving=moved),
            "moving": moving,
            "day_url_plain": self.url(clinic, day, week=week, practitioner=who),
            "targets": move_targets(book, moving),
            "query_names": QUERY_NAMES,
            "week_view": WEEK_VIEW,
            "now": timezone.now(),
            "can_change": request.user.has_perm("booking.change_booking"),
            "can_add": request.user.has_perm("booking.add_booking"),
            "can_block": request.user.has_perm("booking.change_slot"),
            "undo": self.undo_note(request, clinic),
            "back": request.get_full_path(),
        }
        return TemplateResponse(
            request, "admin/booking/appointment_book.html", context, status=status
        )

    @staticmethod
    def record_seen(request, clinic, book):
        """Who saw which patients' names in the book, and when (Normen): a record
        per booking the page shows, made from the very rows it shows; one
        insert however many."""
        BookingAccess.record(
            (
                cell.booking
                for column in book.columns
                for cell in column.cells.values()
                if cell.booking is not None
            ),
            user=request.user,
            action=BookingAccess.Action.BOOK_VIEW,
        )

    def book_slot(self, request, clinic_id, slot_id):
        """Book a phone patient into an open time, through booking_create."""
        clinic = self.clinic(request, clinic_id)
        if not request.user.has_perm("booking.add_booking"):
            raise PermissionDenied
        cell = book_cell_get(slot_id=slot_id, clinic_ids=[clinic.pk])
        if cell is None:
            raise Http404
        back = request.POST.get("back") or request.GET.get("back") or ""
        if cell.state != "open":
            return self.stale(request, clinic, cell, query_of(back))
        lookup = patient_lookup(request, clinic) if request.method == "GET" else {}
        initial = {}
        if lookup.get("chosen") is not None:
            # The patient the caller confirmed: their details as last given.
            chosen = lookup["chosen"]
            initial = {
                "name": chosen.name,
                "phone": chosen.phone,
                "email": chosen.email,
            }
        form = PhonePatientForm(request.POST or None, slot=cell.slot, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                booking = booking_create(slot_id=cell.slot.pk, **form.booking_values())
            except BookingError as error:
                fresh = book_cell_get(slot_id=slot_id, clinic_ids=[clinic.pk])
                if fresh is not None and fresh.state != "open":
                    return self.stale(request, clinic, fresh, query_of(back))
                form.add_error(
                    None if error.field == "slot" else error.field, error.message
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Booked %(when)s, reference %(reference)s.")
                    % {
                        "when": slot_time(cell.slot.starts_at),
                        "reference": booking.reference,
                    },
                )
                return redirect(safe_back(request, clinic, self, back))
        context = {
            **self.model_admin.admin_site.each_context(request),
            "title": _("Book %(when)s") % {"when": slot_time(cell.slot.starts_at)},
            "clinic": clinic,
            "cell": cell,
            "form": form,
            "lookup": lookup,
            "back": back,
            "book_url": self.url(clinic, timezone.localdate(cell.slot.starts_at)),
        }
        return TemplateResponse(
            request,
            "admin/booking/book_slot.html",
            context,
            status=400 if form.errors else 200,
        )
