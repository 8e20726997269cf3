#!/usr/bin/env bash
# Installs the Debian packages the test tiers need, when missing: ripgrep (search tool on the Node side), chromium
# (browser tests and the workbench client of the real extension host), and the headers code-server's native
# modules compile against. Idempotent and quick when everything is present.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
pkgs=(ripgrep chromium)
if [ -f "$here/test/host/apt-packages.txt" ]; then
  mapfile -t extra < <(grep -v '^\s*#' "$here/test/host/apt-packages.txt" | sed '/^\s*$/d')
  pkgs+=("${extra[@]}")
fi
missing=()
for p in $(printf '%s\n' "${pkgs[@]}" | sort -u); do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && { echo "system packages present"; exit 0; }
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
