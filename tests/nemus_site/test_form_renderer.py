"""The plain widgets rendered without the template engine (issue 39,
nemus_site/form_renderer.py): to the byte what Django's templates make, on every
public page with a form, with and without errors, and on widgets of every kind
the renderer writes (options in groups, labels around inputs, attributes that
are only a name, characters to escape)."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from nemus_site.form_renderer import FastWidgetRenderer
from tests.booking.conftest import day, oslo
from tests.factories import (
    AppointmentTypeFactory,
    ClinicFactory,
    PractitionerFactory,
    SlotFactory,
)

pytestmark = pytest.mark.django_db

DJANGO = "django.forms.renderers.DjangoTemplates"
FAST = "nemus_site.form_renderer.FastWidgetRenderer"


def _page(client, settings, renderer, method, path, data=None):
    settings.FORM_RENDERER = renderer
    # Every part rendered by this renderer: no page or part kept from the other's.
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    settings.NEMUS_FRAGMENT_CACHE = False
    response = getattr(client, method)(path, data or {})
    html = response.content.decode()
    # The form token is masked anew on every rendering.
    return response.status_code, re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"', "", html
    )


@pytest.fixture
def pages(postcodes, demo_clinics):
    AppointmentTypeFactory()
    clinic = ClinicFactory(name="NEMUS Skjema", slug="nemus-skjema")
    slot = SlotFactory(
        practitioner=PractitionerFactory(clinic=clinic), starts_at=oslo(1, 10)
    )
    book = f"/timebestilling/{clinic.slug}/{slot.pk}/"
    return [
        (
            "get",
            "/klinikker/",
            {"q": "5003", "behov": ["trinnfri", "heis"], "yrke": ""},
        ),
        ("get", "/klinikker/", {"q": "<b>&\"'", "sprak": "en"}),
        ("get", "/timebestilling/", {"q": "0150", "ny": "1"}),
        ("get", f"/timebestilling/{clinic.slug}/", {"dag": day(1).isoformat()}),
        ("get", f"/timebestilling/{clinic.slug}/", {"type": "oppfolging", "ny": "0"}),
        ("get", f"/timebestilling/{clinic.slug}/", {"dag": "not a day"}),
        ("get", book, None),
        ("post", book, {"name": "<Ola>", "phone": "12", "email": "x@"}),
        ("get", f"/timebestilling/{clinic.slug}/venteliste/", None),
        ("post", f"/timebestilling/{clinic.slug}/venteliste/", {"name": "&"}),
        ("get", "/komponenter/", None),
    ]


def test_every_public_form_renders_as_djangos_templates_do(client, settings, pages):
    compared = 0
    for method, path, data in pages:
        status, theirs = _page(client, settings, DJANGO, method, path, data)
        fast_status, ours = _page(client, settings, FAST, method, path, data)
        assert (fast_status, ours) == (status, theirs), path
        compared += status != 404 and "<input" in ours
    assert compared >= 9


class Everything(forms.Form):
    text = forms.CharField(
        widget=forms.TextInput(attrs={"required": True, "hidden": False})
    )
    number = forms.IntegerField()
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(widget=forms.Textarea)
    agree = forms.BooleanField()
    secret = forms.CharField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        choices=[
            ("", "—"),
            ("Ryggen", [("a", "A & <b>"), ("b", "B")]),
            ("c", 'C "quoted"'),
        ]
    )
    several = forms.MultipleChoiceField(
        choices=[("x", "X"), ("Gruppe", [("y", "Y"), ("z", "Z")])]
    )
    one = forms.ChoiceField(
        widget=forms.RadioSelect(attrs={"class": "nm-radios"}),
        choices=[("1", "Én"), ("2", "To")],
    )
    boxes = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        choices=[("p", "P"), ("Gruppe", [("q", "Q <i>")])],
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {
            "text": '"<x>"&',
            "number": "12",
            "when": "2026-12-04",
            "notes": "a\n<b>",
            "agree": "on",
            "secret": "s'",
            "kind": "a",
            "several": ["y", "x"],
            "one": "2",
            "boxes": ["q"],
        },
    ],
)
def test_each_kind_of_widget_renders_as_djangos_templates_do(data):
    theirs, ours = Everything(data), Everything(data)
    theirs.renderer, ours.renderer = DjangoTemplates(), FastWidgetRenderer()
    for name in theirs.fields:
        assert ours[name].as_widget() == theirs[name].as_widget(), name
        assert ours[name].as_widget(attrs={"aria-describedby": "h e"}) == theirs[
            name
        ].as_widget(attrs={"aria-describedby": "h e"}), name
        # Each option on its own ({{ box.tag }}) and with its label.
        for mine, django in zip(ours[name], theirs[name], strict=True):
            assert str(mine) == str(django), name
            assert mine.tag() == django.tag(), name
