#!/usr/bin/env bash
# The package installs anywhere: build the wheel, install it (dependencies pinned by requirements.lock) into a fresh
# virtual environment outside the repository, and from there read the bundled records and run `asepred up` (train on
# the bundled table, then serve) until /readyz, /records, /ui/ and /predict answer. Run by .ci/run after the suite.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python=${PYTHON:-python3.11}
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill -TERM "$server"; wait "$server" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
started=$(date +%s)

"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip>=25,<26" build
"$work/venv/bin/python" -m build --wheel --outdir "$work/dist" "$repo" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$repo/requirements.lock"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "$work"/dist/asepred-*.whl
installed=$(date +%s)

mkdir "$work/home"
cd "$work/home"  # nowhere near the repository: every file must come from the wheel
count=$("$work/venv/bin/python" -c "import asepred; print(len(asepred.records()))")
[ "$count" = "88" ] || { echo "asepred.records() has $count rows, not 88" >&2; exit 1; }
"$work/venv/bin/python" -c "import asepred, pathlib; assert 'site-packages' in asepred.__file__, asepred.__file__"

port=$("$work/venv/bin/python" -c "import random; print(random.randint(20000, 32000))")
ASEPRED_HOME="$work/home" MLFLOW_DISABLE_TELEMETRY=true BENTOML_DO_NOT_TRACK=true \
  "$work/venv/bin/asepred" up --port "$port" >"$work/up.log" 2>&1 &
server=$!
url="http://127.0.0.1:$port"
for _ in $(seq 1 600); do
  if curl -fsS "$url/readyz" >/dev/null 2>&1; then break; fi
  kill -0 "$server" 2>/dev/null || { echo "asepred up exited:" >&2; tail -40 "$work/up.log" >&2; exit 1; }
  sleep 1
done
curl -fsS "$url/readyz" >/dev/null || { echo "asepred up was not ready in 600 s" >&2; tail -40 "$work/up.log" >&2; exit 1; }
ready=$(date +%s)
curl -fsS "$url/records?halide=Br&dimensionality=nanocrystal&measurement=ASE" | "$work/venv/bin/python" -c \
  "import json, sys; body = json.load(sys.stdin); assert body['total'] > 0 and body['total'] == len(body['records'])"
# each answer to a file first: a reader that stops early (head, grep -q) makes curl fail with 23 under pipefail
curl -fsS "$url/records?format=csv" -o "$work/records.csv"
head -1 "$work/records.csv" | grep -q '^record_id,material,'
curl -fsS "$url/ui/" -o "$work/ui.html"
grep -q 'records.js' "$work/ui.html"
curl -fsS -X POST "$url/predict" -H 'content-type: application/json' -o "$work/predict.json" \
  -d '{"records": [{"material": "CsPbBr3", "dimensionality": "nanocrystal"}]}'
grep -q threshold_uj_cm2 "$work/predict.json"
echo "wheel check passed: built and installed in $((installed - started)) s, asepred up ready in $((ready - installed)) s"
