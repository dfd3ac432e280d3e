"""Citizen-facing Telegram handlers: each turns an update into a core call and the answer into a message."""

from __future__ import annotations

import contextlib
import logging
import re
from collections import Counter

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot import messages
from bot.citizens import Citizens
from bot.hotline import TELEGRAM, Hotline, Reply, parse_number  # noqa: F401 (numbers in commands, too)
from bot.service import Service
from bot.tg import keyboards
from bot.tg.blocking import off_loop

logger = logging.getLogger(__name__)

SERVICE = "service"
CITIZENS = "citizens"
HOTLINE = "hotline"
FORGET = "hd"  # hd:yes | hd:no    confirm /hapusdata


def service_of(context: ContextTypes.DEFAULT_TYPE) -> Service:
    """The core, created once at start-up."""
    return context.bot_data[SERVICE]


def citizens_of(context: ContextTypes.DEFAULT_TYPE) -> Citizens:
    """Citizens' records, created once at start-up."""
    return context.bot_data[CITIZENS]


def hotline_of(context: ContextTypes.DEFAULT_TYPE) -> Hotline:
    """The citizens' hotline service, shared with every other channel."""
    hotline = context.bot_data.get(HOTLINE)
    if hotline is None:
        hotline = context.bot_data[HOTLINE] = Hotline(service_of(context), citizens_of(context))
    return hotline


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
    """Welcomes the citizen: what the bot checks, how to ask, what is stored and for how long."""
    lang = lang_of(update, context)
    await send_html(update.effective_message, messages.t("tg.start", lang) + "\n\n" + privacy_note(context, lang))


def privacy_note(context: ContextTypes.DEFAULT_TYPE, lang: str) -> str:
    """What is stored about a citizen and for how long, with the configured ages."""
    keep = citizens_of(context).retention
    days = lambda value: f"{value:g}"  # noqa: E731
    return messages.t("tg.privacy", lang, queries=days(keep.queries), feedback=days(keep.feedback),
                      deliveries=days(keep.deliveries), questions=days(keep.questions))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explains in detail how to ask, what answers mean, and what is stored."""
    lang = lang_of(update, context)
    await send_html(update.effective_message, messages.t("tg.help", lang) + "\n\n" + privacy_note(context, lang))


async def topics_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows the topics as buttons."""
    lang = lang_of(update, context)
    await send_html(update.effective_message, messages.t("tg.topics", lang), _topics_markup(context, lang))


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offers the two interface languages."""
    await send_html(update.effective_message, messages.t("tg.language_prompt", lang_of(update, context)),
                    keyboards.language_markup())


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Fact-checks a text message, forwarded message, caption or edited message."""
    if not is_addressed(update, context):
        return
    message = update.effective_message
    hotline = hotline_of(context)
    reply = await off_loop(context, hotline.ask, question_text(message, context.bot.username),
                           user_hash(update, context))
    html_text, markup = render_reply(reply, service_of(context).settings.public_url)
    sent = False
    try:
        await send_html(message, html_text, markup)
        sent = True
    finally:  # the query is logged even when the reply failed; a delivery only when a fact reached the chat
        await _after_reply(context, hotline.record, reply, message.chat_id if sent else None, TELEGRAM)
    answer = reply.answer
    logger.info("Query answered: %s%s", answer.kind, f" {answer.matches[0].fact.id}" if answer.answered else "")


def render_reply(reply: Reply, public_url: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """A hotline reply as Telegram HTML with its buttons: "Lihat juga" and feedback, or consent."""
    lang = reply.lang
    html_text = reply.text(messages.HTML)
    markup: InlineKeyboardMarkup | None = None
    if reply.best is not None:
        link = messages.share_link(reply.best.fact.id, public_url, lang)
        if link:
            html_text += "\n\n" + link
        markup = keyboards.answer_markup([(c.number, c.fact) for c in reply.see_also],
                                         (reply.best.number, reply.best.fact), lang)
    elif reply.offer_consent:
        html_text += "\n\n" + messages.t("tg.consent_prompt", lang)
        markup = keyboards.consent_markup(lang)
    return html_text, markup


async def _after_reply(context: ContextTypes.DEFAULT_TYPE, fn, *args) -> None:
    """Bookkeeping after a reply arrived: a failure is logged, never shown (the reply did arrive)."""
    try:
        await off_loop(context, fn, *args)
    except Exception:
        logger.exception("Bookkeeping after a reply failed")


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
    if not isinstance(query.message, Message) and kind != keyboards.FEEDBACK:
        # An inline-mode button, or one on a message too old for the bot to see: nothing to act on.
        await query.answer(messages.t("tg.stale_button", lang), show_alert=True)
        return
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
        await off_loop(context, citizens_of(context).set_lang, user_hash(update, context), rest)
        await query.answer()
        await query.edit_message_text(messages.t("tg.language_set", rest))
    elif kind == FORGET and rest in ("yes", "no"):
        await _forget(update, context, rest == "yes", lang)
    else:
        await query.answer(messages.t("tg.stale_button", lang), show_alert=True)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the error (never the token, ids or names) and, for a bug, tells the user something went
    wrong. A failed delivery gets no apology: the reply may have arrived (a timeout), or Telegram is
    unreachable and the apology would fail too."""
    error = context.error
    if isinstance(update, Update) and isinstance(error, Forbidden):
        # The user blocked the bot: remember it, do not retry or write to them again.
        if update.effective_user:
            await off_loop(context, citizens_of(context).set_active, user_hash(update, context), False)
            logger.info("A user blocked the bot; marked inactive")
        return
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        logger.warning("A reply could not be delivered: %s", error.message)
        return
    logger.error("Exception while handling an update:", exc_info=error)
    if not isinstance(update, Update):
        return
    lang = lang_of(update, context)
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):  # the spinner must stop, even if it was answered already
            await update.callback_query.answer(messages.t("tg.error", lang), show_alert=True)
        return
    if update.effective_chat:
        try:
            await context.bot.send_message(update.effective_chat.id, messages.t("tg.error", lang))
        except TelegramError:
            logger.warning("Could not tell chat about the error either")


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not know: a short help (commands meant for other bots are left alone)."""
    message = update.effective_message
    if message is None or not message.text:
        return
    command = message.text.split()[0]
    _, at, addressee = command.partition("@")
    username = (context.bot.username or "").lower()
    if at and addressee.lower() != username:
        return
    if not at and not is_addressed(update, context):
        return
    await send_html(message, messages.t("tg.unknown_command", lang_of(update, context)))


async def forget_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/hapusdata: asks for confirmation before deleting everything stored about the citizen."""
    lang = lang_of(update, context)
    markup = InlineKeyboardMarkup([[
        InlineKeyboardButton(messages.t("tg.forget_yes", lang), callback_data=f"{FORGET}:yes"),
        InlineKeyboardButton(messages.t("tg.forget_no", lang), callback_data=f"{FORGET}:no"),
    ]])
    await send_html(update.effective_message, messages.t("tg.forget_prompt", lang), markup)


async def _forget(update: Update, context: ContextTypes.DEFAULT_TYPE, confirmed: bool, lang: str) -> None:
    query = update.callback_query
    await query.answer()
    if not confirmed:
        await query.edit_message_text(messages.t("tg.forget_cancelled", lang))
        return
    from bot.tg.flood import GATE

    who = user_hash(update, context)
    await off_loop(context, citizens_of(context).forget, who)
    gate = context.bot_data.get(GATE)
    if gate is not None:
        gate.forget(who)
    if update.effective_user is not None:
        context.application.drop_user_data(update.effective_user.id)
    await query.edit_message_text(messages.t("tg.forgotten", lang))
    logger.info("A citizen's data was deleted on request")


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
    picked = hotline_of(context).pick(rest)
    fact, num = picked.fact, picked.number
    message = update.effective_message
    if fact is None:
        await send_html(message, messages.t("tg.stale_button", lang))
        return
    if picked.retracted:
        await send_html(message, messages.t("tg.retracted", lang))
        return
    html_text = messages.render_fact(fact, lang, messages.HTML)
    if picked.updated:
        html_text = messages.t("tg.updated", lang) + "\n\n" + html_text
    await send_html(message, html_text, keyboards.answer_markup([], (num, fact), lang))
    await _after_reply(context, citizens_of(context).record_delivery, message.chat_id, user_hash(update, context),
                       fact.id, fact.revision)


async def _feedback(update: Update, context: ContextTypes.DEFAULT_TYPE, rest: str, lang: str) -> None:
    query = update.callback_query
    if not await off_loop(context, hotline_of(context).feedback, user_hash(update, context), rest):
        await query.answer(messages.t("tg.stale_button", lang), show_alert=True)
        return
    await query.answer(messages.t("tg.feedback_thanks", lang))
    if isinstance(query.message, Message):
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
    if original is None or (original.from_user and original.from_user.id != query.from_user.id):
        await query.answer(messages.t("tg.consent_not_yours", lang), show_alert=True)
        return
    question = question_text(original, context.bot.username)
    new = await off_loop(context, hotline_of(context).forward, user_hash(update, context), query.message.chat_id,
                         question, TELEGRAM)
    if not new:  # a second tap on the same button
        await query.answer(messages.t("tg.already_queued", lang))
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await send_html(query.message, messages.t("tg.queued", lang))
    logger.info("A question was queued for moderators")
