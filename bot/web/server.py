"""Web application setup: mounts every route group on the process's aiohttp application."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import TYPE_CHECKING

from aiohttp import web

from bot.config import Config
from bot.web.boundary import boundary, quiet_client_faults
from storage.web_queries import ping

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)
APP_KEY: web.AppKey[App] = web.AppKey("pcibot_app")
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


async def healthz(request: web.Request) -> web.Response:
    """200 while the database answers ("degraded" with the reason when a channel is not started), 503 otherwise."""
    app = request.app[APP_KEY]
    try:
        async with app.core.maker() as session:
            await ping(session)
    except Exception as exc:  # any database failure means unhealthy
        body = {"status": "error", "database": type(exc).__name__, "channels": app.starter.snapshot()[1]}
        return web.json_response(body, status=503)
    started, channels = app.starter.snapshot()
    status = "ok" if started else "degraded"
    return web.json_response({"status": status, "database": "ok", "channels": channels})


async def security_headers(_request: web.Request, response: web.StreamResponse) -> None:
    """A Content-Security-Policy (no scripts at all, styles only from us) and friends on every response.

    Hooked on `on_response_prepare` rather than as a middleware so that streamed downloads and error
    responses get them too.
    """
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)


def setup_web(app: App) -> None:
    """Attach the App to the aiohttp application and add the routes."""
    from bot.web import metrics, open311, opendata, public, trends

    webapp = app.webapp
    webapp[APP_KEY] = app
    webapp.middlewares.append(boundary)
    quiet_client_faults()
    webapp.on_response_prepare.append(security_headers)
    webapp.router.add_get("/healthz", healthz)
    public.setup(webapp, app.core)
    trends.setup(webapp)
    opendata.setup(webapp)
    open311.setup(webapp)
    metrics.setup(webapp)


async def run_web(config: Config) -> None:
    """`pcibot web`: only the web server (no chat channels, console, outbox sender or scheduler)."""
    from bot.app import build

    web_only = config.model_copy(
        update={"console": False, "telegram_token": None, "zalo_app_id": None, "zalobot_token": None}
    )
    app = await build(web_only)
    runner = web.AppRunner(app.webapp, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, config.web_host, config.web_port).start()
    log.info("web server on http://%s:%s", config.web_host, config.web_port)
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, done.set)
    try:
        await done.wait()
    finally:
        await runner.cleanup()
        await app.engine.dispose()
