# One image for every ghl-bridge service; docker-compose.yml picks the command.
# TypeScript runs through tsx, so the image ships the sources exactly as they are tested.

# Dependencies first: this layer is rebuilt only when a manifest or the lockfile changes.
FROM node:20.19-bookworm-slim AS deps
WORKDIR /app
RUN npm install -g --allow-scripts=pnpm pnpm@12.4.2
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY patches patches/
COPY packages/config/package.json packages/config/
COPY packages/db/package.json packages/db/
COPY packages/ghl/package.json packages/ghl/
COPY packages/jobs/package.json packages/jobs/
COPY packages/observability/package.json packages/observability/
COPY packages/secrets/package.json packages/secrets/
COPY packages/testing/package.json packages/testing/
COPY packages/zoned-time/package.json packages/zoned-time/
COPY services/ingress/package.json services/ingress/
COPY services/worker/package.json services/worker/
COPY services/ghl-sandbox/package.json services/ghl-sandbox/
COPY bench/package.json bench/
RUN pnpm install --frozen-lockfile

# The runtime: sources on top of the installed dependencies, owned by root, run as `node`.
FROM node:20.19-bookworm-slim AS app
WORKDIR /app
RUN npm install -g --allow-scripts=pnpm pnpm@12.4.2
COPY --from=deps /app /app
COPY . .
ENV NODE_ENV=production HOST=0.0.0.0
USER node
EXPOSE 3000 9464
CMD ["pnpm", "--filter", "@ghl-bridge/ingress", "start"]
