"""The answer to "first time with us?" (`?ny=1` / `?ny=0`, DESIGN.md): what it
implies, and the queries that carry it from the search to a clinic's day, and from
a time to the booking form."""

from urllib.parse import urlencode

from booking.forms import new_patient_from, new_patient_value


def new_patient_answer(query) -> bool | None:
    """The answer in a request's query; None when not said (an unknown value is
    not an answer)."""
    return new_patient_from(query.get("ny", ""))


def type_for_patient(types, new_patient):
    """The one appointment type meant for the patient, as if they had chosen it;
    None when the question is not answered or more than one type is meant."""
    if new_patient is None:
        return None
    eligible = [kind for kind in types if kind.is_for(new_patient)]
    return eligible[0] if len(eligible) == 1 else None


def _query(pairs, new_patient) -> str:
    value = new_patient_value(new_patient)
    if value is not None:
        pairs = [*pairs, ("ny", value)]
    return "?" + urlencode(pairs) if pairs else ""


def clinic_query(profession: str, new_patient) -> str:
    """A clinic's day view from the search: the profession and the answer."""
    return _query([("yrke", profession)] if profession else [], new_patient)


def time_query(appointment_type, new_patient) -> str:
    """What a time's link carries to the booking form: the type chosen and the
    answer."""
    pairs = [("type", appointment_type.slug)] if appointment_type is not None else []
    return _query(pairs, new_patient)


def answer_urls(query) -> dict:
    """The search as it is, with "first time with us?" answered each way or not."""
    urls = {}
    for name, value in (("yes", "1"), ("no", "0"), ("unsaid", None)):
        changed = query.copy()
        changed.pop("ny", None)
        if value is not None:
            changed["ny"] = value
        urls[name] = "?" + changed.urlencode()
    return urls
