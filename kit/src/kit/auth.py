"""Who is calling: the platform's JWTs, verified against their issuer's JWKS.

identity-svc issues citizens' and staff's tokens; the gateway issues integrators' (OAuth2
client credentials). Which kinds each issuer may issue is bound here, once (`ISSUES`): every
`TokenVerifier` names the issuer it trusts (`issued_by`), and a token claiming another kind
(`typ`) than its issuer issues is refused as invalid (401), at the gateway and in every
service alike. Keys are cached; a token signed with an unknown `kid` triggers one refresh (at
most one every `min_refresh_seconds`), so either issuer can rotate keys without downtime.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal, Protocol

import httpx
import jwt
from fastapi import Depends, Request
from jwt import PyJWK
from pydantic import BaseModel, ConfigDict

from kit.errors import ProblemError


class Role(StrEnum):
    NOTARY_CLERK = "notary_clerk"
    OFFICE_CLERK = "office_clerk"
    RATION_OFFICER = "ration_officer"
    CASE_OFFICER = "case_officer"
    """Decides applications to services defined as data (applications-svc), in their governorate."""
    CALL_CENTRE_AGENT = "call_centre_agent"
    AUDITOR = "auditor"
    ADMIN = "admin"


class Caller(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: Literal["citizen", "staff", "integrator"]
    subject: str
    national_id: str | None = None
    """A citizen's national ID (claim `nid`): the key other ministries' facts are filed under."""
    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()
    office_id: str | None = None
    governorate: str | None = None
    token_id: str | None = None

    def has_role(self, role: str) -> bool:
        return self.kind == "staff" and (role in self.roles or Role.ADMIN in self.roles)


class Admits(BaseModel):
    """Whom an auth dependency lets through, as the API documents it (`kit.openapi` reads it to
    declare each operation's security, audience and required role or scope). For staff and
    integrators, None: not admitted; empty: any role or scope."""

    model_config = ConfigDict(frozen=True)

    citizen: bool = False
    staff: frozenset[str] | None = None
    integrator: frozenset[str] | None = None


ADMITS: dict[Callable[..., Any], Admits] = {}
"""Auth dependencies → whom they admit. kit's own are here; a service's own gate (a dependency
of its own over `CurrentCaller`) registers with `admitting(...)`, else it reads as any caller."""


def admitting(who: Admits) -> Callable[[Callable[..., Any]], Any]:
    """Decorate a service's own auth dependency with whom it admits (for the API document)."""

    def mark(dependency: Callable[..., Any]) -> Any:
        ADMITS[dependency] = who
        return dependency

    return mark


class KeySource(Protocol):
    """Where a verifier finds an issuer's public key by `kid`: a `JWKSCache` over HTTP, or an
    issuer's own key ring (identity verifies its own tokens without asking itself over HTTP)."""

    async def key(self, kid: str) -> PyJWK | None: ...


class JWKSCache:
    def __init__(
        self,
        url: str,
        http: httpx.AsyncClient,
        *,
        ttl_seconds: float = 300.0,
        min_refresh_seconds: float = 10.0,
    ) -> None:
        self.url = url
        self.http = http
        self.ttl_seconds = ttl_seconds
        self.min_refresh_seconds = min_refresh_seconds
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> PyJWK | None:
        now = time.monotonic()
        if kid in self._keys and now - self._fetched_at < self.ttl_seconds:
            return self._keys[kid]
        async with self._lock:
            now = time.monotonic()
            stale = now - self._fetched_at >= self.ttl_seconds
            may_refresh = now - self._fetched_at >= self.min_refresh_seconds
            if (kid not in self._keys or stale) and may_refresh:
                await self._refresh()
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        response = await self.http.get(self.url, timeout=5.0)
        response.raise_for_status()
        keys: dict[str, PyJWK] = {}
        for entry in response.json().get("keys", []):
            if "kid" in entry:
                try:
                    keys[entry["kid"]] = PyJWK(entry)
                except jwt.PyJWTError:
                    continue
        self._keys = keys
        self._fetched_at = time.monotonic()


CallerKind = Literal["citizen", "staff", "integrator"]


class Issuer(StrEnum):
    """Who signs the platform's tokens."""

    IDENTITY = "identity"
    """identity-svc: citizens (OTP sign-in) and staff (password sign-in)."""
    GATEWAY = "gateway"
    """the gateway: integrators (OAuth2 client credentials)."""


ISSUES: dict[Issuer, frozenset[str]] = {
    Issuer.IDENTITY: frozenset({"citizen", "staff"}),
    Issuer.GATEWAY: frozenset({"integrator"}),
}
"""The one binding of caller kinds to issuers: a kind outside its issuer's set is a forgery."""


VERIFIED_TOKENS = 4096
"""Tokens a verifier remembers as verified. A citizen's token is sent with every call of a flow
(sixteen for a power of attorney): its signature, claims and three base64 decodes were checked
again on each, about a tenth of a simple read's CPU. Remembering one costs its string and a
`Caller`; past this many the oldest is forgotten and simply checked again when next seen."""


@dataclass(frozen=True, slots=True)
class _Verified:
    caller: Caller
    kid: str
    key: PyJWK
    expires: float  # the `exp` claim, seconds since the epoch


class TokenVerifier:
    """Tokens of one issuer: its keys (JWKS), `iss`, audience, and only the kinds it issues.
    A token verified once is remembered (`cached`) until it expires or its key changes."""

    ALGORITHMS = ("EdDSA", "ES256", "RS256")

    def __init__(
        self,
        jwks: KeySource,
        *,
        issuer: str,
        audience: str,
        issued_by: Issuer,
        leeway_seconds: int = 30,
    ) -> None:
        self.jwks = jwks
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway_seconds
        self.issued_by = issued_by
        self.kinds = ISSUES[issued_by]
        self._verified: dict[str, _Verified] = {}

    async def verify(self, token: str) -> Caller:
        return await self.cached(token) or await self._verify(token)

    async def cached(self, token: str) -> Caller | None:
        """The caller of a token this verifier has verified before, if it still holds: not expired
        (the same leeway as a full check) and its key still the one its issuer's key set gives for
        its `kid` (a key withdrawn or replaced since sends the token through the full check)."""
        hit = self._verified.get(token)
        if hit is None:
            return None
        if time.time() - self.leeway >= hit.expires or await self.jwks.key(hit.kid) is not hit.key:
            del self._verified[token]
            return None
        return hit.caller

    async def _verify(self, token: str) -> Caller:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise _invalid() from exc
        kid = header.get("kid")
        if not isinstance(kid, str) or header.get("alg") not in self.ALGORITHMS:
            raise _invalid()
        try:
            key = await self.jwks.key(kid)
        except httpx.HTTPError as exc:
            raise ProblemError("service_unavailable", status=503) from exc
        if key is None:
            raise _invalid()
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=[header["alg"]],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise _invalid() from exc
        caller = caller_from_claims(claims)
        if caller.kind not in self.kinds:
            raise _invalid()
        if len(self._verified) >= VERIFIED_TOKENS:
            del self._verified[next(iter(self._verified))]  # the oldest entry
        self._verified[token] = _Verified(caller, kid, key, float(claims["exp"]))
        return caller


class Verifiers:
    """Tokens from several issuers: each is verified by the verifier of the issuer it names
    (and then against that issuer's keys, audience and kinds); any other issuer is refused."""

    def __init__(self, *verifiers: TokenVerifier) -> None:
        self.by_issuer = {v.issuer: v for v in verifiers}

    async def verify(self, token: str) -> Caller:
        for known in self.by_issuer.values():  # a token verified before, by the issuer it named then
            if (caller := await known.cached(token)) is not None:
                return caller
        try:
            issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
        except jwt.PyJWTError as exc:
            raise _invalid() from exc
        verifier = self.by_issuer.get(issuer) if isinstance(issuer, str) else None
        if verifier is None:
            raise _invalid()
        return await verifier._verify(token)  # its memory was asked above


class Verifier(Protocol):
    """What checks a bearer token and says who calls: a `TokenVerifier`, `Verifiers`, or the
    gateway's edge verifier (identity's tokens and its own integrators')."""

    async def verify(self, token: str) -> Caller: ...


def caller_from_claims(claims: dict[str, Any]) -> Caller:
    kind = claims.get("typ", "citizen")
    if kind not in ("citizen", "staff", "integrator"):
        raise _invalid()
    scope = claims.get("scope", "")
    return Caller(
        kind=kind,
        subject=str(claims["sub"]),
        national_id=claims.get("nid"),
        roles=frozenset(claims.get("roles", []) or []),
        scopes=frozenset(scope.split()) if isinstance(scope, str) else frozenset(),
        office_id=claims.get("office"),
        governorate=claims.get("gov"),
        token_id=claims.get("jti"),
    )


def _invalid() -> ProblemError:
    return ProblemError("invalid_token", status=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


async def get_caller(request: Request) -> Caller:
    authorization = request.headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ProblemError("unauthenticated", status=401, headers={"WWW-Authenticate": "Bearer"})
    verifier: Verifier | None = getattr(request.app.state, "verifier", None)
    if verifier is None:
        raise ProblemError("service_unavailable", status=503)
    return await verifier.verify(token.strip())


ADMITS[get_caller] = Admits(citizen=True, staff=frozenset(), integrator=frozenset())
CurrentCaller = Annotated[Caller, Depends(get_caller)]


async def get_citizen(caller: CurrentCaller) -> Caller:
    if caller.kind != "citizen":
        raise ProblemError("forbidden", status=403)
    return caller


ADMITS[get_citizen] = Admits(citizen=True)
CurrentCitizen = Annotated[Caller, Depends(get_citizen)]


def staff_of(*roles: Role) -> Callable[[Caller], Awaitable[Caller]]:
    """A dependency admitting staff with any of `roles` (admins always)."""

    async def check(caller: CurrentCaller) -> Caller:
        if not any(caller.has_role(role) for role in roles):
            raise ProblemError("forbidden", status=403)
        return caller

    ADMITS[check] = Admits(staff=frozenset(roles))
    return check


def StaffOf(*roles: Role) -> Any:  # noqa: N802 - reads as a type in signatures
    return Annotated[Caller, Depends(staff_of(*roles))]


def integrator_with(scope: str) -> Callable[[Caller], Awaitable[Caller]]:
    async def check(caller: CurrentCaller) -> Caller:
        if caller.kind != "integrator" or scope not in caller.scopes:
            raise ProblemError("forbidden", status=403)
        return caller

    ADMITS[check] = Admits(integrator=frozenset({scope}))
    return check
