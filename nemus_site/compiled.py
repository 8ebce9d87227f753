"""Read queries the ORM builds and compiles once per process, then runs with new
values.

On the pages rendered most, building and compiling a queryset cost Django more
than the database took to answer it (the finder's next open time per clinic: about
2 ms of Python around 0.1 ms of SQL). `CompiledQuery` wraps a function that builds
the queryset from its values: the first time a shape of values is seen, it builds
the queryset with stand-in values, keeps the SQL Django made and notes where each
stand-in went among its parameters; later calls put the real values there and run
the SQL. The queryset (and the rules it uses: `Slot.objects.bookable...`) stays
the one place the query is written.

Values that are datetimes, integers, non-empty strings or lists of those are
variable; anything else (None, "", booleans) is part of the shape, as is each
list's length. A query whose SQL uses a value in any other way than as a parameter
(a value computed from one, say) cannot be kept, and is built every time.
"""

import datetime as dt
import itertools
import threading

from django.db import connections

_EPOCH = dt.datetime(1901, 1, 1, tzinfo=dt.UTC)


class _Unkeepable(Exception):
    pass


class CompiledQuery:
    def __init__(self, build, *, columns, max_shapes=64):
        """`build(**values)` returns a values_list queryset of `columns`, the
        names given to values_list (rows come in that order: the SQL may put them
        otherwise, and a translated model's queryset reorders them itself). At
        most `max_shapes` are kept (a date in the shape makes a new one a day)."""
        self.build = build
        self.columns = list(columns)
        self.max_shapes = max_shapes
        self.compiled: dict = {}
        self.lock = threading.Lock()

    def rows(self, **values) -> list[tuple]:
        key = tuple(sorted((name, _shape(value)) for name, value in values.items()))
        queryset = None
        compiled = self.compiled.get(key)
        if compiled is None:
            queryset = self.build(**values)
            try:
                compiled = _compile(self.build, values, queryset.db, self.columns)
            except _Unkeepable:
                compiled = False
            with self.lock:
                while len(self.compiled) >= self.max_shapes:
                    del self.compiled[next(iter(self.compiled))]  # the oldest
                self.compiled[key] = compiled
        if compiled is False:
            if queryset is None:
                queryset = self.build(**values)
            return [tuple(row) for row in queryset]
        return compiled.run(values)


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


def _compile(build, values, using, wanted):
    counter = itertools.count(1)
    stand_ins: dict = {}

    def stand_in(name, value, index=None):
        n = next(counter)
        if isinstance(value, dt.datetime):
            made = _EPOCH + dt.timedelta(seconds=n)
        elif isinstance(value, str):
            made = f"\x1fnemus-{n}\x1f"
        else:
            made = -(10**12) - n
        stand_ins[n] = (name, index, made)
        return made

    marked = {}
    for name, value in values.items():
        if isinstance(value, list | tuple):
            marked[name] = [stand_in(name, item, i) for i, item in enumerate(value)]
        elif _variable(value):
            marked[name] = stand_in(name, value)
        else:
            marked[name] = value
    queryset = build(**marked)
    connection = connections[using]
    compiler = queryset.query.get_compiler(using)
    sql, params = compiler.as_sql()
    columns = compiler.select[0 : compiler.col_count]
    converters = compiler.get_converters([column[0] for column in columns])
    aliases = [alias for _expression, _sql, alias in columns]
    if sorted(wanted) != sorted(aliases):
        raise _Unkeepable
    order = None if wanted == aliases else [aliases.index(name) for name in wanted]
    adapted = {
        _adapt(connection, made): (name, index, made)
        for name, index, made in stand_ins.values()
    }
    places, seen = [], set()
    for position, param in enumerate(params):
        found = adapted.get(_hashable(param))
        if found is not None:
            name, index, made = found
            places.append((position, name, index, isinstance(made, dt.datetime)))
            seen.add((found[0], found[1]))
        elif _looks_made(param):
            raise _Unkeepable  # a value computed from a stand-in
    if len(seen) != len(stand_ins):
        raise _Unkeepable  # a value that is not a parameter
    return _Compiled(using, compiler, sql, list(params), places, converters, order)


def _adapt(connection, value):
    if isinstance(value, dt.datetime):
        return _hashable(connection.ops.adapt_datetimefield_value(value))
    return value


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return None
    return value


def _looks_made(param) -> bool:
    if isinstance(param, dt.datetime):
        return param.year == 1901
    if isinstance(param, str):
        return param.startswith("1901-") or "\x1fnemus-" in param
    return isinstance(param, int) and param <= -(10**12)


class _Compiled:
    def __init__(self, using, compiler, sql, params, places, converters, order):
        self.using, self.compiler, self.sql = using, compiler, sql
        self.params, self.places, self.converters = params, places, converters
        self.order = order

    def run(self, values) -> list[tuple]:
        connection = connections[self.using]
        params = list(self.params)
        for position, name, index, is_datetime in self.places:
            value = values[name] if index is None else values[name][index]
            if is_datetime:
                value = connection.ops.adapt_datetimefield_value(value)
            params[position] = value
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        if self.order:
            return [tuple(row[i] for i in self.order) for row in rows]
        return [tuple(row) for row in rows]
