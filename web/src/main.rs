//! The playground app (see web/ in ARCHITECTURE.md).
fn main() {}
