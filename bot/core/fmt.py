"""Vietnamese formatting of dates, numbers and percentages (dd/mm/yyyy, 1.250, 87,5 %), and reading dates back."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(dt: datetime) -> datetime:
    """A datetime in Vietnam's time zone."""
    return dt.astimezone(TZ)


def fmt_date(dt: datetime) -> str:
    """dd/mm/yyyy in Vietnam's time zone."""
    return local(dt).strftime("%d/%m/%Y")


def fmt_datetime(dt: datetime) -> str:
    """HH:MM dd/mm/yyyy in Vietnam's time zone."""
    return local(dt).strftime("%H:%M %d/%m/%Y")


def fmt_int(n: int) -> str:
    """Thousands separated by dots: 1.250."""
    return f"{n:,}".replace(",", ".")


def fmt_percent(x: float | None, digits: int = 1) -> str:
    """A share as a Vietnamese percentage: 87,5 % (— when undefined)."""
    if x is None:
        return "—"
    return f"{x * 100:.{digits}f}".replace(".", ",") + " %"


def parse_date(text: str) -> date:
    """2026-03-31 or 31/03/2026; ValueError otherwise."""
    text = text.strip()
    return datetime.strptime(text, "%d/%m/%Y").date() if "/" in text else date.fromisoformat(text)
