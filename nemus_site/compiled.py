"""Read queries the ORM builds and compiles once per process, then runs with new
values.

On the pages rendered most, building and compiling a queryset cost Django more
than the database took to answer it (the finder's next open time per clinic: about
2 ms of Python around 0.1 ms of SQL). `CompiledQuery` wraps a function that builds
the queryset from its values: the first time a shape of values is seen, it builds
the queryset twice, with two different sets of stand-in values, and keeps the SQL
Django made only when both give the same SQL and their parameters differ exactly
where a stand-in went; later calls put the real values there and run the SQL. The
queryset (and the rules it uses: `Slot.objects.bookable...`) stays the one place
the query is written.

Values that are datetimes, integers, non-empty strings or lists of those are
variable; anything else (None, "", booleans, dates) is part of the shape, as is
each list's length, the active language (a translated field's column depends on
it) and the database the query reads. `build` may branch on the shape only, never
on a variable value. A query whose SQL uses a value in any other way than as a
parameter (a value worked out from one, a LIMIT), or that Django finds empty (an
empty list of ids), is built by the ORM every time, so it gives what the ORM gives.
"""

import datetime as dt
import itertools
import logging
import threading

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.utils import translation

logger = logging.getLogger(__name__)

# Two sets of stand-ins far from any real value and from each other in every part
# (year, day, weekday, hour, minute, second, microsecond), so that a value worked
# out from one (its date, a day later) differs between the two sets.
_EPOCHS = (
    dt.datetime(1901, 1, 1, tzinfo=dt.UTC),
    dt.datetime(1902, 6, 17, 13, 29, 31, 500_001, tzinfo=dt.UTC),
)
_INTEGERS = (-(10**12), -3 * 10**12)

# What _compile reads of Django's SQL compiler (django/db/models/sql/compiler.py);
# tests/nemus_site/test_compiled.py fails when one of them changes.
COMPILER_PARTS = ("as_sql", "select", "col_count", "get_converters", "apply_converters")


class _Unkeepable(Exception):
    pass


class CompiledQuery:
    def __init__(self, build, *, model, columns, max_shapes=64):
        """`build(**values)` returns a values_list queryset of `model` with
        `columns`, the names given to values_list (rows come in that order: the
        SQL may put them otherwise, and a translated model's queryset reorders
        them itself). At most `max_shapes` are kept (a date in the shape makes a
        new one a day)."""
        self.build = build
        self.model = model
        self.columns = list(columns)
        self.max_shapes = max_shapes
        self.compiled: dict = {}  # shape -> _Compiled, or None: built every time
        self.lock = threading.Lock()

    def key(self, values) -> tuple:
        return (
            translation.get_language(),
            router.db_for_read(self.model),
            tuple(sorted((name, _shape(value)) for name, value in values.items())),
        )

    def rows(self, **values) -> list[tuple]:
        key = self.key(values)
        compiled = self.compiled.get(key, False)
        if compiled is False:
            compiled = self._compile(values, using=key[1])
            with self.lock:
                while len(self.compiled) >= self.max_shapes:
                    del self.compiled[next(iter(self.compiled))]  # the oldest
                self.compiled[key] = compiled
        if compiled is None:
            return [tuple(row) for row in self.build(**values)]
        return compiled.run(values)

    def _compile(self, values, *, using):
        try:
            return _compile(self.build, values, using, self.columns)
        except _Unkeepable:
            return None
        except (AttributeError, TypeError, ValueError):
            # Django's compiler changed shape, or a stand-in did not fit a field.
            logger.warning("query not compiled: built every time", exc_info=True)
            return None


def _shape(value):
    if isinstance(value, list | tuple):
        return ("list", len(value))
    if _variable(value):
        return ("value", type(value).__name__)
    return ("fixed", value)


def _variable(value) -> bool:
    if isinstance(value, dt.datetime | str):
        return bool(value)
    return isinstance(value, int) and not isinstance(value, bool)


class _StandIns:
    """One set of stand-ins for the variable values: `marked` is what `build` gets;
    `where(param)` tells which value a parameter of the SQL stands for."""

    def __init__(self, values, variant, connection):
        self.connection = connection
        counter = itertools.count(1)
        self.found: dict = {}
        self.marked: dict = {}
        for name, value in values.items():
            if isinstance(value, list | tuple):
                self.marked[name] = [
                    self._make(name, i, item, variant, next(counter))
                    for i, item in enumerate(value)
                ]
            elif _variable(value):
                n = next(counter)
                self.marked[name] = self._make(name, None, value, variant, n)
            else:
                self.marked[name] = value
        self.count = next(counter) - 1

    def _make(self, name, index, value, variant, n):
        if isinstance(value, dt.datetime):
            made = _EPOCHS[variant] + dt.timedelta(seconds=n)
        elif isinstance(value, str):
            made = f"\x1fnemus-{variant}-{n}\x1f"
        elif isinstance(value, int) and not isinstance(value, bool):
            made = _INTEGERS[variant] - 7 * n
        else:
            raise _Unkeepable  # a list of values that are part of the shape
        self.found[_hashable(_adapt(self.connection, made))] = (name, index)
        return made

    def where(self, param):
        key = _hashable(param)
        return None if key is None else self.found.get(key)


def _compile(build, values, using, wanted):
    connection = connections[using]
    made = []
    for variant in (0, 1):
        stand_ins = _StandIns(values, variant, connection)
        queryset = build(**stand_ins.marked)
        if queryset.db != using:
            raise _Unkeepable  # the build chooses its own database
        compiler = queryset.query.get_compiler(using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            raise _Unkeepable from None  # the ORM answers [] without asking
        made.append((stand_ins, queryset.query, compiler, sql, tuple(params)))
    (first, query, compiler, sql, params), (second, _q, _c, other_sql, other) = made
    if sql != other_sql or len(params) != len(other):
        raise _Unkeepable  # a value that is not a parameter (a LIMIT, say)
    places, seen = [], set()
    for position, (one, two) in enumerate(zip(params, other, strict=True)):
        where = first.where(one)
        if where is None and second.where(two) is None and one == two:
            continue  # a fixed parameter
        if where is None or second.where(two) != where:
            raise _Unkeepable  # a value worked out from a stand-in
        name, index = where
        value = values[name] if index is None else values[name][index]
        places.append((position, name, index, isinstance(value, dt.datetime)))
        seen.add(where)
    if len(seen) != first.count:
        raise _Unkeepable  # a stand-in that went nowhere among the parameters
    selected = compiler.select[: compiler.col_count]
    expressions = [expression for expression, _sql, _alias in selected]
    aliases = [alias for _expression, _sql, alias in selected]
    if sorted(wanted) != sorted(aliases):
        raise _Unkeepable
    order = None if wanted == aliases else [aliases.index(name) for name in wanted]
    return _Compiled(using, query, sql, list(params), places, expressions, order)


def _adapt(connection, value):
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return None
    return value


class _Compiled:
    def __init__(self, using, query, sql, params, places, expressions, order):
        self.using, self.query, self.sql = using, query, sql
        self.params, self.places = params, places
        self.expressions, self.order = expressions, order
        self.width = len(expressions)

    def run(self, values) -> list[tuple]:
        # This thread's connection: for the values' adaptation, the cursor and the
        # converters (a compiler made for it costs a few microseconds).
        connection = connections[self.using]
        params = list(self.params)
        for position, name, index, is_datetime in self.places:
            value = values[name] if index is None else values[name][index]
            if is_datetime:
                value = connection.ops.adapt_datetimefield_value(value)
            params[position] = value
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = [row[: self.width] for row in cursor.fetchall()]
        compiler = connection.ops.compiler("SQLCompiler")(
            self.query, connection, self.using
        )
        converters = compiler.get_converters(self.expressions)
        if converters:
            rows = compiler.apply_converters(rows, converters)
        if self.order:
            return [tuple(row[i] for i in self.order) for row in rows]
        return [tuple(row) for row in rows]
