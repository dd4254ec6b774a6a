//! Registration: masters and slaves, data-version driven rebuilds, acting masters and refused registrations.

use std::collections::BTreeMap;

use super::*;
use crate::route::RegistrationOutcome;

#[test]
fn a_master_registration_creates_the_cluster_the_broker_and_its_topics() {
    let mut routes = manager();
    let outcome = routes.register_broker(
        registration("broker-a", 0, "10.0.0.1:10911", topic_configs(1, &["T"])),
        0,
    );
    assert_eq!(
        outcome,
        RegistrationOutcome::Registered {
            master_addr: None,
            ha_server_addr: None,
            newly_live: true
        }
    );
    let route = routes.topic_route("T").unwrap();
    assert_eq!(route.queue_datas.len(), 1);
    assert_eq!(route.queue_datas[0].broker_name, "broker-a");
    assert_eq!(route.queue_datas[0].write_queue_nums, 4);
    assert_eq!(route.broker_datas[0].cluster, "DefaultCluster");
    assert_eq!(
        route.broker_datas[0].broker_addrs,
        BTreeMap::from([(0, "10.0.0.1:10911".to_owned())])
    );
    assert_eq!(
        routes.cluster_info().cluster_addr_table["DefaultCluster"],
        ["broker-a"]
    );
    assert_eq!(routes.all_topics().topic_list, ["T", "TBW102"]);
    assert!(routes.topic_route("unknown").is_none());

    let again = routes.register_broker(
        registration("broker-a", 0, "10.0.0.1:10911", topic_configs(1, &["T"])),
        1,
    );
    assert!(matches!(
        again,
        RegistrationOutcome::Registered {
            newly_live: false,
            ..
        }
    ));
    assert_eq!(routes.live_broker_count(), 1);
}

#[test]
fn a_slave_joins_the_group_learns_its_master_and_leaves_the_queue_data_alone() {
    let mut routes = manager();
    routes.register_broker(
        registration("broker-a", 0, "10.0.0.1:10911", topic_configs(1, &["T"])),
        0,
    );
    let outcome = routes.register_broker(
        registration(
            "broker-a",
            1,
            "10.0.0.2:10911",
            topic_configs(7, &["T", "SlaveOnly"]),
        ),
        0,
    );
    assert_eq!(
        outcome,
        RegistrationOutcome::Registered {
            master_addr: Some("10.0.0.1:10911".into()),
            ha_server_addr: Some("10.0.0.1:10911-ha".into()),
            newly_live: true
        }
    );
    assert_eq!(routes.broker_data("broker-a").unwrap().broker_addrs.len(), 2);
    assert!(routes.topic_route("SlaveOnly").is_none());
    let route = routes.topic_route("T").unwrap();
    assert_eq!(route.broker_datas[0].broker_addrs[&1], "10.0.0.2:10911");
}

#[test]
fn queue_data_is_rebuilt_only_when_the_data_version_changes_or_a_topic_is_missing() {
    let mut routes = manager();
    routes.register_broker(registration("broker-a", 0, "a:1", topic_configs(1, &["T"])), 0);
    assert_eq!(routes.wipe_write_perm("broker-a"), 2);
    assert_eq!(perm(&routes, "T", "broker-a"), 4);

    // Same version: the wiped permission stays, but a topic this broker lacks in the table is added.
    routes.register_broker(
        registration("broker-a", 0, "a:1", topic_configs(1, &["T", "New"])),
        1,
    );
    assert_eq!(perm(&routes, "T", "broker-a"), 4);
    assert_eq!(perm(&routes, "New", "broker-a"), 6);

    // A new version rebuilds every topic from the registration.
    routes.register_broker(
        registration("broker-a", 0, "a:1", topic_configs(2, &["T", "New"])),
        2,
    );
    assert_eq!(perm(&routes, "T", "broker-a"), 6);

    // Topics the broker no longer lists are kept (deleteTopicWithBrokerRegistration is off)...
    routes.register_broker(registration("broker-a", 0, "a:1", topic_configs(3, &["T"])), 3);
    assert!(routes.topic_route("New").is_some());
    // ...unless the switch is on.
    routes.set_delete_topic_with_broker_registration(true);
    routes.register_broker(registration("broker-a", 0, "a:1", topic_configs(4, &["T"])), 4);
    assert!(routes.topic_route("New").is_none());
    assert!(routes.topic_route("T").is_some());
}

#[test]
fn a_5x_slave_without_master_registers_topics_and_an_acting_one_only_for_reading() {
    let mut routes = manager();
    let mut old_slave = registration("broker-old", 1, "o:1", topic_configs(1, &["T"]));
    old_slave.enable_acting_master = None;
    routes.register_broker(old_slave, 0);
    assert!(routes.queue_data("T", "broker-old").is_none());

    routes.register_broker(registration("broker-b", 1, "b:1", topic_configs(1, &["T"])), 0);
    assert_eq!(perm(&routes, "T", "broker-b"), 6);

    let mut acting = registration("broker-c", 1, "c:1", topic_configs(1, &["T"]));
    acting.enable_acting_master = Some(true);
    routes.register_broker(acting, 0);
    assert_eq!(perm(&routes, "T", "broker-c"), 4);
    assert!(routes.broker_data("broker-c").unwrap().enable_acting_master);
}

#[test]
fn a_switched_address_keeps_one_entry_and_the_timeout_comes_from_the_header() {
    let mut routes = manager();
    routes.register_broker(registration("broker-a", 1, "a:1", topic_configs(1, &["T"])), 0);
    let mut promoted = registration("broker-a", 0, "a:1", topic_configs(1, &["T"]));
    promoted.heartbeat_timeout_millis = Some(10);
    routes.register_broker(promoted, 100);
    assert_eq!(
        routes.broker_data("broker-a").unwrap().broker_addrs,
        BTreeMap::from([(0, "a:1".to_owned())])
    );
    assert!(routes.remove_expired(110).is_empty());
    assert_eq!(routes.remove_expired(111).len(), 1);
}

#[test]
fn a_stale_state_version_and_an_early_single_topic_registration_are_refused() {
    let mut routes = manager();
    let mut current = registration("broker-a", 0, "a:1", topic_configs(1, &["T", "U"]));
    current.topic_config.data_version.state_version = 5;
    routes.register_broker(current, 0);
    let mut stale = registration("broker-a", 0, "a:2", topic_configs(1, &["T", "U"]));
    stale.topic_config.data_version.state_version = 3;
    assert_eq!(
        routes.register_broker(stale, 1),
        RegistrationOutcome::StaleStateVersion
    );
    assert_eq!(routes.broker_data("broker-a").unwrap().master_addr(), Some("a:1"));
    assert!(!routes.is_live("DefaultCluster", "a:2"));

    let mut single = registration("broker-b", 0, "b:1", topic_configs(1, &["T"]));
    single.topic_config.topic_config_table.shift_remove(SYSTEM_TOPIC);
    assert_eq!(
        routes.register_broker(single, 2),
        RegistrationOutcome::SingleTopicBeforeFullRegistration
    );
    assert!(routes.broker_data("broker-b").is_none());
}
