"""The answer to "first time with us?" (`?ny=1` / `?ny=0`, DESIGN.md) and the
queries that carry it from the search to a clinic's day, and from a time to the
booking form."""

from urllib.parse import urlencode


def new_patient_answer(query) -> bool | None:
    """`?ny=1` (first time with us), `?ny=0` (returning), else None (not said; an
    unknown value is not an answer)."""
    return {"1": True, "0": False}.get(query.get("ny", ""))


def clinic_query(profession: str, new_patient) -> str:
    pairs = [("yrke", profession)] if profession else []
    if new_patient is not None:
        pairs.append(("ny", "1" if new_patient else "0"))
    return "?" + urlencode(pairs) if pairs else ""


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


def time_query(appointment_type, new_patient) -> str:
    """What a time's link carries to the booking form: the type chosen and the
    answer to "first time with us?"."""
    pairs = []
    if appointment_type is not None:
        pairs.append(("type", appointment_type.slug))
    if new_patient is not None:
        pairs.append(("ny", "1" if new_patient else "0"))
    return "?" + urlencode(pairs) if pairs else ""
