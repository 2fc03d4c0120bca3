"""The client key used for rate limits: a salted hash of the network, never the address."""

from __future__ import annotations

from django.test import RequestFactory

from surveys.ratelimiting import client_address, client_key
from surveys.views.public import plain_text


def test_ipv6_clients_are_grouped_by_their_64_network():
    rf = RequestFactory()
    a = rf.post("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    b = rf.post("/", REMOTE_ADDR="2001:db8:1:2:bbbb::9")
    assert client_address(a) == client_address(b) == "2001:db8:1:2::"


def test_proxy_header_last_hop_is_the_client_our_proxy_saw(settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    forged = RequestFactory().post("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_address(forged) == "203.0.113.9"
    assert client_address(RequestFactory().post("/", HTTP_X_FORWARDED_FOR="junk")) == "unknown"


def test_key_is_a_salted_hash_without_the_address(settings):
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
    settings.RATELIMIT_SALT = "one"
    first = client_key("g", request)
    settings.RATELIMIT_SALT = "two"
    second = client_key("g", request)
    assert first != second
    assert "198.51.100.7" not in first and len(first) == 64


def test_unit_search_ignores_vietnamese_diacritics():
    assert plain_text("KBNN Hòa Vang - Đà Nẵng") == "kbnn hoa vang - da nang"
