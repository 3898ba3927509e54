# The image web, worker and beat share (docker-compose.yml). Build: docker compose build
# Stage 1: front-end libraries are pinned npm packages (package-lock.json), served by the app.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# Stage 2: the application.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=cm_platform.settings \
    CM_VAR_DIR=/app/var \
    MEDIA_ROOT=/app/media
# gettext: compilemessages needs msgfmt.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY --from=assets /app/node_modules ./node_modules
COPY . .
# Build-time only: collectstatic writes the hashed manifest whitenoise serves when DEBUG is off.
# This throwaway key never reaches a running container (compose requires a real one).
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only-not-secret \
        python manage.py collectstatic --noinput -v 0 \
    && python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0 \
    && useradd --create-home --uid 1000 app \
    && mkdir -p /app/var /app/media \
    && chown -R app:app /app/var /app/media
USER app
EXPOSE 8000
CMD ["gunicorn", "cm_platform.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
