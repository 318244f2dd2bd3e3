#!/usr/bin/env bash
# Installs what Qyzmet needs on a fresh machine and is idempotent: run by start.sh and test.sh.
set -euo pipefail

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo is missing. Install the Rust toolchain (rustup) first." >&2
  exit 1
fi
if command -v rustup >/dev/null 2>&1; then
  for component in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^${component}"; then
      rustup component add "$component"
    fi
  done
fi

# OpenSSL: the library the PKI links to (headers + pkg-config to build it) and the command line
# the interoperability tests check our signatures, CRLs and OCSP answers with.
need=()
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if ! pkg-config --exists openssl 2>/dev/null; then need+=(libssl-dev); fi
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
  else
    echo "setup: please install ${need[*]} (OpenSSL 3 headers, pkg-config, the openssl command)" >&2
    exit 1
  fi
fi

# Chromium and its WebDriver: the web pages' tests drive a real headless browser
# (crates/platform/tests/web_portal.rs) through /usr/bin/chromedriver.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
  else
    echo "setup: please install ${need[*]} (Debian's chromium and chromium-driver) for the browser tests" >&2
    exit 1
  fi
fi

# PostgreSQL: the scaled deployment's database; the storage tests run against it for real.
# Machines of this kind have it installed; start the cluster when it is not running.
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    for v in $(ls /etc/postgresql 2>/dev/null); do
      pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
    done
  fi
fi

# NATS with JetStream: the gateway's road across machines; its tests run against it for real.
# Machines of this kind run it; start one (JetStream on) when nothing answers on 4222.
if ! (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; then
  if command -v nats-server >/dev/null 2>&1; then
    mkdir -p /tmp/qyzmet-nats
    nohup nats-server -a 127.0.0.1 -p 4222 -js -sd /tmp/qyzmet-nats >/tmp/qyzmet-nats/log 2>&1 &
    sleep 1
  else
    echo "setup: NATS (nats-server, with JetStream) is not running on 127.0.0.1:4222; install and start it for the gateway's tests" >&2
  fi
fi
