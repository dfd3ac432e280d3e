"""Settings, read from environment variables once at start-up."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_config_dir, user_data_dir

from bot.errors import ConfigError

DEFAULT_BOT_API_URL = "https://api.telegram.org/bot"
_TOKEN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,100}$")


def default_db_path() -> Path:
    """The database file in the user's data folder."""
    return Path(user_data_dir("cekfakta", appauthor=False)) / "cekfakta.db"


def default_key_file() -> Path:
    """The secret key file in the user's configuration folder (never beside the database)."""
    return Path(user_config_dir("cekfakta", appauthor=False)) / "secret.key"


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with defaults. See the README's configuration table."""

    token: str = ""
    db_path: Path = field(default_factory=default_db_path)
    knowledge_dir: Path | None = None  # None: the bundled knowledge files
    lang: str = "id"
    bot_api_url: str = DEFAULT_BOT_API_URL
    salt: str = ""
    owner_ids: frozenset[int] = frozenset()
    review: str = "single"
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str = ""
    allowed_networks: str = ""  # CIDRs source URLs may point into despite being private (tests: 127.0.0.0/8)
    timezone: str = "Asia/Makassar"  # the newsroom's clock (NTT: WITA, UTC+8) for times shown to moderators
    draft_timeout: float = 30 * 60  # seconds of silence after which a /tambah or /ubah conversation pauses
    # -- load, faults and privacy (issue 9); see `hardening_settings` ------------------------------
    key_file: Path = field(default_factory=default_key_file)  # secret for hashes and chat-id encryption
    send_deadline: float = 60.0  # seconds a reply or notice is retried (flood control, 5xx, dropped link)
    send_rate: float = 30.0  # messages a second to Telegram overall (its documented limit)
    flood_limit: int = 20  # messages a citizen may send a minute; 0: no limit (moderators are never limited)
    keep_queries_days: float = 90.0  # query statistics
    keep_feedback_days: float = 180.0  # 👍/👎
    keep_questions_days: float = 30.0  # texts of answered or dismissed questions
    keep_deliveries_days: float = 30.0  # which chat got which fact (for corrections)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read settings from `env` (default: the process environment)."""
        env = dict(os.environ if env is None else env)
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        lang = env.get("CEKFAKTA_LANG", "id").strip() or "id"
        if lang not in ("id", "en"):
            raise ConfigError("CEKFAKTA_LANG must be 'id' or 'en'")
        review = env.get("CEKFAKTA_REVIEW", "single").strip() or "single"
        if review not in ("single", "two-person"):
            raise ConfigError("CEKFAKTA_REVIEW must be 'single' or 'two-person'")
        try:
            owners = frozenset(int(x) for x in re.split(r"[,\s]+", env.get("CEKFAKTA_OWNER_IDS", "")) if x)
            port = int(env.get("CEKFAKTA_WEBHOOK_PORT", "8443"))
        except ValueError as e:
            raise ConfigError(f"not a number: {e}") from None
        zone = env.get("CEKFAKTA_TIMEZONE", "").strip() or "Asia/Makassar"
        try:
            ZoneInfo(zone)
        except (ValueError, ZoneInfoNotFoundError):
            raise ConfigError(f"CEKFAKTA_TIMEZONE: unknown time zone {zone!r} (e.g. Asia/Makassar)") from None
        try:
            draft_minutes = float(env.get("CEKFAKTA_DRAFT_TIMEOUT_MINUTES", "30"))
        except ValueError:
            raise ConfigError("CEKFAKTA_DRAFT_TIMEOUT_MINUTES must be a number of minutes") from None
        knowledge = env.get("CEKFAKTA_KNOWLEDGE", "").strip()
        try:
            from bot.remote import parse_networks

            parse_networks(env.get("CEKFAKTA_ALLOWED_NETWORKS", ""))
        except ValueError as e:
            raise ConfigError(f"CEKFAKTA_ALLOWED_NETWORKS: {e}") from None
        return cls(
            token=token,
            db_path=Path(env["CEKFAKTA_DB"]).expanduser() if env.get("CEKFAKTA_DB") else default_db_path(),
            knowledge_dir=Path(knowledge).expanduser() if knowledge else None,
            lang=lang,
            bot_api_url=env.get("CEKFAKTA_BOT_API_URL", "").strip() or DEFAULT_BOT_API_URL,
            salt=env.get("CEKFAKTA_SALT", ""),
            owner_ids=owners,
            review=review,
            webhook_url=env.get("CEKFAKTA_WEBHOOK_URL", "").strip(),
            webhook_listen=env.get("CEKFAKTA_WEBHOOK_LISTEN", "127.0.0.1").strip(),
            webhook_port=port,
            webhook_secret=env.get("CEKFAKTA_WEBHOOK_SECRET", ""),
            allowed_networks=env.get("CEKFAKTA_ALLOWED_NETWORKS", "").strip(),
            timezone=zone,
            draft_timeout=max(draft_minutes, 1) * 60,
            **hardening_settings(env),
        )

    def check_token(self) -> None:
        """Raise ConfigError unless the token looks like one @BotFather issues."""
        if not _TOKEN.match(self.token):
            raise ConfigError("TELEGRAM_BOT_TOKEN is malformed: expected '<digits>:<35 characters>' "
                              "as given by @BotFather")



def _positive(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise ConfigError(f"{name} must be a number") from None
    if not value >= 0 or value == float("inf"):
        raise ConfigError(f"{name} must be zero or more")
    return value


def hardening_settings(env: dict[str, str]) -> dict[str, Any]:
    """The settings of issue 9 (delivery, flood limit, retention, the key file), read from `env`."""
    key_file = env.get("CEKFAKTA_KEY_FILE", "").strip()
    return {
        "key_file": Path(key_file).expanduser() if key_file else default_key_file(),
        "send_deadline": _positive(env, "CEKFAKTA_SEND_DEADLINE_SECONDS", 60.0),
        "send_rate": _positive(env, "CEKFAKTA_SEND_RATE", 30.0),
        "flood_limit": int(_positive(env, "CEKFAKTA_FLOOD_LIMIT", 20)),
        "keep_queries_days": _positive(env, "CEKFAKTA_KEEP_QUERIES_DAYS", 90),
        "keep_feedback_days": _positive(env, "CEKFAKTA_KEEP_FEEDBACK_DAYS", 180),
        "keep_questions_days": _positive(env, "CEKFAKTA_KEEP_QUESTIONS_DAYS", 30),
        "keep_deliveries_days": _positive(env, "CEKFAKTA_KEEP_DELIVERIES_DAYS", 30),
    }
