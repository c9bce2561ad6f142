"""Open311 GeoReport v2 under /open311/v2/: discovery, services, requests (GET, and POST with an api_key)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

from aiohttp import web

from bot.core import lifecycle
from bot.core.authz import Actor
from bot.core.codes import normalize_code
from bot.core.contact import ContactError, find_commune, normalize_name, normalize_phone, normalize_tax_code
from bot.core.fmt import fmt_date
from bot.core.i18n import t
from bot.core.lifecycle import KINDS, OPEN_STATES, Draft, LifecycleError
from bot.core.publication import display_names, is_restricted, iso_local, public_summary, public_text
from bot.core.services import Core
from bot.web.apikeys import verify_key
from bot.web.common import Labels, lang_of, open311_status
from bot.web.public import site
from storage.models import Ticket
from storage.web_queries import RequestFilters, extension_reasons, public_requests

SPEC = "http://wiki.open311.org/GeoReport_v2"
DEFAULT_DAYS = 90
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
FORMATS = {"json": "application/json", "xml": "text/xml"}
TRUE = {"1", "true", "yes", "on"}
CORS = {"Access-Control-Allow-Origin": "*"}
CLOSED_STATES = ("resolved", "closed", "rejected")


class Open311Error(Exception):
    """An error answered in the spec's format: [{"code": status, "description": …}]."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# -- serialisation ----------------------------------------------------------------------------------


def _xml_value(parent: ET.Element, tag: str, value: Any, item_tag: str | None = None) -> None:
    el = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for k, v in value.items():
            _xml_value(el, k, v)
    elif isinstance(value, list):
        for item in value:
            _xml_value(el, item_tag or tag.rstrip("s"), item)
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    elif value is not None:
        el.text = str(value)


def to_xml(root_tag: str, item_tag: str, items: Sequence[dict[str, Any]]) -> bytes:
    """A GeoReport list document such as <service_requests><request>…</request></service_requests>."""
    root = ET.Element(root_tag)
    for item in items:
        el = ET.SubElement(root, item_tag)
        for key, value in item.items():
            _xml_value(el, key, value, _LIST_ITEMS.get(key))
    return _serialize(root)


def _serialize(root: ET.Element) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")).encode("utf-8")


_LIST_ITEMS = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}


def xml_document(root_tag: str, doc: dict[str, Any]) -> web.Response:
    """A single XML document (discovery, service definition)."""
    root = ET.Element(root_tag)
    for key, value in doc.items():
        _xml_value(root, key, value, _LIST_ITEMS.get(key))
    return web.Response(
        body=_serialize(root),
        content_type="text/xml",
        charset="utf-8",
        headers=CORS,
    )


def json_document(doc: Any) -> web.Response:
    """UTF-8 JSON, Vietnamese left readable."""
    return send("json", json.dumps(doc, ensure_ascii=False).encode("utf-8"))


def serialize(fmt: str, root_tag: str, item_tag: str, items: list[dict[str, Any]]) -> bytes:
    """A list as an XML document or a JSON array, UTF-8."""
    if fmt == "xml":
        return to_xml(root_tag, item_tag, items)
    return json.dumps(items, ensure_ascii=False).encode("utf-8")


def send(fmt: str, body: bytes, status: int = 200) -> web.Response:
    """A serialized document, readable from any origin."""
    content_type = "text/xml" if fmt == "xml" else "application/json"
    return web.Response(body=body, status=status, content_type=content_type, charset="utf-8", headers=CORS)


def respond(fmt: str, root_tag: str, item_tag: str, items: list[dict[str, Any]], status: int = 200) -> web.Response:
    """JSON array or XML list, UTF-8, readable from any origin."""
    return send(fmt, serialize(fmt, root_tag, item_tag, items), status)


def error_response(fmt: str, status: int, description: str) -> web.Response:
    """The spec's error document."""
    return respond(fmt, "errors", "error", [{"code": status, "description": description}], status)


def _format(request: web.Request) -> str:
    fmt = request.match_info.get("fmt", "json")
    if fmt not in FORMATS:
        raise Open311Error(404, f"format '{fmt}' is not supported; use json or xml")
    return fmt


# -- services -------------------------------------------------------------------------------------


def _service(core: Core, topic_id: str, lang: str) -> dict[str, Any]:
    topic = core.rules.topic(topic_id)
    labels = Labels(core, lang)
    return {
        "service_code": topic.id,
        "service_name": labels.topic(topic.id),
        "description": t("web_o311_service", lang, kind=topic.kind.upper(), agency=labels.agency(topic.lead)),
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(list(topic.phrases)[:8]),
        "group": topic.kind.upper(),
    }


def _definition(core: Core, topic_id: str, lang: str) -> dict[str, Any]:
    yes_no = [{"key": "true", "name": t("web_yes", lang)}, {"key": "false", "name": t("web_no", lang)}]
    attrs: list[tuple[str, str, list[dict[str, str]] | None]] = [
        ("kind", "singlevaluelist", [{"key": k, "name": t(f"kind_{k}", lang)} for k in KINDS]),
        ("consent_publish", "singlevaluelist", yes_no),
        ("publish_company", "singlevaluelist", yes_no),
        ("confidential", "singlevaluelist", yes_no),
        ("company", "string", None),
        ("tax_code", "string", None),
    ]
    return {
        "service_code": topic_id,
        "attributes": [
            {
                "variable": True,
                "code": code,
                "datatype": datatype,
                "required": False,
                "datatype_description": t(f"web_o311_attr_{code}_type", lang),
                "order": order,
                "description": t(f"web_o311_attr_{code}", lang),
                **({"values": values} if values is not None else {}),
            }
            for order, (code, datatype, values) in enumerate(attrs, 1)
        ],
    }


async def discovery(request: web.Request) -> web.Response:
    """discovery.json: where the endpoint is and what it speaks."""
    s = site(request)
    fmt = _format(request)
    base = s.core.config.public_url.rstrip("/")
    doc = {
        "changeset": iso_local(datetime(2026, 3, 1, tzinfo=UTC)),
        "contact": t("web_o311_contact", lang_of(request), url=f"{base}/open-data"),
        "key_service": t("web_o311_key_service", lang_of(request)),
        "endpoints": [
            {
                "specification": SPEC,
                "url": f"{base}/open311/v2",
                "changeset": iso_local(datetime(2026, 3, 1, tzinfo=UTC)),
                "type": "production",
                "formats": list(FORMATS.values()),
            }
        ],
    }
    return xml_document("discovery", doc) if fmt == "xml" else json_document(doc)


async def services(request: web.Request) -> web.Response:
    """services.{fmt}: one service per PCI sub-index / BPI topic."""
    core = site(request).core
    lang = lang_of(request)
    items = [_service(core, topic_id, lang) for topic_id in core.rules.topics_by_id]
    return respond(_format(request), "services", "service", items)


async def service_definition(request: web.Request) -> web.Response:
    """services/{code}.{fmt}: the attributes a partner may send."""
    core = site(request).core
    code = request.match_info["code"]
    if code not in core.rules.topics_by_id:
        raise Open311Error(404, f"service_code '{code}' not found")
    doc = _definition(core, code, lang_of(request))
    return xml_document("service_definition", doc) if _format(request) == "xml" else json_document(doc)


# -- requests ---------------------------------------------------------------------------------------


def request_record(core: Core, tk: Ticket, names: list[str], extension_reason: str | None, lang: str) -> dict[str, Any]:
    """One service request with the spec's fields; restricted items carry no text."""
    labels = Labels(core, lang)
    notes = [labels.state(tk.state)]
    outcome = None if is_restricted(tk) else labels.outcome(tk.outcome)
    if outcome:
        notes.append(outcome)
    notice = public_text(tk, extension_reason, names)
    commune = find_commune(tk.commune_code) if tk.commune_code and tk.consent_publish else None
    return {
        "service_request_id": tk.code,
        "status": open311_status(tk.state),
        "status_notes": ". ".join(notes),
        "service_name": labels.topic(tk.topic_id),
        "service_code": tk.topic_id,
        "description": public_summary(tk, names),
        "agency_responsible": labels.agency_full(tk.agency_id),
        "service_notice": t("web_o311_extended", lang, reason=notice) if notice else None,
        "requested_datetime": iso_local(tk.created_at),
        "updated_datetime": iso_local(tk.updated_at),
        "expected_datetime": iso_local(tk.answer_due_at),
        "address": f"{commune.name}, Lạng Sơn" if commune is not None and not is_restricted(tk) else None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _when(raw: str, name: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise Open311Error(400, f"{name} must be an ISO 8601 date-time, e.g. 2026-03-10T09:00:00+07:00") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _int(request: web.Request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise Open311Error(400, f"{name} must be a positive integer")
    return min(int(raw), maximum) if maximum else int(raw)


def _filters(request: web.Request, core: Core) -> RequestFilters:
    """The spec's filters; service_request_id (comma-separated) overrides all the others."""
    q = request.query
    ids = [c for c in (normalize_code(x, core.prefix) for x in q.get("service_request_id", "").split(",") if x) if c]
    if q.get("service_request_id"):
        return RequestFilters(codes=ids)
    codes: list[str] | None = None
    if q.get("service_code"):
        codes = [c.strip() for c in q["service_code"].split(",") if c.strip()]
        unknown = [c for c in codes if c not in core.rules.topics_by_id]
        if unknown:
            raise Open311Error(404, f"service_code '{unknown[0]}' not found")
    start = _when(q["start_date"], "start_date") if q.get("start_date") else None
    end = _when(q["end_date"], "end_date") if q.get("end_date") else None
    if start is None and end is None:
        start = core.now() - timedelta(days=DEFAULT_DAYS)
    if start is not None and end is not None and start > end:
        raise Open311Error(400, "start_date must not be after end_date")
    states: Sequence[str] | None = None
    if q.get("status"):
        statuses = {x.strip() for x in q["status"].split(",") if x.strip()}
        if not statuses <= {"open", "closed"}:
            raise Open311Error(400, "status must be open, closed or open,closed")
        if statuses == {"open"}:
            states = sorted(OPEN_STATES)
        elif statuses == {"closed"}:
            states = CLOSED_STATES
    return RequestFilters(topic_ids=codes, created_from=start, created_to=end, states=states)


@dataclass
class _Found:
    ticket: Ticket
    names: list[str]
    extension_reason: str | None


async def _load(core: Core, filters: RequestFilters, page: int, size: int) -> list[_Found]:
    """A page of public tickets with their submitters' display names and the reason of their extension."""
    async with core.maker() as session:
        rows = await public_requests(session, filters, page, size)
        names = await display_names(session, rows)
        reasons = await extension_reasons(session, [tk.id for tk in rows])
    return [_Found(tk, names.get(tk.id, []), reasons.get(tk.id)) for tk in rows]


async def requests_list(request: web.Request) -> web.Response:
    """requests.{fmt}: newest first, the last 90 days unless dated, page_size up to 1000 (default 100).

    A list is cached for a few seconds per query string, like the home page's statistics.
    """
    s = site(request)
    fmt = _format(request)
    filters = _filters(request, s.core)
    page = _int(request, "page", 1)
    size = _int(request, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    lang = lang_of(request)

    async def compute() -> bytes:
        found = await _load(s.core, filters, page, size)
        items = [request_record(s.core, f.ticket, f.names, f.extension_reason, lang) for f in found]
        return serialize(fmt, "service_requests", "request", items)

    return send(fmt, await s.lists.get(request.path_qs, compute))


async def request_one(request: web.Request) -> web.Response:
    """requests/{code}.{fmt}: one request (a list of one, as the spec says)."""
    s = site(request)
    fmt = _format(request)
    code = normalize_code(request.match_info["code"], s.core.prefix)
    if code is None:
        raise Open311Error(404, f"service_request_id '{request.match_info['code']}' not found")
    found = await _load(s.core, RequestFilters(codes=[code]), 1, 1)
    if not found:
        raise Open311Error(404, f"service_request_id '{code}' not found")
    f = found[0]
    record = request_record(s.core, f.ticket, f.names, f.extension_reason, lang_of(request))
    return respond(fmt, "service_requests", "request", [record])


# -- POST -------------------------------------------------------------------------------------------


def _flag(data: dict[str, str], name: str) -> bool:
    return data.get(f"attribute[{name}]", data.get(name, "")).strip().lower() in TRUE


def _draft(core: Core, data: dict[str, str]) -> Draft:
    """Validate a POSTed request into a Draft (Open311Error 400/404 when it is not valid)."""
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code is required")
    if code not in core.rules.topics_by_id:
        raise Open311Error(404, f"service_code '{code}' not found")
    text = data.get("description", "").strip()
    if not text:
        raise Open311Error(400, "description is required")
    kind = data.get("attribute[kind]", "phan_anh").strip() or "phan_anh"
    if kind not in KINDS:
        raise Open311Error(400, f"attribute[kind] must be one of {', '.join(KINDS)}")
    address = data.get("address_string", "").strip()
    commune = find_commune(address.split(",")[0]) if address else None
    try:
        name = " ".join(x for x in (data.get("first_name", "").strip(), data.get("last_name", "").strip()) if x)
        phone = data.get("phone", "").strip()
        tax = data.get("attribute[tax_code]", "").strip()
        return Draft(
            text=text,
            kind=kind,
            source="open311",
            language="vi",
            contact_name=normalize_name(name) if name else None,
            contact_phone=normalize_phone(phone) if phone else None,
            company=data.get("attribute[company]", "").strip() or None,
            tax_code=normalize_tax_code(tax) if tax else None,
            commune_code=commune.code if commune else None,
            confidential=_flag(data, "confidential"),
            consent_publish=_flag(data, "consent_publish"),
            publish_company=_flag(data, "publish_company"),
            topic_id=code,
        )
    except ContactError as exc:
        raise Open311Error(400, f"invalid contact detail: {exc.code}") from exc


async def _form(request: web.Request) -> dict[str, str]:
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise Open311Error(400, "the body is not valid JSON") from None
        if not isinstance(body, dict):
            raise Open311Error(400, "the body must be a JSON object")
        return {str(k): str(v) for k, v in body.items() if v is not None}
    post = await request.post()
    return {k: v for k, v in post.items() if isinstance(v, str)}


async def create_request(request: web.Request) -> web.Response:
    """POST requests.{fmt}: a partner (the provincial portal …) submits an item with its api_key."""
    s = site(request)
    fmt = _format(request)
    data = await _form(request)
    api_key = data.get("api_key") or request.query.get("api_key", "")
    if not api_key:
        raise Open311Error(403, "api_key is required")
    async with s.core.maker() as session, session.begin():
        key = await verify_key(session, api_key)
        if key is None:
            raise Open311Error(403, "api_key is not valid or has been revoked")
        draft = _draft(s.core, data)
        try:
            ticket = await lifecycle.submit(session, s.core, draft, Actor(role="business", ref=f"apikey:{key.id}"))
        except LifecycleError as err:
            raise Open311Error(400, f"the request was refused: {err.code}") from err
        submitted = ticket.events[0]
        submitted.data = {**submitted.data, "partner": key.name}
    lang = lang_of(request)
    notice = t("web_o311_notice", lang, code=ticket.code, due=fmt_date(ticket.answer_due_at))
    return respond(fmt, "service_requests", "request", [{"service_request_id": ticket.code, "service_notice": notice}])


# -- routing ----------------------------------------------------------------------------------------


@web.middleware
async def open311_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Every failure under /open311/ is answered in the spec's error format."""
    if not request.path.startswith("/open311/"):
        return await handler(request)  # type: ignore[no-any-return]
    fmt = "xml" if request.path.endswith(".xml") else "json"
    try:
        return await handler(request)  # type: ignore[no-any-return]
    except Open311Error as err:
        return error_response(fmt, err.status, err.description)
    except web.HTTPNotFound:
        return error_response(fmt, 404, f"{request.path} not found")
    except web.HTTPMethodNotAllowed as exc:
        return error_response(fmt, 405, f"{exc.method} is not allowed here")


def setup(webapp: web.Application) -> None:
    """Mount the Open311 routes (server.setup_web installs `open311_errors`)."""
    base = "/open311/v2"
    webapp.router.add_get(base + "/discovery.{fmt}", discovery)
    webapp.router.add_get(base + "/services.{fmt}", services)
    webapp.router.add_get(base + "/services/{code}.{fmt}", service_definition)
    webapp.router.add_get(base + "/requests.{fmt}", requests_list)
    webapp.router.add_post(base + "/requests.{fmt}", create_request)
    webapp.router.add_get(base + "/requests/{code}.{fmt}", request_one)
