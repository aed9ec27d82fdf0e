#!/bin/sh
# Builds a Debian 12 base image with a Java 17 runtime, without any container registry: mmdebstrap makes a root
# filesystem tarball from the Debian mirror, podman imports it. build-image.sh can then build on it with
# --base localhost/herald-base:bookworm.
#
#   deploy/container/build-base.sh [--with-gobgpd] [--name IMAGE] [--mirror URL] [--force]
#
#   --with-gobgpd  also install Debian's gobgpd (for backend = gobgp); the default name becomes
#                  localhost/herald-base-gobgp:bookworm
#   --name IMAGE   the image to create (default localhost/herald-base:bookworm)
#   --mirror URL   the Debian mirror, then the only source (default: deb.debian.org, with bookworm-updates and
#                  bookworm-security added by mmdebstrap)
#   --force        rebuild even when the image exists
#
# Needs root (mmdebstrap's root mode), mmdebstrap and podman (or docker). .ci/setup-podman.sh installs both.
set -eu

name=
gobgpd=no
force=no
mirror=
while [ $# -gt 0 ]; do
  case "$1" in
    --with-gobgpd) gobgpd=yes ;;
    --name) [ $# -ge 2 ] || { echo "build-base.sh: --name needs a value" >&2; exit 2; }; name=$2; shift ;;
    --name=*) name=${1#--name=} ;;
    --mirror) [ $# -ge 2 ] || { echo "build-base.sh: --mirror needs a value" >&2; exit 2; }; mirror=$2; shift ;;
    --mirror=*) mirror=${1#--mirror=} ;;
    --force) force=yes ;;
    -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "build-base.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

packages=openjdk-17-jre-headless,ca-certificates
if [ "$gobgpd" = yes ]; then
  packages=$packages,gobgpd
  : "${name:=localhost/herald-base-gobgp:bookworm}"
else
  : "${name:=localhost/herald-base:bookworm}"
fi

if command -v podman >/dev/null 2>&1; then engine=podman
elif command -v docker >/dev/null 2>&1; then engine=docker
else echo "build-base.sh: neither podman nor docker found (see .ci/setup-podman.sh)" >&2; exit 1
fi

if [ "$force" = no ] && $engine image inspect "$name" >/dev/null 2>&1; then
  echo "build-base.sh: $name exists, nothing to do (--force rebuilds it)"
  exit 0
fi

if ! command -v mmdebstrap >/dev/null 2>&1; then
  echo "build-base.sh: mmdebstrap not found; install it first (apt-get install mmdebstrap, or .ci/setup-podman.sh)" >&2
  exit 1
fi

# The tarball (about 350 MB) goes to a temporary folder, never into the checkout, and is removed on any exit.
work=$(mktemp -d "${TMPDIR:-/tmp}/herald-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

started=$(date +%s)
# Documentation, manual pages and translations are never read in the container; the copyright files stay.
# update-alternatives (the JRE's postinst) fails unless man1/ exists, even with its files excluded.
set -- --variant=apt --include="$packages" \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
  bookworm "$work/base.tar"
if [ -n "$mirror" ]; then set -- "$@" "$mirror"; fi
mmdebstrap "$@"

$engine import \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["/bin/bash"]' \
  "$work/base.tar" "$name" >/dev/null
echo "build-base.sh: built $name in $(( $(date +%s) - started )) s"
$engine image ls "$name"
