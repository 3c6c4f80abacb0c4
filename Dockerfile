# ghl-bridge images: one build stage, then one small runtime image per service (targets
# `ingress`, `worker`, `ghl-sandbox`; docker-compose.yml builds each by its target).

# --- Build: every dependency (dev ones included), everything compiled to dist/, then each
# service's production tree: its dist/ and its production dependencies only (pnpm deploy --prod).
FROM node:20.19-bookworm-slim AS build
WORKDIR /src
RUN npm install -g --allow-scripts=pnpm pnpm@12.4.2
# Manifests first: this layer is rebuilt only when a manifest or the lockfile changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY patches patches/
COPY packages/citas/package.json packages/citas/
COPY packages/config/package.json packages/config/
COPY packages/db/package.json packages/db/
COPY packages/ghl/package.json packages/ghl/
COPY packages/jobs/package.json packages/jobs/
COPY packages/observability/package.json packages/observability/
COPY packages/redis/package.json packages/redis/
COPY packages/secrets/package.json packages/secrets/
COPY packages/testing/package.json packages/testing/
COPY packages/zoned-time/package.json packages/zoned-time/
COPY services/ingress/package.json services/ingress/
COPY services/worker/package.json services/worker/
COPY services/ghl-sandbox/package.json services/ghl-sandbox/
COPY bench/package.json bench/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm build \
  && pnpm --filter @ghl-bridge/ingress deploy --prod /out/ingress \
  && pnpm --filter @ghl-bridge/worker deploy --prod /out/worker \
  && pnpm --filter @ghl-bridge/ghl-sandbox deploy --prod /out/ghl-sandbox

# --- Runtime: Node and one service's production tree, owned by root and run as `node`.
# Workspace packages export their TypeScript sources by default (development, tests); the
# `ghl-bridge-dist` condition makes them resolve to the compiled dist/ that is shipped instead.
FROM node:20.19-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    NODE_OPTIONS="--conditions=ghl-bridge-dist --enable-source-maps"
WORKDIR /app

FROM runtime AS ingress
COPY --from=build /out/ingress /app
USER node
EXPOSE 3000
# The operator CLI is in the same image: node dist/cli/main.js keys list
CMD ["node", "dist/main.js"]

FROM runtime AS worker
COPY --from=build /out/worker /app
USER node
EXPOSE 9464
# The heap cap the worker is measured with (see the README's performance notes).
CMD ["node", "--max-old-space-size=192", "dist/main.js"]

FROM runtime AS ghl-sandbox
COPY --from=build /out/ghl-sandbox /app
# Where GHL_SANDBOX_STATE_FILE may keep the simulated GHL across restarts (a volume in compose).
RUN install -d -o node -g node /data
USER node
EXPOSE 4010
CMD ["node", "dist/main.js"]
