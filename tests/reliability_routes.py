"""Every route of the FastAPI app, including routers FastAPI includes lazily and mounts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from starlette.routing import Mount


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: frozenset[str]
    mount: bool = False


def app_routes(app) -> list[RouteInfo]:
    return list(_walk(app.routes, ""))


def _walk(routes, prefix: str) -> Iterator[RouteInfo]:
    for route in routes:
        original = getattr(route, "original_router", None)  # FastAPI's _IncludedRouter
        if original is not None:
            context = getattr(route, "include_context", None)
            yield from _walk(original.routes, prefix + (getattr(context, "prefix", "") or ""))
        elif isinstance(route, Mount):
            yield RouteInfo(prefix + route.path, frozenset({"GET"}), mount=True)
        elif getattr(route, "path", None) is not None:
            yield RouteInfo(prefix + route.path, frozenset(route.methods or ()))


def fill(path: str, values: dict[str, str], default: str = "x") -> str:
    """The path with each {parameter} replaced by values[parameter] (or `default`)."""
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m.group(1), default), path)
