#!/usr/bin/env bash
# Screenshots of the portal's main pages in Kazakh, Russian and English, for review:
# target/screenshots/<lang>-<page>.png (headless Chromium, a phone's screen).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo test -q -p qyzmet-platform --test web_portal -- --ignored --nocapture screenshots
