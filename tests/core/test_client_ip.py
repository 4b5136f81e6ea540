"""The client's address behind a reverse proxy: the proxy's header counts only when the
request comes from a proxy the configuration trusts (telcrm.http.client_ip)."""

import pytest
from django.test import RequestFactory

from telcrm.http import client_ip


def ip(remote: str, forwarded: str | None = None, **extra) -> str | None:
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert ip("203.0.113.7") == "203.0.113.7"
    assert ip("203.0.113.7", "198.51.100.1") == "203.0.113.7"  # anyone can send the header


def test_behind_a_trusted_proxy_the_client_comes_from_its_header(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert ip("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    # What the client wrote itself comes first and is ignored; trusted hops are skipped.
    assert ip("127.0.0.1", "198.51.100.1, 203.0.113.7, 10.1.2.3") == "203.0.113.7"
    assert ip("10.9.9.9", "2001:db8::5") == "2001:db8::5"
    # Only the proxy's own connection is trusted, not a client sending the header directly.
    assert ip("203.0.113.99", "198.51.100.1") == "203.0.113.99"
    # No header, or a garbled one: the proxy's address, never a made-up string.
    assert ip("127.0.0.1") == "127.0.0.1"
    assert ip("127.0.0.1", "<script>, unknown") == "127.0.0.1"


@pytest.mark.parametrize("header", ["X-Real-IP", "CF-Connecting-IP"])
def test_the_header_is_configurable(settings, header):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.CLIENT_IP_HEADER = header
    meta = {"HTTP_" + header.upper().replace("-", "_"): "203.0.113.7"}
    assert ip("127.0.0.1", "198.51.100.1", **meta) == "203.0.113.7"
