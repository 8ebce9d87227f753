"""Reads for the clinic finder and clinic pages."""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    Exists,
    Min,
    OuterRef,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from clinics.models import (
    NORWAY_LATITUDE,
    NORWAY_LONGITUDE,
    Clinic,
    Postcode,
    Practitioner,
    Profession,
    ProfessionFact,
)

EARTH_RADIUS_KM = 6371.0088

# The finder's access filters (`?behov=`): label, and whether a clinic has it.
NEEDS = {
    "trinnfri": (_lazy("Step-free entrance"), lambda clinic: clinic.step_free_access),
    "toalett": (_lazy("Accessible toilet"), lambda clinic: clinic.accessible_toilet),
    "heis": (_lazy("Lift"), lambda clinic: clinic.lift),
    "parkering": (_lazy("Parking"), lambda clinic: bool(clinic.parking)),
}


def clinic_has(clinic, needs) -> bool:
    """Whether `clinic` has every one of `needs` (NEEDS' keys)."""
    return all(NEEDS[need][1](clinic) for need in needs)


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine) in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lng2 - lng1)
    a = (
        math.sin(d_phi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def in_norway(latitude: float, longitude: float) -> bool:
    return (
        NORWAY_LATITUDE[0] <= latitude <= NORWAY_LATITUDE[1]
        and NORWAY_LONGITUDE[0] <= longitude <= NORWAY_LONGITUDE[1]
    )


@dataclass
class Origin:
    """Where the patient searched from, or why we could not tell."""

    latitude: float | None = None
    longitude: float | None = None
    label: str = ""
    error: str = ""
    choices: list[dict] = field(default_factory=list)
    # The search itself was wrong (no such place, a position abroad): the page
    # answers 400 with the message. An ambiguous place or a missing postcode table
    # is not the patient's error.
    bad_input: bool = False

    @property
    def found(self) -> bool:
        return self.latitude is not None


def postcodes_available() -> bool:
    return Postcode.objects.exists()


def origin_from_query(*, query: str) -> Origin:
    """A postcode ('0150') or a place ('Tromsø') as a position to sort from.

    A place that is the name of postcodes in more than one municipality is
    ambiguous: the Origin then carries choices, one postcode for each.
    """
    query = " ".join(query.split())[:80]
    if not query:
        return Origin()
    if query.isdigit():
        if len(query) != 4:
            return Origin(error=_("A postcode has four digits."), bad_input=True)
        postcode = Postcode.objects.filter(code=query).first()
        if postcode is None:
            if not postcodes_available():
                return Origin(
                    error=_(
                        "Search by postcode is not available right now. Search by "
                        "place name instead, or use your position."
                    )
                )
            return Origin(
                error=_("We do not know the postcode %(code)s.") % {"code": query},
                bad_input=True,
            )
        return Origin(
            latitude=postcode.latitude,
            longitude=postcode.longitude,
            label=f"{postcode.code} {postcode.place}",
        )
    return _origin_from_place(query)


def _origin_from_place(query: str) -> Origin:
    key = query.casefold()
    places = list(
        Postcode.objects.filter(place_key=key)
        .values("place", "municipality")
        .annotate(
            latitude=Avg("latitude"), longitude=Avg("longitude"), code=Min("code")
        )
        .order_by("municipality")
    )
    if len(places) == 1:
        place = places[0]
        return Origin(place["latitude"], place["longitude"], label=place["place"])
    if len(places) > 1:
        choices = [
            {
                "label": f"{place['place']} ({place['municipality']})",
                "query": place["code"],
            }
            for place in places
        ]
        return Origin(
            choices=choices, error=_("Which %(place)s do you mean?") % {"place": query}
        )
    # Without postcodes (or a place that is only a clinic town), the clinics' towns.
    towns = list(
        Clinic.objects.filter(town__iexact=query)
        .values("town")
        .annotate(latitude=Avg("latitude"), longitude=Avg("longitude"))
    )
    if towns:
        return Origin(
            towns[0]["latitude"], towns[0]["longitude"], label=towns[0]["town"]
        )
    return Origin(
        error=_("We found no place called %(place)s.") % {"place": query},
        bad_input=True,
    )


def origin_from_position(*, latitude: str, longitude: str) -> Origin:
    """The browser's position, rounded to about a kilometre and never stored."""
    try:
        lat, lng = round(float(latitude), 2), round(float(longitude), 2)
    except (TypeError, ValueError):
        return Origin(error=_("The position could not be read."), bad_input=True)
    if not (math.isfinite(lat) and math.isfinite(lng)) or not in_norway(lat, lng):
        return Origin(
            error=_(
                "Your position seems to be outside Norway, so we list all clinics."
            ),
            bad_input=True,
        )
    return Origin(latitude=lat, longitude=lng, label=_("your position"))


def origin_from_search(form, *, find=None) -> tuple[Origin, str]:
    """(origin, profession) from a bound ClinicSearchForm (the finder's and the
    booking page's search): a position when one was sent, else the postcode or
    place; no origin for an empty search. `find(query)`, when given, is
    origin_from_query kept (ClinicSearchPageMixin.clinic_search); a position is
    never kept."""
    if not form.is_bound:
        return Origin(), ""
    if not form.is_valid():
        return Origin(
            error=_("Please check the search and try again."), bad_input=True
        ), ""
    data = form.cleaned_data
    if data["lat"] or data["lng"]:
        origin = origin_from_position(latitude=data["lat"], longitude=data["lng"])
    elif data["q"]:
        origin = find(data["q"]) if find else origin_from_query(query=data["q"])
    else:
        origin = Origin()
    return origin, data["profession"]


def clinic_list(*, profession: str = "", details: bool = True):
    """Clinics (with hours, closures and practitioners unless `details` is off); only
    those with an active practitioner of `profession` when one is given."""
    clinics = Clinic.objects.with_details() if details else Clinic.objects.all()
    if profession:
        clinics = clinics.filter(
            Exists(
                Practitioner.objects.filter(
                    clinic=OuterRef("pk"), profession=profession, is_active=True
                )
            )
        )
    return clinics.order_by("name")


@dataclass(frozen=True)
class ClinicDirectory:
    """Every clinic by name with its hours, closures and active practitioners
    (prefetched), what the finder and its map show of each: the staff-edited facts,
    built once (four queries) and kept until the next edit
    (clinics.forms.ClinicSearchPageMixin.clinic_directory). Its
    clinics are shared: copy one before annotating it."""

    clinics: tuple
    markers: dict  # clinic pk: its map marker
    postcodes_available: bool
    # clinic pk: (profession, languages) of each active practitioner
    staff: dict

    def has_staff(self, clinic, profession: str, language: str) -> bool:
        """Whether an active practitioner at `clinic` is of `profession` and speaks
        `language` (either may be empty: any)."""
        return any(
            (not profession or profession == theirs)
            and (not language or language in spoken)
            for theirs, spoken in self.staff.get(clinic.pk, ())
        )

    def nearest(
        self,
        *,
        origin: Origin,
        profession: str = "",
        needs=(),
        language: str = "",
    ) -> list[tuple]:
        """[(clinic, distance in km or None)]: by distance from `origin`, else by
        name; only clinics with `needs` (NEEDS' keys) and a practitioner of
        `profession` who speaks `language`."""
        clinics = [
            clinic
            for clinic in self.clinics
            if (
                not (profession or language)
                or self.has_staff(clinic, profession, language)
            )
            and clinic_has(clinic, needs)
        ]
        if origin.latitude is None or origin.longitude is None:
            return [(clinic, None) for clinic in clinics]
        found = [
            (
                clinic,
                distance_km(
                    origin.latitude, origin.longitude, clinic.latitude, clinic.longitude
                ),
            )
            for clinic in clinics
        ]
        if origin.found:
            found.sort(key=lambda pair: pair[1])
        return found


def clinic_directory(*, related=()) -> ClinicDirectory:
    """`related`: one-to-one relations to load with each clinic (the booking
    policy, for the finder's next open times)."""
    clinics = tuple(
        Clinic.objects.with_details().select_related(*related).order_by("name")
    )
    return ClinicDirectory(
        clinics=clinics,
        markers={
            clinic.pk: marker
            for clinic, marker in zip(clinics, map_markers(clinics), strict=True)
        },
        postcodes_available=postcodes_available(),
        staff={
            clinic.pk: tuple(
                (p.profession, frozenset(p.languages))
                for p in clinic.practitioners.all()
            )
            for clinic in clinics
        },
    )


def profession_facts_get(professions=None) -> dict:
    """{profession: [ProfessionFact, ...]} in the topics' order, for `professions`
    (all when None): one query."""
    rows = ProfessionFact.objects.all()
    if professions is not None:
        rows = rows.filter(profession__in=list(professions))
    order = list(ProfessionFact.Topic.values)
    facts: dict = {}
    for fact in sorted(rows, key=lambda fact: order.index(fact.topic)):
        facts.setdefault(fact.profession, []).append(fact)
    return {p: facts[p] for p in Profession.values if p in facts}


@dataclass(frozen=True)
class ProfessionCoverage:
    """How many clinics there are, and which professions all or only some have."""

    clinic_count: int
    everywhere: list  # professions every clinic has
    somewhere: list  # professions some clinics have


def profession_coverage() -> ProfessionCoverage:
    """Which professions work at every clinic and which at some, from the active
    practitioners: what the home page may claim. Two queries."""
    clinic_count = Clinic.objects.count()
    rows = (
        Practitioner.objects.filter(is_active=True)
        .order_by()
        .values("profession")
        .annotate(clinics=Count("clinic", distinct=True))
    )
    counts = {row["profession"]: row["clinics"] for row in rows}
    order = list(Profession.values)
    everywhere = [p for p in order if clinic_count and counts.get(p) == clinic_count]
    somewhere = [p for p in order if 0 < counts.get(p, 0) < clinic_count]
    return ProfessionCoverage(clinic_count, everywhere, somewhere)


def clinic_list_with_profession(*, profession: str):
    """Clinics with an active practitioner of `profession`, by name: one query."""
    return clinic_list(profession=profession, details=False).only(
        "slug", "name", "town", "phone"
    )


def clinic_list_for_map():
    """Just what a map of every clinic needs: one query."""
    return Clinic.objects.only("slug", "name", "latitude", "longitude").order_by("name")


def clinic_get(*, slug: str):
    return Clinic.objects.with_details().filter(slug=slug).first()


def map_markers(clinics):
    """What the map script needs of each clinic (json_script data)."""
    return [
        {
            "id": clinic.slug,
            "name": clinic.name,
            "lat": clinic.latitude,
            "lng": clinic.longitude,
            "url": clinic.get_absolute_url(),
        }
        for clinic in clinics
    ]


def map_settings():
    """Tile source, attribution and zoom limit, from settings."""
    return {
        "tileUrl": settings.MAP_TILE_URL,
        "attribution": settings.MAP_ATTRIBUTION,
        "maxZoom": settings.MAP_MAX_ZOOM,
        "provider": settings.MAP_PROVIDER_NAME,
    }
