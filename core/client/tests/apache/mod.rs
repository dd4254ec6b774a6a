//! Support of the tests against Apache's own name server and broker (feature `apache`): the shared cluster and the
//! official Java client's half of the mixed tests.
#![allow(dead_code, unused_imports)] // each apache_* test binary uses a different subset

mod cluster;
mod java_client;
pub mod mqadmin;

pub use cluster::ApacheCluster;
pub use java_client::{run_java_client, run_java_main};
