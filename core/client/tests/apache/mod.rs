//! Support of the tests against Apache's own name server and broker (feature `apache`).

mod cluster;

pub use cluster::ApacheCluster;
