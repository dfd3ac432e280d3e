"""The moderators' queue of questions citizens agreed to forward, near-duplicates grouped."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.citizens import Citizens
from bot.errors import UserError
from bot.store import Store
from bot.store.people import Recipient

SAME_QUESTION = 80  # rapidfuzz token_set_ratio (0-100) at which two queued questions are merged


@dataclass(frozen=True)
class QuestionGroup:
    """Queued questions that ask the same thing."""

    id: int  # the oldest question's id, used in /jawab and /abaikan
    question_ids: tuple[int, ...]
    text: str
    since: str

    @property
    def count(self) -> int:
        """How many citizens asked."""
        return len(self.question_ids)


class QuestionQueue:
    """Open questions, grouped; closing a group closes every question in it."""

    def __init__(self, store: Store, citizens: Citizens):
        self.records = store.people
        self.citizens = citizens

    def groups(self) -> list[QuestionGroup]:
        """Open questions, near-duplicates merged; most asked first, then oldest."""
        groups: list[list] = []
        for question in self.citizens.open_questions():
            for group in groups:
                if fuzz.token_set_ratio(group[0].normalized, question.normalized, processor=None) >= SAME_QUESTION:
                    group.append(question)
                    break
            else:
                groups.append([question])
        result = [QuestionGroup(g[0].id, tuple(q.id for q in g), g[0].text, g[0].asked_at) for g in groups]
        return sorted(result, key=lambda g: (-g.count, g.since, g.id))

    def group(self, question_id: str) -> QuestionGroup:
        """The group holding a question; UserError when there is none open."""
        for group in self.groups():
            if question_id.isascii() and question_id.isdigit() and int(question_id) in group.question_ids:
                return group
        raise UserError("mod.no_question", id=question_id[:12] or "?")

    def close(self, question_id: str, status: str, actor: str,
              fact_id: str | None) -> tuple[QuestionGroup, list[Recipient]]:
        """Close a question's group; returns it and who asked, where."""
        group = self.group(question_id)
        return group, self.records.close_questions(group.question_ids, status, actor, fact_id)
