"""The terminal channel: a local chat with the bot; buttons become numbered choices; /as switches identity."""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.history import FileHistory
from prompt_toolkit.patch_stdout import patch_stdout
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Attachment, Button, Contact, Delivery, Incoming, Outgoing, SendResult
from bot.channels.choices import choice_lines, flatten, pick
from storage import delivery, outbox
from storage.models import Agency, Officer

NAME = "console"
log = logging.getLogger(__name__)
HISTORY = Path.home() / ".pcibot_history"
USAGE = "/as enterprise | /as officer <agency_id> | /as head <agency_id> | /as coordinator | /as admin"


class ConsoleChannel:
    """Reads lines from a terminal, prints what the bot sends; one process-wide simulated user at a time."""

    name = NAME

    def __init__(
        self,
        maker: async_sessionmaker[AsyncSession],
        handle: Callable[[Incoming], Awaitable[bool]],
        now: Callable[[], datetime],
        out: TextIO = sys.stdout,
        coordinator_agency: str = "so_tai_chinh",
    ) -> None:
        self.maker = maker
        self.handle = handle
        self.now = now
        self.out = out
        self.coordinator_agency = coordinator_agency
        self.user_id = "enterprise"
        self.chat_id = "enterprise"
        self.is_group = False
        self.buttons: dict[str, list[Button]] = {}
        self.files_dir = Path(tempfile.gettempdir()) / "pcibot-console"

    @property
    def prompt(self) -> str:
        """Who is typing, shown before each input line."""
        return f"[{self.user_id}@{self.chat_id}]> "

    async def start(self) -> None:
        """Nothing to connect to."""

    async def stop(self) -> None:
        """Nothing to close."""

    async def deliver(self, target: Delivery, message: Outgoing) -> SendResult:
        """Print a message with its buttons numbered; remember them for a numeric answer."""
        flat = flatten(message.buttons)
        self.buttons[target.chat_id] = flat
        lines = [f"── {target.chat_id} ──", message.text]
        lines += [self._attachment_line(target, a) for a in message.attachments]
        lines += choice_lines(flat)
        if message.request_contact:
            lines.append("  (/contact <số điện thoại> [họ tên] để chia sẻ số điện thoại)")
        self.out.write("\n".join(lines) + "\n")
        self.out.flush()
        return SendResult(ok=True, message_id=str(target.outbox_id))

    def _attachment_line(self, target: Delivery, attachment: Attachment) -> str:
        """A platform reference by name; a generated image is written to a file and shown as its path."""
        data = attachment.data
        if data is None:
            return f"  📎 {attachment.kind}: {attachment.name or attachment.ref}"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / f"{target.outbox_id}-{attachment.name or 'image.png'}"
        path.write_bytes(data)
        return f"  🖼 {path}"

    async def _switch(self, arg: str) -> None:
        parts = arg.split()
        role = parts[0].lower() if parts else ""
        if role == "enterprise":
            self.user_id, self.chat_id, self.is_group = "enterprise", "enterprise", False
            self.out.write("Đang đóng vai doanh nghiệp.\n")
            return
        if role in {"coordinator", "admin"}:
            agency_id: str | None = self.coordinator_agency if role == "coordinator" else None
        elif role in {"officer", "head"} and len(parts) == 2:
            agency_id = parts[1]
        else:
            self.out.write(f"Cú pháp: {USAGE}\n")
            return
        user = f"{role}-{agency_id}" if agency_id else role
        async with self.maker() as session, session.begin():
            if agency_id is not None:
                agency = await session.get(Agency, agency_id)
                if agency is None:
                    self.out.write(f"Không có cơ quan «{agency_id}». {USAGE}\n")
                    return
                if agency.group_chat_id is None:
                    agency.group_channel, agency.group_chat_id = NAME, f"group-{agency_id}"
                    await outbox.release_held(session, channel=NAME, chat_id=agency.group_chat_id, agency_id=agency_id)
            if await delivery.officer_of_user(session, NAME, user) is None:
                session.add(
                    Officer(
                        channel=NAME,
                        user_id=user,
                        display_name=user,
                        agency_id=agency_id,
                        role=role,
                        active=True,
                        created_at=self.now(),
                    )
                )
        self.user_id, self.chat_id, self.is_group = user, f"group-{agency_id}" if agency_id else "admin", True
        self.out.write(f"Đang đóng vai {role} {agency_id or ''} trong nhóm {self.chat_id}.\n")

    async def _choices(self) -> list[Button]:
        """Buttons last shown in this chat; after a restart, read back from the last message delivered here."""
        if self.chat_id not in self.buttons:
            async with self.maker() as session:
                payload = await outbox.last_sent_payload(session, NAME, self.chat_id)
            self.buttons[self.chat_id] = flatten(Outgoing.from_payload(payload or {}).buttons)
        return self.buttons[self.chat_id]

    def _incoming(self, line: str, choices: list[Button]) -> Incoming:
        text = line.strip()
        contact = None
        button = pick(text, choices)
        if button is not None:
            text = ""
        elif text.startswith("/contact "):
            phone, _, name = text[len("/contact ") :].strip().partition(" ")
            contact, text = Contact(phone=phone, name=name.strip()), ""
        return Incoming(
            channel=NAME,
            user_id=self.user_id,
            chat_id=self.chat_id,
            text=text,
            button=button,
            is_group=self.is_group,
            contact=contact,
            display_name=self.user_id,
        )

    async def feed(self, line: str) -> None:
        """Handle one typed line (identity switches stay local to the console)."""
        head, _, rest = line.strip().partition(" ")
        if head == "/as":  # not /ask
            await self._switch(rest)
            return
        if not head:
            return
        await self.handle(self._incoming(line, await self._choices()))

    async def repl(self, after: Callable[[], Awaitable[None]], session: PromptSession[str] | None = None) -> None:
        """Read lines until EOF; `after` runs after each line (delivers the outbox).

        On a terminal (or with `session`) lines are read by prompt_toolkit: line editing, history in
        ~/.pcibot_history (↑/↓), and log lines printed above the prompt instead of through it.
        """
        self.out.write(f"pcibot — kênh dòng lệnh. {USAGE}. Ctrl-D để thoát.\n")
        if session is None and sys.stdin.isatty() and self.out is sys.stdout:
            session = PromptSession(history=FileHistory(str(HISTORY)))
        lines = self._plain_lines() if session is None else self._edited_lines(session)
        async for line in lines:
            try:
                await self.feed(line)
            except Exception:  # a bug in one handler must not end the session; nothing of it was committed
                log.exception("console input failed")
                self.out.write("Đã có lỗi khi xử lý dòng này; không có thay đổi nào được lưu. Xin thử lại.\n")
            await after()

    async def _plain_lines(self) -> AsyncIterator[str]:
        """Lines of a pipe or file, after printing the prompt."""
        loop = asyncio.get_running_loop()
        while True:
            self.out.write(self.prompt)
            self.out.flush()
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                return
            yield line

    async def _edited_lines(self, session: PromptSession[str]) -> AsyncIterator[str]:
        """Lines typed at a prompt_toolkit prompt; Ctrl-D or Ctrl-C ends the session."""
        with patch_stdout(raw=True), _logs_above_prompt():
            while True:
                try:
                    yield await session.prompt_async(self.prompt)
                except (EOFError, KeyboardInterrupt):
                    return


@contextmanager
def _logs_above_prompt() -> Iterator[None]:
    """Point the log handlers that write to the terminal at patch_stdout's proxy (they keep the stream they got)."""
    moved = []
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream in (sys.__stderr__, sys.__stdout__):
            moved.append((handler, handler.setStream(sys.stderr)))
    try:
        yield
    finally:
        for handler, stream in moved:
            handler.setStream(stream)
