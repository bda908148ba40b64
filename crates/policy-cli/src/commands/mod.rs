//! One module per subcommand.

pub mod check;
pub mod diff;
pub mod docs_check;
pub mod explain;
pub mod lint;
pub mod replay;
pub mod serve;
pub mod share;
pub mod test;
