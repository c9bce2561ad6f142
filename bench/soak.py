"""Crash soak: N businesses through the whole Telegram intake while `pcibot run` is SIGKILLed K times.

tests/soak.py runs it (a real `pcibot run` process polling a fake Bot API on 127.0.0.1, SQLite): every
tracking code shown must exist with its business's text, every dialog must reach its receipt, every outbox
row must be sent. One line of figures; the exit status is 1 if anything acknowledged was lost.

    .venv/bin/python bench/soak.py [--businesses 2000] [--kills 100] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.soak import soak  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--businesses", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    figures = asyncio.run(soak(args.businesses, args.kills, args.seed))
    print(figures.line())
    if figures.lost:
        print(f"LOST: missing {figures.codes_missing[:5]}, texts lost {figures.texts_lost[:5]}, "
              f"stalled {figures.dialogs_stalled[:5]}, unsent {figures.outbox_unsent}")  # fmt: skip
    return 1 if figures.lost or figures.kills < args.kills else 0


if __name__ == "__main__":
    sys.exit(main())
