#!/usr/bin/env bash
# Builds the playground into dist/: release profile (size-optimised), offline, wasm-opt -Oz from the
# pinned npm binaryen, JavaScript minified by the pinned npm terser. Needs the tools
# scripts/bootstrap.sh installs. Prints each file's size.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# The compiler settings both wasm builds share (see the file).
source scripts/wasm-build-env.sh

trunk build --release --offline "$@"

# Trunk copies JavaScript as written; minified (and its integrity hashes renewed), dist/'s JS is
# 5 KB smaller gzipped (BENCHMARKS.md, "Size"). The sources stay readable in web/.
node scripts/minify-dist.mjs dist

# Sizes, raw and gzipped (-9, what a static server's precompressed files would be).
total_raw=0
total_gz=0
printf '%-48s %10s %10s\n' "dist/" "raw" "gzip"
while IFS= read -r -d '' file; do
  raw=$(wc -c <"$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '%-48s %10d %10d\n' "${file#dist/}" "$raw" "$gz"
done < <(find dist -type f -print0 | sort -z)
printf '%-48s %10d %10d  (budget: 307200 gzipped)\n' "total" "$total_raw" "$total_gz"
