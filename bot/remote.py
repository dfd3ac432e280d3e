"""Checks a source URL a moderator gives: is it live, what is its title. The only httpx caller.

Redirects are followed by hand so that every hop is checked: addresses on private, loopback,
link-local and other non-public networks are refused (unless configured as allowed), so the bot
cannot be used to probe the network it runs in. The connection goes to the very address that was
checked (the host name is resolved once; TLS still verifies the name), so a DNS answer that changes
between the check and the request (DNS rebinding) cannot reach a private address. The whole check,
DNS included, runs inside one timeout; reading stops at a size cap; the title is found by a linear
scan, so no page can make it slow.
"""

from __future__ import annotations

import asyncio
import html
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from bot.errors import UserError
from bot.networks import Network, parse_networks  # noqa: F401  (parse_networks: re-exported for the edge)

TIMEOUT_SECONDS = 5.0
MAX_BYTES = 512 * 1024  # enough for any page's <title>; more is not read
MAX_REDIRECTS = 5
USER_AGENT = "cekfakta-linkcheck/0.1 (+fact-check source verification)"
TITLE_CHARS = 200


@dataclass(frozen=True)
class LinkCheck:
    """What a URL check found. `live` is False for dead links, which a moderator may still keep."""

    url: str
    live: bool
    status: int | None = None
    final_url: str = ""
    title: str = ""
    problem: str = ""  # why it is not live ("404", "timeout", ...), or a note ("truncated")


def is_public(address: str, allowed: Iterable[Network] = ()) -> bool:
    """True for a globally routable address, or one inside an explicitly allowed network."""
    ip = ipaddress.ip_address(address)
    if any(ip in network for network in allowed):
        return True
    return ip.is_global and not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                                 or ip.is_reserved or ip.is_unspecified)


class LinkChecker:
    """Checks URLs with one shared `httpx.AsyncClient` (created once by the caller)."""

    def __init__(self, client: httpx.AsyncClient, allowed_networks: Iterable[Network] = (),
                 timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_BYTES):
        self.client = client
        self.allowed = tuple(allowed_networks)
        self.timeout = timeout
        self.max_bytes = max_bytes

    async def check(self, url: str) -> LinkCheck:
        """Fetch `url` (following redirects); raise UserError when the address is refused or invalid."""
        try:
            return await asyncio.wait_for(self._fetch(url), self.timeout)
        except (TimeoutError, httpx.TimeoutException):
            return LinkCheck(url, False, problem="timeout")
        except httpx.HTTPError as e:
            return LinkCheck(url, False, problem=type(e).__name__)

    async def _vetted_address(self, url: str) -> str:
        """The one address `url`'s host resolves to that the request will use; UserError when the URL is
        invalid, does not resolve, or any of its addresses is not public."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UserError("mod.url_invalid")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            infos = await asyncio.get_running_loop().getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError, ValueError):
            raise UserError("mod.url_unresolvable", host=parts.hostname) from None
        addresses = [str(info[4][0]) for info in infos]
        if not addresses:
            raise UserError("mod.url_unresolvable", host=parts.hostname)
        for address in addresses:
            if not is_public(address, self.allowed):
                raise UserError("mod.url_private", host=parts.hostname)
        return addresses[0]

    async def _fetch(self, url: str) -> LinkCheck:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            address = await self._vetted_address(current)
            parts = urlsplit(current)
            host = f"[{address}]" if ":" in address else address
            netloc = f"{host}:{parts.port}" if parts.port else host
            pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
            request = self.client.build_request(
                "GET", pinned, headers={"User-Agent": USER_AGENT, "Host": parts.netloc.rpartition("@")[2]},
                extensions={"sni_hostname": parts.hostname})
            response = await self.client.send(request, stream=True, follow_redirects=False)
            try:
                if response.is_redirect and response.headers.get("location"):
                    current = urljoin(current, response.headers["location"])
                    continue
                body, truncated = await self._read(response)
                title = ""
                if "html" in response.headers.get("content-type", ""):
                    title = find_title(body.decode(response.encoding or "utf-8", errors="replace"))
                live = response.status_code < 400
                problem = "" if live else str(response.status_code)
                if live and truncated:
                    problem = "truncated"
                return LinkCheck(url, live, response.status_code, current, title, problem)
            finally:
                await response.aclose()
        return LinkCheck(url, False, final_url=current, problem="too many redirects")

    async def _read(self, response: httpx.Response) -> tuple[bytes, bool]:
        chunks, size = [], 0
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size >= self.max_bytes:
                return b"".join(chunks)[: self.max_bytes], True
        return b"".join(chunks), False


def find_title(page: str) -> str:
    """The text of a page's first <title>, found by a linear scan (no backtracking regex)."""
    lower = page.lower()
    start = lower.find("<title")
    while start != -1 and lower[start + 6: start + 7] not in (">", " ", "\t", "\n", "\r", "/"):
        start = lower.find("<title", start + 6)  # "<titlex>" is another tag
    if start == -1:
        return ""
    opened = lower.find(">", start)
    if opened == -1:
        return ""
    end = lower.find("</title", opened + 1)
    if end == -1:
        return ""
    return " ".join(html.unescape(page[opened + 1: end]).split())[:TITLE_CHARS]
