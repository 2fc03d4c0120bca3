"""Rate limiting of survey submissions by a salted hash of the client address.

The raw address never leaves this module: the limiter only ever sees the hash, and nothing is
written to the database. Counting uses the `limits` library's fixed window, kept in Redis in
production (one round trip per submission: an atomic increment-and-expire script) and in
process memory by default (RATELIMIT_STORAGE_URI). If the store fails, each process counts in
its own memory meanwhile: the limit keeps working while Redis is down, and customers can still
answer (DESIGN.md), never waiting on Redis for more than one timeout per FALLBACK_SECONDS.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import logging
import re
import time

from django.conf import settings
from django.http import HttpRequest
from limits import (
    RateLimitItem,
    RateLimitItemPerDay,
    RateLimitItemPerHour,
    RateLimitItemPerMinute,
    RateLimitItemPerSecond,
    parse,
    storage,
    strategies,
)

logger = logging.getLogger(__name__)

SUBMIT_GROUP = "surveys.submit"
DEFAULT_SUBMIT_RATE = "30/h"
# A Redis that hangs must not hold a customer's answers for long: the limit then fails open.
REDIS_TIMEOUTS = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}


def client_address(request: HttpRequest) -> str:
    """The client's network: the address, with IPv6 reduced to its /64 (one household)."""
    header = getattr(settings, "CLIENT_IP_HEADER", "") or "REMOTE_ADDR"
    raw = request.META.get(header, "") or request.META.get("REMOTE_ADDR", "")
    # X-Forwarded-For lists hops; only the last one was written by our own proxy (the ones
    # before it come from the client and could be forged to dodge the limit).
    raw = raw.split(",")[-1].strip()
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def client_key(group: str, request: HttpRequest) -> str:
    salt = getattr(settings, "RATELIMIT_SALT", "") or settings.SECRET_KEY
    return hashlib.sha256(f"{salt}:{client_address(request)}".encode()).hexdigest()


_SHORT_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_PERIODS = {
    "s": RateLimitItemPerSecond,
    "m": RateLimitItemPerMinute,
    "h": RateLimitItemPerHour,
    "d": RateLimitItemPerDay,
}


@functools.cache
def parse_rate(text: str) -> RateLimitItem:
    """ "30/h", "20/m", "10/5m" (the settings' short form), or any form `limits` reads."""
    short = _SHORT_RATE.match(text)
    if short is None:
        return parse(text)
    amount, multiples, unit = short.groups()
    return _PERIODS[unit](int(amount), int(multiples or 1))


@functools.cache
def _limiter(uri: str) -> strategies.FixedWindowRateLimiter:
    """One per process and store; the Redis client connects lazily, after gunicorn's fork."""
    options = REDIS_TIMEOUTS if uri.startswith(("redis:", "rediss:")) else {}
    return strategies.FixedWindowRateLimiter(storage.storage_from_string(uri, **options))


def _storage_uri() -> str:
    return getattr(settings, "RATELIMIT_STORAGE_URI", "") or "memory://"


FALLBACK_URI = "memory://"
# After the store fails, this process counts in its own memory for a while instead of paying
# the connection timeout on every request (the limit then holds per process, not per site).
FALLBACK_SECONDS = 10.0
_store_down_until = 0.0


def _hit(item: RateLimitItem, group: str, key: str) -> bool:
    """True when the hit is allowed. The shared store when it answers, else process memory:
    the limit keeps working while Redis is down, and never blocks for want of it."""
    global _store_down_until
    uri = _storage_uri()
    if uri != FALLBACK_URI and time.monotonic() >= _store_down_until:
        try:
            return _limiter(uri).hit(item, group, key)
        except Exception:
            logger.warning("rate-limit store unavailable; counting in memory", exc_info=True)
            _store_down_until = time.monotonic() + FALLBACK_SECONDS
    try:
        return _limiter(FALLBACK_URI).hit(item, group, key)
    except Exception:
        return True


def rate_exceeded(request: HttpRequest, *, group: str, rate: str) -> bool:
    """Count this request against the client's allowance in `group`; True once it is used up."""
    return not _hit(parse_rate(rate), group, client_key(group, request))


def value_rate_exceeded(*, group: str, value: str, rate: str) -> bool:
    """Like rate_exceeded, counted per value (an e-mail address typed) instead of per client;
    the value is kept only as a salted hash."""
    salt = getattr(settings, "RATELIMIT_SALT", "") or settings.SECRET_KEY
    key = hashlib.sha256(f"{salt}:{group}:{value}".encode()).hexdigest()
    return not _hit(parse_rate(rate), group, key)


def submit_rate_exceeded(request: HttpRequest) -> bool:
    return rate_exceeded(
        request,
        group=SUBMIT_GROUP,
        rate=getattr(settings, "SURVEY_SUBMIT_RATE", DEFAULT_SUBMIT_RATE),
    )


def rate_limits_reset() -> None:
    """Forget every count (tests; or the survey team after a false alarm)."""
    global _store_down_until
    _store_down_until = 0.0
    _limiter(FALLBACK_URI).storage.reset()
    if _storage_uri() != FALLBACK_URI:
        _limiter(_storage_uri()).storage.reset()
