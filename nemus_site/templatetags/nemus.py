import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from nemus_site.markup import render_markdown

register = template.Library()

# The same escapes as Django's json_script: the data can never close the script element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """Emit schema.org data as a `<script type="application/ld+json">` data block.

    Browsers never execute this type, so a strict Content-Security-Policy allows it.
    """
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_JSON_ESCAPES)),
    )


@register.filter
def markdown(text):
    """Staff-written Markdown (the small subset of nemus_site.markup), sanitised."""
    return mark_safe(render_markdown(text))


@register.filter
def get_item(mapping, key):
    """`mapping[key]`, or None: a dict looked up by a variable."""
    return mapping.get(key) if mapping else None


@register.filter
def tel_href(number):
    """`tel:` link target for a phone number as people write it: `22 33 44 55`."""
    digits = "".join(ch for ch in str(number) if ch.isdigit() or ch == "+")
    return f"tel:{digits}"


@register.simple_tag
def field_widget(field):
    """Render a field's widget with the ids of its hint and errors in aria-describedby.

    The ids match those components/field.html gives the hint and each error.
    """
    ids = [f"{field.auto_id}-hint"] if field.help_text else []
    ids += [f"{field.auto_id}-error{n}" for n in range(1, len(field.errors) + 1)]
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_block_tag
def callout(content, level="info", title="", id="", heading_level=2):
    """components/callout.html around a block of the template:
    `{% callout level="info" title=message id="no-times" %}…{% endcallout %}`."""
    return render_to_string(
        "components/callout.html",
        {
            "level": level,
            "title": title,
            "id": id,
            "heading_level": heading_level,
            "body": content,
        },
    )
