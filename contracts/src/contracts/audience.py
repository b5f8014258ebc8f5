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

from contracts.streams import matches_any, subject_matches

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


ANSWERS_OF_A_PAYABLE_SERVICE: tuple[str, ...] = ("payment.order.applied.v1", "payment.order.refused.v1")
"""What a service that sells something answers payment-svc (`kit.payable`): applied or refused."""
REQUESTS_OF_AN_OFFICE_VISIT: tuple[str, ...] = ("office.appointment.requested.v1", "office.appointment.withdrawn.v1")
"""What a service whose orders need a visit to an office asks office-routing-svc."""

PRODUCED_BY_SERVICES: dict[str, tuple[str, ...]] = {
    "identity-svc": ("identity.>",),
    "catalog-svc": ("catalog.>",),
    "notary-svc": ("notary.>", *ANSWERS_OF_A_PAYABLE_SERVICE, *REQUESTS_OF_AN_OFFICE_VISIT),
    "ration-svc": ("ration.>", *ANSWERS_OF_A_PAYABLE_SERVICE),
    "payment-svc": ("payment.intent.>", "payment.order.answer_requested.v1"),
    "office-routing-svc": (
        "office.appointment.booked.v1",
        "office.appointment.verified.v1",
        "office.appointment.cancelled.v1",
    ),
    "applications-svc": ("applications.>", *ANSWERS_OF_A_PAYABLE_SERVICE, *REQUESTS_OF_AN_OFFICE_VISIT),
    "gateway": (),
    "evidence-svc": (),  # keeps others' events, publishes none (its timestamping key signs seals only)
}
"""The event types each platform service may publish (its `source`: the service's name), as NATS
subject patterns: its own domain's facts, and the requests and answers it exchanges with another."""


def produced_by(source: str) -> tuple[str, ...]:
    """The event types the producer ``source`` may publish: a platform service's own (see
    ``PRODUCED_BY_SERVICES``); any other source is an integrator, which may publish at most
    ``PUBLISHED_BY_INTEGRATORS`` (each one only the types its scopes name, as the gateway signs its keys)."""
    return PRODUCED_BY_SERVICES.get(source, PUBLISHED_BY_INTEGRATORS)


def may_publish(source: str, subject: str) -> bool:
    return matches_any(produced_by(source), subject)
