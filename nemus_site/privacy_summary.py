"""The privacy notice's first lines, "Kort fortalt" (what we keep, why, how long, who
sees it, how to reach us), and where to write to use one's rights: from the same
settings as the table (nemus_site/privacy.py)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from nemus_site.privacy import Fact, days


def summary_facts() -> list[Fact]:
    """ "In short": the five lines the notice starts with (what we keep, why, how
    long, who sees it, how to reach us). Only the last comes from a setting."""
    contact = settings.NEMUS_PRIVACY_CONTACT
    return [
        Fact(
            _("What we keep"),
            _(
                "Your name, mobile number and e-mail address, whether you are new "
                "to us, and the appointment you book. Never your national identity "
                "number or a description of your complaint."
            ),
            "",
        ),
        Fact(
            _("Why"),
            _(
                "To give you the appointment and the health care you ask for (GDPR "
                "Article 9(2)(h)). It does not rest on consent: you cancel instead."
            ),
            "",
        ),
        Fact(
            _("How long"),
            _(
                "Your booking is deleted %(days)s after the appointment, and at once "
                "if you cancel."
            )
            % {"days": days(settings.BOOKING_RETENTION_DAYS)},
            "",
        ),
        Fact(
            _("Who sees it"),
            _(
                "Staff of the clinic you book with, and the services that deliver "
                "our e-mails and SMS. No advertising or analytics."
            ),
            "",
        ),
        Fact(
            _("How to reach us"),
            _(
                "Write to %(contact)s to see, correct, delete or restrict the use of "
                "your information."
            )
            % {"contact": contact}
            if contact
            else "",
            "NEMUS_PRIVACY_CONTACT",
        ),
    ]


def rights_contact() -> Fact:
    return Fact(
        _("Where to write"), settings.NEMUS_PRIVACY_CONTACT, "NEMUS_PRIVACY_CONTACT"
    )
