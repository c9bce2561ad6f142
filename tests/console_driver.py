"""A driver that types into the console channel and returns what the bot printed."""

from __future__ import annotations

import io

from bot.app import App


class ConsoleDriver:
    """Feed lines as a person at the terminal would; read the output."""

    def __init__(self, app: App) -> None:
        assert app.console is not None
        self.app = app
        self.console = app.console
        self.out = io.StringIO()
        self.console.out = self.out

    async def type(self, line: str) -> str:
        """Type one line, deliver the outbox, and return everything printed meanwhile."""
        start = self.out.tell()
        await self.console.feed(line)
        await self.app.sender.drain()
        self.out.seek(start)
        printed = self.out.read()
        self.out.seek(0, io.SEEK_END)
        return printed
