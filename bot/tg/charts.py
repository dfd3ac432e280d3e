"""Moderators' pictures on Telegram: `/statistik grafik` (a PNG chart) and the daily digest of spikes
in unanswered words (off unless CEKFAKTA_DIGEST_TIME is set).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import time

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot import messages
from bot.config import Settings
from bot.tg.handlers import lang_of, service_of
from bot.tg.staff import editorial_of, moderators_only
from bot.trends import Trends, ignored_words, spikes, trends

logger = logging.getLogger(__name__)

CHART_WORDS = ("grafik", "chart", "graph")
# "/statistik grafik" (also "/statistik@bot grafik"); plain /statistik stays with moderation's handler.
CHART_FILTER = filters.Regex(rf"^/statistik(@\w+)?\s+({'|'.join(CHART_WORDS)})\b")
DIGEST_JOB = "daily-digest"


def chart_data(context: ContextTypes.DEFAULT_TYPE) -> Trends:
    """The last 30 days of questions, as the chart shows them."""
    service = service_of(context)
    lexicon = service.analyzer.lexicon
    return trends(service.store.db, ignored_words(lexicon.stopwords, lexicon.smalltalk), service.settings.tz)


@moderators_only()
async def stats_chart_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/statistik grafik: questions per day by outcome and the top unanswered words, as a picture."""
    from bot.charts import render_png

    lang = lang_of(update, context)
    data = chart_data(context)  # a few grouped queries, on the loop's thread like every database call
    png = await asyncio.to_thread(render_png, data, lang)  # ~0.3 s of matplotlib, off the event loop
    caption = messages.t("mod.chart_caption", lang, days=len(data.days), total=data.total)
    if not data.tells_near:
        caption += "\n" + messages.t("mod.chart_near_unknown", lang)
    await update.effective_message.reply_photo(png, caption=caption, filename="statistik.png")


def digest_text(context: ContextTypes.DEFAULT_TYPE, lang: str) -> str | None:
    """The digest of today's spikes in unanswered words, or None when there are none."""
    service = service_of(context)
    lexicon = service.analyzer.lexicon
    found = spikes(service.store.db, ignored_words(lexicon.stopwords, lexicon.smalltalk),
                   min_count=service.settings.digest_min)
    if not found:
        return None
    lines = [messages.t("mod.digest", lang)]
    lines += [messages.escape(messages.t("mod.digest_line", lang, word=s.word, count=s.count, usual=f"{s.usual:.1f}"))
              for s in found[:10]]
    return "\n".join(lines)


async def send_digest(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The daily job: tell every moderator and owner about spikes; say nothing on a quiet day."""
    editorial = editorial_of(context)
    recipients = editorial.staff_ids()
    texts: dict[str, str | None] = {}
    sent = 0
    for user_id in recipients:
        lang = editorial.citizens.lang(editorial.citizens.hash(user_id)) or service_of(context).settings.lang
        if lang not in texts:
            texts[lang] = digest_text(context, lang)
        if texts[lang] is None:
            return
        try:
            await context.bot.send_message(user_id, texts[lang], parse_mode=ParseMode.HTML)
            sent += 1
        except Forbidden:
            logger.info("A moderator has blocked the bot; the digest was not delivered")
        except TelegramError:
            logger.warning("Could not deliver the digest to a moderator", exc_info=True)
    logger.info("Daily digest sent to %d of %d moderators", sent, len(recipients))


def add_handlers(application: Application, settings: Settings) -> None:
    """Register /statistik grafik (before moderation's /statistik) and, when configured, the daily digest."""
    application.add_handler(CommandHandler("statistik", stats_chart_command, filters=CHART_FILTER))
    if settings.digest_time:
        hours, minutes = (int(part) for part in settings.digest_time.split(":"))
        application.job_queue.run_daily(send_digest, time(hours, minutes, tzinfo=settings.tz), name=DIGEST_JOB)
