"""Which webhook targets the gateway calls: public addresses only, checked again at each
connection against what the name resolves to then (DNS rebinding)."""

from __future__ import annotations

import ipaddress
import socket

import aiohttp
import pytest
from aiohttp.abc import AbstractResolver, ResolveResult
from gateway_support import serving
from pydantic import ValidationError
from webhook_support import Receiver

from gateway.settings import Settings
from gateway.webhooks.targets import CheckedResolver, TargetPolicy, TargetRefused, not_public

PUBLIC = ["8.8.8.8", "93.184.215.14", "2606:4700:4700::1111", "64:ff9b::808:808"]
NOT_PUBLIC = [
    "127.0.0.1", "127.255.255.254", "10.0.0.1", "172.16.5.4", "192.168.0.1", "100.64.0.1", "169.254.169.254",
    "0.0.0.0", "255.255.255.255", "224.0.0.251", "240.0.0.1", "192.0.2.10", "198.18.0.1",
    "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "2001:db8::1", "::ffff:10.0.0.1",
    "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:a00:1::1", "2001:0:4136:e378::1", "fec0::1",
]  # fmt: skip


class TestAddresses:
    @pytest.mark.parametrize("address", PUBLIC)
    def test_public_addresses_are_allowed(self, address: str) -> None:
        assert TargetPolicy().permits(ipaddress.ip_address(address))

    @pytest.mark.parametrize("address", NOT_PUBLIC)
    def test_everything_else_is_refused(self, address: str) -> None:
        assert not_public(ipaddress.ip_address(address))
        assert not TargetPolicy().permits(ipaddress.ip_address(address))

    def test_an_allowed_network_opens_and_a_blocked_one_closes_again(self) -> None:
        policy = TargetPolicy.of(["10.20.0.0/16"], ["10.20.96.0/20"])  # a ministry's range, the cluster inside it
        assert policy.permits(ipaddress.ip_address("10.20.1.5"))
        assert not policy.permits(ipaddress.ip_address("10.20.100.1"))
        assert not policy.permits(ipaddress.ip_address("10.21.0.1"))
        assert not policy.permits(ipaddress.ip_address("169.254.169.254"))

    @pytest.mark.parametrize(
        "host", ["localhost", "notary", "db.shubbak.svc", "x.cluster.local", "a.internal", "0x7f.1"]
    )
    def test_local_and_cluster_names_are_refused_before_resolving(self, host: str) -> None:
        with pytest.raises(TargetRefused):
            TargetPolicy().check_host(host)

    def test_production_will_not_open_loopback_or_the_metadata_range(self) -> None:
        for network in ("127.0.0.0/8", "169.254.169.254/32", "::1/128", "0.0.0.0/0"):
            with pytest.raises(ValidationError, match="may not open"):
                Settings(
                    environment="production",
                    webhook_allowed_networks=[network],
                    secrets_key="x" * 32,
                    internal_token="y" * 32,
                    event_signing_keys=[{"kid": "gateway-1", "seed": "A" * 43}],
                )
        assert Settings(environment="test", webhook_allowed_networks=["127.0.0.0/8"]).webhook_allowed_networks


class FakeDNS(AbstractResolver):
    """The integrator's DNS (outside the state): answers what `records` says at the moment."""

    def __init__(self) -> None:
        self.records: dict[str, list[str]] = {}

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host not in self.records:
            raise OSError(f"no such host {host}")
        return [
            {"hostname": host, "host": ip, "port": port, "family": socket.AF_INET, "proto": 0, "flags": 0}
            for ip in self.records[host]
        ]

    async def close(self) -> None:
        pass


class TestRebinding:
    async def test_each_connection_goes_to_the_addresses_checked_then(self) -> None:
        receiver = Receiver()
        dns = FakeDNS()
        resolver = CheckedResolver(TargetPolicy.of(["127.0.0.0/8"], []), inner=dns)  # not the machine's DNS
        async with serving(receiver.app()) as receiver_url:
            port = int(receiver_url.rsplit(":", 1)[1])
            url = f"http://hooks.bank.example:{port}/hook"
            connector = aiohttp.TCPConnector(resolver=resolver, use_dns_cache=False, force_close=True)
            async with aiohttp.ClientSession(connector=connector) as http:
                dns.records["hooks.bank.example"] = ["127.0.0.1"]  # allowed here (loopback opened)
                async with http.post(url, data=b"{}") as response:
                    assert response.status == 204
                assert len(receiver.received) == 1  # it went to the address the name resolved to
                for rebound in (["10.0.0.7"], ["93.184.215.14", "169.254.169.254"]):
                    dns.records["hooks.bank.example"] = rebound
                    with pytest.raises(TargetRefused) as refused:
                        await http.post(url, data=b"{}")
                    assert refused.value.reason == "address_not_allowed"
        assert len(receiver.received) == 1
