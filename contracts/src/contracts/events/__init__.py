"""The v1 event models, one module per domain. Importing this package registers them all."""

from contracts.events import (
    catalog,
    civil,
    education,
    electricity,
    identity,
    notary,
    office,
    payment,
    ration,
    traffic,
)

__all__ = [
    "catalog",
    "civil",
    "education",
    "electricity",
    "identity",
    "notary",
    "office",
    "payment",
    "ration",
    "traffic",
]
