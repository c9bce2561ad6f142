"""/help follows the role and the chat, and what it lists is what that role is allowed to do."""

from __future__ import annotations

import re

import pytest

from bot.app import App
from bot.core.commands import COMMANDS
from bot.core.i18n import t
from tests.conftest import FakeClock
from tests.console_driver import ConsoleDriver
from tests.fakes.world import make_cast, ticket_in

# the console's identities: (what /as takes, the role)
PEOPLE = [
    ("enterprise", "business"),
    ("officer thue_tinh", "officer"),
    ("head thue_tinh", "head"),
    ("coordinator", "coordinator"),
    ("admin", "admin"),
]
REFUSALS = [t(key, "vi") for key in ("admin_only", "off_not_officer", "off_hide_forbidden")]
REFUSALS.append(t("err_forbidden", "vi", agency="Thuế tỉnh"))
STAFF_ONLY = sorted(c.name for c in COMMANDS if "business" not in c.roles and c.name != "join")  # join makes staff


def listed(printed: str) -> list[str]:
    return re.findall(r"^• /([a-z]+)", printed, re.MULTILINE)


@pytest.mark.parametrize(("who", "role"), PEOPLE)
async def test_help_lists_exactly_what_the_role_may_do(app: App, clock: FakeClock, who: str, role: str) -> None:
    code = await ticket_in(app, await make_cast(app, clock), "new")  # a thuế item to try the commands on
    console = ConsoleDriver(app)
    await console.type(f"/as {who}")
    shown = listed(await console.type("/help"))
    assert shown and shown[-1] == "help"
    for name in STAFF_ONLY:
        clock.advance(seconds=4)  # as a person types: under the per-minute limit for businesses
        out = await console.type(f"/{name} {code} x")
        refused = any(refusal in out for refusal in REFUSALS)
        assert refused == (name not in shown), (role, name, out)


async def test_each_role_reads_its_own_help(app: App) -> None:
    console = ConsoleDriver(app)
    business = await console.type("/help")
    assert t("help", "vi") in business and "/new" in business and "/take" not in business
    helps = {}
    for who, role in PEOPLE[1:]:
        await console.type(f"/as {who}")
        helps[role] = await console.type("/help")
        assert t(f"off_help_{role}", "vi") in helps[role] and "/new" not in helps[role], role
    assert "/take" in helps["officer"] and "/assign" not in helps["officer"] and "/hide" not in helps["officer"]
    assert "/hide" in helps["coordinator"] and "/assign" in helps["coordinator"]
    assert "/take" not in helps["admin"] and "/hide" not in helps["admin"] and "/invite" in helps["admin"]
    await console.type("/as enterprise")
    await console.type("/lang en")
    english = await console.type("/help")
    assert "How to use this service" in english and "• /status [LS-XXXXXX] — Your submissions" in english
