"""The WhatsApp webhook as a route of the bot's own web server (tornado), beside Telegram's webhook,
`/healthz` and `/metrics`, on one port.

pywa's own server integration wants Flask or FastAPI, and would need a second port or a second web
framework; pywa also offers the pieces for a custom server (`webhook_challenge_handler`,
`webhook_update_validator`, `webhook_update_handler`), which this handler calls.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

import tornado.web

from bot.wa.edge import WhatsAppEdge
from bot.web import QuietHandler, Routes

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_BODY = 1 << 20  # bytes; Meta's webhook payloads are a few kilobytes


class WhatsAppWebhook(QuietHandler):
    """GET: Meta's verification handshake; POST: a signed update."""

    SUPPORTED_METHODS = ("GET", "POST")

    def initialize(self, edge: WhatsAppEdge) -> None:
        """Tornado's per-request set-up."""
        self.edge = edge

    async def get(self) -> None:
        """Answer `hub.challenge` when `hub.verify_token` is ours (and `hub.mode` is subscribe); else 403."""
        mode = self.get_query_argument("hub.mode", "")
        token = self.get_query_argument("hub.verify_token", "")
        challenge = self.get_query_argument("hub.challenge", "")
        body, status = await self.edge.client.webhook_challenge_handler(token or None, challenge)
        if mode != "subscribe" or status != HTTPStatus.OK or not token:
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        self.set_header("Content-Type", "text/plain")
        self.write(str(body))

    async def post(self) -> None:
        """Refuse an unsigned or wrongly signed request (403); hand each message or status of a valid one
        to pywa, which calls the edge's handlers. A body that is not JSON is 400; anything pywa cannot read
        is logged and acknowledged."""
        body = self.request.body
        if len(body) > MAX_BODY:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        signature = self.request.headers.get(SIGNATURE_HEADER)
        refused = await self.edge.client.webhook_update_validator(body, signature)
        if refused is not None:
            logger.warning("A WhatsApp webhook request without a valid signature was refused")
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        try:
            data = json.loads(body)
        except ValueError:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        for single in split_update(data):
            try:
                await self.edge.client.webhook_update_handler(single)
            except Exception:  # a poison update is logged once and acknowledged, or Meta repeats it for days
                logger.exception("A WhatsApp update could not be handled")
        self.write("ok")


def split_update(data: object) -> list[bytes]:
    """A webhook body as one body per message or status: Meta may batch several, and pywa reads the
    first of each list only. Anything not shaped like Meta's webhook is dropped here."""
    if not isinstance(data, dict) or not isinstance(data.get("entry"), list):
        return []
    out = []
    for entry in data["entry"]:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes if isinstance(changes, list) else []:
            if not isinstance(change, dict) or not isinstance(change.get("value"), dict) or "field" not in change:
                continue
            value = change["value"]
            items = [(key, item) for key in ("messages", "statuses") if isinstance(value.get(key), list)
                     for item in value[key]]
            singles = [_with_contacts({**value, key: [item]}) for key, item in items] or [value]
            for single in singles:
                out.append(json.dumps({**data, "entry": [{**entry, "changes": [{**change, "value": single}]}]})
                           .encode())
    return out


def routes(edge: WhatsAppEdge, path: str) -> Routes:
    """The webhook route at `path` (CEKFAKTA_WA_PATH), for `bot.web.web_app` or Telegram's server."""
    return [(rf"/{path.strip('/')}/?", WhatsAppWebhook, {"edge": edge})]


def _with_contacts(value: dict) -> dict:
    """pywa 4.5 reads the sender from `contacts` with a business-scoped `user_id`, as Meta sends them since
    2026; older payloads (a status without contacts, a contact without user_id) get the same shape from
    the fields they do have, so that no status or message is dropped."""
    contacts = value.get("contacts")
    if not isinstance(contacts, list) or not contacts:
        status = (value.get("statuses") or [{}])[0]
        message = (value.get("messages") or [{}])[0]
        wa_id = status.get("recipient_id") if isinstance(status, dict) else None
        wa_id = wa_id or (message.get("from") if isinstance(message, dict) else None)
        contacts = [{"wa_id": wa_id}]
    return {**value, "contacts": [{"user_id": None, **c} if isinstance(c, dict) else c for c in contacts]}
