#!/usr/bin/env bash
# Run by BentoML while it builds the Bento's image (bentofile.yaml, docker.setup_script): install the project that
# the Bento carries in src/, without dependencies (requirements.lock installed them already).
set -euo pipefail
python -m pip install --no-deps --no-cache-dir /home/bentoml/bento/src
