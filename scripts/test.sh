#!/usr/bin/env bash
# The whole check: type check, lint, then every test with node's test runner (TypeScript via tsx).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "[test] tsc --noEmit" >&2
npx --no-install tsc --noEmit -p .
echo "[test] biome check" >&2
npx --no-install biome check --diagnostic-level=error . >/dev/null
mapfile -t files < <(find test -name '*.test.ts' | sort)
exec node --import tsx --test --test-reporter=spec "${files[@]}"
