"""The secrets that keep citizens anonymous in the database: kept outside it, by construction.

One secret does two jobs. It salts the HMAC that turns a Telegram user id into the hash stored and
logged, and (through HKDF) it is the Fernet key that encrypts the chat ids the bot must keep to write
back (answers to forwarded questions, corrections). The secret is `CEKFAKTA_SALT` when set, otherwise
a key file created on first run in the configuration folder with owner-only permissions. The database
alone (a stolen copy, a backup) therefore identifies no one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.errors import ConfigError

HASH_CHARS = 24  # hex characters of a user hash (96 bits)
LOG_ID_CHARS = 12  # a pseudonym for log lines, unlike any stored hash
_KDF_INFO = b"cekfakta chat ids v1"


class SealError(Exception):
    "A sealed chat id could not be opened (another key, or a damaged value)."


@dataclass(frozen=True)
class Secrets:
    """The salt for user hashes and the cipher for chat ids."""

    salt: bytes
    fernet: Fernet

    def hash(self, user_id: int | str) -> str:
        """A user's id as stored: a salted HMAC, not reversible without the salt."""
        return hmac.new(self.salt, str(user_id).encode(), hashlib.sha256).hexdigest()[:HASH_CHARS]

    def log_id(self, user_id: int) -> str:
        """A user's id as logged: another salted HMAC, so that one person's log lines can be told
        apart, while neither the database nor the id links to them without the secret."""
        return hmac.new(self.salt, f"log:{user_id}".encode(), hashlib.sha256).hexdigest()[:LOG_ID_CHARS]

    def seal(self, chat_id: int) -> str:
        """A chat id encrypted (Fernet: AES-128-CBC with HMAC-SHA256; a new value each time)."""
        return self.fernet.encrypt(str(int(chat_id)).encode()).decode("ascii")

    def open(self, token: str) -> int:
        """The chat id a sealed value holds."""
        try:
            return int(self.fernet.decrypt(token.encode("ascii")).decode())
        except (InvalidToken, ValueError, UnicodeError) as e:
            raise SealError("a stored chat id cannot be decrypted with this key") from e


def secrets_from(secret: str) -> Secrets:
    """The salt and cipher derived from one secret text."""
    raw = secret.encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"cekfakta", info=_KDF_INFO).derive(raw)
    return Secrets(raw, Fernet(base64.urlsafe_b64encode(key)))


def load_secrets(salt: str, key_file: Path, legacy: str | None = None) -> Secrets:
    """`salt` when configured; else the key file's secret, creating the file on first run.

    `legacy` is a salt an older version kept in the database: it moves into the new key file so that
    existing hashes stay valid, and the caller deletes it from the database.
    """
    if salt:
        return secrets_from(salt)
    try:
        secret = key_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        secret = ""
    except OSError as e:
        raise ConfigError(f"cannot read the key file {key_file}: {e.strerror or e}") from None
    if not secret:
        secret = legacy or secrets.token_hex(32)
        _create_key_file(key_file, secret)
    return secrets_from(secret)


def _create_key_file(path: Path, secret: str) -> None:
    """Write the secret readable by its owner only; an existing file is never overwritten."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(f"the key file {path} is empty; restore it from a backup or delete it") from None
    except OSError as e:
        raise ConfigError(f"cannot create the key file {path}: {e.strerror or e}") from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(secret + "\n")
