"""Hypothesis drives random and mutated chat input at the real application: no 5xx, no crash, invalid changes nothing.

Telegram updates, Zalo OA events and Zalo Bot updates, and forged button data pressed by people who may not
act on another business's ticket or dialog (tests/fuzz_chat.py builds the cases and judges them). Hypothesis
runs in a worker thread and hands each case to the application's event loop.
"""

from __future__ import annotations

import asyncio
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz_chat import World, world

pytestmark = pytest.mark.e2e
EXAMPLES = 150


async def fuzz(w: World, examples: int = EXAMPLES, true_random: bool = False) -> None:
    """`examples` cases through the world, each asserted on its own (hypothesis shrinks a failing one).

    With `true_random` each case gets a plain seeded Random (values as often as the bench draws them)
    rather than hypothesis's, which favours the first choices and shrinks better.
    """
    loop = asyncio.get_running_loop()

    @settings(
        max_examples=examples, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(st.randoms(use_true_random=true_random))
    def check(rng: random.Random) -> None:
        case = w.case(rng)
        outcome = asyncio.run_coroutine_threadsafe(w.send(case), loop).result(timeout=120)
        assert not outcome.bad(case), (outcome.bad(case), case.label, case.body[:400], w.crashes.last[-1500:])

    await asyncio.to_thread(check)


@pytest.mark.parametrize("surface", ["telegram", "zalo", "callback"])
async def test_fuzzed_chat_input(surface: str, db_url: str) -> None:
    async with world(surface, db_url) as w:
        await fuzz(w)
