#!/usr/bin/env bash
# Fills a directory with the files GraphiQL needs, for a machine without
# internet: run it where npm reaches a registry (the public one, or an
# intranet mirror set with `npm config set registry …`), copy the directory
# over if needed, and start salespulse with SALESPULSE_GRAPHIQL_ASSETS=<dir>.
# The versions are those of api/src/graphiql/mod.rs (a test holds them equal).
set -euo pipefail
dir="${1:?usage: scripts/graphiql-assets.sh <dir>}"
REACT=18.3.1
GRAPHIQL=4.0.3
GRAPHQL_WS=5.16.2
mkdir -p "$dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for pkg in "react@$REACT" "react-dom@$REACT" "graphiql@$GRAPHIQL" "graphql-ws@$GRAPHQL_WS"; do
  if [ -d "$dir/$pkg" ]; then
    echo "$dir/$pkg is there"
    continue
  fi
  tarball="$(cd "$work" && npm pack --silent "$pkg" | tail -n 1)"
  mkdir -p "$work/$pkg"
  tar -xzf "$work/$tarball" -C "$work/$pkg" --strip-components=1
  mv "$work/$pkg" "$dir/$pkg"
  echo "$dir/$pkg"
done
for f in "react@$REACT/umd/react.production.min.js" "react-dom@$REACT/umd/react-dom.production.min.js" \
         "graphiql@$GRAPHIQL/graphiql.min.js" "graphiql@$GRAPHIQL/graphiql.min.css" \
         "graphql-ws@$GRAPHQL_WS/umd/graphql-ws.min.js"; do
  test -s "$dir/$f" || { echo "missing $dir/$f" >&2; exit 1; }
done
echo "GraphiQL assets ready: SALESPULSE_GRAPHIQL_ASSETS=$dir"
