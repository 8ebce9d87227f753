"""What a saved revision of an article changed (django-reversion keeps the revisions).

A revision holds the whole article: the condition, its parts and their items. Each
is compared with the revision before it, field by field."""

from reversion.models import Version

# The sign-off's snapshot of the warning signs is the rows themselves again.
SKIPPED = {
    "id",
    "created_at",
    "updated_at",
    "condition",
    "part",
    "signed_warning_signs",
}


def _objects(revision) -> dict:
    found = {}
    for version in revision.version_set.select_related("content_type"):
        model = version.content_type.model_class()
        if model is None:
            continue
        found[(model, version.object_id)] = (version.object_repr, version.field_dict)
    return found


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def revision_changes(version) -> list[dict]:
    """[{"model", "object", "kind": added|removed|changed, "fields": [(label, old,
    new)]}] between `version`'s revision and the one before it for the same object."""
    previous = (
        Version.objects.get_for_object_reference(
            version.content_type.model_class(), version.object_id
        )
        .filter(revision__date_created__lt=version.revision.date_created)
        .select_related("revision")
        .order_by("-revision__date_created")
        .first()
    )
    new = _objects(version.revision)
    old = _objects(previous.revision) if previous else {}
    changes = []
    for key in sorted(
        new.keys() | old.keys(), key=lambda k: (k[0]._meta.model_name, k[1])
    ):
        model = key[0]
        before = old.get(key, (None, {}))[1]
        after = new.get(key, (None, {}))[1]
        name = (new.get(key) or old.get(key))[0]
        kind = "changed"
        if key not in old:
            kind = "added"
        elif key not in new:
            kind = "removed"
        fields = [
            (_label(model, field), before.get(field), after.get(field))
            for field in sorted(before.keys() | after.keys())
            if field not in SKIPPED and before.get(field) != after.get(field)
        ]
        if fields or kind != "changed":
            changes.append(
                {
                    "model": model._meta.verbose_name,
                    "object": name,
                    "kind": kind,
                    "fields": fields,
                }
            )
    return changes
