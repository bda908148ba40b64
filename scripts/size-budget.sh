#!/usr/bin/env bash
# Fails when dist/ (wasm + js + css + html, each gzipped -9) exceeds the budget; prints every file's size.
set -euo pipefail
dir="${1:-dist}"
budget_kb="${BUDGET_KB:-300}"
[ -d "$dir" ] || { echo "size-budget: $dir does not exist (build it first)" >&2; exit 2; }
total=0
printf '%-48s %10s %10s\n' file raw gzip
while IFS= read -r -d '' f; do
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total=$((total + gz))
  printf '%-48s %10d %10d\n' "${f#"$dir"/}" "$raw" "$gz"
done < <(find "$dir" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.mjs' -o -name '*.css' -o -name '*.html' \) -print0 | sort -z)
printf '%-48s %10s %10d  (budget %d KB = %d bytes)\n' TOTAL "" "$total" "$budget_kb" $((budget_kb * 1024))
if [ "$total" -gt $((budget_kb * 1024)) ]; then
  echo "size-budget: dist/ is $total bytes gzipped, over the ${budget_kb} KB budget" >&2
  exit 1
fi
