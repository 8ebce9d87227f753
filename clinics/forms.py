import hashlib
from typing import TYPE_CHECKING

from django import forms
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext
from django.views.generic import TemplateView

from clinics.models import PRACTITIONER_LANGUAGES, Profession
from clinics.selectors import (
    NEEDS,
    clinic_directory,
    origin_from_query,
    origin_from_search,
)
from nemus_site.fragments import edits_fragment, edits_fragment_in, search_store

# How long an unknown filter value may be when the page names it back.
IGNORED_SHOWN_LENGTH = 40


class ClinicSearchForm(forms.Form):
    """The finder's query: a postcode or place, a profession, or a position.

    Field names are English; the query names are DESIGN.md's (`?yrke=`): QUERY_NAMES
    maps one to the other for the form's data and its inputs' names."""

    QUERY_NAMES = {
        "profession": "yrke",
        "new_patient": "ny",
        "needs": "behov",
        "language": "sprak",
    }

    q = forms.CharField(
        label=_("Postcode or place"),
        help_text=_("For example 0150 or Tromsø"),
        required=False,
        max_length=80,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "postal-code",
                "spellcheck": "false",
            }
        ),
    )
    profession = forms.ChoiceField(
        label=_("Profession"),
        required=False,
        choices=[("", _("All professions")), *Profession.choices],
    )
    needs = forms.MultipleChoiceField(
        label=_("Access"),
        required=False,
        choices=[(value, label) for value, (label, _test) in NEEDS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(
        label=_("A practitioner who speaks"),
        required=False,
        choices=[("", _("Any language")), *PRACTITIONER_LANGUAGES],
    )
    lat = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    # The answer to "first time with us?" (`?ny=1`/`0`, asked on the booking
    # pages), carried by a new search; any other value is dropped here.
    new_patient = forms.CharField(required=False, widget=forms.HiddenInput)
    lng = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def add_prefix(self, field_name):
        return self.QUERY_NAMES.get(field_name, field_name)

    def clean_new_patient(self):
        value = self.cleaned_data["new_patient"]
        return value if value in ("0", "1") else ""

    def clean_q(self):
        # A query longer than any place name is cut, never an error.
        return " ".join(self.cleaned_data["q"].split())


FILTER_VALUES = {
    "yrke": set(Profession.values),
    "behov": set(NEEDS),
    "sprak": {code for code, _name in PRACTITIONER_LANGUAGES},
}


def known_filters(query):
    """(query, ignored): the query without the filter values the site does not
    know, and those values (cut short) to say they were left out."""
    data = query.copy()
    ignored = []
    for name, known in FILTER_VALUES.items():
        values = data.getlist(name)
        kept = [value for value in values if value in known or value == ""]
        if len(kept) < len(values):
            ignored += [v[:IGNORED_SHOWN_LENGTH] for v in values if v not in kept]
            data.setlist(name, kept)
    return data, ignored


def ignored_note(ignored) -> str:
    """The sentence that says which filter values were left out, or ""."""
    if not ignored:
        return ""
    quoted = ", ".join(
        pgettext("quoted", "“%(value)s”") % {"value": value} for value in ignored
    )
    return ngettext(
        "We do not know the filter %(values)s, so we left it out.",
        "We do not know the filters %(values)s, so we left them out.",
        len(ignored),
    ) % {"values": quoted}


# What the mixin is mixed into, for the type checker.
if TYPE_CHECKING:
    _SearchPage = TemplateView
else:
    _SearchPage = object


class ClinicSearchPageMixin(_SearchPage):
    """A page that lists clinics near a search (the finder, soonest near me):
    `clinic_search()` reads the form from the query; a search it cannot place is
    answered 400 with the page and its message."""

    ignored: list[str] = []  # filter values left out of this request's search
    # What a search page reads of its query (PublicPageMixin.query_keys): the
    # form's fields and "show all"; never a position (PublicPageMixin.query_never).
    query_keys = ("q", *ClinicSearchForm.QUERY_NAMES.values(), "alle")

    @property
    def ignored_note(self) -> str:
        return ignored_note(self.ignored)

    def clinic_search(self):
        """(form, origin, profession) of this request's query. A filter value the
        site does not know is left out (`self.ignored` names it for the page)."""
        data, self.ignored = known_filters(self.request.GET)
        form = ClinicSearchForm(data or None)
        origin, profession = origin_from_search(form, find=self.find_place)
        return form, origin, profession

    def find_place(self, query: str):
        """Where a postcode or place lies (origin_from_query), kept per worker
        and language by the search, hashed, until the next edit (an import of the
        postcodes is one): the same few postcodes are searched all day."""
        digest = hashlib.sha256(query.encode()).hexdigest()
        return edits_fragment_in(
            search_store,
            self.request,
            ("place", translation.get_language(), digest),
            lambda: origin_from_query(query=query),
        )

    def clinic_directory(self):
        """Every clinic with its details and booking policy (clinic_directory),
        kept per worker and language until the next staff edit: both search pages
        search it, neither asks the database for the clinics. Shared by every
        request: copy a clinic before annotating it."""
        return edits_fragment(
            self.request,
            ("directory", translation.get_language()),
            lambda: clinic_directory(related=["booking_policy"]),
        )

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        assert isinstance(response, TemplateResponse) and response.context_data
        if response.context_data["origin"].bad_input:
            response.status_code = 400
        return response
