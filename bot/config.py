"""Settings, read once at start-up from the environment and an optional `.env` file.

Every variable is listed in `VARIABLES` (name, default, meaning): `cekfakta --help`, `.env.example`
and the README's table are checked against it by the tests. A bad value raises `ConfigError` naming
the variable, never a bare "invalid literal".

Why not pydantic-settings: it would bring pydantic and its compiled core for what is here a dozen
string fields; it merges keyword arguments with the environment (so `Settings(db_path=...)` in a test
would silently read the developer's `.env`); owner ids and CIDR lists need custom parsing all the
same; and its multi-line validation errors would still need translating into one line per variable.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_config_dir, user_data_dir

from bot.errors import ConfigError

DEFAULT_BOT_API_URL = "https://api.telegram.org/bot"
DEFAULT_WA_API_URL = "https://graph.facebook.com/v22.0"  # the Graph API version this edge was tested with
DEFAULT_TIMEZONE = "Asia/Makassar"  # WITA (UTC+8): Nusa Tenggara Timur's time zone
ENV_FILE = ".env"
PREFIX = "CEKFAKTA_"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("text", "json")
_TOKEN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,100}$")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Variable:
    """One environment variable: its name, its default as documented, and what it means."""

    name: str
    default: str
    meaning: str


VARIABLES: tuple[Variable, ...] = (
    Variable("TELEGRAM_BOT_TOKEN", "(none)", "the bot's token from @BotFather; `cekfakta run` needs it or the "
             "WhatsApp variables (`CEKFAKTA_WA_*`), and `cekfakta` without either opens the console chat"),
    Variable("CEKFAKTA_DB", "user data folder", "the SQLite database; created and seeded on first use"),
    Variable("CEKFAKTA_KNOWLEDGE", "the bundled `knowledge/`",
             "knowledge folder imported on first use and whenever its files change"),
    Variable("CEKFAKTA_LANG", "id", "default reply language, `id` or `en`"),
    Variable("CEKFAKTA_SALT", "(the key file)", "secret from which the hashes of user ids and the key that "
             "encrypts chat ids are derived; never stored in the database"),
    Variable("CEKFAKTA_KEY_FILE", "configuration folder, e.g. `~/.config/cekfakta/secret.key`",
             "without `CEKFAKTA_SALT`, the secret is read from (or created in) this file, mode 600"),
    Variable("CEKFAKTA_BOT_API_URL", DEFAULT_BOT_API_URL, "Bot API server (the token is appended), "
             "e.g. a self-hosted one at `http://127.0.0.1:8081/bot`"),
    Variable("CEKFAKTA_WEBHOOK_URL", "(none: long polling)", "public webhook URL; same as `run --webhook-url`"),
    Variable("CEKFAKTA_WEBHOOK_LISTEN", "127.0.0.1", "address the web server (webhook, `/healthz`, "
             "`/metrics`) binds; the container image sets `0.0.0.0`"),
    Variable("CEKFAKTA_WEBHOOK_PORT", "8443", "port of the webhook server (`run --port`)"),
    Variable("CEKFAKTA_WEBHOOK_SECRET", "(random at each start)", "secret token Telegram must send with each "
             "webhook request; only from the environment, since a command line is visible to every user in `ps`"),
    Variable("CEKFAKTA_METRICS_PORT", "0 (off)", "with Telegram's long polling, the web server's port (`/metrics`, "
             "`/healthz`, and WhatsApp's webhook when configured); 0: no web server, unless WhatsApp needs one, "
             "then on `CEKFAKTA_WEBHOOK_PORT`. A Telegram webhook or WhatsApp alone always uses "
             "`CEKFAKTA_WEBHOOK_PORT`"),
    Variable("CEKFAKTA_OWNER_IDS", "(none)", "comma-separated Telegram user ids of the owners, who manage moderators"),
    Variable("CEKFAKTA_REVIEW", "single", "`single`: a moderator's change is served at once; "
             "`two-person`: it waits for a second moderator"),
    Variable("CEKFAKTA_ALLOWED_NETWORKS", "(none)", "CIDRs that source URLs may point into although private"),
    Variable("CEKFAKTA_LOG_LEVEL", "INFO", "`DEBUG` (adds message texts), `INFO`, `WARNING` or `ERROR`"),
    Variable("CEKFAKTA_LOG_FORMAT", "text", "`text`, or `json`: one JSON object a line (`--log-format`)"),
    Variable("CEKFAKTA_TIMEZONE", DEFAULT_TIMEZONE, "IANA time zone of the newsroom: times shown to moderators, "
             "the default \"as of\" date of a new fact, log timestamps, the chart's days and the digest's time"),
    Variable("CEKFAKTA_DRAFT_TIMEOUT_MINUTES", "30", "minutes of silence after which a `/tambah` or `/ubah` "
             "conversation closes (the draft is kept for `/lanjut`)"),
    Variable("CEKFAKTA_PUBLIC_URL", "(none)", "base URL where `kb publish` output is served; fact pages, "
             "ClaimReview `url` and share links are built on it"),
    Variable("CEKFAKTA_PUBLISHER", "cekfakta", "the fact-checking organisation named as ClaimReview author "
             "and on the public pages"),
    Variable("CEKFAKTA_DIGEST_TIME", "(none: off)", "local time (`HH:MM`) of the daily digest of spikes in "
             "unanswered words, sent to moderators"),
    Variable("CEKFAKTA_DIGEST_MIN", "5", "a word is a spike when asked unanswered at least this often in a day "
             "and three times its usual daily count"),
    Variable("CEKFAKTA_SEND_DEADLINE_SECONDS", "60", "how long a reply or notice is retried through flood "
             "control, server errors and dropped connections"),
    Variable("CEKFAKTA_SEND_RATE", "30", "messages a second sent to Telegram in all (its documented limit)"),
    Variable("CEKFAKTA_FLOOD_LIMIT", "20", "messages a citizen may send a minute before being asked to slow down; "
             "0 for no limit (moderators are never limited)"),
    Variable("CEKFAKTA_KEEP_QUERIES_DAYS", "90", "days the query statistics are kept"),
    Variable("CEKFAKTA_KEEP_FEEDBACK_DAYS", "180", "days 👍/👎 votes are kept"),
    Variable("CEKFAKTA_KEEP_QUESTIONS_DAYS", "30", "days the text of an answered or dismissed question is kept"),
    Variable("CEKFAKTA_KEEP_DELIVERIES_DAYS", "30", "days the record of which chat got which fact is kept "
             "(for corrections)"),
    Variable("CEKFAKTA_WA_TOKEN", "(none: no WhatsApp)", "WhatsApp Cloud API access token (a system user's "
             "permanent token); with `CEKFAKTA_WA_PHONE_ID` it turns the WhatsApp edge on"),
    Variable("CEKFAKTA_WA_PHONE_ID", "(none)", "the WhatsApp business phone number id (not the number itself)"),
    Variable("CEKFAKTA_WA_VERIFY_TOKEN", "(none)", "a string you choose and also enter in Meta's webhook settings; "
             "answered in the GET verification handshake"),
    Variable("CEKFAKTA_WA_APP_SECRET", "(none)", "the Meta app's secret: every webhook POST must carry its "
             "`X-Hub-Signature-256`, else 403"),
    Variable("CEKFAKTA_WA_NOTICE_TEMPLATE", "(none)", "approved template (`name` or `name:language`, e.g. "
             "`cekfakta_update:id`) for notices to someone who last wrote over 24 hours ago; without it such "
             "notices are recorded undeliverable"),
    Variable("CEKFAKTA_WA_PATH", "/whatsapp", "path of the WhatsApp webhook on the web server"),
    Variable("CEKFAKTA_WA_API_URL", DEFAULT_WA_API_URL, "Graph API base URL with its version (v22.0, the one "
             "this edge was tested with; change it when Meta retires that version); tests point it at a local fake"),
    Variable("CEKFAKTA_ENV_FILE", ".env", "file of `NAME=value` lines read before the environment "
             "(the environment wins); a missing default file is ignored"),
)
KNOWN = frozenset(v.name for v in VARIABLES)


def default_db_path() -> Path:
    """The database file in the user's data folder."""
    return Path(user_data_dir("cekfakta", appauthor=False)) / "cekfakta.db"


def default_key_file() -> Path:
    """The secret key file in the user's configuration folder (never beside the database)."""
    return Path(user_config_dir("cekfakta", appauthor=False)) / "secret.key"


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with defaults. See `VARIABLES` and the README's configuration table."""

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
    metrics_port: int = 0  # polling mode: 0 = no metrics server
    log_level: str = "INFO"
    log_format: str = "text"
    timezone: str = DEFAULT_TIMEZONE
    public_url: str = ""  # without a trailing slash
    publisher: str = "cekfakta"
    digest_time: str = ""  # "HH:MM" local time; "" = no digest
    digest_min: int = 5
    draft_timeout: float = 30 * 60  # seconds of silence after which a /tambah or /ubah conversation pauses
    unknown: tuple[str, ...] = ()  # CEKFAKTA_* variables that mean nothing (typos), for a warning
    # -- load, faults and privacy (issue 9); see `hardening_settings` ------------------------------
    key_file: Path = field(default_factory=default_key_file)  # secret for hashes and chat-id encryption
    send_deadline: float = 60.0  # seconds a reply or notice is retried (flood control, 5xx, dropped link)
    send_rate: float = 30.0  # messages a second to Telegram overall (its documented limit)
    flood_limit: int = 20  # messages a citizen may send a minute; 0: no limit (moderators are never limited)
    keep_queries_days: float = 90.0  # query statistics
    keep_feedback_days: float = 180.0  # 👍/👎
    keep_questions_days: float = 30.0  # texts of answered or dismissed questions
    keep_deliveries_days: float = 30.0  # which chat got which fact (for corrections)
    # -- WhatsApp (issue 11); see `whatsapp_settings` ----------------------------------------------
    wa_token: str = ""
    wa_phone_id: str = ""
    wa_verify_token: str = ""
    wa_app_secret: str = ""
    wa_notice_template: str = ""  # "name" or "name:language"
    wa_path: str = "/whatsapp"
    wa_api_url: str = DEFAULT_WA_API_URL

    @property
    def whatsapp(self) -> bool:
        """Whether the WhatsApp edge is configured (a token and a phone number id)."""
        return bool(self.wa_token and self.wa_phone_id)

    def check_whatsapp(self) -> None:
        """Raise ConfigError when WhatsApp is half-configured: no webhook may run without its secrets."""
        if not self.whatsapp:
            return
        missing = [name for name, value in (("CEKFAKTA_WA_VERIFY_TOKEN", self.wa_verify_token),
                                            ("CEKFAKTA_WA_APP_SECRET", self.wa_app_secret)) if not value]
        if missing:
            raise ConfigError(f"{' and '.join(missing)} must be set for the WhatsApp webhook "
                              "(CEKFAKTA_WA_TOKEN is set)")

    @property
    def tz(self) -> ZoneInfo:
        """The configured time zone."""
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
        """Read settings from `env` (default: the `.env` file overlaid by the process environment)."""
        if env is None:
            env = read_environment(os.environ, env_file)
        env = dict(env)
        lang = _choice(env, "CEKFAKTA_LANG", ("id", "en"), "id")
        review = _choice(env, "CEKFAKTA_REVIEW", ("single", "two-person"), "single")
        owners = set()
        for item in re.split(r"[,\s]+", env.get("CEKFAKTA_OWNER_IDS", "")):
            if item:
                if not item.isascii() or not item.isdigit() or int(item) <= 0 or int(item) >= 2**63:
                    raise ConfigError(f"CEKFAKTA_OWNER_IDS: {item!r} is not a Telegram user id")
                owners.add(int(item))
        try:
            from bot.networks import parse_networks

            parse_networks(env.get("CEKFAKTA_ALLOWED_NETWORKS", ""))
        except ValueError as e:
            raise ConfigError(f"CEKFAKTA_ALLOWED_NETWORKS: {e}") from None
        timezone = _text(env, "CEKFAKTA_TIMEZONE") or DEFAULT_TIMEZONE
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"CEKFAKTA_TIMEZONE: {timezone!r} is not an IANA time zone "
                              "(for example Asia/Makassar, Asia/Jakarta, UTC)") from None
        digest_time = _text(env, "CEKFAKTA_DIGEST_TIME")
        if digest_time and not _CLOCK.match(digest_time):
            raise ConfigError(f"CEKFAKTA_DIGEST_TIME: {digest_time!r} is not a time of day such as 08:00")
        knowledge = _text(env, "CEKFAKTA_KNOWLEDGE")
        return cls(
            token=_text(env, "TELEGRAM_BOT_TOKEN"),
            db_path=Path(env["CEKFAKTA_DB"]).expanduser() if env.get("CEKFAKTA_DB") else default_db_path(),
            knowledge_dir=Path(knowledge).expanduser() if knowledge else None,
            lang=lang,
            bot_api_url=_text(env, "CEKFAKTA_BOT_API_URL") or DEFAULT_BOT_API_URL,
            salt=env.get("CEKFAKTA_SALT", ""),
            owner_ids=frozenset(owners),
            review=review,
            webhook_url=_url(env, "CEKFAKTA_WEBHOOK_URL"),
            webhook_listen=_text(env, "CEKFAKTA_WEBHOOK_LISTEN") or "127.0.0.1",
            webhook_port=_port(env, "CEKFAKTA_WEBHOOK_PORT", 8443),
            webhook_secret=env.get("CEKFAKTA_WEBHOOK_SECRET", ""),
            allowed_networks=_text(env, "CEKFAKTA_ALLOWED_NETWORKS"),
            metrics_port=_port(env, "CEKFAKTA_METRICS_PORT", 0, allow_zero=True),
            log_level=_choice(env, "CEKFAKTA_LOG_LEVEL", LOG_LEVELS, "INFO", upper=True),
            log_format=_choice(env, "CEKFAKTA_LOG_FORMAT", LOG_FORMATS, "text"),
            timezone=timezone,
            public_url=_url(env, "CEKFAKTA_PUBLIC_URL").rstrip("/"),
            publisher=_text(env, "CEKFAKTA_PUBLISHER") or "cekfakta",
            digest_time=digest_time,
            digest_min=_number(env, "CEKFAKTA_DIGEST_MIN", 5, 1, 1_000_000),
            draft_timeout=60 * _number(env, "CEKFAKTA_DRAFT_TIMEOUT_MINUTES", 30, 1, 24 * 60),
            unknown=tuple(sorted(k for k in env if k.startswith(PREFIX) and k not in KNOWN)),
            **hardening_settings(env),
            **whatsapp_settings(env),
        )

    def check_token(self) -> None:
        """Raise ConfigError unless the token looks like one @BotFather issues."""
        if not self.token:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set: `cekfakta run` needs the bot's token from "
                              "@BotFather, or CEKFAKTA_WA_TOKEN and CEKFAKTA_WA_PHONE_ID for WhatsApp "
                              "(`cekfakta console` chats without either)")
        if not _TOKEN.match(self.token):
            raise ConfigError("TELEGRAM_BOT_TOKEN is malformed: expected '<digits>:<35 characters>' "
                              "as given by @BotFather")


def read_environment(environ: Mapping[str, str], env_file: Path | None = None) -> dict[str, str]:
    """The `.env` file's values overlaid by `environ`; the file is CEKFAKTA_ENV_FILE or ./.env.

    A missing ./.env is fine; a missing file that CEKFAKTA_ENV_FILE names is a ConfigError.
    """
    from dotenv import dotenv_values

    named = env_file or (Path(environ["CEKFAKTA_ENV_FILE"]) if environ.get("CEKFAKTA_ENV_FILE") else None)
    path = named or Path(ENV_FILE)
    if not path.is_file():
        if named is not None:
            raise ConfigError(f"CEKFAKTA_ENV_FILE: {path} does not exist")
        return dict(environ)
    try:
        values = dotenv_values(path, encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read it ({e})") from None
    return {**{k: v for k, v in values.items() if v is not None}, **environ}


def _text(env: Mapping[str, str], name: str) -> str:
    return env.get(name, "").strip()


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str, upper: bool = False) -> str:
    value = _text(env, name) or default
    value = value.upper() if upper else value
    if value not in choices:
        raise ConfigError(f"{name}: {value!r} is not one of {', '.join(choices)}")
    return value


def _number(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = _text(env, name)
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise ConfigError(f"{name}: {raw!r} is not a whole number from {low} to {high}")
    return int(raw)


def _port(env: Mapping[str, str], name: str, default: int, allow_zero: bool = False) -> int:
    raw = _text(env, name)
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or not (0 if allow_zero else 1) <= int(raw) <= 65535:
        raise ConfigError(f"{name}: {raw!r} is not a port number (1-65535{', or 0 for off' if allow_zero else ''})")
    return int(raw)


def _url(env: Mapping[str, str], name: str) -> str:
    return absolute_url(_text(env, name), name)


def absolute_url(value: str, name: str) -> str:
    """`value` when empty or an absolute http(s) URL; else a ConfigError naming `name`."""
    if value:
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError(f"{name}: {value!r} is not an absolute http(s) URL")
    return value

def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise ConfigError(f"{name} must be a number") from None
    if not value >= 0 or value == float("inf"):
        raise ConfigError(f"{name} must be zero or more")
    return value


def hardening_settings(env: Mapping[str, str]) -> dict[str, Any]:
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


def whatsapp_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The WhatsApp edge's settings (issue 11), read from `env`."""
    phone_id = _text(env, "CEKFAKTA_WA_PHONE_ID")
    if phone_id and not (phone_id.isascii() and phone_id.isdigit()):
        raise ConfigError(f"CEKFAKTA_WA_PHONE_ID: {phone_id!r} is not a phone number id (digits)")
    template = _text(env, "CEKFAKTA_WA_NOTICE_TEMPLATE")
    if template and not re.fullmatch(r"[a-z0-9_]+(:[A-Za-z_]{2,8})?", template):
        raise ConfigError(f"CEKFAKTA_WA_NOTICE_TEMPLATE: {template!r} is not a template name "
                          "(lower-case letters, digits, _), optionally with :language")
    path = _text(env, "CEKFAKTA_WA_PATH") or "/whatsapp"
    if not re.fullmatch(r"/[A-Za-z0-9_\-/]*", path) or path.rstrip("/") in ("", "/healthz", "/metrics"):
        raise ConfigError(f"CEKFAKTA_WA_PATH: {path!r} is not a free path such as /whatsapp")
    return {
        "wa_token": _text(env, "CEKFAKTA_WA_TOKEN"),
        "wa_phone_id": phone_id,
        "wa_verify_token": env.get("CEKFAKTA_WA_VERIFY_TOKEN", ""),
        "wa_app_secret": env.get("CEKFAKTA_WA_APP_SECRET", ""),
        "wa_notice_template": template,
        "wa_path": path,
        "wa_api_url": _url(env, "CEKFAKTA_WA_API_URL").rstrip("/") or DEFAULT_WA_API_URL,
    }
