//! Offset message ids made by Java's `MessageDecoder.createMessageId` and client ids decoded by Java's
//! `MessageClientIDSetter` parse to the same fields and print back to the same text.

use fulmen_protocol::msgid::{ClientMessageId, OffsetMessageId};

use std::net::IpAddr;

use super::support::{hex_upper, ip_bytes, java_host, vectors};

#[test]
fn offset_message_ids_match_java() {
    for vector in vectors("msgid", "offsetMsgId") {
        let id =
            OffsetMessageId::parse(vector.str("msgId")).unwrap_or_else(|e| panic!("{}: {e}", vector.name()));
        assert_eq!(
            java_host(id.store_host),
            vector.str("storeHost"),
            "{}",
            vector.name()
        );
        assert_eq!(hex_upper(&ip_bytes(id.store_host.ip())), vector.str("ipHex"));
        assert_eq!(i64::from(id.store_host.port()), vector.int("port"));
        assert_eq!(id.commit_log_offset, vector.int("commitLogOffset"));
        assert_eq!(id.to_string(), vector.str("msgId"));
    }
}

#[test]
fn client_message_ids_match_java() {
    for vector in vectors("msgid", "clientMsgId") {
        let id =
            ClientMessageId::parse(vector.str("msgId")).unwrap_or_else(|e| panic!("{}: {e}", vector.name()));
        // Java prints IPv6 client ids zero-padded, so compare addresses, not text.
        let java_ip: IpAddr = vector.str("ip").parse().expect("Java's IP text parses");
        assert_eq!(id.ip, java_ip, "{}", vector.name());
        assert_eq!(hex_upper(&ip_bytes(id.ip)), vector.str("ipHex"));
        assert_eq!(i64::from(id.pid), vector.int("pid"));
        assert_eq!(id.to_string(), vector.str("msgId"));
    }
}
