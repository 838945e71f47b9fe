#!/usr/bin/env bash
# Makes sure the tools Billfold builds with are present. On Debian/Ubuntu it installs the
# missing system packages itself; elsewhere it says what to install.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if command -v apt-get >/dev/null 2>&1; then
  "$here/setup-debian.sh"
elif [ "$(uname)" = "Linux" ]; then
  echo "Not a Debian/Ubuntu system: install WebKitGTK 4.1, GTK 3, librsvg, libsoup 3, xdotool's libxdo," >&2
  echo "and for tests Xvfb, WebKitWebDriver, gnome-keyring and dbus, with your package manager." >&2
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "Rust is missing: install it with rustup (https://rustup.rs), then run make again." >&2
  exit 1
fi

if ! command -v node >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get install -y -qq nodejs npm
  else
    echo "Node.js 20.19 or newer is missing: install it, then run make again." >&2
    exit 1
  fi
fi
node_version=$(node -p 'process.versions.node')
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "Node.js $node_version is too old for Vite 7: install Node.js 20.19 or newer." >&2
  exit 1
fi
