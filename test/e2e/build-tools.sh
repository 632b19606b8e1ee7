#!/usr/bin/env bash
# Builds, from their Go modules with the ordinary `go` client, everything the end-to-end suite
# runs: kubectl's reading code (kubectl-reader), the Pulumi CLI, the Kubernetes provider (matching @pulumi/kubernetes), kube-apiserver, kube-controller-manager,
# kube-scheduler, etcd, kwok and kwokctl, and the renderers `zeroport scan` drives (helm, kustomize). Binaries and Go caches live outside the repository in
# $ZEROPORT_TOOLS (default ~/.cache/zeroport-e2e), keyed by version, so a second run skips the
# builds. Prints one line per tool with the seconds it took ("cached" when skipped).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOLS=${ZEROPORT_TOOLS:-$HOME/.cache/zeroport-e2e}
BIN=$TOOLS/bin
mkdir -p "$BIN" "$TOOLS/src" "$TOOLS/logs"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
export GOMODCACHE=$TOOLS/gomod GOCACHE=$TOOLS/gocache GOPATH=$TOOLS/gopath

lock_version() { node -e "console.log(require('$ROOT/package-lock.json').packages['node_modules/$1'].version)"; }
# The CLI is chosen independently of the SDK in the lockfile: programs run through the Automation API
# (the Node process serves the language runtime) and the pack runs as an executable analyzer, which
# CLI >= 3.255 accepts. The Node.js language host is neither needed nor built.
PV=${ZEROPORT_PULUMI:-3.274.1}
KV=$(lock_version @pulumi/kubernetes)      # Kubernetes provider, matching the SDK
# Pseudo-versions the Go proxy resolves for the provider module (it has no semver tags); 4.25.0 is
# the commit of tag v4.25.0.
declare -A PROVIDER_COMMIT=([4.25.0]=v4.0.0-20260115033456-f47bc2d6f199)
K8S=${ZEROPORT_K8S:-1.36.1}; EV=${ZEROPORT_ETCD:-3.6.14}; KWOK=${ZEROPORT_KWOK:-0.8.0}
HELM=${ZEROPORT_HELM:-4.3.2}; KUSTOMIZE=${ZEROPORT_KUSTOMIZE:-5.8.1}
export ROOT TOOLS BIN PV KV K8S EV KWOK HELM KUSTOMIZE

KC=${PROVIDER_COMMIT[$KV]:?no provider commit known for @pulumi/kubernetes $KV}
export KC

# build NAME STAMP FUNCTION: runs FUNCTION unless $BIN/.NAME-STAMP exists; logs to $TOOLS/logs.
build() {
  local name=$1 stamp=$2 fn=$3
  if [ -e "$BIN/.$name-$stamp" ]; then echo "tool $name $stamp: cached"; return 0; fi
  local start=$SECONDS
  # A separate shell, so that `set -e` holds inside the build (an `if` would switch it off).
  if ! bash -c "set -euo pipefail; $(declare -f go_main "$fn"); $fn" >"$TOOLS/logs/$name-$stamp.log" 2>&1; then
    echo "tool $name $stamp: FAILED after $((SECONDS - start))s; last lines of $TOOLS/logs/$name-$stamp.log:"
    tail -n 25 "$TOOLS/logs/$name-$stamp.log"
    return 1
  fi
  touch "$BIN/.$name-$stamp"
  echo "tool $name $stamp: built in $((SECONDS - start))s"
}

build_pulumi() {
  local dir=$TOOLS/src/pulumi-$PV
  mkdir -p "$dir" && cd "$dir"
  [ -f go.mod ] || go mod init zeroport.local/pulumibuild
  # pkg's own replace (a fork of atotto/clipboard) does not apply to a dependency; copy it.
  go mod edit -replace=github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
  go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$PV" "github.com/pulumi/pulumi/sdk/v3@v$PV"
  local ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PV"
  go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$BIN/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  "$BIN/pulumi" version
}

build_provider() {
  local dir=$TOOLS/src/k8sprovider-$KV
  mkdir -p "$dir" && cd "$dir"
  [ -f go.mod ] || go mod init zeroport.local/k8sproviderbuild
  go get "github.com/pulumi/pulumi-kubernetes/provider/v4@$KC" "github.com/pulumi/pulumi-kubernetes/sdk/v4@v$KV"
  go mod download github.com/pulumi/pulumi-kubernetes/provider/v4
  local src
  src=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)
  # main.go embeds schema files that upstream generates at release time (gitignored); generate them
  # from the committed schema with upstream's own generator.
  rm -rf cmd && mkdir cmd && cp -r "$src/cmd/pulumi-resource-kubernetes" cmd/ && chmod -R u+w cmd
  (cd cmd/pulumi-resource-kubernetes && VERSION=$KV go run generate.go)
  go mod tidy
  go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$KV" \
    -o "$BIN/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes
}

build_kube() {
  local dir=$TOOLS/src/kube-$K8S minor
  minor=$(echo "$K8S" | cut -d. -f2)
  mkdir -p "$dir" && cd "$dir"
  [ -f go.mod ] || go mod init zeroport.local/kubebuild
  go mod download "k8s.io/kubernetes@v$K8S"
  local gomod=$GOMODCACHE/cache/download/k8s.io/kubernetes/@v/v$K8S.mod
  # k8s.io/kubernetes requires its staging modules at v0.0.0 through local replaces; point each at its release.
  for m in $(awk '$2=="=>" && $3 ~ /^\.\/staging\// {print $1}' "$gomod"); do
    go mod edit -replace="$m=$m@v0.$minor.${K8S##*.}"
  done
  go mod edit -require="k8s.io/kubernetes@v$K8S"
  go get "k8s.io/kubernetes/cmd/kube-apiserver@v$K8S" "k8s.io/kubernetes/cmd/kube-controller-manager@v$K8S" \
    "k8s.io/kubernetes/cmd/kube-scheduler@v$K8S"
  local ldflags="-s -w" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags="$ldflags -X $p.gitVersion=v$K8S -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=2026-01-01T00:00:00Z"
  done
  go build -trimpath -pgo=off -ldflags "$ldflags" -o "$BIN/" k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler
  "$BIN/kube-apiserver" --version
}

# go_main NAME PACKAGE VERSION [LDFLAGS]: PACKAGE@vVERSION built as $BIN/NAME, in a module of its own.
go_main() {
  local name=$1 pkg=$2 version=$3 ldflags=${4:-}
  local dir=$TOOLS/src/$name-$version
  mkdir -p "$dir" && cd "$dir"
  [ -f go.mod ] || go mod init "zeroport.local/${name}build"
  go get "$pkg@v$version"
  go build -trimpath -ldflags "-s -w $ldflags" -o "$BIN/$name" "$pkg"
}

build_etcd() {
  go_main etcd go.etcd.io/etcd/server/v3 "$EV"
  "$BIN/etcd" --version
}

build_kwok() {
  GOBIN=$BIN go install "sigs.k8s.io/kwok/cmd/kwok@v$KWOK" "sigs.k8s.io/kwok/cmd/kwokctl@v$KWOK"
  "$BIN/kwokctl" --version
}

# kubectl's own file-reading code (k8s.io/cli-runtime), from test/e2e/kubectl-reader: the
# reference the scan reader is compared with. Keyed by the hash of its source and module files.
build_kubectl_reader() {
  cd "$ROOT/test/e2e/kubectl-reader"
  go build -trimpath -ldflags "-s -w" -o "$BIN/kubectl-reader" .
}
READER=$(cat "$ROOT"/test/e2e/kubectl-reader/{main.go,go.mod,go.sum} | sha256sum | cut -c1-12)

# The chart and kustomization renderers, for the scan's rendering e2e.
build_helm() {
  go_main helm helm.sh/helm/v4/cmd/helm "$HELM" "-X helm.sh/helm/v4/internal/version.version=v$HELM"
  "$BIN/helm" version
}
build_kustomize() {
  go_main kustomize sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE"
  "$BIN/kustomize" version
}

status=0
build kubectl-reader "$READER" build_kubectl_reader || status=1
build etcd "$EV" build_etcd || status=1
build kwok "$KWOK" build_kwok || status=1
build kube "$K8S" build_kube || status=1
build pulumi "$PV" build_pulumi || status=1
build provider "$KV" build_provider || status=1
build helm "$HELM" build_helm || status=1
build kustomize "$KUSTOMIZE" build_kustomize || status=1
exit $status
