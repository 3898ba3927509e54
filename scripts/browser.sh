#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (a test tool's own browser download fails here).
set -eu
if [ -x /usr/lib/chromium/chromium ] || command -v chromium >/dev/null; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  exit 0
fi
echo "browser.sh: Chromium is missing; install Debian's 'chromium' package (sudo apt-get install chromium)." >&2
exit 1
