# Sourced, not run: puts Node 24 LTS (from the npm registry) first on PATH.
# The system Node may be 20 (end of life); Sonde runs on 24. The node-linux-<arch>
# package ships the binary and its headers, so native addons (raw-socket) are built
# against Node 24 through npm_config_nodedir.
SONDE_NODE_VERSION="${SONDE_NODE_VERSION:-24.21.0}"
SONDE_ROOT="${SONDE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
case "$(uname -m)" in
  x86_64) _sonde_arch=x64 ;;
  aarch64|arm64) _sonde_arch=arm64 ;;
  *) echo "sonde: unsupported CPU $(uname -m) (need x86_64 or arm64)" >&2; return 1 ;;
esac
_sonde_tools="$SONDE_ROOT/.tools/node-$SONDE_NODE_VERSION"
SONDE_NODE_HOME="$_sonde_tools/node_modules/node-linux-$_sonde_arch"
if [ ! -x "$SONDE_NODE_HOME/bin/node" ]; then
  echo "sonde: installing Node $SONDE_NODE_VERSION into .tools/ (one time)" >&2
  npm install --silent --no-save --no-package-lock --no-audit --no-fund \
    --prefix "$_sonde_tools" "node-linux-$_sonde_arch@$SONDE_NODE_VERSION" >&2 || {
      echo "sonde: could not install Node $SONDE_NODE_VERSION from the npm registry" >&2; return 1; }
fi
export PATH="$SONDE_NODE_HOME/bin:$PATH"
export npm_config_nodedir="$SONDE_NODE_HOME"
export SONDE_NODE_HOME
unset _sonde_arch _sonde_tools
