from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import reverse, translate_url
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

# The main navigation.
NAVIGATION = [
    (
        "conditions:index",
        _("Conditions"),
        _("Back pain and other complaints: causes, treatment and self-care."),
    ),
    (
        "clinics:list",
        _("Clinics"),
        _("Find the clinic nearest you, with opening hours and phone number."),
    ),
    (
        "booking:index",
        _("Book an appointment"),
        _("See available appointments and book online, no referral needed."),
    ),
]


def alternate_languages(request):
    """The current page in every language, for the switcher, hreflang links and sitemap.

    A view whose URL in another language is not a plain translation of its path (a
    translated slug, say) sets `request.alternate_urls = {"nb": ..., "en": ...}`.
    """
    given = getattr(request, "alternate_urls", None) or {}
    try:
        request.get_host()
        absolute = request.build_absolute_uri
    except DisallowedHost:
        # The 400 page for a forged Host header must not fail on that host again.
        def absolute(url):
            return url

    current = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    alternates = []
    for code, _name in settings.LANGUAGES:
        url = given.get(code) or translate_url(request.path, code)
        alternates.append(
            {
                "code": code,
                "name_local": get_language_info(code)["name_local"],
                "url": url,
                "absolute_url": absolute(url),
                "current": code == current,
            }
        )
    return {"alternate_languages": alternates}


def site(request):
    """The header navigation, with the current section marked, and contact details."""
    navigation = []
    for url_name, label, description in NAVIGATION:
        url = reverse(url_name)
        navigation.append(
            {
                "url": url,
                "label": label,
                "description": description,
                "current": request.path.startswith(url),
            }
        )
    return {
        "navigation": navigation,
        "contact_email": settings.NEMUS_CONTACT_EMAIL,
        "demo_mode": settings.DEMO_MODE,
    }
