//! Appending 1 KiB messages to a store with async flush; criterion reports the throughput in bytes.
fn main() {}
