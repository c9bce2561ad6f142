"""Hypothesis fuzzes query strings and bodies of the site and Open311: no 5xx, no crash, invalid input changes nothing.

Every GET route of the router with odd placeholders and query strings (which must change nothing), Open311
creates valid or not in every encoding (a valid one must be accepted), and bodies POSTed to the site's
pages, each against the real application served on 127.0.0.1 (tests/fuzz_web.py builds and judges them).
"""

from __future__ import annotations

import pytest

from tests.fuzz_web import SURFACES, world
from tests.test_fuzz_chat import fuzz

pytestmark = pytest.mark.e2e
EXAMPLES = 100


@pytest.mark.parametrize("surface", SURFACES)
async def test_fuzzed_web_input(surface: str, db_url: str) -> None:
    async with world(surface, db_url) as w:
        await fuzz(w, EXAMPLES, true_random=True)
