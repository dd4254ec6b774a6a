//! Who this client is: its IP, the `pid#nanos` instance name producers and clustering consumers take (the client
//! id itself is built by [`crate::ClientConfig::client_id`]) and the generator of the message ids it stamps into
//! `UNIQ_KEY`.

use std::net::{IpAddr, Ipv4Addr, UdpSocket};
use std::time::{SystemTime, UNIX_EPOCH};

use fulmen_protocol::msgid::MessageIdGenerator;

/// The address this host uses to reach other hosts: the local end of a UDP socket "connected" to a public
/// address (no packet is sent), or 127.0.0.1 when there is no route.
pub(crate) fn local_ip() -> IpAddr {
    let probe = || -> std::io::Result<IpAddr> {
        let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))?;
        socket.connect((Ipv4Addr::new(192, 0, 2, 1), 9))?;
        Ok(socket.local_addr()?.ip())
    };
    match probe() {
        Ok(ip) if !ip.is_unspecified() => ip,
        _ => IpAddr::V4(Ipv4Addr::LOCALHOST),
    }
}

/// The instance name Java gives a producer or clustering consumer that kept the default one: `pid#nanos`.
pub(crate) fn pid_instance_name() -> String {
    format!("{}#{}", std::process::id(), unix_nanos())
}

/// A message id generator for this process with a random salt.
pub(crate) fn message_id_generator(ip: IpAddr) -> MessageIdGenerator {
    MessageIdGenerator::new(ip, std::process::id(), fastrand::u32(..))
}

/// Milliseconds since the Unix epoch.
pub(crate) fn unix_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| {
        i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
    })
}

fn unix_nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_differ() {
        let generator = message_id_generator(local_ip());
        assert_ne!(generator.next_id(unix_millis()), generator.next_id(unix_millis()));
    }
}
