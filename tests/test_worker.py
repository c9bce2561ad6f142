"""The background worker: work committed while a batch runs is picked up at once, not after the idle sleep."""

from __future__ import annotations

import asyncio

from bot.core.worker import BatchWorker


class RacingWorker(BatchWorker):
    """Its first batch finds nothing, and new work is committed (and wake() called) before it returns."""

    def __init__(self) -> None:
        super().__init__("racing", idle_seconds=30.0)
        self.batches = 0
        self.second_batch = asyncio.Event()

    async def run_once(self) -> int:
        self.batches += 1
        if self.batches == 1:
            await asyncio.sleep(0)
            self.wake()  # the commit the batch's query did not see
            return 0
        self.second_batch.set()
        return 0


async def test_a_wake_during_an_empty_batch_is_not_lost() -> None:
    worker = RacingWorker()
    worker.start()
    try:
        # Without the fix the wake is cleared after the empty batch and the work waits the whole idle sleep (30 s).
        await asyncio.wait_for(worker.second_batch.wait(), timeout=2.0)
    finally:
        await worker.stop()
    assert worker.batches >= 2


class IdleWorker(BatchWorker):
    def __init__(self) -> None:
        super().__init__("idle", idle_seconds=30.0)
        self.batches = 0

    async def run_once(self) -> int:
        self.batches += 1
        return 0


async def test_an_idle_worker_sleeps_until_woken() -> None:
    worker = IdleWorker()
    worker.start()
    try:
        await asyncio.sleep(0.2)
        assert worker.batches == 1  # no busy loop while idle
        worker.wake()
        await asyncio.sleep(0.1)
        assert worker.batches == 2
    finally:
        await worker.stop()
