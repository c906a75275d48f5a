#!/usr/bin/env bash
# The one test command: install the locked dev environment, provision real PostgreSQL and RabbitMQ
# (scripts/services.sh) and Keycloak (scripts/keycloak.sh), run format/lint/type/layering checks,
# then the whole pytest suite.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
scripts/services.sh up
scripts/keycloak.sh up
scripts/elasticsearch.sh up
set -a
# shellcheck disable=SC1091
. "${M24_SERVICES_DIR:-/var/tmp/m24-services}/env"
# shellcheck disable=SC1091
. "${M24_SERVICES_DIR:-/var/tmp/m24-services}/keycloak.env"
# shellcheck disable=SC1091
. "${M24_SERVICES_DIR:-/var/tmp/m24-services}/elasticsearch.env"
set +a
export M24_REQUIRE_REAL_SERVICES=1
echo "== ruff";        .venv/bin/ruff format --check src tests bench && .venv/bin/ruff check src tests bench
echo "== mypy";        .venv/bin/mypy
echo "== import-linter"; .venv/bin/lint-imports
echo "== graphql schema snapshot"; .venv/bin/python -m m24.graphql.export_schema --check schema.graphql
echo "== pytest";      exec .venv/bin/pytest "$@"
