"""The `pcibot` command: route's stdin contract, db upgrade, import/export round trip, refusal of broken rules."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from bot.cli import main
from storage.db import alembic_config

ROOT = Path(__file__).resolve().parents[1]
PCIBOT = ROOT / ".venv" / "bin" / "pcibot"
COMMAND = [str(PCIBOT)] if PCIBOT.exists() else [sys.executable, "-m", "bot"]
CODE = re.compile(r"LS-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PCIBOT_")}
    env.update(PCIBOT_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}", PCIBOT_LOG_LEVEL="WARNING")
    env.update(extra)
    return env


def pcibot(tmp_path: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """Run the installed command in an empty directory (no .env) as an operator would."""
    return subprocess.run(
        [*COMMAND, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(tmp_path, **env),
        timeout=120,
        check=False,
    )


@pytest.fixture
def in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run `main()` in this process against a fresh SQLite file (faster than a subprocess)."""
    for key in [k for k in os.environ if k.startswith("PCIBOT_")]:
        monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PCIBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PCIBOT_LOG_LEVEL", "WARNING")
    return tmp_path


def test_route_reads_json_lines_and_plain_text(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "Đề nghị hoàn thuế giá trị gia tăng cho doanh nghiệp", "id": 7}, ensure_ascii=False),
        "xin chào",
        "{not json but text",
    ]
    done = pcibot(tmp_path, "route", stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == len(lines)
    for record in out:
        assert set(record) >= {"topic", "agency", "confidence", "matched", "runner_up"}
        assert 0 <= record["confidence"] <= 1 and isinstance(record["matched"], list)
    assert (out[0]["topic"], out[0]["agency"]) == ("thue_thanh_quyet_toan", "thue_tinh")
    assert (out[1]["topic"], out[1]["agency"]) == ("unclassified", "triage")
    assert (out[2]["topic"], out[2]["agency"]) == ("unclassified", "triage")


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    done = pcibot(tmp_path, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "cli.db") as db:
        tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
        version = db.execute("select version_num from alembic_version").fetchone()
    assert {"tickets", "ticket_events", "outbox", "dialog_states", "processed_events"} <= tables
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None and version == (head,)  # every migration applied


def test_broken_rules_stop_the_program_with_topic_field_and_line(
    in_process: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = (ROOT / "routing_rules.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(original) if line.strip() == "- id: thue_thanh_quyet_toan")
    lead = next(i for i in range(start, len(original)) if original[i].strip().startswith("lead:"))
    original[lead] = original[lead].replace("thue_tinh", "cuc_thue_cu")
    broken = in_process / "rules.yaml"
    broken.write_text("".join(original), encoding="utf-8")

    def named(err: str) -> bool:
        return all(x in err for x in ("thue_thanh_quyet_toan", "lead", f":{lead + 1}", "cuc_thue_cu"))

    done = pcibot(in_process, "run", PCIBOT_RULES=str(broken))
    assert done.returncode == 2 and named(done.stderr) and "Traceback" not in done.stderr, done.stderr
    assert not (in_process / "cli.db").exists()  # refused before touching the database
    monkeypatch.setenv("PCIBOT_RULES", str(broken))
    for verb in (["route"], ["export"]):
        assert main(verb) == 2
        assert named(capsys.readouterr().err), verb


CSV_ROWS = [
    {
        "text": "Gọi đường dây nóng: doanh nghiệp chờ hoàn thuế GTGT quá hạn,\nđề nghị Thuế tỉnh xử lý",
        "kind": "phan_anh",
        "created_at": "2026-03-09 08:15",
        "contact_name": "Hoàng Văn Nam",
        "contact_phone": "0912 345 678",
        "company": "Công ty TNHH Mai Linh",
        "tax_code": "0100109106",
        "commune": "",
        "topic": "",
        "agency": "",
        "source": "hotline",
        "confidential": "",
        "consent_publish": "có",
    },
    {
        "text": "Thư gửi Sở: đề nghị công khai quy hoạch khu công nghiệp",
        "kind": "kien_nghi",
        "created_at": "2026-03-06T10:00:00+07:00",
        "contact_name": "Lý Thị Mai",
        "contact_phone": "0987654321",
        "company": "",
        "tax_code": "",
        "commune": "",
        "topic": "tiep_can_dat_dai",
        "agency": "",
        "source": "paper",
        "confidential": "x",
        "consent_publish": "",
    },
]


def _csv(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def test_import_is_all_or_nothing_with_line_numbers(in_process: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = [dict(CSV_ROWS[0]), dict(CSV_ROWS[1], contact_phone="12345"), dict(CSV_ROWS[1], kind="khieu_nai")]
    path = in_process / "bad.csv"
    path.write_text(_csv(bad), encoding="utf-8")
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    # row 1 spans lines 2-3 (a quoted line break), so the bad rows start on lines 4 and 5
    assert f"{path}:4:" in err and f"{path}:5:" in err and f"{path}:2:" not in err
    assert "khieu_nai" in err and f"{path}:3:" not in err and "Không nhập dòng nào: 2 dòng có lỗi." in err
    jsonl = in_process / "bad.jsonl"
    jsonl.write_text(
        json.dumps({"text": "Hoàn thuế chậm", "kind": "phan_anh"}, ensure_ascii=False) + "\n\n[1, 2]\n{broken\n",
        encoding="utf-8",
    )
    assert main(["import", str(jsonl)]) == 1
    err = capsys.readouterr().err
    assert f"{jsonl}:3:" in err and f"{jsonl}:4:" in err and f"{jsonl}:1:" not in err
    assert main(["export", "--format", "jsonl"]) == 0
    assert capsys.readouterr().out == ""  # nothing was imported


def test_import_refuses_unclear_flags_and_broken_csv_naming_file_and_line(
    in_process: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    maybe = dict(CSV_ROWS[1], confidential="maybe")
    path = in_process / "unclear.csv"
    # row 1 spans lines 2-3, "maybe" is on line 4; line 5 opens a quote that is never closed
    path.write_text(_csv([CSV_ROWS[0], maybe]) + 'Đề nghị hỗ trợ,"phan_anh\n', encoding="utf-8")
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:4: confidential = 'maybe'" in err and "true/false, 1/0, yes/no, có/không" in err
    assert f"{path}:5: dấu ngoặc kép" in err and f"{path}:2:" not in err
    assert "Không nhập dòng nào: 2 dòng có lỗi." in err
    jsonl = in_process / "unclear.jsonl"
    lines = [{"text": "Hoàn thuế chậm", "consent_publish": "có"}, {"text": "Cấp phép chậm", "confidential": "2"}]
    jsonl.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines) + "\n", encoding="utf-8")
    assert main(["import", str(jsonl)]) == 1
    err = capsys.readouterr().err
    assert f"{jsonl}:2: confidential = '2'" in err and f"{jsonl}:1:" not in err
    misspelt = in_process / "misspelt.csv"
    misspelt.write_text("text,confidental\nHoàn thuế chậm,có\n", encoding="utf-8")
    assert main(["import", str(misspelt)]) == 1
    assert f"{misspelt}:1: cột không được hỗ trợ: 'confidental'" in capsys.readouterr().err
    assert main(["export", "--format", "jsonl"]) == 0
    assert capsys.readouterr().out == ""  # nothing was imported


def test_import_export_round_trip(
    in_process: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = in_process / "hotline.csv"
    path.write_text(_csv(CSV_ROWS), encoding="utf-8-sig")  # as Excel saves "CSV UTF-8"
    assert main(["import", str(path)]) == 0
    codes = CODE.findall(capsys.readouterr().out)
    assert len(codes) == 2
    jsonl = in_process / "email.jsonl"
    jsonl.write_text(
        json.dumps(
            {"text": "Email: cán bộ xã gây khó khăn khi cấp phép", "kind": "to_cao", "contact_name": "Đỗ Văn Hùng"},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    assert main(["import", str(jsonl)]) == 0
    codes += CODE.findall(capsys.readouterr().out)
    assert len(codes) == 3
    # importing the same file again creates nothing twice
    assert main(["import", str(path)]) == 0
    captured = capsys.readouterr()
    assert CODE.findall(captured.out) == [] and "bỏ qua 2" in captured.err

    assert main(["export", "--format", "jsonl"]) == 0
    staff = {r["code"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert set(staff) == set(codes)
    hotline, paper, email = (staff[c] for c in codes)
    assert (hotline["source"], hotline["kind"], hotline["state"]) == ("hotline", "phan_anh", "new")
    assert hotline["text"] == CSV_ROWS[0]["text"]
    assert (hotline["contact_phone"], hotline["tax_code"], hotline["consent_publish"]) == (
        "0912345678",
        "0100109106",
        True,
    )
    assert hotline["created_at"] == "2026-03-09T01:15:00+00:00"  # 08:15 Vietnam time
    assert (paper["topic_id"], paper["agency_id"], paper["confidential"]) == (
        "tiep_can_dat_dai",
        "so_nong_nghiep_moi_truong",
        True,
    )
    assert (email["agency_id"], email["confidential"], email["consent_publish"]) == ("thanh_tra_tinh", True, False)

    out = in_process / "staff.csv"
    assert main(["export", "--out", str(out)]) == 0
    capsys.readouterr()
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["code"] for r in rows] == [r["code"] for r in staff.values()]
    assert rows[0]["text"] == staff[rows[0]["code"]]["text"]  # line breaks survive the CSV

    # the staff export can be imported into another installation
    other = in_process / "other"
    other.mkdir()
    monkeypatch.setenv("PCIBOT_DATABASE_URL", f"sqlite+aiosqlite:///{other / 'cli.db'}")
    assert main(["import", str(out)]) == 0
    assert len(CODE.findall(capsys.readouterr().out)) == 3
    assert main(["export", "--format", "jsonl"]) == 0
    moved = sorted(
        (r["text"], r["agency_id"], r["topic_id"], r["contact_phone"])
        for r in map(json.loads, capsys.readouterr().out.splitlines())
    )
    assert moved == sorted((r["text"], r["agency_id"], r["topic_id"], r["contact_phone"]) for r in staff.values())


def test_public_export_has_no_personal_data(in_process: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = in_process / "hotline.csv"
    path.write_text(_csv(CSV_ROWS), encoding="utf-8")
    assert main(["import", str(path)]) == 0
    capsys.readouterr()
    for fmt in ("jsonl", "csv"):
        assert main(["export", "--public", "--format", fmt]) == 0
        out = capsys.readouterr().out
        for secret in ("Hoàng Văn Nam", "0912345678", "0912 345 678", "Lý Thị Mai", "0987654321", "0100109106"):
            assert secret not in out, (fmt, secret)
        assert out.count("LS-") == 2
    assert main(["export", "--public", "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert not {"contact_name", "contact_phone", "tax_code"} & set().union(*map(set, records))


def test_run_without_credentials_is_a_console_chat(tmp_path: Path) -> None:
    lines = ["Công ty chúng tôi đề nghị hoàn thuế GTGT", "/cancel", "/as officer thue_tinh", "/inbox"]
    done = pcibot(tmp_path, "run", stdin="\n".join(lines) + "\n", PCIBOT_WEB_PORT="0")
    assert done.returncode == 0, done.stderr
    assert "Nội dung này thuộc loại nào?" in done.stdout
    assert "Đã hủy nội dung đang soạn" in done.stdout
    assert "Không có phản ánh nào đang mở." in done.stdout
    assert (tmp_path / "cli.db").exists()  # SQLite, migrated on start
