"""``{% when value tz %}``: a moment in the country's time zone and the user's calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from insaf.core.dates import when as _when

register = template.Library()


@register.simple_tag(takes_context=True)
def when(context: dict[str, Any], value: dt.datetime | None, tz: str, time: bool = True) -> str:
    user = context.get("user")
    calendar = str(getattr(user, "calendar", "") or "")
    return _when(value, tz, calendar, time=time)
