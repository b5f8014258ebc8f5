"""Which events cross an authority boundary, and so are kept as evidence (issue 16).

An event crosses a boundary when another authority than its producer receives it: it was
published by an integrator (a ministry's fact entering the platform), it is shared with
integrators (webhooks, integrators' NATS accounts: `contracts.audience`), or a platform service
other than its producer consumes it. Which service consumes which types is declared here, once;
`tests/test_dependencies.py` checks it against every service's handlers, so a new handler that
is not declared fails the suite. The archive (evidence-svc) consumes every type that can cross
and keeps each event for which `crosses_boundary(type, source)` holds."""

from __future__ import annotations

from collections.abc import Mapping

from contracts.audience import published_by_integrators, shared_with_integrators
from contracts.registry import all_events
from contracts.streams import subject_matches

CONSUMED_BY: Mapping[str, tuple[str, ...]] = {
    "identity-svc": (
        "civil.>",
        "notary.poa.issued.v1",
        "office.appointment.booked.v1",
        "payment.intent.succeeded.v1",
        "ration.eligibility.changed.v1",
    ),
    "notary-svc": (
        "office.appointment.booked.v1",
        "office.appointment.cancelled.v1",
        "office.appointment.verified.v1",
        "payment.intent.succeeded.v1",
        "payment.order.answer_requested.v1",
    ),
    "ration-svc": (
        "civil.>",
        "education.fees.reported.v1",
        "electricity.consumption.reported.v1",
        "payment.intent.failed.v1",
        "payment.intent.succeeded.v1",
        "payment.order.answer_requested.v1",
        "traffic.>",
    ),
    "payment-svc": ("payment.order.applied.v1", "payment.order.refused.v1"),
    "office-routing-svc": ("office.appointment.requested.v1", "office.appointment.withdrawn.v1"),
    "catalog-svc": ("applications.definition.published.v1", "applications.definition.retired.v1"),
    "applications-svc": (
        "education.fees.reported.v1",
        "electricity.consumption.reported.v1",
        "office.appointment.booked.v1",
        "office.appointment.cancelled.v1",
        "office.appointment.verified.v1",
        "payment.intent.succeeded.v1",
        "payment.order.answer_requested.v1",
        "ration.eligibility.changed.v1",
        "registry.company.registered.v1",
        "traffic.vehicle.registered.v1",
        "traffic.vehicle.transferred.v1",
    ),
}
"""The event types (NATS subject patterns) each platform service consumes. The gateway's
webhooks consume what `contracts.audience` shares with integrators."""


def consumers_of(event_type: str) -> tuple[str, ...]:
    """The platform services that consume ``event_type``."""
    return tuple(
        service
        for service, patterns in CONSUMED_BY.items()
        if any(subject_matches(pattern, event_type) for pattern in patterns)
    )


def may_cross(event_type: str) -> bool:
    """Whether an event of this type can cross a boundary (whoever its producer)."""
    return published_by_integrators(event_type) or shared_with_integrators(event_type) or bool(consumers_of(event_type))


def crosses_boundary(event_type: str, source: str) -> bool:
    """Whether this event, published by ``source``, reaches another authority than ``source``."""
    if published_by_integrators(event_type) or shared_with_integrators(event_type):
        return True
    return any(consumer != source for consumer in consumers_of(event_type))


def boundary_types() -> tuple[str, ...]:
    """Every registered event type that can cross a boundary, sorted."""
    return tuple(sorted(cls.subject for cls in all_events() if may_cross(cls.subject)))
