"""The Telegram side of `cekfakta health --bot-api`: does the Bot API answer for this token?"""

from __future__ import annotations

from bot.health import Health


async def check_bot_api(token: str, base_url: str, timeout: float = 10.0) -> Health:
    """Ask the Bot API who the bot is (getMe)."""
    from telegram import Bot
    from telegram.error import InvalidToken, TelegramError
    from telegram.request import HTTPXRequest

    request = HTTPXRequest(connect_timeout=timeout, read_timeout=timeout)
    try:
        async with Bot(token, base_url=base_url, request=request) as bot:
            return Health(True, f"Bot API ok: @{bot.username}")
    except InvalidToken:
        return Health(False, "Telegram rejected TELEGRAM_BOT_TOKEN (revoked or mistyped?)")
    except TelegramError as e:
        return Health(False, f"cannot reach the Bot API at {base_url}: {e}")
