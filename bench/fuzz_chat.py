"""Fuzz the chat surfaces: random and mutated Telegram updates, Zalo OA / Zalo Bot events, forged button data.

Each surface runs the real application (webhook mode) on a fresh SQLite database (or the PostgreSQL given by
--db) and gets N cases (tests/fuzz_chat.py builds and judges them); one line per surface:

    surface=<name> cases=<n> status_5xx=<n> crashes=<n> invalid_changed=<n> seconds=<s>

The exit status is 1 if any 5xx, crash or change by invalid input was seen (the first few are described).

    .venv/bin/python bench/fuzz_chat.py [--surface telegram|zalo|callback|all] [--cases 500] [--seed 1] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import reset_postgres  # noqa: E402
from tests.fuzz_chat import SURFACES, Case, Outcome, World, summary, world  # noqa: E402

SHOWN = 5
Worlds = Callable[[str, str], AbstractAsyncContextManager[World]]
Line = Callable[[str, list[tuple[Case, Outcome]], float], str]


async def fuzz(
    surface: str, cases: int, seed: int, db_url: str | None, worlds: Worlds = world, line: Line = summary
) -> bool:
    """Run one surface; print its line (and the first failures); True when nothing went wrong."""
    rng = random.Random(f"{seed}:{surface}")
    with tempfile.TemporaryDirectory() as tmp:
        url = db_url or f"sqlite+aiosqlite:///{tmp}/fuzz.db"
        if db_url:
            await reset_postgres(db_url)
        outcomes: list[tuple[Case, Outcome]] = []
        async with worlds(surface, url) as w:
            began = time.monotonic()
            for _ in range(cases):
                case = w.case(rng)
                outcomes.append((case, await w.send(case)))
            seconds = time.monotonic() - began
            last_crash = w.crashes.last
    print(line(surface, outcomes, seconds), flush=True)
    failures = [(case, outcome.bad(case)) for case, outcome in outcomes if outcome.bad(case)]
    for case, bad in failures[:SHOWN]:
        print(f"  {', '.join(bad)}: {case.label}: {case.target[:300]} {case.body[:300]!r}", file=sys.stderr)
    if last_crash:
        print(f"  last crash: {last_crash[-2000:]}", file=sys.stderr)
    return not failures


def main(
    surfaces: Sequence[str] = SURFACES, worlds: Worlds = world, line: Line = summary, doc: str = __doc__ or ""
) -> None:
    """The command line of a fuzz bench over `surfaces` (bench/fuzz_web.py passes the web's)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--surface", choices=[*surfaces, "all"], default="all")
    parser.add_argument("--cases", type=int, default=500, help="cases per surface (the bench run uses 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", help="a PostgreSQL URL to use instead of a fresh SQLite file (it is emptied)")
    args = parser.parse_args()
    logging.getLogger().addHandler(logging.NullHandler())  # refusals come by the thousand; crashes are counted
    chosen = surfaces if args.surface == "all" else (args.surface,)
    ok = [asyncio.run(fuzz(surface, args.cases, args.seed, args.db, worlds, line)) for surface in chosen]
    sys.exit(0 if all(ok) else 1)


if __name__ == "__main__":
    main()
