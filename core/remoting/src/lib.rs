//! Tokio transport for the remoting protocol (being written).
