#!/usr/bin/env bash
# Makes the API that is built now the one the build checks against (docs/development.md, pitfall 34): copies the jar
# of each bundle with exported packages to its baseline/ folder, its Bundle-Version set to 0.0.0. Run it after
# `./mvnw -B install -DskipTests` at a commit whose exported API is accepted, and commit the copies.
set -euo pipefail
cd "$(dirname "$0")"
for module in api bgp-protocol bfd; do
  built="$(ls "$module"/target/herald-"$module"-*.jar 2>/dev/null | grep -v -e -sources -e -tests | head -1)"
  [ -n "$built" ] || { echo "$module/target has no jar: build first" >&2; exit 1; }
  tmp="$(mktemp -d)"
  (cd "$tmp" && jar xf "$OLDPWD/$built")
  # the bundle version bnd compares: 0.0.0 lets 0.1.0 follow compatible package changes (pitfall 34)
  sed 's/^Bundle-Version: .*/Bundle-Version: 0.0.0\r/' "$tmp/META-INF/MANIFEST.MF" > "$tmp.mf"
  rm "$tmp/META-INF/MANIFEST.MF"
  mkdir -p "$module/baseline"
  rm -f "$module/baseline/herald-$module.jar"
  jar --create --file "$module/baseline/herald-$module.jar" --manifest "$tmp.mf" -C "$tmp" .
  rm -rf "$tmp" "$tmp.mf"
  echo "$module/baseline/herald-$module.jar"
done
