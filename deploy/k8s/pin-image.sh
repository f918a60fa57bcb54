#!/bin/sh
# Pins one of our images in the production overlay to tag@digest, as the images workflow pins
# deploy/compose.yaml:   sh pin-image.sh notes 1.2.0 sha256:<64 hex>
# The image's entry is three lines, name, newTag, digest (overlays/production/kustomization.yaml);
# the tag is quoted, so YAML never reads 1.10 as a number.
# Exits 1, changing nothing, when the arguments are malformed or no entry names the image.
set -eu
[ $# -eq 3 ] || { echo "usage: pin-image.sh <service> <version> <sha256:digest>" >&2; exit 1; }
service=$1 version=$2 digest=$3
file=$(dirname "$0")/overlays/production/kustomization.yaml
# Checked before the sed: each value goes into its expression.
echo "$service" | grep -Eq '^[a-z][a-z0-9-]*$' || { echo "bad service name: $service" >&2; exit 1; }
echo "$version" | grep -Eq '^[0-9A-Za-z._-]+$' || { echo "bad version: $version" >&2; exit 1; }
echo "$digest" | grep -Eq '^sha256:[0-9a-f]{64}$' || { echo "not a sha256 digest: $digest" >&2; exit 1; }
name="^  - name: ghcr\.io/[^/]+/trellis-$service\$"
entry=$(grep -E -A2 "$name" "$file") || { echo "no trellis-$service image in $file" >&2; exit 1; }
echo "$entry" | grep -q '^    newTag: ' && echo "$entry" | grep -q '^    digest: ' \
  || { echo "trellis-$service's entry is not name, newTag, digest in $file" >&2; exit 1; }
sed -E -i "\#$name#,+2{s#^(    newTag: ).*#\1\"$version\"#;s#^(    digest: ).*#\1$digest#}" "$file"
