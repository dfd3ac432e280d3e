"""The guided /tambah and /ubah conversation. The steps, their checks and the draft live in the core
(`editorial.drafts`, kept in the database); this module asks, shows buttons and previews.

```mermaid
stateDiagram-v2
    [*] --> TEXT: /tambah (statement)
    [*] --> CHOICE: /ubah id (which part?)
    [*] --> TEXT: /lanjut, or any message while a draft is open (after a restart)
    TEXT --> CHOICE: verdict, topic, confidence
    CHOICE --> TEXT: claim, url, publisher, keywords, dates, English text, note
    TEXT --> TEXT: bad answer (re-asked with the reason)
    TEXT --> CONFIRM: last step (preview)
    CHOICE --> CONFIRM: last step (preview)
    CONFIRM --> CONFIRM: changed meanwhile by someone else (reapply?)
    CONFIRM --> [*]: save (or propose, under two-person review)
    TEXT --> [*]: /batal, or a long pause (the draft is kept for /lanjut)
```
"""

from __future__ import annotations

import warnings
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import messages
from bot.editorial import Editorial, parse_command_args
from bot.editorial.drafts import CHOICE_STEPS, EDIT_FIELDS, NO_VERDICT
from bot.errors import UserError
from bot.knowledge import is_url
from bot.models import CONFIDENCES, VERDICTS
from bot.tg import notices
from bot.tg.blocking import off_loop
from bot.tg.handlers import lang_of, send_html, service_of
from bot.tg.staff import LINKS, editorial_of, moderators_only, user_id_of

TEXT, CHOICE, CONFIRM = range(3)
CHOICE_DATA = "mv"  # mv:<value>
CONFIRM_DATA = "mc"  # mc:save | mc:cancel | mc:reapply
SAVE, DISCARD, REAPPLY = "save", "cancel", "reapply"
DEFAULT_TIMEOUT = 30 * 60  # seconds of silence after which the conversation closes (the draft stays)


class _Drafting(filters.UpdateFilter):
    """Updates from a moderator with a draft in progress (after a restart, say)."""

    def __init__(self, editorial: Editorial):
        super().__init__(name="drafting")
        self.editorial = editorial

    def filter(self, update: Update) -> bool:
        return bool(update.effective_user) and self.editorial.is_drafting(update.effective_user.id)


@moderators_only()
async def add_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/tambah: starts writing a new fact."""
    await off_loop(context, editorial_of(context).start_add, user_id_of(update))
    return await _ask(update, context)


@moderators_only()
async def edit_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/ubah <id>: starts editing one part of a fact."""
    await off_loop(context, editorial_of(context).start_edit, user_id_of(update),
                   parse_command_args(update.effective_message.text)[0])
    return await _ask(update, context)


@moderators_only()
async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/lanjut: takes up a paused draft where it stopped."""
    await off_loop(context, editorial_of(context).resume, user_id_of(update))
    await send_html(update.effective_message, messages.t("mod.resumed", lang_of(update, context)))
    return await _ask(update, context)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/batal: leaves the conversation; nothing is saved."""
    await off_loop(context, editorial_of(context).cancel, user_id_of(update))
    await send_html(update.effective_message, messages.t("mod.cancelled", lang_of(update, context)))
    return ConversationHandler.END


async def timed_out(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A long pause: the draft is kept (paused) and the moderator is told how to go on."""
    await off_loop(context, editorial_of(context).pause, user_id_of(update))
    if update.effective_chat:
        await context.bot.send_message(update.effective_chat.id, messages.t("mod.timeout", lang_of(update, context)))


@moderators_only()
async def on_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A typed answer for the current step; a bad one is re-asked with the reason."""
    editorial = editorial_of(context)
    user_id = user_id_of(update)
    draft = await off_loop(context, editorial.resume, user_id)
    text = update.effective_message.text or ""
    lang = lang_of(update, context)
    if draft.step in CHOICE_STEPS or draft.step is None:
        await send_html(update.effective_message, messages.t("mod.use_buttons", lang))
        return _state(draft.step)
    try:
        if draft.step == "url":
            done = await _take_link(update, context, text)
            if not done:
                return TEXT  # the dead link was reported with what to do next
        else:
            await off_loop(context, editorial.answer, user_id, text)
    except UserError as e:
        await send_html(update.effective_message, "❗ " + e.html(lang))
        return await _ask(update, context, repeat=True)
    return await _ask(update, context)


async def _take_link(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> bool:
    editorial = editorial_of(context)
    lang = lang_of(update, context)
    message = update.effective_message
    draft = editorial.draft(user_id_of(update))
    if draft is not None and draft.dead_url and text.strip().lower() in ("tetap", "keep"):
        await off_loop(context, editorial.link, user_id_of(update), text, live=False)
        return True
    if not is_url(text.strip()):
        raise UserError("mod.url_invalid")
    await send_html(message, messages.t("mod.url_checking", lang))
    check = await context.bot_data[LINKS].check(text.strip())
    await off_loop(context, editorial.link, user_id_of(update), text, check.live, check.title)
    if not check.live:
        await send_html(message, messages.t_html("mod.url_dead", lang, problem=check.problem))
        return False
    await send_html(message, messages.t_html("mod.url_ok", lang, title=check.title or "-"))
    return True


@moderators_only()
async def on_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A button answer (verdict, topic, confidence, which part to edit)."""
    query = update.callback_query
    await query.answer()
    editorial = editorial_of(context)
    await off_loop(context, editorial.resume, user_id_of(update))
    if await off_loop(context, editorial.choose, user_id_of(update), (query.data or "").partition(":")[2]) is None:
        await send_html(update.effective_message, messages.t("tg.stale_button", lang_of(update, context)))
        return await _ask(update, context)
    await query.edit_message_reply_markup(None)
    return await _ask(update, context)


async def on_stray_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text typed where a button is expected."""
    await send_html(update.effective_message, messages.t("mod.use_buttons", lang_of(update, context)))


@moderators_only()
async def on_confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Saves the previewed fact (or proposes it), reapplies a stale edit, or discards the draft."""
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    editorial = editorial_of(context)
    user_id = user_id_of(update)
    lang = lang_of(update, context)
    action = (query.data or "").partition(":")[2]
    if action == DISCARD or editorial.draft(user_id) is None:
        await off_loop(context, editorial.cancel, user_id)
        await send_html(update.effective_message, messages.t("mod.cancelled", lang))
        return ConversationHandler.END
    if action == REAPPLY:
        await off_loop(context, editorial.reapply, user_id)
        return await _ask(update, context)
    try:
        outcome = await off_loop(context, editorial.finish, user_id)
    except UserError as e:
        if e.key == "mod.stale":
            await send_html(update.effective_message, e.html(lang), _buttons(
                [(f"{CONFIRM_DATA}:{REAPPLY}", messages.t("mod.reapply", lang)),
                 (f"{CONFIRM_DATA}:{DISCARD}", messages.t("mod.discard", lang))]))
            return CONFIRM
        await off_loop(context, editorial.cancel, user_id)
        await send_html(update.effective_message, "❗ " + e.html(lang))
        return ConversationHandler.END
    if outcome.proposal_id is not None:
        text = messages.t_html("mod.proposed", lang, number=outcome.proposal_id, id=outcome.fact.id)
    else:
        text = messages.t_html("mod.saved", lang, id=outcome.fact.id, revision=outcome.fact.revision)
    if outcome.notices:
        text += "\n" + messages.t("mod.corrections_queued", lang, count=outcome.notices)
        notices.kick(context)
    await send_html(update.effective_message, text)
    return ConversationHandler.END


def _state(step: str | None) -> int:
    return CONFIRM if step is None else CHOICE if step in CHOICE_STEPS else TEXT


async def _ask(update: Update, context: ContextTypes.DEFAULT_TYPE, repeat: bool = False) -> int:
    """Asks the current step, or shows the preview when no step is left."""
    editorial = editorial_of(context)
    user_id = user_id_of(update)
    draft = editorial.draft(user_id)
    lang = lang_of(update, context)
    message: Message = update.effective_message
    if draft is None:
        return ConversationHandler.END
    if draft.step is None:
        try:
            fact = await off_loop(context, editorial.preview, user_id)
        except UserError as e:
            await off_loop(context, editorial.cancel, user_id)
            await send_html(message, "❗ " + e.html(lang))
            return ConversationHandler.END
        preview = messages.t_html("mod.preview", lang, id=fact.id) + "\n\n" + \
            messages.render_fact(fact, lang, messages.HTML)
        await send_html(message, preview, _buttons([(f"{CONFIRM_DATA}:{SAVE}", messages.t("mod.save", lang)),
                                                    (f"{CONFIRM_DATA}:{DISCARD}", messages.t("mod.discard", lang))]))
        return CONFIRM
    if draft.step in CHOICE_STEPS:
        await send_html(message, messages.t(f"mod.ask_{draft.step}", lang), _choices(context, draft.step, lang))
        return CHOICE
    if not repeat or draft.step != "url":
        await send_html(message, messages.t(f"mod.ask_{draft.step}", lang))
    return TEXT


def _buttons(rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)] for data, label in rows])


def _choices(context: ContextTypes.DEFAULT_TYPE, step: str, lang: str) -> InlineKeyboardMarkup:
    options: list[tuple[str, str]]
    if step == "verdict":
        options = [(v, messages.t(f"verdict.{v}", lang)) for v in VERDICTS] + \
            [(NO_VERDICT, messages.t("mod.no_verdict", lang))]
    elif step == "topic":
        options = [(k, labels.get(lang) or labels["id"]) for k, labels in service_of(context).topics.items()]
    elif step == "confidence":
        options = [(c, messages.t(f"mod.confidence.{c}", lang)) for c in CONFIDENCES]
    else:
        options = [(k, messages.t(f"mod.field.{k}", lang)) for k in EDIT_FIELDS]
    return _buttons([(f"{CHOICE_DATA}:{value}", label) for value, label in options])


def conversation(editorial: Editorial, timeout: float = DEFAULT_TIMEOUT) -> ConversationHandler:
    """The /tambah and /ubah conversation, one per moderator and chat."""
    text = filters.TEXT & ~filters.COMMAND
    drafting = _Drafting(editorial)
    with warnings.catch_warnings():
        # PTB warns that buttons are tracked per user and chat, not per message: that is the intent,
        # a moderator has one draft at a time.
        warnings.filterwarnings("ignore", message=".*per_message=False", category=PTBUserWarning)
        handlers: dict[Any, list[Any]] = {
            TEXT: [MessageHandler(text, on_answer)],
            CHOICE: [CallbackQueryHandler(on_choice, pattern=rf"^{CHOICE_DATA}:"), MessageHandler(text, on_stray_text)],
            CONFIRM: [CallbackQueryHandler(on_confirm, pattern=rf"^{CONFIRM_DATA}:"),
                      MessageHandler(text, on_stray_text)],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
        }
        return ConversationHandler(
            entry_points=[CommandHandler("tambah", add_start), CommandHandler("ubah", edit_start),
                          CommandHandler("lanjut", resume),
                          # A draft open when the bot restarted: the conversation picks up where it was.
                          MessageHandler(drafting & text, on_answer),
                          CallbackQueryHandler(on_choice, pattern=rf"^{CHOICE_DATA}:"),
                          CallbackQueryHandler(on_confirm, pattern=rf"^{CONFIRM_DATA}:")],
            states=handlers,
            fallbacks=[CommandHandler("batal", cancel)],
            allow_reentry=True,
            conversation_timeout=timeout,
            name="fact-editing",
        )
