#!/usr/bin/env bash
# Installs code-server (VS Code in the browser, a real Node extension host) and Debian's Chromium for
# the end-to-end tests, from the npm registry and apt only (see ../shared/environment.md: a plain
# `npm install code-server` fails as root and VS Code's own test runner downloads from outside hosts).
# Idempotent: an install whose `bin/code-server --version` works is kept.
#   scripts/install-code-server.sh        -> ${VEBI_E2E_HOME:-$HOME/.cache/vebi-e2e}/code-server
set -euo pipefail

VERSION=4.100.3 # the last code-server for Node 20 (Code 1.100.3)
E2E_HOME="${VEBI_E2E_HOME:-$HOME/.cache/vebi-e2e}"
DEST="$E2E_HOME/code-server"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

START=$SECONDS
step() { echo "== [$((SECONDS - START))s] $*"; }

# --- apt: Chromium for Playwright, build deps of code-server's native modules, ripgrep for search.
missing=()
for pkg in chromium libkrb5-dev pkg-config ripgrep; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
# node-gyp builds VS Code's native modules (node-pty, spdlog, kerberos...) against Node's own headers.
command -v g++ >/dev/null && command -v make >/dev/null || missing+=(build-essential)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
  step "apt-get install ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --version writes a default config.yaml under XDG_CONFIG_HOME: keep it out of the user's home.
version_of() { XDG_CONFIG_HOME="$E2E_HOME/xdg-config" "$DEST/bin/code-server" --version 2>/dev/null | tail -1; }
if [ -x "$DEST/bin/code-server" ] && version_of | grep -q "^$VERSION "; then
  step "code-server $VERSION already installed in $DEST"
  exit 0
fi

# A half-finished earlier install is removed rather than patched.
rm -rf "$DEST"
mkdir -p "$DEST"
cd "$DEST"
echo '{"name":"vebi-e2e-code-server","private":true}' >package.json

step "npm install --ignore-scripts code-server@$VERSION"
# Its postinstall refuses root and would fetch things; the steps below do what it does, offline.
npm install --ignore-scripts --no-progress --loglevel=error "code-server@$VERSION"

step "npm rebuild argon2"
npm rebuild --loglevel=error argon2

VSCODE="$DEST/node_modules/code-server/lib/vscode"
step "npm install in lib/vscode"
(
  cd "$VSCODE"
  npm install --omit=dev --ignore-scripts --no-progress --loglevel=error
  # @vscode/ripgrep's install script downloads rg from an outside host: use Debian's.
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
  npm_config_yes=true npm rebuild --loglevel=error
  [ -e node_modules.asar ] || ln -s node_modules node_modules.asar
  ln -sf code-linux.sh bin/remote-cli/code-server
  ln -sf browser-linux.sh bin/helpers/browser.sh
)

step "npm install in lib/vscode/extensions"
(cd "$VSCODE/extensions" && npm install --omit=dev --no-progress --loglevel=error)

mkdir -p "$DEST/bin"
cat >"$DEST/bin/code-server" <<EOF
#!/usr/bin/env bash
exec node "$DEST/node_modules/code-server/out/node/entry.js" "\$@"
EOF
chmod +x "$DEST/bin/code-server"

step "check"
version_of | grep "^$VERSION " || { echo "code-server did not start: $DEST/bin/code-server --version" >&2; exit 1; }
step "installed code-server $VERSION in $DEST ($(du -sh "$DEST" | cut -f1))"
