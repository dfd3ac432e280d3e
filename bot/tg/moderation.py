"""Moderators in the chat: guided /tambah and /ubah, retract and restore, review, history, the queue.

The flow of /tambah and /ubah (a ConversationHandler; /batal leaves at any step, saving nothing):

```mermaid
stateDiagram-v2
    [*] --> TEXT: /tambah (statement)
    [*] --> CHOICE: /ubah id (which part?)
    TEXT --> CHOICE: verdict, topic
    CHOICE --> TEXT: claim, url, publisher, keywords, note
    TEXT --> TEXT: bad answer (re-asked with the reason)
    TEXT --> CONFIRM: last step (preview)
    CHOICE --> CONFIRM: last step (preview)
    CONFIRM --> [*]: save (or propose, under two-person review)
    TEXT --> [*]: /batal
    CHOICE --> [*]: /batal
    CONFIRM --> [*]: cancel
```
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import wraps

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.warnings import PTBUserWarning
from telegram.ext import (
    CallbackQueryHandler, CommandHandler, ContextTypes, ConversationHandler, MessageHandler, filters,
)

from bot import messages
from bot.editorial import Editorial, Outcome, parse_command_args
from bot.errors import UserError
from bot.knowledge import fact_problems, is_partial_date, is_url
from bot.models import VERDICTS, Fact, Source
from bot.tg.handlers import citizens_of, lang_of, send_html, service_of

logger = logging.getLogger(__name__)

EDITORIAL = "editorial"
LINKS = "links"
DRAFT = "draft"
TEXT, CHOICE, CONFIRM = range(3)
CHOICE_DATA = "mv"  # mv:<value>
CONFIRM_DATA = "mc"  # mc:save | mc:cancel
SEND_SPACING = 0.05  # seconds between notices: 20 a second, under Telegram's 30 a second
MAX_STATEMENT = 2000
KEEP_WORDS = ("tetap", "keep")
ADD_STEPS = ["statement", "verdict", "url", "publisher", "topic", "keywords"]
EDIT_FIELDS = {"statement": ["statement"], "verdict": ["verdict"], "claim": ["claim"],
               "source": ["url", "publisher"], "keywords": ["keywords"], "topic": ["topic"], "note": ["note"]}
CHOICE_STEPS = {"verdict", "topic", "field"}


def editorial_of(context: ContextTypes.DEFAULT_TYPE) -> Editorial:
    """The newsroom operations, created once at start-up."""
    return context.bot_data[EDITORIAL]


def moderators_only(owner: bool = False):
    """Refuse (and audit) anyone who is not a moderator (or owner); show UserErrors as replies."""

    def decorate(handler):
        @wraps(handler)
        async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE):
            editorial = editorial_of(context)
            user = update.effective_user
            lang = lang_of(update, context)
            allowed = user is not None and (editorial.is_owner(user.id) if owner else editorial.is_moderator(user.id))
            if not allowed:
                command = (update.effective_message.text or "").split()[0] if update.effective_message else "?"
                if user is not None:
                    editorial.refuse(user.id, command)
                await send_html(update.effective_message, messages.t("mod.owner_only" if owner else "mod.refused", lang))
                return ConversationHandler.END
            try:
                return await handler(update, context)
            except UserError as e:
                await send_html(update.effective_message, messages.escape(e.message(lang)))
                return None
        return wrapper

    return decorate


# -- moderators ------------------------------------------------------------------------------

@moderators_only()
async def mod_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/mod: the moderator command list; owners: /mod tambah|hapus|daftar <user_id>."""
    editorial = editorial_of(context)
    lang = lang_of(update, context)
    action, rest = parse_command_args(update.effective_message.text)
    user = update.effective_user
    if not action:
        await send_html(update.effective_message, messages.t("mod.help", lang))
        return
    if not editorial.is_owner(user.id):
        editorial.refuse(user.id, f"/mod {action}")
        await send_html(update.effective_message, messages.t("mod.owner_only", lang))
        return
    target = rest.split()[0] if rest.split() else ""
    if action == "daftar":
        rows = editorial.moderators()
        owners = ", ".join(str(o) for o in sorted(editorial.owner_ids))
        lines = [messages.t("mod.list", lang, owners=owners)]
        lines += [f"• {r['user_id']} ({messages.escape(r['added_by'])}, {r['added_at'][:10]})" for r in rows]
        if not rows:
            lines.append(messages.t("mod.list_empty", lang))
        await send_html(update.effective_message, "\n".join(lines))
    elif action in ("tambah", "hapus") and target.lstrip("-").isdigit():
        if action == "tambah":
            editorial.add_moderator(int(target), user.id)
            text = messages.t("mod.added", lang, user_id=target)
        elif editorial.remove_moderator(int(target), user.id):
            text = messages.t("mod.removed", lang, user_id=target)
        else:
            text = messages.t("mod.not_moderator", lang, user_id=target)
        await send_html(update.effective_message, text)
    else:
        await send_html(update.effective_message, messages.t(
            "mod.usage", lang, usage="/mod tambah &lt;user_id&gt; | /mod hapus &lt;user_id&gt; | /mod daftar"))


# -- viewing, retracting, restoring, history ---------------------------------------------------

@moderators_only()
async def fact_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/fakta <id>: a fact as moderators see it: status, revision, who changed it last."""
    lang = lang_of(update, context)
    fact = editorial_of(context).fact(parse_command_args(update.effective_message.text)[0])
    versions = service_of(context).store.versions(fact.id)
    last = versions[-1]
    text = "\n".join([
        messages.t("mod.fact_header", lang, id=messages.escape(fact.id), status=fact.status,
                   revision=fact.revision, topic=fact.topic, confidence=fact.confidence),
        messages.escape(messages.t("mod.last_change", lang, at=last["at"], actor=last["actor"],
                                        action=last["action"])),
        "", messages.render_fact(fact, lang, messages.HTML),
    ])
    await send_html(update.effective_message, text)


@moderators_only()
async def word_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/kata sonde = tidak: teaches the bot a chat word (/kata sih - : a word with no topic); /kata lists them."""
    lang = lang_of(update, context)
    editorial = editorial_of(context)
    text = (update.effective_message.text or "").partition(" ")[2].strip()
    if not text:
        words = editorial.words()
        lines = [messages.t("mod.words", lang)]
        lines += [f"• {messages.escape(v)} = {messages.escape(s or '-')}" for v, s in words.items()]
        if not words:
            lines.append(messages.t("mod.words_empty", lang))
        await send_html(update.effective_message, "\n".join(lines))
        return
    word, standard, touched = editorial.teach_word(text, update.effective_user.id)
    key = "mod.word_added" if standard else "mod.word_function"
    await send_html(update.effective_message,
                    messages.escape(messages.t(key, lang, word=word, standard=standard, count=len(touched))))


@moderators_only()
async def history_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/riwayat <id>: every version, who made it, what changed."""
    lang = lang_of(update, context)
    fact_id = parse_command_args(update.effective_message.text)[0]
    rows = editorial_of(context).history(fact_id)
    lines = [messages.t("mod.history", lang, id=messages.escape(fact_id))]
    for row in rows:
        changed = ", ".join(row["changed"]) or "-"
        reason = f" — {row['reason']}" if row["reason"] else ""
        lines.append(messages.escape(f"r{row['revision']} {row['at']} {row['actor']} {row['action']}: "
                                          f"{changed}{reason}"))
    await send_html(update.effective_message, "\n".join(lines))


@moderators_only()
async def retract_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cabut <id> <reason>: stop serving a fact; citizens who got it are told."""
    lang = lang_of(update, context)
    fact_id, reason = parse_command_args(update.effective_message.text)
    if not fact_id:
        raise UserError("mod.usage", usage="/cabut <id> <alasan>")
    outcome = editorial_of(context).retract(fact_id, reason, update.effective_user.id)
    await send_html(update.effective_message, messages.t("mod.retracted", lang, id=outcome.fact.id))
    await _send_corrections(update, context, outcome, reason)


@moderators_only()
async def restore_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/pulihkan <id>: serve a retracted fact again; citizens told of the retraction get it back."""
    lang = lang_of(update, context)
    outcome = editorial_of(context).restore(parse_command_args(update.effective_message.text)[0],
                                            update.effective_user.id)
    await send_html(update.effective_message,
                    messages.t("mod.restored", lang, id=outcome.fact.id, revision=outcome.fact.revision))
    await _send_corrections(update, context, outcome)


# -- two-person review -----------------------------------------------------------------------

@moderators_only()
async def proposals_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/usulan: pending proposals."""
    lang = lang_of(update, context)
    rows = editorial_of(context).pending_proposals()
    if not rows:
        await send_html(update.effective_message, messages.t("mod.proposals_empty", lang))
        return
    lines = [messages.t("mod.proposals", lang)]
    for row in rows:
        fact = Fact.from_dict(json.loads(row["data"]))
        lines.append(messages.escape(f"#{row['id']} {row['kind']} {row['fact_id']} ({row['proposer']}): "
                                          f"{messages.headline(fact, lang)}"))
    await send_html(update.effective_message, "\n".join(lines))


@moderators_only()
async def approve_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/setujui <no>: another moderator approves a proposal; it is saved and served."""
    lang = lang_of(update, context)
    outcome = editorial_of(context).approve(parse_command_args(update.effective_message.text)[0],
                                            update.effective_user.id)
    await send_html(update.effective_message,
                    messages.t("mod.approved", lang, id=outcome.fact.id, revision=outcome.fact.revision))
    await _send_corrections(update, context, outcome)


@moderators_only()
async def reject_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/tolak <no> <reason>: another moderator rejects a proposal."""
    lang = lang_of(update, context)
    number, reason = parse_command_args(update.effective_message.text)
    proposal = editorial_of(context).reject(number, reason, update.effective_user.id)
    await send_html(update.effective_message, messages.t("mod.rejected", lang, number=proposal["id"]))


# -- the queue -------------------------------------------------------------------------------

@moderators_only()
async def queue_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/antrian: open questions, near-duplicates grouped, most asked and oldest first."""
    lang = lang_of(update, context)
    groups = editorial_of(context).question_groups()
    if not groups:
        await send_html(update.effective_message, messages.t("mod.queue_empty", lang))
        return
    lines = [messages.t("mod.queue", lang, groups=len(groups), questions=sum(g.count for g in groups))]
    for group in groups:
        lines.append(messages.t("mod.queue_line", lang, id=group.id, count=group.count, since=group.since[:16],
                                text=messages.escape(messages.shorten(group.text, 200))))
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
    fact, chats = editorial_of(context).answer_group(number, fact_id, update.effective_user.id)
    _schedule(context, _deliver_answer, chats, fact.id)
    await send_html(update.effective_message, messages.t("mod.answered", lang, id=fact.id, count=len(chats)))


@moderators_only()
async def dismiss_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/abaikan <question_no>: close a group of questions without an answer (spam)."""
    lang = lang_of(update, context)
    group = editorial_of(context).dismiss_group(parse_command_args(update.effective_message.text)[0],
                                                update.effective_user.id)
    await send_html(update.effective_message, messages.t("mod.dismissed", lang, id=group.id, count=group.count))


@moderators_only()
async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/statistik: questions, share answered, top keywords, queue, time to answer, feedback."""
    lang = lang_of(update, context)
    s = editorial_of(context).statistics()
    percent = lambda v: "-" if v is None else f"{v:.0%}"  # noqa: E731
    median = "-" if s["median_hours_to_answer"] is None else f"{s['median_hours_to_answer']:.1f} h"
    terms = ", ".join(f"{t} ({n})" for t, n in s["top_terms"]) or "-"
    await send_html(update.effective_message, messages.t(
        "mod.stats", lang, today=s["today"], week=s["week"], month=s["month"], answered=percent(s["answered_share"]),
        terms=messages.escape(terms), open_questions=s["open_questions"], open_groups=s["open_groups"],
        median=median, helpful=percent(s["helpful_share"]), feedback=s["feedback"]))


# -- notices, through the job queue ----------------------------------------------------------

def _schedule(context: ContextTypes.DEFAULT_TYPE, callback, chats: list[int], *data: object) -> None:
    """Queue `callback` once per chat, spaced to stay within Telegram's flood limits."""
    for n, chat_id in enumerate(chats):
        context.job_queue.run_once(callback, when=n * SEND_SPACING, data=(chat_id, *data),
                                   name=f"{callback.__name__}:{chat_id}")


async def _notify(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str) -> bool:
    """Send a notice; a chat that blocked the bot is marked inactive, never retried."""
    citizens = citizens_of(context)
    try:
        for part in messages.split_html(text):
            await context.bot.send_message(chat_id, part, parse_mode=ParseMode.HTML, disable_web_page_preview=True)
        return True
    except Forbidden:
        citizens.set_active(citizens.hash(chat_id), False)
    except TelegramError:
        logger.warning("Could not deliver a notice to chat %s", citizens.hash(chat_id), exc_info=True)
    return False


async def _notify_about(context: ContextTypes.DEFAULT_TYPE, chat_id: int, fact: Fact, text: str) -> None:
    """Send a notice about `fact`; once delivered, remember it so a later correction reaches the chat."""
    if await _notify(context, chat_id, text):
        citizens = citizens_of(context)
        citizens.record_delivery(chat_id, citizens.hash(chat_id), fact.id, fact.revision)


def _recipient_lang(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> str:
    citizens = citizens_of(context)
    return citizens.lang(citizens.hash(chat_id)) or service_of(context).settings.lang


async def _deliver_answer(context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id, fact_id = context.job.data
    fact = service_of(context).store.get(fact_id)
    lang = _recipient_lang(context, chat_id)
    text = messages.t("mod.answer_intro", lang) + "\n\n" + messages.render_fact(fact, lang, messages.HTML)
    await _notify_about(context, chat_id, fact, text)


async def _deliver_correction(context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id, fact_id, reason = context.job.data
    fact = service_of(context).store.get(fact_id)
    lang = _recipient_lang(context, chat_id)
    if fact.status != "active":
        text = messages.escape(messages.t("mod.retraction_notice", lang, headline=messages.headline(fact, lang),
                                               reason=reason or "-"))
    else:
        text = messages.t("mod.correction_intro", lang) + "\n\n" + messages.render_fact(fact, lang, messages.HTML)
    await _notify_about(context, chat_id, fact, text)


async def _send_corrections(update: Update, context: ContextTypes.DEFAULT_TYPE, outcome: Outcome,
                            reason: str = "") -> None:
    """Tell citizens who received the previous version in the last 30 days, when the change matters."""
    if not outcome.substantive:
        return
    chats = editorial_of(context).correction_targets(outcome.fact)
    _schedule(context, _deliver_correction, chats, outcome.fact.id, reason)
    if chats:
        await send_html(update.effective_message,
                        messages.t("mod.corrections", lang_of(update, context), count=len(chats)))


# -- the guided conversation: /tambah and /ubah -------------------------------------------------

@dataclass
class Draft:
    """A fact being written or edited, and the steps still to answer."""

    mode: str  # "add" or "edit"
    steps: list[str]
    values: dict = field(default_factory=dict)
    original: Fact | None = None
    dead_url: str = ""  # a URL that did not open, kept if the moderator says so


@moderators_only()
async def add_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/tambah: starts writing a new fact."""
    context.user_data[DRAFT] = Draft("add", list(ADD_STEPS))
    return await _ask(update, context)


@moderators_only()
async def edit_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """/ubah <id>: starts editing one part of a fact."""
    fact = editorial_of(context).fact(parse_command_args(update.effective_message.text)[0])
    context.user_data[DRAFT] = Draft("edit", ["field"], original=fact)
    return await _ask(update, context)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/batal: leaves the conversation; nothing is saved."""
    context.user_data.pop(DRAFT, None)
    await send_html(update.effective_message, messages.t("mod.cancelled", lang_of(update, context)))
    return ConversationHandler.END


async def on_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Takes a typed answer for the current step; a bad one is re-asked with the reason."""
    draft: Draft | None = context.user_data.get(DRAFT)
    if draft is None:
        return ConversationHandler.END
    lang = lang_of(update, context)
    try:
        await _take_text(update, context, draft, update.effective_message.text or "")
    except UserError as e:
        await send_html(update.effective_message, "❗ " + _safe(e.message(lang)))
        return await _ask(update, context, repeat=True)
    if draft.steps and draft.steps[0] == "url" and draft.dead_url and not draft.values.get("url"):
        return TEXT  # the dead link was reported with what to do next
    return await _ask(update, context)


async def on_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Takes a button answer (verdict, topic, which field to edit)."""
    query = update.callback_query
    await query.answer()
    draft: Draft | None = context.user_data.get(DRAFT)
    if draft is None or not draft.steps or draft.steps[0] not in CHOICE_STEPS:
        return ConversationHandler.END
    value = (query.data or "").partition(":")[2]
    step = draft.steps[0]
    if step == "verdict" and (value in VERDICTS or value == "none"):
        draft.steps.pop(0)
        draft.values["verdict"] = "" if value == "none" else value
        if value == "none":
            draft.values["claim"] = ""
        elif not (draft.values.get("claim") or (draft.original and draft.original.claim)):
            draft.steps.insert(0, "claim")
    elif step == "topic" and value in service_of(context).topics:
        draft.steps.pop(0)
        draft.values["topic"] = value
    elif step == "field" and value in EDIT_FIELDS:
        draft.steps = list(EDIT_FIELDS[value])
    await query.edit_message_reply_markup(None)
    return await _ask(update, context)


async def on_stray_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """Text typed where a button is expected."""
    await send_html(update.effective_message, messages.t("mod.use_buttons", lang_of(update, context)))
    return None


async def on_confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Saves the previewed fact (or proposes it), or discards it."""
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    draft: Draft | None = context.user_data.pop(DRAFT, None)
    lang = lang_of(update, context)
    if draft is None or query.data != f"{CONFIRM_DATA}:save":
        await send_html(update.effective_message, messages.t("mod.cancelled", lang))
        return ConversationHandler.END
    try:
        fact = _checked(context, _build(context, draft))
    except UserError as e:
        await send_html(update.effective_message, "❗ " + _safe(e.message(lang)))
        return ConversationHandler.END
    outcome = editorial_of(context).submit(fact, update.effective_user.id, draft.mode)
    if outcome.proposal_id is not None:
        text = messages.t("mod.proposed", lang, number=outcome.proposal_id, id=fact.id)
    else:
        text = messages.t("mod.saved", lang, id=outcome.fact.id, revision=outcome.fact.revision)
    await send_html(update.effective_message, text)
    await _send_corrections(update, context, outcome)
    return ConversationHandler.END


async def _ask(update: Update, context: ContextTypes.DEFAULT_TYPE, repeat: bool = False) -> int:
    """Asks the current step, or shows the preview when no step is left."""
    draft: Draft = context.user_data[DRAFT]
    lang = lang_of(update, context)
    message = update.effective_message
    if not draft.steps:
        try:
            fact = _checked(context, _build(context, draft))
        except UserError as e:
            context.user_data.pop(DRAFT, None)
            await send_html(message, "❗ " + _safe(e.message(lang)))
            return ConversationHandler.END
        preview = messages.t("mod.preview", lang, id=messages.escape(fact.id)) + "\n\n" + \
            messages.render_fact(fact, lang, messages.HTML)
        buttons = InlineKeyboardMarkup([[
            InlineKeyboardButton(messages.t("mod.save", lang), callback_data=f"{CONFIRM_DATA}:save"),
            InlineKeyboardButton(messages.t("mod.discard", lang), callback_data=f"{CONFIRM_DATA}:cancel")]])
        await send_html(message, preview, buttons)
        return CONFIRM
    step = draft.steps[0]
    if step in CHOICE_STEPS:
        await send_html(message, messages.t(f"mod.ask_{step}", lang), _choices(context, step, lang))
        return CHOICE
    if not repeat or step != "url":
        await send_html(message, messages.t(f"mod.ask_{step}", lang))
    return TEXT


def _choices(context: ContextTypes.DEFAULT_TYPE, step: str, lang: str) -> InlineKeyboardMarkup:
    if step == "verdict":
        options = [(v, messages.t(f"verdict.{v}", lang)) for v in VERDICTS] + [("none", messages.t("mod.no_verdict", lang))]
    elif step == "topic":
        options = [(k, labels.get(lang) or labels["id"]) for k, labels in service_of(context).topics.items()]
    else:
        options = [(k, messages.t(f"mod.field.{k}", lang)) for k in EDIT_FIELDS]
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=f"{CHOICE_DATA}:{value}")]
                                 for value, label in options])


async def _take_text(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft, text: str) -> None:
    """Validate and store a typed answer; raise UserError (the step is re-asked) when it is bad."""
    step = draft.steps[0]
    text = text.strip()
    if step in ("statement", "claim", "note"):
        if step == "note" and text == "-":
            text = ""
        elif len(text.split()) < (3 if step != "note" else 1):
            raise UserError("mod.too_short")
        if len(text) > MAX_STATEMENT:
            raise UserError("mod.too_long", limit=MAX_STATEMENT)
        draft.values[step] = text
    elif step == "url":
        await _take_url(update, context, draft, text)
        if draft.values.get("url") is None:
            return  # dead link reported; waiting for another URL or "tetap"
    elif step == "publisher":
        publisher, comma, when = text.rpartition(",")
        if not comma or not publisher.strip():
            raise UserError("mod.publisher_format")
        draft.values["publisher"] = publisher.strip()
        draft.values["published"] = parse_date(when.strip())
    elif step == "keywords":
        draft.values["keywords"] = [] if text == "-" else [k.strip() for k in re.split(r"[,\n;]", text) if k.strip()]
    draft.steps.pop(0)


async def _take_url(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: Draft, text: str) -> None:
    lang = lang_of(update, context)
    if text.lower() in KEEP_WORDS and draft.dead_url:
        draft.values.update(url=draft.dead_url, title="")
        return
    draft.values["url"] = None
    if not is_url(text):
        raise UserError("mod.url_invalid")
    check = await context.bot_data[LINKS].check(text)
    if not check.live:
        draft.dead_url = text
        await send_html(update.effective_message, messages.t("mod.url_dead", lang, problem=_safe(check.problem)))
        return
    draft.values.update(url=text, title=check.title)
    await send_html(update.effective_message, messages.t("mod.url_ok", lang, title=_safe(check.title or "-")))


def parse_date(value: str) -> str:
    """A publication date as ISO ("2024-01-23"; also 23-01-2024, 23/01/2024, 2024-01, 2024)."""
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            pass
    if is_partial_date(value) and len(value) < 10:
        return value
    raise UserError("mod.date_invalid", value=value or "-")


def _build(context: ContextTypes.DEFAULT_TYPE, draft: Draft) -> Fact:
    """The fact the draft describes (a new one, or the original with the edited part)."""
    values = draft.values
    changes: dict = {k: values[k] for k in ("statement", "verdict", "claim", "note", "topic") if k in values}
    if "keywords" in values:
        changes["keywords"] = tuple(values["keywords"])
    if "url" in values and values["url"]:
        changes["sources"] = (Source(publisher=values["publisher"], url=values["url"],
                                     published=values.get("published", ""), title=values.get("title", "")),)
    if draft.mode == "edit":
        fact = draft.original.with_changes(**changes)
        if "sources" in changes:  # a new source goes first; the earlier ones stay
            fact = fact.with_changes(sources=changes["sources"] + draft.original.sources)
        if "statement" in changes:
            fact = fact.with_changes(statement_en="")  # the old translation no longer matches
        if "claim" in changes:
            fact = fact.with_changes(claim_en="")
        return fact
    values.setdefault("id", editorial_of(context).new_id(values["statement"]))
    return Fact(id=values["id"], as_of=date.today().isoformat(), **changes)


def _safe(text: str) -> str:
    return messages.escape(text)


def _checked(context: ContextTypes.DEFAULT_TYPE, fact: Fact) -> Fact:
    """The fact, after the same validation the knowledge files get."""
    problems = fact_problems(fact.to_dict(), service_of(context).topics)
    if problems:
        raise UserError("mod.invalid", problem=problems[0][1])
    return fact


def conversation() -> ConversationHandler:
    """The /tambah and /ubah conversation, one per moderator and chat."""
    text = filters.TEXT & ~filters.COMMAND
    with warnings.catch_warnings():
        # PTB warns that buttons are tracked per user and chat, not per message: that is the intent,
        # a moderator has one draft at a time.
        warnings.filterwarnings("ignore", message=".*per_message=False", category=PTBUserWarning)
        return _conversation(text)


def _conversation(text: filters.BaseFilter) -> ConversationHandler:
    return ConversationHandler(
        entry_points=[CommandHandler("tambah", add_start), CommandHandler("ubah", edit_start)],
        states={
            TEXT: [MessageHandler(text, on_answer)],
            CHOICE: [CallbackQueryHandler(on_choice, pattern=rf"^{CHOICE_DATA}:"), MessageHandler(text, on_stray_text)],
            CONFIRM: [CallbackQueryHandler(on_confirm, pattern=rf"^{CONFIRM_DATA}:"),
                      MessageHandler(text, on_stray_text)],
        },
        fallbacks=[CommandHandler("batal", cancel)],
        allow_reentry=True,
        conversation_timeout=30 * 60,
        name="fact-editing",
    )


def add_handlers(application) -> None:
    """Registers the moderators' commands (before the citizens' handlers)."""
    application.add_handler(conversation())
    for names, handler in ((["mod"], mod_command), (["fakta"], fact_command), (["riwayat"], history_command),
                           (["cabut"], retract_command), (["pulihkan"], restore_command),
                           (["usulan"], proposals_command), (["setujui"], approve_command),
                           (["tolak"], reject_command), (["antrian"], queue_command), (["jawab"], answer_command),
                           (["abaikan"], dismiss_command), (["statistik"], stats_command), (["kata"], word_command)):
        application.add_handler(CommandHandler(names, handler))


__all__ = ["EDITORIAL", "LINKS", "add_handlers", "parse_date"]
