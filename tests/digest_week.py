"""A hand-built ISO week 2026-W18 (27/04–03/05/2026) with the holidays that shape its deadlines.

Mon 27/04 is the observed Giỗ Tổ Hùng Vương (10/3 lunar fell on Sun 26/04); Thu 30/04 and Fri 01/05 are
holidays: the week has two working days (Tue 28, Wed 29). Agencies: A = Sở Tài chính, B = Sở Xây dựng,
C = Sở Công Thương.

  T1 A received Thu 16/04 09:00; due Tue 05/05 (Thu 30/04 without the holidays); answered Fri 01/05 10:00
  T2 A received Tue 07/04 09:00; due Tue 21/04; still open → open overdue in W17 and W18
  T3 A received Tue 28/04 09:00; answered Wed 29/04 10:00
  T4 B received Mon 13/04 09:00; due Tue 28/04; answered Wed 29/04 10:00 → late
  T5 B received Tue 28/04 09:30; answered 11:00; rated 5 on Wed 29/04 09:00
  T6 B received Wed 29/04 09:00; transferred to A at 14:00; open, not yet due
  T7 C received Tue 28/04 08:00; answered 15:00
"""

from __future__ import annotations

from bot.app import App
from bot.core.authz import Actor
from tests.conftest import FakeClock
from tests.sla_support import act, add_business, submit, vn

A, B, C = "so_tai_chinh", "so_xay_dung", "so_cong_thuong"
MARKET, LAND = "gia_nhap_thi_truong", "tiep_can_dat_dai"


async def build_week(app: App, clock: FakeClock) -> dict[str, str]:
    """Create T1–T7 through the lifecycle at their moments; returns {"T1": code, …}."""
    business = await add_business(app, "biz-week")
    owner = Actor(role="business", ref=f"identity:{business.id}", identity_id=business.id)
    codes = {
        "T1": await submit(app, clock, vn(2026, 4, 16, 9), agency=A, topic=MARKET),
        "T2": await submit(app, clock, vn(2026, 4, 7, 9), agency=A, topic=MARKET),
        "T3": await submit(app, clock, vn(2026, 4, 28, 9), agency=A, topic=MARKET),
        "T4": await submit(app, clock, vn(2026, 4, 13, 9), agency=B, topic=LAND),
        "T5": await submit(app, clock, vn(2026, 4, 28, 9, 30), agency=B, topic=LAND, identity_id=business.id),
        "T6": await submit(app, clock, vn(2026, 4, 29, 9), agency=B, topic="chuyen_doi_so"),
        "T7": await submit(app, clock, vn(2026, 4, 28, 8), agency=C, topic="ho_tro_doanh_nghiep"),
    }
    await act(app, clock, vn(2026, 5, 1, 10), codes["T1"], "resolve", "Đã cấp giấy chứng nhận.")
    await act(app, clock, vn(2026, 4, 29, 10), codes["T3"], "resolve", "Đã hướng dẫn.")
    await act(app, clock, vn(2026, 4, 29, 10), codes["T4"], "resolve", "Đã giao đất.")
    await act(app, clock, vn(2026, 4, 28, 11), codes["T5"], "resolve", "Đã trả lời.")
    await act(app, clock, vn(2026, 4, 29, 9), codes["T5"], "rate", 5, actor=owner)
    await act(app, clock, vn(2026, 4, 29, 14), codes["T6"], "transfer", A, "Thuộc thẩm quyền Sở Tài chính")
    await act(app, clock, vn(2026, 4, 28, 15), codes["T7"], "resolve", "Đã hỗ trợ.")
    return codes
