//! Removal: unregistering, expiry with explicit times, closed connections, and topics left without brokers.

use super::*;

#[test]
fn the_last_broker_of_a_topic_takes_it_away_and_a_shared_topic_stays() {
    let mut routes = manager();
    routes.register_broker(
        registration("broker-a", 0, "a:1", topic_configs(1, &["Shared", "OnlyA"])),
        0,
    );
    let mut b = registration("broker-b", 0, "b:1", topic_configs(1, &["Shared", "OnlyB"]));
    b.connection = Some(99);
    routes.register_broker(b, 0);

    assert!(routes.unregister_broker("DefaultCluster", "a:1", "broker-a"));
    assert!(routes.topic_route("OnlyA").is_none());
    let shared = routes.topic_route("Shared").unwrap();
    assert_eq!(shared.queue_datas.len(), 1);
    assert_eq!(shared.broker_datas[0].broker_name, "broker-b");
    assert!(routes.broker_data("broker-a").is_none());
    assert_eq!(
        routes.cluster_info().cluster_addr_table["DefaultCluster"],
        ["broker-b"]
    );
    assert!(!routes.unregister_broker("DefaultCluster", "a:1", "broker-a"));

    assert_eq!(routes.all_topics().topic_list, ["OnlyB", "Shared", SYSTEM_TOPIC]);
    routes.unregister_broker("DefaultCluster", "b:1", "broker-b");
    assert!(routes.all_topics().topic_list.is_empty());
    assert!(routes.cluster_info().cluster_addr_table.is_empty());
}

#[test]
fn a_master_leaving_keeps_the_route_through_its_slave() {
    let mut routes = manager();
    routes.register_broker(registration("broker-a", 0, "a:1", topic_configs(1, &["T"])), 0);
    routes.register_broker(registration("broker-a", 1, "a:2", topic_configs(1, &["T"])), 0);
    routes.unregister_broker("DefaultCluster", "a:1", "broker-a");
    let route = routes.topic_route("T").unwrap();
    assert_eq!(
        route.broker_datas[0].broker_addrs.keys().collect::<Vec<_>>(),
        [&1]
    );
    assert_eq!(perm(&routes, "T", "broker-a"), 6);
}

#[test]
fn an_acting_master_group_loses_write_permission_when_its_master_leaves() {
    let mut routes = manager();
    let mut master = registration("broker-a", 0, "a:1", topic_configs(1, &["T"]));
    master.enable_acting_master = Some(true);
    routes.register_broker(master, 0);
    let mut slave = registration("broker-a", 1, "a:2", topic_configs(1, &["T"]));
    slave.enable_acting_master = Some(true);
    routes.register_broker(slave, 0);
    routes.unregister_broker("DefaultCluster", "a:1", "broker-a");
    assert_eq!(perm(&routes, "T", "broker-a"), 4);
}

#[test]
fn brokers_expire_after_their_timeout_unless_renewed() {
    let mut routes = manager();
    routes.register_broker(
        registration("broker-a", 0, "a:1", topic_configs(1, &["T"])),
        1_000,
    );
    let mut short = registration("broker-b", 0, "b:1", topic_configs(1, &["U"]));
    short.heartbeat_timeout_millis = Some(5_000);
    routes.register_broker(short, 1_000);

    assert!(
        routes.remove_expired(6_000).is_empty(),
        "expiry needs last + timeout < now"
    );
    assert!(routes.heartbeat("DefaultCluster", "b:1", 4_000));
    assert!(routes.remove_expired(9_000).is_empty());
    let removed = routes.remove_expired(9_001);
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].broker_addr, "b:1");
    assert_eq!(removed[0].identity, Some(("broker-b".to_owned(), 0)));
    assert!(routes.topic_route("U").is_none());
    assert!(routes.topic_route("T").is_some());
    assert!(!routes.heartbeat("DefaultCluster", "b:1", 9_002));

    assert!(routes.remove_expired(121_000).is_empty());
    assert_eq!(routes.remove_expired(121_001).len(), 1);
    assert_eq!(routes.live_broker_count(), 0);
    assert!(routes.topic_route("T").is_none());
}

#[test]
fn a_closed_connection_removes_only_the_brokers_registered_over_it() {
    let mut routes = manager();
    let mut a = registration("broker-a", 0, "a:1", topic_configs(1, &["T"]));
    a.connection = Some(7);
    let mut b = registration("broker-b", 0, "b:1", topic_configs(1, &["T"]));
    b.connection = Some(8);
    routes.register_broker(a.clone(), 0);
    routes.register_broker(b, 0);
    // A re-registration over a new connection moves the broker to it.
    a.connection = Some(9);
    routes.register_broker(a, 1);
    assert!(routes.remove_connection(7).is_empty());
    assert!(routes.is_connection_in_use(9));

    let removed = routes.remove_connection(9);
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].connection, Some(9));
    let route = routes.topic_route("T").unwrap();
    assert_eq!(route.broker_datas.len(), 1);
    assert_eq!(route.broker_datas[0].broker_name, "broker-b");
    assert!(!routes.is_connection_in_use(9));
}
