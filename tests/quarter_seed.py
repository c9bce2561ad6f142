"""Quarter IV of 2026 for the periodic report: the cluster items answered on time or late, recommendations with
their outcomes, one item received in quarter III still open, one with a business's personal details.

  Sở NN&MT    LAND1–5, CLEAR (tiep_can_dat_dai)           answered Thu 05/11 → 6 on time
  Thuế tỉnh   TAX1 answered 05/11 (on time), TAX2 answered 15/12 (late), TAX3, TAX4, INVOICE still open,
              BACKLOG received Mon 21/09/2026 (quarter III) still open     → 1 on time of 2 answered, 4 overdue
  Sở Tài chính REG1–3, RENAME (gia_nhap_thi_truong), K3 not accepted, K4 accepted (ho_tro_doanh_nghiep) → on time
  VP UBND     ELSEWHERE (chi_phi_tuan_thu)                  answered 05/11 → on time
  Sở KH&CN    K1 accepted, K2 under study (chuyen_doi_so)   answered Fri 06/11 → on time
  OLD         received and answered in quarter IV of 2025 (outside)
The answer deadline of items received on 02–03/11 is mid-November (10 working days): open items are overdue at
the end of the quarter. The clock is left at Tue 05/01/2027 09:00, after the quarter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.app import App
from bot.core import lifecycle
from bot.core.authz import SYSTEM
from bot.core.lifecycle import Draft
from tests.cluster_seed import TAX_AGENCY, TAX_TOPIC, seed_clusters
from tests.conftest import FakeClock
from tests.sla_support import act, vn

BUSINESS_NAME = "Nguyễn Thị Hằng"
BUSINESS_PHONE = "0912345678"
BUSINESS_TAX = "4900123456"
BUSINESS_COMPANY = "Công ty TNHH Thương mại Hoàng Long"
# Also in the cluster items' texts (REG1 gives a phone number): none of it may reach the report.
PERSONAL = (BUSINESS_NAME, BUSINESS_PHONE, BUSINESS_TAX, BUSINESS_COMPANY, "Hoàng Long")

# (name, topic, agency, text, outcome)
RECOMMENDATIONS: list[tuple[str, str, str, str, str]] = [
    ("K1", "chuyen_doi_so", "so_khoa_hoc_cong_nghe",
     "Đề nghị hỗ trợ kinh phí cho doanh nghiệp ứng dụng truy xuất nguồn gốc nông sản bằng mã QR", "accepted"),
    ("K2", "chuyen_doi_so", "so_khoa_hoc_cong_nghe",
     "Kiến nghị xây dựng sàn giao dịch công nghệ của tỉnh để doanh nghiệp đặt hàng nghiên cứu", "under_study"),
    ("K3", "ho_tro_doanh_nghiep", "so_tai_chinh",
     "Đề nghị miễn toàn bộ tiền thuê mặt bằng chợ biên giới trong năm năm", "not_accepted"),
    ("K4", "ho_tro_doanh_nghiep", "so_tai_chinh",
     f"Tôi là {BUSINESS_NAME}, {BUSINESS_COMPANY}, MST {BUSINESS_TAX}, SĐT {BUSINESS_PHONE}: đề nghị mở lớp "
     "đào tạo kế toán miễn phí cho hộ kinh doanh mới lên doanh nghiệp", "accepted"),
]


@dataclass
class Quarter:
    """The codes of the seeded items by name."""

    codes: dict[str, str] = field(default_factory=dict)


async def _recommendation(app: App, clock: FakeClock, i: int, name: str, topic: str, agency: str, text: str) -> str:
    at = vn(2026, 11, 3, 9 + i)
    clock.now = at
    personal = name == "K4"
    async with app.core.maker() as session, session.begin():
        ticket = await lifecycle.submit(
            session,
            app.core,
            Draft(text=text, kind="kien_nghi", topic_id=topic, agency_id=agency, created_at=at, auto_route=False,
                  contact_name=BUSINESS_NAME if personal else None, contact_phone=BUSINESS_PHONE if personal else None,
                  company=BUSINESS_COMPANY if personal else None, tax_code=BUSINESS_TAX if personal else None),
            SYSTEM,
        )
        return ticket.code


async def seed_quarter(app: App, clock: FakeClock) -> Quarter:
    """Everything above, through the real lifecycle at its moments."""
    q = Quarter(await seed_clusters(app, clock))
    clock.now = vn(2026, 9, 21, 9)
    async with app.core.maker() as session, session.begin():
        backlog = await lifecycle.submit(
            session,
            app.core,
            Draft(text="Chậm thanh toán khối lượng hoàn thành của công trình đã nghiệm thu", topic_id=TAX_TOPIC,
                  agency_id=TAX_AGENCY, created_at=clock.now, auto_route=False),
            SYSTEM,
        )
        q.codes["BACKLOG"] = backlog.code
    for i, (name, topic, agency, text, _) in enumerate(RECOMMENDATIONS):
        q.codes[name] = await _recommendation(app, clock, i, name, topic, agency, text)
    on_time = ["LAND1", "LAND2", "LAND3", "LAND4", "LAND5", "CLEAR", "TAX1", "REG1", "REG2", "REG3", "RENAME",
               "ELSEWHERE"]
    for name in on_time:
        await act(app, clock, vn(2026, 11, 5, 10), q.codes[name], "resolve", "Đã trả lời doanh nghiệp.", None)
    await act(app, clock, vn(2026, 12, 15, 10), q.codes["TAX2"], "resolve", "Đã hoàn thuế.", None)
    for name, _, _, _, outcome in RECOMMENDATIONS:
        await act(app, clock, vn(2026, 11, 6, 10), q.codes[name], "resolve", "Đã xem xét kiến nghị.", outcome)
    clock.now = vn(2027, 1, 5, 9)
    return q
