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
