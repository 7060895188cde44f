# FMS container image. Three stages from one build:
#   build    node 24 with a compiler (better-sqlite3 builds from source when no prebuilt binary
#            fits): `npm ci`, `npm run build`, then `npm prune --omit=dev` — the commands CI runs
#   nginx    the nginx of compose.yaml, with the static build baked in (deploy/nginx/fms.compose.conf)
#   runtime  (the default target) node 24 slim, the compiled app, a non-root user
#
# node:24 is the newest 24.x: 24.22 or newer is needed (24.19 to 24.21 abort when V8 frees a
# better-sqlite3 statement; see src/db/sqlite-statements.ts). Both stages must be the same Node,
# since the native modules are built in one and run in the other.
#
#   docker build -t fms .                      # the app
#   docker build --target nginx -t fms-nginx . # its nginx
#   docker run --rm -p 8000:8000 -v fms-data:/var/lib/fms \
#     -e SECRET_KEY="$(openssl rand -hex 32)" -e FMS_MIGRATE_ON_START=true fms
#
# See docs/deployment.md ("Docker and compose").

FROM node:24-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
RUN npm prune --omit=dev --no-audit --no-fund

FROM nginx:1.28-bookworm AS nginx
# The official image renders /etc/nginx/templates/*.template into conf.d/ at start, replacing
# ${FMS_DOMAIN} with the container's environment variable (nginx's own $variables stay).
COPY deploy/nginx/fms.compose.conf /etc/nginx/templates/default.conf.template
COPY --from=build /app/dist/static /usr/share/fms/static

FROM node:24-bookworm-slim AS runtime
# pg_dump and pg_restore make exact PostgreSQL backups (`fms backup`); without them FMS falls back
# to its own logical dump. Debian 12's client is 15, as the postgres:15 of compose.yaml.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 fms \
 && useradd --system --uid 10001 --gid fms --home-dir /var/lib/fms --no-create-home --shell /usr/sbin/nologin fms \
 && mkdir -p /var/lib/fms/uploads /var/lib/fms/backups \
 && chown -R fms:fms /var/lib/fms
WORKDIR /opt/fms
# The code belongs to root and is read-only for the fms user that runs it.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY deploy/docker-entrypoint.sh ./deploy/docker-entrypoint.sh

# Production defaults; everything can be overridden at `docker run -e` or in compose.yaml. Secrets
# come from the environment or from files: SECRET_KEY_FILE, DATABASE_URL_FILE,
# RATELIMIT_STORAGE_URI_FILE, METRICS_TOKEN_FILE (Docker secrets under /run/secrets/).
# WEB_CONCURRENCY: worker processes of `fms serve`.
ENV FMS_CONFIG=production \
    DATABASE_URL=sqlite:/var/lib/fms/fms.sqlite \
    UPLOAD_FOLDER=/var/lib/fms/uploads \
    PORT=8000 \
    HOST=0.0.0.0 \
    WEB_CONCURRENCY=2

USER fms
# The SQLite database (when DATABASE_URL is not PostgreSQL), the uploads and the backups.
VOLUME /var/lib/fms
EXPOSE 8000
# Alive: /healthz answers (also in maintenance mode). The slim image has no curl; node has fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/opt/fms/deploy/docker-entrypoint.sh"]
CMD ["serve"]
