"""The API documentation pages (/docs: Swagger UI, /redoc: ReDoc) with their scripts and styles served
from the fastapi-offline package, so they work without the Internet (FastAPI's own pages load them
from a CDN). create_app turns FastAPI's pages off and includes this router instead.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, HTTPException, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSET_NAMES = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png")
PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})
"""The pages that run the vendors' inline scripts (security_headers.py gives them their own policy)."""
SWAGGER_PARAMETERS = {"validatorUrl": None}  # Swagger UI would otherwise ask validator.swagger.io

router = APIRouter(include_in_schema=False)


@router.get("/docs/assets/{name}", name="docs_asset")
def docs_asset(name: str) -> FileResponse:
    if name not in ASSET_NAMES:
        raise HTTPException(404, f"no documentation asset {name!r}")
    return FileResponse(ASSETS / name, headers={"Cache-Control": "public, max-age=86400"})


@router.get("/docs", name="swagger_ui_html")
def swagger_ui_html(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=str(request.url_for("openapi")), title=f"{request.app.title} - API documentation",
        oauth2_redirect_url=request.scope.get("root_path", "") + "/docs/oauth2-redirect",  # after the origin
        swagger_js_url=str(request.url_for("docs_asset", name="swagger-ui-bundle.js")),
        swagger_css_url=str(request.url_for("docs_asset", name="swagger-ui.css")),
        swagger_favicon_url=str(request.url_for("docs_asset", name="favicon.png")),
        swagger_ui_parameters=SWAGGER_PARAMETERS)


@router.get("/docs/oauth2-redirect", name="swagger_ui_redirect")
def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/redoc", name="redoc_html")
def redoc_html(request: Request) -> HTMLResponse:
    return get_redoc_html(
        openapi_url=str(request.url_for("openapi")), title=f"{request.app.title} - API reference",
        redoc_js_url=str(request.url_for("docs_asset", name="redoc.standalone.js")),
        redoc_favicon_url=str(request.url_for("docs_asset", name="favicon.png")), with_google_fonts=False)
