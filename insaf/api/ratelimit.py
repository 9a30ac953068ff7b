"""Rate limits on the public endpoints, per client address, in fixed windows counted in Redis
(Django's cache) with REDIS_URL, else in the database (``RateCount``): either way shared by every
process and server, so that running more workers does not multiply a client's allowance.

Two buckets, each read from settings on every request so that tests can change them:

- ``INSAF_RATE_FILE`` (default ``30/hour``): filing attempts (POST /complaints);
- ``INSAF_RATE_TRACK`` (default ``20/hour``): every attempt on /track* (guesses of a receipt code
  count whether they succeed or not).

A rate is ``N/second``, ``N/minute``, ``N/hour`` or ``N/day``, or ``off``. Over the limit the API
answers 429 with ``Retry-After`` (seconds until the window ends).

The client address is REMOTE_ADDR, or with ``INSAF_PROXY_COUNT`` = n > 0 (n reverse proxies in
front of Insaf, each appending to X-Forwarded-For) the n-th address from the right of
X-Forwarded-For. IPv6 clients are counted per /64, the block one subscriber usually holds. Cache
keys carry a keyed hash of the address, not the address.
"""

from __future__ import annotations

import ipaddress
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponseBase
from django.utils.crypto import salted_hmac

from insaf.api.errors import RateLimited, api_error_response

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
RATE_PATTERN = re.compile(r"(?P<count>[0-9]+)/(?P<period>second|minute|hour|day)")
OFF = "off"

# Bucket name → (setting, default).
BUCKETS = {
    "file": ("INSAF_RATE_FILE", "30/hour"),
    "track": ("INSAF_RATE_TRACK", "20/hour"),
}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(value: str) -> Rate | None:
    """``"30/hour"`` → Rate(30, 3600); ``"off"`` → None; ValueError for anything else."""
    value = value.strip().lower()
    if value == OFF:
        return None
    match = RATE_PATTERN.fullmatch(value)
    if match is None or int(match["count"]) < 1:
        raise ValueError(
            f"{value!r} is not a rate: use N/second, N/minute, N/hour or N/day (N ≥ 1), or off."
        )
    return Rate(int(match["count"]), PERIODS[match["period"]])


def rate_for(bucket: str) -> Rate | None:
    setting, default = BUCKETS[bucket]
    return parse_rate(str(getattr(settings, setting, default)))


def client_address(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies = int(getattr(settings, "INSAF_PROXY_COUNT", 0))
    address = remote
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
            if part.strip()
        ]
        if forwarded:
            address = forwarded[-min(proxies, len(forwarded))]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


def _increment(key: str, timeout: int, now: float) -> int:
    """The window's count of attempts, this one included."""
    if not settings.REDIS_URL:
        return _increment_in_database(key, now, timeout)
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:
        # The window's counter expired between add() and incr(): this is its first hit.
        cache.add(key, 1, timeout=timeout)
        return 1


def _increment_in_database(key: str, now: float, timeout: int) -> int:
    """One statement, atomic on SQLite and PostgreSQL alike: concurrent attempts from several
    processes each get their own count. The first attempt of a window also deletes the windows
    that have ended."""
    q = connection.ops.quote_name
    table, column, count, expires = q("core_ratecount"), q("key"), q("count"), q("expires")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({column}, {count}, {expires}) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT ({column}) DO UPDATE SET {count} = {table}.{count} + 1 "
            f"RETURNING {count}",
            [key, int(now) + timeout],
        )
        found = int(cursor.fetchone()[0])
        if found == 1:
            cursor.execute(f"DELETE FROM {table} WHERE {expires} < %s", [int(now)])  # noqa: S608
    return found


def hit(bucket: str, request: HttpRequest, *, now: float | None = None) -> None:
    """Count one attempt; RateLimited (with Retry-After) when over the bucket's limit."""
    rate = rate_for(bucket)
    if rate is None:
        return
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    client = salted_hmac("insaf.api.ratelimit", client_address(request)).hexdigest()[:32]
    key = f"insaf:api:rate:{bucket}:{rate.count}/{rate.seconds}:{window}:{client}"
    if _increment(key, rate.seconds + 1, now) > rate.count:
        retry_after = max(1, math.ceil((window + 1) * rate.seconds - now))
        raise RateLimited(headers={"Retry-After": str(retry_after)})


def limited(bucket: str) -> Callable[[Callable[..., HttpResponseBase]], Any]:
    """For ``ninja.decorators.decorate_view``: count the attempt before anything else (before the
    body is even parsed, so malformed attempts count too)."""

    def decorator(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(run)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                hit(bucket, request)
            except RateLimited as error:
                return api_error_response(error)
            return run(request, *args, **kwargs)

        return wrapper

    return decorator
