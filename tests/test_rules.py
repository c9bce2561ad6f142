"""routing_rules.yaml: the real file loads, and broken files fail with file:line, id and field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.core.rules import (
    REQUIRED_AGENCY_IDS,
    Rules,
    RulesError,
    clear_rules_cache,
    load_rules,
    parse_rules,
)

REPO = Path(__file__).resolve().parents[1]
RULES_FILE = REPO / "routing_rules.yaml"
TEXT = RULES_FILE.read_text(encoding="utf-8")

EXPECTED_LEADS = {
    "gia_nhap_thi_truong": "so_tai_chinh",
    "tiep_can_dat_dai": "so_nong_nghiep_moi_truong",
    "tinh_minh_bach": "van_phong_ubnd",
    "chi_phi_tuan_thu": "van_phong_ubnd",
    "chi_phi_khong_chinh_thuc": "thanh_tra_tinh",
    "canh_tranh_binh_dang": "so_tai_chinh",
    "ho_tro_doanh_nghiep": "so_tai_chinh",
    "thiet_che_phap_ly": "toa_an_tinh",
    "chinh_quyen_kien_tao": "van_phong_ubnd",
    "ho_kinh_doanh": "so_tai_chinh",
    "thue_thanh_quyet_toan": "thue_tinh",
    "chuyen_doi_so": "so_khoa_hoc_cong_nghe",
}


def line_of(text: str, needle: str, after: str | None = None) -> int:
    """1-based line number of the first line containing needle (after the line containing `after`)."""
    lines = text.splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i in range(start, len(lines)) if needle in lines[i]) + 1


def load_text(tmp_path: Path, text: str) -> Rules:
    path = tmp_path / "routing_rules.yaml"
    path.write_text(text, encoding="utf-8")
    return load_rules(path, fresh=True)


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


# ---------------------------------------------------------------------------------------------- real file


def test_real_file_loads_with_required_ids_and_leads() -> None:
    rules = load_rules(RULES_FILE, fresh=True)
    assert set(REQUIRED_AGENCY_IDS) <= set(rules.agencies_by_id)
    assert [t.id for t in rules.topics] == list(EXPECTED_LEADS)
    for topic_id, lead in EXPECTED_LEADS.items():
        assert rules.topic(topic_id).lead == lead
    assert rules.settings.coordinator_agency == "so_tai_chinh"
    assert rules.coordinator.name == "Sở Tài chính"
    assert rules.settings.tracking_prefix == "LS"
    assert date(2026, 11, 24) in rules.calendar.extra_days_off
    assert rules.reminders.thresholds == [0.5, 0.8, 1.0]
    # central agencies can only be forwarded to
    assert rules.agency("toa_an_tinh").forward_only
    assert rules.agency("thue_tinh").forward_only
    assert not rules.agency("so_tai_chinh").forward_only
    # every co-agency is a real agency, and aliases exist for the configured edition
    for topic in rules.topics:
        assert all(co in rules.agencies_by_id for co in topic.co)
        assert rules.settings.pci_edition in topic.aliases
    assert rules.topic("chi_phi_tuan_thu").display_name("pci2024") == "Chi phí thời gian"
    assert rules.topic("chinh_quyen_kien_tao").display_name("pci2024") == "Tính năng động"
    assert rules.topic("chuyen_doi_so").display_name(lang="en").startswith("Technology")


def test_unknown_ids_raise_key_error() -> None:
    rules = load_rules(RULES_FILE)
    with pytest.raises(KeyError):
        rules.agency("so_dat")
    with pytest.raises(KeyError):
        rules.topic("dat_dai")
    assert rules.lead_for("unclassified").id == "so_tai_chinh"
    assert rules.lead_for("thue_thanh_quyet_toan").id == "thue_tinh"


def test_sla_defaults_topic_and_kind_overrides(tmp_path: Path) -> None:
    rules = load_rules(RULES_FILE)
    assert rules.sla.sla_for("phan_anh", None) == (2, 10)
    assert rules.sla.sla_for("kien_nghi", "tiep_can_dat_dai") == (2, 10)
    assert rules.sla.sla_for("to_cao", None) == (7, 30)
    assert rules.sla.sla_for("phan_anh", "unclassified") == (2, 10)
    assert (rules.sla.transfer, rules.sla.extension_max) == (5, 5 * 2)
    with pytest.raises(ValueError):
        rules.sla.sla_for("khieu_nai", None)
    # a topic override applies, and a kind override wins over it
    text = replace_once(
        TEXT,
        "    lead: thanh_tra_tinh\n",
        "    lead: thanh_tra_tinh\n    sla: {ack: 1, answer: 5}\n",
    )
    custom = load_text(tmp_path, text)
    assert custom.sla.sla_for("phan_anh", "chi_phi_khong_chinh_thuc") == (1, 5)
    assert custom.sla.sla_for("to_cao", "chi_phi_khong_chinh_thuc") == (7, 30)
    assert custom.sla_for("hoi_dap", "gia_nhap_thi_truong") == (2, 10)


def test_notify_window_parsed() -> None:
    start, end = load_rules(RULES_FILE).reminders.notify_window
    assert (start.hour, start.minute, end.hour, end.minute) == (7, 30, 17, 0)


def test_load_rules_default_path_env_and_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no routing_rules.yaml here → falls back to the repo-root file
    monkeypatch.delenv("PCIBOT_RULES", raising=False)
    assert load_rules().topic("tiep_can_dat_dai").lead == "so_nong_nghiep_moi_truong"
    custom = tmp_path / "custom.yaml"
    custom.write_text(TEXT.replace("tracking_prefix: LS", "tracking_prefix: XY"), encoding="utf-8")
    monkeypatch.setenv("PCIBOT_RULES", str(custom))
    first = load_rules()
    assert first.settings.tracking_prefix == "XY"
    assert load_rules() is first  # cached
    assert load_rules(fresh=True) is not first
    clear_rules_cache()
    assert load_rules() is not first


# ------------------------------------------------------------------------------------------------ errors


def test_unknown_lead_agency_names_topic_field_and_line(tmp_path: Path) -> None:
    text = replace_once(TEXT, "    lead: so_nong_nghiep_moi_truong\n", "    lead: so_dat\n")
    with pytest.raises(RulesError) as info:
        load_text(tmp_path, text)
    line = line_of(text, "lead: so_dat")
    message = str(info.value)
    assert (
        f"routing_rules.yaml:{line}: topic 'tiep_can_dat_dai', field 'lead': unknown agency 'so_dat'"
        in message
    )


def test_unknown_co_agency_points_at_the_list_item(tmp_path: Path) -> None:
    text = replace_once(TEXT, "    co: [so_noi_vu]\n", "    co:\n      - so_noi_vu\n      - so_lao_dong\n")
    with pytest.raises(RulesError) as info:
        load_text(tmp_path, text)
    line = line_of(text, "- so_lao_dong")
    assert f":{line}: topic 'chi_phi_tuan_thu', field 'co[1]': unknown agency 'so_lao_dong'" in str(
        info.value
    )


def test_missing_required_topic(tmp_path: Path) -> None:
    start = TEXT.index("  - id: chuyen_doi_so")
    text = TEXT[:start]
    with pytest.raises(RulesError) as info:
        load_text(tmp_path, text)
    line = line_of(text, "topics:", after="agencies:")
    assert f":{line}: field 'topics': missing required topic 'chuyen_doi_so'" in str(info.value)


def test_negative_weight_names_topic_phrase_and_line(tmp_path: Path) -> None:
    text = replace_once(TEXT, '      "hoàn thuế": 3\n', '      "hoàn thuế": -3\n')
    with pytest.raises(RulesError) as info:
        load_text(tmp_path, text)
    line = line_of(text, '"hoàn thuế": -3')
    message = str(info.value)
    assert f":{line}: topic 'thue_thanh_quyet_toan', field 'phrases['hoàn thuế']'" in message
    assert "greater than 0" in message


def test_bad_yaml_type_names_section_field_and_line(tmp_path: Path) -> None:
    text = TEXT.replace("  min_score: 1.0", '  min_score: "high"', 1)
    assert text != TEXT
    with pytest.raises(RulesError) as info:
        load_text(tmp_path, text)
    line = line_of(text, 'min_score: "high"')
    assert f":{line}: settings, field 'min_score': " in str(info.value)
    assert "'high'" in str(info.value)


def test_wrong_type_inside_topic(tmp_path: Path) -> None:
    text = replace_once(TEXT, "    co: [ubnd_xa_phuong]\n", "    co: ubnd_xa_phuong\n")
    with pytest.raises(RulesError) as info:
        load_text(tmp_path, text)
    line = line_of(text, "    co: ubnd_xa_phuong")
    assert f":{line}: topic 'tinh_minh_bach', field 'co': " in str(info.value)


def test_misspelt_field_is_rejected(tmp_path: Path) -> None:
    text = replace_once(TEXT, "    lead: toa_an_tinh\n", "    lead: toa_an_tinh\n    co_agencies: []\n")
    with pytest.raises(RulesError) as info:
        load_text(tmp_path, text)
    line = line_of(text, "co_agencies")
    assert f":{line}: topic 'thiet_che_phap_ly', field 'co_agencies': Extra inputs" in str(info.value)


def test_duplicate_topic_id(tmp_path: Path) -> None:
    text = replace_once(TEXT, "  - id: ho_kinh_doanh\n", "  - id: ho_tro_doanh_nghiep\n")
    with pytest.raises(RulesError) as info:
        load_text(tmp_path, text)
    message = str(info.value)
    assert "duplicate topic id 'ho_tro_doanh_nghiep'" in message
    assert "missing required topic 'ho_kinh_doanh'" in message
    assert len(info.value.errors) >= 2


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("thresholds: [0.5, 0.8, 1.0]", "thresholds: [0.8, 0.5, 1.0]", "field 'thresholds'"),
        ("thresholds: [0.5, 0.8, 1.0]", "thresholds: [0.5, 0.8, 1.2]", "must be in (0, 1]"),
        ('notify_hours: "07:30-17:00"', 'notify_hours: "7h30 to 17h"', "field 'notify_hours'"),
        ('notify_hours: "07:30-17:00"', 'notify_hours: "17:00-07:30"', "must be before end"),
        ("coordinator_agency: so_tai_chinh", "coordinator_agency: so_khac", "unknown agency 'so_khac'"),
        ("timezone: Asia/Ho_Chi_Minh", "timezone: Asia/Hanoi_City", "unknown time zone"),
        ("to_cao: {ack: 7, answer: 30}", "khieu_nai: {ack: 7, answer: 30}", "field 'by_kind['khieu_nai']'"),
        ("extra_days_off: [2026-11-24]", "extra_days_off: [2026-13-24]", "field 'extra_days_off[0]'"),
    ],
)
def test_other_validation_errors(tmp_path: Path, old: str, new: str, fragment: str) -> None:
    text = replace_once(TEXT, old, new)
    with pytest.raises(RulesError) as info:
        load_text(tmp_path, text)
    message = str(info.value)
    assert fragment in message
    assert f"routing_rules.yaml:{line_of(text, new.split(':')[0].strip())}:" in message


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    text = replace_once(TEXT, "  sweep_seconds: 60\n", "  sweep_seconds: [60\n")
    with pytest.raises(RulesError) as info:
        load_text(tmp_path, text)
    assert "invalid YAML" in str(info.value)
    assert ":" in str(info.value).split("invalid YAML")[0]


def test_duplicate_phrase_key_is_reported_with_line() -> None:
    text = replace_once(TEXT, '      "hoàn thuế": 3\n', '      "hoàn thuế": 3\n      "hoàn thuế": 2\n')
    with pytest.raises(RulesError) as info:
        parse_rules(text, "rules.yaml")
    line = line_of(text, '"hoàn thuế": 2')
    assert f"rules.yaml:{line}: invalid YAML: duplicate key 'hoàn thuế'" in str(info.value)


def test_missing_file() -> None:
    with pytest.raises(RulesError, match="file not found"):
        load_rules(Path("/nonexistent/routing_rules.yaml"), fresh=True)
