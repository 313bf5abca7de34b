"""Declarative base with a constraint naming convention and UTC timestamp helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import DateTime, MetaData, TypeDecorator, event, inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapper, configure_mappers

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; always returns aware UTC datetimes (SQLite has no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


@event.listens_for(Mapper, "before_configured")
def _complete_the_models() -> None:
    """Relationships and foreign keys may name models that nobody imported yet: load them all
    before SQLAlchemy resolves them (see :mod:`app.models`)."""
    from app.models import load_all

    load_all()


_M = TypeVar("_M", bound=Base)


def from_values(cls: type[_M], values: dict[str, Any]) -> _M:
    """A transient `cls` object holding `values` (attribute name -> value), built the way the
    ORM builds a loaded row: the instance dict is filled directly. Constructors fire one
    attribute event per column, which costs more than the INSERT on the intake path (issue
    #3); use this for rows just written with Core statements."""
    new_instance = _NEW_INSTANCE.get(cls)
    if new_instance is None:
        mapper = inspect(cls)
        if not mapper.configured:  # an unconfigured mapper has no attribute implementations
            configure_mappers()
        new_instance = _NEW_INSTANCE[cls] = mapper.class_manager.new_instance
    row = cast(_M, new_instance())
    row.__dict__.update(values)
    return row


_NEW_INSTANCE: dict[type[Base], Any] = {}
"""Each model's instance factory, once its mapper is configured (`inspect` on every call
cost as much as the rest of `from_values`)."""
