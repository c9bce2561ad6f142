"""The web boundary's parsing: every query string and body of the site, open data and Open311 into typed models.

Handlers never read `request.query` or the body themselves: `@accepts(Model)` validates the query string
into a pydantic model and `read_form` reads a body (capped before it is read) into a mapping of clean
texts. Anything malformed is an `InputError`, which the boundary middleware answers with 400 (413 for a
body over its cap) in the surface's format, so a new endpoint gets the same treatment by using them.
"""

from __future__ import annotations

import email.policy
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl, unquote_to_bytes

from aiohttp import web
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from bot.core.contact import MAX_TEXT
from bot.core.fields import FLAG_CHOICES_EN, FieldError, parse_flag, unprintable

MAX_URL = 4096  # bytes of path and query string
MAX_FIELDS = 64
MAX_VALUE = 16_000  # characters of one query or form value (a text of 4,000 characters fits, however written)
UNAUTHENTICATED_BODY = 8 * 1024
AUTHENTICATED_BODY = 64 * 1024
MAX_PAGE = 100_000
SHORT = 300  # names, companies, addresses, codes
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R", bound=web.StreamResponse)


class InputError(Exception):
    """A request that cannot be served as sent: answered `status` with `description` (never a 5xx)."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# -- the URL -------------------------------------------------------------------------------------------
def check_url(request: web.Request) -> None:
    """The path and every query value are bounded, percent-encoded UTF-8 and printable."""
    raw = request.raw_path
    if len(raw) > MAX_URL:
        raise InputError(400, f"the address is longer than {MAX_URL} bytes")
    path, _, query = raw.partition("?")
    _decoded(path, "the path")
    pairs = [pair for pair in query.split("&") if pair]
    if len(pairs) > MAX_FIELDS:
        raise InputError(400, f"the query string has more than {MAX_FIELDS} parameters")
    for pair in pairs:
        name, _, value = pair.partition("=")
        label = _decoded(name.replace("+", " "), "a parameter name")
        _decoded(value.replace("+", " "), label)


def _decoded(raw: str, label: str) -> str:
    try:
        decoded = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeError:
        raise InputError(400, f"{label} is not percent-encoded UTF-8") from None
    if unprintable(decoded):
        raise InputError(400, f"{label} contains a control character")
    return decoded


# -- typed values ----------------------------------------------------------------------------------------
def whole(maximum: int, clamp: bool = False) -> Callable[[Any], int]:
    """A validator of a whole number from 1 to `maximum` (above it: refused, or `maximum` with `clamp`)."""

    def parse(raw: Any) -> int:
        if isinstance(raw, str) and re.fullmatch(r"[0-9]{1,12}", raw.strip()):
            value = int(raw)
            if value >= 1 and (clamp or value <= maximum):
                return min(value, maximum)
        raise ValueError(f"must be a whole number from 1 to {maximum}")

    return parse


def _moment(raw: Any) -> datetime:
    """An ISO 8601 date or date-time (UTC without an offset; '+' arriving as a space is read back as '+')."""
    try:
        value = datetime.fromisoformat(str(raw).strip().replace("Z", "+00:00").replace(" ", "+"))
        value = (value.replace(tzinfo=UTC) if value.tzinfo is None else value).astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValueError("must be an ISO 8601 date-time from 1900 to 9999, e.g. 2026-03-10T09:00:00+07:00") from None
    if value < EARLIEST:
        raise ValueError("must be an ISO 8601 date-time from 1900 to 9999, e.g. 2026-03-10T09:00:00+07:00")
    return value


def _flag(raw: Any) -> bool:
    try:
        return parse_flag(raw)
    except FieldError:
        raise ValueError(f"must be one of {FLAG_CHOICES_EN}") from None


def bounded(maximum: int) -> Callable[[Any], str]:
    """A validator of a stripped text of at most `maximum` characters."""

    def parse(raw: Any) -> str:
        text = str(raw).strip()
        if len(text) > maximum:
            raise ValueError(f"is longer than {maximum} characters")
        return text

    return parse


Page = Annotated[int, BeforeValidator(whole(MAX_PAGE))]
Moment = Annotated[datetime, BeforeValidator(_moment)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Short = Annotated[str, BeforeValidator(bounded(SHORT))]
Long = Annotated[str, BeforeValidator(bounded(MAX_TEXT))]


class Query(BaseModel):
    """Parameters every page takes; unknown parameters are ignored (after the URL check)."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    lang: str = "vi"


def parse(model: type[M], data: Mapping[str, Any]) -> M:
    """The model, or InputError(400) naming the first wrong field and what it accepts."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(400, describe(exc)) from None


def describe(exc: ValidationError) -> str:
    """'page must be a whole number from 1 to 100000' from pydantic's first error."""
    err = exc.errors(include_url=False)[0]
    name = ".".join(str(part) for part in err["loc"]) or "the request"
    cause = err.get("ctx", {}).get("error")
    message = str(cause) if isinstance(cause, ValueError) else err["msg"].lower()
    if err["type"] == "missing":
        message = "is required"
    return f"{name} {message}"


def query_of(request: web.Request) -> dict[str, str]:
    """The query string as a mapping (the first value of a repeated parameter)."""
    return {name: request.query.getone(name) for name in request.query}


Handler = Callable[[web.Request], Awaitable[R]]
QUERY_MODELS: dict[Callable[..., Any], type[BaseModel]] = {}  # each @accepts handler's model (tests/fuzz_web.py)


def accepts(model: type[M]) -> Callable[[Callable[[web.Request, M], Awaitable[R]]], Handler[R]]:
    """A handler that gets its query string parsed into `model` (400 when it does not parse)."""

    def wrap(handler: Callable[[web.Request, M], Awaitable[R]]) -> Handler[R]:
        async def handle(request: web.Request) -> R:
            return await handler(request, parse(model, query_of(request)))

        handle.__name__, handle.__doc__ = handler.__name__, handler.__doc__
        QUERY_MODELS[handle] = model
        return handle

    return wrap


# -- bodies ---------------------------------------------------------------------------------------------
async def read_body(request: web.Request, cap: int) -> bytes:
    """The body, refused with 413 as soon as it is known to exceed `cap` bytes (by its length, or while reading)."""
    too_large = InputError(413, f"the body is larger than {cap} bytes")
    if request.content_length is not None and request.content_length > cap:
        raise too_large
    body = bytearray()
    async for chunk in request.content.iter_any():
        body += chunk
        if len(body) > cap:
            raise too_large
    return bytes(body)


async def read_form(request: web.Request, cap: int) -> dict[str, str]:
    """A form (url-encoded, multipart without files, or a flat JSON object) as clean texts by name."""
    body = await read_body(request, cap)
    kind = request.content_type
    if not body.strip():
        fields: list[tuple[str, str]] = []
    elif kind == "application/x-www-form-urlencoded":
        fields = _urlencoded(body)
    elif kind == "multipart/form-data":
        fields = _multipart(request.headers.get("Content-Type", ""), body)
    elif kind == "application/json":
        fields = _json(body)
    else:
        raise InputError(400, "send the form as application/x-www-form-urlencoded, multipart/form-data or JSON")
    if len(fields) > MAX_FIELDS:
        raise InputError(400, f"the form has more than {MAX_FIELDS} fields")
    form: dict[str, str] = {}
    for name, value in fields:
        if unprintable(name) or unprintable(value):
            raise InputError(400, f"{name if not unprintable(name) else 'a field name'} contains a control character")
        if len(value) > MAX_VALUE:
            raise InputError(400, f"{name} is longer than {MAX_VALUE} characters")
        form.setdefault(name, value)
    return form


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(400, "the body is not UTF-8") from None


def _urlencoded(body: bytes) -> list[tuple[str, str]]:
    try:
        return parse_qsl(_utf8(body), keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise InputError(400, "a form value is not percent-encoded UTF-8") from None
    except ValueError:
        raise InputError(400, f"the form has more than {MAX_FIELDS} fields") from None


def _multipart(content_type: str, body: bytes) -> list[tuple[str, str]]:
    if "boundary=" not in content_type:
        raise InputError(400, "multipart/form-data needs a boundary parameter")
    try:
        head = f"Content-Type: {content_type}\r\n\r\n".encode("ascii")
    except UnicodeEncodeError:
        raise InputError(400, "the Content-Type header is not ASCII") from None
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        raise InputError(400, "the multipart/form-data body is malformed")
    fields = []
    for part in message.iter_parts():
        assert isinstance(part, EmailMessage)
        name = part.get_param("name", header="content-disposition")
        form_data = part.get_content_disposition() == "form-data"  # RFC 7578 §4.2: every part is form-data
        if not form_data or not isinstance(name, str) or part.is_multipart() or part.defects:
            raise InputError(400, "every multipart part needs a form-data name")
        if part.get_filename() is not None:
            raise InputError(400, "files are not accepted; send a media_url instead")
        payload = part.get_payload(decode=True)
        fields.append((name, _utf8(payload if isinstance(payload, bytes) else b"")))
    return fields


def _json(body: bytes) -> list[tuple[str, str]]:
    try:
        data = json.loads(_utf8(body))
    except (ValueError, RecursionError):
        raise InputError(400, "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise InputError(400, "the body must be a JSON object")
    fields = []
    for name, value in data.items():
        if isinstance(value, dict | list):
            raise InputError(400, f"{name} must be a text, a number or true/false")
        if value is not None:
            fields.append((name, json.dumps(value) if isinstance(value, bool | float) else str(value)))
    return fields
