# The original assignment's operator commands. Docker route only; `npm start` / `npm test` need no Docker.
# For the PostgreSQL scale-out file: make up COMPOSE="docker compose -f docker-compose.postgres.yml"
COMPOSE ?= docker compose

.PHONY: up down logs test

up:
	$(COMPOSE) up -d --build

down:
	$(COMPOSE) down -v

logs:
	$(COMPOSE) logs -f api

test:
	npm ci && npm test
