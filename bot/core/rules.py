"""Validated schema and loader for routing_rules.yaml (topics, agencies, SLA, calendar, reminders)."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.core.textnorm import has_cjk, normalize

__all__ = [
    "REQUIRED_AGENCY_IDS",
    "REQUIRED_TOPIC_IDS",
    "TICKET_KINDS",
    "TRIAGE_AGENCY",
    "UNCLASSIFIED_TOPIC",
    "Agency",
    "CalendarRules",
    "ReminderRules",
    "Rules",
    "RulesError",
    "SatisfactionRules",
    "Settings",
    "SlaOverride",
    "SlaRules",
    "Topic",
    "clear_rules_cache",
    "default_rules_path",
    "load_rules",
    "parse_rules",
]

REQUIRED_AGENCY_IDS: tuple[str, ...] = (
    "so_tai_chinh",
    "so_nong_nghiep_moi_truong",
    "van_phong_ubnd",
    "thanh_tra_tinh",
    "toa_an_tinh",
    "thue_tinh",
    "so_khoa_hoc_cong_nghe",
)
REQUIRED_TOPIC_IDS: tuple[str, ...] = (
    "gia_nhap_thi_truong",
    "tiep_can_dat_dai",
    "tinh_minh_bach",
    "chi_phi_tuan_thu",
    "chi_phi_khong_chinh_thuc",
    "canh_tranh_binh_dang",
    "ho_tro_doanh_nghiep",
    "thiet_che_phap_ly",
    "chinh_quyen_kien_tao",
    "ho_kinh_doanh",
    "thue_thanh_quyet_toan",
    "chuyen_doi_so",
)
TICKET_KINDS: tuple[str, ...] = ("phan_anh", "kien_nghi", "hoi_dap", "to_cao")
UNCLASSIFIED_TOPIC = "unclassified"
TRIAGE_AGENCY = "triage"

Kind = Literal["phan_anh", "kien_nghi", "hoi_dap", "to_cao"]
Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Weight = Annotated[float, Field(gt=0)]
PositiveInt = Annotated[int, Field(gt=0)]
NonNegativeInt = Annotated[int, Field(ge=0)]
Rate = Annotated[float, Field(ge=0, le=1)]

_HOURS_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


class RulesError(Exception):
    """routing_rules.yaml is invalid; the message names file:line, the topic/agency id and the field."""

    def __init__(self, message: str, errors: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.errors: list[str] = list(errors) if errors is not None else [message]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Settings(_Model):
    """Global settings."""

    tracking_prefix: Annotated[str, Field(pattern=r"^[A-Z0-9]{1,6}$")] = "LS"
    coordinator_agency: Id = "so_tai_chinh"
    timezone: str = "Asia/Ho_Chi_Minh"
    min_score: Annotated[float, Field(ge=0)] = 2.0
    min_evidence: Annotated[float, Field(ge=0)] = 1.0
    pci_edition: Annotated[str, Field(min_length=1)] = "pci2025"
    # Nearest-neighbour fallback for weak phrase evidence: labelled JSONL files (relative to the rules file,
    # else to the repository root); missing files are skipped, an empty list turns the fallback off.
    examples: list[str] = Field(default_factory=list)
    knn_weak_score: Annotated[float, Field(ge=0)] = 3.0  # phrase score below this asks the neighbours, then the model
    knn_min_similarity: Annotated[float, Field(gt=0, le=1)] = 0.3  # cosine of the nearest example
    knn_min_agreement: Annotated[float, Field(gt=0, le=1)] = 0.6  # share of the top-k vote
    knn_k: Annotated[int, Field(ge=1, le=50)] = 5
    # A model trained on the same examples (bot/core/routing_model.py) weighs in on every message of three words or
    # more whose phrases score below decisive_score: each point of a topic's phrase score multiplies its odds by
    # e^model_phrase_weight, and the topic chosen must be at least model_min_probability likely (model: false: the
    # phrases and the nearest neighbours decide alone).
    decisive_score: Annotated[float, Field(ge=0)] = 5.0
    model: bool = True
    model_min_probability: Annotated[float, Field(gt=0, le=1)] = 0.2
    model_phrase_weight: Annotated[float, Field(gt=0, le=5)] = 0.5

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class CalendarRules(_Model):
    """Admin overrides of the holiday calendar."""

    extra_days_off: list[date] = Field(default_factory=list)
    extra_working_days: list[date] = Field(default_factory=list)

    @model_validator(mode="after")
    def _no_overlap(self) -> CalendarRules:
        both = sorted(set(self.extra_days_off) & set(self.extra_working_days))
        if both:
            raise ValueError(f"dates both off and working: {', '.join(d.isoformat() for d in both)}")
        return self


class SlaOverride(_Model):
    """Partial SLA (working days) that replaces the defaults for a topic or a ticket kind."""

    ack: PositiveInt | None = None
    answer: PositiveInt | None = None


class SlaRules(_Model):
    """Deadlines in working days, with per-topic and per-kind overrides."""

    ack: PositiveInt = 2
    answer: PositiveInt = 10
    transfer: PositiveInt = 5
    extension_max: NonNegativeInt = 10
    by_kind: dict[Kind, SlaOverride] = Field(default_factory=dict)
    _by_topic: dict[str, SlaOverride] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _ack_before_answer(self) -> SlaRules:
        if self.ack > self.answer:
            raise ValueError(f"ack ({self.ack}) must not exceed answer ({self.answer})")
        return self

    def sla_for(self, kind: str, topic_id: str | None = None) -> tuple[int, int]:
        """(ack_days, answer_days) for a ticket kind and topic: defaults, then topic, then kind override."""
        if kind not in TICKET_KINDS:
            raise ValueError(f"unknown ticket kind {kind!r}; expected one of {', '.join(TICKET_KINDS)}")
        ack, answer = self.ack, self.answer
        layers = [self._by_topic.get(topic_id) if topic_id else None, self.by_kind.get(kind)]  # type: ignore[call-overload]
        for layer in layers:
            if layer is not None:
                ack = layer.ack if layer.ack is not None else ack
                answer = layer.answer if layer.answer is not None else answer
        return ack, max(ack, answer)


class SatisfactionRules(_Model):
    """Rating and closing windows (days)."""

    rating_reminder_days: PositiveInt = 3
    close_after_days: PositiveInt = 7
    reopen_within_days: PositiveInt = 14


class ReminderRules(_Model):
    """Deadline reminders and the weekly digest."""

    thresholds: list[float] = Field(default_factory=lambda: [0.5, 0.8, 1.0], min_length=1)
    notify_hours: str = "07:30-17:00"
    sweep_seconds: PositiveInt = 60
    digest_cron: str = "0 8 * * mon"
    praise_on_time_rate: Rate = 0.9
    lagging_on_time_rate: Rate = 0.7

    @field_validator("thresholds")
    @classmethod
    def _ascending(cls, value: list[float]) -> list[float]:
        for t in value:
            if not 0 < t <= 1:
                raise ValueError(f"threshold {t} must be in (0, 1]")
        if any(b <= a for a, b in zip(value, value[1:], strict=False)):
            raise ValueError(f"thresholds must be strictly ascending, got {value}")
        return value

    @field_validator("notify_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        m = _HOURS_RE.match(value.strip())
        if not m:
            raise ValueError(f"expected 'HH:MM-HH:MM', got {value!r}")
        start = time(int(m[1]), int(m[2]))
        end = time(int(m[3]), int(m[4]))
        if start >= end:
            raise ValueError(f"start {m[1]}:{m[2]} must be before end {m[3]}:{m[4]}")
        return value.strip()

    @field_validator("digest_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError(f"expected a 5-field cron expression, got {value!r}")
        return value

    @model_validator(mode="after")
    def _rates(self) -> ReminderRules:
        if self.lagging_on_time_rate > self.praise_on_time_rate:
            raise ValueError("lagging_on_time_rate must not exceed praise_on_time_rate")
        return self

    @property
    def notify_window(self) -> tuple[time, time]:
        """(start, end) local times between which people may be notified."""
        start, end = self.notify_hours.split("-")
        return time.fromisoformat(start), time.fromisoformat(end)


class Agency(_Model):
    """An agency that can own tickets."""

    id: Id
    name: Annotated[str, Field(min_length=1)]
    full_name: Annotated[str, Field(min_length=1)]
    kind: Literal["provincial", "central", "local"]

    @property
    def forward_only(self) -> bool:
        """Central agencies sit outside the provincial committee: feedback can only be forwarded."""
        return self.kind == "central"


class Topic(_Model):
    """A PCI sub-index or BPI focus area, with its lead agency and routing phrases."""

    id: Id
    name: Annotated[str, Field(min_length=1)]
    name_en: Annotated[str, Field(min_length=1)]
    name_zh: Annotated[str, Field(min_length=1)]
    kind: Literal["pci", "bpi"]
    aliases: dict[str, str] = Field(default_factory=dict)
    lead: Id
    co: list[Id] = Field(default_factory=list)
    sla: SlaOverride | None = None
    phrases: Annotated[dict[str, Weight], Field(min_length=1)]
    negative: dict[str, Weight] = Field(default_factory=dict)

    def display_name(self, edition: str | None = None, lang: str = "vi") -> str:
        """Name for display: the alias of the PCI edition if present, else name / name_en / name_zh."""
        if lang.startswith("en"):
            return self.name_en
        if lang.startswith("zh"):
            return self.name_zh
        if edition and edition in self.aliases:
            return self.aliases[edition]
        return self.name


class OffTopic(_Model):
    """Phrases of small talk and private matters (money exchange, gold prices, jobs…): they send an item to triage."""

    phrases: dict[str, Weight] = Field(default_factory=dict)


Loc = tuple[str | int, ...]


class Rules(_Model):
    """The whole routing_rules.yaml."""

    version: Literal[1]
    settings: Settings
    calendar: CalendarRules = Field(default_factory=CalendarRules)
    sla: SlaRules
    satisfaction: SatisfactionRules = Field(default_factory=SatisfactionRules)
    reminders: ReminderRules = Field(default_factory=ReminderRules)
    agencies: Annotated[list[Agency], Field(min_length=1)]
    topics: Annotated[list[Topic], Field(min_length=1)]
    off_topic: OffTopic = Field(default_factory=OffTopic)
    _agencies_by_id: dict[str, Agency] = PrivateAttr(default_factory=dict)
    _topics_by_id: dict[str, Topic] = PrivateAttr(default_factory=dict)
    _source: str = PrivateAttr(default="routing_rules.yaml")

    @model_validator(mode="after")
    def _index_and_check(self, info: ValidationInfo) -> Rules:
        self._agencies_by_id = {a.id: a for a in self.agencies}
        self._topics_by_id = {t.id: t for t in self.topics}
        self.sla._by_topic = {t.id: t.sla for t in self.topics if t.sla is not None}
        context = info.context if isinstance(info.context, dict) else {}
        if not context.get("skip_semantic"):
            problems = semantic_errors(self)
            if problems:
                raise ValueError("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in problems))
        return self

    @property
    def source(self) -> str:
        """Where the rules were read from (a path, or a label for text parsed directly)."""
        return self._source

    def example_paths(self) -> list[Path]:
        """settings.examples resolved against the rules file's folder, else the repository root."""
        base = Path(self._source).resolve().parent
        root = Path(__file__).resolve().parents[2]
        paths: list[Path] = []
        for name in self.settings.examples:
            candidate = Path(name).expanduser()
            if not candidate.is_absolute():
                near = base / candidate
                candidate = near if near.is_file() else root / candidate
            paths.append(candidate)
        return paths

    @property
    def agencies_by_id(self) -> dict[str, Agency]:
        """Agencies keyed by id, in file order."""
        return self._agencies_by_id

    @property
    def topics_by_id(self) -> dict[str, Topic]:
        """Topics keyed by id, in file order."""
        return self._topics_by_id

    def agency(self, agency_id: str) -> Agency:
        """The agency with this id; KeyError if unknown."""
        try:
            return self._agencies_by_id[agency_id]
        except KeyError:
            raise KeyError(f"unknown agency {agency_id!r}") from None

    def topic(self, topic_id: str) -> Topic:
        """The topic with this id; KeyError if unknown."""
        try:
            return self._topics_by_id[topic_id]
        except KeyError:
            raise KeyError(f"unknown topic {topic_id!r}") from None

    @property
    def coordinator(self) -> Agency:
        """The focal-point agency that receives triage."""
        return self.agency(self.settings.coordinator_agency)

    def lead_for(self, topic_id: str) -> Agency:
        """Lead agency of a topic, or the coordinator for unclassified/unknown topics."""
        topic = self._topics_by_id.get(topic_id)
        return self.agency(topic.lead) if topic else self.coordinator

    def sla_for(self, kind: str, topic_id: str | None = None) -> tuple[int, int]:
        """Shortcut for self.sla.sla_for."""
        return self.sla.sla_for(kind, topic_id)


def _id_problems(section: str, what: str, i: int, id_: str, seen: set[str], reserved: str) -> list[tuple[Loc, str]]:
    """A repeated or reserved id at `section[i]`; the id joins `seen`."""
    problems: list[tuple[Loc, str]] = []
    if id_ in seen:
        problems.append(((section, i, "id"), f"duplicate {what} id '{id_}'"))
    if id_ == reserved:
        problems.append(((section, i, "id"), f"'{reserved}' is reserved"))
    seen.add(id_)
    return problems


def _missing(section: str, what: str, required: tuple[str, ...], seen: set[str]) -> list[tuple[Loc, str]]:
    """A problem for each required id not in `seen`."""
    return [((section,), f"missing required {what} '{r}'") for r in required if r not in seen]


def _empty_phrases(loc: Loc, table: dict[str, float]) -> list[tuple[Loc, str]]:
    return [((*loc, p), f"phrase {p!r} has no words") for p in table if not normalize(p) and not has_cjk(p)]


def semantic_errors(rules: Rules) -> list[tuple[Loc, str]]:
    """Cross-field checks pydantic cannot express: ids exist and are unique, required ids present."""
    problems: list[tuple[Loc, str]] = []
    seen: set[str] = set()
    for i, agency in enumerate(rules.agencies):
        problems += _id_problems("agencies", "agency", i, agency.id, seen, TRIAGE_AGENCY)
    problems += _missing("agencies", "agency", REQUIRED_AGENCY_IDS, seen)
    seen_topics: set[str] = set()
    for i, topic in enumerate(rules.topics):
        problems += _id_problems("topics", "topic", i, topic.id, seen_topics, UNCLASSIFIED_TOPIC)
        if topic.lead not in seen:
            problems.append((("topics", i, "lead"), f"unknown agency '{topic.lead}'"))
        for j, co in enumerate(topic.co):
            if co not in seen:
                problems.append((("topics", i, "co", j), f"unknown agency '{co}'"))
            elif co == topic.lead:
                problems.append((("topics", i, "co", j), f"'{co}' is already the lead agency"))
        for field in ("phrases", "negative"):
            problems += _empty_phrases(("topics", i, field), getattr(topic, field))
    problems += _empty_phrases(("off_topic", "phrases"), rules.off_topic.phrases)
    problems += _missing("topics", "topic", REQUIRED_TOPIC_IDS, seen_topics)
    if rules.settings.coordinator_agency not in seen:
        problems.append(
            (("settings", "coordinator_agency"), f"unknown agency '{rules.settings.coordinator_agency}'")
        )
    return problems


# ---------------------------------------------------------------------------------------------------
# YAML with line numbers


class _LineDict(dict[Any, Any]):
    line: int = 1
    key_lines: dict[Any, int]


class _LineList(list[Any]):
    line: int = 1
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    result = _LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "unhashable mapping key", key_node.start_mark
            ) from None
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> _LineList:
    result = _LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:  # e.g. 2026-13-24: keep the text so validation reports it with its line
        return loader.construct_scalar(node)


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _line_for(data: Any, loc: Loc) -> int:
    line = getattr(data, "line", 1)
    cur = data
    for part in loc:
        if isinstance(cur, _LineDict) and part in cur:
            line = cur.key_lines.get(part, line)
            cur = cur[part]
        elif isinstance(cur, _LineList) and isinstance(part, int) and 0 <= part < len(cur):
            line = cur.item_lines[part]
            cur = cur[part]
        else:
            break
        if not isinstance(cur, _LineDict | _LineList):
            break
    return line


def _describe(data: Any, loc: Loc) -> str:
    """'topic 'x', field 'lead'' / 'settings, field 'min_score'' for a location."""
    if len(loc) >= 2 and loc[0] in ("topics", "agencies") and isinstance(loc[1], int):
        entity = "topic" if loc[0] == "topics" else "agency"
        ident: str = f"#{loc[1] + 1}"
        try:
            item = data[loc[0]][loc[1]]
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                ident = item["id"]
        except (KeyError, IndexError, TypeError):
            pass
        rest = loc[2:]
        prefix = f"{entity} '{ident}'"
    elif len(loc) == 1:
        return f"field '{loc[0]}'"
    elif len(loc) > 1:
        prefix = str(loc[0])
        rest = loc[1:]
    else:
        return "file"
    rest = tuple(part for part in rest if part != "[key]")  # pydantic marks bad dict keys with "[key]"
    if not rest:
        return prefix
    field = str(rest[0])
    for part in rest[1:]:
        field += f"[{part}]" if isinstance(part, int) else f"[{str(part)!r}]"
    return f"{prefix}, field '{field}'"


def _format(path: str, data: Any, loc: Loc, msg: str) -> str:
    return f"{path}:{_line_for(data, loc)}: {_describe(data, loc)}: {msg}"


def _pydantic_msg(err: Any) -> str:
    msg = str(err.get("msg", "invalid"))
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err.get("type") not in ("missing", "extra_forbidden") and "input" in err:
        value = err["input"]
        if not isinstance(value, dict | list):
            msg += f" (got {value!r})"
    return msg


def parse_rules(text: str, source: str = "routing_rules.yaml") -> Rules:
    """Parse and validate YAML text; raise RulesError naming source:line, topic/agency id and field."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise RulesError(f"{source}:{line}: invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise RulesError(f"{source}: invalid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise RulesError(f"{source}:1: file: expected a mapping at the top level")
    try:
        rules = Rules.model_validate(data, context={"skip_semantic": True})
    except ValidationError as exc:
        messages = [_format(source, data, tuple(err["loc"]), _pydantic_msg(err)) for err in exc.errors()]
        raise RulesError("\n".join(messages), messages) from None
    problems = semantic_errors(rules)
    if problems:
        messages = [_format(source, data, loc, msg) for loc, msg in problems]
        raise RulesError("\n".join(messages), messages)
    rules._source = source
    return rules


# ---------------------------------------------------------------------------------------------------
# Loading with a cache

_CACHE: dict[tuple[str, int, int], Rules] = {}
_CACHE_LOCK = threading.Lock()


def default_rules_path() -> Path:
    """$PCIBOT_RULES, else ./routing_rules.yaml, else the routing_rules.yaml at the repository root."""
    env = os.environ.get("PCIBOT_RULES")
    if env:
        return Path(env)
    local = Path("routing_rules.yaml")
    if local.is_file():
        return local
    return Path(__file__).resolve().parents[2] / "routing_rules.yaml"


def load_rules(path: Path | None = None, *, fresh: bool = False) -> Rules:
    """Load and validate rules; cached per path and file version unless fresh=True."""
    target = Path(path) if path is not None else default_rules_path()
    try:
        stat = target.stat()
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError(f"{target}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"{target}: cannot read: {exc}") from None
    key = (str(target.resolve()), stat.st_mtime_ns, stat.st_size)
    if not fresh:
        with _CACHE_LOCK:
            cached = _CACHE.get(key)
        if cached is not None:
            return cached
    rules = parse_rules(text, str(target))
    with _CACHE_LOCK:
        _CACHE[key] = rules
    return rules


def clear_rules_cache() -> None:
    """Forget cached rules (the next load_rules re-reads the file)."""
    with _CACHE_LOCK:
        _CACHE.clear()
