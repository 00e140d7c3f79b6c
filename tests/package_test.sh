#!/usr/bin/env bash
# End-to-end: the Debian package (cmake/package.cmake, packaging/deb/) in a clean Debian
# bookworm root. apt-get installs it there with its Depends from the mirror; the files, the
# conffile, the user popreg, the store and its first admin's password are checked; the unit
# passes systemd-analyze verify and is enabled; then, since systemd cannot run in a chroot, the service is started as its unit would start it (User, Group,
# WorkingDirectory, Environment, EnvironmentFile and ExecStart read from the installed unit
# file, so a wrong unit fails here), answers /api/v1/health, lets the admin sign in with the
# generated password (201, a session cookie, must_change_password) and exits 0 on SIGTERM.
# Last a reinstall keeps the store, and remove and purge work (the store stays).
#
# usage: package_test.sh DEB [CACHE_DIR]
# CACHE_DIR (default: package-test beside DEB) keeps the clean root as a tarball and the
# packages apt fetched, so that a second run needs no debootstrap and few downloads. Needs root
# (debootstrap, chroot, mount) and a Debian mirror: the one of /etc/apt/sources.list*, or
# $POPREG_DEBIAN_MIRROR. Without root or debootstrap it skips (exit 77).
set -uo pipefail
set -f  # ExecStart's words are split below, never globbed
if [ "$(id -u)" -ne 0 ] || ! command -v debootstrap >/dev/null; then
  echo "package_test: skipped: needs root and debootstrap (scripts/bootstrap installs it)"
  exit 77
fi
# In a mount namespace of its own (when the machine allows one), the root's mounts vanish with
# the test even when it is killed.
if [ -z "${POPREG_PACKAGE_TEST_NS:-}" ] && unshare --mount --propagation private true 2>/dev/null
then
  POPREG_PACKAGE_TEST_NS=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
deb=$(realpath "$1")
cache=$(realpath -m "${2:-$(dirname "$deb")/package-test}")
mkdir -p "$cache/apt-archives/partial"
# What a killed run left (without mounts: they were in its namespace); a live run touches its
# folder every few seconds.
find "$cache" -maxdepth 1 -name 'run.*' -mmin +120 -exec rm -rf --one-file-system {} +
work=$(mktemp -d "$cache/run.XXXXXX")
root=$work/root
mounts=()
server=""
# Kills the server if it still runs, unmounts what was mounted (last first) and removes the
# root, never across a mount point: a bind mount left behind must not lose the host's files.
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -KILL "$server"
    wait "$server" 2>/dev/null
  fi
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}"
  done
  if findmnt -rn -o TARGET | grep -q "^$work/"; then
    echo "package_test: left $work behind: something is still mounted there" >&2
  else
    rm -rf --one-file-system "$work"
  fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
started=$SECONDS
elapsed() { echo "      ($((SECONDS - started)) s so far)"; }
give_up() {
  summary package
  exit 1
}
# passes NAME COMMAND...: check, and succeed only when the check passed.
passes() {
  local before=$failed
  check "$@"
  [ "$failed" -eq "$before" ]
}

# The mirror: $POPREG_DEBIAN_MIRROR, else the machine's own (the first .../debian URL of its
# apt sources, one-line or deb822), else deb.debian.org.
mirror=${POPREG_DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v '^ *#' \
    | grep -oE 'https?://[^ ]*/debian/?( |$)' | head -1 | tr -d ' ')
fi
mirror=${mirror:-http://deb.debian.org/debian}

# A clean root: debootstrap once into the cache's tarball (under a lock, for concurrent runs),
# then a fresh copy for every run. Minimal, with systemd as on any server: its
# deb-systemd-helper enables the unit, its systemd-analyze verifies it.
tarball=$cache/bookworm-minbase-systemd.tar
clean_root() {
  (
    flock 9
    if [ ! -s "$tarball" ]; then
      debootstrap --variant=minbase --include=systemd bookworm "$work/pristine" "$mirror" || exit 1
      tar -C "$work/pristine" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball" || exit 1
      rm -rf --one-file-system "$work/pristine"
    fi
  ) 9>"$cache/lock" || return 1
  mkdir "$root" && tar -C "$root" -xpf "$tarball"
}
passes "a clean Debian bookworm root (minbase and systemd, from $mirror)" clean_root || give_up
elapsed

mount_in() {  # mount_in MOUNT-ARGS... TARGET: mounts, and remembers TARGET for cleanup
  mount "$@" && mounts+=("${*: -1}")
}
# /dev: the nodes debootstrap made (kept in the tarball), never the machine's /dev bound in, which
# an rm -rf of a root left mounted would empty.
dev_nodes() {
  local node
  for node in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
    IFS=: read -r n major minor <<<"$node"
    [ -c "$root/dev/$n" ] || mknod -m 666 "$root/dev/$n" c "$major" "$minor" || return 1
  done
}
enter_root() {
  dev_nodes && mount_in -t proc proc "$root/proc" \
    && mount_in --bind "$cache/apt-archives" "$root/var/cache/apt/archives" \
    && cp /etc/resolv.conf "$root/etc/resolv.conf"
}
passes "/proc, /dev and the apt cache in the root" enter_root || give_up
# in_root COMMAND...: runs COMMAND in the root as root with a clean environment (and the
# machine's proxy settings, if any).
proxies=()
for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
  [ -n "${!v:-}" ] && proxies+=("$v=${!v}")
done
in_root() {
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "${proxies[@]}" "$@"
}

deb_name=$(basename "$deb")
cp "$deb" "$root/tmp/$deb_name"
passes "apt-get update in the root" in_root apt-get update -q || give_up
install_package() {
  in_root apt-get install -y -q --no-install-recommends "/tmp/$deb_name" >"$work/apt.log" 2>&1
  local rc=$?
  cat "$work/apt.log"
  return $rc
}
passes "apt-get install ./$deb_name fetches its Depends and configures it" install_package \
  || give_up
grep '^popreg:' "$work/apt.log" | sed 's/^/      /'
elapsed

version=$(dpkg-deb -f "$deb" Version)
check "popreg --version prints the package's version $version" \
  bash -c "chroot '$root' /usr/bin/popreg --version | grep -qF '$version'"
for f in /usr/bin/popreg /lib/systemd/system/popreg.service /etc/default/popreg \
  /usr/share/doc/popreg/README.md /usr/share/doc/popreg/docs/install.md \
  /etc/popreg/profiles/police-population.toml; do
  check "installs $f" test -f "$root$f"
done
check "/etc/default/popreg is a conffile" \
  bash -c "chroot '$root' dpkg-query -W -f='\${Conffiles}' popreg | grep -q ' /etc/default/popreg '"
check "the import profiles are conffiles" \
  bash -c "chroot '$root' dpkg-query -W -f='\${Conffiles}' popreg | grep -q ' /etc/popreg/profiles/police-population.toml '"
user_ok() {  # a system user with its own group, home /var/lib/popreg and no login shell
  local entry uid gid group
  entry=$(in_root getent passwd popreg) || return 1
  echo "$entry"
  IFS=: read -r _ _ uid gid _ home shell <<<"$entry"
  group=$(in_root getent group "$gid" | cut -d: -f1)
  [ "$uid" -lt 1000 ] && [ "$group" = popreg ] && [ "$home" = /var/lib/popreg ] \
    && [ "$shell" = /usr/sbin/nologin ]
}
check "the system user popreg, home /var/lib/popreg, no login shell" user_ok
owned() {  # owned PATH "USER GROUP MODE"
  local got
  got=$(in_root stat -c '%U %G %a' "$1") || return 1
  echo "$1: $got, expected $2"
  [ "$got" = "$2" ]
}
check "/var/lib/popreg is popreg's, mode 750" owned /var/lib/popreg "popreg popreg 750"
check "a new store /var/lib/popreg/popreg.db, popreg's" \
  bash -c "chroot '$root' stat -c %U /var/lib/popreg/popreg.db | grep -qx popreg"
check "with the admin 'admin', active" bash -c "chroot '$root' runuser -u popreg -- \
  popreg user list --db /var/lib/popreg/popreg.db --user admin | grep -Eq '^admin +admin +active'"
password_file=/var/lib/popreg/initial-admin-password
check "the first admin's password only popreg and root can read" \
  owned $password_file "popreg popreg 600"
password=$(head -1 "$root$password_file" 2>/dev/null)
strong() {  # 8 characters or more, of three kinds at least
  local kinds=0 re
  for re in '[A-Z]' '[a-z]' '[0-9]' '[^A-Za-z0-9]'; do
    [[ $password =~ $re ]] && kinds=$((kinds + 1))
  done
  [ ${#password} -ge 8 ] && [ $kinds -ge 3 ]
}
check "the password is 8 characters or more of three kinds" strong

unit=$root/lib/systemd/system/popreg.service
check "systemd-analyze verify accepts the unit" \
  in_root systemd-analyze verify /lib/systemd/system/popreg.service
exposure() { in_root systemd-analyze security --offline=yes popreg.service | tail -1; }
check_show "systemd-analyze security rates its sandbox" exposure
wants=/etc/systemd/system/multi-user.target.wants/popreg.service
check "the unit is enabled" test -L "$root$wants"

# The service as its unit starts it: the last value of each setting (systemd's rule for these),
# Environment= first, then each EnvironmentFile= (a leading - makes it optional), ExecStart=
# with $VAR split into words and ${VAR} substituted in place, run by chroot as User:Group in
# WorkingDirectory. The port is changed in /etc/default/popreg as an admin would.
setting() { sed -n "s/^$1=//p" "$unit" | tail -1; }
check "the unit runs it as popreg in /var/lib/popreg" \
  test "$(setting User):$(setting WorkingDirectory)" = popreg:/var/lib/popreg
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0));
print(s.getsockname()[1])')
use_port() {
  sed -i "s/--port [0-9]*/--port $port/" "$root/etc/default/popreg" \
    && grep -q -- "--port $port" "$root/etc/default/popreg"
}
check "/etc/default/popreg takes another port ($port)" use_port
declare -A unit_env
while IFS= read -r assignment; do
  assignment=${assignment#\"} assignment=${assignment%\"}
  unit_env[${assignment%%=*}]=${assignment#*=}
done < <(sed -n 's/^Environment=//p' "$unit")
while IFS= read -r file; do
  optional=""
  [ "${file:0:1}" = - ] && optional=1 file=${file:1}
  if [ ! -f "$root$file" ]; then
    [ -n "$optional" ] && continue
    echo "FAIL  the unit's EnvironmentFile $file is missing"
    failed=$((failed + 1))
    continue
  fi
  while IFS= read -r -d '' assignment; do
    unit_env[${assignment%%=*}]=${assignment#*=}
  done < <(env -i bash -c 'set -a; . "$1"; unset PWD SHLVL _; env -0' _ "$root$file")
done < <(sed -n 's/^EnvironmentFile=//p' "$unit")
exec_start=$(setting ExecStart)
exec_start=${exec_start#[-@+!:]}
args=()
for word in $exec_start; do
  if [[ $word =~ ^\$([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
    # shellcheck disable=SC2206  # systemd splits $VAR into words
    args+=(${unit_env[${BASH_REMATCH[1]}]:-})
  else
    while [[ $word =~ \$\{([A-Za-z_][A-Za-z0-9_]*)\} ]]; do
      word=${word/"${BASH_REMATCH[0]}"/${unit_env[${BASH_REMATCH[1]}]:-}}
    done
    args+=("$word")
  fi
done
run_user=$(setting User) run_group=$(setting Group) workdir=$(setting WorkingDirectory)
run_uid=$(in_root id -u "$run_user") run_gid=$(in_root getent group "${run_group:-$run_user}" \
  | cut -d: -f3)
env_args=()
for k in "${!unit_env[@]}"; do env_args+=("$k=${unit_env[$k]}"); done
echo "      as $run_user ($run_uid:$run_gid) in $workdir: ${args[*]}"
chroot --userspec="$run_uid:$run_gid" "$root" /usr/bin/env -i \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
  HOME="$workdir" USER="$run_user" LOGNAME="$run_user" SHELL=/usr/sbin/nologin \
  "${env_args[@]}" /usr/bin/env --chdir="$workdir" "${args[@]}" >"$work/serve.log" 2>&1 &
server=$!
base=http://127.0.0.1:$port

# http METHOD URL [JSON]: prints the status, then the Set-Cookie headers, then the body.
http() {
  python3 - "$@" <<'PY'
import sys, urllib.request, urllib.error
method, url = sys.argv[1], sys.argv[2]
data = sys.argv[3].encode() if len(sys.argv) > 3 else None
request = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
try:
    response = urllib.request.urlopen(request, timeout=10)
except urllib.error.HTTPError as e:
    response = e
except OSError as e:
    sys.exit(f"{method} {url}: {e}")
print(response.status)
for cookie in response.headers.get_all("Set-Cookie") or []:
    print("Set-Cookie:", cookie)
print(response.read().decode())
PY
}
healthy() {  # waits up to 120 s for 200 {"status":"ok"} while the server runs
  local i
  for ((i = 0; i < 240; i++)); do
    kill -0 "$server" 2>/dev/null || { echo "popreg serve exited:"; cat "$work/serve.log"; return 1; }
    if http GET "$base/api/v1/health" >"$work/health" 2>/dev/null; then
      cat "$work/health"
      head -1 "$work/health" | grep -qx 200 && grep -q '"status": *"ok"' "$work/health"
      return
    fi
    sleep 0.5
  done
  echo "no answer on $base"
  cat "$work/serve.log"
  return 1
}
json_str() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1"; }
sign_in() {  # 201, a session cookie and must_change_password true (anywhere in the body)
  http POST "$base/api/v1/session" "{\"login\": \"admin\", \"password\": $(json_str "$password")}" \
    >"$work/session" || return 1
  cat "$work/session"
  head -1 "$work/session" | grep -qx 201 && grep -q '^Set-Cookie: popreg_session=' "$work/session" \
    && sed 1d "$work/session" | grep -v '^Set-Cookie:' | python3 -c '
import json, sys
def find(v):
    if isinstance(v, dict):
        return v.get("must_change_password") is True or any(find(x) for x in v.values())
    return isinstance(v, list) and any(find(x) for x in v)
sys.exit(0 if find(json.load(sys.stdin)) else 1)'
}
wrong_password() {
  http POST "$base/api/v1/session" '{"login": "admin", "password": "Not-The-Password-1"}' \
    >"$work/session" || return 1
  cat "$work/session"
  head -1 "$work/session" | grep -qE '^4[0-9][0-9]$' && ! grep -q '^Set-Cookie: popreg_session=' \
    "$work/session"
}
stop_server() {  # SIGTERM (the unit's KillSignal), then up to its TimeoutStopSec for exit 0
  local signal limit i rc
  signal=$(setting KillSignal) limit=$(setting TimeoutStopSec)
  limit=${limit%s}
  [[ $limit =~ ^[0-9]+$ ]] || limit=90
  kill -"${signal:-SIGTERM}" "$server" || return 1
  for ((i = 0; i < ${limit:-90} * 2; i++)); do
    kill -0 "$server" 2>/dev/null || break
    sleep 0.5
  done
  kill -0 "$server" 2>/dev/null && { echo "still running after ${limit}s"; return 1; }
  wait "$server"
  rc=$?
  server=""
  echo "exit status $rc"
  cat "$work/serve.log"
  [ $rc -eq 0 ]
}
if passes "the service answers GET /api/v1/health with 200 ok" healthy; then
  check "it says where it serves" grep -qF "popreg is serving at $base/" "$work/serve.log"
  check "the admin signs in with the generated password: 201, must_change_password" sign_in
  check "a wrong password gets a 4xx and no session" wrong_password
  check "it stops on SIGTERM with exit status 0" stop_server
else
  echo "      (no sign-in and no SIGTERM: the service did not start)"
fi

store_state() { sha256sum "$root/var/lib/popreg/popreg.db" "$root$password_file"; }
before=$(store_state)
check "a reinstall (postinst configure as on an upgrade) works" \
  in_root apt-get install -y -q --reinstall "/tmp/$deb_name"
check "and keeps the store and the password file as they were" test "$before" = "$(store_state)"
check "apt-get remove works" in_root apt-get remove -y -q popreg
check "it removes the binary and keeps the conffile and the store" bash -c "test ! -e \
  '$root/usr/bin/popreg' && test -f '$root/etc/default/popreg' \
  && test -f '$root/var/lib/popreg/popreg.db'"
check "apt-get purge works" in_root apt-get purge -y -q popreg
check "it removes the conffile and the unit's link and keeps the store" bash -c "test ! -e \
  '$root/etc/default/popreg' && test ! -L '$root$wants' \
  && test -f '$root/var/lib/popreg/popreg.db'"
elapsed
summary package
