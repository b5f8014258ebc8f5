"""`contracts.boundary` declares which platform service consumes which event types (what the
evidence archive keeps depends on it): the declaration must match every service's handlers."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import pytest

from contracts.boundary import CONSUMED_BY, boundary_types, consumers_of, crosses_boundary

PLATFORM = tomllib.loads((Path(__file__).parents[1] / "platform.toml").read_text(encoding="utf-8"))
SERVICES = {key: entry for key, entry in PLATFORM["services"].items() if key != "evidence"}


@pytest.mark.parametrize("key", sorted(SERVICES))
def test_each_services_handlers_are_declared(key: str) -> None:
    manifest = importlib.import_module(f"{SERVICES[key]['package']}.manifest").manifest
    handled = sorted(manifest.handlers.by_subject) if manifest.handlers else []
    name = SERVICES[key]["folder"]
    assert name in CONSUMED_BY, f"{name} is not in contracts.boundary.CONSUMED_BY"
    declared = [subject for subject in boundary_types() if name in consumers_of(subject)]
    assert declared == handled, f"{name}: contracts.boundary.CONSUMED_BY differs from its handlers"


def test_the_archive_keeps_what_another_authority_receives() -> None:
    assert crosses_boundary("traffic.vehicle.registered.v1", "traffic-department")  # an integrator's fact
    assert crosses_boundary("payment.order.applied.v1", "notary-svc")  # consumed by payment-svc
    assert crosses_boundary("notary.certificate.issued.v1", "notary-svc")  # shared by webhook
    assert not crosses_boundary("identity.citizen.enrolled.v1", "identity-svc")  # nobody else gets it
    assert "identity.citizen.enrolled.v1" not in boundary_types()
