import functools

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_info
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
        url = given.get(code) or _translated(request.path, get_language(), code)
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


@functools.lru_cache(maxsize=1024)
def _translated(path: str, _active: str, code: str) -> str:
    """translate_url, which resolves the path in the active language and reverses
    it in `code`: the same for the same three, and on every page (kept, bounded)."""
    return translate_url(path, code)


@functools.lru_cache(maxsize=8)
def _navigation_urls(_language: str) -> tuple[str, ...]:
    return tuple(reverse(url_name) for url_name, _label, _text in NAVIGATION)


def site(request):
    """The header navigation, with the current section marked, and contact details."""
    navigation = []
    urls = _navigation_urls(get_language())
    for url, (_url_name, label, description) in zip(urls, NAVIGATION, strict=True):
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
