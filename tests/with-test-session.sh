#!/usr/bin/env bash
# Runs a command with what the tests need from the desktop: a virtual X display (Xvfb) and a
# private D-Bus session with an unlocked gnome-keyring, i.e. a real Secret Service.
# The keyring lives in a throw-away folder, so tests never touch a real login keyring.
set -euo pipefail

if [ "${BILLFOLD_TEST_SESSION:-}" != "inner" ]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  mkdir -m 700 "$scratch/runtime"
  export XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime" BILLFOLD_TEST_SESSION=inner
  unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL
  status=0
  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$0" "$@" || status=$?
  exit "$status"
fi

# Inside the session: start the Secret Service and unlock it with a throw-away password.
eval "$(printf 'billfold-test' | gnome-keyring-daemon --components=secrets --daemonize --unlock)"
export GNOME_KEYRING_CONTROL
exec "$@"
