#!/bin/sh
# Builds gateway, identity and notes as their packages' build scripts do, into $1/<name>/ with
# what each reads beside itself (migrations, web/), and $1/bin/<name> starting it, for
# BENCH_BIN_DIR=$1/bin. Extra `bun build` flags follow $1 (e.g. --compile-exec-argv=--smol);
# DIAG=1 imports diag.ts first (JS heap on SIGUSR2).
set -e
out=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
mkdir -p "$out/bin"
for spec in gateway:gateway:gateway identity:services/identity:services/identity notes:service-template:service-template; do
  name=${spec%%:*}
  pkg=$(echo "$spec" | cut -d: -f2)
  entry=$root/$pkg/src/main.ts
  if [ "${DIAG:-}" = 1 ]; then
    entry=$root/$pkg/src/.diag-main.ts
    printf 'import "%s";\nimport "./main.ts";\n' "$here/diag.ts" > "$entry"
  fi
  rm -rf "${out:?}/$name" && mkdir -p "$out/$name"
  bun build "$entry" --compile --minify --sourcemap "$@" --outfile "$out/$name/$name" > /dev/null
  [ "${DIAG:-}" = 1 ] && rm -f "$entry"
  if [ "$name" = gateway ]; then
    # An API-only checkout has no web build; the gateway then serves no app (routes/web.ts).
    if [ -d "$root/gateway/web/dist" ]; then cp -R "$root/gateway/web/dist" "$out/gateway/web"; fi
  else
    cp -R "$root/$pkg/migrations" "$out/$name/migrations"
  fi
  printf '#!/bin/sh\nexec "%s" "$@"\n' "$out/$name/$name" > "$out/bin/$name"
  chmod +x "$out/bin/$name"
done
