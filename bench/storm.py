"""Storm: N outbound messages (private and group chats) through the real outbox sender and python-telegram-bot
against the fake Bot API, which answers a random share with 429 (retry_after) or 500 and measures the result:
all delivered, none twice, at most 30 requests in any 1 s window, at most 20 to one group in any 60 s window.

    .venv/bin/python bench/storm.py                     # 300 messages, about 15 s
    .venv/bin/python bench/storm.py --messages 10000    # about 6 minutes (30/s is the cap)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.storm import storm  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--group-share", type=float, default=0.2, help="share of messages to group chats")
    parser.add_argument("--p429", type=float, default=0.03, help="share of requests answered 429")
    parser.add_argument("--p500", type=float, default=0.03, help="share of requests answered 500")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite+aiosqlite:///{tmp}/storm.db"
        figures = asyncio.run(
            storm(url, args.messages, group_share=args.group_share, p429=args.p429, p500=args.p500, seed=args.seed)
        )
    print(figures.line())
    ok = (
        figures.delivered == figures.messages
        and figures.duplicates == 0
        and figures.max_per_second <= 30
        and figures.max_group_per_minute <= 20
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
