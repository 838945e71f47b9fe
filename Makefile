# Billfold: `make run` starts the app, `make test` runs every test, `make bundle` builds the
# installable packages. All set up what is missing first (system packages on Debian/Ubuntu,
# Node packages, tauri-driver for tests).

SHELL := /bin/bash
CARGO ?= cargo
NPM ?= npm
TAURI_DRIVER_VERSION := 2.1.0
# Stripe's official Python SDK (a client no one here wrote) and localstripe (an emulator no
# one here wrote) cross-check stripe-sim.
STRIPE_PYTHON_VERSION := 16.1.0
LOCALSTRIPE_VERSION := 1.15.10
TEST_VENV := tests/.venv
# The Tauri CLI (@tauri-apps/cli, a devDependency of the UI), run from the repository root: it
# finds src-tauri/tauri.conf.json itself.
TAURI := ui/node_modules/.bin/tauri
# Where cargo builds (CARGO_TARGET_DIR when set, as in CI); the Tauri CLI builds there too and
# puts the packages under release/bundle/.
TARGET_DIR := $(abspath $(or $(CARGO_TARGET_DIR),target))
BUNDLE_DIR := $(TARGET_DIR)/release/bundle
# The .deb is always built; the AppImage only with BUNDLE_APPIMAGE=1, because Tauri's AppImage
# bundler downloads linuxdeploy and its plugins from GitHub on first use.
comma := ,
BUNDLES := deb$(if $(filter 1,$(BUNDLE_APPIMAGE)),$(comma)appimage)
# The app's version, which the packages are named by: the Cargo package's (tauri.conf.json has
# none, so Tauri takes it from Cargo too).
APP_VERSION = $(shell $(CARGO) pkgid -p billfold | sed 's/.*[#@]//')

.PHONY: run demo test test-release bundle bench setup setup-system setup-ui setup-test-tools ui ui-check test-ui test-rust app bindings clean

## Start the app (debug build).
run: setup ui
	$(CARGO) run --locked -p billfold

## Start the app (release build) straight into the demo accounts: two conferences on the
## built-in Stripe emulator, no Stripe account or network needed (made on first use, kept
## between starts). Built as `make bundle` builds it (assets served by the app's own
## protocol), so the two share one build.
demo: setup ui
	BILLFOLD_DEMO=1 $(CARGO) run --locked --release -p billfold --features tauri/custom-protocol

## Every test: UI type check and unit tests, then all Rust tests (core, store, keychain,
## commands on the mock runtime, stripe-sim, end to end in the real app under Xvfb).
test: setup setup-test-tools ui-check test-ui ui app test-rust

## The end-to-end journeys against the installed release build: `make bundle`, then the .deb
## unpacked into a throw-away root (its binary, desktop entry and icons checked) and the
## journeys launching <root>/usr/bin/billfold, which has the UI embedded.
test-release: bundle setup-test-tools
	@set -euo pipefail; \
	deb=$$(find "$(BUNDLE_DIR)/deb" -maxdepth 1 -name "*_$(APP_VERSION)_*.deb" | head -n 1); \
	[ -n "$$deb" ] || { echo "no .deb of Billfold $(APP_VERSION) in $(BUNDLE_DIR)/deb" >&2; exit 1; }; \
	root=$$(mktemp -d); trap 'rm -rf "$$root"' EXIT; \
	dpkg-deb -x "$$deb" "$$root"; \
	echo "$$(basename "$$deb") installs:"; \
	missing=0; \
	for pattern in usr/bin/billfold 'usr/share/applications/*.desktop' 'usr/share/icons/hicolor/*/apps/*.png'; do \
		if matches=$$(compgen -G "$$root/$$pattern"); then sed "s|^$$root|  |" <<<"$$matches"; \
		else echo "  nothing at /$$pattern" >&2; missing=1; fi; \
	done; \
	[ -x "$$root/usr/bin/billfold" ] || { echo "  /usr/bin/billfold is not executable" >&2; missing=1; }; \
	[ "$$missing" -eq 0 ] || exit 1; \
	mkdir -p tests/artifacts; status=0; \
	BILLFOLD_APP=$$root/usr/bin/billfold BILLFOLD_PYTHON=$(CURDIR)/$(TEST_VENV)/bin/python \
		tests/with-test-session.sh $(CARGO) test --locked -p billfold-e2e --test '*_e2e' 2>&1 \
		| tee tests/artifacts/release-e2e-tests.log || status=$$?; \
	awk '/^test result:/ { passed += $$4; failed += $$6 } END { printf "release-e2e: %d passed, %d failed\n", passed, failed }' \
		tests/artifacts/release-e2e-tests.log; \
	exit $$status

## Installable packages of the release build (UI embedded): the .deb, and the AppImage with
## BUNDLE_APPIMAGE=1. They land in release/bundle/ of cargo's target folder; the paths are printed.
bundle: setup ui
	$(TAURI) build --ci --bundles $(BUNDLES) -- --locked
	@echo "Packages of Billfold $(APP_VERSION):"
	@find "$(BUNDLE_DIR)" -maxdepth 2 -type f \( -name "*_$(APP_VERSION)_*.deb" -o -name "*_$(APP_VERSION)_*.AppImage" \) \
		| sed 's/^/  /'

## Benchmarks, minutes long and not part of `make test`: the first sync of 10k customers +
## 100k invoices and every list query on it (core, release build; also written to
## tests/artifacts/backfill-bench.txt), every report over that account with 10k subscriptions
## and 20k payments (tests/artifacts/reports-bench.txt), then the same account in the real app: scrolling,
## searching and sorting 100k invoices (tests/artifacts/big-list-timings.md).
bench: setup setup-test-tools ui app
	@mkdir -p tests/artifacts
	set -o pipefail; $(CARGO) run --locked --release -p billfold-core --example backfill_bench \
		| tee tests/artifacts/backfill-bench.txt
	set -o pipefail; $(CARGO) run --locked --release -p billfold-core --example reports_bench \
		| tee tests/artifacts/reports-bench.txt
	@# The example built a release stripe-sim: it makes and serves 100k invoices far faster.
	BENCH_STRIPE_SIM=$${CARGO_TARGET_DIR:-$(CURDIR)/target}/release/stripe-sim \
		tests/with-test-session.sh $(CARGO) test --locked -p billfold-e2e --features bench \
		--test big_list_bench -- --nocapture

setup: setup-system setup-ui

setup-system:
	@src-tauri/scripts/check-prerequisites.sh

setup-ui: ui/node_modules/.package-lock.json

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	@# `npm install` honours the lock file; `npm ci` is not used because some npm set-ups
	@# omit other platforms' optional packages from the lock, which `npm ci` then refuses.
	cd ui && $(NPM) install --no-save --no-audit --no-fund
	@touch $@

setup-test-tools: $(TEST_VENV)/.packages-$(STRIPE_PYTHON_VERSION)-$(LOCALSTRIPE_VERSION)
	@if ! command -v tauri-driver >/dev/null && [ ! -x "$${CARGO_HOME:-$$HOME/.cargo}/bin/tauri-driver" ]; then \
		echo "Installing tauri-driver $(TAURI_DRIVER_VERSION)"; \
		$(CARGO) install tauri-driver --version $(TAURI_DRIVER_VERSION) --locked; \
	fi

$(TEST_VENV)/.packages-$(STRIPE_PYTHON_VERSION)-$(LOCALSTRIPE_VERSION):
	python3 -m venv $(TEST_VENV)
	$(TEST_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		stripe==$(STRIPE_PYTHON_VERSION) localstripe==$(LOCALSTRIPE_VERSION)
	@touch $@

## Build the UI into ui/dist (the app embeds it).
ui: setup-ui
	cd ui && $(NPM) run --silent build

ui-check: setup-ui
	cd ui && $(NPM) run --silent check

test-ui: setup-ui
	cd ui && $(NPM) test

## Build the app binary the end-to-end tests launch.
app: ui
	$(CARGO) build --locked -p billfold

# cargo prints one summary per test binary, the last often a doc-test run with nothing in
# it; the closing line adds them all up.
test-rust: ui
	@mkdir -p tests/artifacts
	set -o pipefail; BILLFOLD_PYTHON=$(CURDIR)/$(TEST_VENV)/bin/python \
		tests/with-test-session.sh $(CARGO) test --locked --workspace 2>&1 | tee tests/artifacts/rust-tests.log
	@awk '/^test result:/ { passed += $$4; failed += $$6 } END { printf "rust: %d passed, %d failed\n", passed, failed }' \
		tests/artifacts/rust-tests.log

## Regenerate ui/src/lib/bindings.ts from the Rust types.
bindings:
	UPDATE_BINDINGS=1 $(CARGO) test --locked -p billfold bindings

clean:
	rm -rf ui/dist ui/node_modules tests/artifacts $(TEST_VENV)
