"""Which events the platform shares with integrators (ministries, banks) at all.

Deny by default: a new event type is internal until it is listed here. Shared are facts of
record another authority acts on: published tariffs and roll-out, civil-registry facts, vehicle
registrations, a power of attorney once issued (issued, revoked, cancelled), certificates, and
the Ministry of Supply's eligibility decisions. Never shared, whatever scope an integrator holds:
a citizen's account (`identity.*`), payments, appointments, a power of attorney before it is
issued, appeals, and the household data other ministries report for eligibility (electricity,
education). The gateway enforces this on webhooks and when it writes integrators' NATS accounts,
and refuses an `events:` scope naming an internal type.

The other way, which events integrators publish into the platform: the facts of record other
authorities hold (the civil registry, traffic, the electricity companies, education). Deny by
default too: no integrator may publish a platform service's events (a payment, an issued power
of attorney), whatever `publish:` scope it was given."""

from __future__ import annotations

from contracts.streams import subject_matches

SHARED_WITH_INTEGRATORS: tuple[str, ...] = (
    "catalog.>",
    "civil.>",
    "notary.poa.issued.v1",
    "notary.poa.revoked.v1",
    "notary.poa.cancelled.v1",
    "notary.certificate.issued.v1",
    "traffic.>",
    "ration.eligibility.changed.v1",
    "registry.>",
    "applications.definition.>",
    "applications.application.fulfilled.v1",
)


def shared_with_integrators(subject: str) -> bool:
    return any(subject_matches(pattern, subject) for pattern in SHARED_WITH_INTEGRATORS)


PUBLISHED_BY_INTEGRATORS: tuple[str, ...] = (
    "civil.>",
    "traffic.>",
    "electricity.>",
    "education.>",
    "registry.>",
)
"""Event types the authorities that own those facts publish into the platform (`POST /v1/events`
with a `publish:<type>` scope); no platform service publishes them."""


def published_by_integrators(subject: str) -> bool:
    return any(subject_matches(pattern, subject) for pattern in PUBLISHED_BY_INTEGRATORS)
