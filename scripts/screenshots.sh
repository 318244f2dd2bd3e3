#!/usr/bin/env bash
# Screenshots of the main pages of every participant's web in Kazakh, Russian and English, for review:
# target/screenshots/<lang>-<page>.png (headless Chromium, a phone's screen).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo test -q -p qyzmet-platform --test 'web_*' -- --ignored --nocapture screenshots
