#!/usr/bin/env bash
# Installs PostgreSQL 15 and the pgvector extension on Debian 12 (bookworm), for the benchmark's "pgvector" peer.
# It is a peer to compare against, never a dependency of the product.
#
# Usage: install.sh [--check]
#
#   --check  only report whether pgvector is installed: exit 0 if it is, 3 if not (changes nothing; needs no root)
#
# Debian 12 has no pgvector binary package, but Debian 13 (trixie) has the source package (0.8.0), which builds
# cleanly against bookworm's PostgreSQL 15. Steps; each is skipped when already done, so the script is idempotent:
#  1. apt-get install postgresql-15 postgresql-server-dev-15 build-essential from the host's normal sources. Naming
#     postgresql-15 too upgrades an older 15.x server to the version of the headers we build against.
#  2. apt-get source pgvector from trixie with a private apt state (own sources list, lists and cache; the host's
#     sources.list.d is hidden), so the host's apt configuration is neither read for this call nor changed.
#     The Debian patch drops -march=native, so the build runs on any x86_64.
#  3. make -j2 and make install against /usr/lib/postgresql/15/bin/pg_config.
# Runs as root, or through sudo when not root (then sudo is needed for steps 1 and 3 only).
#
# Environment (all optional):
#   PGVECTOR_CACHE          where the source is unpacked and built (default: .cache next to this script)
#   PGVECTOR_DEBIAN_MIRROR  Debian mirror URI to use instead of the one found in the host's apt sources
set -euo pipefail

readonly PG_MAJOR=15
readonly DEBIAN_SUITE=trixie
readonly PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config"
readonly VECTOR_SO="/usr/lib/postgresql/$PG_MAJOR/lib/vector.so"
readonly VECTOR_CONTROL="/usr/share/postgresql/$PG_MAJOR/extension/vector.control"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${PGVECTOR_CACHE:-$script_dir/.cache}"

die() { echo "pgvector install: $*" >&2; exit 1; }
log() { echo "pgvector install: $*" >&2; }

check_only=false
case "$*" in
    '') ;;
    --check) check_only=true ;;
    *) sed -n '5,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

if [[ -f "$VECTOR_SO" && -f "$VECTOR_CONTROL" && -x "/usr/lib/postgresql/$PG_MAJOR/bin/postgres" ]]; then
    log "pgvector $(awk -F"'" '/^default_version/{print $2}' "$VECTOR_CONTROL") is installed for PostgreSQL $PG_MAJOR"
    exit 0
fi
if $check_only; then
    log "pgvector for PostgreSQL $PG_MAJOR is not installed ($VECTOR_SO or $VECTOR_CONTROL missing);" \
        "run $script_dir/install.sh as root"
    exit 3
fi

command -v apt-get >/dev/null \
    || die "apt-get not found: this script supports Debian 12 only; install PostgreSQL $PG_MAJOR and pgvector by hand"
readonly KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -f "$KEYRING" ]] || die "Debian archive keyring missing ($KEYRING); install debian-archive-keyring"
if [[ "$(id -u)" == 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    die "must run as root (or with password-less sudo) to install packages and the extension"
fi

# --- step 1: packages ----------------------------------------------------------------------------------------------
log "installing postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR build-essential (apt-get)"
"${as_root[@]}" apt-get -q update >&2 || die "apt-get update failed"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends \
    "postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR" build-essential >&2 \
    || die "apt-get install postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR build-essential failed"
[[ -x "$PG_CONFIG" ]] || die "$PG_CONFIG missing after apt-get install"
command -v dpkg-source >/dev/null || die "dpkg-source not found (package dpkg-dev, brought by build-essential)"

# --- step 2: trixie source with a private apt state ----------------------------------------------------------------

# The first URI of an enabled "deb" entry for Debian main in the host's sources (deb822 or one-line format).
host_mirror() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f "$f" ]] || continue
        awk 'BEGIN { RS = ""; FS = "\n" }
             {
                 uris = ""; types = ""; comps = ""; enabled = "yes"
                 for (i = 1; i <= NF; i++) {
                     if ($i ~ /^#/) continue
                     p = index($i, ":"); if (p == 0) continue
                     k = tolower(substr($i, 1, p - 1)); v = substr($i, p + 1); gsub(/^[ \t]+|[ \t]+$/, "", v)
                     if (k == "uris") uris = v; else if (k == "types") types = v
                     else if (k == "components") comps = v; else if (k == "enabled") enabled = tolower(v)
                 }
                 if (enabled != "no" && types ~ /(^| )deb( |$)/ && comps ~ /(^| )main( |$)/ \
                     && uris !~ /security/) { split(uris, u, /[ \t]+/); print u[1]; exit }
             }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f "$f" ]] || continue
        awk '{ sub(/#.*/, "") } $1 == "deb" && $0 ~ /[ \t]main([ \t]|$)/ && $0 !~ /security/ {
                 sub(/^[ \t]*deb[ \t]+(\[[^]]*\][ \t]+)?/, ""); split($0, w, /[ \t]+/); print w[1]; exit }' "$f"
    done
}

mkdir -p "$cache"
# Two installs at once must not share the cache half-written.
exec 9>"$cache/.install.lock"
flock 9

src_root="$cache/src"
source_dir="$(ls -1d "$src_root"/pgvector-*/ 2>/dev/null | head -n 1 || true)"
if [[ -z "$source_dir" || ! -f "$source_dir/Makefile" ]]; then
    mirror="${PGVECTOR_DEBIAN_MIRROR:-$(host_mirror | head -n 1)}"
    [[ -n "$mirror" ]] || die "no Debian mirror found in /etc/apt/sources.list{,.d}; set PGVECTOR_DEBIAN_MIRROR"
    apt_dir="$cache/apt"
    log "fetching pgvector source from $mirror $DEBIAN_SUITE (private apt state in $apt_dir)"
    rm -rf "$apt_dir" "$src_root"
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$src_root"
    echo "deb-src [signed-by=$KEYRING] $mirror $DEBIAN_SUITE main" \
        >"$apt_dir/sources.list"
    apt_private=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o Acquire::Languages=none)
    if [[ "$(id -u)" == 0 ]]; then
        # As root apt downloads as user _apt, which cannot write into our root-owned folders; it would fall back
        # to root with a warning anyway.
        apt_private+=(-o APT::Sandbox::User=root)
    fi
    apt-get -q "${apt_private[@]}" update >&2 || die "apt-get update (private, $DEBIAN_SUITE deb-src) failed"
    (cd "$src_root" && apt-get -q "${apt_private[@]}" source pgvector >&2) || die "apt-get source pgvector failed"
    source_dir="$(ls -1d "$src_root"/pgvector-*/ 2>/dev/null | head -n 1 || true)"
    [[ -n "$source_dir" && -f "$source_dir/Makefile" ]] || die "no unpacked pgvector-*/Makefile under $src_root"
fi

# --- step 3: build and install -------------------------------------------------------------------------------------
log "building $(basename "$source_dir") against $("$PG_CONFIG" --version)"
make -C "$source_dir" -j2 PG_CONFIG="$PG_CONFIG" >&2 || die "make failed in $source_dir"
"${as_root[@]}" make -C "$source_dir" install PG_CONFIG="$PG_CONFIG" >&2 || die "make install failed in $source_dir"
[[ -f "$VECTOR_SO" && -f "$VECTOR_CONTROL" ]] || die "make install did not produce $VECTOR_SO and $VECTOR_CONTROL"
log "installed pgvector $(awk -F"'" '/^default_version/{print $2}' "$VECTOR_CONTROL") for PostgreSQL $PG_MAJOR" \
    "(undo: make -C $source_dir uninstall PG_CONFIG=$PG_CONFIG)"
