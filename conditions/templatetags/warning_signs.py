"""Warning signs on any page: `{% warning_signs_short %}` for the home and booking
pages, `{% warning_signs_full warning %}` for the article, `{% warning_signs_text %}`
for e-mails. All render conditions.warning_signs groups, never their own wording."""

from django import template
from django.template.loader import render_to_string

from conditions.selectors import condition_get_for_warnings
from conditions.warning_signs import warning_signs_of

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


@register.inclusion_tag("conditions/_warning_signs_short.html")
def warning_signs_short(heading_level=2):
    """The site's warning signs, short: each level's signs without explanations."""
    warning = warning_signs_of(condition_get_for_warnings())
    body = ""
    if warning is not None:
        body = render_to_string(
            "conditions/_warning_signs_short_body.html", {"warning": warning}
        )
    return {"warning": warning, "body": body, "heading_level": heading_level}


@register.inclusion_tag("conditions/_warning_signs_full.html")
def warning_signs_full(warning):
    """A condition's warning signs in full: a callout per level, with why each sign
    matters and the sources."""
    return {"warning": _with_bodies(warning)}


@register.inclusion_tag("conditions/_warning_signs.txt")
def warning_signs_text():
    """The short list as plain text, for e-mails."""
    return {"warning": warning_signs_of(condition_get_for_warnings())}
