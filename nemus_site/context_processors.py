from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info


def alternate_languages(request):
    """The current page in every language, for the switcher, hreflang links and sitemap.

    A view whose URL in another language is not a plain translation of its path (a
    translated slug, say) sets `request.alternate_urls = {"nb": ..., "en": ...}`.
    """
    given = getattr(request, "alternate_urls", None) or {}
    current = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    alternates = []
    for code, _name in settings.LANGUAGES:
        url = given.get(code) or translate_url(request.path, code)
        alternates.append(
            {
                "code": code,
                "name_local": get_language_info(code)["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "current": code == current,
            }
        )
    return {"alternate_languages": alternates}
