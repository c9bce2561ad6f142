"""The business side: greeting, the submission dialog, status, answers to questions, ratings."""

from __future__ import annotations

from typing import Any

from bot.channels.base import Button
from bot.core import lifecycle
from bot.core.authz import can_see_hidden, is_staff
from bot.core.codes import normalize_code
from bot.core.commands import BUSINESS, help_text
from bot.core.contact import (
    MAX_ATTACHMENTS,
    MAX_TEXT,
    ContactError,
    find_commune,
    normalize_name,
    normalize_phone,
    normalize_tax_code,
)
from bot.core.fmt import fmt_date
from bot.core.i18n import LANGUAGES, t
from bot.core.language import detect_language
from bot.core.lifecycle import Draft, LifecycleError
from bot.core.notify import agency_label, kind_label, topic_label
from bot.core.publication import is_public, public_fields, public_summary
from bot.core.split import split_offer
from bot.core.states import state_label
from handlers.context import Ctx
from storage.businesses import person_identity_ids
from storage.models import Ticket
from storage.tickets import awaiting_tickets, last_ticket_with_contact, recent_tickets, ticket_of_sent_message

GREETINGS = frozenset(
    {
        "hi",
        "hello",
        "chao",
        "chào",
        "xin chào",
        "xin chao",
        "alo",
        "hey",
        "start",
        "你好",
        "chào bạn",
        "chao ban",
        "cảm ơn",
        "cam on",
        "thanks",
        "thank you",
        "ok",
        "oke",
        "vâng",
        "vang",
        "dạ",
        "da",
        "test",
    }
)
OPTIONAL_STEPS = ("company", "tax_code", "commune")


def _kind_buttons(lang: str) -> list[list[Button]]:
    return [[Button(kind_label(k, lang), f"kind:{k}")] for k in lifecycle.KINDS]


def _yes_no(lang: str, prefix: str) -> list[list[Button]]:
    return [[Button(t("btn_yes", lang), f"{prefix}:yes"), Button(t("btn_no", lang), f"{prefix}:no")]]


def _skip(lang: str) -> list[list[Button]]:
    return [[Button(t("btn_skip", lang), "skip")]]


async def start(ctx: Ctx, arg: str) -> None:
    """/start: greeting and what the bot does (a tracking code argument opens that ticket)."""
    code = normalize_code(arg, ctx.core.prefix) if arg else None
    if code:
        await status(ctx, code)
        return
    if ctx.identity is not None and ctx.identity.language is None and ctx.msg.language_hint in LANGUAGES:
        ctx.identity.language = ctx.msg.language_hint
    ctx.say("greeting", [[Button(t("btn_new", ctx.lang), "new")], [Button(t("btn_status", ctx.lang), "status")]])


async def help_(ctx: Ctx, _arg: str) -> None:
    """/help: the sender's own commands, for its role (officer, head, coordinator, admin, business) and chat."""
    role = ctx.actor.role if is_staff(ctx.actor) else BUSINESS
    ctx.reply(help_text(role, ctx.msg.is_group, ctx.lang))


async def new(ctx: Ctx, _arg: str) -> None:
    """/new: start a submission by asking for the description."""
    await ctx.set_dialog("describe", {"attachments": []})
    ctx.say("ask_description")


async def cancel(ctx: Ctx, _arg: str) -> None:
    """/cancel: abandon the current dialog; nothing is saved."""
    row = await ctx.dialog()
    await ctx.clear_dialog()
    ctx.say("cancelled" if row is not None else "nothing_to_cancel")


async def lang(ctx: Ctx, arg: str) -> None:
    """/lang vi|en|zh: choose the language of the bot's messages."""
    choice = arg.strip().lower()
    if choice not in LANGUAGES or ctx.identity is None:
        ctx.say(
            "lang_usage",
            [[Button("Tiếng Việt", "lang:vi"), Button("English", "lang:en"), Button("中文", "lang:zh")]],
        )
        return
    ctx.identity.language = choice
    ctx.say("lang_set")


async def _own_ticket(ctx: Ctx, ticket: Ticket) -> bool:
    if ctx.identity is None or ticket.identity_id is None:
        return False
    if ticket.identity_id == ctx.identity.id:
        return True
    from storage.models import Identity

    owner = await ctx.session.get(Identity, ticket.identity_id)
    return owner is not None and owner.person_id is not None and owner.person_id == ctx.identity.person_id


def _status_lines(ctx: Ctx, ticket: Ticket) -> list[str]:
    return [
        t(
            "status_line",
            ctx.lang,
            code=ticket.code,
            kind=kind_label(ticket.kind, ctx.lang),
            state=state_label(ticket.state, ctx.lang),
        ),
        t(
            "status_detail",
            ctx.lang,
            topic=topic_label(ctx.core, ticket.topic_id, ctx.lang),
            agency=agency_label(ctx.core, ticket.agency_id),
            received=fmt_date(ticket.created_at),
            due=fmt_date(ticket.answer_due_at),
        ),
    ]


async def status(ctx: Ctx, arg: str) -> None:
    """/status [CODE]: one ticket, or the sender's own tickets."""
    if arg.strip():
        code = normalize_code(arg, ctx.core.prefix)
        if code is None:
            ctx.say("status_bad_code", code=arg.strip()[:20])
            return
        ticket = await lifecycle.get_ticket(ctx.session, code)
        own = ticket is not None and await _own_ticket(ctx, ticket)
        if ticket is None or not (is_public(ticket) or own or can_see_hidden(ctx.actor, ticket)):
            ctx.say("status_unknown", code=arg.strip()[:20])  # a hidden ticket is unknown to others
            return
        lines = _status_lines(ctx, ticket)
        if own and ticket.answer_text:
            lines.append(t("status_answer", ctx.lang, text=ticket.answer_text))
        if is_public(ticket):
            lines.append(t("status_link", ctx.lang, url=f"{ctx.core.config.public_url}/t/{ticket.code}"))
        ctx.reply("\n".join(lines))
        return
    if ctx.identity is None:
        ctx.say("status_none")
        return
    tickets = await recent_tickets(ctx.session, await _linked_identity_ids(ctx))
    if not tickets:
        ctx.say("status_none")
        return
    ctx.reply("\n\n".join("\n".join(_status_lines(ctx, tk)) for tk in tickets))


async def _linked_identity_ids(ctx: Ctx) -> list[int]:
    assert ctx.identity is not None
    if ctx.identity.person_id is None:
        return [ctx.identity.id]
    return await person_identity_ids(ctx.session, ctx.identity.person_id)


# -- free text ----------------------------------------------------------------------------------------
async def _replied_ticket_id(ctx: Ctx) -> int | None:
    """The ticket of the bot message the user replied to (its outbox row knows), if any."""
    if not ctx.msg.reply_to_message_id:
        return None
    return await ticket_of_sent_message(
        ctx.session, ctx.msg.channel, ctx.msg.chat_id, ctx.msg.reply_to_message_id
    )


async def _awaiting_ticket(ctx: Ctx, *, replied_only: bool = False) -> Ticket | None:
    if ctx.identity is None:
        return None
    tickets = await awaiting_tickets(ctx.session, await _linked_identity_ids(ctx))
    if not tickets:
        return None
    from bot.core.codes import find_code

    replied = await _replied_ticket_id(ctx)
    mentioned = find_code(ctx.msg.text, ctx.core.prefix)
    chosen = next((tk for tk in tickets if tk.id == replied), None)
    if chosen is None and not replied_only:
        chosen = next((tk for tk in tickets if tk.code == mentioned), tickets[0])
    if chosen is not None:
        await ctx.session.refresh(chosen, ["events"])
    return chosen


async def answer_by_reply(ctx: Ctx) -> bool:
    """A Telegram-style reply to an agency's question adds to that ticket, even in the middle of a dialog."""
    if ctx.msg.is_group or not ctx.msg.reply_to_message_id or ctx.msg.button is not None:
        return False
    waiting = await _awaiting_ticket(ctx, replied_only=True)
    if waiting is None or not (ctx.msg.text.strip() or ctx.msg.attachments):
        return False
    await _add_info(ctx, waiting)
    return True


async def _add_info(ctx: Ctx, waiting: Ticket) -> None:
    text = ctx.msg.text.strip()
    if len(text) > MAX_TEXT:
        ctx.say("too_long", limit=f"{MAX_TEXT:,}".replace(",", "."))
        return
    files = [(a.kind, a.ref, a.name) for a in ctx.msg.attachments]
    await lifecycle.info_received(ctx.session, ctx.core, waiting, ctx.actor, text, files)
    ctx.say_about("info_added", waiting, due=fmt_date(waiting.answer_due_at))


def _attachments(ctx: Ctx) -> list[list[Any]]:
    return [[a.kind, a.ref, a.name] for a in ctx.msg.attachments]


async def free_text(ctx: Ctx) -> None:
    """Text outside any dialog: an answer to an agency's question, a greeting, or a new submission."""
    text = ctx.msg.text.strip()
    waiting = await _awaiting_ticket(ctx)
    if waiting is not None and (text or ctx.msg.attachments):
        await _add_info(ctx, waiting)
        return
    if not text and not ctx.msg.attachments:
        ctx.say("not_understood")
        return
    if len(text) > MAX_TEXT:  # before anything else: bad input changes nothing
        ctx.say("too_long", limit=f"{MAX_TEXT:,}".replace(",", "."))
        return
    if ctx.identity is not None and ctx.identity.language is None and text:
        ctx.identity.language = detect_language(text)
    if text.lower().strip(" !.?") in GREETINGS:
        await start(ctx, "")
        return
    data = {"text": text, "attachments": _attachments(ctx)}
    _same_album(ctx, data)
    await ctx.set_dialog("kind", data)
    ctx.say("ask_kind", _kind_buttons(ctx.lang))


# -- the dialog ---------------------------------------------------------------------------------------
def _same_album(ctx: Ctx, data: dict[str, Any]) -> bool:
    """Whether this message continues the album the last one belonged to (remembered in `data`).

    Telegram delivers an album as one message per photo; the first is answered, the rest are added quietly.
    """
    album = ctx.msg.album
    same = album is not None and data.get("album") == album
    data["album"] = album
    return same


def _with_more(ctx: Ctx, data: dict[str, Any]) -> bool:
    """Add text/attachments sent during the description steps; False (and a message) if over a limit."""
    files = list(data.get("attachments", [])) + _attachments(ctx)
    if len(files) > MAX_ATTACHMENTS:
        ctx.say("too_many_attachments", limit=MAX_ATTACHMENTS)
        return False
    text = "\n".join(x for x in (data.get("text", ""), ctx.msg.text.strip()) if x)
    if len(text) > MAX_TEXT:
        ctx.say("too_long", limit=f"{MAX_TEXT:,}".replace(",", "."))
        return False
    data["attachments"] = files
    data["text"] = text
    return True


async def _ask_contact(ctx: Ctx, data: dict[str, Any]) -> None:
    previous = None
    if ctx.identity is not None:
        previous = await last_ticket_with_contact(ctx.session, ctx.identity.id)
    await ctx.set_dialog("name", data)
    buttons = []
    if previous is not None and previous.contact_name and previous.contact_phone:
        buttons = [
            [
                Button(
                    t("btn_same_contact", ctx.lang, name=previous.contact_name, phone=previous.contact_phone),
                    f"same_contact:{previous.code}",
                )
            ]
        ]
    ctx.say("ask_name", buttons)


async def _next_optional(ctx: Ctx, data: dict[str, Any], after: str | None) -> None:
    order = list(OPTIONAL_STEPS)
    index = 0 if after is None else order.index(after) + 1
    if index < len(order):
        step = order[index]
        await ctx.set_dialog(step, data)
        ctx.say(f"ask_{step}", _skip(ctx.lang))
        return
    if data.get("kind") == "to_cao":
        data["confidential"], data["consent"] = True, False
        await _confirm(ctx, data)
        return
    await ctx.set_dialog("confidential", data)
    ctx.say("ask_confidential", _yes_no(ctx.lang, "conf"))


def _parts(ctx: Ctx, data: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(text, topic) of each ticket the business is about to send: one, or two after a split."""
    if data.get("split"):
        return [(text, topic) for text, topic in data["parts"]]
    if "topic" not in data:
        decision = ctx.core.router.route(data["text"])
        data["topic"] = None if decision.topic == "unclassified" else decision.topic
    return [(data["text"], data["topic"])]


def _agency_for(ctx: Ctx, data: dict[str, Any], topic: str | None) -> str:
    if data.get("kind") == "to_cao":
        return lifecycle.MISCONDUCT_AGENCY
    return ctx.core.rules.topic(topic).lead if topic else ctx.core.coordinator_agency


async def _offer_split(ctx: Ctx, data: dict[str, Any]) -> bool:
    """Two issues for two agencies in one message: ask once whether to send two tickets (True: asked)."""
    if "split" in data or "topic" in data or data.get("kind") == "to_cao":
        return False
    offer = split_offer(ctx.core.router, data["text"])
    data["split"] = False
    if offer is None:
        return False
    first, second = offer
    data["parts"] = [[part.text, part.decision.topic] for part in offer]
    await ctx.set_dialog("split", data)
    ctx.say(
        "ask_split",
        [[Button(t("btn_split", ctx.lang), "split:yes")], [Button(t("btn_no_split", ctx.lang), "split:no")]],
        first=first.text[:200],
        first_agency=agency_label(ctx.core, first.decision.agency),
        second=second.text[:200],
        second_agency=agency_label(ctx.core, second.decision.agency),
    )
    return True


def _draft(ctx: Ctx, data: dict[str, Any], text: str, topic: str | None) -> Draft:
    """The submission as the business confirmed it (one part of it after a split)."""
    return Draft(
        text=text,
        kind=data.get("kind", "phan_anh"),
        source=ctx.msg.channel,
        identity_id=ctx.identity.id if ctx.identity else None,
        language=ctx.lang,
        contact_name=data.get("name"),
        contact_phone=data.get("phone"),
        company=data.get("company"),
        tax_code=data.get("tax_code"),
        commune_code=data.get("commune"),
        confidential=bool(data.get("confidential")),
        consent_publish=bool(data.get("consent")),
        topic_id=topic,
        auto_route=False,  # save what the business confirmed, even "no topic"
        attachments=[(k, r, n) for k, r, n in data.get("attachments", [])],
    )


def _card(ctx: Ctx, data: dict[str, Any], text: str, topic: str | None) -> str:
    """The review screen: every field entered, what of it will be published, and the text as published."""
    core, lang = ctx.core, ctx.lang
    agency = _agency_for(ctx, data, topic)
    _, answer_days = core.rules.sla.sla_for(data.get("kind", "phan_anh"), topic)
    due = core.calendar.add_working_days(core.now(), answer_days)
    commune = find_commune(data["commune"]) if data.get("commune") else None
    preview = lifecycle.preview(_draft(ctx, data, text, topic))
    names = [ctx.identity.display_name if ctx.identity else None]  # the chat name, scrubbed as on the saved ticket
    tax_code = preview.tax_code and t("contact_tax_code", lang, tax_code=preview.tax_code)
    contact = (preview.contact_name, preview.contact_phone, preview.company, tax_code)
    card = t(
        "confirm_card",
        lang,
        kind=kind_label(data.get("kind", "phan_anh"), lang),
        topic=topic_label(core, topic, lang),
        agency=agency_label(core, agency),
        due=fmt_date(due),
        days=answer_days,
        text=text[:500],
        files=len(data.get("attachments", [])),
        contact=", ".join(x for x in contact if x),
        commune=commune.name if commune else "—",
        confidential=t("btn_yes" if preview.confidential else "btn_no", lang),
        consent=t("btn_yes" if preview.consent_publish else "btn_no", lang),
        public=", ".join(t(f"public_field_{f}", lang) for f in public_fields(preview, names)),
    )
    published = public_summary(preview, names)
    if published is not None and published != text:
        card += "\n\n" + t("confirm_public_text", lang, text=published[:500])
    return card


async def _confirm(ctx: Ctx, data: dict[str, Any]) -> None:
    if await _offer_split(ctx, data):
        return
    parts = _parts(ctx, data)
    cards = [_card(ctx, data, text, topic) for text, topic in parts]
    if len(cards) > 1:
        cards = [f"{t('confirm_part', ctx.lang, n=n, total=len(cards))}\n{card}" for n, card in enumerate(cards, 1)]
    await ctx.set_dialog("confirm", data)
    ctx.reply(
        "\n\n".join(cards),
        [
            [Button(t("btn_send", ctx.lang), "confirm:send")],
            [Button(t("btn_other_topic", ctx.lang), "confirm:topic")],
            [Button(t("btn_cancel", ctx.lang), "confirm:cancel")],
        ],
    )


async def _save(ctx: Ctx, data: dict[str, Any]) -> None:
    assert ctx.identity is not None
    for text, topic in _parts(ctx, data):
        draft = _draft(ctx, data, text, topic)
        ticket = await lifecycle.submit(ctx.session, ctx.core, draft, ctx.actor)
        _, days = ctx.core.rules.sla.sla_for(ticket.kind, ticket.topic_id)
        key = "receipt_triage" if ticket.state == "triage" else "receipt"
        ctx.say_about(  # "Hệ thống đã tiếp nhận câu hỏi của Quý doanh nghiệp …"
            key,
            ticket,
            agency=agency_label(ctx.core, ticket.agency_id),
            due=fmt_date(ticket.answer_due_at),
            days=days,
        )
    await ctx.clear_dialog()


async def dialog_step(ctx: Ctx, step: str, data: dict[str, Any]) -> None:
    """Advance the submission dialog by one event."""
    msg, lang = ctx.msg, ctx.lang
    button = msg.button
    text = msg.text.strip()
    if step == "describe":
        if not text and not msg.attachments:
            ctx.say("ask_description")
            return
        if ctx.identity is not None and ctx.identity.language is None and text:
            ctx.identity.language = detect_language(text)
        if _with_more(ctx, data):
            _same_album(ctx, data)
            await ctx.set_dialog("kind", data)
            ctx.say("ask_kind", _kind_buttons(ctx.lang))
        return
    if step == "kind":
        kind = button.split(":", 1)[1] if button and button.startswith("kind:") else None
        if kind in lifecycle.KINDS:
            data["kind"] = kind
            await _ask_contact(ctx, data)
        elif (text or msg.attachments) and not button:
            if _with_more(ctx, data):
                quiet = _same_album(ctx, data)
                await ctx.set_dialog("kind", data)
                if not quiet:
                    ctx.say("more_added", _kind_buttons(lang))
        else:
            ctx.say("ask_kind", _kind_buttons(lang))
        return
    if step == "name":
        if button and button.startswith("same_contact:"):
            prev = await lifecycle.get_ticket(ctx.session, button.split(":", 1)[1])
            if prev is not None and ctx.identity is not None and prev.identity_id == ctx.identity.id:
                data.update(
                    name=prev.contact_name,
                    phone=prev.contact_phone,
                    company=prev.company,
                    tax_code=prev.tax_code,
                    commune=prev.commune_code,
                )
                await _next_optional(ctx, data, "commune")
                return
        if msg.contact is not None:
            await _take_contact(ctx, data)
            return
        try:
            data["name"] = normalize_name(text)
        except ContactError:
            ctx.say("bad_name")
            return
        await ctx.set_dialog("phone", data)
        ctx.reply(t("ask_phone", lang), request_contact=True)
        return
    if step == "phone":
        if msg.contact is not None:
            await _take_contact(ctx, data)
            return
        try:
            data["phone"] = normalize_phone(text)
        except ContactError:
            ctx.reply(t("bad_phone", lang), request_contact=True)
            return
        await _next_optional(ctx, data, None)
        return
    if step in OPTIONAL_STEPS:
        if button == "skip" or text.lower() in {"-", "bo qua", "bỏ qua", "skip", "không", "khong", "ko"}:
            data[step] = None
            await _next_optional(ctx, data, step)
            return
        try:
            if step == "company":
                if not 2 <= len(text) <= 300:
                    raise ContactError("company")
                data["company"] = text
            elif step == "tax_code":
                data["tax_code"] = normalize_tax_code(text)
            else:
                commune = find_commune(text)
                if commune is None:
                    raise ContactError("commune")
                data["commune"] = commune.code
        except ContactError:
            ctx.say(f"bad_{step}", _skip(lang))
            return
        await _next_optional(ctx, data, step)
        return
    if step == "confidential":
        if button in {"conf:yes", "conf:no"}:
            data["confidential"] = button == "conf:yes"
            await ctx.set_dialog("consent", data)
            ctx.say("ask_consent", _yes_no(lang, "consent"))
        else:
            ctx.say("ask_confidential", _yes_no(lang, "conf"))
        return
    if step == "consent":
        if button in {"consent:yes", "consent:no"}:
            data["consent"] = button == "consent:yes"
            await _confirm(ctx, data)
        else:
            ctx.say("ask_consent", _yes_no(lang, "consent"))
        return
    if step == "confirm":
        if button == "confirm:send":
            await _save(ctx, data)
        elif button == "confirm:cancel":
            await cancel(ctx, "")
        elif button == "confirm:topic":
            data["split"] = False  # choosing the field by hand sends one ticket
            await ctx.set_dialog("pick_topic", data)
            rows = [[Button(topic_label(ctx.core, tp.id, lang), f"topic:{tp.id}")] for tp in ctx.core.rules.topics]
            rows.append([Button(t("topic_none", lang), "topic:none")])
            ctx.say("ask_topic", rows)
        else:
            await _confirm(ctx, data)
        return
    if step == "split":
        if button in {"split:yes", "split:no"}:
            data["split"] = button == "split:yes"
        else:
            del data["split"]  # anything else: the question again
        await _confirm(ctx, data)
        return
    if step == "pick_topic":
        if button and button.startswith("topic:"):
            choice = button.split(":", 1)[1]
            data["topic"] = None if choice == "none" or choice not in ctx.core.rules.topics_by_id else choice
            await _confirm(ctx, data)
        else:
            ctx.say("ask_topic")
        return
    await ctx.clear_dialog()
    await free_text(ctx)


async def _take_contact(ctx: Ctx, data: dict[str, Any]) -> None:
    assert ctx.msg.contact is not None
    try:
        data["phone"] = normalize_phone(ctx.msg.contact.phone)
    except ContactError:
        ctx.reply(t("bad_phone", ctx.lang), request_contact=True)
        return
    if not data.get("name"):
        try:
            data["name"] = normalize_name(ctx.msg.contact.name)
        except ContactError:
            await ctx.set_dialog("name", data)
            ctx.say("ask_name")
            return
    await _next_optional(ctx, data, None)


# -- buttons after resolution -------------------------------------------------------------------------
async def rating_button(ctx: Ctx, payload: str) -> None:
    """rate:CODE:N and reopen:CODE from the answer message."""
    parts = payload.split(":")
    ticket = await lifecycle.get_ticket(ctx.session, parts[1]) if len(parts) >= 2 else None
    if ticket is None or not await _own_ticket(ctx, ticket):
        ctx.say("status_unknown", code=parts[1] if len(parts) > 1 else "")
        return
    score = int(parts[2]) if parts[0] == "rate" and len(parts) == 3 and parts[2].isdigit() else None
    result: bool | None | LifecycleError
    if score is not None:
        result = await ctx.attempt(lambda: lifecycle.rate(ctx.session, ctx.core, ticket, ctx.actor, score))
    else:
        result = await ctx.attempt(lambda: lifecycle.reopen(ctx.session, ctx.core, ticket, ctx.actor, "not_solved"))
    if isinstance(result, LifecycleError):
        ctx.refuse(result)
    elif score is not None:
        ctx.say_about("rated_reopened" if result else "rated", ticket)
    else:
        ctx.say_about("reopened_ack", ticket, due=fmt_date(ticket.answer_due_at))
