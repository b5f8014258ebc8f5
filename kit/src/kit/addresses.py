"""Who is asking: the client's address, behind the proxies a service believes.

The gateway and web count their limits per address, and identity counts codes per address; behind
an ingress, or behind web, the socket's peer is the proxy, and every citizen would share its one
bucket (one busy citizen would lock the others out). A proxy says whom it forwards for in
X-Forwarded-For, which anybody can also write: only the proxies a service is told about are believed.

- `hops`: proxies always in front (an ingress, a load balancer): that many entries are taken from
  the right of the chain, whoever the peer is.
- `trusted`: addresses or networks of proxies believed when they are the peer (a frontend such as
  web that calls the gateway for the citizens it serves, or more proxies after the ingress).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Forwarding:
    """The proxies a service believes; `client(scope)` is the address it keys limits on."""

    __slots__ = ("_exact", "_networks", "hops")

    def __init__(self, hops: int = 0, trusted: Iterable[str | Network] = ()) -> None:
        if hops < 0:
            raise ValueError("hops is 0 or more")
        self.hops = hops
        networks = [ipaddress.ip_network(str(t), strict=False) for t in trusted]
        self._exact = frozenset(str(n.network_address) for n in networks if n.num_addresses == 1)
        self._networks = tuple(n for n in networks if n.num_addresses > 1)

    @property
    def believes_anyone(self) -> bool:
        return self.hops > 0 or bool(self._exact or self._networks)

    def trusts(self, address: str) -> bool:
        if address in self._exact:
            return True
        if not self._networks:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self._networks)

    def client(self, scope: Any) -> str:
        """The address the request comes from: the peer, or, when the peer is a proxy believed
        (by `hops` or `trusted`), the entry before it in X-Forwarded-For, and so on leftwards."""
        peer = scope.get("client")
        direct = str(peer[0]) if peer else "unknown"
        if not self.believes_anyone:
            return direct
        chain: list[str] = []
        for name, value in scope["headers"]:
            if name == b"x-forwarded-for":
                chain.extend(part.strip() for part in value.decode("latin-1").split(",") if part.strip())
        if not chain:
            return direct
        chain.append(direct)
        at = len(chain) - 1
        stepped = 0
        while at > 0 and (stepped < self.hops or self.trusts(chain[at])):
            at -= 1
            stepped += 1
        return chain[at][:64]
