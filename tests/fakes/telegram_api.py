"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests and the benchmark.

Bot-facing side: `POST /bot<token>/<method>` with form-encoded (every value a string, non-strings as JSON),
JSON or multipart bodies, answering `{"ok": true, "result": …}` or Telegram-shaped errors
(`{"ok": false, "error_code": N, "description": …, "parameters": {"retry_after": N}}`). getUpdates long-polls;
once a webhook is set, updates are POSTed to it with the secret header instead (and getUpdates answers 409).

Test-facing side (plain Python, same event loop): people and groups, `text`/`photo`/`contact`/`press`
inject updates, `inject` re-sends a raw update (duplicates), `sent`/`to_chat`/`wait_for` read what the bot
sent, `fault` schedules 429/5xx/403 answers, `block` makes a user block the bot, `delete_topic` removes a
forum topic, `chaos` answers a random share of calls with 429/500, `max_per_window` and
`max_group_per_window` measure what reached it against Telegram's flood limits. Strict like Telegram
where it matters: callback_data ≤ 64 bytes, text ≤ 4096, caption ≤ 1024, unknown forum threads, per-chat
message ids.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import itertools
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

JSON_FIELDS = {
    "reply_markup",
    "media",
    "allowed_updates",
    "commands",
    "scope",
    "reply_parameters",
    "entities",
    "caption_entities",
    "link_preview_options",
}
# Methods that never count as "the bot sent something" and are not hit by send faults by default.
CONTROL = {"getMe", "getUpdates", "deleteWebhook", "setWebhook", "getWebhookInfo", "setMyCommands", "logOut"}


@dataclass
class Fault:
    """Answer the next `times` matching calls with an error instead of doing them."""

    method: str  # fnmatch pattern: "sendMessage", "send*", "*"
    status: int
    description: str
    retry_after: int | None = None
    times: int = 1
    chat_id: int | None = None
    hits: int = 0

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if self.times <= 0 or not fnmatch.fnmatchcase(method, self.method):
            return False
        if self.method == "*" and method in CONTROL:
            return False
        return self.chat_id is None or _int(params.get("chat_id")) == self.chat_id


@dataclass
class Chaos:
    """Answer a random share of flood-limited calls with 429 (retry_after) or 500, counting each."""

    rng: random.Random
    p429: float
    p500: float
    retry_after: int = 1
    hits: dict[int, int] = field(default_factory=lambda: {429: 0, 500: 0})

    def draw(self, method: str) -> ApiError | None:
        if method in CONTROL or method == "answerCallbackQuery":
            return None
        roll = self.rng.random()
        if roll < self.p429:
            self.hits[429] += 1
            return ApiError(429, f"Too Many Requests: retry after {self.retry_after}", self.retry_after)
        if roll < self.p429 + self.p500:
            self.hits[500] += 1
            return ApiError(500, "Internal Server Error")
        return None


def max_in_window(times: list[float], seconds: float) -> int:
    """The most of `times` inside any window of `seconds` (half-open, any start)."""
    times = sorted(times)
    best, first = 0, 0
    for last, at in enumerate(times):
        while at - times[first] >= seconds:
            first += 1
        best = max(best, last - first + 1)
    return best


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class ApiError(Exception):
    """A Telegram-shaped error answer."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after


class FakeTelegram:
    """The server plus the test-side API."""

    def __init__(self, token: str = "123456:TEST-token", username: str = "pcibot_test_bot") -> None:
        self.token = token
        self.me = {"id": 900000001, "is_bot": True, "first_name": "PCI Lạng Sơn", "username": username}
        self.url = ""
        self.chats: dict[int, dict[str, Any]] = {}
        self.topics: dict[int, dict[int, dict[str, Any]]] = {}  # chat -> thread id -> creation message
        self.blocked: set[int] = set()
        self.closed_topics: set[tuple[int, int]] = set()  # (chat id, thread id)
        self.calls: list[Call] = []
        self.sent: list[dict[str, Any]] = []  # every message the bot created, in order
        self.faults: list[Fault] = []
        self.chaos: Chaos | None = None
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.answered_callbacks: list[str] = []
        self._updates: list[dict[str, Any]] = []  # not yet confirmed (polling)
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._msg_ids: dict[int, itertools.count[int]] = {}
        self._new = asyncio.Event()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._pusher: asyncio.Task[None] | None = None
        self._push_queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.webhook_deliveries = 0
        self._closing = False

    # -- lifecycle -------------------------------------------------------------------------------------
    async def start(self, port: int = 0) -> str:
        """Listen on 127.0.0.1; returns the base URL (without /bot)."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.url

    async def stop(self) -> None:
        """Stop serving and pushing."""
        self._closing = True
        self._new.set()  # release long polls still waiting
        if self._pusher is not None:
            self._pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pusher
        if self._runner is not None:
            await self._runner.cleanup()

    # -- bot-facing ------------------------------------------------------------------------------------
    async def _params(self, request: web.Request) -> dict[str, Any]:
        ctype = request.content_type
        if ctype == "application/json":
            data = await request.json() if request.can_read_body else {}
            return dict(data or {})
        raw = await request.post() if request.can_read_body else {}
        params: dict[str, Any] = dict(request.query)
        for key, value in raw.items():
            if not isinstance(value, str):  # an uploaded file
                params[key] = {"upload": getattr(value, "filename", "file")}
                continue
            if key in JSON_FIELDS or (value[:1] in "[{" and key not in {"text", "caption"}):
                try:
                    params[key] = json.loads(value)
                    continue
                except ValueError:
                    pass
            params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append(Call(method, params))
        try:
            for fault in self.faults:
                if fault.matches(method, params):
                    fault.times -= 1
                    fault.hits += 1
                    raise ApiError(fault.status, fault.description, fault.retry_after)
            refused = self.chaos.draw(method) if self.chaos is not None else None
            if refused is not None:
                raise refused
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(params)
        except ApiError as err:
            body: dict[str, Any] = {"ok": False, "error_code": err.status, "description": err.description}
            if err.retry_after is not None:
                body["parameters"] = {"retry_after": err.retry_after}
            return web.json_response(body, status=err.status)
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.Response:
        return web.Response(body=b"\x89PNG fake", content_type="application/octet-stream")

    async def _m_getMe(self, p: dict[str, Any]) -> Any:  # noqa: N802 - Bot API method names
        return self.me

    async def _m_logOut(self, p: dict[str, Any]) -> Any:  # noqa: N802
        return True

    async def _m_deleteWebhook(self, p: dict[str, Any]) -> Any:  # noqa: N802
        self.webhook = None
        if str(p.get("drop_pending_updates", "")).lower() == "true":
            self._updates.clear()
        return True

    async def _m_setWebhook(self, p: dict[str, Any]) -> Any:  # noqa: N802
        url = str(p.get("url", ""))
        if not url:
            self.webhook = None
            return True
        self.webhook = {"url": url, "secret": p.get("secret_token"), "allowed": p.get("allowed_updates")}
        if self._pusher is None:
            self._pusher = asyncio.create_task(self._push_loop())
        for update in self._updates:  # updates waiting for getUpdates now go to the webhook
            self._push_queue.put_nowait(update)
        self._updates.clear()
        return True

    async def _m_getWebhookInfo(self, p: dict[str, Any]) -> Any:  # noqa: N802
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates) + self._push_queue.qsize(),
        }

    async def _m_getUpdates(self, p: dict[str, Any]) -> Any:  # noqa: N802
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = _int(p.get("offset")) or 0
        limit = _int(p.get("limit")) or 100
        timeout = float(p.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        while True:
            if offset:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if self._updates or time.monotonic() >= deadline or self._closing:
                return self._updates[:limit]
            self._new.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), timeout=deadline - time.monotonic())

    async def _m_setMyCommands(self, p: dict[str, Any]) -> Any:  # noqa: N802
        given = p.get("scope") or {}
        scope = given.get("type", "default")
        if "chat_id" in given:  # one chat's own menu: "chat:-1001001"
            scope = f"{scope}:{given['chat_id']}"
        lang = p.get("language_code") or ""
        self.commands[f"{scope}:{lang}" if lang else scope] = list(p.get("commands") or [])
        return True

    async def _m_answerCallbackQuery(self, p: dict[str, Any]) -> Any:  # noqa: N802
        self.answered_callbacks.append(str(p.get("callback_query_id")))
        return True

    async def _m_sendChatAction(self, p: dict[str, Any]) -> Any:  # noqa: N802
        return True

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        if isinstance(chat_id, str) and chat_id.startswith("@"):  # a public channel or group by its username
            named = [c for c in self.chats.values() if "@" + str(c.get("username", "")) == chat_id]
            if not named:
                raise ApiError(400, "Bad Request: chat not found")
            return named[0]
        cid = _int(chat_id)
        if cid is None:
            raise ApiError(400, "Bad Request: chat not found")
        if cid in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        chat = self.chats.get(cid)
        if chat is None:
            if cid < 0:
                raise ApiError(400, "Bad Request: chat not found")
            chat = self.chats[cid] = {"id": cid, "type": "private", "first_name": f"user{cid}"}
        return chat

    def _next_id(self, chat_id: int) -> int:
        return next(self._msg_ids.setdefault(chat_id, itertools.count(1)))

    def _check_markup(self, markup: Any) -> None:
        if not markup:
            return
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    def _thread(self, chat: dict[str, Any], p: dict[str, Any]) -> int | None:
        thread = _int(p.get("message_thread_id"))
        if thread is None or not chat.get("is_forum"):
            return None
        if thread not in self.topics.get(chat["id"], {}):
            raise ApiError(400, "Bad Request: message thread not found")
        return thread

    async def _store(
        self, chat: dict[str, Any], thread: int | None, body: dict[str, Any], p: dict[str, Any], method: str
    ) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "message_id": self._next_id(chat["id"]),
            "date": int(time.time()),
            "chat": {k: v for k, v in chat.items() if not k.startswith("_")},
            "from": self.me,
            **body,
        }
        if thread is not None:
            msg["message_thread_id"], msg["is_topic_message"] = thread, True
        markup = p.get("reply_markup")
        if markup and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        elif markup:  # reply keyboards are not echoed back by Telegram; kept for the tests to read
            msg["_keyboard"] = markup
        reply = p.get("reply_parameters")
        if isinstance(reply, dict) and reply.get("message_id"):
            target = self.find(chat["id"], int(reply["message_id"]))
            if target is not None:
                msg["reply_to_message"] = target
        msg["_method"] = method
        self.sent.append(msg)
        async with self._changed:
            self._changed.notify_all()
        return {k: v for k, v in msg.items() if not k.startswith("_")}

    async def _m_sendMessage(self, p: dict[str, Any]) -> Any:  # noqa: N802
        chat = self._chat(p.get("chat_id"))
        text = str(p.get("text", ""))
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        self._check_markup(p.get("reply_markup"))
        return await self._store(chat, self._thread(chat, p), {"text": text}, p, "sendMessage")

    async def _media(self, p: dict[str, Any], kind: str, method: str) -> Any:
        chat = self._chat(p.get("chat_id"))
        caption = str(p.get("caption", "") or "")
        if len(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        self._check_markup(p.get("reply_markup"))
        ref = p.get(kind)
        file_id = ref if isinstance(ref, str) else f"uploaded-{len(self.sent)}"
        body: dict[str, Any] = {kind: _file_obj(kind, file_id)}
        if caption:
            body["caption"] = caption
        return await self._store(chat, self._thread(chat, p), body, p, method)

    async def _m_sendPhoto(self, p: dict[str, Any]) -> Any:  # noqa: N802
        return await self._media(p, "photo", "sendPhoto")

    async def _m_sendDocument(self, p: dict[str, Any]) -> Any:  # noqa: N802
        return await self._media(p, "document", "sendDocument")

    async def _m_sendVideo(self, p: dict[str, Any]) -> Any:  # noqa: N802
        return await self._media(p, "video", "sendVideo")

    async def _m_sendMediaGroup(self, p: dict[str, Any]) -> Any:  # noqa: N802
        chat = self._chat(p.get("chat_id"))
        items = p.get("media") or []
        if not 2 <= len(items) <= 10:
            raise ApiError(400, "Bad Request: wrong number of media in the group")
        thread = self._thread(chat, p)
        group_id = f"mg{len(self.sent)}"
        out = []
        for item in items:
            body: dict[str, Any] = {
                item["type"]: _file_obj(item["type"], str(item["media"])),
                "media_group_id": group_id,
            }
            if item.get("caption"):
                body["caption"] = item["caption"]
            out.append(
                await self._store(chat, thread, body, {"reply_parameters": p.get("reply_parameters")}, "sendMediaGroup")
            )
        return out

    async def _m_editMessageText(self, p: dict[str, Any]) -> Any:  # noqa: N802
        return await self._edit(p, {"text": str(p.get("text", ""))})

    async def _m_editMessageReplyMarkup(self, p: dict[str, Any]) -> Any:  # noqa: N802
        return await self._edit(p, {})

    async def _edit(self, p: dict[str, Any], changes: dict[str, Any]) -> Any:
        chat = self._chat(p.get("chat_id"))
        msg = self.find(chat["id"], _int(p.get("message_id")) or 0)
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        self._check_markup(p.get("reply_markup"))
        new_markup = p.get("reply_markup") or None
        if new_markup and "inline_keyboard" not in new_markup:
            raise ApiError(400, "Bad Request: inline keyboard expected")
        if all(msg.get(k) == v for k, v in changes.items()) and msg.get("reply_markup") == new_markup:
            raise ApiError(400, "Bad Request: message is not modified")
        msg.update(changes)
        msg["edit_date"] = int(time.time())
        if new_markup:
            msg["reply_markup"] = new_markup
        else:
            msg.pop("reply_markup", None)
        return {k: v for k, v in msg.items() if not k.startswith("_")}

    async def _m_deleteMessage(self, p: dict[str, Any]) -> Any:  # noqa: N802
        return True

    async def _m_createForumTopic(self, p: dict[str, Any]) -> Any:  # noqa: N802
        chat = self._chat(p.get("chat_id"))
        if not chat.get("is_forum"):
            raise ApiError(400, "Bad Request: the chat is not a forum")
        name = str(p.get("name", ""))
        if not 1 <= len(name) <= 128:
            raise ApiError(400, "Bad Request: TOPIC_TITLE_EMPTY" if not name else "Bad Request: TOPIC_TITLE_INVALID")
        tid = self._next_id(chat["id"])
        topic = {"message_thread_id": tid, "name": name, "icon_color": 7322096}
        self.topics.setdefault(chat["id"], {})[tid] = {
            "message_id": tid,
            "date": int(time.time()),
            "chat": chat,
            "from": self.me,
            "message_thread_id": tid,
            "forum_topic_created": {"name": name, "icon_color": 7322096},
        }
        return topic

    async def _m_closeForumTopic(self, p: dict[str, Any]) -> Any:  # noqa: N802
        return self._topic_open(p, False)

    async def _m_reopenForumTopic(self, p: dict[str, Any]) -> Any:  # noqa: N802
        return self._topic_open(p, True)

    def _topic_open(self, p: dict[str, Any], is_open: bool) -> bool:
        key = (_int(p.get("chat_id")) or 0, _int(p.get("message_thread_id")) or 0)
        if key[1] not in self.topics.get(key[0], {}):
            raise ApiError(400, "Bad Request: message thread not found")
        if (key in self.closed_topics) != is_open:
            raise ApiError(400, "Bad Request: TOPIC_NOT_MODIFIED")
        (self.closed_topics.discard if is_open else self.closed_topics.add)(key)
        return True

    async def _m_editForumTopic(self, p: dict[str, Any]) -> Any:  # noqa: N802
        return True

    # -- webhook delivery --------------------------------------------------------------------------------
    async def _push_loop(self) -> None:
        async with ClientSession(timeout=ClientTimeout(total=10)) as http:
            while True:
                update = await self._push_queue.get()
                while self.webhook is not None:
                    headers = {}
                    if self.webhook.get("secret"):
                        headers["X-Telegram-Bot-Api-Secret-Token"] = str(self.webhook["secret"])
                    try:
                        async with http.post(self.webhook["url"], json=update, headers=headers) as resp:
                            if resp.status == 200:
                                self.webhook_deliveries += 1
                                break
                    except Exception:  # the bot is restarting: Telegram retries later
                        pass
                    await asyncio.sleep(0.1)

    # -- test side: people, chats, updates -------------------------------------------------------------
    def user(
        self, uid: int, first_name: str = "", language_code: str | None = "vi", last_name: str | None = None
    ) -> dict[str, Any]:
        """A Telegram user (also creates its private chat)."""
        user: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first_name or f"User {uid}"}
        if last_name:
            user["last_name"] = last_name
        if language_code:
            user["language_code"] = language_code
        self.chats.setdefault(uid, {"id": uid, "type": "private", "first_name": user["first_name"]})
        return user

    def group(self, chat_id: int, title: str, forum: bool = False) -> dict[str, Any]:
        """A supergroup (with forum topics when `forum`)."""
        chat: dict[str, Any] = {"id": chat_id, "type": "supergroup", "title": title}
        if forum:
            chat["is_forum"] = True
        self.chats[chat_id] = chat
        return chat

    def channel(self, chat_id: int, username: str, title: str) -> dict[str, Any]:
        """A public channel the bot may post to, known by id and by @username."""
        chat: dict[str, Any] = {"id": chat_id, "type": "channel", "title": title, "username": username}
        self.chats[chat_id] = chat
        return chat

    def inject(self, update: dict[str, Any]) -> dict[str, Any]:
        """Deliver a raw update (the same dict twice = a redelivery)."""
        if self.webhook is not None:
            self._push_queue.put_nowait(update)
        else:
            self._updates.append(update)
            self._new.set()
        return update

    @property
    def unconfirmed(self) -> list[int]:
        """Ids of the updates Telegram still holds for getUpdates (not yet confirmed by an offset)."""
        return [u["update_id"] for u in self._updates]

    def _message(
        self,
        user: dict[str, Any],
        chat: dict[str, Any] | None,
        body: dict[str, Any],
        thread_id: int | None,
        reply_to: dict[str, Any] | None,
    ) -> dict[str, Any]:
        chat = chat or self.chats[user["id"]]
        msg: dict[str, Any] = {
            "message_id": self._next_id(chat["id"]),
            "date": int(time.time()),
            "chat": {k: v for k, v in chat.items() if not k.startswith("_")},
            "from": user,
            **body,
        }
        if thread_id is not None:
            msg["message_thread_id"], msg["is_topic_message"] = thread_id, True
            # In a forum topic, a message that replies to nothing replies to the topic's creation message.
            reply_to = reply_to or self.topics.get(chat["id"], {}).get(thread_id)
        if reply_to is not None:
            msg["reply_to_message"] = {k: v for k, v in reply_to.items() if not k.startswith("_")}
        return msg

    def text(
        self,
        user: dict[str, Any],
        text: str,
        chat: dict[str, Any] | None = None,
        *,
        thread_id: int | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The user types `text` (a /command gets its bot_command entity)."""
        body: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split(" ", 1)[0])}]
        msg = self._message(user, chat, body, thread_id, reply_to)
        return self.inject({"update_id": next(self._update_ids), "message": msg})

    def photo(
        self,
        user: dict[str, Any],
        file_id: str,
        caption: str = "",
        chat: dict[str, Any] | None = None,
        album: str | None = None,
    ) -> dict[str, Any]:
        """The user sends a photo (several sizes, as Telegram does) with an optional caption; `album` = media group."""
        body: dict[str, Any] = {
            "photo": [
                {"file_id": f"{file_id}-small", "file_unique_id": f"u{file_id}s", "width": 90, "height": 90},
                {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 1280, "height": 960},
            ]
        }
        if caption:
            body["caption"] = caption
        if album:
            body["media_group_id"] = album
        return self.inject(
            {"update_id": next(self._update_ids), "message": self._message(user, chat, body, None, None)}
        )

    def document(self, user: dict[str, Any], file_id: str, file_name: str, caption: str = "") -> dict[str, Any]:
        """The user sends a file."""
        body: dict[str, Any] = {
            "document": {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name}
        }
        if caption:
            body["caption"] = caption
        return self.inject(
            {"update_id": next(self._update_ids), "message": self._message(user, None, body, None, None)}
        )

    def contact(self, user: dict[str, Any], phone: str) -> dict[str, Any]:
        """The user taps the contact-sharing button."""
        body = {
            "contact": {
                "phone_number": phone,
                "first_name": user["first_name"],
                "last_name": user.get("last_name", ""),
                "user_id": user["id"],
            }
        }
        return self.inject(
            {"update_id": next(self._update_ids), "message": self._message(user, None, body, None, None)}
        )

    def press(self, user: dict[str, Any], message: dict[str, Any], data: str) -> dict[str, Any]:
        """The user taps the inline button whose callback_data is `data` under a message the bot sent."""
        offered = [
            b.get("callback_data")
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        ]
        if data not in offered:
            raise AssertionError(f"no button {data!r} under message {message.get('message_id')}: {offered}")
        query = {
            "id": str(next(self._callback_ids)),
            "from": user,
            "chat_instance": "ci",
            "data": data,
            "message": {k: v for k, v in message.items() if not k.startswith("_")},
        }
        return self.inject({"update_id": next(self._update_ids), "callback_query": query})

    # -- test side: what the bot did -------------------------------------------------------------------
    def find(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """A message the bot sent, by chat and id."""
        for msg in self.sent:
            if msg["chat"]["id"] == chat_id and msg["message_id"] == message_id:
                return msg
        return self.topics.get(chat_id, {}).get(message_id)

    def to_chat(self, chat_id: int, thread_id: int | None = None) -> list[dict[str, Any]]:
        """Everything the bot sent to a chat (or one forum topic of it)."""
        return [
            m
            for m in self.sent
            if m["chat"]["id"] == chat_id and (thread_id is None or m.get("message_thread_id") == thread_id)
        ]

    async def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10.0, after: int = 0
    ) -> dict[str, Any]:
        """The first sent message (at index ≥ after) matching `predicate`, waiting for it to come."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                for msg in self.sent[after:]:
                    if predicate(msg):
                        return msg
                left = deadline - time.monotonic()
                if left <= 0:
                    recent = [text_of(m)[:80] for m in self.sent[-8:]]
                    raise AssertionError(f"no matching message within {timeout}s; last sent: {recent}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout=left)

    async def next_to(
        self,
        chat_id: int,
        contains: str = "",
        timeout: float = 10.0,
        after: int | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        """The next message to a chat (optionally containing some text) sent after index `after`."""
        return await self.wait_for(
            lambda m: (
                m["chat"]["id"] == chat_id
                and contains in text_of(m)
                and (thread_id is None or m.get("message_thread_id") == thread_id)
            ),
            timeout,
            self.mark if after is None else after,
        )

    @property
    def mark(self) -> int:
        """An index into `sent` to wait for later messages only."""
        return len(self.sent)

    async def settle(self, quiet: float = 0.3, timeout: float = 15.0) -> None:
        """Wait until the bot has sent nothing for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        count = -1
        while time.monotonic() < deadline:
            if count == len(self.sent):
                return
            count = len(self.sent)
            await asyncio.sleep(quiet)

    def fault(
        self,
        method: str,
        status: int,
        description: str = "",
        *,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> Fault:
        """Answer the next `times` calls of `method` (fnmatch pattern) with an error."""
        default = {
            429: "Too Many Requests: retry after {ra}",
            403: "Forbidden: bot was blocked by the user",
            500: "Internal Server Error",
            502: "Bad Gateway",
        }.get(status, "Bad Request: error")
        fault = Fault(method, status, description or default.format(ra=retry_after), retry_after, times, chat_id)
        self.faults.append(fault)
        return fault

    def block(self, user_id: int) -> None:
        """The user blocks the bot: every send to them is 403 from now on."""
        self.blocked.add(user_id)

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        """Someone deletes a forum topic."""
        self.topics.get(chat_id, {}).pop(thread_id, None)

    def limited_calls(self, group: int | None = None) -> list[Call]:
        """Requests that count against Telegram's flood limits (to one chat, or to any), answered or refused."""
        return [
            c
            for c in self.calls
            if c.method not in CONTROL
            and c.method != "answerCallbackQuery"
            and "chat_id" in c.params
            and (group is None or _int(c.params["chat_id"]) == group)
        ]

    def max_per_window(self, seconds: float = 1.0) -> int:
        """The most flood-limited requests Telegram received in any window of `seconds`."""
        return max_in_window([c.at for c in self.limited_calls()], seconds)

    def max_group_per_window(self, seconds: float = 60.0) -> int:
        """The most requests any one group received in any window of `seconds`."""
        by_group: dict[int, list[float]] = {}
        for c in self.limited_calls():
            cid = _int(c.params["chat_id"])
            if cid is not None and cid < 0:
                by_group.setdefault(cid, []).append(c.at)
        return max((max_in_window(times, seconds) for times in by_group.values()), default=0)

    def calls_of(self, method: str) -> list[Call]:
        """Requests of one method."""
        return [c for c in self.calls if c.method == method]


def _file_obj(kind: str, file_id: str) -> Any:
    if kind == "photo":
        return [{"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 1280, "height": 960}]
    return {"file_id": file_id, "file_unique_id": f"u{file_id}"}


def text_of(msg: dict[str, Any]) -> str:
    """A message's text or caption."""
    return str(msg.get("text") or msg.get("caption") or "")


def buttons_of(msg: dict[str, Any]) -> list[str]:
    """The callback_data of every inline button under a message."""
    markup = msg.get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]
