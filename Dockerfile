# syntax=docker/dockerfile:1
# Two stages: the first builds wheels for the bot and every dependency (compilers stay there), the
# second installs only those wheels, without network, and runs as an unprivileged user.

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY commands ./commands
COPY storage ./storage
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LOG_FORMAT=json \
    API_PORT=8080 \
    HEALTH_PORT=8080 \
    SLACK_PORT=3000
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links=/wheels clientes-bot==0.1.0 \
    && rm -rf /wheels \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/clientes-bot --create-home clientes
# The working directory holds ./data (the SQLite database and its key file when no PostgreSQL is set):
# mount a volume there to keep them.
WORKDIR /var/lib/clientes-bot
USER 10001:10001
EXPOSE 3000 8080
# /readyz: the database answers, the adapters are connected (a Discord standby counts) and the outbox is
# not stuck. HEALTH_PORT is served by the API when it listens there, else by a health-only server.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('HEALTH_PORT', '8080'), timeout=4).status == 200 else 1)"]
ENTRYPOINT ["clientes-bot"]
CMD ["run", "--no-migrate"]
