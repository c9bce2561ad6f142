"""Assembly: storage + core + channels + outbox sender + web server + scheduler, in one event loop."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.base import Channel
from bot.channels.console import ConsoleChannel
from bot.channels.startup import ChannelStarter
from bot.config import Config
from bot.core import notify
from bot.core.clock import now_utc
from bot.core.outbox import OutboxSender
from bot.core.rules import Rules
from bot.core.services import Core
from handlers.dispatch import Dispatcher
from storage.db import is_sqlite, make_engine, make_sessionmaker, upgrade
from storage.officers import upsert_agencies

log = logging.getLogger(__name__)


class Component(Protocol):
    """Something started after the web server and stopped before the database closes."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass
class App:
    """The running process: everything wired together."""

    config: Config
    engine: AsyncEngine
    core: Core
    dispatcher: Dispatcher
    sender: OutboxSender
    webapp: web.Application
    channels: dict[str, Channel] = field(default_factory=dict)
    components: list[Component] = field(default_factory=list)
    console: ConsoleChannel | None = None
    runner: web.AppRunner | None = None
    starter: ChannelStarter = field(default_factory=ChannelStarter)

    def add_channel(self, channel: Channel) -> None:
        """Register a channel for delivery."""
        self.channels[channel.name] = channel


async def sync_agencies(core: Core) -> None:
    """Upsert the agencies of routing_rules.yaml, keeping their chat bindings."""
    async with core.maker() as session, session.begin():
        rows = [{"id": a.id, "name": a.name, "full_name": a.full_name, "kind": a.kind} for a in core.rules.agencies]
        await upsert_agencies(session, rows)


async def build(
    config: Config,
    *,
    clock: Callable[[], datetime] = now_utc,
    rules: Rules | None = None,
    migrate: bool | None = None,
) -> App:
    """Create every part of the application without starting network listeners."""
    engine = make_engine(config.database_url)
    if migrate if migrate is not None else is_sqlite(config.database_url):
        await upgrade(engine)
    maker = make_sessionmaker(engine)
    core = Core.build(config, maker, rules=rules, clock=clock)
    await sync_agencies(core)
    channels: dict[str, Channel] = {}
    sender = OutboxSender(maker, channels)
    sender.on_unreachable = lambda session, row: notify.business_unreachable(session, core, row)
    dispatcher = Dispatcher(core, on_commit=sender.wake)
    app = App(
        config=config,
        engine=engine,
        core=core,
        dispatcher=dispatcher,
        sender=sender,
        webapp=web.Application(client_max_size=20 * 1024 * 1024),
        channels=channels,
    )
    from bot.web.server import setup_web

    setup_web(app)
    from bot.scheduler import Scheduler

    app.components.append(Scheduler(core, on_work=sender.wake))
    if config.console_enabled:
        app.console = ConsoleChannel(
            maker, dispatcher.handle, core.now, coordinator_agency=core.coordinator_agency
        )
        app.add_channel(app.console)
    if config.telegram_token:
        from bot.channels.telegram import TelegramChannel

        app.add_channel(TelegramChannel(app))
    if config.zalo_oa_enabled:
        from bot.channels import zalo_oa

        zalo_oa.setup(app)
    if config.zalobot_token:
        from bot.channels import zalo_bot

        zalo_bot.setup(app)
    return app


async def start(app: App, *, serve_web: bool = True) -> None:
    """Start the web server, the outbox sender and every component."""
    if serve_web:
        app.runner = web.AppRunner(app.webapp, access_log=None)
        await app.runner.setup()
        await web.TCPSite(app.runner, app.config.web_host, app.config.web_port).start()
        log.info("web server on http://%s:%s", app.config.web_host, app.config.web_port)
    await app.starter.start(app.channels.values())  # an unreachable platform is retried; the site serves on
    for component in app.components:
        await component.start()
    app.sender.start()


async def stop(app: App) -> None:
    """Stop in reverse order and close the database."""
    for component in reversed(app.components):
        await component.stop()
    await app.sender.stop()
    await app.starter.stop()
    for channel in app.channels.values():
        await channel.stop()
    if app.runner is not None:
        await app.runner.cleanup()
    await app.engine.dispose()


async def run(config: Config) -> None:
    """`pcibot run`: serve until Ctrl-C, SIGTERM, or the end of console input."""
    app = await build(config)
    await start(app)
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, done.set)
    try:
        if app.console is not None:
            console = app.console
            repl = asyncio.create_task(console.repl(app.sender.drain))
            waiter = asyncio.create_task(done.wait())
            await asyncio.wait({repl, waiter}, return_when=asyncio.FIRST_COMPLETED)
            for task in (repl, waiter):
                task.cancel()
        else:
            await done.wait()
    finally:
        await stop(app)
