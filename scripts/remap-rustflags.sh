# Sourced by scripts/build-web.sh and scripts/build-pkg.sh (from the project root): appends path
# remapping to RUSTFLAGS. Panic locations embed source paths; remapped, the wasm carries neither
# this machine's home directory nor ~10 KB of repeated prefixes, and equal RUSTFLAGS let the two
# builds share compiled dependencies instead of rebuilding each other's.
remap=""
for src in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
  remap+=" --remap-path-prefix=${src%/}=crates"
done
rust_commit=$(rustc -vV | sed -n 's/^commit-hash: //p')
[ -n "$rust_commit" ] && remap+=" --remap-path-prefix=/rustc/$rust_commit=rust"
remap+=" --remap-path-prefix=$PWD=."
export RUSTFLAGS="${RUSTFLAGS:-}$remap"
