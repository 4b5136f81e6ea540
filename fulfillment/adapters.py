"""Domain adapters (R20): what an API task calls to get its work done in a domain's systems
(the access carrier, IP address management, the number plan, ...). One interface; today one
implementation, a simulation that answers like those systems would: after a latency, now
and then with an error, otherwise with believable values for every output the task needs.

The simulation is deterministic: the same seed, task and attempt give the same answer, so a
demo or a test can be replayed."""

from __future__ import annotations

import ipaddress
import random
import time
import unicodedata
from typing import TYPE_CHECKING, Protocol

from django.conf import settings

if TYPE_CHECKING:
    from .models import Task

# Used where settings name neither the domain nor a default.
DEFAULT_CONFIG = {"latency_ms": 300, "failure_rate": 0.1, "concurrency": 4}


class AdapterError(Exception):
    """The domain's system refused or did not answer; ``category`` is a fall-out category."""

    def __init__(self, message: str, category: str = "provisioning") -> None:
        super().__init__(message)
        self.message = message
        self.category = category


class DomainAdapter(Protocol):
    name: str

    def execute(self, task: Task, attempt: int) -> dict[str, str]:
        """Do the task's work; return a value for each of ``task.required_outputs`` or raise
        AdapterError. ``task.number`` is the idempotency key a real system is given."""
        ...


# What each domain's system says when it fails: (fall-out category, message).
FAILURES: dict[str, list[tuple[str, str]]] = {
    "access": [
        ("provisioning", "Carrier rejected the circuit order: no free port on the access node."),
        ("timeout", "Carrier ordering gateway did not answer within 30 s."),
    ],
    "ip_core": [
        ("inventory", "IP address management: no free /29 left in the regional pool."),
        ("timeout", "IP address management did not answer within 30 s."),
    ],
    "voice": [
        ("inventory", "Number plan: the requested number range is not available."),
        ("provisioning", "Softswitch refused the trunk profile."),
    ],
    "default": [
        ("provisioning", "The domain's provisioning system refused the request."),
        ("timeout", "The domain's provisioning system did not answer within 30 s."),
    ],
}

# A circuit id names the city of its site, as carriers' ids do: the usual code where there
# is one, else the city's first three letters.
CITY_CODES = {
    "hamburg": "HAM",
    "hannover": "HAN",
    "hanover": "HAN",
    "berlin": "BER",
    "kiel": "KEL",
    "bremen": "BRE",
    "frankfurt": "FRA",
    "frankfurt am main": "FRA",
    "munchen": "MUC",
    "munich": "MUC",
    "koln": "CGN",
    "cologne": "CGN",
    "dusseldorf": "DUS",
    "leipzig": "LEJ",
    "wien": "VIE",
    "vienna": "VIE",
    "london": "LON",
    "paris": "PAR",
}
# Documentation ranges (RFC 5737): never routed, safe to show in a demo.
DOC_NETWORKS = ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
AREA_CODES = ("40", "30", "511", "431", "421", "69", "89")
SERIAL_PREFIXES = {"ntu_serial": "NTU", "cpe_serial": "FGL", "edge_serial": "VED"}


def _ip_block(rng: random.Random) -> str:
    network = ipaddress.ip_network(rng.choice(DOC_NETWORKS))
    return str(rng.choice(list(network.subnets(new_prefix=29))))


def _number_block(rng: random.Random) -> str:
    stem = rng.randint(30000, 89999)
    return f"+49 {rng.choice(AREA_CODES)} {stem}00-{stem}99"


def city_code(city: str) -> str:
    """``Hamburg`` -> ``HAM``, ``München`` -> ``MUC``, ``Graz`` -> ``GRA``; ``XXX`` if none."""
    folded = unicodedata.normalize("NFKD", city or "").encode("ascii", "ignore").decode()
    folded = " ".join(folded.lower().replace("-", " ").split())
    if folded in CITY_CODES:
        return CITY_CODES[folded]
    letters = "".join(c for c in folded if c.isalpha())
    return (letters[:3].upper() or "XXX").ljust(3, "X")


def _site_city(task: Task) -> str:
    """The city of the task's site (its domain order's location), if it has one."""
    try:
        return task.sub_flow.domain_order.location.city
    except AttributeError:
        return ""


def _value(name: str, rng: random.Random, city: str = "") -> str:
    """A believable value for one output, by its name (``city``: where the site is)."""
    makers = {
        "circuit_id": lambda: f"ACC-{city_code(city)}-{rng.randint(1, 999999):06d}",
        "ip_block": lambda: _ip_block(rng),
        "vlan": lambda: str(rng.randint(100, 3999)),
        "number_block": lambda: _number_block(rng),
        "trunk_id": lambda: f"SIP-{rng.randint(10000, 99999)}",
        "vrf": lambda: f"VRF-CUST{rng.randint(1000, 9999)}",
        "evc_id": lambda: f"EVC-{rng.randint(1, 9999999):07d}",
        "tenant_id": lambda: f"tnt-{rng.getrandbits(32):08x}",
        "firewall_id": lambda: f"FW-{rng.randint(10000, 99999)}",
        "controller_id": lambda: f"WLC-{rng.randint(1000, 9999)}",
        "partner_reference": lambda: f"PRT-{rng.randint(100000, 999999)}",
    }
    if name in makers:
        return makers[name]()
    if name.endswith("_serial"):
        return f"{SERIAL_PREFIXES.get(name, 'SN')}{rng.randint(10**9, 10**10 - 1)}"
    return f"{name.upper().replace('_', '-')[:12]}-{rng.randint(100000, 999999)}"


class SimulatedAdapter:
    """A domain's system, simulated: sleeps ``latency_ms``, fails ``failure_rate`` of the
    calls (with one of the domain's usual errors), otherwise returns the task's outputs."""

    def __init__(
        self,
        domain: str,
        latency_ms: int = 0,
        failure_rate: float = 0.0,
        seed: str | int = "telcrm",
    ) -> None:
        self.domain = domain
        self.name = f"simulated-{domain}"
        self.latency_ms = latency_ms
        self.failure_rate = failure_rate
        self.seed = seed

    def __repr__(self) -> str:
        return (
            f"SimulatedAdapter({self.domain!r}, latency_ms={self.latency_ms}, "
            f"failure_rate={self.failure_rate}, seed={self.seed!r})"
        )

    def execute(self, task: Task, attempt: int) -> dict[str, str]:
        rng = random.Random(f"{self.seed}:{task.number}:{attempt}")
        if self.latency_ms > 0:
            time.sleep(self.latency_ms / 1000)
        if rng.random() < self.failure_rate:
            category, message = rng.choice(FAILURES.get(self.domain, FAILURES["default"]))
            raise AdapterError(message, category)
        city = _site_city(task)
        return {name: _value(name, rng, city) for name in task.required_outputs}


def adapter_config(domain: str) -> dict:
    """The domain's settings over the default ones (``FULFILLMENT_ADAPTERS``)."""
    configured = getattr(settings, "FULFILLMENT_ADAPTERS", {})
    return {**DEFAULT_CONFIG, **configured.get("default", {}), **configured.get(domain, {})}


def adapter_for(domain: str) -> DomainAdapter:
    config = adapter_config(domain)
    return SimulatedAdapter(
        domain,
        latency_ms=int(config["latency_ms"]),
        failure_rate=float(config["failure_rate"]),
        seed=getattr(settings, "FULFILLMENT_ADAPTER_SEED", "telcrm"),
    )
