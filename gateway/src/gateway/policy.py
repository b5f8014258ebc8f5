"""Who may call which public path prefix: checked at the edge, before any upstream is reached.

The table is coarse on purpose (prefix and read/write): the owning service still verifies
the token and applies its fine-grained rules (defence in depth); the gateway only keeps
requests that can never succeed away from the services. Every prefix in platform.toml has
an entry here (a test enforces it); a prefix without one is left to its service.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gateway.settings import PolicySpec
from kit.auth import Caller

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Access:
    """`public`, or the caller kinds admitted. For staff and integrators an empty set means
    any role or scope; None means that kind is not admitted at all."""

    public: bool = False
    citizen: bool = False
    staff_roles: frozenset[str] | None = None
    integrator_scopes: frozenset[str] | None = None

    def admits(self, caller: Caller) -> bool:
        if self.public:
            return True
        if caller.kind == "citizen":
            return self.citizen
        if caller.kind == "staff":
            roles = self.staff_roles
            return roles is not None and (not roles or any(caller.has_role(role) for role in roles))
        scopes = self.integrator_scopes
        return scopes is not None and (not scopes or bool(scopes & caller.scopes))


@dataclass(frozen=True, slots=True)
class Rule:
    prefix: str
    read: Access
    write: Access
    sensitive: bool = False

    def access(self, method: str) -> Access:
        return self.read if method in READ_METHODS else self.write


def parse_access(spec: str) -> Access:
    """`public`, or `citizen|staff:notary_clerk+auditor|integrator:ration.card.issued.v1`."""
    if spec.strip() == "public":
        return Access(public=True)
    citizen = False
    roles: set[str] | None = None
    scopes: set[str] | None = None
    for part in spec.split("|"):
        kind, _, names = part.strip().partition(":")
        listed = {name.strip() for name in names.split("+") if name.strip()}
        if kind == "citizen" and not listed:
            citizen = True
        elif kind == "staff":
            roles = (roles or set()) | listed
        elif kind == "integrator":
            scopes = (scopes or set()) | listed
        else:
            raise ValueError(f"unknown access spec {part!r} in {spec!r}")
    return Access(
        citizen=citizen,
        staff_roles=frozenset(roles) if roles is not None else None,
        integrator_scopes=frozenset(scopes) if scopes is not None else None,
    )


PUBLIC = "public"
CITIZEN_OR = "citizen|staff:"

# prefix → (read, write, sensitive). Admins pass every staff check (kit.auth.Caller.has_role).
BUILT_IN: dict[str, PolicySpec] = {
    prefix: PolicySpec(read=read, write=write, sensitive=sensitive)
    for prefix, (read, write, sensitive) in {
        # identity
        "/v1/enrolments": (PUBLIC, PUBLIC, True),
        "/v1/sessions": (PUBLIC, PUBLIC, True),
        "/v1/staff/sessions": (PUBLIC, PUBLIC, True),
        "/v1/staff": ("staff", "staff", False),
        "/v1/me": ("citizen", "citizen", False),
        "/v1/me/mobile-changes": ("citizen", "citizen", True),  # sends OTPs
        "/v1/staff/mobile-changes": ("staff:office_clerk", "staff:office_clerk", False),
        "/v1/call-centre": ("staff:call_centre_agent", "staff:call_centre_agent", False),
        "/v1/call-centre/consents": ("staff:call_centre_agent", "staff:call_centre_agent", True),
        "/v1/dev": (PUBLIC, PUBLIC, False),  # identity serves it in development only
        # catalog
        "/v1/services": (PUBLIC, "staff:admin", False),
        "/v1/quotes": (PUBLIC, "staff:admin", False),
        # notary
        "/v1/powers-of-attorney": (CITIZEN_OR + "notary_clerk+auditor", CITIZEN_OR + "notary_clerk", False),
        "/v1/certificates": (CITIZEN_OR + "notary_clerk", CITIZEN_OR + "notary_clerk", False),
        "/v1/documents": (PUBLIC, CITIZEN_OR + "notary_clerk", False),  # public verification
        # ration
        "/v1/ration-card": (CITIZEN_OR + "ration_officer+auditor", CITIZEN_OR + "ration_officer", False),
        "/v1/ration-card-requests": (CITIZEN_OR + "ration_officer", CITIZEN_OR + "ration_officer", False),
        "/v1/appeals": (CITIZEN_OR + "ration_officer", CITIZEN_OR + "ration_officer", False),
        "/v1/ration-rules": ("staff:ration_officer+auditor", "staff:ration_officer", False),
        "/v1/ration-imports": ("staff:ration_officer|integrator", "staff:ration_officer|integrator", False),
        # payment
        "/v1/payments": ("citizen|staff", "citizen|staff", False),
        "/v1/payments/ledger": ("staff:auditor", "staff:auditor", False),
        "/v1/payments/settlements": ("staff:auditor", "staff:admin", False),
        "/v1/receipts": ("citizen|staff", "citizen|staff", False),
        "/v1/provider-notifications": (PUBLIC, PUBLIC, False),  # signed by the provider (HMAC)
        "/v1/payment-sandbox": (PUBLIC, PUBLIC, False),  # payment serves it in development only
        # evidence: the archive's bundles and chain check
        "/v1/evidence": ("staff:auditor", "staff:auditor", False),
        # office routing
        "/v1/offices": (PUBLIC, "staff:office_clerk", False),
        "/v1/appointments": (CITIZEN_OR + "office_clerk+notary_clerk", CITIZEN_OR + "office_clerk+notary_clerk", False),
        # applications
        "/v1/application-definitions": ("staff:case_officer+auditor", "staff:admin", False),
        "/v1/applications": ("citizen", "citizen", False),
        "/v1/application-reviews": ("staff:case_officer", "staff:case_officer", False),
        "/v1/application-documents": (PUBLIC, PUBLIC, False),  # public verification
    }.items()
}


class PolicyTable:
    def __init__(self, specs: Mapping[str, str | PolicySpec]) -> None:
        self._rules: dict[str, Rule] = {}
        for prefix, spec in specs.items():
            spec = spec if isinstance(spec, PolicySpec) else PolicySpec(read=spec, write=spec)
            key = prefix.rstrip("/") or "/"
            self._rules[key] = Rule(key, parse_access(spec.read), parse_access(spec.write), spec.sensitive)

    def __bool__(self) -> bool:
        return bool(self._rules)

    def prefixes(self) -> list[str]:
        return list(self._rules)

    def match(self, path: str) -> Rule | None:
        """The rule of the longest prefix that `path` equals or continues with a '/'."""
        candidate = path.rstrip("/") or "/"
        while True:
            if (found := self._rules.get(candidate)) is not None:
                return found
            if candidate == "/" or not candidate:
                return None
            candidate = candidate[: candidate.rfind("/")] or "/"
