# syntax=docker/dockerfile:1
# nano-imagine: one process serving Discord and/or Slack, with its SQLite file on the /data volume.

# --- build: all dependencies, compile TypeScript -------------------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3 sharp
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# --- run: production dependencies and dist/ only, as a non-root user -----------------------------
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    DATABASE_PATH=/data/nano-imagine.db \
    HTTP_PORT=8080 \
    SHUTDOWN_GRACE_SECONDS=25
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# SIGTERM starts the graceful shutdown, bounded by SHUTDOWN_GRACE_SECONDS as a whole: running jobs
# finish and post within it, unfinished ones are released, unconfirmed uploads kept for the next
# start. Give the container 10 s more before SIGKILL (docker stop -t 35, compose
# stop_grace_period: 35s, Kubernetes terminationGracePeriodSeconds: 35).
STOPSIGNAL SIGTERM
# The ops server listens on HTTP_HOST (default 127.0.0.1, which this check reaches; compose sets
# 0.0.0.0). A specific address is checked there.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "const h=process.env.HTTP_HOST||'127.0.0.1',a=h==='0.0.0.0'||h==='::'?'127.0.0.1':h.includes(':')?'['+h+']':h;fetch('http://'+a+':'+(process.env.HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
