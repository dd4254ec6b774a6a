//! Admin changes and listings: write permission, topic deletion (per cluster), topic registration, data versions.

use fulmen_protocol::body::QueueData;

use super::*;

fn two_clusters() -> RouteInfoManager {
    let mut routes = manager();
    routes.register_broker(
        registration("broker-a", 0, "a:1", topic_configs(1, &["T", "A"])),
        0,
    );
    let mut b = registration("broker-b", 0, "b:1", topic_configs(1, &["T", "B"]));
    b.cluster_name = "OtherCluster".into();
    routes.register_broker(b, 0);
    routes
}

#[test]
fn wipe_and_add_write_perm_count_the_topics_they_touch() {
    let mut routes = two_clusters();
    assert_eq!(routes.wipe_write_perm("broker-a"), 3);
    assert_eq!(perm(&routes, "T", "broker-a"), 4);
    assert_eq!(perm(&routes, "A", "broker-a"), 4);
    assert_eq!(perm(&routes, "T", "broker-b"), 6);
    assert_eq!(routes.add_write_perm("broker-a"), 3);
    assert_eq!(perm(&routes, "T", "broker-a"), 6);
    assert_eq!(routes.wipe_write_perm("nobody"), 0);
}

#[test]
fn delete_topic_everywhere_or_in_one_cluster() {
    let mut routes = two_clusters();
    routes.delete_topic_in_cluster("T", "OtherCluster");
    let route = routes.topic_route("T").unwrap();
    assert_eq!(route.queue_datas.len(), 1);
    assert_eq!(route.queue_datas[0].broker_name, "broker-a");
    routes.delete_topic_in_cluster("T", "NoSuchCluster");
    assert!(routes.topic_route("T").is_some());
    routes.delete_topic_in_cluster("T", "DefaultCluster");
    assert!(routes.topic_route("T").is_none());

    routes.delete_topic("B");
    assert_eq!(routes.all_topics().topic_list, ["A", SYSTEM_TOPIC]);
}

#[test]
fn listings_by_cluster_and_system_topics() {
    let routes = two_clusters();
    assert_eq!(
        routes.topics_by_cluster("DefaultCluster").topic_list,
        ["A", "T", SYSTEM_TOPIC]
    );
    assert_eq!(
        routes.topics_by_cluster("OtherCluster").topic_list,
        ["B", "T", SYSTEM_TOPIC]
    );
    assert!(routes.topics_by_cluster("None").topic_list.is_empty());
    let system = routes.system_topics();
    assert_eq!(
        system.topic_list,
        ["DefaultCluster", "OtherCluster", "broker-a", "broker-b"]
    );
    assert_eq!(system.broker_addr.as_deref(), Some("a:1"));
}

#[test]
fn register_topic_needs_known_brokers() {
    let mut routes = two_clusters();
    let queue = |broker: &str| QueueData {
        broker_name: broker.into(),
        read_queue_nums: 2,
        write_queue_nums: 2,
        perm: 6,
        topic_sys_flag: 0,
    };
    assert!(!routes.register_topic("X", vec![queue("broker-a"), queue("ghost")]));
    assert!(routes.topic_route("X").is_none());
    assert!(routes.register_topic("X", vec![queue("broker-a"), queue("broker-b")]));
    assert_eq!(routes.topic_route("X").unwrap().queue_datas.len(), 2);
    assert!(!routes.register_topic("Y", vec![]));
}

#[test]
fn data_versions_are_compared_with_the_registered_one() {
    let routes = two_clusters();
    let registered = topic_configs(1, &[]).data_version;
    assert_eq!(routes.data_version("DefaultCluster", "a:1"), Some(registered));
    assert!(!routes.is_data_version_changed("DefaultCluster", "a:1", &registered));
    let newer = topic_configs(2, &[]).data_version;
    assert!(routes.is_data_version_changed("DefaultCluster", "a:1", &newer));
    assert!(routes.is_data_version_changed("DefaultCluster", "unknown:1", &registered));
}
