#!/usr/bin/env bash
# Installs the benchmark's peer, PouchDB-server, into bench/peer/node_modules (about 2 minutes; needs npm).
set -euo pipefail
cd "$(dirname "$0")"
npm install --no-audit --no-fund --loglevel=error pouchdb-server@4.2.0
echo "PouchDB-server installed: $(pwd)/node_modules/.bin/pouchdb-server"
