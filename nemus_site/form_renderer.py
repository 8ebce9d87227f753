"""Form widgets rendered without the template engine (settings.FORM_RENDERER).

Every public form field is a plain widget: a text box, a select, radio buttons or
check boxes. Django renders each through its templates, one template per option
(`django/forms/widgets/*.html`), and that was a fifth of a tapped day's rendering
and a quarter of a finder search's (issue 39). Here those templates are written
in Python, to the byte (tests/nemus_site/test_form_renderer.py renders every field
of the public forms both ways and compares); any other template (the admin's
widgets, a form's layout) goes to the template engine as before.

Each function returns what its template renders (its trailing newline included:
the templates include one another); the renderer strips the outermost, as
Django's does."""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

WIDGETS = "django/forms/widgets/"


def _attrs(attrs) -> str:
    # attrs.html: True is a bare name, False leaves the attribute out.
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>\n'
    )


def _included_input(widget) -> str:
    # text.html and its kind: `{% include "…/input.html" %}` and a newline.
    return _input(widget) + "\n"


def _input_option(widget) -> str:
    html = _input(widget)
    if widget.get("wrap_label"):
        label_id = widget["attrs"].get("id")
        label_for = f' for="{conditional_escape(label_id)}"' if label_id else ""
        html = f"<label{label_for}>{html} {conditional_escape(widget['label'])}</label>"
    return html + "\n"


def _choice_option(widget) -> str:
    # checkbox_option.html, radio_option.html: input_option.html and a newline.
    return _input_option(widget) + "\n"


def _select_option(widget) -> str:
    return (
        f'<option value="{conditional_escape(widget["value"])}"'
        f"{_attrs(widget['attrs'])}>{conditional_escape(widget['label'])}</option>\n"
    )


def _option(option) -> str:
    fast = FAST.get(option["template_name"])
    if fast is None:
        raise LookupError(option["template_name"])
    return fast(option)


def _select(widget) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"']
    parts.append(_attrs(widget["attrs"]) + ">")
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend("\n  " + _option(option) for option in options)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _multiple_input(widget) -> str:
    attrs = widget["attrs"]
    parts = ["<div"]
    if attrs.get("id"):
        parts.append(f' id="{conditional_escape(attrs["id"])}"')
    if attrs.get("class"):
        parts.append(f' class="{conditional_escape(attrs["class"])}"')
    parts.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{conditional_escape(group)}</label>")
        parts.extend(f"<div>\n    {_option(option)}</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def _textarea(widget) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"'
        f"{_attrs(widget['attrs'])}>\n"
        f"{conditional_escape(value) if value else ''}</textarea>\n"
    )


FAST = {
    **{
        f"{WIDGETS}{kind}.html": _included_input
        for kind in (
            "text",
            "email",
            "tel",
            "number",
            "date",
            "hidden",
            "search",
            "url",
            "password",
            "checkbox",
        )
    },
    f"{WIDGETS}input.html": _input,
    f"{WIDGETS}input_option.html": _input_option,
    f"{WIDGETS}checkbox_option.html": _choice_option,
    f"{WIDGETS}radio_option.html": _choice_option,
    f"{WIDGETS}select_option.html": _select_option,
    f"{WIDGETS}select.html": _select,
    f"{WIDGETS}multiple_input.html": _multiple_input,
    # checkbox_select.html, radio.html: multiple_input.html and a newline.
    f"{WIDGETS}checkbox_select.html": lambda w: _multiple_input(w) + "\n",
    f"{WIDGETS}radio.html": lambda w: _multiple_input(w) + "\n",
    f"{WIDGETS}textarea.html": _textarea,
}


class FastWidgetRenderer(DjangoTemplates):
    """Django's renderer, with the plain widgets' templates done in Python."""

    def render(self, template_name, context, request=None):
        fast = FAST.get(template_name)
        widget = context.get("widget") if fast is not None else None
        if widget is not None:
            try:
                return fast(widget).strip()
            except LookupError:
                pass  # an option of a kind not written here: the templates do it
        return super().render(template_name, context, request)
