# syntax=docker/dockerfile:1
# The UHS Portal Help Bot as a container: a build stage compiles the TypeScript with every
# dependency; the runtime stage installs production dependencies only (npm ci --omit=dev), copies
# the compiled code and the data it reads, and runs as the unprivileged `node` user.
# test/deploy/dockerfile.test.ts checks this file; test/deploy/productionInstall.test.ts runs the
# same runtime layout (built dist/, npm ci --omit=dev, NODE_ENV=production) and talks to it.

ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY bot ./bot
COPY dialogs ./dialogs
COPY knowledge ./knowledge
COPY manifest ./manifest
COPY test ./test
RUN npm run build && node dist/knowledge/cli/check.js

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3978 \
    LOG_FORMAT=json \
    MAIL_OUTBOX=/app/outbox
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/bot ./dist/bot
COPY --from=build /app/dist/dialogs ./dist/dialogs
COPY --from=build /app/dist/knowledge ./dist/knowledge
COPY tools/buildIfNeeded.js ./tools/buildIfNeeded.js
COPY bot/data ./bot/data
COPY bot/web/public ./bot/web/public
COPY knowledge/entries ./knowledge/entries
COPY knowledge/flowFacts.yaml ./knowledge/flowFacts.yaml
# The only places the bot writes: the .eml outbox (without SMTP) and the knowledge parse cache.
RUN mkdir -p /app/outbox /app/node_modules/.cache && chown -R node:node /app/outbox /app/node_modules/.cache
USER node
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself (not npm start) is PID 1's child of the runtime: it receives SIGTERM and drains.
CMD ["node", "--disable-warning=DEP0111", "dist/bot/index.js"]
