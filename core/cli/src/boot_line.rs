//! The lines Apache's name server and broker print once they serve; scripts and tests read addresses from them,
//! so Fulmen prints them word for word. A closed stdout is not a reason to stop a server.

use std::io::Write as _;
use std::net::SocketAddr;

use fulmen_broker::Broker;

/// `The Name Server boot success. ...` (Java's `NamesrvStartup`).
pub fn print_namesrv(addr: SocketAddr) {
    let _ = writeln!(
        std::io::stdout().lock(),
        "The Name Server boot success. serializeType=JSON, address {addr}"
    );
}

/// `The broker[name, ip:port] boot success. ...` (Java's `BrokerStartup`), with the name server list as given.
pub fn print_broker(broker: &Broker) {
    let config = broker.config();
    let mut line = format!(
        "The broker[{}, {}] boot success. serializeType=JSON",
        config.broker_name,
        broker.advertised_addr()
    );
    if !config.namesrv_addrs.is_empty() {
        line.push_str(" and name server is ");
        line.push_str(&config.namesrv_addrs.join(";"));
    }
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}
