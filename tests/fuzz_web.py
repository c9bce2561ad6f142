"""Web fuzzing shared by tests/test_fuzz_web.py (hypothesis) and bench/fuzz_web.py: requests, the world, verdicts.

Four surfaces: every GET route of the public site (web_get) and of Open311 (open311_get), read off the
application's router, with random and mutated query strings and path parameters; POSTs of service requests to
Open311 (open311_post) and of bodies to every other route of the site (web_post). Bodies are url-encoded,
multipart (with and without a boundary), JSON, not UTF-8, of the wrong content type, oversized or compressed
wrongly, with a valid, revoked, wrong or no api_key. A case is invalid when it is malformed by construction
(a GET never changes anything; a POST is invalid when its key, encoding or a required field is broken). The
world runs the real application on a migrated SQLite (or PostgreSQL) database seeded by tests/web_seed.py,
served by aiohttp on 127.0.0.1, and judges each response: no 5xx, no exception logged, invalid input changes
nothing, and any change is exactly one new ticket answered 200 with a service request naming it.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import re
import zlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode
from xml.etree import ElementTree as ET

from aiohttp import ClientResponseError, web
from aiohttp.test_utils import TestServer
from sqlalchemy import select
from yarl import URL

from bot.app import build, stop
from bot.web.apikeys import create_key, revoke_keys
from bot.web.inputs import AUTHENTICATED_BODY, MAX_FIELDS, MAX_URL, MAX_VALUE, UNAUTHENTICATED_BODY
from storage import models
from tests.conftest import FakeClock, make_config
from tests.fuzz_chat import COUNTED, Case, CrashLog, Outcome, World, crash_log, odd_text
from tests.web_seed import Seeded, seed

SURFACES = ("web_get", "open311_get", "open311_post", "web_post")
OPEN311 = "/open311/"
REQUESTS = re.compile(r"/open311/v2/requests\.(json|xml)")
TICKETS = COUNTED.index(models.Ticket)


@dataclass(frozen=True)
class WebCase(Case):
    """One HTTP request: `target` is the path and raw (already percent-encoded) query string."""

    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def creates(self) -> bool:
        """A POST of a service request, the only request that may add a ticket."""
        return self.method == "POST" and REQUESTS.fullmatch(self.target.partition("?")[0]) is not None


PARSER_LINE = 8190  # the longest request line aiohttp's HTTP parser reads


@dataclass(frozen=True)
class WebOutcome(Outcome):
    """What one request did, with what a change must look like: one ticket added and named by a 200 answer."""

    added: int = 0
    answered: str | None = None  # the service_request_id of a 200/201 answer to a POST, when it is well-formed
    newest: str | None = None  # the code of the newest ticket afterwards, when one was added

    def bad(self, case: Case) -> list[str]:
        found = super().bad(case)
        accepted = self.status in (200, 201)
        if self.changed and not (self.added == 1 and accepted and self.answered and self.answered == self.newest):
            found.append("changed the database without one ticket named by a well-formed 200")
        if isinstance(case, WebCase) and case.creates and accepted and not self.changed:
            found.append(f"answered {self.status} but saved nothing")
        return found


# -- values ---------------------------------------------------------------------------------------------
NUMBERS = [
    "0", "1", "2", "3", "-1", "-0", "+1", " 1", "1 ", "1.5", "1e3", "1e308", "0x10", "1_000", "007", "NaN",
    "Infinity", "99999999999999999999", str(2**63), str(2**64 + 1), "9" * 400, "²", "１", "٣", "1000", "1001",
    "30", "90", "365", "100000", "100001",
]  # fmt: skip
MOMENTS = [
    "2026-03-10", "2026-03-10T09:00:00+07:00", "2026-03-10T09:00:00Z", "2026-03-10T09:00:00", "2020-01-01",
    "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00", "9999-12-31", "0001-01-01", "1899-12-31",
    "1900-01-01T00:00:00+00:01", "2026-13-01", "2026-02-30", "2026-03-10T25:00", "2026-03-10T09:00:00+99:00",
    "2026-03-10T09:00:00+23:59", "2026-03-10T09:00:00-00:00", "2026-03-10T09:00:00.123456789",
    "2026-03-10 09:00:00 07:00", "2026-03-10T09:00:00 07:00", "10000-01-01", "0000-00-00", "20260310",
    "2026-W11-2", "2026-069", "2026-03-10T09:00:00+07:00:00.5", "T", "-", "2026-03-10T09:00:00+0700",
]  # fmt: skip
WORDS = [
    "", "vi", "en", "zh", "xx", "VI", "open", "closed", "open,closed", ",", ",,open", "true", "false", "có",
    "không", "maybe", "1", "LS-AAAAAA", "ls-aaaaaa", "LS-AAAAAA," * 40, "a" * 5000, "phan_anh", "to_cao",
    "gia_nhap_thi_truong", "tiep_can_dat_dai", "so_xay_dung", "thue_tinh", "khong_co", "Hoàn thuế chậm", "😀",
    "\u202e", "\ud800", "a\udfffb", "\x00", "\x7f", "\n", "\t", "<script>", "' OR 1=1 --", "%", "%zz", "+",
]  # fmt: skip
# raw query-string fragments that are malformed as percent-encoding or as UTF-8
BROKEN = ["%", "%G1", "%F", "%FF%FE", "%C0%AF", "%ED%A0%80", "%ED%BF%BF", "%E1%BB", "%00", "%0A", "%7F", "%C2%85"]


BAD_FLAGS = ("maybe", "2", "ok")  # neither yes nor no: a create carrying one must be refused


def odd_value(rng: random.Random, valid: Callable[[random.Random], str] | None = None) -> str:
    """A query or form value: often one the parameter accepts, else a number, a date or a text of any kind."""
    roll = rng.random()
    if valid is not None and roll < 0.35:
        return valid(rng)
    if roll < 0.55:
        return rng.choice(NUMBERS)
    if roll < 0.75:
        return rng.choice(MOMENTS)
    if roll < 0.9:
        return rng.choice(WORDS)
    return odd_text(rng)


def encoded(rng: random.Random, text: str) -> str:
    """`text` percent-encoded as UTF-8 (lone surrogates as their three bytes), spaces sometimes as '+'."""
    raw = quote(text.encode("utf-8", "surrogatepass"), safe="" if rng.random() < 0.8 else ",:")
    return raw.replace("%20", "+") if rng.random() < 0.5 else raw


def query_string(rng: random.Random, names: list[str], valid: dict[str, Callable[[random.Random], str]]) -> str:
    """A query string over `names` (and others): repeated keys, empty pairs, broken encodings, too many, too long."""
    pairs: list[str] = []
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4, 6])):
        name = rng.choice(names) if rng.random() < 0.85 else odd_text(rng)[:12]
        value = encoded(rng, odd_value(rng, valid.get(name)))
        roll = rng.random()
        if roll < 0.08:
            value = value[: rng.randrange(len(value) + 1)] + rng.choice(BROKEN)
        elif roll < 0.12:
            pairs.append(encoded(rng, name))  # a name without '='
            continue
        pairs.append(f"{encoded(rng, name)}={value}")
        if rng.random() < 0.1:  # the same key again
            pairs.append(f"{encoded(rng, name)}={encoded(rng, odd_value(rng, valid.get(name)))}")
    roll = rng.random()
    if roll < 0.03:
        pairs += ["x=1"] * (MAX_FIELDS + 1)
    elif roll < 0.05:
        pairs.append("q=" + "a" * MAX_URL)
    elif roll < 0.08:
        pairs += ["", ";", "=", "&"]
    rng.shuffle(pairs)
    return "&".join(pairs)


# -- routes ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    """A route of the application's router: its method and path template ('/t/{code}')."""

    method: str
    template: str


def routes_of(webapp: web.Application) -> list[Route]:
    """Every route the application serves, as its router lists them (HEAD aside: aiohttp adds one per GET)."""
    found = []
    for route in webapp.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        template = info.get("formatter") or info.get("path")
        if template and route.method != "HEAD":
            found.append(Route(route.method, str(template)))
    return sorted(set(found), key=lambda r: (r.template, r.method))


# -- the world ------------------------------------------------------------------------------------------
class WebWorld(World):
    """The seeded application behind aiohttp on 127.0.0.1, and a generator of cases for one surface."""

    def __init__(
        self, surface: str, app: Any, url: str, crashes: CrashLog, seeded: Seeded, key: str, revoked: str
    ) -> None:
        super().__init__(app, url, {}, crashes)
        self.surface, self.seeded, self.key, self.revoked = surface, seeded, key, revoked
        rules = app.core.rules
        self.topics, self.agencies = sorted(rules.topics_by_id), sorted(rules.agencies_by_id)
        routes = routes_of(app.webapp)
        self.gets = [
            r for r in routes if r.method == "GET" and r.template.startswith(OPEN311) == (surface != "web_get")
        ]
        self.others = [r for r in routes if not r.template.startswith(OPEN311)]
        self.valid: dict[str, Callable[[random.Random], str]] = {
            "lang": lambda g: g.choice(["vi", "en", "zh"]),
            "days": lambda g: g.choice(["", "30", "90", "365"]),
            "page": lambda g: str(g.randint(1, 3)),
            "page_size": lambda g: str(g.choice([1, 2, 100, 1000, 5000])),
            "code": lambda g: g.choice(seeded.all).lower() if g.random() < 0.3 else g.choice(seeded.all),
            "service_request_id": lambda g: ",".join(g.sample(seeded.all, g.randint(1, 3))),
            "service_code": lambda g: ",".join(g.sample(self.topics, g.randint(1, 2))),
            "status": lambda g: g.choice(["open", "closed", "open,closed"]),
            "start_date": lambda g: g.choice(["2020-01-01T00:00:00+07:00", "2026-03-01", "2026-03-10T00:00:00Z"]),
            "end_date": lambda g: g.choice(["2026-12-31T23:59:59+07:00", "2026-03-11", "2030-01-01"]),
            "api_key": lambda g: g.choice([key, revoked, "pcb_wrong"]),
        }
        self.names = sorted({*self.valid, "jurisdiction_id", "lat", "long", "format", "callback"})

    def case(self, rng: random.Random) -> WebCase:
        if self.surface == "open311_post":
            return self._create(rng)
        if self.surface == "web_post":
            return self._post_elsewhere(rng)
        route = rng.choice(self.gets)
        path = self._path(rng, route.template)
        query = query_string(rng, self.names, self.valid)
        method = "HEAD" if rng.random() < 0.1 else "GET"
        return WebCase(b"", True, f"{method} {route.template}", f"{path}?{query}" if query else path, method=method)

    def _path(self, rng: random.Random, template: str) -> str:
        """The template with its parameters filled: known codes and ids, or anything."""

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if rng.random() < 0.3:
                return encoded(rng, odd_value(rng)).replace("+", "%2B") or "x"
            if name == "fmt":
                return rng.choice(["json", "xml", "json", "xml", "csv", "JSON", "html", ""])
            if name == "code":
                known = self.seeded.all + ["LS-AAAAAA"] + (self.topics if "services" in template else [])
                return (
                    encoded(rng, rng.choice(known)) if rng.random() < 0.8 else encoded(rng, rng.choice(known).lower())
                )
            return encoded(rng, rng.choice(self.agencies + self.topics))

        return re.sub(r"\{(\w+)\}", fill, template)

    # -- bodies ---------------------------------------------------------------------------------------
    def form(self, rng: random.Random) -> tuple[list[tuple[str, str]], bool, str]:
        """A service request's fields, maybe mutated: (fields, invalid?, what was done)."""
        flags = ["true", "false", "có", "không", "1", "0", "yes", "no"]
        fields = [
            ("service_code", rng.choice(self.topics)),
            ("description", rng.choice(["Hoàn thuế giá trị gia tăng bị chậm", "Thủ tục cấp phép xây dựng kéo dài"])),
        ]
        optional = [
            ("first_name", rng.choice(["An", "Nguyễn Văn", "Lê"])),
            ("last_name", "Bình"),
            ("phone", rng.choice(["0912345678", "+84 912 345 678", "0205 3812 345"])),
            ("address_string", rng.choice(["Tam Thanh, Lạng Sơn", "Kỳ Lừa", "05986"])),
            (rng.choice(["attribute[kind]", "kind"]), rng.choice(["phan_anh", "kien_nghi", "hoi_dap"])),
            (rng.choice(["attribute[company]", "company"]), "Công ty TNHH Hoàng Long"),
            (rng.choice(["attribute[tax_code]", "tax_code"]), rng.choice(["4900123456", "4900123456-001"])),
            (rng.choice(["attribute[confidential]", "confidential"]), rng.choice(flags)),
            (rng.choice(["attribute[consent_publish]", "consent_publish"]), rng.choice(flags)),
            ("attribute[publish_company]", rng.choice(flags)),
        ]
        fields += rng.sample(optional, rng.randint(0, len(optional)))
        rng.shuffle(fields)
        roll = rng.random()
        at = rng.randrange(len(fields))
        name = fields[at][0]
        if roll < 0.1:  # a required field deleted or emptied
            fields = [(n, "" if rng.random() < 0.5 else v) for n, v in fields if n not in ("service_code",)]
            return fields, True, "no service_code"
        if roll < 0.15:
            fields = [(n, v) for n, v in fields if n != "description"]
            return fields, True, "no description"
        if roll < 0.2:
            fields = [(n, rng.choice(["khong_co", "GIA_NHAP_THI_TRUONG", "../etc"]) if n == "service_code" else v)
                      for n, v in fields]  # fmt: skip
            return fields, True, "unknown service_code"
        if roll < 0.3:  # a value no field accepts: a control character, a lone surrogate, too long
            bad = rng.choice(["\x00", "\ud800", "a\udc00b", "\x1b[31m", "\x7f", "x" * (MAX_VALUE + 1)])
            fields[at] = (name, fields[at][1] + bad)
            return fields, True, f"unacceptable value in {name}"
        if roll < 0.35:  # the only value of that flag (under either of its names: attribute[x] would win)
            flag = rng.choice(["confidential", "consent_publish"])
            fields = [(n, v) for n, v in fields if n not in (flag, f"attribute[{flag}]")]
            fields.insert(0, (rng.choice([flag, f"attribute[{flag}]"]), rng.choice(BAD_FLAGS)))
            return fields, True, "a flag that is neither yes nor no"
        if roll < 0.55:  # any other value anywhere (the request may still be acceptable)
            fields[at] = (name, odd_value(rng).replace("\x00", "").replace("\ud800", ""))
            return fields, False, f"odd value in {name}"
        if roll < 0.65:
            fields.append((odd_text(rng)[:20] or "extra", odd_value(rng)))
            return fields, False, "extra field"
        if roll < 0.7:
            fields.append((name, odd_value(rng)))  # repeated: the first value counts
            return fields, False, f"repeated {name}"
        return fields, False, "valid"

    def body(self, rng: random.Random, fields: list[tuple[str, str]]) -> tuple[bytes, str, bool, str]:
        """Fields encoded one way or another: (body, Content-Type, malformed?, how)."""
        roll = rng.random()
        if roll < 0.3:
            data = urlencode(fields, encoding="utf-8", errors="surrogatepass").encode("ascii")
            kind = "application/x-www-form-urlencoded" + ("; charset=utf-8" if rng.random() < 0.2 else "")
            return data, kind, False, "url-encoded"
        if roll < 0.5:
            boundary = "----pcibot" + str(rng.randrange(10**9))
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n'.encode("utf-8", "surrogatepass")
                + v.encode("utf-8", "surrogatepass")
                + b"\r\n"
                for n, v in fields
            ]
            data = b"".join(parts) + f"--{boundary}--\r\n".encode()
            how = rng.random()
            if how < 0.15:
                return data, "multipart/form-data", True, "multipart without a boundary"
            if how < 0.25:
                return data, "multipart/form-data; boundary=other", True, "multipart with the wrong boundary"
            if how < 0.35:
                data = data.replace(b"form-data;", b"attachment;", 1)
                return data, f"multipart/form-data; boundary={boundary}", True, "multipart part without form-data"
            if how < 0.42:
                head = f'--{boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.jpg"\r\n\r\nJPEG\r\n'
                return head.encode() + data, f"multipart/form-data; boundary={boundary}", True, "multipart with a file"
            if how < 0.5:
                return data[: rng.randrange(len(data))], f"multipart/form-data; boundary={boundary}", True, "cut"
            return data, f"multipart/form-data; boundary={boundary}", False, "multipart"
        if roll < 0.7:
            obj: dict[str, Any] = {}
            for n, v in fields:
                obj.setdefault(n, v)
            how = rng.random()
            if how < 0.1:
                obj[rng.choice(list(obj) or ["x"])] = rng.choice([["a"], {"a": 1}])
                text, malformed, label = json.dumps(obj), True, "JSON with a nested value"
            elif how < 0.2:
                text, malformed, label = (
                    rng.choice(["[" * 5000, "[]", "null", '"x"', "1", "{"]),
                    True,
                    "JSON not an object",
                )
            elif how < 0.3:
                text = json.dumps(obj)
                text, malformed, label = text[: rng.randrange(1, len(text))], True, "JSON cut short"
            else:
                for name in rng.sample(list(obj), min(len(obj), rng.randint(0, 2))):  # numbers, true/false, null
                    if name not in ("service_code", "description") and obj[name] not in BAD_FLAGS:
                        obj[name] = rng.choice([None, True, 12, 1.5, 2**70])
                text, malformed, label = json.dumps(obj, ensure_ascii=rng.random() < 0.5), False, "JSON"
            return text.encode("utf-8", "surrogatepass"), "application/json", malformed, label
        if roll < 0.8:  # not UTF-8: Latin-1 bytes where UTF-8 is expected
            data = urlencode(fields, encoding="utf-8", errors="surrogatepass").encode("ascii")
            raw = (
                data.replace(b"description=", b"description=\xff\xfe", 1) if b"description=" in data else b"\xff" + data
            )
            kind = rng.choice(["application/x-www-form-urlencoded", "application/json"])
            return raw, kind, True, "not UTF-8"
        if roll < 0.9:  # the content type is not a form's
            data = urlencode(fields, encoding="utf-8", errors="surrogatepass").encode("ascii")
            kind = rng.choice(["text/plain", "application/xml", "application/octet-stream", "", "form", "*/*"])
            return data, kind, True, f"Content-Type {kind!r}"
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 300))), rng.choice(
            ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json"]
        ), True, "random bytes"  # fmt: skip

    def _create(self, rng: random.Random) -> WebCase:
        """A POST of a service request to Open311, with its key in the query, in the body, wrong or absent."""
        fields, invalid, label = self.form(rng)
        where = rng.choice(["query", "query", "body", "body", "none", "wrong", "revoked"])
        key = {"wrong": "pcb_" + "x" * 43, "revoked": self.revoked}.get(where, self.key)
        query = f"api_key={quote(key)}" if where in ("query", "wrong", "revoked") and rng.random() < 0.7 else ""
        if where in ("body", "wrong", "revoked") and not query:
            fields.insert(rng.randrange(len(fields) + 1), ("api_key", key))
        invalid |= where in ("none", "wrong", "revoked")
        cap = AUTHENTICATED_BODY if where == "query" else UNAUTHENTICATED_BODY
        if rng.random() < 0.05:
            fields.append(("description", "Hồ sơ chậm. " * (cap // 12)))
            fields.insert(0, fields.pop())
            invalid, label = True, "a body over its cap"
        data, kind, malformed, how = self.body(rng, fields)
        invalid |= malformed or len(data) > cap
        headers = [("Content-Type", kind)] if kind else []
        data, headers, compressed = self._compressed(rng, data, headers)
        invalid |= compressed
        path = rng.choice(["/open311/v2/requests.json", "/open311/v2/requests.xml"])
        if rng.random() < 0.1:
            path = self._path(
                rng, rng.choice([r.template for r in self.gets if r.template != "/open311/v2/requests.{fmt}"])
            )
            invalid = True  # a POST where Open311 takes none
        if rng.random() < 0.1:
            extra = query_string(rng, self.names, self.valid)
            query = "&".join(q for q in (query, extra) if q)
        target = f"{path}?{query}" if query else path
        return WebCase(data, invalid, f"{label}, {how}, key {where}", target, method="POST", headers=tuple(headers))

    def _compressed(
        self, rng: random.Random, data: bytes, headers: list[tuple[str, str]]
    ) -> tuple[bytes, list[tuple[str, str]], bool]:
        """Sometimes a Content-Encoding, honest or not: (body, headers, made malformed?)."""
        roll = rng.random()
        if roll < 0.03:
            return gzip.compress(data), [*headers, ("Content-Encoding", "gzip")], False
        if roll < 0.05:
            return zlib.compress(data), [*headers, ("Content-Encoding", "deflate")], False
        if roll < 0.08:
            encoding = rng.choice(["gzip", "deflate", "br", "zstd", "x-unknown"])
            return data, [*headers, ("Content-Encoding", encoding)], True
        if roll < 0.1:  # a small gzip that inflates far beyond any cap
            return gzip.compress(b"a" * (4 * AUTHENTICATED_BODY)), [*headers, ("Content-Encoding", "gzip")], True
        return data, headers, False

    def _post_elsewhere(self, rng: random.Random) -> WebCase:
        """A body sent to a route of the site that takes none (or to no route at all): nothing may change."""
        route = rng.choice(self.others)
        path = self._path(rng, route.template) if rng.random() < 0.9 else "/" + encoded(rng, odd_text(rng))
        fields, _, label = self.form(rng)
        if rng.random() < 0.5:
            fields.append(("api_key", self.key))
        data, kind, _, how = self.body(rng, fields)
        headers = [("Content-Type", kind)] if kind else []
        data, headers, _ = self._compressed(rng, data, headers)
        method = rng.choice(["POST", "POST", "POST", "PUT", "PATCH", "DELETE"])
        query = query_string(rng, self.names, self.valid) if rng.random() < 0.3 else ""
        target = f"{path}?{query}" if query else path
        return WebCase(
            data, True, f"{method} {route.template}: {label}, {how}", target, method=method, headers=tuple(headers)
        )

    # -- sending --------------------------------------------------------------------------------------
    async def send(self, case: Case) -> WebOutcome:
        """Send one request, read the whole answer, and judge it."""
        assert isinstance(case, WebCase)
        before, crashes = await self.protected(), self.crashes.count
        url = URL(self.url.rstrip("/") + case.target, encoded=True)
        body = b""
        try:
            async with self.http.request(
                case.method, url, data=case.body or None, headers=dict(case.headers), skip_auto_headers=["Content-Type"]
            ) as resp:
                status, body = resp.status, await resp.read()
        except ClientResponseError as exc:
            # aiohttp's server refuses a request line over 8190 bytes with a 400 its own client cannot parse
            # ("data after Connection: close"); anything else unparseable is our server's fault
            too_long = len(case.method) + len(case.target) + len(" HTTP/1.1") > PARSER_LINE
            status, body = (400 if too_long else 599), repr(exc).encode()
        except (OSError, TimeoutError) as exc:  # aiohttp's connection errors are OSErrors
            status, body = 599, repr(exc).encode()
        after = await self.protected()
        added = after[TICKETS] - before[TICKETS]
        newest = await self._newest() if added else None
        answered = service_request_id(case.target, body) if case.creates and status in (200, 201) else None
        return WebOutcome(status, self.crashes.count > crashes, after != before, added, answered, newest)

    async def _newest(self) -> str | None:
        async with self.app.core.maker() as session:
            return await session.scalar(select(models.Ticket.code).order_by(models.Ticket.id.desc()).limit(1))


def service_request_id(target: str, body: bytes) -> str | None:
    """The id in a POST's answer when it is the spec's list of one service request (JSON or XML), else None."""
    try:
        if target.partition("?")[0].endswith(".xml"):
            root = ET.fromstring(body)
            requests = root.findall("request")
            ok = root.tag == "service_requests" and len(requests) == 1
            return requests[0].findtext("service_request_id") if ok else None
        items = json.loads(body)
    except (ValueError, ET.ParseError):
        return None
    if isinstance(items, list) and len(items) == 1 and isinstance(items[0], dict):
        found = items[0].get("service_request_id")
        return found if isinstance(found, str) else None
    return None


@asynccontextmanager
async def world(surface: str, db_url: str) -> AsyncIterator[WebWorld]:
    """The seeded application (a migrated database at `db_url`, a valid and a revoked api_key) for one surface."""
    async with crash_log() as crashes:
        clock = FakeClock(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
        app = await build(make_config(db_url), clock=clock, migrate=True)
        server: TestServer | None = None
        try:
            assert app.console is not None
            app.console.out = io.StringIO()
            seeded = await seed(app, clock)
            async with app.core.maker() as session, session.begin():
                _row, key = await create_key(session, "Cổng thông tin điện tử tỉnh", app.core.now())
                _old, revoked = await create_key(session, "Đối tác cũ", app.core.now())
                await session.flush()
                await revoke_keys(session, "Đối tác cũ", app.core.now())
            server = TestServer(app.webapp, host="127.0.0.1")
            await server.start_server()
            w = WebWorld(surface, app, str(server.make_url("/")), crashes, seeded, key, revoked)
            try:
                yield w
            finally:
                await w.close()
        finally:
            if server is not None:
                await server.close()
            await stop(app)


def summary(surface: str, outcomes: list[tuple[Case, Outcome]], seconds: float) -> str:
    """The bench's line for one surface: responses by status class, then the broken promises."""
    classes = {f"{n}xx": sum(o.status // 100 == n for _, o in outcomes) for n in (2, 3, 4, 5)}
    crashes = sum(o.crashed for _, o in outcomes)
    changed = sum(c.invalid and o.changed for c, o in outcomes)
    failed = sum(bool(o.bad(c)) for c, o in outcomes)
    created = sum(isinstance(o, WebOutcome) and o.added for _, o in outcomes)
    counts = " ".join(f"status_{name}={n}" for name, n in classes.items())
    return (
        f"surface={surface} cases={len(outcomes)} {counts} crashes={crashes} invalid_changed={changed} "
        f"failed={failed} tickets_created={created} seconds={seconds:.1f}"
    )
