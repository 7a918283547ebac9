#!/usr/bin/env bash
# Build the one-folder bundle and check that it starts: the window opens (offscreen here) and
# the collector answers on the URL it prints.
#   PY=build/venv/bin/python packaging/build.sh   -> dist/event-inspector/event-inspector
# PY is the interpreter of a venv with the app installed (not editable) and PyInstaller;
# `make package` makes one in build/venv, so the dev .venv keeps its editable install.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-build/venv/bin/python}
[ -x "$PY" ] || { echo "no $PY: run make package (it makes the build venv)"; exit 1; }
"$PY" -m PyInstaller --version >/dev/null 2>&1 || "$PY" -m pip install "pyinstaller>=6"
"$PY" -m PyInstaller packaging/event-inspector.spec --noconfirm --clean \
    --distpath dist --workpath build/work
APP=dist/event-inspector/event-inspector
echo "built $APP ($(du -sh dist/event-inspector | cut -f1))"

# smoke test: start the window offscreen on a free port, post one event, stop it
tmp=$(mktemp -d)
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
export EVENT_INSPECTOR_CONFIG_DIR=$tmp/config EVENT_INSPECTOR_LOG_DIR=$tmp/log
"$APP" --port 0 --data-dir "$tmp/data" --session smoke >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$tmp/out" && break; sleep 0.2; done
url=$(grep -o 'http://[^ ]*' "$tmp/out" | head -1)
[ -n "$url" ] || { echo "no URL printed"; cat "$tmp/err"; kill $pid; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -u WK: -H 'Content-Type: application/json' \
    -d '{"userId":"u1","event":"Smoke"}' "$url/v1/track")
kill -TERM $pid; wait $pid || true
"$APP" export --data-dir "$tmp/data" --session smoke --out - 2>/dev/null | grep -q Smoke
echo "smoke test: window started at $url, POST /v1/track -> $code, event stored"
[ "$code" = 200 ]
