from django.conf import settings
from django.db.models import Q
from django.utils import translation

from conditions.models import Condition


def condition_list_published():
    """Published conditions for the index, by title in the reader's language."""
    return Condition.objects.published().order_by(
        f"title_{translation.get_language()}", "title_nb"
    )


def condition_get_for_reader(*, slug, include_drafts=False):
    """The condition whose slug in the reader's language is `slug`, with its parts
    and items; a condition with no slug in that language answers to its Norwegian one.
    Returns None when there is none (or only a draft, unless drafts are included)."""
    language = translation.get_language()
    match = Q(slug_nb=slug)
    if language != "nb":
        match = Q(**{f"slug_{language}": slug}) | (
            Q(slug_nb=slug)
            & (Q(**{f"slug_{language}": ""}) | Q(**{f"slug_{language}__isnull": True}))
        )
    conditions = (
        Condition.objects.with_parts().select_related("reviewed_by").filter(match)
    )
    if not include_drafts:
        conditions = conditions.published()
    return conditions.first()


def condition_get_for_warnings(*, slug=None):
    """The published condition whose warning signs pages outside the article show
    (the home and booking pages): NEMUS_WARNING_CONDITION by default, low back pain.
    Its signs and their sources come prefetched. None when it is not published."""
    slug = slug or settings.NEMUS_WARNING_CONDITION
    return (
        Condition.objects.published().with_warning_signs().filter(slug_nb=slug).first()
    )
