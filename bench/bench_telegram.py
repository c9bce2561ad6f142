"""Benchmark: our Telegram intake vs a bare python-telegram-bot echo bot, through the same fake Bot API.

N businesses each go through the whole intake dialog (text, kind button, name, contact share, three skips,
confidentiality, consent, confirm = 10 updates each); all updates are queued at once, interleaved by
business, and we time until every one is committed (and, separately, until every reply is delivered
through the outbox under Telegram's flood limits). Then a bare PTB echo bot (one MessageHandler that
answers each text, PTB's defaults) gets as many updates through the same fake server. Prints updates/s
and the ratio; and, for reference, the echo bot on the aiohttp request our channel uses instead of
PTB's default HTTPX one, so the gain of that choice can be told apart from the rest.
The ratio compares updates taken off the fake's queue and finished per second on both sides: ours are
finished when committed (state saved, reply in the outbox, which sends it under Telegram's 1 msg/s per
chat that the echo bot ignores); the end-to-end rate until the last reply is delivered is printed too.
Each side runs several times, alternating, on the same fake server; medians and load averages are printed.

    .venv/bin/python bench/bench_telegram.py [-n 50] [--runs 3] [--db postgresql+asyncpg://…/test_tg]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import SecretStr  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters  # noqa: E402

from bot.app import build, start, stop  # noqa: E402
from bot.channels.telegram_http import AiohttpRequest  # noqa: E402
from bot.config import Config
from storage.models import OutboxMessage, ProcessedEvent, Ticket  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402

TOKEN = "123456:BENCH-token"
TEXTS = [
    "Hoàn thuế giá trị gia tăng bị chậm, cơ quan thuế yêu cầu bổ sung hồ sơ nhiều lần",
    "Thủ tục cấp giấy phép xây dựng nhà xưởng kéo dài quá hạn",
    "Đăng ký thành lập doanh nghiệp mất nhiều thời gian",
]


def dialog(fake: FakeTelegram, uid: int) -> list[dict[str, Any]]:
    """The updates of one business's whole submission (buttons pressed on a stand-in message)."""
    user = fake.user(uid, f"DN{uid}")
    chat = {"id": uid, "type": "private", "first_name": user["first_name"]}
    ids = iter(range(uid * 100, uid * 100 + 100))

    def msg(body: dict[str, Any]) -> dict[str, Any]:
        return {"message_id": next(ids), "date": int(time.time()), "chat": chat, "from": user, **body}

    def press(data: str) -> dict[str, Any]:
        message = msg({"text": "…", "from": fake.me})
        return {
            "callback_query": {
                "id": f"{uid}-{data}",
                "from": user,
                "chat_instance": "ci",
                "data": data,
                "message": message,
            }
        }

    contact = {"contact": {"phone_number": f"+8491{uid:07d}", "first_name": "An", "user_id": uid}}
    return [
        {"message": msg({"text": TEXTS[uid % len(TEXTS)] + f" (DN {uid})"})},
        press("kind:phan_anh"),
        {"message": msg({"text": "Nguyễn Văn An"})},
        {"message": msg(contact)},
        press("skip"),
        press("skip"),
        press("skip"),
        press("conf:no"),
        press("consent:yes"),
        press("confirm:send"),
    ]


async def count(app: Any, model: Any, *where: Any) -> int:
    async with app.core.maker() as session:
        return int((await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one())


async def bench_ours(fake: FakeTelegram, n: int, db_url: str) -> tuple[float, float, int]:
    if db_url.startswith("postgresql"):
        from sqlalchemy.ext.asyncio import create_async_engine

        engine = create_async_engine(db_url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    cfg = Config(
        database_url=db_url,
        console=False,
        telegram_token=SecretStr(TOKEN),
        telegram_api_url=fake.url,
        web_port=0,
        admins=[],
    )
    app = await build(cfg, migrate=True)
    await start(app, serve_web=False)
    try:
        dialogs = [dialog(fake, 1000 + i) for i in range(n)]
        updates = [u for step in zip(*dialogs, strict=True) for u in step]
        await asyncio.sleep(0.5)  # polling running
        t0 = time.perf_counter()
        for u in updates:
            fake.inject({"update_id": next(fake._update_ids), **u})
        while await count(app, ProcessedEvent) < len(updates):
            await asyncio.sleep(0.02)
        handled = time.perf_counter() - t0
        tickets = await count(app, Ticket)
        while await count(app, OutboxMessage, OutboxMessage.state.in_(["pending", "sending"])) > 0:
            await asyncio.sleep(0.05)
        delivered = time.perf_counter() - t0
        return len(updates) / handled, delivered, tickets
    finally:
        await stop(app)


async def bench_echo(fake: FakeTelegram, total: int, on_aiohttp: bool = False) -> float:
    """The bare echo bot: PTB's defaults (HTTPX), or — for comparison — on the HTTP layer our channel uses."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(update.message.text or "")

    builder = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{fake.url}/bot")
        .base_file_url(f"{fake.url}/file/bot")
        .job_queue(None)
    )
    if on_aiohttp:
        builder = builder.request(AiohttpRequest()).get_updates_request(AiohttpRequest(connection_pool_size=1))
    ptb = builder.build()
    ptb.add_handler(MessageHandler(filters.TEXT, echo))
    users = [fake.user(5000 + i, f"E{i}") for i in range(50)]
    async with ptb:
        await ptb.start()
        assert ptb.updater is not None
        await ptb.updater.start_polling(timeout=10, poll_interval=0)
        await asyncio.sleep(0.5)
        before = len(fake.sent)
        t0 = time.perf_counter()
        for i in range(total):
            fake.text(users[i % len(users)], f"echo {i}")
        while len(fake.sent) - before < total:
            await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - t0
        await ptb.updater.stop()
        await ptb.stop()
    return total / elapsed


def load() -> str:
    """The 1, 5 and 15 minute load averages (other processes skew both sides' numbers)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=50, help="businesses submitting concurrently")
    parser.add_argument("--db", default="", help="database URL (default: a temporary SQLite file per run)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each side, alternating; medians reported")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    fake = FakeTelegram(TOKEN)
    await fake.start()
    total = args.n * 10
    ours: list[float] = []
    ends: list[float] = []
    echoes: list[float] = []
    echoes_aiohttp: list[float] = []
    tickets = 0
    print(f"load average before: {load()}")
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            db = args.db or f"sqlite+aiosqlite:///{tmp}/bench.db"
            rate, delivered, tickets = await bench_ours(fake, args.n, db)
        ours.append(rate)
        ends.append(total / delivered)
        echoes.append(await bench_echo(fake, total))
        echoes_aiohttp.append(await bench_echo(fake, total, on_aiohttp=True))
        print(
            f"run {run + 1}: pcibot {ours[-1]:7.1f}/s, echo {echoes[-1]:7.1f}/s, "
            f"echo on aiohttp {echoes_aiohttp[-1]:7.1f}/s; load average {load()}"
        )
    await fake.stop()
    kind = (args.db or "sqlite+aiosqlite").split(":", 1)[0]
    ratio = statistics.median(ours) / statistics.median(echoes)
    print(f"database: {kind}; businesses: {args.n}; updates per run: {total}; tickets saved: {tickets}/{args.n}")
    print(f"medians of {args.runs} alternating runs; load average after: {load()}")
    print(f"pcibot intake: {statistics.median(ours):8.1f} updates/s committed (state saved, reply in the outbox)")
    print(f"               {statistics.median(ends):8.1f} updates/s end to end (replies paced by Telegram's limits)")
    print(f"PTB echo bot:  {statistics.median(echoes):8.1f} updates/s (each answered at once, ignoring the limits)")
    print(f"ratio: {ratio:.2f}x (committed vs echoed; goal >= 0.5x)")
    fair = statistics.median(ours) / statistics.median(echoes_aiohttp)
    print(f"for reference, the echo bot on our aiohttp request: {statistics.median(echoes_aiohttp):8.1f} updates/s")
    print(f"               ratio against it: {fair:.2f}x (the HTTP layer's share of the gain set aside)")


if __name__ == "__main__":
    asyncio.run(main())
