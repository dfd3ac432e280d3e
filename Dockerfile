# cekfakta: the Telegram bot. See README.md, "Deployment".
#   docker build -t cekfakta .
#   docker run -d --name cekfakta --restart unless-stopped --env-file cekfakta.env -v cekfakta:/data cekfakta
# The database lives on the /data volume; the bot runs as an unprivileged user (uid 10001).
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CEKFAKTA_DB=/data/cekfakta.db \
    CEKFAKTA_WEBHOOK_LISTEN=0.0.0.0 \
    CEKFAKTA_WEBHOOK_PORT=8443

WORKDIR /src

# 1. Dependencies only, in their own layer: rebuilt when pyproject.toml changes, not on every code change.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements.txt \
    && pip install -r requirements.txt

# 2. The application itself (no dependencies left to fetch).
COPY README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
RUN pip install --no-deps .

# 3. An unprivileged user, and the volume it owns. A bind mount must be writable by uid 10001
#    (`chown 10001 <folder>`); otherwise `cekfakta` stops with a line saying so.
RUN useradd --create-home --uid 10001 cekfakta \
    && mkdir -p /data && chown cekfakta /data
USER cekfakta
WORKDIR /home/cekfakta
VOLUME /data

# The webhook, /healthz and /metrics share this port (webhook mode); in polling mode set
# CEKFAKTA_METRICS_PORT to serve /healthz and /metrics.
EXPOSE 8443
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["cekfakta", "health"]

# Without TELEGRAM_BOT_TOKEN, `cekfakta run` stops with exit code 78 (configuration) instead of
# opening the console chat, so a restart policy does not loop on a missing token.
CMD ["cekfakta", "run"]
