"""Hot-path statements run straight on the DBAPI cursor, compiled once per dialect.

Why: `Connection.execute` costs 30 to 100 µs of Python per statement (cache key, execution
context, events, result object), more than SQLite takes to run the statement itself, and one
intake runs eight of them (issue #3). `Prepared` keeps the Core construct, so the models still
describe the SQL; it compiles it once per dialect and set of parameter names, and at run time
only orders the values, applies the type processors SQLAlchemy would apply (bind and result),
and calls `cursor.execute` in the connection's transaction.

What keeps it honest:

* DBAPI errors are wrapped as SQLAlchemy wraps them (`IntegrityError`, `OperationalError`, ...),
  so callers' retry and double-submit handling is unchanged; a dropped connection is
  invalidated.
* While anyone listens to the engine's statements (event listeners such as the statement
  counters of the tests, or echo logging), the ordinary `Connection.execute` runs instead:
  nothing is hidden from them, and both paths run the same SQL.
* What it cannot do as SQLAlchemy would, it refuses when compiling: Python-side column
  defaults, escaped bind names, result types whose conversion depends on the DBAPI type code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from types import MappingProxyType
from typing import Any, cast

from sqlalchemy import Connection, Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.functions import GenericFunction

Row = tuple[Any, ...]
_NO_PARAMS: Mapping[str, Any] = MappingProxyType({})
_Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    arguments: Callable[[dict[str, Any]], Any]
    """Picks the DBAPI arguments out of the processed values (tuple or dict, per paramstyle)."""
    fixed: Mapping[str, Any]
    """Values of the binds written into the construct (e.g. the 1 of ``seq + 1``)."""
    bind: Mapping[str, _Processor]
    result: tuple[_Processor | None, ...] | None
    """One converter per result column (None: the DBAPI value is right); None if none apply."""
    returns_rows: bool


def _compile(statement: ClauseElement, dialect: Dialect, keys: Sequence[str]) -> _Compiled:
    compiled = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=list(keys)))
    if compiled.escaped_bind_names or compiled.post_compile_params:
        raise ValueError("escaped or expanding bind parameters are not supported")
    if getattr(compiled, "insert_prefetch", None) or getattr(compiled, "update_prefetch", None):
        raise ValueError("columns with Python-side defaults must be given explicitly")
    binds = compiled.binds
    bind = {}
    for name, parameter in binds.items():
        processor = parameter.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            bind[name] = processor
    result = []
    columns = getattr(statement, "selected_columns", None) or getattr(
        statement, "exported_columns", None
    ) or ()
    for position, column in enumerate(columns):
        if isinstance(column.type, Numeric):  # float/Decimal depends on the DBAPI type code
            raise ValueError(f"result column {position}: numeric types are not supported")
        result.append(column.type.dialect_impl(dialect).result_processor(dialect, None))
    fixed = {name: parameter.effective_value for name, parameter in binds.items()
             if name not in keys and not parameter.required}
    return _Compiled(compiled.string, _picker(compiled.positiontup, compiled.positional, binds),
                     fixed, bind, tuple(result) if any(result) else None, bool(result))


def _picker(order: Sequence[str] | None, positional: bool,
            names: Iterable[str]) -> Callable[[dict[str, Any]], Any]:
    if not positional:
        named = tuple(names)
        return lambda values: {name: values[name] for name in named}
    order = tuple(order or ())  # a name used twice in the SQL is bound twice
    if not order:
        return lambda values: ()
    pick = itemgetter(*order)
    return (lambda values: (pick(values),)) if len(order) == 1 else pick


class Prepared:
    """One Core statement (INSERT, UPDATE, SELECT or `text()`), run with `run(connection,
    params)`; the rows are plain tuples."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, tuple[str, ...]], _Compiled] = {}

    def _for(self, dialect: Dialect, keys: tuple[str, ...]) -> _Compiled:
        found = self._compiled.get((dialect.name, keys))
        if found is None:
            found = _compile(cast(ClauseElement, self.statement), dialect, keys)
            self._compiled[(dialect.name, keys)] = found
        return found

    def run(self, connection: Connection, params: Mapping[str, Any] = _NO_PARAMS) -> list[Row]:
        """Execute with `params` in the connection's transaction; returns the rows (the
        RETURNING rows of a write; an empty list when the statement returns none)."""
        if observed(connection):
            result = connection.execute(self.statement, dict(params))
            return [tuple(row) for row in result] if result.returns_rows else []
        dialect = connection.dialect
        compiled = self._for(dialect, tuple(params))
        values = {**compiled.fixed, **params}
        for name, processor in compiled.bind.items():
            values[name] = processor(values[name])
        args = compiled.arguments(values)
        pooled = connection.connection
        cursor = pooled.info.get(_CURSOR) or _new_cursor(pooled)
        try:
            cursor.execute(compiled.sql, args)
            rows = cursor.fetchall() if compiled.returns_rows else []
        except dialect.loaded_dbapi.Error as exc:
            pooled.info.pop(_CURSOR, None)
            cursor.close()
            invalidated = dialect.is_disconnect(exc, pooled, cursor)
            if invalidated:
                connection.invalidate(exc)
            raise DBAPIError.instance(
                compiled.sql, args, exc, dialect.loaded_dbapi.Error,
                connection_invalidated=invalidated, dialect=dialect,
            ) from exc
        converters = compiled.result
        if converters is None:
            return [tuple(row) for row in rows]
        return [
            tuple(value if convert is None else convert(value)
                  for convert, value in zip(converters, row, strict=True))
            for row in rows
        ]


_CURSOR = "app.prepared.cursor"


def _new_cursor(pooled: PoolProxiedConnection) -> Any:
    """A DBAPI cursor kept for these statements on this DBAPI connection: creating one per
    statement costs psycopg more than the statement. Kept in the connection record's `info`,
    which the pool clears when the DBAPI connection is replaced."""
    cursor = pooled.info[_CURSOR] = pooled.dbapi_connection.cursor()  # type: ignore[union-attr]
    return cursor


def observed(connection: Connection) -> bool:
    """True when someone listens to the engine's statements (cursor-execute listeners, such
    as statement counters, or echo): then the normal path runs. Asked of the engine, where
    such listeners are registered: asking a connection's joined dispatcher costs more than
    running the statement."""
    engine = connection.engine
    dispatch = engine.dispatch
    return bool(dispatch.before_cursor_execute or dispatch.after_cursor_execute or engine.echo)


class space_joined(GenericFunction[str]):
    """The values joined by single spaces (SQLite ``group_concat``, PostgreSQL ``string_agg``),
    the separator written into the SQL: ``aggregate_strings`` binds it as a post-compile
    parameter, which `Prepared` cannot run."""

    type = String()
    inherit_cache = True


@compiles(space_joined)
def _group_concat(element: space_joined, compiler: Any, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, ' ')"


@compiles(space_joined, "postgresql")
def _string_agg(element: space_joined, compiler: Any, **kw: Any) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)}, ' ')"
