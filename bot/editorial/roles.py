"""Who may do what: owners (from configuration) manage moderators; moderators change facts.

Every state-changing call of the editorial core checks the role at the moment of the call, so a
moderator removed mid-conversation cannot finish a change, whatever the edge.
"""

from __future__ import annotations

from typing import Any

from bot.errors import UserError
from bot.store import Store, write

MAX_USER_ID = 2**53  # Telegram's ids fit in 52 bits; anything larger is not an id


def staff(user_id: int) -> str:
    """How a moderator or owner appears in versions and the audit log."""
    return f"mod:{user_id}"


def parse_user_id(text: str) -> int:
    """A Telegram user id typed by an owner ("778"); UserError for anything else ("0", "-5", "²")."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < MAX_USER_ID:
        raise UserError("mod.bad_user_id", value=text[:20] or "-")
    return int(text)


class Roles:
    """Owners and moderators, checked on every call."""

    def __init__(self, store: Store, owner_ids: frozenset[int] = frozenset()):
        self.store = store
        self.records = store.newsroom
        self.owner_ids = owner_ids

    def is_owner(self, user_id: int) -> bool:
        """Owners come from configuration and manage moderators."""
        return user_id in self.owner_ids

    def is_moderator(self, user_id: int) -> bool:
        """Owners and the moderators they added."""
        return self.is_owner(user_id) or self.records.is_moderator(user_id)

    def require_moderator(self, user_id: int) -> str:
        """The actor name of a moderator; UserError (refused) for anyone else."""
        if not self.is_moderator(user_id):
            raise UserError("mod.refused")
        return staff(user_id)

    def require_owner(self, user_id: int) -> str:
        """The actor name of an owner; UserError for anyone else."""
        if not self.is_owner(user_id):
            raise UserError("mod.owner_only")
        return staff(user_id)

    def add_moderator(self, user_id: int, by: int) -> None:
        """An owner makes a verified fact-checker a moderator."""
        actor = self.require_owner(by)
        with write(self.store.db):
            self.records.add_moderator(user_id, actor)
            self.store.audit(actor, "moderator:add", reason=str(user_id))

    def remove_moderator(self, user_id: int, by: int) -> bool:
        """An owner removes a moderator; False when there was none."""
        actor = self.require_owner(by)
        with write(self.store.db):
            removed = self.records.remove_moderator(user_id)
            if removed:
                self.store.audit(actor, "moderator:remove", reason=str(user_id))
        return removed

    def moderators(self, by: int) -> list[dict[str, Any]]:
        """Moderators with who added them and when (for owners)."""
        self.require_owner(by)
        return self.records.moderators()
