"""Citizen-facing Telegram handlers: each turns an update into a core call and the answer into a message."""

from __future__ import annotations

import contextlib
import logging
import re
from collections import Counter

from telegram import InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import messages
from bot.citizens import Citizens
from bot.models import Answer
from bot.service import Service
from bot.tg import keyboards

logger = logging.getLogger(__name__)

SERVICE = "service"
CITIZENS = "citizens"


def service_of(context: ContextTypes.DEFAULT_TYPE) -> Service:
    """The core, created once at start-up."""
    return context.bot_data[SERVICE]


def citizens_of(context: ContextTypes.DEFAULT_TYPE) -> Citizens:
    """Citizens' records, created once at start-up."""
    return context.bot_data[CITIZENS]


def user_hash(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The sender's id as stored and logged (salted hash); "-" when there is no sender."""
    user = update.effective_user
    return citizens_of(context).hash(user.id) if user else "-"


def lang_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The sender's chosen language, else the configured default."""
    chosen = citizens_of(context).lang(user_hash(update, context)) if update.effective_user else None
    return chosen or service_of(context).settings.lang


async def send_html(message: Message, html_text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    """Reply with HTML, split into parts of at most 4096 characters; buttons go on the last part."""
    parts = messages.split_html(html_text)
    sent = message
    for n, part in enumerate(parts):
        sent = await message.reply_text(
            part, parse_mode=ParseMode.HTML, disable_web_page_preview=True,
            reply_markup=markup if n == len(parts) - 1 else None,
            reply_parameters=ReplyParameters(message_id=message.message_id, allow_sending_without_reply=True),
        )
    return sent


def is_addressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """In a private chat always; in a group only a mention of the bot or a reply to it."""
    message = update.effective_message
    if message is None or update.effective_chat is None:
        return False
    if update.effective_chat.type == ChatType.PRIVATE:
        return True
    username = (context.bot.username or "").lower()
    text = (message.text or message.caption or "").lower()
    if username and f"@{username}" in text:
        return True
    reply = message.reply_to_message
    return bool(reply and reply.from_user and reply.from_user.id == context.bot.id)


def question_text(message: Message, bot_username: str | None) -> str:
    """The text to check: the message text or caption, without the bot's @mention."""
    text = message.text or message.caption or ""
    if bot_username:
        text = re.sub(rf"@{re.escape(bot_username)}\b", " ", text, flags=re.IGNORECASE)
    return text


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcomes the citizen: what the bot checks, how to ask, what is stored."""
    await send_html(update.effective_message, messages.t("tg.start", lang_of(update, context)))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explains in detail how to ask and what answers mean."""
    await send_html(update.effective_message, messages.t("tg.help", lang_of(update, context)))


async def topics_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows the topics as buttons."""
    lang = lang_of(update, context)
    await update.effective_message.reply_text(
        messages.t("tg.topics", lang), reply_markup=_topics_markup(context, lang))


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offers the two interface languages."""
    await update.effective_message.reply_text(
        messages.t("tg.language_prompt", lang_of(update, context)), reply_markup=keyboards.language_markup())


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Fact-checks a text message, forwarded message, caption or edited message."""
    if not is_addressed(update, context):
        return
    message = update.effective_message
    service = service_of(context)
    citizens = citizens_of(context)
    who = user_hash(update, context)
    _reactivate(citizens, who)
    answer = service.checker.check(question_text(message, context.bot.username))
    # The citizen's chosen language; else English for a message in English.
    lang = messages.reply_language(answer, citizens.lang(who) if update.effective_user else None,
                                   service.settings.lang)
    html_text = messages.render_answer(answer, lang, messages.HTML, see_also=False)
    sent = False
    try:
        if answer.answered:
            link = messages.share_link(answer.matches[0].fact.id, service.settings.public_url, lang)
            if link:
                html_text += "\n\n" + link
            store = service.store
            numbered = [(store.number(m.fact.id), m.fact) for m in answer.matches]
            markup = keyboards.answer_markup(numbered[1:], numbered[0], lang)
            await send_html(message, html_text, markup)
        elif answer.kind in ("nearest", "not_found"):  # not the answer (a labelled nearest fact): offer the queue
            html_text += "\n\n" + messages.t("tg.consent_prompt", lang)
            await send_html(message, html_text, keyboards.consent_markup(lang))
        else:
            await send_html(message, html_text)
        sent = True
    finally:  # the query is logged even when the reply failed; a delivery only when a fact reached the chat
        _record_answer(service, citizens, who, answer, message.chat_id if sent else None)
    logger.info("Query from %s: %s%s", who, answer.kind,
                f" {answer.matches[0].fact.id}" if answer.answered else "")


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Asks politely for text when a sticker, voice note, photo without caption and so on arrives."""
    if not is_addressed(update, context):
        return
    await send_html(update.effective_message, messages.t("tg.nontext", lang_of(update, context)))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Handles every inline button: topics, facts, see-also, feedback, consent, language."""
    query = update.callback_query
    kind, _, rest = (query.data or "").partition(":")
    lang = lang_of(update, context)
    if kind == keyboards.TOPIC:
        await query.answer()
        await _show_topic(query, context, rest, lang)
    elif kind == keyboards.FACT:
        await query.answer()
        await _show_fact(update, context, rest, lang)
    elif kind == keyboards.FEEDBACK:
        await _feedback(update, context, rest, lang)
    elif kind == keyboards.CONSENT:
        await _consent(update, context, lang)
    elif kind == keyboards.LANGUAGE and rest in messages.LANGS:
        citizens_of(context).set_lang(user_hash(update, context), rest)
        await query.answer()
        await query.edit_message_text(messages.t("tg.language_set", rest))
    else:
        await query.answer(messages.t("tg.stale_button", lang), show_alert=True)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the error (never the token) and tells the user something went wrong."""
    error = context.error
    if isinstance(update, Update) and isinstance(error, Forbidden):
        # The user blocked the bot: remember it, do not retry or write to them again.
        if update.effective_user:
            citizens_of(context).set_active(user_hash(update, context), False)
            logger.info("User %s blocked the bot; marked inactive", user_hash(update, context))
        return
    logger.error("Exception while handling an update:", exc_info=error)
    if isinstance(update, Update) and update.effective_chat:
        try:
            await context.bot.send_message(update.effective_chat.id, messages.t("tg.error", lang_of(update, context)))
        except TelegramError:
            logger.warning("Could not tell chat about the error either")


def _reactivate(citizens: Citizens, who: str) -> None:
    if not citizens.is_active(who):
        citizens.set_active(who, True)


def _record_answer(service: Service, citizens: Citizens, who: str, answer: Answer, chat_id: int | None) -> None:
    """The query's statistics and, when a fact (the answer or the nearest) was sent to `chat_id`, its
    delivery: one transaction. Statistics keep only words the knowledge index knows: never names,
    numbers or the message."""
    vocabulary = service.store.vocabulary().doc_freq
    best = answer.matches[0].fact.id if answer.answered else None
    shown = answer.matches[0].fact if answer.kind in ("fact", "nearest") and answer.matches else None
    delivered = (chat_id, shown.id, shown.revision) if shown is not None and chat_id is not None else None
    citizens.record_answer(who, answer.answered, best, [t for t in answer.terms if t in vocabulary], answer.kind,
                           delivered)


def _topics_markup(context: ContextTypes.DEFAULT_TYPE, lang: str) -> InlineKeyboardMarkup:
    service = service_of(context)
    counts = Counter(f.topic for f in service.store.facts())
    return keyboards.topics_markup(service.topics, counts, lang)


async def _show_topic(query, context: ContextTypes.DEFAULT_TYPE, key: str, lang: str) -> None:
    service = service_of(context)
    if not key:
        await query.edit_message_text(messages.t("tg.topics", lang), reply_markup=_topics_markup(context, lang))
        return
    facts = service.store.facts(topic=key)
    labels = service.topics.get(key)
    if not facts or labels is None:
        await query.edit_message_text(messages.t("tg.topic_empty", lang),
                                      reply_markup=_topics_markup(context, lang))
        return
    numbered = [(service.store.number(f.id), f) for f in facts]
    await query.edit_message_text(messages.t("tg.topic_facts", lang, topic=labels.get(lang) or labels["id"]),
                                  reply_markup=keyboards.topic_facts_markup(numbered, lang))


async def _show_fact(update: Update, context: ContextTypes.DEFAULT_TYPE, rest: str, lang: str) -> None:
    service = service_of(context)
    num, _, revision = rest.partition(":")
    fact = service.store.get_by_number(int(num)) if num.isdigit() else None
    message = update.effective_message
    if fact is None or fact.status == "proposed":
        await send_html(message, messages.t("tg.stale_button", lang))
        return
    if fact.status == "retracted":
        await send_html(message, messages.t("tg.retracted", lang))
        return
    html_text = messages.render_fact(fact, lang, messages.HTML)
    if revision != str(fact.revision):
        html_text = messages.t("tg.updated", lang) + "\n\n" + html_text
    numbered = (int(num), fact)
    await send_html(message, html_text, keyboards.answer_markup([], numbered, lang))
    citizens_of(context).record_delivery(message.chat_id, user_hash(update, context), fact.id, fact.revision)


async def _feedback(update: Update, context: ContextTypes.DEFAULT_TYPE, rest: str, lang: str) -> None:
    query = update.callback_query
    parts = rest.split(":")
    fact = service_of(context).store.get_by_number(int(parts[0])) if parts[0].isdigit() else None
    if fact is None or len(parts) != 3:
        await query.answer(messages.t("tg.stale_button", lang), show_alert=True)
        return
    citizens_of(context).record_feedback(user_hash(update, context), fact.id, int(parts[1]) if parts[1].isdigit()
                                         else fact.revision, parts[2] == "1")
    await query.answer(messages.t("tg.feedback_thanks", lang))
    with contextlib.suppress(BadRequest):  # a message too old to edit: the feedback is stored all the same
        await query.edit_message_reply_markup(keyboards.without_feedback(query.message.reply_markup))


async def _consent(update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str) -> None:
    """Stores a question the citizen agreed to forward: the message the bot's reply answered."""
    query = update.callback_query
    original = query.message.reply_to_message if query.message else None
    text = (original.text or original.caption or "") if original else ""
    if not text.strip():
        await query.answer(messages.t("tg.consent_expired", lang), show_alert=True)
        return
    if original.from_user and original.from_user.id != query.from_user.id:
        await query.answer(messages.t("tg.consent_not_yours", lang), show_alert=True)
        return
    service = service_of(context)
    question = question_text(original, context.bot.username)
    _, new = citizens_of(context).queue_question(user_hash(update, context), query.message.chat_id, question,
                                                 service.analyzer.normalizer.normalize(question))
    if not new:  # a second tap on the same button
        await query.answer(messages.t("tg.already_queued", lang))
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await send_html(query.message, messages.t("tg.queued", lang))
    logger.info("Question from %s queued for moderators", user_hash(update, context))
