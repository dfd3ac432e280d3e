"""Moderators' one-shot commands: moderators, viewing, history, retract and restore, words, the
question queue and statistics. Each calls the editorial core and renders what it returns."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import messages
from bot.editorial import Outcome, parse_command_args, parse_user_id
from bot.errors import UserError
from bot.tg import notices
from bot.tg.blocking import off_loop
from bot.tg.handlers import lang_of, send_html, service_of
from bot.tg.staff import editorial_of, moderators_only, user_id_of

MOD_USAGE = "/mod tambah <user_id> | /mod hapus <user_id> | /mod daftar"


@moderators_only()
async def mod_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/mod: the moderator command list; owners: /mod tambah|hapus|daftar <user_id>."""
    editorial = editorial_of(context)
    lang = lang_of(update, context)
    action, rest = parse_command_args(update.effective_message.text)
    user_id = user_id_of(update)
    if not action:
        await send_html(update.effective_message, messages.t("mod.help", lang))
        return
    if not editorial.is_owner(user_id):
        await off_loop(context, editorial.refuse, user_id, f"/mod {action}")
        raise UserError("mod.owner_only")
    target = rest.split()[0] if rest.split() else ""
    if action == "daftar":
        rows = editorial.moderators(user_id)
        owners = ", ".join(str(o) for o in sorted(editorial.owner_ids))
        lines = [messages.t("mod.list", lang, owners=owners)]
        lines += [messages.escape(f"• {r['user_id']} ({r['added_by']}, {editorial.local_time(r['added_at'])})")
                  for r in rows]
        if not rows:
            lines.append(messages.t("mod.list_empty", lang))
        await send_html(update.effective_message, "\n".join(lines))
    elif action in ("tambah", "hapus") and target:
        member = parse_user_id(target)
        if action == "tambah":
            await off_loop(context, editorial.add_moderator, member, user_id)
            text = messages.t("mod.added", lang, user_id=member)
        elif await off_loop(context, editorial.remove_moderator, member, user_id):
            text = messages.t("mod.removed", lang, user_id=member)
        else:
            text = messages.t("mod.not_moderator", lang, user_id=member)
        await send_html(update.effective_message, text)
    else:
        raise UserError("mod.usage", usage=MOD_USAGE)


@moderators_only()
async def fact_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/fakta <id>: a fact as moderators see it: status, revision, who changed it last."""
    lang = lang_of(update, context)
    editorial = editorial_of(context)
    fact_id = parse_command_args(update.effective_message.text)[0]
    if not fact_id:
        raise UserError("mod.usage", usage="/fakta <id>")
    fact = editorial.fact(fact_id)
    last = service_of(context).store.versions(fact.id)[-1]
    lines = [
        messages.t_html("mod.fact_header", lang, id=fact.id, status=fact.status, revision=fact.revision,
                        topic=fact.topic, confidence=fact.confidence),
        messages.t_html("mod.last_change", lang, at=editorial.local_time(last["at"]), actor=last["actor"],
                        action=last["action"]),
    ]
    if fact.stale_en:
        lines.append(messages.t_html("mod.en_stale", lang, fields=", ".join(fact.stale_en)))
    lines += ["", messages.render_fact(fact, lang, messages.HTML)]
    await send_html(update.effective_message, "\n".join(lines))


@moderators_only()
async def word_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/kata sonde = tidak: teaches the bot a chat word (/kata sih - : a word with no topic); /kata lists them."""
    lang = lang_of(update, context)
    editorial = editorial_of(context)
    text = (update.effective_message.text or "").partition(" ")[2].strip()
    if not text:
        words = editorial.words(user_id_of(update))
        lines = [messages.t("mod.words", lang)]
        lines += [f"• {messages.escape(v)} = {messages.escape(s or '-')}" for v, s in words.items()]
        if not words:
            lines.append(messages.t("mod.words_empty", lang))
        await send_html(update.effective_message, "\n".join(lines))
        return
    word, standard, touched = await off_loop(context, editorial.teach_word, text, user_id_of(update))
    key = "mod.word_added" if standard else "mod.word_function"
    await send_html(update.effective_message, messages.t_html(key, lang, word=word, standard=standard,
                                                              count=len(touched)))


@moderators_only()
async def history_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/riwayat <id>: every version, when (newsroom time), who made it, what changed."""
    lang = lang_of(update, context)
    fact_id = parse_command_args(update.effective_message.text)[0]
    if not fact_id:
        raise UserError("mod.usage", usage="/riwayat <id>")
    rows = await off_loop(context, editorial_of(context).history, fact_id, user_id_of(update))
    lines = [messages.t_html("mod.history", lang, id=fact_id)]
    for row in rows:
        changed = ", ".join(row["changed"]) or "-"
        reason = f" — {row['reason']}" if row["reason"] else ""
        lines.append(messages.escape(f"r{row['revision']} {row['at']} {row['actor']} {row['action']}: "
                                     f"{changed}{reason}"))
    await send_html(update.effective_message, "\n".join(lines))


@moderators_only()
async def retract_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cabut <id> <reason>: stop serving a fact (a proposal, under two-person review)."""
    lang = lang_of(update, context)
    fact_id, reason = parse_command_args(update.effective_message.text)
    if not fact_id:
        raise UserError("mod.usage", usage="/cabut <id> <alasan>")
    outcome = await off_loop(context, editorial_of(context).retract, fact_id, reason, user_id_of(update))
    await _report(update, context, outcome, messages.t_html("mod.retracted", lang, id=outcome.fact.id))


@moderators_only()
async def restore_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/pulihkan <id>: serve a retracted fact again (a proposal, under two-person review)."""
    lang = lang_of(update, context)
    fact_id = parse_command_args(update.effective_message.text)[0]
    if not fact_id:
        raise UserError("mod.usage", usage="/pulihkan <id>")
    outcome = await off_loop(context, editorial_of(context).restore, fact_id, user_id_of(update))
    await _report(update, context, outcome, messages.t_html("mod.restored", lang, id=outcome.fact.id,
                                                            revision=outcome.fact.revision))


async def _report(update: Update, context: ContextTypes.DEFAULT_TYPE, outcome: Outcome, done: str) -> None:
    """Tell the moderator what happened: done (and notices queued), or proposed for review."""
    lang = lang_of(update, context)
    if outcome.proposal_id is not None:
        text = messages.t_html("mod.proposed", lang, number=outcome.proposal_id, id=outcome.fact.id)
    else:
        text = done
        if outcome.notices:
            text += "\n" + messages.t("mod.corrections_queued", lang, count=outcome.notices)
            notices.kick(context)
    await send_html(update.effective_message, text)


@moderators_only()
async def queue_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/antrian: open questions, near-duplicates grouped, most asked and oldest first."""
    lang = lang_of(update, context)
    editorial = editorial_of(context)
    groups = await off_loop(context, editorial.question_groups, user_id_of(update))
    if not groups:
        await send_html(update.effective_message, messages.t("mod.queue_empty", lang))
        return
    lines = [messages.t("mod.queue", lang, groups=len(groups), questions=sum(g.count for g in groups))]
    for group in groups:
        lines.append(messages.t_html("mod.queue_line", lang, id=group.id, count=group.count,
                                     since=editorial.local_time(group.since), text=messages.shorten(group.text, 200)))
    lines.append(messages.t("mod.queue_hint", lang))
    await send_html(update.effective_message, "\n\n".join(lines))


@moderators_only()
async def answer_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/jawab <question_no> <fact_id>: every citizen who asked gets the fact."""
    lang = lang_of(update, context)
    number, rest = parse_command_args(update.effective_message.text)
    fact_id = rest.split()[0] if rest.split() else ""
    if not number or not fact_id:
        raise UserError("mod.usage", usage="/jawab <no_pertanyaan> <id_fakta>")
    fact, count = await off_loop(context, editorial_of(context).answer_group, number, fact_id, user_id_of(update))
    notices.kick(context)
    await send_html(update.effective_message, messages.t_html("mod.answered", lang, id=fact.id, count=count))


@moderators_only()
async def dismiss_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/abaikan <question_no>: close a group of questions without an answer (spam)."""
    lang = lang_of(update, context)
    number = parse_command_args(update.effective_message.text)[0]
    group = await off_loop(context, editorial_of(context).dismiss_group, number, user_id_of(update))
    await send_html(update.effective_message, messages.t("mod.dismissed", lang, id=group.id, count=group.count))


@moderators_only()
async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/statistik: questions, share answered, top keywords, queue, time to answer, feedback."""
    lang = lang_of(update, context)
    s = await off_loop(context, editorial_of(context).statistics, user_id_of(update))
    percent = lambda v: "-" if v is None else f"{v:.0%}"  # noqa: E731
    median = "-" if s["median_hours_to_answer"] is None else f"{s['median_hours_to_answer']:.1f} h"
    terms = ", ".join(f"{t} ({n})" for t, n in s["top_terms"]) or "-"
    await send_html(update.effective_message, messages.t(
        "mod.stats", lang, today=s["today"], week=s["week"], month=s["month"], answered=percent(s["answered_share"]),
        terms=messages.escape(terms), open_questions=s["open_questions"], open_groups=s["open_groups"],
        median=median, helpful=percent(s["helpful_share"]), feedback=s["feedback"],
        undeliverable=s["undeliverable"]))
