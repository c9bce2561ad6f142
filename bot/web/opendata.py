"""Open data: /open-data (field documentation) and every public ticket as CSV or JSON, streamed."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

from aiohttp import web

from bot.core.i18n import t
from bot.core.publication import display_names, public_record
from bot.core.services import Core
from bot.web.common import Labels, lang_of, open311_status, render
from bot.web.public import site
from storage.models import Ticket
from storage.web_queries import hidden_ticket_count, hide_event_count, public_tickets_after

BATCH = 1000
# (field, type) in file order; the meaning of each is the catalog key web_field_<field>.
FIELDS: tuple[tuple[str, str], ...] = (
    ("code", "string"),
    ("kind", "string|null"),
    ("topic", "string|null"),
    ("topic_name", "string"),
    ("agency", "string"),
    ("agency_name", "string"),
    ("state", "string"),
    ("status", "string"),
    ("created_at", "datetime"),
    ("answer_due_at", "datetime"),
    ("first_response_at", "datetime|null"),
    ("resolved_at", "datetime|null"),
    ("closed_at", "datetime|null"),
    ("outcome", "string|null"),
    ("company", "string|null"),
    ("summary", "string|null"),
    ("answer", "string|null"),
    ("rating", "integer|null"),
    ("transfers", "integer"),
    ("extended_days", "integer"),
    ("reopened", "integer"),
)
OPEN311_ENDPOINTS = (
    "GET /open311/v2/discovery.json",
    "GET /open311/v2/services.json | services.xml",
    "GET /open311/v2/services/{service_code}.json | .xml",
    "GET /open311/v2/requests.json | requests.xml ?service_request_id=&service_code=&start_date=&end_date="
    "&status=&page=&page_size=",
    "GET /open311/v2/requests/{service_request_id}.json | .xml",
    "POST /open311/v2/requests.json (api_key)",
)


def records(core: Core, tickets: Sequence[Ticket], names: dict[int, list[str]]) -> list[dict[str, Any]]:
    """Open-data rows: the public record plus Vietnamese names of the topic and agency and the status."""
    labels = Labels(core, "vi")
    out = []
    for tk in tickets:
        record = public_record(tk, names.get(tk.id, []))
        record["topic_name"] = labels.topic(tk.topic_id)
        record["agency_name"] = labels.agency(tk.agency_id)
        record["status"] = open311_status(tk.state)
        out.append({name: record[name] for name, _ in FIELDS})
    return out


async def batches(core: Core) -> AsyncIterator[list[dict[str, Any]]]:
    """Every public ticket in creation order, a thousand at a time (keyset pagination)."""
    last_id = 0
    while True:
        async with core.maker() as session:
            rows = await public_tickets_after(session, last_id, BATCH)
            if not rows:
                return
            names = await display_names(session, rows)
        last_id = rows[-1].id
        # Scrubbing a thousand texts takes a while: let other requests run meanwhile.
        yield await asyncio.to_thread(records, core, rows, names)


async def streamed(request: web.Request, headers: dict[str, str], chunks: AsyncIterator[bytes]) -> web.StreamResponse:
    """Send `chunks` as the body; a HEAD request gets the headers only (a body would corrupt a kept-alive link)."""
    response = web.StreamResponse(headers=headers)
    await response.prepare(request)
    if request.method != "HEAD":
        async for chunk in chunks:
            await response.write(chunk)
    await response.write_eof()
    return response


async def csv_chunks(core: Core) -> AsyncIterator[bytes]:
    """The CSV file a batch at a time, starting with the byte-order mark and the header row."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[name for name, _ in FIELDS])
    buffer.write("\ufeff")
    writer.writeheader()
    async for batch in batches(core):
        writer.writerows(batch)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


async def json_chunks(core: Core) -> AsyncIterator[bytes]:
    """The JSON array a batch at a time."""
    yield b"["
    first = True
    async for batch in batches(core):
        chunk = ",\n".join(json.dumps(r, ensure_ascii=False) for r in batch)
        yield (("\n" if first else ",\n") + chunk).encode("utf-8")
        first = False
    yield b"\n]\n"


async def tickets_csv(request: web.Request) -> web.StreamResponse:
    """/open-data/tickets.csv — UTF-8 with a byte-order mark so that spreadsheet programs read Vietnamese."""
    headers = {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="pcibot-tickets.csv"',
    }
    return await streamed(request, headers, csv_chunks(site(request).core))


async def tickets_json(request: web.Request) -> web.StreamResponse:
    """/open-data/tickets.json — a JSON array of the same records."""
    headers = {"Content-Type": "application/json; charset=utf-8"}
    return await streamed(request, headers, json_chunks(site(request).core))


async def open_data_page(request: web.Request) -> web.Response:
    """/open-data — what is published, in which files, what each field means, and how much is hidden."""
    s = site(request)
    lang = lang_of(request)
    async with s.core.maker() as session:
        hidden = await hidden_ticket_count(session)
        hide_events = await hide_event_count(session)
    html = render(
        s.env,
        request,
        s.core,
        "open_data.html",
        fields=[(name, kind, t(f"web_field_{name}", lang)) for name, kind in FIELDS],
        endpoints=OPEN311_ENDPOINTS,
        hidden=hidden,
        hide_events=hide_events,
    )
    return web.Response(text=html, content_type="text/html")


def setup(webapp: web.Application) -> None:
    """Mount the open-data routes."""
    webapp.router.add_get("/open-data", open_data_page)
    webapp.router.add_get("/open-data/tickets.csv", tickets_csv)
    webapp.router.add_get("/open-data/tickets.json", tickets_json)
