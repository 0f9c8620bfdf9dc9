# syntax=docker/dockerfile:1
# One image recipe for every app of the demo system; APP names the folder under apps/, PORT its port.
# Build from the repository root (the apps need the workspace libs):
#   docker build --build-arg APP=order-service --build-arg PORT=3001 -t sagaflow/order-service .
ARG APP=order-service

# Sources once; ignored files (node_modules, dist, .stack, .git) are listed in .dockerignore.
FROM node:24-slim AS source
WORKDIR /repo
COPY . .

# Compile the libs, then the app (root devDependencies bring TypeScript, and Vite for the monitor's UI).
FROM source AS build
ARG APP
RUN npm ci --ignore-scripts --no-audit --no-fund --include-workspace-root \
      -w libs/outbox-relay -w libs/saga-core -w libs/contracts -w libs/service-kit -w apps/${APP}
RUN npm run build -w libs/outbox-relay -w libs/saga-core -w libs/contracts -w libs/service-kit -w apps/${APP}
# keep only what runs: each workspace's package.json (for the @sagaflow/* links) and its dist
RUN mkdir -p /out && for d in libs/outbox-relay libs/saga-core libs/contracts libs/service-kit apps/${APP}; do \
      mkdir -p /out/$d && cp -r $d/package.json $d/dist /out/$d/; done

# Production dependencies only; the @sagaflow/* packages are workspace links resolved by /out.
FROM source AS runtime-deps
ARG APP
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund -w apps/${APP}

FROM node:24-slim
ARG APP
ARG PORT=3001
ENV NODE_ENV=production PORT=${PORT} APP=${APP}
WORKDIR /repo
COPY --from=runtime-deps /repo/package.json ./
COPY --from=runtime-deps /repo/node_modules node_modules
COPY --from=build /out ./
USER node
EXPOSE ${PORT}
# node:24-slim has no curl; /health answers 200 only when the app's database, Kafka and the registry do
HEALTHCHECK --interval=5s --timeout=5s --start-period=30s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec: node becomes PID 1 and receives SIGTERM directly, so the app drains in-flight work before exit
CMD ["sh", "-c", "exec node apps/$APP/dist/main.js"]
