"""Shubbak event contracts: versioned event models, the envelope, and the NATS streams.

Importing this package imports every event module, so ``registry.all_events()`` is complete.
"""

__version__ = "1.2.0"

from contracts import events, registry, streams
from contracts.base import Event, ValueObject
from contracts.envelope import Envelope
from contracts.errors import ContractError, InvalidEnvelope, UnknownEvent
from contracts.fields import GovernorateCode, NationalId, Piastres, UtcDatetime

__all__ = [
    "ContractError",
    "Envelope",
    "Event",
    "GovernorateCode",
    "InvalidEnvelope",
    "NationalId",
    "Piastres",
    "UnknownEvent",
    "UtcDatetime",
    "ValueObject",
    "__version__",
    "events",
    "registry",
    "streams",
]
