#!/usr/bin/env bash
# Installs the system packages Billfold needs to build, run and test on Debian/Ubuntu.
# Only packages that are missing are installed; a machine that has them all is left alone.
set -euo pipefail

packages=(
  # build: Tauri 2 on Linux (WebKitGTK 4.1)
  build-essential pkg-config libssl-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev libxdo-dev
  # end-to-end tests: a virtual display and WebKit's WebDriver
  xvfb webkit2gtk-driver xauth
  # keychain tests: a real Secret Service on a private D-Bus session
  gnome-keyring dbus dbus-x11 libsecret-tools
  # Stripe's Python SDK runs in a virtualenv as a second opinion on the emulator
  python3 python3-venv
  # fonts so the window renders text in screenshots
  fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "Installing system packages: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
