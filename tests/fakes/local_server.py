"""A fake API on 127.0.0.1 (aiohttp TestServer) with a client session for calling the bot's webhook."""

from __future__ import annotations

from abc import ABC, abstractmethod

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer


class LocalServer(ABC):
    """Serves the routes a subclass adds in `routes`; `start` returns the base URL, `stop` closes everything."""

    _server: TestServer | None = None
    _client: aiohttp.ClientSession | None = None

    @abstractmethod
    def routes(self, app: web.Application) -> None:
        """Add the fake API's routes to `app`."""

    @property
    def url(self) -> str:
        assert self._server is not None
        return str(self._server.make_url("")).rstrip("/")

    async def start(self) -> str:
        app = web.Application()
        self.routes(app)
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()
        self._client = aiohttp.ClientSession()
        return self.url

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.close()
        if self._server is not None:
            await self._server.close()
