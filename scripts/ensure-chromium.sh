#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; install it when missing (CI runs as root).
set -eu
# fonts-noto-cjk: without it Chinese text renders as boxes in the screenshots the tests save.
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "noto.*cjk"; then exit 0; fi
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
else
  echo "chromium missing: run 'sudo apt-get install -y chromium' for the browser tests" >&2
fi
