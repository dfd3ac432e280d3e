"""Two-person review in the chat: the pending proposals, one in full with its diff, approve, reject."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot import messages
from bot.editorial import FieldChange, parse_command_args
from bot.tg import notices
from bot.tg.blocking import off_loop
from bot.tg.handlers import lang_of, send_html
from bot.tg.staff import editorial_of, moderators_only, user_id_of

DIFF_CHARS = 700  # of each side of a changed field


@moderators_only()
async def proposals_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/usulan: pending proposals and the fields each changes; /usulan <no>: one in full, field by field."""
    lang = lang_of(update, context)
    editorial = editorial_of(context)
    number = parse_command_args(update.effective_message.text)[0]
    if number:
        await _show(update, context, number)
        return
    pending = editorial.pending_proposals(user_id_of(update))
    if not pending:
        await send_html(update.effective_message, messages.t("mod.proposals_empty", lang))
        return
    lines = [messages.t("mod.proposals", lang)]
    for proposal in pending:
        lines.append(messages.t_html("mod.proposal_line", lang, number=proposal.id, kind=proposal.kind,
                                     id=proposal.fact_id, proposer=proposal.proposer,
                                     at=editorial.local_time(proposal.created_at),
                                     fields=", ".join(sorted(proposal.changes)) or "-"))
    lines.append(messages.t("mod.proposals_hint", lang))
    await send_html(update.effective_message, "\n".join(lines))


async def _show(update: Update, context: ContextTypes.DEFAULT_TYPE, number: str) -> None:
    lang = lang_of(update, context)
    editorial = editorial_of(context)
    proposal, changes = editorial.proposal(number, user_id_of(update))
    reason = f" — {proposal.reason}" if proposal.reason else ""
    parts = [messages.t_html("mod.proposal_view", lang, number=proposal.id, kind=proposal.kind, id=proposal.fact_id,
                             proposer=proposal.proposer, at=editorial.local_time(proposal.created_at),
                             base=proposal.base_revision, reason=reason)]
    parts += [_diff_line(change, lang) for change in changes]
    parts.append(messages.t_html("mod.proposal_actions", lang, number=proposal.id))
    await send_html(update.effective_message, "\n\n".join(parts))


def _diff_line(change: FieldChange, lang: str) -> str:
    label_key = f"mod.field.{change.name}"
    label = messages.t(label_key, lang) if label_key in messages.TEXTS else change.name
    return messages.t_html("mod.diff_line", lang, field=label, before=_shown(change.before),
                           after=_shown(change.after))


def _shown(value: Any) -> str:
    if isinstance(value, list):
        value = "; ".join(" ".join(str(v) for v in item.values()) if isinstance(item, dict) else str(item)
                          for item in value)
    return messages.shorten(str(value), DIFF_CHARS) if value not in ("", None) else "—"


@moderators_only()
async def approve_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/setujui <no> [ulang]: another moderator approves a proposal; it is saved and served."""
    lang = lang_of(update, context)
    number, rest = parse_command_args(update.effective_message.text)
    reapply = rest.strip().lower() in ("ulang", "again", "reapply")
    outcome = await off_loop(context, editorial_of(context).approve, number, user_id_of(update), reapply=reapply)
    text = messages.t_html("mod.approved", lang, id=outcome.fact.id, revision=outcome.fact.revision)
    if outcome.notices:
        text += "\n" + messages.t("mod.corrections_queued", lang, count=outcome.notices)
    notices.kick(context)
    await send_html(update.effective_message, text)


@moderators_only()
async def reject_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/tolak <no> <reason>: another moderator rejects a proposal; the proposer is told why."""
    lang = lang_of(update, context)
    number, reason = parse_command_args(update.effective_message.text)
    proposal = await off_loop(context, editorial_of(context).reject, number, reason, user_id_of(update))
    notices.kick(context)
    await send_html(update.effective_message, messages.t("mod.rejected", lang, number=proposal.id))
