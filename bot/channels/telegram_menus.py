"""Telegram's command menus, one per scope, built from the command table (bot/core/commands.py)."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError

from bot.core.commands import group_menu, menu
from bot.core.i18n import LANGUAGES
from bot.core.notify import working_group_chat
from storage.officers import all_agencies

log = logging.getLogger(__name__)
NAME = "telegram"


def bot_commands(name: str, lang: str = "vi") -> list[BotCommand]:
    """One menu as Telegram commands (descriptions cut to Telegram's 256 characters)."""
    return [BotCommand(command, description[:256]) for command, description in menu(name, lang)]


async def bound_chats(session: AsyncSession, coordinator_agency: str, admins: list[str]) -> list[tuple[str, str]]:
    """(chat id, menu) of every Telegram chat with a menu of its own: agency groups, the working group, admins."""
    chats = [
        (str(a.group_chat_id), group_menu(a.id, coordinator_agency))
        for a in await all_agencies(session)
        if a.group_channel == NAME and a.group_chat_id
    ]
    wg = await working_group_chat(session)
    if wg is not None and wg[0] == NAME:
        chats.append((wg[1], group_menu(None, coordinator_agency)))
    chats += [(who.split(":", 1)[1], "admin") for who in admins if who.startswith(f"{NAME}:")]
    return chats


async def set_chat_menu(bot: Bot, chat_id: str, name: str) -> None:
    """One chat's menu (an agency group's, the working group's, an admin's private chat); a failure is logged."""
    try:
        await bot.set_my_commands(bot_commands(name), scope=BotCommandScopeChat(int(chat_id)))
    except (TelegramError, ValueError) as err:  # menus are a convenience: never block a delivery on them
        log.warning("setMyCommands for chat %s failed: %s", chat_id, err)


async def set_menus(bot: Bot, chats: list[tuple[str, str]]) -> None:
    """Every menu: private chats (vi, en, zh), unbound groups, then each chat of `chats`."""
    for lang in LANGUAGES:
        await bot.set_my_commands(
            bot_commands("private", lang),
            scope=BotCommandScopeAllPrivateChats(),
            language_code=None if lang == "vi" else lang,
        )
    await bot.set_my_commands(bot_commands("setup"), scope=BotCommandScopeAllGroupChats())
    for chat_id, name in chats:
        await set_chat_menu(bot, chat_id, name)
