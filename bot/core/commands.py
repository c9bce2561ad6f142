"""The one command table: who may use each command, where, and what it does; /help and the chat menus read it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.i18n import t

BUSINESS = "business"
OFFICERS = frozenset({"officer", "head"})
STAFF = frozenset({"officer", "head", "coordinator", "admin"})
HANDLERS = frozenset({"officer", "head", "coordinator"})  # who acts on tickets (authz.can_act)
ADMINS = frozenset({"coordinator", "admin"})  # authz.can_administer
ROLES = (BUSINESS, "officer", "head", "coordinator", "admin")
PRIVATE, GROUP, SETUP = "private", "group", "setup"  # SETUP: a group not yet bound to an agency


@dataclass(frozen=True)
class Command:
    """One slash command: its name (no slash), the roles that may use it, the chats it works in, its arguments."""

    name: str
    roles: frozenset[str]
    chats: frozenset[str]
    args: str = ""  # shown after the name in /help, e.g. "MÃ nội dung"

    def description(self, lang: str) -> str:
        """What the command does (businesses' commands in their language, staff commands in Vietnamese)."""
        key = f"cmd_{self.name}" if BUSINESS in self.roles else f"off_cmd_{self.name}"
        return t(key, lang)


def _c(name: str, roles: frozenset[str] | set[str], chats: set[str], args: str = "") -> Command:
    return Command(name, frozenset(roles), frozenset(chats), args)


COMMANDS: tuple[Command, ...] = (
    _c("start", {BUSINESS}, {PRIVATE}),
    _c("new", {BUSINESS}, {PRIVATE}),
    _c("status", {BUSINESS}, {PRIVATE, GROUP}, "[LS-XXXXXX]"),
    _c("cancel", {BUSINESS} | HANDLERS, {PRIVATE, GROUP}),
    _c("lang", {BUSINESS}, {PRIVATE}, "vi|en|zh"),
    _c("link", {BUSINESS}, {PRIVATE}, "[mã]"),
    _c("inbox", STAFF, {GROUP, PRIVATE}),
    _c("show", STAFF, {GROUP, PRIVATE}, "MÃ"),
    _c("take", HANDLERS, {GROUP}, "MÃ"),
    _c("reply", HANDLERS, {GROUP}, "MÃ [MÃ …] nội dung"),
    _c("ask", HANDLERS, {GROUP}, "MÃ câu hỏi"),
    _c("resolve", HANDLERS, {GROUP}, "MÃ [tiep_thu|nghien_cuu|khong_tiep_thu] nội dung"),
    _c("transfer", HANDLERS, {GROUP}, "MÃ mã_cơ_quan lý do"),
    _c("extend", HANDLERS, {GROUP}, "MÃ số_ngày lý do"),
    _c("reject", HANDLERS, {GROUP}, "MÃ lý do"),
    _c("note", HANDLERS, {GROUP}, "MÃ nội dung"),
    _c("clusters", STAFF, {GROUP, PRIVATE}, "[YYYY-MM-DD]"),
    _c("assign", ADMINS, {GROUP, PRIVATE}, "MÃ mã_cơ_quan [mã_lĩnh_vực]"),
    _c("hide", {"coordinator"}, {GROUP, PRIVATE}, "MÃ lý do"),
    _c("unhide", {"coordinator"}, {GROUP, PRIVATE}, "MÃ"),
    _c("overdue", ADMINS, {GROUP, PRIVATE}),
    _c("stats", ADMINS, {GROUP, PRIVATE}),
    _c("digest", ADMINS, {GROUP, PRIVATE}, "[YYYY-Www] [nhom]"),
    _c("invite", ADMINS, {PRIVATE, GROUP}, "mã_cơ_quan [officer|head]"),
    _c("agencies", ADMINS, {PRIVATE, GROUP}),
    _c("officers", ADMINS, {PRIVATE, GROUP}, "[mã_cơ_quan]"),
    _c("bindagency", ADMINS, {GROUP, SETUP}, "mã_cơ_quan"),
    _c("bindworkinggroup", ADMINS, {GROUP, SETUP}),
    _c("join", OFFICERS, {GROUP, SETUP}, "mã_mời"),
    _c("help", frozenset(ROLES), {PRIVATE, GROUP, SETUP}),
)
BY_NAME = {c.name: c for c in COMMANDS}

# The Telegram menus: the roles a chat's menu is for, and which kind of chat it is.
MENUS: dict[str, tuple[frozenset[str], str]] = {
    "private": (frozenset({BUSINESS}), PRIVATE),  # every private chat (businesses), in vi, en and zh
    "admin": (frozenset({"admin"}), PRIVATE),  # an admin's private chat
    "agency": (OFFICERS, GROUP),  # an agency's bound group
    "coordinator": (frozenset({"coordinator"}), GROUP),  # the coordinator agency's group and the working group
    "setup": (frozenset({"admin", "officer"}), SETUP),  # any other group: what binds it, and /join
}


def commands_for(roles: str | frozenset[str], chat: str) -> list[Command]:
    """The commands any of `roles` may use in a kind of chat, in table order."""
    wanted = frozenset({roles}) if isinstance(roles, str) else roles
    return [c for c in COMMANDS if wanted & c.roles and chat in c.chats]


def menu(name: str, lang: str = "vi") -> list[tuple[str, str]]:
    """(command, description) pairs of one chat menu (see MENUS)."""
    roles, chat = MENUS[name]
    return [(c.name, c.description(lang)) for c in commands_for(roles, chat)]


def group_menu(agency_id: str | None, coordinator_agency: str) -> str:
    """The menu of a group bound to an agency (None: the working group)."""
    return "agency" if agency_id not in (None, coordinator_agency) else "coordinator"


def _lines(commands: list[Command], lang: str) -> list[str]:
    return [f"• {f'/{c.name} {c.args}'.rstrip()} — {c.description(lang)}" for c in commands]


def help_text(role: str, in_group: bool, lang: str = "vi") -> str:
    """/help for a role (BUSINESS for anyone who is not staff) in a private chat or a group: its own commands."""
    if role == BUSINESS and not in_group:
        return "\n".join([t("help", lang), *_lines(commands_for(BUSINESS, PRIVATE), lang), t("help_footer", lang)])
    if role == BUSINESS:  # not staff, in a group: how to become an officer here
        return "\n".join([t("off_help_guest", "vi"), *_lines(commands_for(OFFICERS, SETUP), "vi")])
    chat = GROUP if in_group else PRIVATE
    return "\n".join([t(f"off_help_{role}", "vi"), *_lines(commands_for(role, chat), "vi"), t("off_help_footer", "vi")])


MENU_AUDIENCE = "menu:"  # an outbox row confirming a chat binding: its chat's menu is set before it is sent


def menu_audience(name: str) -> str:
    """The outbox audience of a message that also sets its chat's menu (see MENUS)."""
    return MENU_AUDIENCE + name


def menu_of(audience: str) -> str | None:
    """The menu an outbox row's audience asks for, if any."""
    name = audience.removeprefix(MENU_AUDIENCE)
    return name if audience.startswith(MENU_AUDIENCE) and name in MENUS else None
