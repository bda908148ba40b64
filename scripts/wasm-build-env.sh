# Sourced by scripts/build-web.sh and scripts/build-pkg.sh (from the project root): the compiler
# settings both wasm builds share. They must stay identical for the two builds to share compiled
# dependencies instead of rebuilding each other's.
#
# 1. Path remapping. Panic locations embed source paths; remapped, the wasm carries neither this
#    machine's home directory nor ~10 KB of repeated prefixes.
# 2. A standard library rebuilt for size (`-Zbuild-std`, source from the rust-src component that
#    scripts/bootstrap.sh adds): panics abort at once instead of formatting a message nobody sees
#    (`-Cpanic=immediate-abort`), and `optimize_for_size` picks core's small sort and search code.
#    Together −59 KB gzipped of the app's wasm (BENCHMARKS.md, "Size"). These are unstable flags;
#    RUSTC_BOOTSTRAP=1 lets the pinned stable toolchain take them, for the wasm builds only
#    (native builds, tests and the CLI never source this file).
# 3. No panic locations (`-Zlocation-detail=none`): with immediate-abort nothing prints them, yet
#    each `#[track_caller]` site kept its file, line and column (−0.4 KB gzipped).
remap=""
for src in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
  remap+=" --remap-path-prefix=${src%/}=crates"
done
rust_commit=$(rustc -vV | sed -n 's/^commit-hash: //p')
[ -n "$rust_commit" ] && remap+=" --remap-path-prefix=/rustc/$rust_commit=rust"
remap+=" --remap-path-prefix=$PWD=."
export RUSTFLAGS="${RUSTFLAGS:-}$remap -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none"
export RUSTC_BOOTSTRAP=1
# Cargo reads `-Z` options from the environment too, so Trunk's own `cargo build` takes them.
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
