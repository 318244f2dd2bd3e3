#!/usr/bin/env bash
# The README's first command: start the platform on this machine with its demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec cargo run --release --quiet -p qyzmet-cli -- serve "$@"
