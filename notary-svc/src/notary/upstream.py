"""What notary-svc asks identity-svc over HTTP: the registry mirror (`kit.registry`; catalog's
quotes: `kit.catalog`)."""

from __future__ import annotations

from kit.registry import Marriage, Registry, RegistryPerson

__all__ = ["Marriage", "Registry", "RegistryPerson"]
