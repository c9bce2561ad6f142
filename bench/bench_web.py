"""Benchmark of the public site: 100,000 tickets, `pcibot web` on loopback, requests/s on / and Open311.

Usage (from the repository root):
    .venv/bin/python bench/bench_web.py [--tickets 100000] [--seconds 10] [--connections 64]
    PCIBOT_BENCH_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/bench_web .venv/bin/python ...

The server runs in its own process (`python -m bot web`); the load comes from `wrk` when installed
(Debian: `apt-get install wrk`) and otherwise from an aiohttp client with N concurrent connections in
this process. Statistics and the rendered home page are cached for 15 s (bot/web/common.py,
STATS_TTL_SECONDS), so the figures for / measure serving a cached page plus one cache refresh per 15 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import Config  # noqa: E402
from bot.core.codes import ALPHABET  # noqa: E402
from bot.core.rules import load_rules  # noqa: E402
from storage.db import make_engine, upgrade  # noqa: E402
from storage.models import Agency, Ticket  # noqa: E402

STATES = (
    ["new"] * 8 + ["in_progress"] * 10 + ["awaiting_info"] * 2 + ["resolved"] * 20 + ["closed"] * 55 + ["rejected"] * 5
)
TEXTS = [
    "Hồ sơ đăng ký doanh nghiệp nộp qua cổng dịch vụ công đã quá hạn, liên hệ anh Nam 0912 345 678.",
    "Thủ tục thuê đất tại khu công nghiệp kéo dài nhiều tháng, đề nghị Sở hướng dẫn.",
    "Hoàn thuế giá trị gia tăng chậm, MST 4900123456, email ketoan@congty.vn.",
    "Kiến nghị đơn giản hoá thủ tục cấp phép xây dựng nhà xưởng.",
]


async def load(url: str, n: int) -> None:
    """Migrate and insert n tickets (states, agencies, topics and dates spread like a year of use)."""
    engine = make_engine(url)
    rules = load_rules(None)
    await upgrade(engine)
    rng = random.Random(7)
    now = datetime.now(UTC)
    topics = list(rules.topics_by_id.values())
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM tickets"))
        for agency in rules.agencies:
            exists = (await conn.execute(text("SELECT 1 FROM agencies WHERE id = :i"), {"i": agency.id})).first()
            if exists is None:
                await conn.execute(
                    insert(Agency).values(id=agency.id, name=agency.name, full_name=agency.full_name, kind=agency.kind)
                )
    codes: set[str] = set()
    batch: list[dict[str, object]] = []
    started = time.perf_counter()
    for i in range(n):
        code = "LS-" + "".join(rng.choice(ALPHABET) for _ in range(6))
        while code in codes:
            code = "LS-" + "".join(rng.choice(ALPHABET) for _ in range(6))
        codes.add(code)
        topic = rng.choice(topics)
        created = now - timedelta(minutes=rng.randint(10, 365 * 24 * 60))
        due = created + timedelta(days=14)
        state = rng.choice(STATES)
        answered = state in {"resolved", "closed"}
        resolved = created + timedelta(hours=rng.randint(4, 24 * 20)) if answered else None
        batch.append(
            {
                "code": code,
                "kind": "kien_nghi" if i % 7 == 0 else "phan_anh",
                "state": state,
                "topic_id": topic.id,
                "agency_id": topic.lead,
                "source": "telegram",
                "language": "vi",
                "text": rng.choice(TEXTS),
                "contact_name": "Nguyễn Văn Nam",
                "contact_phone": "0912345678",
                "confidential": i % 20 == 0,
                "consent_publish": i % 3 != 0,
                "publish_company": False,
                "hidden": False,
                "route_confidence": 0.9,
                "route_explanation": {},
                "outcome": "accepted" if answered and i % 7 == 0 else None,
                "answer_text": "Sở đã hướng dẫn doanh nghiệp hoàn thiện hồ sơ." if answered else None,
                "rating": rng.randint(3, 5) if state == "closed" else None,
                "created_at": created,
                "updated_at": resolved or created,
                "agency_since": created,
                "ack_due_at": created + timedelta(days=3),
                "answer_due_at": due,
                "first_response_at": resolved,
                "resolved_at": resolved,
                "closed_at": resolved if state in {"closed", "rejected"} else None,
                "extension_days": 0,
                "transfer_count": 0,
                "reopen_count": 0,
            }
        )
        if len(batch) == 5000:
            async with engine.begin() as conn:
                await conn.execute(insert(Ticket), batch)
            batch = []
    if batch:
        async with engine.begin() as conn:
            await conn.execute(insert(Ticket), batch)
    await engine.dispose()
    print(f"loaded {n:,} tickets in {time.perf_counter() - started:.1f} s")


async def wait_ready(base: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            try:
                async with session.get(base + "/healthz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("the web server did not start")


async def timed_get(base: str, path: str) -> float:
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        async with session.get(base + path) as r:
            await r.read()
            assert r.status == 200, (path, r.status)
        return time.perf_counter() - started


async def aiohttp_load(url: str, seconds: float, connections: int) -> float:
    """Requests/s from `connections` concurrent keep-alive clients for `seconds`."""
    done = 0
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                async with session.get(url) as r:
                    await r.read()
                    if r.status == 200:
                        done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        return done / (time.perf_counter() - started)


def wrk_load(url: str, seconds: float, connections: int) -> float:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", url], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert match, out
    if "Non-2xx" in out:
        raise RuntimeError(out)
    return float(match.group(1))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--port", type=int, default=18080)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pcibot-bench-web-"))
    url = os.environ.get("PCIBOT_BENCH_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    await load(url, args.tickets)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PCIBOT_")}
    env.update(
        PCIBOT_DATABASE_URL=url,
        PCIBOT_WEB_HOST="127.0.0.1",
        PCIBOT_WEB_PORT=str(args.port),
        PCIBOT_LOG_LEVEL="WARNING",
        PCIBOT_CONSOLE="0",
    )
    server = subprocess.Popen([sys.executable, "-m", "bot", "web"], cwd=tmp, env=env)
    base = f"http://127.0.0.1:{args.port}"
    try:
        await wait_ready(base)
        print(f"database: {Config(database_url=url).database_url.split(':')[0]}; server pid {server.pid}")
        cold = await timed_get(base, "/")
        print(f"/ first request (statistics over {args.tickets:,} tickets computed): {cold * 1000:.0f} ms")
        o311 = await timed_get(base, "/open311/v2/requests.json")
        print(f"/open311/v2/requests.json first request: {o311 * 1000:.0f} ms")
        generator = "wrk" if shutil.which("wrk") else "aiohttp"
        for path in ("/", "/open311/v2/requests.json"):
            if generator == "wrk":
                rate = wrk_load(base + path, args.seconds, args.connections)
            else:
                rate = await aiohttp_load(base + path, args.seconds, args.connections)
            print(f"{path}: {rate:,.0f} req/s ({generator}, {args.connections} connections, {args.seconds:.0f} s)")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
