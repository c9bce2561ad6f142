"""Crash soak: businesses go through the whole Telegram intake while `pcibot run` is SIGKILLed and restarted.

Shared by tests/test_soak.py (CI size) and bench/soak.py (bench size). The bot runs as a real process (polling a
fake Bot API on 127.0.0.1, SQLite in a temporary directory); the businesses are simulated in this process and
act like people: each reads the bot's latest message and does what it asks, and waits (however many restarts
it takes) for an answer. Afterwards the database is read directly:

- every tracking code a business was shown exists, with that business's own text (nothing acknowledged lost);
- every dialog reached its receipt (an interrupted dialog continued where it was);
- every outbox row was sent, and every message the fake received is one the outbox recorded. A message beyond
  that is a duplicate: Telegram has no idempotency key, so a kill between Telegram's answer and the commit of
  the row's outcome sends that row again after the restart (counted, not hidden).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.fakes.telegram_api import FakeTelegram, buttons_of, text_of
from tests.fakes.telegram_harness import TOKEN, free_port

CODE = re.compile(r"LS-[0-9A-Z]{6}")
STEP_TIMEOUT = 120.0  # a business waits this long for any answer (restarts included) before the dialog is lost
ACTIVE = 20  # businesses writing at the same time
PRESS_ORDER = ("kind:phan_anh", "skip", "conf:no", "consent:yes", "confirm:send")


@dataclass
class Figures:
    """What the soak measured."""

    businesses: int
    kills: int = 0
    codes_shown: int = 0
    codes_missing: list[str] = field(default_factory=list)
    texts_lost: list[str] = field(default_factory=list)  # a business's text in no ticket at all
    filed_again: list[str] = field(default_factory=list)  # the code shown holds another answer of that business
    dialogs_stalled: list[int] = field(default_factory=list)
    tickets: int = 0
    outbox_rows: int = 0
    outbox_unsent: int = 0
    duplicates: int = 0
    seconds: float = 0.0

    @property
    def lost(self) -> int:
        """Acknowledged items or dialogs lost: must be 0."""
        return len(self.codes_missing) + len(self.texts_lost) + len(self.dialogs_stalled) + self.outbox_unsent

    def line(self) -> str:
        """One line for logs and BENCHMARKS.md."""
        return (
            f"{self.businesses} businesses, {self.kills} kills: {self.codes_shown} codes shown, "
            f"{len(self.codes_missing)} missing, {len(self.texts_lost)} texts lost, "
            f"{len(self.dialogs_stalled)} dialogs stalled, {len(self.filed_again)} filed again; "
            f"outbox {self.outbox_rows} rows, {self.outbox_unsent} unsent, "
            f"{self.duplicates} sent twice; {self.seconds:.1f} s"
        )


class BotProcess:
    """`pcibot run` as a child process that can be killed and started again."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.proc: asyncio.subprocess.Process | None = None
        self.health = f"http://127.0.0.1:{env['PCIBOT_WEB_PORT']}/healthz"

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=self.env, stdin=asyncio.subprocess.DEVNULL,
                stdout=out, stderr=out,
            )  # fmt: skip
        async with aiohttp.ClientSession() as http:
            for _ in range(600):
                if self.proc.returncode is not None:
                    raise RuntimeError(f"pcibot run exited with {self.proc.returncode}: {self._tail()}")
                try:
                    async with http.get(self.health) as resp:
                        if resp.status == 200 and (await resp.json())["status"] == "ok":
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)
        raise RuntimeError(f"pcibot run did not become healthy: {self._tail()}")

    def _tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:]

    async def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 30)
            except TimeoutError:
                await self.kill()


class Business:
    """One business owner going through the intake, reading the bot's last message each time."""

    def __init__(self, fake: FakeTelegram, index: int) -> None:
        self.fake = fake
        self.user = fake.user(500_000 + index, f"DN{index}")
        self.text = f"Thủ tục hoàn thuế giá trị gia tăng của công ty chúng tôi bị chậm, hồ sơ số HT-{index:05d}"
        self.code: str | None = None
        self.transcript: list[str] = []  # what the bot said and what the business did, to explain a failure

    @property
    def chat(self) -> int:
        return int(self.user["id"])

    async def _answer(self, seen: int) -> list[dict[str, Any]]:
        """The bot's messages to this chat after the first `seen` ones, once there is at least one."""
        deadline = time.monotonic() + STEP_TIMEOUT
        while time.monotonic() < deadline:
            if len(self.fake.to_chat(self.chat)) > seen:
                await asyncio.sleep(0.05)  # a duplicate may follow at once
                return self.fake.to_chat(self.chat)[seen:]
            await asyncio.sleep(0.05)
        raise TimeoutError

    def _act(self, msg: dict[str, Any]) -> None:
        """Do what the bot's message asks."""
        offered = buttons_of(msg)
        self.transcript.append(f"bot #{msg['message_id']}: {text_of(msg)[:50]!r} {offered}")
        for payload in PRESS_ORDER:
            if payload in offered:
                self.transcript.append(f"press {payload} on #{msg['message_id']}")
                self.fake.press(self.user, msg, payload)
                return
        if (msg.get("_keyboard") or {}).get("keyboard"):
            self.transcript.append("share contact")
            self.fake.contact(self.user, f"+8491{self.chat % 10_000_000:07d}")
            return
        self.transcript.append("type the name")
        self.fake.text(self.user, f"Nguyễn Văn {self.chat}")  # the question without buttons is the name

    async def run(self) -> bool:
        """The whole dialog until the receipt; False if the bot stopped answering."""
        seen = len(self.fake.to_chat(self.chat))
        self.fake.text(self.user, self.text)
        for _ in range(40):
            try:
                news = await self._answer(seen)
            except TimeoutError:
                return False
            seen += len(news)
            # read everything new, as a person would: a receipt followed by a resent earlier question (a kill
            # between Telegram's answer and the outbox record) ends the dialog; it is not answered again
            for msg in news:
                found = CODE.search(text_of(msg))
                if found and "confirm:send" not in buttons_of(msg):
                    self.code = found.group(0)
                    return True
            self._act(news[-1])
        return False


def environment(db_url: str, api_url: str, **extra: str) -> dict[str, str]:
    """The PCIBOT_* variables of a bot process on `db_url`, polling (or, with extra, whatever) the fake Bot API."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PCIBOT_")}
    env.update(
        PCIBOT_DATABASE_URL=db_url,
        PCIBOT_TELEGRAM_TOKEN=TOKEN,
        PCIBOT_TELEGRAM_API_URL=api_url,
        PCIBOT_WEB_PORT=str(free_port()),
        PCIBOT_CONSOLE="0",
        PCIBOT_RATE_LIMIT_PER_MINUTE="1000",
        PCIBOT_LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


async def migrate(env: dict[str, str]) -> None:
    """`pcibot db upgrade` on the process's database."""
    upgrade = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "db", "upgrade", env=env,
                                                   stdout=asyncio.subprocess.DEVNULL)  # fmt: skip
    assert await upgrade.wait() == 0


async def query(db_url: str, sql: str) -> list[tuple[Any, ...]]:
    """The rows of one SQL query, on a connection of its own (the bot processes own the database)."""
    engine = create_async_engine(db_url)
    try:
        async with engine.connect() as conn:
            return [tuple(row) for row in await conn.execute(text(sql))]
    finally:
        await engine.dispose()


async def check(db_url: str, fake: FakeTelegram, people: list[Business], figures: Figures) -> None:
    """Fill the figures from the database and what the fake received."""
    tickets = dict(await query(db_url, "select code, text from tickets"))
    outbox = await query(db_url, "select chat_id, state, platform_message_id from outbox where channel = 'telegram'")
    for person in people:
        if person.code is None:
            continue
        figures.codes_shown += 1
        said = " | ".join(person.transcript[-12:])
        if person.code not in tickets:
            figures.codes_missing.append(person.code)
        elif not any(person.text in (text or "") for text in tickets.values()):
            figures.texts_lost.append(f"{person.code} holds {tickets[person.code][:60]!r}; {said}")
        elif person.text not in (tickets[person.code] or ""):
            # the text is filed under another code; this one came from answering a question the bot resent after
            # a kill (its claim on the receipt lapsing meanwhile): a second item, nothing lost
            figures.filed_again.append(f"{person.code} holds {tickets[person.code][:60]!r}; {said}")
    figures.tickets = len(tickets)
    figures.outbox_rows = len(outbox)
    figures.outbox_unsent = sum(1 for _, state, _ in outbox if state != "sent")
    recorded = {(str(chat), str(mid)) for chat, state, mid in outbox if state == "sent"}
    delivered = [(str(m["chat"]["id"]), str(m["message_id"])) for m in fake.sent]
    figures.duplicates = sum(1 for key in delivered if key not in recorded)


async def drained(db_url: str, timeout: float = 120.0) -> None:
    """Wait until the outbox has nothing left to send."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        [(left,)] = await query(db_url, "select count(*) from outbox where state in ('pending', 'sending')")
        if not left:
            return
        await asyncio.sleep(0.2)


async def go_through(people: list[Business], figures: Figures) -> None:
    """Every business through its dialog, ACTIVE at a time; a dialog the bot stopped answering is counted."""
    gate = asyncio.Semaphore(ACTIVE)

    async def one(person: Business, index: int) -> None:
        async with gate:
            if not await person.run():
                figures.dialogs_stalled.append(index)

    await asyncio.gather(*(one(p, i) for i, p in enumerate(people)))


async def _killer(bot: BotProcess, kills: int, rng: random.Random, done: asyncio.Event, figures: Figures) -> None:
    """SIGKILL the bot `kills` times at random moments (0.3 to 2.5 s of uptime), restarting it each time."""
    for _ in range(kills):
        if done.is_set():
            return
        await asyncio.sleep(rng.uniform(0.3, 2.5))
        await bot.kill()
        figures.kills += 1
        await bot.start()


async def soak(businesses: int, kills: int, seed: int = 1) -> Figures:
    """Run the soak and return its figures (the process is stopped and the fake closed afterwards)."""
    started = time.monotonic()
    figures = Figures(businesses)
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="pcibot-soak-") as tmp:
        fake = FakeTelegram(TOKEN)
        db_url = f"sqlite+aiosqlite:///{Path(tmp) / 'soak.db'}"
        env = environment(db_url, await fake.start())
        await migrate(env)
        bot = BotProcess(env, Path(tmp) / "pcibot.log")
        people = [Business(fake, i) for i in range(businesses)]
        try:
            await bot.start()
            done = asyncio.Event()
            killer = asyncio.create_task(_killer(bot, kills, rng, done, figures))
            await go_through(people, figures)
            done.set()
            await killer
            await drained(db_url)
        finally:
            await bot.stop()
            await fake.stop()
        await check(db_url, fake, people, figures)
    figures.seconds = time.monotonic() - started
    return figures
