"""The appointment book's addresses: a clinic's day or a practitioner's week, and
the way back to the page an action came from."""

from urllib.parse import parse_qsl, urlencode, urlsplit

from django.urls import reverse

# The book's address keeps DESIGN.md's Norwegian query keys (as the finder's
# QUERY_NAMES do); the code names them in English.
QUERY_NAMES = {
    "day": "dato",
    "view": "visning",
    "practitioner": "behandler",
    # A booking being moved: the book marks the times it can go to.
    "moving": "flytt",
}
WEEK_VIEW = "uke"


def book_url(
    clinic_id: int, day=None, *, week=False, practitioner=None, moving=None
) -> str:
    """The appointment book of a clinic: a day, or a practitioner's week; with
    `moving` (a booking's id), the times it can be moved to marked."""
    path = reverse("admin:booking_book", args=[clinic_id])
    params = {
        QUERY_NAMES["day"]: day.isoformat() if day else None,
        QUERY_NAMES["view"]: WEEK_VIEW if week else None,
        QUERY_NAMES["practitioner"]: practitioner,
        QUERY_NAMES["moving"]: moving,
    }
    query = urlencode({key: value for key, value in params.items() if value})
    return f"{path}?{query}" if query else path


def query_of(back: str) -> dict:
    """The query of the book page an action came from (its day and view)."""
    return dict(parse_qsl(urlsplit(back).query))


def safe_back(request, clinic, views, back=None) -> str:
    """Back to the book page the action came from: only a path of this book."""
    back = back if back is not None else request.POST.get("back", "")
    base = reverse("admin:booking_book", args=[clinic.pk])
    if back.startswith(base) and "//" not in back:
        return back
    return base
