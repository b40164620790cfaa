"""The five sites' templates. Each module's `routes(base_url)` renders its site as path -> Resource."""

from collections.abc import Callable

from demo.sites import coastal_post, harbor_wire, metro_daily, rheinblick, valley_times
from demo.sites.common import Resource

ROUTES: dict[str, Callable[[str], dict[str, Resource]]] = {
    "harbor-wire": harbor_wire.routes,
    "valley-times": valley_times.routes,
    "metro-daily": metro_daily.routes,
    "coastal-post": coastal_post.routes,
    "rheinblick": rheinblick.routes,
}


def build_routes(site: str, base_url: str) -> dict[str, Resource]:
    """Render every resource of `site` with absolute URLs under `base_url` (canonical links, feeds)."""
    return ROUTES[site](base_url)
