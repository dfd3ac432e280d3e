"""Networks as configured (`CEKFAKTA_ALLOWED_NETWORKS`): parsed here, without the HTTP client, so that
reading the settings does not load httpx (which only the link checker, `bot.remote`, needs)."""

from __future__ import annotations

import ipaddress

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """Allowed networks from a comma-separated list of CIDRs ("127.0.0.0/8, ::1/128")."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())
