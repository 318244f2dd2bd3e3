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
cargo test --workspace
