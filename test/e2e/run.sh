#!/usr/bin/env bash
# End-to-end tests in a real VS Code: installs code-server and Chromium (once), builds and packages
# the .vsix, generates the fixture workspace, runs test/e2e/*.e2e.ts. `npm run test:e2e` runs this.
#   VEBI_E2E_VSIX=path  test this package instead of building one
#   VEBI_E2E_HOME       where code-server and the workspace live (default ~/.cache/vebi-e2e)
# Screenshots of every step: artifacts/e2e/.
set -euo pipefail
cd "$(dirname "$0")/../.."
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
export VEBI_E2E_HOME="${VEBI_E2E_HOME:-$HOME/.cache/vebi-e2e}"
START=$SECONDS
step() { echo "== e2e [$((SECONDS - START))s] $*"; }

step "code-server and Chromium"
bash scripts/install-code-server.sh

if [ -z "${VEBI_E2E_VSIX:-}" ]; then
  step "npm run build && npm run package"
  npm run build --silent
  npm run package --silent
  export VEBI_E2E_VSIX="$PWD/vebi-vscode.vsix"
fi
[ -f "$VEBI_E2E_VSIX" ] || { echo "no .vsix at $VEBI_E2E_VSIX" >&2; exit 1; }

step "fixture workspace"
export VEBI_E2E_WORKSPACE="$VEBI_E2E_HOME/workspace"
node --import tsx scripts/make-e2e-workspace.ts "$VEBI_E2E_WORKSPACE"

rm -rf artifacts/e2e
step "tests"
node --import tsx --test --test-reporter=spec --test-concurrency=1 test/e2e/*.e2e.ts
step "done; screenshots in artifacts/e2e/"
