"""Strings of Django's admin templates that Django's Norwegian catalogue lacks.

Marked here so `makemessages` keeps them in ours (LOCALE_PATHS is read before
Django's own catalogues): the admin's chrome is then Norwegian throughout."""

from django.utils.translation import gettext_noop

ADMIN_STRINGS = (
    gettext_noop("Add link"),
    gettext_noop("Added:"),
    gettext_noop(
        "After you’ve created a user, you’ll be able to edit more user options."
    ),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Change or view list link"),
    gettext_noop("Changed:"),
    gettext_noop("Deleted:"),
    gettext_noop("Disable password-based authentication"),
    gettext_noop("Enable password-based authentication"),
    gettext_noop("Error:"),
    gettext_noop("Filter navigation items"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("Hide counts"),
    gettext_noop("Model name"),
    gettext_noop("Set password"),
    gettext_noop("Show counts"),
    gettext_noop("Sidebar"),
    gettext_noop("Skip to main content"),
    gettext_noop("Start typing to filter…"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    gettext_noop("Toggle theme (current theme: light)"),
)
