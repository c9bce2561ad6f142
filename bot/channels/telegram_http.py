"""PTB's HTTP layer on aiohttp: the Bot API calls of the Telegram channel go through an aiohttp client session.

python-telegram-bot talks HTTP through a `BaseRequest`; its default, HTTPXRequest, costs several times
more CPU per call than aiohttp's client (measured in bench/bench_telegram.py: button answers and outbox
sends were the largest part of our intake's time). aiohttp is already the server we run; this class
maps PTB's request data (form fields, multipart uploads), its four timeouts and its errors onto it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """A pooled aiohttp session for Bot API calls (one per PTB request object)."""

    def __init__(
        self,
        connection_pool_size: int = 32,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds getUpdates' long-poll `timeout` to it)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (idempotent)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, keepalive_timeout=30)
            self._session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """One HTTP request: form-encoded fields, or multipart when it uploads files."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else None
        body: Any = fields
        if files:
            form = aiohttp.FormData(fields or {})
            for name, (filename, content, mimetype) in files.items():
                form.add_field(name, content, filename=filename, content_type=mimetype)
            body = form
        read = _value(read_timeout, self._read_timeout)
        write = _value(write_timeout, self._media_write_timeout if files else self._write_timeout)
        connect = _value(connect_timeout, self._connect_timeout)
        pool = _value(pool_timeout, self._pool_timeout)
        # aiohttp has no write timeout of its own: the whole request may take connect + write + read
        total = None if None in (connect, write, read) else (connect or 0) + (write or 0) + (read or 0)
        timeout = aiohttp.ClientTimeout(
            total=total,
            connect=None if None in (pool, connect) else (pool or 0) + (connect or 0),
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(
                method, url, data=body, timeout=timeout, proxy=self._proxy(url)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err

    def _proxy(self, url: str) -> str | None:
        """The proxy HTTP(S)_PROXY / NO_PROXY give for this URL's host, as PTB's default HTTPX client honours.

        Looked up once per host: aiohttp's own `trust_env` reads the environment (and ~/.netrc) on every
        request, which halved the calls per second in bench/bench_telegram.py.
        """
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._proxies:
            bypass = proxy_bypass(parts.hostname or "")
            self._proxies[origin] = None if bypass else getproxies().get(parts.scheme)
        return self._proxies[origin]


def _value(given: ODVInput[float], default: float | None) -> float | None:
    """A per-call timeout, or this request object's default when the call left it unset."""
    return default if isinstance(given, DefaultValue) else given
