"""Practitioners' calendars read in (busy times withdraw open times) and the feeds
given out."""

import bisect
import datetime as dt
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from booking.models import (
    BusyCalendar,
    BusyTime,
    CalendarFeed,
    CalendarFeedFetch,
    ClinicBookingPolicy,
    Slot,
    new_feed_token,
)
from booking.outside.calendars import CalendarError, busy_intervals, calendar_fetch
from booking.services.waitlist import waitlist_slots_opened
from nemus_site.page_cache import TIMES, public_pages_changed

logger = logging.getLogger(__name__)


def _overlapping(intervals, starts_at, ends_at) -> bool:
    """Whether [starts_at, ends_at) overlaps any of the merged, sorted intervals:
    disjoint, so only the last one starting before it ends can."""
    index = bisect.bisect_left(intervals, (ends_at,))
    return index > 0 and intervals[index - 1][1] > starts_at


def _withdraw_if_open(slot_ids, *, by: str) -> list[int]:
    """Withdraw the slots among `slot_ids` that are still open, each re-checked
    under its row lock: a booking made since they were read (booking_create locks
    the slot first) keeps its time. Returns the ids withdrawn."""
    if not slot_ids:
        return []
    locked = list(
        Slot.objects.select_for_update(of=("self",))
        .filter(pk__in=slot_ids, is_withdrawn=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    still_open = list(
        Slot.objects.filter(pk__in=locked).open().values_list("pk", flat=True)
    )
    Slot.objects.filter(pk__in=still_open).update(is_withdrawn=True, withdrawn_by=by)
    return still_open


def _calendar_failed(calendar_id: int, reason: str) -> None:
    """Record why a calendar was not read; its last good reading stands."""
    BusyCalendar.objects.filter(pk=calendar_id).update(
        last_error=reason[:200], failures=F("failures") + 1
    )
    logger.warning("calendar not read: calendar=%s error=%s", calendar_id, reason)


def _calendar_read(calendar, *, start, end):
    """Fetch the calendar (a conditional request) and read its busy times from
    `start` to `end`: (the answer, the intervals, or None when it has not changed
    since the last reading). CalendarError when either step fails."""
    fetched = calendar_fetch(
        calendar.url, etag=calendar.etag, last_modified=calendar.last_modified
    )
    if fetched.body is None:
        return fetched, None
    return fetched, busy_intervals(fetched.body, start=start, end=end)


def busy_calendar_sync(*, calendar_id: int, now=None) -> tuple[int, int]:
    """Read a practitioner's calendar and bring the open times in line with it:
    open slots overlapping a busy time are withdrawn (by the calendar), and slots
    the calendar withdrew whose busy time is gone open again (and go to the
    waiting list). Bookings are never touched: one that now overlaps a busy time
    is a conflict for staff to see. A fetch or a calendar that fails changes
    nothing but the record of the failure. Returns (withdrawn, reopened)."""
    now = now or timezone.now()
    calendar = BusyCalendar.objects.select_related(
        "practitioner__clinic__booking_policy"
    ).get(pk=calendar_id)
    # The booking window only: times further ahead cannot be booked online, and
    # the next readings will come to them.
    _earliest, end = ClinicBookingPolicy.for_clinic(
        calendar.practitioner.clinic
    ).window(now)
    BusyCalendar.objects.filter(pk=calendar.pk).update(last_attempt_at=now)
    try:
        fetched, intervals = _calendar_read(calendar, start=now, end=end)
    except CalendarError as error:
        _calendar_failed(calendar.pk, error.reason)
        return 0, 0
    with transaction.atomic():
        if intervals is None:  # not modified: the last good reading stands
            intervals = list(
                calendar.busy_times.filter(ends_at__gt=now).values_list(
                    "starts_at", "ends_at"
                )
            )
        else:
            calendar.busy_times.all().delete()
            BusyTime.objects.bulk_create(
                BusyTime(calendar=calendar, starts_at=first, ends_at=last)
                for first, last in intervals
            )
        slots = Slot.objects.filter(
            practitioner_id=calendar.practitioner_id,
            starts_at__lt=end,
            ends_at__gt=now,
        )
        withdraw, reopen = _reconciled(
            sorted(intervals),
            open_slots=slots.open()
            .filter(is_withdrawn=False)
            .values_list("pk", "starts_at", "ends_at"),
            calendar_withdrawn=slots.filter(
                is_withdrawn=True, withdrawn_by=Slot.WithdrawnBy.CALENDAR
            ).values_list("pk", "starts_at", "ends_at"),
        )
        withdraw = _withdraw_if_open(withdraw, by=Slot.WithdrawnBy.CALENDAR)
        Slot.objects.filter(pk__in=reopen).update(is_withdrawn=False, withdrawn_by="")
        waitlist_slots_opened(reopen)
        BusyCalendar.objects.filter(pk=calendar.pk).update(
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            last_success_at=now,
            last_error="",
            failures=0,
        )
        if withdraw or reopen:
            transaction.on_commit(lambda: public_pages_changed((TIMES,)))
    logger.info(
        "calendar read: calendar=%s withdrawn=%s reopened=%s",
        calendar.pk,
        len(withdraw),
        len(reopen),
    )
    return len(withdraw), len(reopen)


def _reconciled(intervals, *, open_slots, calendar_withdrawn):
    """Which open slots a busy time now covers (to withdraw), and which of those
    the calendar withdrew are free again (to reopen): ([ids], [ids]). Pure: the
    busy intervals sorted, the slots as (id, starts_at, ends_at)."""
    withdraw = [
        pk
        for pk, starts_at, ends_at in open_slots
        if _overlapping(intervals, starts_at, ends_at)
    ]
    reopen = [
        pk
        for pk, starts_at, ends_at in calendar_withdrawn
        if not _overlapping(intervals, starts_at, ends_at)
    ]
    return withdraw, reopen


def busy_calendars_sync(*, now=None) -> dict[str, int]:
    """Every practitioner's calendar, one after another (the scheduled command)."""
    totals = {"calendars": 0, "failed": 0, "withdrawn": 0, "reopened": 0}
    for calendar_id in BusyCalendar.objects.filter(
        practitioner__is_active=True
    ).values_list("pk", flat=True):
        before = BusyCalendar.objects.get(pk=calendar_id).failures
        try:
            withdrawn, reopened = busy_calendar_sync(calendar_id=calendar_id, now=now)
        except Exception as error:  # one calendar's fault never stops the others
            _calendar_failed(calendar_id, f"failed ({type(error).__name__})")
            withdrawn = reopened = 0
        totals["calendars"] += 1
        totals["withdrawn"] += withdrawn
        totals["reopened"] += reopened
        if BusyCalendar.objects.get(pk=calendar_id).failures > before:
            totals["failed"] += 1
    return totals


def calendar_feed_fetches_purge(*, older_than_days: int, now=None) -> int:
    """Delete the counts of feed fetches older than `older_than_days`
    (CALENDAR_FEED_FETCH_RETENTION_DAYS)."""
    now = now or timezone.now()
    deleted, _by_model = CalendarFeedFetch.objects.filter(
        at__lt=now - dt.timedelta(days=older_than_days)
    ).delete()
    return deleted


def calendar_feed_rotate(*, feed_id: int, now=None) -> CalendarFeed:
    """A new address for a feed: the old one stops working at once."""
    feed = CalendarFeed.objects.get(pk=feed_id)
    feed.token = new_feed_token()
    feed.rotated_at = now or timezone.now()
    feed.save(update_fields=["token", "rotated_at"])
    logger.info("calendar feed rotated: feed=%s", feed.pk)
    return feed
