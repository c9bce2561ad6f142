"""Benchmark of the weekly digest: 1,000,000 synthetic tickets (bulk-inserted), then the digest's statistics.

Usage (from the repository root):
    .venv/bin/python bench/bench_digest.py [--tickets 1000000] [--sqlite-only | --postgres-only]
    PCIBOT_BENCH_POSTGRES_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test_sched .venv/bin/python ...

Tickets are spread over four years (≈ 5,000 a week) across the agencies and topics of routing_rules.yaml,
with answers, refusals, open and overdue items, transfers, extensions, ratings and reopenings as events.
SQLite gets chunked executemany inserts, PostgreSQL COPY. The PostgreSQL database's schema `public` is
dropped and recreated. Timed: building the digest of one week and the previous one (agency, topic, total:
five `compute_stats` calls) plus its text; the chart (matplotlib, CPU only) is timed separately.
Goals: ≤ 2 s on SQLite, ≤ 1 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import sync_agencies
from bot.config import Config
from bot.core import digest as weekly
from bot.core.rules import load_rules
from bot.core.services import Core
from storage.db import is_sqlite, make_engine, make_sessionmaker, upgrade
from storage.models import Ticket, TicketEvent

START = datetime(2023, 1, 2, tzinfo=UTC)
END = datetime(2026, 11, 23, tzinfo=UTC)
CHUNK = 20_000
TICKET_COLUMNS = [
    "id", "code", "kind", "state", "topic_id", "agency_id", "source", "language", "text", "confidential",
    "consent_publish", "publish_company", "hidden", "route_confidence", "route_explanation", "rating",
    "created_at", "updated_at", "agency_since", "ack_due_at", "answer_due_at", "taken_at", "first_response_at",
    "resolved_at", "closed_at", "close_reason", "paused_at", "extension_days", "transfer_count", "reopen_count",
]
EVENT_COLUMNS = ["ticket_id", "at", "actor_kind", "action", "from_agency", "to_agency", "data"]


def synthesize(n: int, seed: int = 7) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """n tickets and their statistic-relevant events, deterministic."""
    rules = load_rules()
    rnd = random.Random(seed)
    agencies = list(rules.agencies_by_id)
    topics = [*rules.topics_by_id, None]
    span = (END - START).total_seconds()
    tickets: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for i in range(1, n + 1):
        created = START + timedelta(seconds=span * i / n + rnd.uniform(0, 600))
        answer_due = created + timedelta(days=14)
        agency = rnd.choice(agencies)
        row: dict[str, Any] = {
            "id": i, "code": f"BN-{i:08d}", "kind": "phan_anh", "topic_id": rnd.choice(topics), "agency_id": agency,
            "source": "telegram", "language": "vi", "text": "Phản ánh tổng hợp", "confidential": False,
            "consent_publish": False, "publish_company": False, "hidden": False, "route_confidence": 0.5,
            "route_explanation": {}, "rating": None, "created_at": created, "updated_at": created,
            "agency_since": created, "ack_due_at": created + timedelta(days=3), "answer_due_at": answer_due,
            "taken_at": None, "first_response_at": None, "resolved_at": None, "closed_at": None,
            "close_reason": None, "paused_at": None, "extension_days": 0, "transfer_count": 0, "reopen_count": 0,
        }
        age = (END - created).days
        fate = rnd.random()
        # old items are nearly all answered (1 % left open, mostly overdue); recent ones partly
        if age > 60 and fate < 0.95 or age <= 60 and fate < 0.6:
            answered = created + timedelta(days=rnd.uniform(0.2, min(age, 20)))
            row.update(state="closed", taken_at=created + timedelta(hours=3), first_response_at=answered,
                       resolved_at=answered, closed_at=answered + timedelta(days=2), close_reason="confirmed")
            if rnd.random() < 0.3:
                row["rating"] = rnd.randint(1, 5)
                events.append({"ticket_id": i, "at": answered + timedelta(days=1), "actor_kind": "submitter",
                               "action": "rated", "from_agency": None, "to_agency": None, "data": {}})
        elif age > 60 and fate < 0.99 or age <= 60 and fate < 0.65:
            row.update(state="rejected", closed_at=created + timedelta(days=rnd.uniform(0.5, 5)))
        elif rnd.random() < 0.1:
            row.update(state="awaiting_info", paused_at=created + timedelta(days=2))
        else:
            row.update(state=rnd.choice(["new", "in_progress"]))
        if rnd.random() < 0.05:
            other = rnd.choice(agencies)
            row["transfer_count"] = 1
            events.append({"ticket_id": i, "at": created + timedelta(days=1), "actor_kind": "officer",
                           "action": "transfer", "from_agency": other, "to_agency": agency, "data": {}})
        if rnd.random() < 0.02:
            row["extension_days"] = 5
            events.append({"ticket_id": i, "at": created + timedelta(days=8), "actor_kind": "officer",
                           "action": "extended", "from_agency": None, "to_agency": None, "data": {"days": 5}})
        if rnd.random() < 0.01:
            row["reopen_count"] = 1
            events.append({"ticket_id": i, "at": created + timedelta(days=10), "actor_kind": "submitter",
                           "action": "reopen", "from_agency": None, "to_agency": None, "data": {}})
        tickets.append(row)
    return tickets, events


async def load(engine: AsyncEngine, tickets: list[dict[str, Any]], events: list[dict[str, Any]]) -> None:
    """Bulk insert: COPY on PostgreSQL, chunked executemany on SQLite."""
    async with engine.begin() as conn:
        if is_sqlite(str(engine.url)):
            for i in range(0, len(tickets), CHUNK):
                await conn.execute(insert(Ticket), tickets[i : i + CHUNK])
            for i in range(0, len(events), CHUNK):
                await conn.execute(insert(TicketEvent), events[i : i + CHUNK])
            return
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        await driver.copy_records_to_table(
            "tickets", columns=TICKET_COLUMNS,
            records=[tuple(json.dumps(r[c]) if c == "route_explanation" else r[c] for c in TICKET_COLUMNS)
                     for r in tickets],
        )
        await driver.copy_records_to_table(
            "ticket_events", columns=EVENT_COLUMNS,
            records=[tuple(json.dumps(e[c]) if c == "data" else e[c] for c in EVENT_COLUMNS) for e in events],
        )
        await conn.execute(
            text("SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT max(id) FROM tickets))")
        )
        await conn.execute(text("ANALYZE"))


async def bench(url: str, tickets: list[dict[str, Any]], events: list[dict[str, Any]], runs: int) -> None:
    """Fresh schema, bulk load, then time the weekly digest."""
    if not is_sqlite(url):
        engine = make_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    engine = make_engine(url)
    await upgrade(engine)
    core = Core.build(Config(database_url=url), make_sessionmaker(engine))
    await sync_agencies(core)
    t0 = time.perf_counter()
    await load(engine, tickets, events)
    loaded = time.perf_counter() - t0
    week = weekly.Week.parse("2026-W46")
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        async with core.maker() as session:
            built = await weekly.build_digest(session, core, week)
        weekly.render_text(built)
        timings.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    png = weekly.render_png(built)
    chart = time.perf_counter() - t0
    total = built.total
    kind = "SQLite" if is_sqlite(url) else "PostgreSQL"
    print(f"{kind}: loaded {len(tickets):,} tickets + {len(events):,} events in {loaded:.1f} s")
    print(f"{kind}: weekly digest {week.iso} (statistics + text): first {timings[0]:.3f} s, "
          f"median {statistics.median(timings):.3f} s over {runs} runs "
          f"(received {total.received if total else 0}, answered {total.answered if total else 0}, "
          f"open {total.open if total else 0})")
    print(f"{kind}: chart PNG {len(png) // 1024} KiB in {chart:.2f} s")
    await engine.dispose()


def main() -> None:
    """Run the benchmark on SQLite and/or PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--sqlite-only", action="store_true")
    only.add_argument("--postgres-only", action="store_true")
    args = parser.parse_args()
    t0 = time.perf_counter()
    tickets, events = synthesize(args.tickets)
    print(f"synthesized {len(tickets):,} tickets and {len(events):,} events in {time.perf_counter() - t0:.1f} s")
    if not args.postgres_only:
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(bench(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", tickets, events, args.runs))
    pg = os.environ.get("PCIBOT_BENCH_POSTGRES_URL")
    if pg and not args.sqlite_only:
        asyncio.run(bench(pg, tickets, events, args.runs))
    elif not args.sqlite_only:
        print("PostgreSQL skipped: set PCIBOT_BENCH_POSTGRES_URL")


if __name__ == "__main__":
    main()
