#!/bin/sh
# Builds Herald's container image from a built distribution folder (README.md, "Running the distribution").
#
#   deploy/container/build-image.sh [DIST] [--tag IMAGE] [--base IMAGE] [--variant plain|gobgp]
#
#   DIST       the distribution folder (default: the one distribution/target/herald-*/ of this checkout)
#   --tag      the image to create (default localhost/herald:<version>, with --variant gobgp <version>-gobgp)
#   --base     the Java 17 runtime image to build on (default: the Containerfile's, eclipse-temurin:17-jre);
#              without a registry, make one with build-base.sh and pass --base localhost/herald-base:bookworm
#   --variant  gobgp: Debian's gobgpd in the image too, for backend = gobgp (Containerfile.gobgp)
#
# Uses podman, else docker, else buildah. Prints the image's size and that of the layers this build added.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)

dist=
tag=
base=
variant=plain
need() { [ "$2" -ge 2 ] || { echo "build-image.sh: $1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) need "$1" $#; tag=$2; shift ;;
    --tag=*) tag=${1#--tag=} ;;
    --base) need "$1" $#; base=$2; shift ;;
    --base=*) base=${1#--base=} ;;
    --variant) need "$1" $#; variant=$2; shift ;;
    --variant=*) variant=${1#--variant=} ;;
    -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    -*) echo "build-image.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) [ -z "$dist" ] || { echo "build-image.sh: one distribution folder only" >&2; exit 2; }; dist=$1 ;;
  esac
  shift
done
case "$variant" in plain|gobgp) ;; *) echo "build-image.sh: --variant is plain or gobgp" >&2; exit 2 ;; esac

if [ -z "$dist" ]; then
  set -- "$root"/distribution/target/herald-*/
  if [ ! -d "$1" ]; then
    echo "build-image.sh: no distribution in $root/distribution/target; build it: ./mvnw -B install -DskipTests" >&2
    exit 1
  fi
  if [ $# -gt 1 ]; then
    echo "build-image.sh: several distributions in $root/distribution/target; name one:" >&2
    printf '  %s\n' "$@" >&2
    exit 2
  fi
  dist=$1
fi
[ -d "$dist" ] || { echo "build-image.sh: no folder $dist" >&2; exit 1; }
dist=$(cd "$dist" && pwd -P)
for d in bin/herald lib system etc; do
  [ -e "$dist/$d" ] || { echo "build-image.sh: $dist has no $d; is it a Herald distribution?" >&2; exit 1; }
done

# The version is the launcher's (lib/herald-launcher-<version>.jar), whatever the folder is called.
version=
for j in "$dist"/lib/herald-launcher-*.jar; do
  [ -f "$j" ] && version=$(basename "$j" .jar) && version=${version#herald-launcher-}
done
[ -n "$version" ] || { echo "build-image.sh: no lib/herald-launcher-*.jar in $dist" >&2; exit 1; }
if [ -z "$tag" ]; then
  if [ "$variant" = gobgp ]; then tag=localhost/herald:$version-gobgp; else tag=localhost/herald:$version; fi
fi

if command -v podman >/dev/null 2>&1; then engine=podman; build="podman build"
elif command -v docker >/dev/null 2>&1; then engine=docker; build="docker build"
elif command -v buildah >/dev/null 2>&1; then engine=buildah; build="buildah build"
else echo "build-image.sh: no podman, docker or buildah (see .ci/setup-podman.sh)" >&2; exit 1
fi

# The context is staged in a temporary folder, so lib/sim/, data/, log/ and deploy/ of the distribution are never
# sent, and the jars that are not Herald's go to a layer of their own (Containerfile). cp -p keeps the jars'
# times: the launcher updates a cached bundle whose jar is newer than it.
ctx=$(mktemp -d "${TMPDIR:-/tmp}/herald-image.XXXXXX")
trap 'rm -rf "$ctx"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$ctx/third-party/lib" "$ctx/third-party/system" \
  "$ctx/herald/lib" "$ctx/herald/system" "$ctx/herald/data" "$ctx/herald/log" "$ctx/herald/deploy"
cp -pR "$dist/bin" "$dist/etc" "$ctx/herald/"
for sub in lib system; do
  for j in "$dist/$sub"/*.jar; do
    [ -f "$j" ] || continue
    case "$(basename "$j")" in
      herald-*) cp -p "$j" "$ctx/herald/$sub/" ;;
      *) cp -p "$j" "$ctx/third-party/$sub/" ;;
    esac
  done
done
cp "$here/Containerfile" "$here/Containerfile.gobgp" "$ctx/"

revision=$(git -C "$root" rev-parse HEAD 2>/dev/null || true)
source=$(git -C "$root" remote get-url origin 2>/dev/null || true)

set -- --build-arg "VERSION=$version" --build-arg "REVISION=$revision" --build-arg "SOURCE=$source"
jre=$base
if [ "$variant" = gobgp ]; then
  # gobgpd goes into a base of its own, named after the image, so that it sits below Herald's layers.
  case "${tag##*/}" in
    *:*) jre=${tag%:*}-jre-gobgp:${tag##*:}; jre=${jre%-gobgp} ;;
    *) jre=$tag-jre-gobgp ;;
  esac
  echo "build-image.sh: $jre: ${base:-the default base} with gobgpd"
  if [ -n "$base" ]; then
    $build --build-arg "BASE=$base" -f "$ctx/Containerfile.gobgp" -t "$jre" "$ctx" || build_failed=yes
  else
    $build -f "$ctx/Containerfile.gobgp" -t "$jre" "$ctx" || build_failed=yes
  fi
fi
if [ "${build_failed:-no}" = no ]; then
  [ -n "$jre" ] && set -- "$@" --build-arg "BASE=$jre"
  echo "build-image.sh: $tag from $dist (Herald $version) on ${jre:-the default base}"
  $build "$@" -f "$ctx/Containerfile" -t "$tag" "$ctx" || build_failed=yes
fi
if [ "${build_failed:-no}" = yes ]; then
  echo "build-image.sh: the build failed. Without a registry, build a base first and pass it:" >&2
  echo "  $here/build-base.sh && $0 --base localhost/herald-base:bookworm" >&2
  exit 1
fi

if [ "$engine" = buildah ]; then exit 0; fi  # buildah has no history command; podman or docker report sizes
mb() { awk -v b="$1" 'BEGIN { printf "%6.1f MB", b / 1000000 }'; }
# size<TAB>created-by of each layer, newest first, sizes in bytes (podman 4.3 prints them in bytes only as JSON)
layers() {
  if [ "$engine" = podman ]; then
    podman history --format json "$1" | tr -d '\n' | sed 's/},[[:space:]]*{/}\n{/g' |
      sed -n 's/.*"CreatedBy": *"\(.*\)", *"size": *\([0-9]*\).*/\2\t\1/p'
  else
    docker history --no-trunc --human=false --format '{{.Size}}\t{{.CreatedBy}}' "$1"
  fi
}
echo "build-image.sh: $tag: $(mb "$($engine image inspect -f '{{.Size}}' "$tag")") in all; the layers on the base:"
# This build's layers are the newest ones, above those of the base it started from.
from=${base:-$(sed -n 's/^ARG BASE=//p' "$here/Containerfile")}
from_count=$(layers "$from" 2>/dev/null | wc -l) || from_count=0
all_count=$(layers "$tag" | wc -l)
layers "$tag" | head -n $((all_count - from_count)) | {
  copies=0
  while IFS='	' read -r size created; do
    [ "$size" -gt 0 ] || continue
    case "$created" in
      *COPY*) copies=$((copies + 1))
        # Newest first: the Containerfile copies third-party/ and then herald/.
        if [ $copies = 1 ]; then what="Herald's own: bin/, etc/, herald-*.jar"; else what="third-party jars: lib/, system/"; fi ;;
      *gobgpd*) what="gobgpd (Containerfile.gobgp)" ;;
      *) what=$(printf '%s' "$created" | cut -c1-60) ;;
    esac
    echo "  $(mb "$size")  $what"
  done
}
