# The portal's production image: Backstage's "Building a Docker image", host
# build (https://backstage.io/docs/deployment/docker). Build on the host
# first, from the root of the repository:
#
#   yarn install --immutable
#   yarn tsc
#   yarn build:backend     # packages/backend/dist/{skeleton,bundle}.tar.gz,
#                          # the frontend included (served by the app backend)
#   docker image build . --tag mesh-chain-portal
#
# script/server --production runs these same steps and the same start
# command outside a container (script/lib/production.sh); keep the two in
# step. This project's CI has no container engine, so it does not build
# this file: script/test production tests that flow instead.
#
# The image runs app-config.yaml and app-config.production.yaml: PostgreSQL
# from POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER and POSTGRES_PASSWORD,
# your clusters and sign-in provider. It serves on port 7007.

FROM node:22-bookworm-slim

# Tools to build the native modules of the production dependencies:
# isolated-vm (the scaffolder), better-sqlite3, keytar (libsecret).
ENV PYTHON=/usr/bin/python3
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && \
    apt-get install -y --no-install-recommends python3 g++ build-essential libsqlite3-dev libsecret-1-dev && \
    rm -rf /var/lib/apt/lists/*

# Yarn 4, as package.json#packageManager pins it, through Corepack.
RUN corepack enable
ENV COREPACK_ENABLE_DOWNLOAD_PROMPT=0

# From here on the least-privileged `node` user runs everything.
USER node

# Created as `node` with BuildKit (DOCKER_BUILDKIT=1); otherwise the tar
# below cannot write into it.
WORKDIR /app

ENV NODE_ENV=production
# The scaffolder's sandbox (isolated-vm) needs this on Node 20 and later.
ENV NODE_OPTIONS="--no-node-snapshot"

# The skeleton (every package.json of the monorepo) with the lockfile is all
# the install needs: this layer is rebuilt only when dependencies change.
COPY --chown=node:node .yarnrc.yml backstage.json ./
COPY --chown=node:node yarn.lock package.json packages/backend/dist/skeleton.tar.gz ./
RUN tar xzf skeleton.tar.gz && rm skeleton.tar.gz

RUN --mount=type=cache,target=/home/node/.yarn/berry/cache,sharing=locked,uid=1000,gid=1000 \
    yarn workspaces focus --all --production && rm -rf "$(yarn cache clean)"

# The example catalog and the template (remove if you do not want them).
COPY --chown=node:node examples ./examples

# The backend bundle (the frontend inside) and the configuration.
COPY --chown=node:node packages/backend/dist/bundle.tar.gz app-config*.yaml ./
RUN tar xzf bundle.tar.gz && rm bundle.tar.gz

EXPOSE 7007
CMD ["node", "packages/backend", "--config", "app-config.yaml", "--config", "app-config.production.yaml"]
