"""Insert rows of a model with statements compiled once per model, and send several statements to
PostgreSQL without waiting for each answer.

``bulk_create`` and ``save`` spend most of their time compiling each value through every field's
methods (about 75 µs a row here), and ``save`` compiles the whole statement again for every row;
the import inserts tens of thousands of rows, and every filing a handful, whose values are already
the right Python types. ``insert_rows`` and ``insert_one`` keep the one thing that differs between
databases, the adaptation of dates, datetimes and JSON (Django's own ``connection.ops.adapt_*``),
and send the rows as they are. No signals are sent and no ``pre_save`` runs (these models have
neither receivers nor ``auto_now`` fields): defaults must already be on the objects, as model
instances have them.

``pipelined`` batches round trips: every statement costs a round trip to the database server, and
on a busy node the waiting and waking on both sides costs more CPU than the statement itself.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from django.db import connection, models
from django.db.backends.base.operations import BaseDatabaseOperations


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _adapter(field: models.Field[Any, Any], ops: BaseDatabaseOperations) -> Callable[[Any], Any]:
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "JSONField":
        encoder = getattr(field, "encoder", None)
        return lambda value: ops.adapt_json_value(value, encoder)
    return _plain


_AUTO_FIELDS = frozenset({"AutoField", "BigAutoField", "SmallAutoField"})
Adapters = tuple[tuple[str, Callable[[Any], Any]], ...]


@lru_cache(maxsize=128)
def _statement(
    model: type[models.Model], ops: BaseDatabaseOperations, *, with_pk: bool, returning: bool
) -> tuple[str, Adapters]:
    """The INSERT of one row of ``model`` (its concrete fields; the auto primary key only when
    ``with_pk``, else left to the database and, with ``returning``, given back), and how to
    adapt each value. Compiled once per model and connection (``ops`` belongs to one)."""
    pk = model._meta.pk
    fields = [
        f
        for f in model._meta.concrete_fields
        if with_pk or not (f.primary_key and f.get_internal_type() in _AUTO_FIELDS)
    ]
    quote = ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    if returning and pk is not None:
        sql += f" RETURNING {quote(pk.column)}"
    return sql, tuple((field.attname, _adapter(field, ops)) for field in fields)


def _row(obj: models.Model, adapters: Adapters) -> list[Any]:
    return [adapt(getattr(obj, name)) for name, adapt in adapters]


def insert_rows(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """INSERT every object's concrete fields except an auto primary key (defaults must already
    be on the objects, as model instances have them). It sets no primary keys: callers look them
    up by a unique column."""
    if not objects:
        return
    sql, adapters = _statement(model, connection.ops, with_pk=False, returning=False)
    rows = [_row(obj, adapters) for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def insert_one(obj: models.Model) -> None:
    """INSERT one object, as ``obj.save(force_insert=True)`` would, with its primary key: the one
    it has, or the one the database gives (read back with RETURNING, or as the last row id where
    the database cannot return it)."""
    model = type(obj)
    with_pk = obj.pk is not None
    returning = not with_pk and connection.features.can_return_columns_from_insert
    sql, adapters = _statement(model, connection.ops, with_pk=with_pk, returning=returning)
    with connection.cursor() as cursor:
        cursor.execute(sql, _row(obj, adapters))
        if returning:
            obj.pk = cursor.fetchone()[0]
        elif not with_pk:
            obj.pk = cursor.lastrowid
    obj._state.adding = False
    obj._state.db = connection.alias


def next_pk_sql(model: type[models.Model]) -> str | None:
    """PostgreSQL: an SQL expression taking the next value of ``model``'s auto primary key, to
    select together with another value the caller needs first; the INSERT then carries the key
    and need not wait for a RETURNING (see ``pipelined``). None on other databases."""
    pk = model._meta.pk
    if connection.vendor != "postgresql" or pk is None:
        return None
    table, column = model._meta.db_table, pk.column
    return f"nextval(pg_get_serial_sequence('{table}', '{column}'))"


@contextmanager
def pipelined() -> Iterator[None]:
    """On PostgreSQL, send the statements of the block without waiting for each answer (psycopg's
    pipeline mode): they travel together, and wait together, when a result is read (a SELECT, a
    RETURNING) and when the block ends. Elsewhere it changes nothing.

    Use it inside ``transaction.atomic()``, around statements that do not depend on catching a
    database error of their own: an error (a constraint refused) is raised at the next read or at
    the end of the block rather than by the statement itself, and the transaction rolls back as
    usual. Django's health check of the connection has run when the transaction began.
    """
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    # Errors raised while the queued statements are sent or read are psycopg's: give them as
    # Django's (IntegrityError, OperationalError ...), like every other database call.
    with connection.wrap_database_errors, connection.connection.pipeline():
        yield
