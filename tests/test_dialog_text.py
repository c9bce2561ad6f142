"""Every message the core and the handlers send exists in the catalogs, and every refusal renders in full."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from bot.app import App
from bot.core.i18n import en, vi, zh
from bot.core.lifecycle import LifecycleError
from handlers.context import refusal

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    ROOT / "bot" / "core" / "lifecycle.py",
    ROOT / "bot" / "core" / "notify.py",
    *sorted((ROOT / "handlers").glob("*.py")),
]
# (function name, position of the catalog key among the positional arguments)
KEY_ARGS = {"say": 0, "V": 0, "t": 0, "to_business": 3, "to_agency": 3}


def _calls(path: Path) -> list[ast.Call]:
    return [n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, ast.Call)]


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def used_keys() -> set[tuple[str, str]]:
    """(file, key) for every literal catalog key passed to a message function."""
    found = set()
    for path in SOURCES:
        for call in _calls(path):
            position = KEY_ARGS.get(_name(call))
            if position is not None and len(call.args) > position:
                arg = call.args[position]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add((path.name, arg.value))
    return found


def refusals() -> dict[str, set[str]]:
    """Every LifecycleError code raised in the core, with the parameters given at each raise."""
    codes: dict[str, set[str]] = {}
    for call in _calls(ROOT / "bot" / "core" / "lifecycle.py"):
        if _name(call) == "LifecycleError" and call.args and isinstance(call.args[0], ast.Constant):
            codes.setdefault(str(call.args[0].value), set()).update(k.arg for k in call.keywords if k.arg)
    # _require raises f"{what}_required" for these:
    for what in ("text", "answer", "question", "reason"):
        codes.setdefault(f"{what}_required", set())
    return codes


def test_the_scan_finds_messages() -> None:
    keys = {k for _, k in used_keys()}
    assert {"ask_kind", "greeting", "taken", "agency_reply", "inbox_empty"} <= keys
    assert {"bad_transition", "forbidden", "too_long", "reopen_expired"} <= set(refusals())


@pytest.mark.parametrize(("source", "key"), sorted(used_keys()))
def test_every_used_key_is_in_the_vietnamese_catalog(source: str, key: str) -> None:
    assert key in vi.MESSAGES, f"{source} uses {key!r}"


@pytest.mark.parametrize("code", sorted(refusals()))
@pytest.mark.parametrize("lang", ["vi", "en", "zh"])
def test_every_refusal_reads_well_in_every_language(code: str, lang: str) -> None:
    catalog = {"vi": vi.MESSAGES, "en": en.MESSAGES, "zh": zh.MESSAGES}[lang]
    key = f"err_{code}"
    assert key in catalog, f"{lang} lacks {key}"
    given = refusals()[code]
    needed = {name for _, name, _, _ in string.Formatter().parse(catalog[key]) if name}
    assert needed <= given, f"{key} needs {needed - given}"


def test_refusal_names_states_agencies_and_numbers_as_people_say_them(app: App) -> None:
    core = app.core
    waiting = refusal(core, LifecycleError("bad_transition", action="take", state="awaiting_info"), "vi")
    assert vi.MESSAGES["state_awaiting_info"] in waiting and "awaiting_info" not in waiting
    assert "Thuế tỉnh" in refusal(core, LifecycleError("forbidden", ticket="LS-7K3QX9", agency="thue_tinh"), "vi")
    assert "4.000" in refusal(core, LifecycleError("too_long", limit=4000), "vi")
    assert "4,000" in refusal(core, LifecycleError("too_long", limit=4000), "en")
    assert "Quý doanh nghiệp" in refusal(core, LifecycleError("reopen_expired", days=14), "vi")
