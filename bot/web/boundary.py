"""The web boundary's middleware: malformed input gets 400/413 in the surface's format, a crash a logged 500."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import http_exceptions, web, web_protocol

from bot.web.inputs import InputError, check_url

log = logging.getLogger(__name__)
OPEN311 = "/open311/"
DECODED = {"", "identity", "gzip", "deflate"}  # the Content-Encodings aiohttp inflates without extra libraries
SERVER_LOG = logging.getLogger("aiohttp.server")


def one_line(exc: BaseException, limit: int) -> str:
    """An exception's message on one line, cut to `limit` characters (aiohttp's span several)."""
    return " ".join(str(exc).split())[:limit]


class ClientFaults(logging.Filter):
    """What aiohttp refuses itself for the client's fault is a warning, not a crash with a traceback.

    aiohttp answers a request line or header it cannot parse (say a URL over 8 KB) with a plain 400, and
    after a request is answered (say 403 before an unauthorised body is read) it drains the rest of the
    body, where a corrupt gzip or chunk ends the connection; both are logged at ERROR with a traceback
    although nothing of ours failed and the client has its answer.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        client_fault = isinstance(exc, http_exceptions.HttpProcessingError) and 400 <= exc.code < 500
        if exc is not None and (client_fault or isinstance(exc, web_protocol.RequestPayloadError)):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg, record.args = "malformed request refused: %s", (one_line(exc, 200),)
            record.exc_info = record.exc_text = None
        return True


def quiet_client_faults() -> None:
    """Install ClientFaults on aiohttp's server logger once."""
    if not any(isinstance(f, ClientFaults) for f in SERVER_LOG.filters):
        SERVER_LOG.addFilter(ClientFaults())


def _checked(request: web.Request) -> bool:
    """Pages and Open311 are checked here; the chat webhooks (other POSTs) guard their own input."""
    return request.method in ("GET", "HEAD") or request.path.startswith(OPEN311)


def error_response(request: web.Request, status: int, description: str) -> web.Response:
    """The error in the format of the surface asked: Open311's error list, the site's page, or plain text."""
    from bot.web import open311, public

    if request.path.startswith(OPEN311):
        return open311.error_response(open311.format_of(request.path), status, description)
    if request.method in ("GET", "HEAD") and public.SITE_KEY in request.app:
        try:
            return public.error_page(request, status, description)
        except Exception:  # the page itself failed: say it plainly
            log.exception("the error page failed on %s", request.path)
    return web.Response(status=status, text=f"{status}: {description}")


@web.middleware
async def boundary(request: web.Request, handler: Any) -> web.StreamResponse:
    """Answer the request; a body left unread ends the connection (it may be huge, or not even decode)."""
    try:
        response = await _answer(request, handler)
    except web.HTTPException as exc:
        _close_if_unread(request, exc)
        raise
    _close_if_unread(request, response)
    return response


def _close_if_unread(request: web.Request, response: web.StreamResponse) -> None:
    if request.body_exists and not request.content.is_eof() and not response.prepared:
        response.force_close()


async def _answer(request: web.Request, handler: Any) -> web.StreamResponse:
    """Check the URL, run the handler, and answer what it refused; last resort: a logged 500 that says nothing."""
    try:
        if _checked(request):
            check_url(request)
        encoding = request.headers.get("Content-Encoding", "").strip().lower()
        if request.body_exists and encoding not in DECODED:  # else aiohttp would hand us the bytes as they came
            raise InputError(415, f"Content-Encoding {encoding[:40]!r} is not supported (gzip or deflate)")
        return await handler(request)  # type: ignore[no-any-return]
    except InputError as err:
        return error_response(request, err.status, err.description)
    except web_protocol.RequestPayloadError as err:  # a body that does not decode (a corrupt gzip, a bad chunk)
        return error_response(request, 400, f"the body cannot be read: {one_line(err, 120)}")
    except web.HTTPNotFound:
        return error_response(request, 404, f"{request.path} not found")
    except web.HTTPMethodNotAllowed as exc:
        if not request.path.startswith(OPEN311):
            raise
        return error_response(request, 405, f"{exc.method} is not allowed here")
    except web.HTTPException:
        raise
    except Exception:  # the last resort: no malformed input should ever get here (the fuzz tests check it)
        log.exception("unexpected error answering %s %s", request.method, request.path)
        return error_response(request, 500, "internal error; it has been logged")
