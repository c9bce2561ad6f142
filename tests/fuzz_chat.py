"""Chat fuzzing shared by tests/test_fuzz_chat.py (hypothesis) and bench/fuzz_chat.py: cases, worlds, verdicts.

A case is an inbound body built from a valid update of a channel and mutated. Whether a mutation makes it
invalid is known by construction, from the platform's own field types (SPEC), not from pcibot's validator:
a required field deleted or any field given a value of another type is invalid; other texts, extra fields
and optional fields deleted keep it valid. Each world runs the real application on a real SQLite (or
PostgreSQL) database and answers, per case: the HTTP status, whether something crashed (an ERROR logged
with a traceback), and whether the database changed (what inbound handling writes; delivery bookkeeping aside).
"""

from __future__ import annotations

import copy
import json
import logging
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App, build, stop
from bot.channels.zalo_bot import ZaloBotChannel
from bot.config import Config
from bot.core.clock import now_utc
from storage import models
from tests.fakes.telegram_harness import SECRET, Harness
from tests.fakes.zalo_bot import FakeZaloBot
from tests.fakes.zalo_oa import OAHarness
from tests.test_zalo_bot import SECRET as ZALOBOT_SECRET

SURFACES = ("telegram", "zalo", "callback")
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Case:
    """One request body; `invalid` when the platform's own types say it is malformed."""

    body: bytes
    invalid: bool
    label: str
    target: str = ""  # which webhook of a world with several ("oa", "bot")
    timestamp: str = ""  # an OA event's timestamp, part of its signature


@dataclass(frozen=True)
class Outcome:
    """What one case did."""

    status: int
    crashed: bool
    changed: bool

    def bad(self, case: Case) -> list[str]:
        """The broken promises: a 5xx, a crash, invalid input that changed the database."""
        found = [f"status {self.status}"] if self.status >= 500 else []
        found += ["crash"] if self.crashed else []
        found += ["invalid input changed the database"] if case.invalid and self.changed else []
        return found


# -- values ---------------------------------------------------------------------------------------------
BUTTON_DATA = [
    "new",
    "status",
    "lang:en",
    "lang",
    "kind:phan_anh",
    "skip",
    "conf:no",
    "consent:yes",
    "confirm:send",
    "take:LS-AAAAAA",
    "rate:LS-AAAAAA:5",
    "reopen:LS-AAAAAA",
    "transfer:LS-AAAAAA:thue_tinh",
    "outcome:x",
]
ODD_TEXTS = [
    "#pcibot:take:LS-AAAAAA",  # a forged Zalo OA button (its hidden payload comes back as text)
    "#pcibot:rate:LS-AAAAAA:5",
    "#pcibot:lang",
    "",
    " ",
    "\ud800",
    "a\udc00b",
    "\x00",
    "nul\x00inside",
    "\u202eRTL override",
    "e\u0301\u0301\u0301",
    "😀" * 50,
    "x" * 5000,
    "LS-",
    "LS-ZZZZZZ",
    "/start",
    "/status LS-AAAAAA",
    "/lang xx",
    "/take LS-AAAAAA",
    "/reply LS-AAAAAA trả lời",
    "/invite thue_tinh head",
    "/join 000000",
    "/new",
    "/cancel",
    "/hide LS-AAAAAA",
    "/bindagency khong_co",
    "1",
    "99",
    "Hoàn thuế giá trị gia tăng bị chậm",
    "<script>alert(1)</script>",
    "'; DROP TABLE tickets; --",
    "%s %d {0} {code}",
]


def odd_text(rng: random.Random) -> str:
    """A text a user might type, or a hostile one."""
    if rng.random() < 0.6:
        return rng.choice(ODD_TEXTS)
    alphabet = "aăâđêôơưAĂ Ờ ợ 0123456789/:_-\n\t\ud800\udfff\x00\u200b😀中文"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))


def odd_json(rng: random.Random, depth: int = 0) -> Any:
    """Any JSON value (for extra fields)."""
    pick = rng.randrange(7 if depth < 3 else 5)
    if pick == 0:
        return None
    if pick == 1:
        return rng.choice([True, False])
    if pick == 2:
        return rng.choice([0, -1, 2**63, 1.5, 1e308])
    if pick in (3, 4):
        return odd_text(rng)
    if pick == 5:
        return [odd_json(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {odd_text(rng)[:10]: odd_json(rng, depth + 1) for _ in range(rng.randint(0, 3))}


# Each kind: values of another type that the platform never sends there (all invalid), then valid texts.
# "int" is a Telegram integer; "id" a Zalo id (a string; the Bot Platform takes an integer too, "bid");
# JSON numbers inside an OA body are read as strings, so for "oastr" numbers are not a type error.
WRONG: dict[str, list[Any]] = {
    "int": ["12", 1.5, 7.0, True, None, [], {}, 2**64],
    "bool": ["true", 1, None, [], {}],
    "str": [5, 1.5, True, None, [], {}],
    "oastr": [True, [], {}],
    "bid": [1.5, True, [], {}],
    "obj": ["x", 5, True, [], None],
    "list": ["x", 5, {}, None],
}


# -- the platforms' field types --------------------------------------------------------------------------
# path → (kind, required): the fields of each base update that pcibot reads
Spec = dict[Path, tuple[str, bool]]

TG_USER: Spec = {
    ("id",): ("int", True),
    ("is_bot",): ("bool", True),
    ("first_name",): ("str", True),
    ("language_code",): ("str", False),
}
TG_CHAT: Spec = {("id",): ("int", True), ("type",): ("str", True)}


def _under(prefix: Path, spec: Spec) -> Spec:
    return {prefix + path: kind for path, kind in spec.items()}


def tg_message_spec(prefix: Path) -> Spec:
    """A message's used fields (required inside the message; the message itself is optional)."""
    return {
        prefix: ("obj", False),
        prefix + ("message_id",): ("int", True),
        prefix + ("date",): ("int", True),
        prefix + ("chat",): ("obj", True),
        **_under(prefix + ("chat",), TG_CHAT),
        prefix + ("from",): ("obj", False),
        **_under(prefix + ("from",), TG_USER),
    }


def tg_update(rng: random.Random, update_id: int, users: list[int], groups: list[int]) -> tuple[dict[str, Any], Spec]:
    """A valid Telegram update (text, group text, photo, contact, button press) and the spec of its fields."""
    user_id = rng.choice(users)
    user = {"id": user_id, "is_bot": False, "first_name": "Khách", "language_code": rng.choice(["vi", "en", "zh"])}
    chat: dict[str, Any] = {"id": user_id, "type": "private"}
    if rng.random() < 0.2:
        chat = {"id": rng.choice(groups), "type": "supergroup", "title": "Nhóm"}
    message: dict[str, Any] = {"message_id": rng.randint(1, 10**6), "date": 1773100000, "chat": chat, "from": user}
    spec = {("update_id",): ("int", True), **tg_message_spec(("message",))}
    kind = rng.randrange(4)
    if kind == 3:  # a press on a button under a message the bot sent
        bot = {"id": 999, "is_bot": True, "first_name": "pcibot"}
        query = {
            "id": str(update_id),
            "from": user,
            "chat_instance": "ci",
            "message": {**message, "from": bot},
            "data": rng.choice(BUTTON_DATA) if rng.random() < 0.7 else odd_text(rng),
        }
        spec = {
            ("update_id",): ("int", True),
            ("callback_query",): ("obj", False),
            ("callback_query", "id"): ("str", True),
            ("callback_query", "chat_instance"): ("str", True),
            ("callback_query", "from"): ("obj", True),
            **_under(("callback_query", "from"), TG_USER),
            ("callback_query", "data"): ("str", False),
            **tg_message_spec(("callback_query", "message")),
        }
        return {"update_id": update_id, "callback_query": query}, spec
    if kind == 0:
        message["text"] = odd_text(rng)
        spec[("message", "text")] = ("str", False)
    elif kind == 1:
        message["photo"] = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
        message["caption"] = odd_text(rng)
        spec.update(
            {
                ("message", "photo"): ("list", False),
                ("message", "photo", 0, "file_id"): ("str", True),
                ("message", "photo", 0, "width"): ("int", True),
                ("message", "caption"): ("str", False),
            }
        )
    else:
        message["contact"] = {"phone_number": "+84912345678", "first_name": "An", "user_id": user_id}
        spec.update(
            {
                ("message", "contact"): ("obj", False),
                ("message", "contact", "phone_number"): ("str", True),
                ("message", "contact", "first_name"): ("str", True),
            }
        )
    return {"update_id": update_id, "message": message}, spec


# -- mutations ------------------------------------------------------------------------------------------
def _get(data: Any, path: Path) -> Any:
    for key in path:
        data = data[key]
    return data


def _present(data: Any, path: Path) -> bool:
    try:
        _get(data, path)
    except (KeyError, IndexError, TypeError):
        return False
    return True


def mutate(rng: random.Random, base: dict[str, Any], spec: Spec, texts: str = "str") -> tuple[Any, bool, str]:
    """A mutated copy of `base`: (data, invalid?, what was done). `texts` is the kind whose values may be text."""
    data = copy.deepcopy(base)
    spec = {path: kind for path, kind in spec.items() if _present(data, path)}
    roll = rng.random()
    path = rng.choice(sorted(spec, key=repr))
    kind, required = spec[path]
    parent, key = _get(data, path[:-1]), path[-1]
    if roll < 0.3:  # a field of the wrong type
        value = rng.choice(WRONG[kind])
        if value is None and not required:  # null is "absent" for an optional field: another wrong type instead
            value = {} if kind == "list" else []
        parent[key] = value
        return data, True, f"wrong type at {'.'.join(map(str, path))}"
    if roll < 0.45:  # a field deleted
        if isinstance(parent, dict):
            del parent[key]
        else:
            parent.pop(key)
        return data, required, f"deleted {'.'.join(map(str, path))}"
    if roll < 0.7:  # a text field with any text
        texts_at = [p for p, (k, _) in spec.items() if k == texts]
        if texts_at:
            target = rng.choice(sorted(texts_at, key=repr))
            _get(data, target[:-1])[target[-1]] = odd_text(rng)
        return data, False, "odd text"
    if roll < 0.85:  # unknown fields anywhere
        objects = [p for p, (k, _) in spec.items() if k == "obj"] + [()]
        target = rng.choice(sorted(objects, key=repr))
        holder = _get(data, target)
        if isinstance(holder, dict):
            holder[odd_text(rng)[:12] or "extra"] = odd_json(rng)
        return data, False, "extra field"
    return data, False, "unchanged"


def encode(rng: random.Random, data: Any, invalid: bool, label: str, **where: str) -> Case:
    """The body of a case; sometimes its bytes are broken instead (not JSON, not UTF-8, not an object)."""
    raw = json.dumps(data, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
    if rng.random() < 0.1:
        broken = rng.choice([raw[: rng.randrange(max(1, len(raw)))], b"\xff" + raw, b"[" + raw + b"]", b"null", b""])
        return Case(broken, True, "broken bytes", **where)
    return Case(raw, invalid, label, **where)  # a lone surrogate written raw is read (json's surrogatepass), cleaned


# -- database fingerprint -------------------------------------------------------------------------------
# what handling inbound input writes (delivery's bookkeeping — message ids, cards, remembered choices — aside)
COUNTED = [
    models.Agency,
    models.Officer,
    models.Invite,
    models.Identity,
    models.LinkCode,
    models.Ticket,
    models.TicketEvent,
    models.Attachment,
    models.DialogState,
    models.OutboxMessage,
    models.ProcessedEvent,
    models.InboundEvent,
]


async def fingerprint(maker: async_sessionmaker[AsyncSession]) -> tuple[Any, ...]:
    """Row counts of what inbound handling writes, and the latest change of tickets and dialogs, in one query."""
    columns = [select(func.count()).select_from(model).scalar_subquery() for model in COUNTED]
    columns += [select(func.max(models.Ticket.updated_at)).scalar_subquery()]
    columns += [select(func.max(models.DialogState.updated_at)).scalar_subquery()]
    async with maker() as session:
        return tuple((await session.execute(select(*columns))).one())


class CrashLog(logging.Handler):
    """Counts ERROR records with a traceback (an exception nobody handled)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or record.name.startswith("aiohttp"):
            self.count += 1
            self.last = self.format(record)


@asynccontextmanager
async def crash_log() -> AsyncIterator[CrashLog]:
    """A CrashLog on the root logger for the duration of the block."""
    handler = CrashLog()
    root = logging.getLogger()
    level = root.level
    root.setLevel(min(level, logging.ERROR) if level else logging.ERROR)
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


# -- worlds ---------------------------------------------------------------------------------------------
class World:
    """A running application and a way to send it one case."""

    def __init__(self, app: App, url: str, headers: dict[str, str], crashes: CrashLog) -> None:
        self.app, self.url, self.headers, self.crashes = app, url, headers, crashes
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        self.next_id = 10**6

    def case(self, rng: random.Random) -> Case:
        """A case for this world's surface."""
        raise NotImplementedError

    async def settle(self) -> None:
        """Wait until what the last case started is done (stored events processed)."""

    async def protected(self) -> tuple[Any, ...]:
        """The state invalid input must not change."""
        return await fingerprint(self.app.core.maker)

    def route(self, case: Case) -> tuple[str, dict[str, str]]:
        """Where a case goes and with which headers."""
        return self.url, self.headers

    async def send(self, case: Case) -> Outcome:
        """POST one case and judge it."""
        before, crashes = await self.protected(), self.crashes.count
        url, headers = self.route(case)
        try:
            async with self.http.post(
                url, data=case.body, headers={**headers, "Content-Type": "application/json"}
            ) as resp:
                status = resp.status
        except (aiohttp.ClientError, TimeoutError):
            status = 599
        await self.settle()
        return Outcome(status, self.crashes.count > crashes, await self.protected() != before)

    async def close(self) -> None:
        """Release the HTTP client."""
        await self.http.close()


class TelegramWorld(World):
    """Random and mutated updates at /telegram/hook, from businesses, strangers and groups."""

    users = [100 + i for i in range(20)]
    groups = [-100200 - i for i in range(3)]

    def case(self, rng: random.Random) -> Case:
        self.next_id += 1
        base, spec = tg_update(rng, self.next_id, self.users, self.groups)
        data, invalid, label = mutate(rng, base, spec)
        return encode(rng, data, invalid, label)


class ZaloWorld(World):
    """Random and mutated Zalo OA events (signed) and Zalo Bot Platform updates (with the secret)."""

    def __init__(self, oa: OAHarness, bot_app: App, bot_url: str, crashes: CrashLog) -> None:
        assert oa.app is not None
        super().__init__(oa.app, oa.hook, {}, crashes)
        self.oa, self.bot_app, self.bot_url = oa, bot_app, bot_url

    def case(self, rng: random.Random) -> Case:
        users = [f"61424948231234567{i:02d}" for i in range(20)]
        user = rng.choice(users)
        if rng.random() < 0.5:
            return self._oa_case(rng, user)
        return self._bot_case(rng, user)

    def _oa_case(self, rng: random.Random, user: str) -> Case:
        fake = self.oa.fake
        self.next_id += 1
        kind = rng.randrange(4)
        party: Path = ("sender",)
        if kind == 0:
            base = fake.text(user, odd_text(rng), msg_id=f"m{self.next_id}")
        elif kind == 1:
            attachment = {"type": "image", "payload": {"url": "https://photo-stal.zdn.vn/a.jpg"}}
            base = fake.user_event("user_send_image", user, {"msg_id": f"m{self.next_id}", "attachments": [attachment]})
        elif kind == 2:
            base = {
                **fake.user_event("user_submit_info", user, {"msg_id": f"m{self.next_id}"}),
                "info": {"name": "An", "phone": "0912345678"},
            }
        else:
            base, party = fake.follow(user), ("follower",)
        spec: Spec = {("event_name",): ("oastr", True), party: ("obj", True), party + ("id",): ("oastr", True)}
        if "message" in base:
            spec[("message",)] = ("obj", False)
            spec[("message", "msg_id")] = ("oastr", False)
        if kind == 0:
            spec[("message", "text")] = ("oastr", False)
        if kind == 1:
            spec.update(
                {
                    ("message", "attachments"): ("list", False),
                    ("message", "attachments", 0): ("obj", False),
                    ("message", "attachments", 0, "payload"): ("obj", False),
                    ("message", "attachments", 0, "payload", "url"): ("oastr", False),
                }
            )
        if kind == 2:
            spec.update({("info",): ("obj", False), ("info", "phone"): ("oastr", False)})
        data, invalid, label = mutate(rng, base, spec, texts="oastr")
        return encode(rng, data, invalid, label, target="oa", timestamp=str(data.get("timestamp", "")))

    def _bot_case(self, rng: random.Random, user: str) -> Case:
        self.next_id += 1
        message: dict[str, Any] = {
            "from": {"id": user, "display_name": "Ted", "is_bot": False},
            "chat": {"id": user, "chat_type": "PRIVATE"},
            "text": odd_text(rng),
            "message_id": f"{self.next_id:020x}",
            "date": 1750316131602,
        }
        event = "message.text.received"
        if rng.random() < 0.2:
            event, message["photo"] = "message.image.received", "https://x.zdn.vn/p.jpg"
        base = {"event_name": event, "message": message}
        spec: Spec = {
            ("event_name",): ("str", False),
            ("message",): ("obj", False),
            ("message", "chat"): ("obj", True),
            ("message", "chat", "id"): ("bid", True),
            ("message", "chat", "chat_type"): ("str", False),
            ("message", "from"): ("obj", False),
            ("message", "from", "id"): ("bid", False),
            ("message", "from", "display_name"): ("str", False),
            ("message", "text"): ("str", False),
            ("message", "message_id"): ("bid", False),
        }
        data, invalid, label = mutate(rng, base, spec)
        wrapped = {"ok": True, "result": data} if rng.random() < 0.5 else data
        return encode(rng, wrapped, invalid, label, target="bot")

    def route(self, case: Case) -> tuple[str, dict[str, str]]:
        if case.target == "oa":
            return self.oa.hook, {"X-ZEvent-Signature": self.oa.fake.sign(case.body, case.timestamp)}
        return self.bot_url, {"X-Bot-Api-Secret-Token": ZALOBOT_SECRET}

    async def settle(self) -> None:
        await self.oa.pump()
        bot = self.bot_app.channels["zalobot"]
        assert isinstance(bot, ZaloBotChannel)
        await bot.inbox.drain()
        await self.bot_app.sender.drain()


# -- callback data ----------------------------------------------------------------------------------------
HEADS = [
    "take",
    "ask",
    "answer",
    "transfer",
    "extend",
    "outcome",
    "rate",
    "reopen",
    "new",
    "status",
    "lang",
    "kind",
    "skip",
    "conf",
    "consent",
    "confirm",
    "hide",
    "x",
    "",
]


class CallbackWorld(World):
    """Forged button payloads pressed by people who may not act on business A's ticket or dialog."""

    def __init__(self, h: Harness, code: str, victim: int, crashes: CrashLog) -> None:
        assert h.app is not None
        super().__init__(
            h.app, f"http://127.0.0.1:{h.port}/telegram/hook", {"X-Telegram-Bot-Api-Secret-Token": SECRET}, crashes
        )
        self.h, self.code, self.victim = h, code, victim
        # a stranger, another business, the officer of the other agency (in its group and in private)
        self.attackers = [(h.stranger, None), (h.fake.user(21, "Bình"), None), (h.officer2, h.stc), (h.officer2, None)]

    def payload(self, rng: random.Random) -> str:
        parts = [rng.choice(HEADS)]
        for _ in range(rng.randrange(4)):
            parts.append(
                rng.choice(
                    [
                        self.code,
                        self.code.lower(),
                        "LS-AAAAAA",
                        "thue_tinh",
                        "so_tai_chinh",
                        "5",
                        "-1",
                        "99999999999999999999",
                        "yes",
                        "no",
                        "send",
                        odd_text(rng)[:20],
                    ]
                )
            )
        return ":".join(parts)[: rng.choice([64, 300])]

    def case(self, rng: random.Random) -> Case:
        user, chat = rng.choice(self.attackers)
        chat = chat or {"id": user["id"], "type": "private"}
        self.next_id += 1
        message = {
            "message_id": rng.randint(1, 50),
            "date": 1773100000,
            "chat": chat,
            "text": "…",
            "from": {"id": 999, "is_bot": True, "first_name": "pcibot"},
        }
        query = {
            "id": str(self.next_id),
            "from": user,
            "chat_instance": "ci",
            "data": self.payload(rng),
            "message": message,
        }
        return Case(json.dumps({"update_id": self.next_id, "callback_query": query}).encode(), True, "forged button")

    async def protected(self) -> tuple[Any, ...]:
        """Business A's ticket, its events, A's dialog and identity: what a forged press must leave alone."""
        async with self.app.core.maker() as session:
            ticket = (await session.execute(select(models.Ticket).where(models.Ticket.code == self.code))).scalar_one()
            row = tuple(getattr(ticket, c.key) for c in models.Ticket.__table__.columns)
            events = await session.scalar(
                select(func.count()).select_from(models.TicketEvent).where(models.TicketEvent.ticket_id == ticket.id)
            )
            dialog = await session.get(models.DialogState, ("telegram", str(self.victim)))
            identity = await session.scalar(
                select(models.Identity.id).where(
                    models.Identity.channel == "telegram", models.Identity.user_id == str(self.victim)
                )
            )
        dialog_state = (dialog.step, dialog.data) if dialog else None
        told = len(self.h.fake.to_chat(self.victim))
        return row, events, dialog_state, identity, told


@asynccontextmanager
async def world(surface: str, db_url: str) -> AsyncIterator[World]:
    """The running application for one surface (the database at `db_url` is created and migrated)."""
    async with crash_log() as crashes:
        if surface == "telegram":
            h = Harness(db_url, "webhook")
            await h.start()
            assert h.app is not None
            hook = f"http://127.0.0.1:{h.port}/telegram/hook"
            tg = TelegramWorld(h.app, hook, {"X-Telegram-Bot-Api-Secret-Token": SECRET}, crashes)
            try:
                yield tg
            finally:
                await tg.close()
                await h.close()
        elif surface == "callback":
            h = Harness(db_url, "webhook")
            await h.start()
            victim = h.fake.user(20, "An", last_name="Nguyễn")
            await h.setup_agencies()
            code = await h.submit(victim, photo=None)
            cb = CallbackWorld(h, code, victim["id"], crashes)
            try:
                yield cb
            finally:
                await cb.close()
                await h.close()
        else:
            async with zalo_world(db_url, crashes) as zw:
                yield zw


@asynccontextmanager
async def zalo_world(db_url: str, crashes: CrashLog) -> AsyncIterator[ZaloWorld]:
    """Zalo OA and Zalo Bot on one database, stored events processed by the test (no background loops)."""
    oa = OAHarness(db_url, now_utc)  # built first: it migrates the database
    await oa.start()
    fake_bot = FakeZaloBot()
    await fake_bot.start()
    config = Config(
        database_url=db_url,
        console=False,
        public_url="http://test.local",
        zalobot_token=SecretStr(fake_bot.token),
        zalobot_api_url=fake_bot.url,
        zalobot_webhook_secret=SecretStr(ZALOBOT_SECRET),
    )
    bot_app = await build(config, migrate=False)
    server = TestServer(bot_app.webapp, host="127.0.0.1")
    await server.start_server()
    zw = ZaloWorld(oa, bot_app, str(server.make_url("/zalobot/webhook")), crashes)
    try:
        yield zw
    finally:
        await zw.close()
        await server.close()
        await stop(bot_app)
        await fake_bot.stop()
        await oa.close()


def summary(surface: str, outcomes: list[tuple[Case, Outcome]], seconds: float) -> str:
    """The bench's line for one surface."""
    status = sum(o.status >= 500 for _, o in outcomes)
    crashes = sum(o.crashed for _, o in outcomes)
    changed = sum(c.invalid and o.changed for c, o in outcomes)
    return (
        f"surface={surface} cases={len(outcomes)} status_5xx={status} crashes={crashes} "
        f"invalid_changed={changed} seconds={seconds:.1f}"
    )
