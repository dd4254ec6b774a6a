//! Java `toString` forms that Apache's broker puts into response remarks: `TopicConfig` (from
//! `fulmen_protocol::java_text`) and a socket address, so Fulmen's remarks read the same.

use std::net::SocketAddr;

pub(crate) use fulmen_protocol::java_text::topic_config_to_string;

/// `InetSocketAddress#toString` of an address without a resolved host name, as Netty's `channel.remoteAddress()`
/// prints: `/127.0.0.1:50012`.
pub(crate) fn socket_address(addr: SocketAddr) -> String {
    format!("/{addr}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_forms() {
        assert_eq!(
            socket_address("127.0.0.1:5000".parse().unwrap()),
            "/127.0.0.1:5000"
        );
    }
}
