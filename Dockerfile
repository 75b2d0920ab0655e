# The Marquee image for docker-compose.yml: the built server and Studio, production dependencies only.
FROM node:20-bookworm-slim AS build
WORKDIR /srv/marquee
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /srv/marquee
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /srv/marquee/dist ./dist
USER node
EXPOSE 3000
# The API by default; docker-compose.yml runs the worker and the migrations from the same image.
CMD ["node", "--enable-source-maps", "dist/apps/api/src/main.js"]
