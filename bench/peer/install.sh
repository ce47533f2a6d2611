#!/usr/bin/env bash
# Installs the benchmark's peer, PouchDB-server, into bench/peer/node_modules as package-lock.json pins it
# (2–4 minutes; needs npm). The bench does the same on its own when node_modules is missing.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
echo "PouchDB-server installed: $(pwd)/node_modules/.bin/pouchdb-server"
