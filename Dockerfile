# Image for web, worker and beat. Built by docker compose (no Docker engine runs on the dev machine).
FROM node:24-bookworm-slim AS static
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends \
      gdal-bin libgdal-dev libgeos-dev libproj-dev gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml requirements.lock ./
COPY . .
RUN pip install --no-cache-dir -c requirements.lock .
COPY --from=static /app/node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
COPY --from=static /app/node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
COPY --from=static /app/node_modules/leaflet.markercluster/dist/ static/vendor/markercluster/
# collectstatic needs settings but no database; throwaway keys are fine for this step only.
RUN SECRET_KEY=build FIELD_ENCRYPTION_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= DEBUG=False \
    python manage.py collectstatic --noinput -v 0 \
    && python manage.py compilemessages -v 0
RUN useradd --system --home /app portal && mkdir -p /app/media && chown portal /app/media
USER portal
EXPOSE 8000
CMD ["gunicorn", "hechuan_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--timeout", "120"]
