# The alliance API for the Neo4j backend (see docker-compose.yml and docs/operations.md).
# Stateless: run as many containers as the load needs, all pointing at one Neo4j; several
# workers per container (--workers N) need ALLIANCE_QUOTA_STORAGE_URL=redis://... so that
# quotas are counted once (docker-compose.yml does both).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# What the wheel is built from (pyproject force-includes seed/ as alliance/_seed).
COPY pyproject.toml README.md ./
COPY graph_schema ./graph_schema
COPY alliance ./alliance
COPY seed ./seed
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app --create-home alliance \
    && install -d -o alliance -g alliance /app/data

WORKDIR /app
USER alliance
ENV ALLIANCE_BACKEND=neo4j \
    ALLIANCE_HOST=0.0.0.0 \
    ALLIANCE_PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=4 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"]
CMD ["alliance", "serve", "--host", "0.0.0.0", "--workers", "1"]
