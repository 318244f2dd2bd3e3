#!/usr/bin/env bash
# The README's second command: every check and every test. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== format"
cargo fmt --all -- --check
echo "== lints"
cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "== the shipped regulations and calendar through the CLI"
cargo run --quiet -p qyzmet-cli -- regulations check regulations
cargo run --quiet -p qyzmet-cli -- calendar holidays 2024 >/dev/null
echo "== tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace 2>&1 | tee "$log"
# One closing line for the whole workspace: cargo prints a summary per test binary.
awk '/^test result:/ { p += $4; f += $6 } END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
