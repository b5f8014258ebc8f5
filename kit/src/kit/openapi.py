"""What every service's OpenAPI document declares, derived once here from its routes rather than
written route by route: readable operationIds, who may call each operation (its `security`, the
role or scope in its description, its audience tag) read from its auth dependencies, and the
`Accept-Language` every operation honours. The gateway merges the services' documents and keeps
all of it (gateway.openapi).

- **operationIds** are the route function's name in camelCase (`create_power_of_attorney` →
  `createPowerOfAttorney`): stable while the function keeps its name, readable in a generated
  client. `tests/test_api_contract.py` fails on one that looks generated or is not unique.
- **Security** comes from the dependencies `kit.auth` registers in `kit.auth.ADMITS`
  (`CurrentCitizen`, `staff_of(...)`, `integrator_with(...)`, `CurrentCaller`), found however deep
  a route's own dependencies nest them: citizens and staff present identity's bearer JWT
  (`bearerAuth`), integrators the gateway's OAuth2 client-credentials token (`integratorOAuth`,
  with the scope). A route with none of them is public. A service's own gate over
  `CurrentCaller` reads as "any signed-in caller" unless it is registered with
  `kit.auth.admitting(...)`.
- **Audience tags** (`public`, `citizen`, `staff`, `integrator`): an operation is listed under
  every audience that may call it.
- **Examples** on every request body, JSON answer and problem answer (`kit.examples`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from starlette.routing import BaseRoute

from kit.auth import ADMITS, Admits, Role
from kit.examples import exemplify

BEARER = "bearerAuth"
INTEGRATOR = "integratorOAuth"
TOKEN_URL = "/v1/oauth/token"
ACCEPT_LANGUAGE = "AcceptLanguage"
PARAMETERS = "#/components/parameters/"

AUDIENCES: dict[str, str] = {
    "public": "Anyone, without signing in: the catalogue and its fees, offices, verifying a document, enrolling "
    "and signing in.",
    "citizen": "Citizens, signed in with their national ID and an SMS code: a bearer token from "
    "`POST /v1/sessions` (or `POST /v1/enrolments/{id}/confirmation`).",
    "staff": "Staff of ministries, offices and the call centre, by role: a bearer token from "
    "`POST /v1/staff/sessions`. Administrators hold every role.",
    "integrator": "Systems of ministries, banks and authorities, by scope: an OAuth2 client-credentials token from "
    "`POST /v1/oauth/token`.",
}
"""The audience tags, in the order they are listed."""

SECURITY_SCHEMES: dict[str, Any] = {
    BEARER: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A citizen's or a staff member's access token, issued by identity: `POST /v1/sessions` "
        "(citizens, national ID and SMS code) or `POST /v1/staff/sessions` (staff). Send it as "
        "`Authorization: Bearer <token>`.",
    },
    INTEGRATOR: {
        "type": "oauth2",
        "description": "An integrator's access token, issued by the gateway for its client id and secret "
        "(OAuth2 client credentials, RFC 6749 §4.4). Scopes: `events:<type>` receives that event type "
        "(webhooks, NATS), `publish:<type>` publishes it (`POST /v1/events`), others open routes.",
        "flows": {"clientCredentials": {"tokenUrl": TOKEN_URL, "scopes": {}}},
    },
}

ACCEPT_LANGUAGE_PARAMETER: dict[str, Any] = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "description": "The language of every text in the answer, problems included: `ar` (the default) or `en` "
    "(RFC 9110 quality values are honoured, e.g. `en-GB,en;q=0.9,ar;q=0.5`).",
    "schema": {"type": "string", "default": "ar"},
    "examples": {"arabic": {"value": "ar"}, "english": {"value": "en"}},
}

_WORD = re.compile(r"[A-Za-z0-9]+")


def camel(name: str) -> str:
    """`get_ration_card` → `getRationCard` (words are kept as written after the first letter)."""
    words = _WORD.findall(name)
    if not words:
        return name
    first, *rest = words
    return first[:1].lower() + first[1:] + "".join(word[:1].upper() + word[1:] for word in rest)


def operation_id(route: APIRoute) -> str:
    """FastAPI's `generate_unique_id_function`: the route function's name in camelCase."""
    return camel(route.name)


def admits(route: APIRoute | RouteContext) -> Admits | None:
    """Whom the route's auth dependencies admit (all of them must pass); None: public."""
    found = list(_gates(route.dependant))
    if not found:
        return None
    result = found[0]
    for other in found[1:]:
        result = both(result, other)
    return result


def _gates(dependant: Dependant) -> Iterable[Admits]:
    """The outermost registered gates on every path through the dependencies: a gate built on
    another (`CurrentCitizen` on `CurrentCaller`) is the one that decides."""
    for dependency in dependant.dependencies:
        gate = ADMITS.get(dependency.call) if dependency.call is not None else None
        if gate is not None:
            yield gate
        else:
            yield from _gates(dependency)


def both(a: Admits, b: Admits) -> Admits:
    """Callers both gates admit (a role or scope list of each: the caller needs one of either)."""

    def narrower(x: frozenset[str] | None, y: frozenset[str] | None) -> frozenset[str] | None:
        if x is None or y is None:
            return None
        return x | y if x and y else x or y

    return Admits(
        citizen=a.citizen and b.citizen,
        staff=narrower(a.staff, b.staff),
        integrator=narrower(a.integrator, b.integrator),
    )


def audiences(who: Admits | None) -> list[str]:
    if who is None:
        return ["public"]
    found = ["citizen"] if who.citizen else []
    found += ["staff"] if who.staff is not None else []
    found += ["integrator"] if who.integrator is not None else []
    return found


def security(who: Admits | None) -> list[dict[str, list[str]]]:
    """OpenAPI security requirements (alternatives); `[]` for a public operation."""
    if who is None:
        return []
    requirements: list[dict[str, list[str]]] = []
    if who.citizen or who.staff is not None:
        requirements.append({BEARER: []})
    if who.integrator is not None:
        requirements.append({INTEGRATOR: sorted(who.integrator)})
    return requirements


def who_may_call(who: Admits | None) -> str:
    """The operation's callers in a sentence, with the role or scope required."""
    if who is None:
        return f"{WHO_MAY_CALL} anyone (no sign-in)."
    parts: list[str] = []
    if who.citizen:
        parts.append("citizens (their own records)")
    if who.staff is not None:
        roles = sorted(who.staff - {Role.ADMIN})
        if not roles:
            parts.append("staff (any role)" if Role.ADMIN not in who.staff else "administrators")
        else:
            parts.append("staff with role " + " or ".join(f"`{role}`" for role in roles) + " (administrators too)")
    if who.integrator is not None:
        scopes = sorted(who.integrator)
        parts.append("integrators" + (" with scope " + " or ".join(f"`{s}`" for s in scopes) if scopes else ""))
    return f"{WHO_MAY_CALL} " + "; ".join(parts) + "."


def describe(document: dict[str, Any], routes: Iterable[BaseRoute]) -> dict[str, Any]:
    """Complete `document` (in place, idempotent) from the app's routes: security, audience tags,
    who may call, Accept-Language; the schemes, the parameter and the tags' descriptions; an example
    on every body (kit.examples)."""
    paths: Mapping[str, Any] = document.get("paths", {})
    used: set[str] = set()
    scopes: set[str] = set()
    for route in iter_route_contexts(list(routes)):  # routers included by FastAPI stay lazy until read
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        who = admits(route)
        for method in route.methods or ():
            operation = paths.get(route.path_format or "", {}).get(method.lower())
            if operation is None:
                continue
            if "x-admits" not in operation:
                declare(operation, who)
            used.update(operation["tags"])
            scopes.update(s for r in operation["security"] for s in r.get(INTEGRATOR, []))
    components = document.setdefault("components", {})
    schemes = components.setdefault("securitySchemes", {})
    for name, scheme in SECURITY_SCHEMES.items():
        schemes.setdefault(name, copy.deepcopy(scheme))
    flow_scopes = schemes[INTEGRATOR]["flows"]["clientCredentials"]["scopes"]
    for scope in sorted(scopes):
        flow_scopes.setdefault(scope, scope_description(scope))
    components.setdefault("parameters", {}).setdefault(ACCEPT_LANGUAGE, copy.deepcopy(ACCEPT_LANGUAGE_PARAMETER))
    document["tags"] = tags(used)
    return exemplify(document)


WHO_MAY_CALL = "**Who may call:**"


def declare(operation: dict[str, Any], who: Admits | None) -> None:
    """Write whom `operation` admits into it (again, if the gateway knows better)."""
    operation["security"] = security(who)
    operation["tags"] = audiences(who)
    operation["x-admits"] = admits_json(who)
    description = operation.get("description", "").split(WHO_MAY_CALL)[0].strip()
    operation["description"] = f"{description}\n\n{who_may_call(who)}".strip()
    parameters = operation.setdefault("parameters", [])
    if not any(
        p.get("name", "").lower() == "accept-language" or p.get("$ref") == PARAMETERS + ACCEPT_LANGUAGE
        for p in parameters
    ):
        parameters.append({"$ref": PARAMETERS + ACCEPT_LANGUAGE})


def admits_json(who: Admits | None) -> dict[str, Any]:
    """Whom the operation admits, for tools (the gateway refines it with its edge policy)."""
    if who is None:
        return {"public": True}
    out: dict[str, Any] = {"citizen": who.citizen}
    if who.staff is not None:
        out["staff"] = sorted(who.staff)
    if who.integrator is not None:
        out["integrator"] = sorted(who.integrator)
    return out


def tags(used: Iterable[str]) -> list[dict[str, str]]:
    """The audience tags in their order with their descriptions, then any other tag used."""
    present = set(used)
    listed = [{"name": name, "description": text} for name, text in AUDIENCES.items() if name in present]
    return listed + [{"name": name} for name in sorted(present - set(AUDIENCES))]


def scope_description(scope: str) -> str:
    kind, _, rest = scope.partition(":")
    if kind == "events" and rest:
        return f"Receive {rest} (webhooks, NATS)"
    if kind == "publish" and rest:
        return f"Publish {rest} (POST /v1/events)"
    return f"Routes that need the {scope} scope"


def admits_from_json(found: Mapping[str, Any]) -> Admits | None:
    """The inverse of `admits_json`."""
    if found.get("public"):
        return None
    staff, integrator = found.get("staff"), found.get("integrator")
    return Admits(
        citizen=bool(found.get("citizen")),
        staff=frozenset(staff) if staff is not None else None,
        integrator=frozenset(integrator) if integrator is not None else None,
    )
