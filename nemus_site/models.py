from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Page(models.Model):
    """A stand-alone page staff edit in both languages (privacy, accessibility, ...).

    Each page has a fixed key that its URL points at, so a page can be renamed or
    rewritten in the admin but its address never breaks.
    """

    class Key(models.TextChoices):
        PRIVACY = "privacy", _("Privacy notice")
        ACCESSIBILITY = "accessibility", _("Accessibility statement")
        BUSINESSES = "businesses", _("For businesses")

    key = models.CharField(_("page"), max_length=32, choices=Key.choices, unique=True)
    title = models.CharField(_("title"), max_length=200)
    lead = models.TextField(_("lead"), blank=True, help_text=_("One or two sentences."))
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_(
            "Markdown: a blank line between paragraphs, '## ' for a heading, "
            "'- ' for a list item, [text](address) for a link, *emphasis*."
        ),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["key"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(f"pages:{self.key}")


class Redirect(models.Model):
    """An old address that now lives elsewhere (301), kept by staff in the admin.

    Our own small model rather than django.contrib.redirects: that app needs the sites
    framework, which would make sitemap and canonical addresses come from a stored
    domain instead of the request's host.
    """

    old_path = models.CharField(
        _("old address"),
        max_length=300,
        unique=True,
        help_text=_("The path only, starting with /, e.g. /diagnoser/korsrygg/."),
    )
    new_path = models.CharField(
        _("new address"),
        max_length=300,
        help_text=_("A path on this site (/plager/...) or a full https:// address."),
    )

    class Meta:
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")
        ordering = ["old_path"]

    def __str__(self):
        return f"{self.old_path} → {self.new_path}"

    def clean(self):
        if not self.old_path.startswith("/"):
            raise ValidationError({"old_path": _("The old address must start with /.")})
        if not (self.new_path.startswith("/") or self.new_path.startswith("https://")):
            raise ValidationError(
                {"new_path": _("The new address must start with / or https://.")}
            )


class RateLimitCounter(models.Model):
    """Hits on one key in a fixed window (booking posts from one address, ...).

    In the database, not the cache: eviction, a cull or a cache outage must never
    reset a security limit. Keys are one-way hashes; rows older than a day are
    deleted by `purge_bookings`."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    window_start = models.DateTimeField(_("window start"))
    count = models.PositiveIntegerField(_("hits"), default=0)

    class Meta:
        verbose_name = _("rate limit counter")
        verbose_name_plural = _("rate limit counters")

    def __str__(self):
        return f"{self.key}: {self.count}"
