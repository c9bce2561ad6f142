"""Crash soak at CI size: 200 businesses, `pcibot run` SIGKILLed 10 times, nothing acknowledged lost."""

from __future__ import annotations

import pytest

from bot.core.outbox import RECORD_EVERY
from tests.soak import soak

pytestmark = pytest.mark.e2e

# A kill can only repeat what Telegram accepted but the sender had not yet recorded: outcomes are written at
# least every RECORD_EVERY deliveries (the one in hand included).
IN_FLIGHT = RECORD_EVERY


async def test_kill_nine_ten_times_loses_no_tracking_code_dialog_or_message() -> None:
    figures = await soak(businesses=200, kills=10, seed=7)
    assert figures.kills == 10, figures.line()
    assert figures.codes_shown == 200, figures.line()
    assert (figures.codes_missing, figures.texts_lost, figures.dialogs_stalled) == ([], [], []), figures.line()
    # an item filed again needs a question sent twice, which only a kill's unrecorded window causes
    assert len(figures.filed_again) <= figures.duplicates, (figures.line(), figures.filed_again)
    assert figures.outbox_unsent == 0 and figures.outbox_rows >= 200 * 9, figures.line()
    assert figures.duplicates <= figures.kills * IN_FLIGHT, figures.line()
