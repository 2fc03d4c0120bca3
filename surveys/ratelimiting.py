"""Rate limiting of survey submissions by a salted hash of the client address.

The raw address never leaves this module: django-ratelimit only ever sees the hash, and nothing
is written to the database. The counters live in the default cache (local memory by default,
Redis in production); if that cache fails the limit fails open, because DESIGN.md promises that
customers can answer while Redis is down.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

SUBMIT_GROUP = "surveys.submit"
DEFAULT_SUBMIT_RATE = "30/h"


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


def submit_rate_exceeded(request: HttpRequest) -> bool:
    """Count this submission against the client's allowance; True once it is used up."""
    rate = getattr(settings, "SURVEY_SUBMIT_RATE", DEFAULT_SUBMIT_RATE)
    try:
        usage = get_usage(
            request, group=SUBMIT_GROUP, key=client_key, rate=rate, method="POST", increment=True
        )
    except Exception:  # noqa: BLE001 - any cache failure: let the customer answer
        logger.warning("rate-limit cache unavailable; submission allowed", exc_info=True)
        return False
    if usage is None:
        return False
    if usage["limit"] == 0:  # django-ratelimit's way of saying the cache did not answer
        return False
    return usage["should_limit"]
