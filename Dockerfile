# One image for every service of the pipeline; the compose file picks the entry point.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY packages ./packages
COPY services ./services
COPY simulator ./simulator
COPY cli ./cli
RUN npm ci --no-audit --no-fund && npx tsc -b && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production SCHEMAS_DIR=/app/schemas
WORKDIR /app
COPY --from=build /app ./
COPY schemas ./schemas
USER node
CMD ["node", "services/ingest/dist/main.js"]
