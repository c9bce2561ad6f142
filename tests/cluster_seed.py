"""A seeded set of items for the cluster tests: three recurring problems, look-alikes of other topics, one-offs.

  LAND ×5  slow land-use certificates (Sở Nông nghiệp và Môi trường), five communes, formal and chat wording
  TAX ×4   slow VAT refunds (Thuế tỉnh)
  REG ×3   business registration dossiers sent back without reasons (Sở Tài chính)
  one-offs: land clearance compensation, a broken e-invoice system, renaming a company (same topics),
            and a registration complaint filed under another topic (never merged across topics)
  OLD      a land-certificate item answered long before the window (left out)
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.app import App
from bot.core import lifecycle
from bot.core.authz import SYSTEM
from bot.core.lifecycle import Draft
from tests.conftest import FakeClock
from tests.sla_support import add_business, vn

LAND_TOPIC, TAX_TOPIC, REG_TOPIC = "tiep_can_dat_dai", "thue_thanh_quyet_toan", "gia_nhap_thi_truong"
LAND_AGENCY, TAX_AGENCY, REG_AGENCY = "so_nong_nghiep_moi_truong", "thue_tinh", "so_tai_chinh"
START = vn(2026, 11, 2, 9)  # Monday of ISO week 2026-W45

# (name, topic, agency, commune code, text)
ITEMS: list[tuple[str, str, str, str | None, str]] = [
    ("LAND1", LAND_TOPIC, LAND_AGENCY, "05986",
     "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất của công ty nộp từ tháng 8 đến nay vẫn chưa có kết quả"),
    ("LAND2", LAND_TOPIC, LAND_AGENCY, "05983", "Cấp GCN QSDĐ chậm quá, nộp hồ sơ 3 tháng rồi chưa được cấp"),
    ("LAND3", LAND_TOPIC, LAND_AGENCY, "06187",
     "Đề nghị đẩy nhanh việc cấp giấy chứng nhận quyền sử dụng đất, doanh nghiệp chờ đã hơn 60 ngày"),
    ("LAND4", LAND_TOPIC, LAND_AGENCY, "05977", "giay chung nhan quyen su dung dat cap cham, cty cho 2 thang chua co"),
    ("LAND5", LAND_TOPIC, LAND_AGENCY, "05986",
     "Việc cấp giấy chứng nhận quyền sử dụng đất cho dự án bị chậm trễ nhiều tháng so với quy định"),
    ("CLEAR", LAND_TOPIC, LAND_AGENCY, "05983",
     "Tiền bồi thường giải phóng mặt bằng cho dự án chưa được chi trả, người dân không bàn giao"),
    ("TAX1", TAX_TOPIC, TAX_AGENCY, None, "Hoàn thuế GTGT chậm, hồ sơ hoàn thuế nộp 2 tháng chưa được giải quyết"),
    ("TAX2", TAX_TOPIC, TAX_AGENCY, "05977", "hoan thue gtgt cham qua, doanh nghiep thieu von"),
    ("TAX3", TAX_TOPIC, TAX_AGENCY, None,
     "Đề nghị giải quyết nhanh hồ sơ hoàn thuế giá trị gia tăng hàng xuất khẩu, đã quá hạn"),
    ("TAX4", TAX_TOPIC, TAX_AGENCY, "06187",
     "Thời gian hoàn thuế giá trị gia tăng quá lâu ảnh hưởng dòng tiền của doanh nghiệp"),
    ("INVOICE", TAX_TOPIC, TAX_AGENCY, None, "Hệ thống hóa đơn điện tử bị lỗi không xuất được hóa đơn"),
    ("REG1", REG_TOPIC, REG_AGENCY, "05986",
     "Hồ sơ đăng ký doanh nghiệp bị trả lại nhiều lần mà không nêu rõ lý do, gọi 0912345678 không ai nghe"),
    ("REG2", REG_TOPIC, REG_AGENCY, "05983", "ho so dkkd bi tra lai nhieu lan, khong noi ro loi gi"),
    ("REG3", REG_TOPIC, REG_AGENCY, None, "Nộp hồ sơ thành lập doanh nghiệp qua mạng bị trả về mấy lần không rõ lý do"),
    ("RENAME", REG_TOPIC, REG_AGENCY, None, "Xin hướng dẫn thủ tục thay đổi tên doanh nghiệp"),
    ("ELSEWHERE", "chi_phi_tuan_thu", "van_phong_ubnd", None,
     "Hồ sơ đăng ký doanh nghiệp bị trả lại nhiều lần mà không nêu rõ lý do"),
]
LAND = ["LAND1", "LAND2", "LAND3", "LAND4", "LAND5"]
TAX = ["TAX1", "TAX2", "TAX3", "TAX4"]
REG = ["REG1", "REG2", "REG3"]


async def submit_item(
    app: App, clock: FakeClock, at: datetime, name: str, topic: str | None, agency: str, commune: str | None, text: str
) -> str:
    """One ticket from business `biz-<name>` (console chat of that name) received at `at`; returns its code."""
    clock.now = at
    business = await add_business(app, f"biz-{name}")
    async with app.core.maker() as session, session.begin():
        ticket = await lifecycle.submit(
            session,
            app.core,
            Draft(text=text, topic_id=topic, agency_id=agency, commune_code=commune, created_at=at, auto_route=False,
                  identity_id=business.id),
            SYSTEM,
        )
        return ticket.code


async def seed_clusters(app: App, clock: FakeClock, start: datetime = START) -> dict[str, str]:
    """The items above, one an hour from `start`, and OLD a year before; returns {name: code}."""
    codes = {"OLD": await submit_item(app, clock, start - timedelta(days=365), "OLD", *ITEMS[0][1:])}
    async with app.core.maker() as session, session.begin():
        old = await lifecycle.get_ticket(session, codes["OLD"])
        assert old is not None
        await lifecycle.resolve(session, app.core, old, SYSTEM, "Đã cấp giấy chứng nhận.", None)
    for i, item in enumerate(ITEMS):
        codes[item[0]] = await submit_item(app, clock, start + timedelta(hours=i), *item)
    return codes
