"""The address of the client a request came from, behind a trusted reverse proxy or not."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """``REMOTE_ADDR``, unless it is a proxy named in ``TRUSTED_PROXIES``: then the nearest
    address in the ``CLIENT_IP_HEADER`` (``X-Forwarded-For``) that is not a trusted proxy.
    Whatever a client writes in the header itself comes before that and is ignored; without
    trusted proxies the header is never read (anyone can send it)."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    hop = _address(remote)
    if hop is None or not any(hop in net for net in networks):
        return str(hop) if hop is not None else None
    header = "HTTP_" + settings.CLIENT_IP_HEADER.upper().replace("-", "_")
    for value in reversed(request.META.get(header, "").split(",")):
        address = _address(value)
        if address is None:
            break  # a garbled entry: nothing before it can be trusted
        if not any(address in net for net in networks):
            return str(address)
    return str(hop)
