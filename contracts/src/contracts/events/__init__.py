"""The v1 event models, one module per domain. Importing this package registers them all."""

from contracts.events import (
    applications,
    catalog,
    civil,
    education,
    electricity,
    identity,
    notary,
    office,
    payment,
    ration,
    registry,
    traffic,
)

__all__ = [
    "applications",
    "catalog",
    "civil",
    "education",
    "electricity",
    "identity",
    "notary",
    "office",
    "payment",
    "ration",
    "registry",
    "traffic",
]
