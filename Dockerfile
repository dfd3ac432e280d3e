# cekfakta: the Telegram bot (or, without a token, nothing useful: run it with TELEGRAM_BOT_TOKEN).
#   docker build -t cekfakta .
#   docker run -e TELEGRAM_BOT_TOKEN=123:abc -v cekfakta:/data cekfakta
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    CEKFAKTA_DB=/data/cekfakta.db

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
RUN pip install . \
    && useradd --create-home --uid 10001 cekfakta \
    && mkdir -p /data && chown cekfakta /data

USER cekfakta
WORKDIR /home/cekfakta
VOLUME /data
CMD ["cekfakta", "run"]
