"""Web application setup: mounts every route group on the process's aiohttp application."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web
from sqlalchemy import text

if TYPE_CHECKING:
    from bot.app import App

APP_KEY: web.AppKey[App] = web.AppKey("pcibot_app")


async def healthz(request: web.Request) -> web.Response:
    """200 when the database answers, 503 otherwise."""
    app = request.app[APP_KEY]
    try:
        async with app.core.maker() as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure means unhealthy
        return web.json_response({"status": "error", "database": type(exc).__name__}, status=503)
    return web.json_response({"status": "ok", "database": "ok"})


def setup_web(app: App) -> None:
    """Attach the App to the aiohttp application and add the routes."""
    app.webapp[APP_KEY] = app
    app.webapp.router.add_get("/healthz", healthz)
