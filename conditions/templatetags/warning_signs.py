"""Warning signs on any page: `{% warning_signs_short %}` for the home and booking
pages, `{% warning_signs_full warning %}` for the article, `{% warning_signs_text %}`
for e-mails. All render conditions.warning_signs groups, never their own wording."""

from django import template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from conditions.selectors import condition_get_for_warnings
from conditions.warning_signs import warning_signs_of
from nemus_site.fragments import edits_fragment

register = template.Library()


def _with_bodies(warning):
    """Each group's full callout body, rendered once (the callout component takes
    HTML)."""
    if warning is not None:
        for group in warning.groups:
            group.body_html = render_to_string(
                "conditions/_warning_group_body.html",
                {"group": group, "form": "full", "warning": warning},
            )
    return warning


def _site_warning(context):
    """The site's warning signs, built once per worker and language until the next
    staff edit (nemus_site/fragments.py), and once per request: the booking pages
    show them on every request."""

    def build():
        return warning_signs_of(condition_get_for_warnings())

    request = context.get("request")
    if request is None:
        return build()
    # Once per request too: a page shows the pointer and the list.
    language = translation.get_language()
    kept = getattr(request, "_site_warning", None)
    if kept is None or kept[0] != language:
        key = ("site-warning-signs", language)
        kept = (language, edits_fragment(request, key, build))
        request._site_warning = kept
    return kept[1]


def _site_html(context, template_name: str, **extra) -> str:
    """The site's warning signs rendered with `template_name`: the same HTML for
    every request, so made once per worker, language and staff edit (the booking
    pages show it on every request)."""

    def build():
        return render_to_string(
            template_name, {"warning": _site_warning(context), **extra}
        )

    request = context.get("request")
    if request is None:
        return build()
    key = ("site-warning-html", template_name, translation.get_language(), *extra)
    key += tuple(extra.values())
    return edits_fragment(request, key, build)


@register.simple_tag(takes_context=True)
def warning_signs_short(context, heading_level=2):
    """The site's warning signs, short: the most urgent level's signs in view, the
    others in a disclosure, without explanations."""
    html = _site_html(
        context, "conditions/_warning_signs_short.html", heading_level=heading_level
    )
    return mark_safe(html)  # rendered from our template, escaped there


@register.simple_tag(takes_context=True)
def warning_signs_pointer(context):
    """One line near the top of a page whose task comes first: call 113, and a
    link down to the short list (`warning_signs_short`, later on the page)."""
    return mark_safe(_site_html(context, "conditions/_warning_signs_pointer.html"))


@register.inclusion_tag("conditions/_warning_signs_full.html")
def warning_signs_full(warning):
    """A condition's warning signs in full: a callout per level, with why each sign
    matters and the sources."""
    return {"warning": _with_bodies(warning)}


@register.simple_tag(takes_context=True)
def warning_signs_text(context):
    """The short list as plain text, for e-mails: made once per worker and language
    until the next staff edit, as the pages' list is (every confirmation carries it;
    an e-mail sent after a booking or by the scheduled run has no request, and asks
    the shared cache for the version itself)."""

    def build():
        warning = warning_signs_of(condition_get_for_warnings())
        return render_to_string("conditions/_warning_signs.txt", {"warning": warning})

    key = ("site-warning-text", translation.get_language())
    # Plain text from our template (autoescape off there), for plain-text e-mails.
    return mark_safe(edits_fragment(context.get("request"), key, build))
