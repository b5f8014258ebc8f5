from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway.routing import RouteTable, has_dot_segments
from gateway.settings import Settings, routes_from_platform

PLATFORM = Path(__file__).resolve().parents[2] / "platform.toml"


class TestRouteTable:
    table = RouteTable({"/v1/services": "catalog", "/v1/services/special/": "notary", "/": "fallback"})

    @pytest.mark.parametrize(
        ("path", "service", "prefix"),
        [
            ("/v1/services", "catalog", "/v1/services"),
            ("/v1/services/", "catalog", "/v1/services"),
            ("/v1/services/42", "catalog", "/v1/services"),
            ("/v1/services/special", "notary", "/v1/services/special"),
            ("/v1/services/special/x/y", "notary", "/v1/services/special"),
            ("/v1/services/specialx", "catalog", "/v1/services"),
            ("/v1/services-archive", "fallback", "/"),
            ("/", "fallback", "/"),
        ],
    )
    def test_longest_prefix_at_segment_boundary(self, path: str, service: str, prefix: str) -> None:
        match = self.table.match(path)
        assert match is not None
        assert (match.service, match.path) == (service, prefix)

    def test_no_match(self) -> None:
        table = RouteTable({"/v1/services": "catalog"})
        assert table.match("/v1/servicesx") is None
        assert table.match("/v1") is None
        assert table.match("*") is None

    def test_dot_segments(self) -> None:
        assert has_dot_segments("/v1/services/../admin")
        assert has_dot_segments("/v1/services/.")
        assert not has_dot_segments("/v1/services/a.b/.well")


class TestSettings:
    def test_routes_from_platform(self) -> None:
        upstreams, routes = routes_from_platform(PLATFORM)
        assert upstreams["catalog"] == "http://127.0.0.1:8002"
        assert routes["/v1/services"] == "catalog"
        assert routes["/v1/documents"] == "notary"
        assert set(routes.values()) <= set(upstreams)

    def test_env_json(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("GATEWAY_UPSTREAMS", json.dumps({"catalog": "http://10.0.0.2:80"}))
        monkeypatch.setenv("GATEWAY_ROUTES", json.dumps({"/v1/services": "catalog"}))
        settings = Settings()
        assert settings.upstreams == {"catalog": "http://10.0.0.2:80"}
        assert settings.routes == {"/v1/services": "catalog"}

    def test_route_to_unknown_service_is_refused(self) -> None:
        with pytest.raises(ValueError, match="without an upstream"):
            Settings(upstreams={}, routes={"/v1/x": "nobody"})
