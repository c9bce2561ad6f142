"""Open311 GeoReport v2 under /open311/v2/: discovery, services, requests (GET, and POST with an api_key)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from xml.etree import ElementTree as ET

from aiohttp import web
from pydantic import AliasChoices, BeforeValidator, Field, model_validator

from bot.core import lifecycle
from bot.core.authz import Actor
from bot.core.codes import normalize_code
from bot.core.contact import ContactError, find_commune, normalize_name, normalize_phone, normalize_tax_code
from bot.core.fmt import fmt_date
from bot.core.i18n import t
from bot.core.lifecycle import KINDS, OPEN_STATES, Draft, LifecycleError
from bot.core.publication import display_names, is_restricted, iso_local, public_commune, public_summary, public_text
from bot.core.services import Core
from bot.web.apikeys import verify_key
from bot.web.common import Labels, lang_of, open311_status
from bot.web.inputs import (
    AUTHENTICATED_BODY,
    UNAUTHENTICATED_BODY,
    Flag,
    InputError,
    Long,
    Moment,
    Page,
    Query,
    Short,
    accepts,
    parse,
    query_of,
    read_form,
    whole,
)
from bot.web.public import site
from storage.models import ApiKey, Ticket
from storage.web_queries import RequestFilters, extension_reasons, public_requests

SPEC = "http://wiki.open311.org/GeoReport_v2"
DEFAULT_DAYS = 90
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
FORMATS = {"json": "application/json", "xml": "text/xml"}
CORS = {"Access-Control-Allow-Origin": "*"}
CLOSED_STATES = ("resolved", "closed", "rejected")


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
        raise InputError(404, f"format '{fmt}' is not supported; use json or xml")
    return fmt


def format_of(path: str) -> str:
    """The format an error under `path` is answered in: XML for *.xml, JSON otherwise."""
    return "xml" if path.endswith(".xml") else "json"


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


@accepts(Query)
async def discovery(request: web.Request, _q: Query) -> web.Response:
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


@accepts(Query)
async def services(request: web.Request, _q: Query) -> web.Response:
    """services.{fmt}: one service per PCI sub-index / BPI topic."""
    core = site(request).core
    lang = lang_of(request)
    items = [_service(core, topic_id, lang) for topic_id in core.rules.topics_by_id]
    return respond(_format(request), "services", "service", items)


@accepts(Query)
async def service_definition(request: web.Request, _q: Query) -> web.Response:
    """services/{code}.{fmt}: the attributes a partner may send."""
    core = site(request).core
    code = request.match_info["code"]
    if code not in core.rules.topics_by_id:
        raise InputError(404, f"service_code '{code}' not found")
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
    commune = public_commune(tk)
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
        "address": f"{commune}, Lạng Sơn" if commune is not None else None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _statuses(raw: Any) -> frozenset[str] | None:
    if raw in (None, ""):
        return None
    statuses = frozenset(x.strip() for x in str(raw).split(",") if x.strip())
    if not statuses or not statuses <= {"open", "closed"}:
        raise ValueError("must be open, closed or open,closed")
    return statuses


class RequestsQuery(Query):
    """The spec's filters of GET requests; service_request_id (comma-separated) overrides all the others."""

    service_request_id: Short = ""
    service_code: Short = ""
    start_date: Moment | None = None
    end_date: Moment | None = None
    status: Annotated[frozenset[str] | None, BeforeValidator(_statuses)] = None
    page: Page = 1
    page_size: Annotated[int, BeforeValidator(whole(MAX_PAGE_SIZE, clamp=True))] = DEFAULT_PAGE_SIZE

    @model_validator(mode="after")
    def _ordered(self) -> RequestsQuery:
        if self.start_date is not None and self.end_date is not None and self.start_date > self.end_date:
            raise ValueError("start_date must not be after end_date")
        return self


def _filters(q: RequestsQuery, core: Core) -> RequestFilters:
    """The database filters of a parsed query (404 for an unknown service_code)."""
    if q.service_request_id:
        ids = (normalize_code(x, core.prefix) for x in q.service_request_id.split(",") if x.strip())
        return RequestFilters(codes=[c for c in ids if c])
    codes: list[str] | None = None
    if q.service_code:
        codes = [c.strip() for c in q.service_code.split(",") if c.strip()]
        unknown = [c for c in codes if c not in core.rules.topics_by_id]
        if unknown:
            raise InputError(404, f"service_code '{unknown[0]}' not found")
    start, end = q.start_date, q.end_date
    if start is None and end is None:
        start = core.now() - timedelta(days=DEFAULT_DAYS)
    states: Sequence[str] | None = None
    if q.status == frozenset({"open"}):
        states = sorted(OPEN_STATES)
    elif q.status == frozenset({"closed"}):
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


@accepts(RequestsQuery)
async def requests_list(request: web.Request, q: RequestsQuery) -> web.Response:
    """requests.{fmt}: newest first, the last 90 days unless dated, page_size up to 1000 (default 100).

    A list is cached for a few seconds per query string, like the home page's statistics.
    """
    s = site(request)
    fmt = _format(request)
    filters = _filters(q, s.core)
    page, size = q.page, q.page_size
    lang = lang_of(request)

    async def compute() -> bytes:
        found = await _load(s.core, filters, page, size)
        items = [request_record(s.core, f.ticket, f.names, f.extension_reason, lang) for f in found]
        return serialize(fmt, "service_requests", "request", items)

    return send(fmt, await s.lists.get(request.path_qs, compute))


@accepts(Query)
async def request_one(request: web.Request, _q: Query) -> web.Response:
    """requests/{code}.{fmt}: one request (a list of one, as the spec says)."""
    s = site(request)
    fmt = _format(request)
    code = normalize_code(request.match_info["code"], s.core.prefix)
    if code is None:
        raise InputError(404, f"service_request_id '{request.match_info['code']}' not found")
    found = await _load(s.core, RequestFilters(codes=[code]), 1, 1)
    if not found:
        raise InputError(404, f"service_request_id '{code}' not found")
    f = found[0]
    record = request_record(s.core, f.ticket, f.names, f.extension_reason, lang_of(request))
    return respond(fmt, "service_requests", "request", [record])


# -- POST -------------------------------------------------------------------------------------------


def _attribute(name: str, default: object = "") -> Any:
    """A partner may send attribute[name] (the spec's way) or plain name."""
    return Field(default=default, validation_alias=AliasChoices(f"attribute[{name}]", name))


class KeyQuery(Query):
    """A POST's query string, which may carry the api_key (checked before the body is read)."""

    api_key: Short = ""


class CreateForm(KeyQuery):
    """The fields of POST requests that pcibot reads (others of the spec, such as lat/long, are ignored)."""

    service_code: Short = ""
    description: Long = ""
    first_name: Short = ""
    last_name: Short = ""
    phone: Short = ""
    address_string: Short = ""
    kind: Short = _attribute("kind")
    company: Short = _attribute("company")
    tax_code: Short = _attribute("tax_code")
    confidential: Flag = _attribute("confidential", False)
    consent_publish: Flag = _attribute("consent_publish", False)
    publish_company: Flag = _attribute("publish_company", False)


def _draft(core: Core, form: CreateForm) -> Draft:
    """A parsed request as a Draft (InputError 400/404 when it is not acceptable)."""
    if not form.service_code:
        raise InputError(400, "service_code is required")
    if form.service_code not in core.rules.topics_by_id:
        raise InputError(404, f"service_code '{form.service_code}' not found")
    if not form.description:
        raise InputError(400, "description is required")
    kind = form.kind or "phan_anh"
    if kind not in KINDS:
        raise InputError(400, f"attribute[kind] must be one of {', '.join(KINDS)}")
    commune = find_commune(form.address_string.split(",")[0]) if form.address_string else None
    try:
        name = " ".join(x for x in (form.first_name, form.last_name) if x)
        return Draft(
            text=form.description,
            kind=kind,
            source="open311",
            language="vi",
            contact_name=normalize_name(name) if name else None,
            contact_phone=normalize_phone(form.phone) if form.phone else None,
            company=form.company or None,
            tax_code=normalize_tax_code(form.tax_code) if form.tax_code else None,
            commune_code=commune.code if commune else None,
            confidential=form.confidential,
            consent_publish=form.consent_publish,
            publish_company=form.publish_company,
            topic_id=form.service_code,
        )
    except ContactError as exc:
        raise InputError(400, f"invalid contact detail: {exc.code}") from exc


async def _partner(core: Core, api_key: str) -> ApiKey:
    """The active key presented (403 when there is none or it is not valid)."""
    if not api_key:
        raise InputError(403, "api_key is required")
    async with core.maker() as session:
        key = await verify_key(session, api_key)
    if key is None:
        raise InputError(403, "api_key is not valid or has been revoked")
    return key


async def create_request(request: web.Request) -> web.Response:
    """POST requests.{fmt}: a partner (the provincial portal …) submits an item with its api_key.

    A key given in the query string is checked before the body is read, which may then be up to
    AUTHENTICATED_BODY bytes; a key inside the body can only come with a body of UNAUTHENTICATED_BODY.
    """
    s = site(request)
    fmt = _format(request)
    early = parse(KeyQuery, query_of(request)).api_key
    key = await _partner(s.core, early) if early else None
    form = parse(CreateForm, await read_form(request, AUTHENTICATED_BODY if key else UNAUTHENTICATED_BODY))
    if key is None:
        key = await _partner(s.core, form.api_key)
    draft = _draft(s.core, form)
    async with s.core.maker() as session, session.begin():
        try:
            ticket = await lifecycle.submit(session, s.core, draft, Actor(role="business", ref=f"apikey:{key.id}"))
        except LifecycleError as err:
            raise InputError(400, f"the request was refused: {err.code}") from err
        submitted = ticket.events[0]
        submitted.data = {**submitted.data, "partner": key.name}
    lang = lang_of(request)
    notice = t("web_o311_notice", lang, code=ticket.code, due=fmt_date(ticket.answer_due_at))
    return respond(fmt, "service_requests", "request", [{"service_request_id": ticket.code, "service_notice": notice}])


# -- routing ----------------------------------------------------------------------------------------


def setup(webapp: web.Application) -> None:
    """Mount the Open311 routes (errors are answered by bot.web.boundary in the spec's format)."""
    base = "/open311/v2"
    webapp.router.add_get(base + "/discovery.{fmt}", discovery)
    webapp.router.add_get(base + "/services.{fmt}", services)
    webapp.router.add_get(base + "/services/{code}.{fmt}", service_definition)
    webapp.router.add_get(base + "/requests.{fmt}", requests_list)
    webapp.router.add_post(base + "/requests.{fmt}", create_request)
    webapp.router.add_get(base + "/requests/{code}.{fmt}", request_one)
