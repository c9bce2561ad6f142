"""Fuzz the public site and Open311: random and mutated query strings and bodies on every route of the router.

Each surface runs the real application, served by aiohttp on 127.0.0.1, on a fresh SQLite database (or the
PostgreSQL given by --db) seeded with tests/web_seed.py's tickets and a partner's api_key, and gets N cases
(tests/fuzz_web.py builds and judges them): web_get (the site's pages), open311_get, open311_post (creates,
valid or not, and POSTs to Open311's read-only routes) and web_post (bodies POSTed to the site's pages).
One line per surface:

    surface=<name> cases=<n> status_5xx=<n> crashes=<n> invalid_changed=<n> seconds=<s> creates=<n> creates_refused=<n>

A GET must change nothing, so every GET counts as input that must not change the database; `creates` are
the valid Open311 creates sent, each of which must be answered 2xx. The exit status is 1 if any 5xx, crash,
change by invalid input or refused valid create was seen (the first few are described).

    .venv/bin/python bench/fuzz_web.py [--surface web_get|open311_get|open311_post|web_post|all] [--cases 500]
                                       [--seed 1] [--db URL]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fuzz_chat import main  # noqa: E402
from tests.fuzz_web import SURFACES, summary, world  # noqa: E402

if __name__ == "__main__":
    main(SURFACES, world, summary, __doc__ or "")
