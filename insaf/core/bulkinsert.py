"""Insert many rows of a model with one ``executemany``, for the bulk import.

``bulk_create`` spends most of its time compiling each value through every field's methods
(about 75 µs a row here); the import inserts tens of thousands of rows whose values are already
the right Python types. ``insert_rows`` keeps the one thing that differs between databases, the
adaptation of dates, datetimes and JSON (Django's own ``connection.ops.adapt_*``), and sends the
rows as they are. It sets no primary keys: callers look them up by a unique column.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "JSONField":
        encoder = getattr(field, "encoder", None)
        return lambda value: ops.adapt_json_value(value, encoder)
    return _plain


def insert_rows(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """INSERT every object's concrete fields except an auto primary key (defaults must already
    be on the objects, as model instances have them)."""
    if not objects:
        return
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (
            f.primary_key
            and f.get_internal_type() in {"AutoField", "BigAutoField", "SmallAutoField"}
        )
    ]
    adapters = [(field.attname, _adapter(field)) for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    rows = [[adapt(getattr(obj, name)) for name, adapt in adapters] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
