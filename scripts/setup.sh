# Sourced by scripts/run and scripts/test: installs what Lode needs to build on a fresh
# Debian 12 or Ubuntu machine, and nothing that is already there.
#   - a C compiler (SQLite and zstd are compiled in, so no -dev packages are needed)
#   - Rust 1.89 or newer (rustup, when cargo is missing or too old)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v cc >/dev/null 2>&1 || missing+=(build-essential)
command -v curl >/dev/null 2>&1 || missing+=(curl ca-certificates)
command -v git >/dev/null 2>&1 || missing+=(git)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root apt-get install -y -qq -o DPkg::Lock::Timeout=900 "${missing[@]}"
fi

[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
rust_ok() {
  command -v cargo >/dev/null 2>&1 || return 1
  local v; v=$(rustc --version | awk '{print $2}')
  [ "$(printf '%s\n1.89.0\n' "$v" | sort -V | head -1)" = "1.89.0" ]
}
if ! rust_ok; then
  echo "setup: installing Rust with rustup"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --component clippy,rustfmt
  . "$HOME/.cargo/env"
fi
