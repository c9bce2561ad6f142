"""Retention purge and backup: old closed tickets lose their personal data, the audit trail and statistics stay."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.cli import main
from bot.core.retention import purge
from storage.models import Attachment, Identity, Message, OutboxMessage, Ticket, TicketEvent
from tests.conftest import FakeClock
from tests.web_seed import PII_TEXT, SECRET_DIGITS, SUBMITTER_NAME, Seeded, seed

FIVE_YEARS = 1825


async def _ticket(app: App, code: str) -> Ticket:
    async with app.core.maker() as session:
        ticket = (await session.execute(select(Ticket).where(Ticket.code == code))).scalar_one()
        return ticket


async def _events(app: App, code: str) -> list[str]:
    async with app.core.maker() as session:
        rows = await session.execute(
            select(TicketEvent.action).join(Ticket).where(Ticket.code == code).order_by(TicketEvent.id)
        )
        return list(rows.scalars())


async def _seeded_with_file(app: App, clock: FakeClock) -> Seeded:
    seeded = await seed(app, clock)
    pii = await _ticket(app, seeded.pii)
    async with app.core.maker() as session, session.begin():
        session.add(Attachment(ticket_id=pii.id, channel="telegram", kind="photo", ref="AgAD-file-id", name="cccd.jpg",
                               created_at=clock()))
    return seeded


def _no_personal_data(text: str | None) -> None:
    assert text is not None
    folded = text.replace(" ", "").replace(".", "")
    assert SUBMITTER_NAME not in text and "Hằng" not in text
    for digits in SECRET_DIGITS:
        assert digits not in folded


async def test_purge_anonymises_old_closed_tickets_and_keeps_the_audit_trail(app: App, clock: FakeClock) -> None:
    seeded = await _seeded_with_file(app, clock)
    before = await _events(app, seeded.pii)
    assert (await _ticket(app, seeded.pii)).state == "closed"
    clock.advance(days=FIVE_YEARS + 1)

    result = await purge(app.core, FIVE_YEARS)

    assert result.tickets >= 1
    pii = await _ticket(app, seeded.pii)
    assert (pii.contact_name, pii.contact_phone, pii.company, pii.tax_code, pii.identity_id) == (None,) * 5
    _no_personal_data(pii.text)
    _no_personal_data(pii.answer_text)
    assert "chưa được giải quyết" in pii.text  # the substance stays for statistics and clusters
    assert await _events(app, seeded.pii) == [*before, "purged"]
    async with app.core.maker() as session:
        for message in (await session.execute(select(Message).where(Message.ticket_id == pii.id))).scalars():
            _no_personal_data(message.text)
        assert (await session.execute(select(Attachment).where(Attachment.ticket_id == pii.id))).first() is None
        outbox = (await session.execute(select(OutboxMessage).where(OutboxMessage.ticket_id == pii.id))).scalars()
        assert all(row.payload == {} and row.chat_id == "" for row in outbox)
        identity = (await session.execute(select(Identity))).scalar_one()
        assert identity.display_name == "" and identity.user_id.startswith("purged:")
    # tickets still open are untouched
    moved = await _ticket(app, seeded.moved)
    assert moved.state != "closed" and moved.contact_name == SUBMITTER_NAME


async def test_purge_is_idempotent_and_spares_recent_tickets(app: App, clock: FakeClock) -> None:
    seeded = await _seeded_with_file(app, clock)
    clock.advance(days=100)
    assert (await purge(app.core, FIVE_YEARS)).tickets == 0
    assert (await _ticket(app, seeded.pii)).contact_name == SUBMITTER_NAME
    clock.advance(days=FIVE_YEARS)
    first = await purge(app.core, FIVE_YEARS)
    again = await purge(app.core, FIVE_YEARS)
    assert first.tickets >= 1 and (again.tickets, again.identities) == (0, 0)
    assert (await _events(app, seeded.pii)).count("purged") == 1


async def test_dry_run_counts_and_changes_nothing(app: App, clock: FakeClock) -> None:
    seeded = await _seeded_with_file(app, clock)
    clock.advance(days=FIVE_YEARS + 1)
    dry = await purge(app.core, FIVE_YEARS, dry_run=True)
    assert dry.tickets >= 1
    pii = await _ticket(app, seeded.pii)
    assert pii.contact_name == SUBMITTER_NAME and pii.text == PII_TEXT
    assert "purged" not in await _events(app, seeded.pii)


async def _seed_file(path: Path, clock: FakeClock) -> Seeded:
    from bot.app import build, stop
    from tests.conftest import make_config

    app = await build(make_config(f"sqlite+aiosqlite:///{path}"), clock=clock, migrate=True)
    try:
        return await seed(app, clock)
    finally:
        await stop(app)


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database file in an empty working directory, as an operator's server would have."""
    import os

    for key in [k for k in os.environ if k.startswith("PCIBOT_")]:
        monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "pcibot.db"
    monkeypatch.setenv("PCIBOT_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.setenv("PCIBOT_LOG_LEVEL", "WARNING")
    return path


async def test_purge_command_uses_the_retention_setting(
    cli_db: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded = await _seed_file(cli_db, clock)  # closed in March 2026, i.e. months before the real "now"
    monkeypatch.setenv("PCIBOT_RETENTION_DAYS", "36500")
    assert await _cli(["purge"]) == 0
    assert "Đã ẩn danh 0 phiếu" in capsys.readouterr().out
    assert await _cli(["purge", "--older-than", "30", "--dry-run"]) == 0
    assert "Sẽ ẩn danh 1 phiếu" in capsys.readouterr().out
    monkeypatch.setenv("PCIBOT_RETENTION_DAYS", "30")
    assert await _cli(["purge"]) == 0
    out = capsys.readouterr().out
    assert "Đã ẩn danh 1 phiếu" in out and "nhật ký xử lý vẫn giữ" in out
    with sqlite3.connect(cli_db) as db:
        name = db.execute("select contact_name from tickets where code = ?", (seeded.pii,)).fetchone()
    assert name == (None,)
    assert await _cli(["purge", "--older-than", "0"]) == 2
    assert "số nguyên dương" in capsys.readouterr().err


async def _cli(argv: list[str]) -> int:
    """main() runs its own event loop: call it from a thread, as the shell would."""
    import asyncio

    return await asyncio.to_thread(main, argv)


async def test_backup_copies_the_live_database(
    cli_db: Path, clock: FakeClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded = await _seed_file(cli_db, clock)
    writer = sqlite3.connect(cli_db)  # an open writer with uncommitted-to-main-file WAL pages, as in production
    writer.execute("pragma journal_mode=wal")
    writer.execute("update tickets set rating = 5 where code = ?", (seeded.pii,))
    writer.commit()
    dest = tmp_path / "backup.db"
    try:
        assert await _cli(["backup", str(dest)]) == 0
    finally:
        writer.close()
    assert "Đã sao lưu cơ sở dữ liệu vào" in capsys.readouterr().out
    with sqlite3.connect(dest) as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
        assert db.execute("select count(*) from tickets").fetchone() == (len(seeded.all),)
        assert db.execute("select rating from tickets where code = ?", (seeded.pii,)).fetchone() == (5,)
    assert await _cli(["backup", str(dest)]) == 1
    assert "đã có" in capsys.readouterr().err


async def test_backup_refuses_postgresql_with_the_pg_dump_way(
    cli_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PCIBOT_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/pcibot")
    assert await _cli(["backup", str(tmp_path / "x.db")]) == 1
    assert "pg_dump" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()
