#!/usr/bin/env bash
# Validates the Kubernetes manifests against the Job schema offline (kubernetes-models' JSON schemas via npm; no cluster,
# no kubectl server). Usage: deploy/kubernetes/check-manifest.sh [manifest.yaml…] (default: every manifest here).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/schema-check/package.json" "$here/schema-check/package-lock.json" "$here/schema-check/check.mjs" "$work/"
(cd "$work" && npm ci --silent --no-audit --no-fund >/dev/null)
if [ $# -eq 0 ]; then set -- "$here"/*.yaml; fi
node "$work/check.mjs" "$@"
