# Sourced by bin/test: the system packages and the npm package the live tests (tier 3) need.
# Debian packages are installed when missing (as root, or through sudo); nothing is downloaded
# outside the package registries: Chromium comes from Debian, never from `playwright install`.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v openssl >/dev/null || missing+=(openssl)
command -v nginx >/dev/null || missing+=(nginx)
command -v systemd-analyze >/dev/null || missing+=(systemd)
[ -x /lib/systemd/systemd-journal-upload ] || missing+=(systemd-journal-remote)  # log shipping, both ends
[ -x /usr/lib/postgresql/15/bin/initdb ] || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Mozilla's HTTP Observatory scanner. --ignore-scripts: its install scripts fetch the HSTS preload
# and TLD lists from the internet; an empty preload list is the honest loopback state.
observatory=tests/observatory
if [ ! -f "$observatory/node_modules/.package-lock.json" ] \
   || [ "$observatory/package-lock.json" -nt "$observatory/node_modules/.package-lock.json" ]; then
  (cd "$observatory" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
preload="$observatory/node_modules/@mdn/mdn-http-observatory/conf/hsts-preload.json"
[ -f "$preload" ] || echo '{}' > "$preload"
