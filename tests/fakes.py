"""A local fake of the Telegram Bot API, for end-to-end tests of the real PTB Application.

It listens on 127.0.0.1 on a random port, speaks the Bot API's HTTP protocol (the bot reaches it
through PTB's `base_url`), records every call, serves queued updates to `getUpdates` honouring
`offset`, rejects HTML that Telegram would reject, and answers 429 or 403 on demand.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict, deque
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

TOKEN = "123456789:AAF-fake-token-for-the-local-test-server"
BOT_USER = {"id": 999000, "is_bot": True, "first_name": "cekfakta", "username": "cekfakta_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span",
                "tg-spoiler", "blockquote", "tg-emoji"}
TEXT_FIELDS = {"text", "caption", "parse_mode", "callback_query_id", "language_code", "url", "secret_token",
               "description", "short_description", "name", "ip_address"}
_BAD_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)")


def serve(respond) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1 (random port) in a daemon thread; `respond(request)` answers."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            respond(self)

        do_POST = do_GET

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def send_body(request: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
    """Write one complete HTTP response."""
    request.send_response(status)
    request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        request.send_header(key, value)
    request.end_headers()
    request.wfile.write(body)


class LocalServer:
    """A fake served on 127.0.0.1 at a random port; subclasses answer requests in `respond`."""

    _server: ThreadingHTTPServer | None = None

    def respond(self, request: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    def start(self):
        self._server = serve(self.respond)
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def port(self) -> int:
        return self._server.server_address[1]


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]


class _TelegramHTML(HTMLParser):
    """Checks text the way Telegram's HTML parse mode does: known tags, properly nested."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in ALLOWED_TAGS:
            self.errors.append(f"unsupported start tag {tag!r}")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"can't find end tag corresponding to start tag {self.stack[-1:] or None} at {tag!r}")
        else:
            self.stack.pop()


def html_problem(text: str) -> str | None:
    """Why Telegram would reject `text` in HTML mode, or None."""
    if _BAD_ENTITY.search(text):
        return "unescaped '&'"
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.stack:
        parser.errors.append(f"unclosed tags {parser.stack}")
    return "; ".join(parser.errors) or None


class FakeBotAPI(LocalServer):
    """The fake server. Use `start()`/`stop()`, or the `bot_api` fixture."""

    def __init__(self, token: str = TOKEN):
        self.token = token
        self.calls: list[Call] = []
        self.html_errors: list[str] = []
        self._updates: list[dict[str, Any]] = []
        self._failures: dict[str, deque[tuple[int, str, int | None, int | None]]] = defaultdict(deque)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._chat_types: dict[int, str] = {}
        self._cond = threading.Condition()
        self._next_update = 1
        self._next_message = 5000
        self.outage: str | None = None  # "500": every call answered 500; "drop": connections closed unanswered
        self.flood: tuple[float, int, int] | None = None  # (share of sendMessage answered 429, min, max retry_after)
        self._flood_random = random.Random(9)
        self._paused: dict[str, float] = {}  # chat -> time before which Telegram would penalise a retry
        self.early_retries: list[tuple[str, float]] = []  # (chat, seconds too early)
        self.retry_after_total = 0.0  # the sum of every retry_after answered
        self.flood_answers = 0  # how many calls were answered 429
        self.delay = 0.0  # seconds each sendMessage takes (a slow Bot API)

    @property
    def base_url(self) -> str:
        """What to give PTB as `base_url` (the token is appended to it)."""
        return f"http://127.0.0.1:{self.port}/bot"

    # -- test controls ----------------------------------------------------------------------

    def fail_next(self, method: str, code: int, description: str, retry_after: int | None = None,
                  chat_id: int | None = None) -> None:
        """Answer the next call of `method` (to `chat_id`, if given) with an error (429 with retry_after,
        403, 400, 502...)."""
        with self._cond:
            self._failures[method].append((code, description, retry_after, chat_id))

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates; its update_id is assigned here."""
        with self._cond:
            update = {**update, "update_id": self._next_update}
            self._next_update += 1
            self._remember_incoming(update)
            self._updates.append(update)
            self._cond.notify_all()
        return update

    def remember(self, update: dict[str, Any]) -> None:
        """Record the messages of an update fed to the bot directly (for reply lookups)."""
        with self._cond:
            self._remember_incoming(update)

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """The parameters of every call to `method`, in order."""
        with self._cond:
            return [c.params for c in self.calls if c.method == method]

    def sent(self) -> list[dict[str, Any]]:
        """Every sendMessage call."""
        return self.calls_to("sendMessage")

    def wait_for(self, method: str, count: int = 1, timeout: float = 15) -> list[dict[str, Any]]:
        """Block until `method` was called `count` times; return those calls."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                calls = [c.params for c in self.calls if c.method == method]
                if len(calls) >= count:
                    return calls
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{method} called {len(calls)} times, expected {count}")
                self._cond.wait(remaining)

    async def until(self, method: str, count: int = 1, timeout: float = 15) -> list[dict[str, Any]]:
        """Like `wait_for`, without blocking the event loop the bot runs on."""
        deadline = time.monotonic() + timeout
        while True:
            calls = self.calls_to(method)
            if len(calls) >= count:
                return calls
            if time.monotonic() > deadline:
                raise AssertionError(f"{method} called {len(calls)} times, expected {count}")
            await asyncio.sleep(0.02)

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """A message the server knows (sent by the bot or fed to it)."""
        with self._cond:
            return self._messages.get((chat_id, message_id))

    # -- protocol ---------------------------------------------------------------------------

    def _remember_incoming(self, update: dict[str, Any]) -> None:
        for key in ("message", "edited_message"):
            message = update.get(key)
            if message:
                self._chat_types[message["chat"]["id"]] = message["chat"]["type"]
                self._messages[(message["chat"]["id"], message["message_id"])] = message

    def respond(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            self._reply(request, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        method = path[len(prefix):]
        params = self._params(request)
        if self._disturbed(request, method, params):
            return
        with self._cond:
            self.calls.append(Call(method, params))
            self._cond.notify_all()
            failure = None
            for queued in self._failures[method]:
                if queued[3] is None or str(queued[3]) == str(params.get("chat_id")):
                    failure = queued
                    self._failures[method].remove(queued)
                    break
        if failure:
            code, description, retry_after, _ = failure
            body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
            if retry_after is not None:
                body["parameters"] = {"retry_after": retry_after}
            self._reply(request, code, body)
            return
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            self._reply(request, 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"})
            return
        result = handler(params)
        if isinstance(result, tuple):  # (status, error description)
            self._reply(request, result[0], {"ok": False, "error_code": result[0], "description": result[1]})
        else:
            if isinstance(result, dict) and "message_id" in result:
                params["_message_id"] = result["message_id"]  # which message this call created or edited
            self._reply(request, 200, {"ok": True, "result": result})

    def _disturbed(self, request: BaseHTTPRequestHandler, method: str, params: dict[str, Any]) -> bool:
        """An outage or flood control, when a test asked for one: True when the call was answered so."""
        if method == "getUpdates":
            return False
        if self.outage == "500":
            self._reply(request, 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"})
            return True
        if self.outage == "drop":
            request.close_connection = True  # no response at all: the connection just closes
            return True
        if method == "sendMessage" and self.delay:
            time.sleep(self.delay)
        if method != "sendMessage" or self.flood is None:
            return False
        chat = str(params.get("chat_id"))
        now = time.monotonic()
        with self._cond:
            if now < self._paused.get(chat, 0.0):
                self.early_retries.append((chat, self._paused[chat] - now))
            share, low, high = self.flood
            if self._flood_random.random() >= share:
                return False
            retry_after = self._flood_random.randint(low, high)
            self._paused[chat] = now + retry_after
            self.retry_after_total += retry_after
            self.flood_answers += 1
        self._reply(request, 429, {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after "
                                   f"{retry_after}", "parameters": {"retry_after": retry_after}})
        return True

    def delivered(self) -> list[dict[str, Any]]:
        """sendMessage calls that created a message (not refused)."""
        return [c for c in self.sent() if "_message_id" in c]

    @staticmethod
    def _params(request: BaseHTTPRequestHandler) -> dict[str, Any]:
        length = int(request.headers.get("Content-Length") or 0)
        raw_bytes = request.rfile.read(length) if length else b""
        raw = raw_bytes.decode("utf-8", errors="replace")
        content_type = request.headers.get("Content-Type", "")
        if "json" in content_type:
            return json.loads(raw or "{}")
        if content_type.startswith("multipart/form-data"):
            return _multipart(content_type, raw_bytes)
        params: dict[str, Any] = {}
        for key, values in parse_qs(raw, keep_blank_values=True).items():
            value = values[-1]
            if key not in TEXT_FIELDS:
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            params[key] = value
        return params

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        send_body(request, status, json.dumps(body).encode(), "application/json")

    def _new_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        with self._cond:
            self._next_message += 1
            message: dict[str, Any] = {
                "message_id": self._next_message, "date": int(time.time()), "from": BOT_USER,
                "chat": {"id": chat_id, "type": self._chat_types.get(chat_id, "private" if chat_id > 0 else "group")},
                "text": params.get("text", ""),
            }
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            reply = params.get("reply_parameters") or {}
            original = self._messages.get((chat_id, int(reply["message_id"]))) if reply.get("message_id") else None
            if original:
                message["reply_to_message"] = original
            self._messages[(chat_id, message["message_id"])] = message
        return message

    def _check_text(self, text: str, params: dict[str, Any]) -> tuple[int, str] | None:
        if len(text) > 4096:
            return 400, "Bad Request: message is too long"
        if not text.strip():
            return 400, "Bad Request: message text is empty"
        if params.get("parse_mode") == "HTML":
            problem = html_problem(text)
            if problem:
                self.html_errors.append(problem)
                return 400, f"Bad Request: can't parse entities: {problem}"
        return None

    def _api_getMe(self, params: dict) -> dict:  # noqa: N802
        return BOT_USER

    def _api_getUpdates(self, params: dict) -> list:  # noqa: N802
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), 0.5)
        with self._cond:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and wait:
                self._cond.wait(wait)
            return list(self._updates)

    def _api_sendMessage(self, params: dict) -> dict | tuple:  # noqa: N802
        problem = self._check_text(params.get("text", ""), params)
        return problem or self._new_message(params)

    def _api_editMessageText(self, params: dict) -> dict | tuple:  # noqa: N802
        problem = self._check_text(params.get("text", ""), params)
        if problem:
            return problem
        key = (int(params["chat_id"]), int(params["message_id"]))
        with self._cond:
            message = dict(self._messages.get(key) or {"message_id": key[1], "date": int(time.time()),
                                                        "chat": {"id": key[0], "type": "private"}, "from": BOT_USER})
            message["text"] = params["text"]
            message.pop("reply_markup", None)
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            self._messages[key] = message
        return message

    def _api_editMessageReplyMarkup(self, params: dict) -> dict:  # noqa: N802
        key = (int(params["chat_id"]), int(params["message_id"]))
        with self._cond:
            message = dict(self._messages.get(key) or {"message_id": key[1], "date": int(time.time()),
                                                        "chat": {"id": key[0], "type": "private"}, "from": BOT_USER,
                                                        "text": ""})
            message.pop("reply_markup", None)
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            self._messages[key] = message
        return message

    def _api_sendPhoto(self, params: dict) -> dict:  # noqa: N802
        """Records the photo's bytes under "photo" (multipart upload) and answers with a photo message."""
        message = self._new_message({**params, "text": ""})
        message.pop("text", None)
        message["photo"] = [{"file_id": "photo-1", "file_unique_id": "p1", "width": 1, "height": 1}]
        if params.get("caption"):
            message["caption"] = params["caption"]
        return message

    def _api_answerCallbackQuery(self, params: dict) -> bool:  # noqa: N802
        return True

    def _api_setMyCommands(self, params: dict) -> bool:  # noqa: N802
        return True

    def _api_deleteWebhook(self, params: dict) -> bool:  # noqa: N802
        return True

    def _api_setWebhook(self, params: dict) -> bool:  # noqa: N802
        return True

    def _api_sendChatAction(self, params: dict) -> bool:  # noqa: N802
        return True

    def _api_close(self, params: dict) -> bool:
        return True


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """The fields of a multipart/form-data body: text fields as strings (JSON decoded where not text),
    uploaded files as bytes."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if part.get_filename() is not None:
            params[name] = payload
            continue
        value = payload.decode("utf-8")
        if name not in TEXT_FIELDS:
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        params[name] = value
    return params


# A poll as an older self-hosted Bot API server sends it (without allows_revoting): the library
# cannot read it.
POISON_POLL = {"poll": {"id": "p", "question": "Benar?", "options": [], "total_voter_count": 0, "is_closed": False,
                        "is_anonymous": True, "type": "regular", "allows_multiple_answers": False}}


class Updates:
    """Builds update payloads as Telegram sends them."""

    def __init__(self) -> None:
        self._message_id = 100
        self._callback_id = 0
        self._update_id = 0

    def _update(self, **payload: Any) -> dict[str, Any]:
        self._update_id += 1
        return {"update_id": self._update_id, **payload}

    def _next(self) -> int:
        self._message_id += 1
        return self._message_id

    def message(self, text: str | None = None, user_id: int = 4242, chat_id: int | None = None,
                chat_type: str = "private", edited: bool = False, reply_to: dict | None = None,
                forwarded: bool = False, **content: Any) -> dict[str, Any]:
        """A message update (text, or other content such as sticker=..., caption=...)."""
        user = {"id": user_id, "is_bot": False, "first_name": "Warga"}
        chat_id = chat_id if chat_id is not None else user_id
        chat = {"id": chat_id, "type": chat_type}
        if chat_type != "private":
            chat["title"] = "Grup Warga"
        message: dict[str, Any] = {"message_id": self._next(), "date": int(time.time()), "chat": chat,
                                   "from": user, **content}
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if edited:
            message["edit_date"] = int(time.time())
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if forwarded:
            message["forward_origin"] = {"type": "hidden_user", "sender_user_name": "Grup keluarga",
                                         "date": int(time.time()) - 3600}
        return self._update(**{"edited_message" if edited else "message": message})

    def callback(self, data: str, message: dict[str, Any], user_id: int = 4242) -> dict[str, Any]:
        """A button press on `message` (a message the bot sent, as the fake server returned it)."""
        self._callback_id += 1
        return self._update(callback_query={"id": str(self._callback_id), "chat_instance": "ci",
                                            "from": {"id": user_id, "is_bot": False, "first_name": "Warga"},
                                            "message": message, "data": data})


class LocalSite(LocalServer):
    """A small website on 127.0.0.1 for the link checker: live, missing, moved, slow, huge pages."""

    TITLE = "Sumber Uji &amp; Coba"

    def __init__(self, slow_seconds: float = 3.0, huge_bytes: int = 5_000_000):
        self.slow_seconds = slow_seconds
        self.huge_bytes = huge_bytes
        self.hits: list[str] = []

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def respond(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path
        self.hits.append(path)
        try:
            if path == "/page":
                body = f"<html><head><title>{self.TITLE}</title></head><body>ok</body></html>".encode()
                send_body(request, 200, body, "text/html; charset=utf-8")
            elif path == "/moved":
                send_body(request, 302, b"", "text/plain", headers={"Location": "/page"})
            elif path == "/to-private":
                send_body(request, 302, b"", "text/plain", headers={"Location": "http://10.20.30.40/internal"})
            elif path == "/slow":
                time.sleep(self.slow_seconds)
                send_body(request, 200, b"<title>late</title>", "text/html")
            elif path == "/huge":
                request.send_response(200)
                request.send_header("Content-Type", "text/html")
                request.send_header("Content-Length", str(self.huge_bytes))
                request.end_headers()
                request.wfile.write(b"<html><title>Besar</title>")
                chunk = b"x" * 65536
                sent = 26
                while sent < self.huge_bytes:
                    request.wfile.write(chunk[: self.huge_bytes - sent])
                    sent += len(chunk)
            else:
                send_body(request, 404, b"<title>Not found</title>", "text/html")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the checker stopped reading: that is the point of the size cap


class FakeGraphAPI(LocalServer):
    """A local fake of WhatsApp's Cloud API (Graph API): records every message sent to
    `/<version>/<phone id>/messages` and answers as Meta does, with a new wamid each time."""

    VERSION = "v22.0"

    def __init__(self, phone_id: str = "106540352242922"):
        self.phone_id = phone_id
        self.messages: list[dict[str, Any]] = []
        self.failures: deque[tuple[int, dict[str, Any]]] = deque()
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.VERSION}"

    def fail_next(self, status: int, code: int = 131047, message: str = "Re-engagement message") -> None:
        """The next send is refused with Meta's error body."""
        self.failures.append((status, {"error": {"message": message, "type": "OAuthException", "code": code,
                                                 "fbtrace_id": "Afake"}}))

    def respond(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = json.loads(request.rfile.read(length) or b"{}")
        if request.path != f"/{self.VERSION}/{self.phone_id}/messages" or request.command != "POST":
            send_body(request, 404, b'{"error": {"message": "unknown path", "code": 100}}', "application/json")
            return
        with self._lock:
            if self.failures:
                status, error = self.failures.popleft()
                send_body(request, status, json.dumps(error).encode(), "application/json")
                return
            wamid = f"wamid.FAKE{len(self.messages) + 1:04d}"
            self.messages.append({**body, "_id": wamid})
        answer = {"messaging_product": "whatsapp", "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                  "messages": [{"id": wamid}]}
        send_body(request, 200, json.dumps(answer).encode(), "application/json")

    def texts(self, to: str | None = None) -> list[str]:
        """The bodies of text and interactive messages sent, in order."""
        out = []
        for m in self.messages:
            if to is not None and m.get("to") != to:
                continue
            if m.get("type") == "text":
                out.append(m["text"]["body"])
            elif m.get("type") == "interactive":
                out.append(m["interactive"]["body"]["text"])
            elif m.get("type") == "template":
                out.append(f"template:{m['template']['name']}")
        return out

    async def until(self, count: int, timeout: float = 15) -> list[dict[str, Any]]:
        """Wait until at least `count` messages were sent; returns them all."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} WhatsApp messages, got {len(self.messages)}: "
                                     f"{self.texts()}")
            await asyncio.sleep(0.05)
        return list(self.messages)


def post_webhook(url: str, body: bytes, secret: str | None, tries: int = 100) -> int:
    """POST an update to a bot's webhook as Telegram does (with its secret-token header unless None);
    the HTTP status, once the server is up."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    for _ in range(tries):
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as e:
            return e.code
        except urllib.error.URLError:
            time.sleep(0.1)  # the server is still starting
    raise AssertionError("webhook server did not start")
