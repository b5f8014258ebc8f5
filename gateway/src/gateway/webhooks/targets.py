"""Where webhooks may go: never into the platform's own network (server-side request forgery).

An integrator names a URL and the gateway POSTs to it from inside the cluster, next to the
services, their databases and the cloud's metadata endpoint. So a target is refused when its
host is, or resolves to, an address that is not public: loopback, private (RFC 1918, IPv6 unique
local), link-local (169.254.0.0/16 with the metadata endpoint, fe80::/10), shared CGNAT space
(100.64.0.0/10), multicast, unspecified, reserved and documentation ranges, IPv4 hidden in IPv6
(mapped, 6to4, NAT64, Teredo); and when its name is a cluster or local one (`localhost`, a single
label such as `notary`, `*.svc`, `*.cluster.local`, `*.internal`, `*.local`).

It is checked when the subscription is made and again at every delivery, where the name is
resolved and the connection made to the very addresses checked (`CheckedResolver`): a name that
resolved to a public address at subscription and to 10.0.0.5 now (DNS rebinding) is refused.

`allowed` opens networks on purpose: a ministry's endpoint on the closed government network
(a private range), or loopback in development and tests. `blocked` wins over it (the cluster's
own pod and service ranges when a private range is allowed). Production refuses to open
loopback, link-local, unspecified or multicast ranges at all.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from yarl import URL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

CLUSTER_SUFFIXES = (".svc", ".cluster.local", ".internal", ".local", ".localhost", ".localdomain", ".home.arpa")
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
NEVER_OPENED = tuple(
    ipaddress.ip_network(n)
    for n in ("127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10", "0.0.0.0/8", "::/128", "224.0.0.0/4", "ff00::/8")
)
"""What production refuses to allow even on purpose: loopback, link-local (metadata), unspecified, multicast."""


class TargetRefused(Exception):
    """A webhook target the gateway will not call; `reason` is a fixed code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def not_public(ip: IPAddress) -> bool:
    """Whether `ip` is anything but a public unicast address (IPv4 inside IPv6 included)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return not_public(ip.ipv4_mapped)
        if ip.teredo is not None:
            return True  # a tunnel to wherever its embedded addresses say
        if ip.sixtofour is not None:
            return not_public(ip.sixtofour)
        if any(ip in network for network in NAT64):
            return not_public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.is_site_local:
            return True
    return (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_unspecified
        or ip.is_reserved
    )


@dataclass(frozen=True)
class TargetPolicy:
    allowed: tuple[IPNetwork, ...] = ()
    blocked: tuple[IPNetwork, ...] = ()

    @classmethod
    def of(cls, allowed: Iterable[str], blocked: Iterable[str]) -> TargetPolicy:
        return cls(
            tuple(ipaddress.ip_network(n, strict=False) for n in allowed),
            tuple(ipaddress.ip_network(n, strict=False) for n in blocked),
        )

    def permits(self, ip: IPAddress) -> bool:
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if any(ip in network for network in self.blocked):
            return False
        if any(ip in network for network in self.allowed):
            return True
        return not not_public(ip)

    def check_host(self, host: str) -> IPAddress | None:
        """The host's address if it is an IP literal (checked); None for a name that may be
        resolved (its name checked). Raises `TargetRefused`."""
        bare = host.strip("[]").rstrip(".").lower()
        try:
            ip = ipaddress.ip_address(bare)
        except ValueError:
            ip = None
        if ip is not None:
            if not self.permits(ip):
                raise TargetRefused("address_not_allowed")
            return ip
        if bare.replace(".", "").isdigit() or bare.startswith("0x"):
            raise TargetRefused("address_not_allowed")  # 2130706433, 127.1, 0x7f.1: legacy IPv4 forms
        if bare == "localhost" or "." not in bare or bare.endswith(CLUSTER_SUFFIXES):
            raise TargetRefused("host_not_allowed")
        return None

    def check_url(self, url: str) -> tuple[str, int]:
        """(host, port) of a URL this policy lets the gateway call (without resolving)."""
        parsed = URL(url)
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise TargetRefused("host_not_allowed")
        self.check_host(parsed.host)
        return parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80)

    def check_addresses(self, addresses: Sequence[str]) -> None:
        """Every address a name resolves to must be allowed (one bad one refuses the name)."""
        if not addresses:
            raise TargetRefused("host_unresolvable")
        for address in addresses:
            if not self.permits(ipaddress.ip_address(address.split("%", 1)[0])):
                raise TargetRefused("address_not_allowed")


async def resolve_checked(policy: TargetPolicy, url: str, resolver: AbstractResolver | None = None) -> None:
    """Check `url` as a delivery would: its name, then every address it resolves to now."""
    host, port = policy.check_url(url)
    if _is_ip(host):
        return
    resolver = resolver or ThreadedResolver()
    try:
        found = await resolver.resolve(host, port, socket.AF_UNSPEC)
    except OSError as exc:
        raise TargetRefused("host_unresolvable") from exc
    policy.check_addresses([entry["host"] for entry in found])


class CheckedResolver(AbstractResolver):
    """aiohttp's resolver for deliveries: resolves, then refuses if any address is not allowed.
    aiohttp connects to exactly the addresses returned here, so the checked address is the one
    connected to. (IP literals never reach a resolver: `TargetPolicy.check_url` covers them.)"""

    def __init__(self, policy: TargetPolicy, inner: AbstractResolver | None = None) -> None:
        self.policy = policy
        self._inner = inner or ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.policy.check_host(host)
        found = await self._inner.resolve(host, port, family)
        self.policy.check_addresses([entry["host"] for entry in found])
        return found

    async def close(self) -> None:
        await self._inner.close()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def refuse_in_production(allowed: Iterable[str]) -> list[str]:
    """The allowed networks production must not open (loopback, link-local, unspecified, multicast)."""
    bad: list[str] = []
    for text in allowed:
        network: Any = ipaddress.ip_network(text, strict=False)
        if any(network.version == never.version and network.overlaps(never) for never in NEVER_OPENED):
            bad.append(text)
    return bad
