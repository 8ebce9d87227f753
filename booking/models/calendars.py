"""Calendars in and out: practitioners' busy calendars read in, feeds of
bookings given out."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from clinics.models import Clinic, Practitioner


def _mask(url: str) -> str:
    """A secret URL as staff may see it: its host only."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}/…" if parts.scheme else "…"


class BusyCalendar(models.Model):
    """A practitioner's own calendar (their EPJ's or calendar's iCalendar export):
    its busy times withdraw the open slots they overlap. The URL is a secret: shown
    masked, never logged."""

    practitioner = models.OneToOneField(
        Practitioner,
        on_delete=models.CASCADE,
        related_name="busy_calendar",
        verbose_name=_("practitioner"),
    )
    url = models.CharField(_("calendar address"), max_length=2000)
    etag = models.CharField(max_length=200, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last read"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    failures = models.PositiveSmallIntegerField(_("failures in a row"), default=0)

    class Meta:
        verbose_name = _("practitioner's calendar")
        verbose_name_plural = _("practitioners' calendars")

    def __str__(self):
        return f"{self.practitioner}: {self.masked_url}"

    @property
    def masked_url(self) -> str:
        return _mask(self.url)


class BusyTime(models.Model):
    """A busy time read from a practitioner's calendar (the last good reading)."""

    calendar = models.ForeignKey(
        BusyCalendar, on_delete=models.CASCADE, related_name="busy_times"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["calendar", "starts_at"], name="busy_time_calendar")
        ]

    def __str__(self):
        return f"busy {self.starts_at:%Y-%m-%d %H:%M}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A private iCalendar feed of a practitioner's or a clinic's bookings and
    blocked times, at a long random address staff can rotate. It carries time, type
    and reference only: these feeds end up in calendar services outside our
    control."""

    practitioner = models.OneToOneField(
        Practitioner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feed",
        verbose_name=_("practitioner"),
    )
    clinic = models.OneToOneField(
        Clinic,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feed",
        verbose_name=_("clinic"),
    )
    token = models.CharField(
        max_length=64, unique=True, default=new_feed_token, editable=False
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("address changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(practitioner__isnull=False, clinic__isnull=True)
                | models.Q(practitioner__isnull=True, clinic__isnull=False),
                name="calendar_feed_one_owner",
                violation_error_message=_(
                    "A feed is for one practitioner or one clinic: choose one of them."
                ),
            )
        ]

    def __str__(self):
        return str(self.practitioner or self.clinic)


class CalendarFeedFetch(models.Model):
    """One fetch of a feed: when, which feed (nothing about who)."""

    feed = models.ForeignKey(
        CalendarFeed, on_delete=models.CASCADE, related_name="fetches"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["feed", "at"], name="feed_fetch_at")]

    def __str__(self):
        return f"{self.feed_id} {self.at:%Y-%m-%d %H:%M}"
