"""Online backup of the SQLite database (PostgreSQL is backed up with pg_dump)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.db import is_sqlite


class BackupError(Exception):
    """The backup cannot be made; the message says why, in Vietnamese, for the operator."""


def sqlite_path(url: str) -> Path:
    """The database file of a SQLite URL."""
    if not is_sqlite(url):
        raise BackupError(
            "pcibot backup chỉ sao lưu SQLite. Với PostgreSQL, dùng: pg_dump -Fc <tên cơ sở dữ liệu> > sao-luu.dump"
        )
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return Path(database)


def backup_sqlite(url: str, dest: Path) -> int:
    """Copy the live database to `dest` page by page (writers keep going); return the copy's size in bytes."""
    source = sqlite_path(url)
    if not source.is_file():
        raise BackupError(f"Không tìm thấy cơ sở dữ liệu {source}.")
    if dest.exists():
        raise BackupError(f"Tệp {dest} đã có; chọn tên khác để không ghi đè bản sao lưu cũ.")
    if not dest.parent.is_dir():
        raise BackupError(f"Thư mục {dest.parent} không tồn tại.")
    partial = dest.with_name(dest.name + ".partial")
    src = sqlite3.connect(source)
    try:
        out = sqlite3.connect(partial)
        try:
            src.backup(out, pages=1024)
            check = out.execute("PRAGMA integrity_check").fetchone()
        finally:
            out.close()
    finally:
        src.close()
    if check is None or check[0] != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError("Bản sao lưu không vượt qua kiểm tra toàn vẹn; đã xoá bản lỗi.")
    partial.replace(dest)
    return dest.stat().st_size
