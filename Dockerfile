# pcibot image: slim Python, runs as an unprivileged user, healthy when /healthz answers 200.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md routing_rules.yaml ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN python -m venv /opt/pcibot && /opt/pcibot/bin/pip install --no-cache-dir .

FROM python:3.11-slim
ENV PATH=/opt/pcibot/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    PCIBOT_WEB_HOST=0.0.0.0 \
    PCIBOT_WEB_PORT=8080 \
    PCIBOT_CONSOLE=0 \
    PCIBOT_RULES=/app/routing_rules.yaml \
    PCIBOT_DATABASE_URL=sqlite+aiosqlite:////data/pcibot.db
COPY --from=build /opt/pcibot /opt/pcibot
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin pcibot \
    && mkdir -p /app /data && chown pcibot:pcibot /data
WORKDIR /app
COPY --chown=pcibot:pcibot routing_rules.yaml /app/routing_rules.yaml
USER pcibot
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PCIBOT_WEB_PORT', '8080') + '/healthz', timeout=4)"]
CMD ["pcibot", "run"]
