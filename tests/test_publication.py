"""Scrubbing realistic Vietnamese text: personal data goes, ordinary words, dates and amounts stay."""

from __future__ import annotations

import pytest

from bot.core.publication import MASK, is_restricted, public_answer, public_record, public_summary, scrub
from storage.models import Ticket

NAME = "Nguyễn Thị Hằng"
PHONE = "0912345678"
COMPANY = "Công ty TNHH Thương mại Hoàng Long"


def clean(text: str) -> str:
    return scrub(text, [NAME, "Lò Văn Páo"], [PHONE, "4900123456"], [COMPANY])


@pytest.mark.parametrize(
    "text",
    [
        "Gọi 0912 345 678 nhé",
        "Gọi 0912.345.678 nhé",
        "Gọi +84 912 345 678 nhé",
        "Gọi (+84) 912-345-678 nhé",
        "Gọi 84912345678 nhé",
        "SĐT0987654321 (số khác)",
        "Gọi 912.345.678 nhé",  # written like an amount, but it is the submitter's phone
        "email: hang.nguyen@gmail.com",
        "email: hang (at) gmail (dot) com",
        "email hang a còng gmail chấm com",
        "MST 4900123456-001",
        "MST 0101234567",
        "CCCD 020190001234",
        "STK 1903 5678 9012 34 tại Techcombank",
        "Zalo: zalo.me/0912345678, Facebook: facebook.com/hang.nguyen.35",
        "nhắn @hangnguyen89 trên Telegram",
        "Tôi là Nguyễn Thị Hằng",
        "Tôi là NGUYỄN THỊ HẰNG",
        "Tôi là Nguyen Thi Hang",
        "Tôi là nguyen thi hang",
        "username nguyenthihang",
        "Xin gặp chị Hằng",
        "Xin gặp chi Hang",
        "Xin gặp bà Thị Hằng",
        "Xin gặp giám đốc Hằng",
        "Hang Nguyen, Director",
        "ông Lò Văn Páo",
        "anh Páo",
        "Cty Hoàng Long",
        "Công ty TNHH Thương mại Hoàng Long",
        "CONG TY TNHH THUONG MAI HOANG LONG",
    ],
)
def test_personal_data_is_masked(text: str) -> None:
    out = clean(text)
    assert MASK in out
    for secret in ("912", "345 678", "0987654321", "4900123456", "0101234567", "020190001234", "1903", "@",
                   "Hằng", "HẰNG", "Hang", "hang", "Páo", "Hoàng Long", "HOANG LONG"):  # fmt: skip
        assert secret not in out, (text, out)


@pytest.mark.parametrize(
    "text",
    [
        "lệ phí 1.500.000.000 đồng",
        "nộp ngày 12/02/2026 và 12.03.2026",
        "giai đoạn 2021-2025",
        "Quyết định số 1234/QĐ-UBND",
        "cửa hàng bán hàng tạp hoá",  # 'bán hàng' is not 'bạn Hằng'
        "tính minh bạch của thủ tục",
        "mã phản ánh LS-7K3QX9",
        "an toàn thực phẩm",
    ],
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert clean(text) == text


def test_single_word_display_name_only_when_capitalised() -> None:
    assert scrub("Minh gửi: cần minh bạch hơn", ["Minh"]) == f"{MASK} gửi: cần minh bạch hơn"


def _ticket(**kw: object) -> Ticket:
    values: dict[str, object] = {
        "code": "LS-7K3QX9",
        "kind": "phan_anh",
        "state": "resolved",
        "topic_id": "gia_nhap_thi_truong",
        "agency_id": "so_tai_chinh",
        "text": f"Tôi là {NAME}, {COMPANY}, gọi {PHONE}",
        "answer_text": "Đã trả lời chị Hằng",
        "contact_name": NAME,
        "contact_phone": PHONE,
        "company": COMPANY,
        "confidential": False,
        "consent_publish": True,
        "publish_company": False,
        "outcome": None,
        "rating": 5,
        "transfer_count": 0,
        "extension_days": 0,
        "reopen_count": 0,
    }
    values.update(kw)
    return Ticket(**values)


def test_publication_rules() -> None:
    tk = _ticket()
    assert public_summary(tk) == f"Tôi là {MASK}, {MASK}, gọi {MASK}"
    assert public_answer(tk) == f"Đã trả lời {MASK}"
    assert public_summary(_ticket(consent_publish=False)) is None
    named = _ticket(publish_company=True)
    assert public_summary(named) == f"Tôi là {MASK}, {COMPANY}, gọi {MASK}"
    assert public_summary(tk, ["Hằng Shop"]) == public_summary(tk)
    assert scrub("Hằng Shop trả lời", ["Hằng Shop"]) == f"{MASK} trả lời"
    for restricted in (_ticket(confidential=True), _ticket(kind="to_cao")):
        assert is_restricted(restricted)
        assert public_summary(restricted) is None and public_answer(restricted) is None
    record = public_record(_ticket(kind="to_cao", publish_company=True))
    assert record["kind"] is None and record["company"] is None and record["rating"] is None


N = "[đã ẩn tên]"


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Đề nghị xử lý ông Hoàng Văn X, cán bộ địa chính.", f"Đề nghị xử lý ông {N}, cán bộ địa chính."),
        ("bà Nguyễn Thị Lan nói phải chờ", f"bà {N} nói phải chờ"),
        ("anh Tuấn bảo nộp lại", f"anh {N} bảo nộp lại"),
        ("chị Hoa ở bộ phận một cửa", f"chị {N} ở bộ phận một cửa"),
        ("cô Mai, chú Sơn và bác Tư", f"cô {N}, chú {N} và bác {N}"),
        ("em Páo gọi điện", f"em {N} gọi điện"),
        ("cụ Lường Văn Tỏ", f"cụ {N}"),
        ("cháu Vi Thị Hoa", f"cháu {N}"),
        ("đồng chí Nông Văn Bình chỉ đạo", f"đồng chí {N} chỉ đạo"),
        ("đ/c Hứa Văn Long", f"đ/c {N}"),
        ("Đ/c Lục ký", f"Đ/c {N} ký"),
        ("giám đốc Trần Minh", f"giám đốc {N}"),
        ("Chủ tịch Lê Văn Hùng", f"Chủ tịch {N}"),
        ("cán bộ Lò Văn Páo đòi tiền", f"cán bộ {N} đòi tiền"),
        ("trưởng phòng Bế Thị Mai", f"trưởng phòng {N}"),
        ("phó chủ tịch Sầm Văn Dũng", f"phó chủ tịch {N}"),
        ("thanh tra viên Mã Văn Lợi", f"thanh tra viên {N}"),
        ("ông Phó Chủ tịch Triệu Văn Hà", f"ông Phó Chủ tịch {N}"),
        ("Phó chủ tịch UBND xã Đinh Văn Sáng", f"Phó chủ tịch UBND xã {N}"),
        ("Giám đốc Sở Nông nghiệp và Môi trường Lý Văn Kiên", f"Giám đốc Sở Nông nghiệp và Môi trường {N}"),
        ("ông NGUYỄN VĂN AN", f"ông {N}"),
        ("gap ong Nguyen Van An", f"gap ong {N}"),
        ("chi Hang noi vay", f"chi {N} noi vay"),
        ("Mr. Smith", f"Mr. {N}"),
        ("Lường Văn Páo nói", f"{N} nói"),
        ("Tôi gặp Hoàng Thị Thu Hà hôm qua", f"Tôi gặp {N} hôm qua"),
        ("NGUYỄN THỊ HẰNG", N),
        ("bà Anh", f"bà {N}"),
        ("Ông Trần Văn Bảy, trưởng thôn", f"Ông {N}, trưởng thôn"),
        ("Đỗ Minh Đức, Hồ Thị Nga và Dương Văn Tú", f"{N}, {N} và {N}"),
    ],
)
def test_third_persons_names_are_masked(text: str, published: str) -> None:
    assert scrub(text) == published


@pytest.mark.parametrize(
    "text",
    [
        "anh em doanh nghiệp rất vất vả",
        "Anh Em Doanh Nghiệp",
        "chị em tiểu thương ở chợ",
        "ông bà chúng tôi để lại mảnh đất",
        "bà con Lạng Sơn",
        "hàng qua cửa khẩu Hữu Nghị, Tân Thanh và Cốc Nam",
        "tại Cao Lộc, Đồng Đăng và Lộc Bình",
        "Sở Tài chính và Chi cục Thuế khu vực",
        "UBND tỉnh Lạng Sơn",
        "giám đốc Sở Tài chính",
        "trưởng phòng Tài chính kế hoạch",
        "cán bộ Thuế và cán bộ Hải quan",
        "chủ tịch UBND tỉnh",
        "cán bộ Cao Lộc",
        "Công ty TNHH Nguyễn Kim",
        "Công ty cổ phần Hoàng Long",
        "đường Trần Hưng Đạo và phố Lê Lợi",
        "phường Lương Văn Tri, phường Hoàng Văn Thụ",
        "Trường Lê Quý Đôn",
        "Hồ sơ nộp tại Trung tâm Phục vụ hành chính công",
        "Mã số thuế và Lý do từ chối",
        "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng – Lạng Sơn",
        "Thanh tra tỉnh",
        "Bác Hồ và Chủ tịch Hồ Chí Minh",
        "Hà Nội, Hà Giang và Trung Quốc",
        "Lưu ý: Vi phạm sẽ bị xử lý",
        "Đoàn kiểm tra liên ngành đến",
        "Quý doanh nghiệp",
        "Gặp anh. Sau đó về",
        "thị trường Trung Quốc",
        "chủ quán phở đầu cầu Kỳ Lừa",
        "HỒ SƠ ĐỀ NGHỊ HOÀN THUẾ",
        "ANH EM DOANH NGHIỆP",
    ],
)
def test_places_agencies_and_ordinary_words_are_not_names(text: str) -> None:
    assert scrub(text) == text


def test_the_submitters_own_details_win_over_a_third_persons_mask() -> None:
    assert scrub("Đã trả lời chị Nguyễn Thị Hằng và anh Tuấn", [NAME]) == f"Đã trả lời {MASK} và anh {N}"
