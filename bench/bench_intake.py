"""Intake throughput: N businesses walk the whole intake dialog through the console channel to a tracking code.

Usage (from the repository root):
    .venv/bin/python bench/bench_intake.py [--businesses 200] [--repeat 3] [--url sqlite+aiosqlite:///FILE]

Each business is its own chat: the lines go through the console adapter into the dispatcher and handlers, the
outbox is delivered after each line (as the console's REPL does), on a fresh migrated SQLite file (WAL).
Prints the configuration, one `intake_per_second=<x>` line per repetition and the median of them.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import App, build, stop  # noqa: E402
from bot.config import Config  # noqa: E402

TEXT = "Công ty chúng tôi nộp hồ sơ đề nghị hoàn thuế giá trị gia tăng từ tháng 12 nhưng đến nay chưa được giải quyết."
CODE = re.compile(r"LS-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}")
# (what the business types, or the label of the button it presses) in dialog order
STEPS: list[tuple[str, str]] = [
    ("type", TEXT),
    ("press", "Phản ánh"),
    ("type", "Nguyễn Văn An"),
    ("type", "0912 345 678"),
    ("type", "Công ty TNHH Hữu Nghị"),
    ("press", "Bỏ qua"),
    ("type", "Đồng Đăng"),
    ("press", "Không"),
    ("press", "Có"),
    ("press", "Gửi"),
]


async def _line(app: App, out: io.StringIO, chat: str, kind: str, value: str) -> str:
    """One line typed by the business in `chat` (a button by its label); returns what the bot printed."""
    console = app.console
    assert console is not None
    console.user_id = console.chat_id = chat
    if kind == "press":
        labels = [b.label for b in console.buttons.get(chat, [])]
        if value not in labels:
            raise SystemExit(f"{chat}: no button {value!r} among {labels}")
        value = str(labels.index(value) + 1)
    start = out.tell()
    await console.feed(value)
    await app.sender.drain()
    out.seek(start)
    printed = out.read()
    out.seek(0, io.SEEK_END)
    return printed


async def _business(app: App, out: io.StringIO, chat: str) -> str:
    printed = ""
    for kind, value in STEPS:
        printed = await _line(app, out, chat, kind, value)
    match = CODE.search(printed)
    if match is None:
        raise SystemExit(f"{chat}: no tracking code after the last step:\n{printed}")
    return match.group(0)


async def run_once(url: str | None, businesses: int) -> tuple[float, str]:
    """Intakes per second for `businesses` dialogs on a fresh database (a temporary SQLite file by default).

    Also returns the name of the DB-API module the engine was given (which SQLite adapter ran).
    """
    with tempfile.TemporaryDirectory() as tmp:
        config = Config(
            database_url=url or f"sqlite+aiosqlite:///{tmp}/intake.db", console=True, public_url="http://bench.local"
        )
        app = await build(config, migrate=True)
        assert app.console is not None
        out = io.StringIO()
        app.console.out = out
        dbapi = type(app.engine.dialect.loaded_dbapi).__name__
        try:
            await _business(app, out, "warmup")
            began = time.perf_counter()
            codes = {await _business(app, out, f"biz-{i}") for i in range(businesses)}
            elapsed = time.perf_counter() - began
        finally:
            await stop(app)
    if len(codes) != businesses:
        raise SystemExit(f"{len(codes)} distinct codes for {businesses} businesses")
    return businesses / elapsed, dbapi


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--businesses", type=int, default=200, help="dialogs per repetition (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions, each on a fresh database (default 3)")
    parser.add_argument("--url", default=None, help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    import aiosqlite
    import sqlalchemy

    import bot

    print(
        f"config: businesses={args.businesses} repeat={args.repeat} url={args.url or 'sqlite temp file'} "
        f"sqlalchemy={sqlalchemy.__version__} aiosqlite={aiosqlite.__version__} python={sys.version.split()[0]} "
        f"code={Path(bot.__file__).resolve().parent.parent}"
    )
    rates = []
    for _ in range(args.repeat):
        rate, dbapi = asyncio.run(run_once(args.url, args.businesses))
        rates.append(rate)
        print(f"intake_per_second={rate:.1f} dbapi={dbapi}", flush=True)
    print(f"median intake_per_second={statistics.median(rates):.1f}")


if __name__ == "__main__":
    main()
