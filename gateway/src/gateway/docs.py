"""The API's documentation, served whole by the gateway: on the closed government network a page
that loads Swagger UI or ReDoc from a CDN is blank.

Swagger UI (`/docs`) and ReDoc (`/redoc`) come from the `fastapi-standalone-docs` wheel (PyPI),
which ships their built bundles with their licences (Swagger UI: Apache-2.0, ReDoc: MIT): a
dependency like any other, pinned in constraints.txt, nothing vendored in this repository, nothing
fetched at run time. The pages load only `/docs/assets/...`; Swagger UI's validator badge (an
external image) is off, ReDoc's Google fonts too. Swagger's Authorize button offers both schemes of
the document: a bearer token (citizens, staff) and OAuth2 client credentials (integrators, against
`/v1/oauth/token`). Also here: each event type's JSON Schema (`/schemas/events/<type>.json`),
where every event's `dataschema` points.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fastapi_standalone_docs
from fastapi import APIRouter
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from starlette.responses import FileResponse, HTMLResponse, JSONResponse

from contracts import UnknownEvent, registry
from contracts.export import envelope_schema, event_schema
from gateway.openapi import TITLE
from kit.errors import NotFound

_STATIC = Path(fastapi_standalone_docs.__file__).parent / "static"
ASSETS: dict[str, tuple[Path, str]] = {
    "swagger-ui-bundle.js": (_STATIC / "swagger" / "swagger-ui-bundle.js", "text/javascript"),
    "swagger-ui.css": (_STATIC / "swagger" / "swagger-ui.css", "text/css"),
    "swagger-ui.LICENSE.txt": (_STATIC / "swagger" / "LICENSE", "text/plain"),
    "redoc.standalone.js": (_STATIC / "redoc" / "redoc.standalone.js", "text/javascript"),
    "redoc.LICENSE.txt": (_STATIC / "redoc" / "redoc.standalone.js.LICENSE.txt", "text/plain"),
    "favicon.png": (_STATIC / "fastapi" / "favicon.png", "image/png"),
}
ASSET_PREFIX = "/docs/assets/"
SWAGGER_PARAMETERS: dict[str, Any] = {
    "validatorUrl": None,  # the badge is an image from validator.swagger.io
    "persistAuthorization": True,
    "displayOperationId": True,
    "filter": True,
    "tryItOutEnabled": False,
}
PAGES = ("/docs", "/docs/oauth2-redirect", "/redoc")
SCHEMAS_PREFIX = "/schemas/events/"


def router() -> APIRouter:
    docs = APIRouter(include_in_schema=False)

    @docs.get("/docs")
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=TITLE,
            swagger_js_url=ASSET_PREFIX + "swagger-ui-bundle.js",
            swagger_css_url=ASSET_PREFIX + "swagger-ui.css",
            swagger_favicon_url=ASSET_PREFIX + "favicon.png",
            oauth2_redirect_url="/docs/oauth2-redirect",
            init_oauth={"appName": TITLE, "scopeSeparator": " "},
            swagger_ui_parameters=SWAGGER_PARAMETERS,
        )

    @docs.get("/docs/oauth2-redirect")
    async def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @docs.get("/redoc")
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title=TITLE,
            redoc_js_url=ASSET_PREFIX + "redoc.standalone.js",
            redoc_favicon_url=ASSET_PREFIX + "favicon.png",
            with_google_fonts=False,
        )

    @docs.get(ASSET_PREFIX + "{name}")
    async def asset(name: str) -> FileResponse:
        found = ASSETS.get(name)
        if found is None:
            raise NotFound()
        path, media_type = found
        return FileResponse(path, media_type=media_type, headers={"Cache-Control": "public, max-age=86400"})

    @docs.get(SCHEMAS_PREFIX + "{name}")
    async def event_json_schema(name: str) -> JSONResponse:
        """The JSON Schema (draft 2020-12) of an event type's data, or of the envelope."""
        subject = name.removesuffix(".json")
        if not name.endswith(".json"):
            raise NotFound()
        if subject == "envelope":
            return JSONResponse(envelope_schema(), media_type="application/schema+json")
        try:
            cls = registry.event_class(subject)
        except UnknownEvent:
            raise NotFound() from None
        return JSONResponse(event_schema(cls), media_type="application/schema+json")

    return docs
