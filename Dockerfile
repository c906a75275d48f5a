# syntax=docker/dockerfile:1
# The m24 image: api (`m24 serve`), migrations (`m24 db upgrade`), workers and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system m24 \
 && useradd --system --gid m24 --home-dir /home/m24 --create-home --shell /usr/sbin/nologin m24

WORKDIR /app

# Pinned dependencies first (cached layer), then the package itself without resolving again.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-deps . && rm -rf build src/*.egg-info

USER m24
WORKDIR /home/m24
EXPOSE 8000
CMD ["m24", "serve", "--host", "0.0.0.0", "--port", "8000"]
