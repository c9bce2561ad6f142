"""Benchmark the router: route the labelled examples repeated to ≥ 50,000 messages on one thread."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.core.routing import Router  # noqa: E402
from bot.core.rules import load_rules  # noqa: E402

DEFAULT_FILES = [
    ROOT.parent / "shared" / "data" / "routing_examples.jsonl",
    ROOT / "tests" / "data" / "routing_extra.jsonl",
]


def load_texts(paths: list[Path]) -> list[str]:
    """Texts of every JSONL file that exists."""
    texts: list[str] = []
    for path in paths:
        if path.is_file():
            with path.open(encoding="utf-8") as fh:
                texts.extend(json.loads(line)["text"] for line in fh if line.strip())
    return texts


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print messages per second."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--messages", type=int, default=50_000, help="messages to route (min)")
    parser.add_argument("files", nargs="*", type=Path, help="JSONL files with a 'text' field")
    args = parser.parse_args(argv)
    texts = load_texts(args.files or DEFAULT_FILES)
    if not texts:
        print("no examples found", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    router = Router(load_rules(fresh=True))
    build = time.perf_counter() - t0
    repeats = -(-args.messages // len(texts))
    batch = texts * repeats
    for text in texts[:200]:  # warm caches
        router.route(text)
    start = time.perf_counter()
    for text in batch:
        router.route(text)
    elapsed = time.perf_counter() - start
    print(f"router build: {build * 1000:.1f} ms")
    print(f"routed {len(batch)} messages ({len(texts)} distinct) in {elapsed:.2f} s")
    print(f"{len(batch) / elapsed:,.0f} msgs/s (single thread)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
