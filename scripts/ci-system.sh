#!/usr/bin/env bash
# System packages the tests use: Debian's chromium for the browser tests (Playwright drives it
# through executable_path; no browser is ever downloaded by Playwright). Installs it with apt-get
# when it is missing; when it cannot be had (no root, no apt, no network to the mirror) it says
# so and the browser tests skip with that reason.
set -uo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ci-system.sh: apt-get not found; chromium cannot be installed, the browser tests will skip" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "ci-system.sh: not root and no passwordless sudo; chromium cannot be installed, the browser tests will skip" >&2
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends chromium; } >/tmp/ci-system-apt.log 2>&1; then
  echo "ci-system.sh: apt-get install chromium failed (see /tmp/ci-system-apt.log); the browser tests will skip" >&2
  tail -5 /tmp/ci-system-apt.log >&2
fi
exit 0
