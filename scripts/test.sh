#!/usr/bin/env bash
# Runs the whole test suite with node's test runner (TypeScript through tsx).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find test -name '*.test.ts' | sort)
exec node --import tsx --test --test-reporter=spec "${files[@]}"
