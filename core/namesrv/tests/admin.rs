//! Admin requests: cluster info, topic listings, write permission, topic deletion and registration, the name
//! server's own config, and codes a name server does not handle.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use common::*;
use fulmen_protocol::body::{JsonBody, QueueData, TopicRouteData};
use fulmen_protocol::header::{
    AddWritePermOfBrokerRequestHeader, AddWritePermOfBrokerResponseHeader,
    DeleteTopicFromNamesrvRequestHeader, GetTopicsByClusterRequestHeader, RegisterTopicRequestHeader,
    WipeWritePermOfBrokerRequestHeader, WipeWritePermOfBrokerResponseHeader,
};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};

async fn perm_of(
    client: &fulmen_remoting::RemotingClient,
    namesrv: &fulmen_namesrv::NameServer,
    topic: &str,
) -> i32 {
    let response = ok(call(client, namesrv, route_request(topic, 479, None)).await);
    TopicRouteData::decode(&response.body).unwrap().queue_datas[0].perm
}

#[tokio::test]
async fn cluster_info_and_topic_listings() {
    bounded(async {
        let namesrv = namesrv().await;
        let client = client();
        Broker::master("broker-a", "127.0.0.1:10911", &["TopicTest"])
            .register(&client, &namesrv)
            .await;

        let info = ok(call(&client, &namesrv, RemotingCommand::request(RequestCode::GET_BROKER_CLUSTER_INFO)).await);
        assert_eq!(
            text(&info),
            concat!(
                r#"{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"broker-a","#,
                r#""cluster":"DefaultCluster","enableActingMaster":false}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}"#
            )
        );
        let all = ok(call(
            &client,
            &namesrv,
            RemotingCommand::request(RequestCode::GET_ALL_TOPIC_LIST_FROM_NAMESERVER),
        )
        .await);
        assert_eq!(text(&all), r#"{"topicList":["TBW102","TopicTest"]}"#);

        let by_cluster = |cluster: &str| {
            request(
                RequestCode::GET_TOPICS_BY_CLUSTER,
                &GetTopicsByClusterRequestHeader {
                    cluster: cluster.into(),
                },
            )
        };
        let listed = ok(call(&client, &namesrv, by_cluster(CLUSTER)).await);
        assert_eq!(text(&listed), r#"{"topicList":["TBW102","TopicTest"]}"#);
        let none = ok(call(&client, &namesrv, by_cluster("NoSuchCluster")).await);
        assert_eq!(text(&none), r#"{"topicList":[]}"#);

        let system = ok(call(
            &client,
            &namesrv,
            RemotingCommand::request(RequestCode::GET_SYSTEM_TOPIC_LIST_FROM_NS),
        )
        .await);
        assert_eq!(
            text(&system),
            r#"{"brokerAddr":"127.0.0.1:10911","topicList":["DefaultCluster","broker-a"]}"#
        );
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn wiping_write_permission_changes_the_route_and_adding_it_restores_it() {
    bounded(async {
        let namesrv = namesrv().await;
        let client = client();
        Broker::master("broker-a", "127.0.0.1:10911", &["TopicTest"])
            .register(&client, &namesrv)
            .await;
        assert_eq!(perm_of(&client, &namesrv, "TopicTest").await, 6);

        let wiped = ok(call(
            &client,
            &namesrv,
            request(
                RequestCode::WIPE_WRITE_PERM_OF_BROKER,
                &WipeWritePermOfBrokerRequestHeader {
                    broker_name: "broker-a".into(),
                },
            ),
        )
        .await);
        let header: WipeWritePermOfBrokerResponseHeader = wiped.decode_header().unwrap();
        assert_eq!(header.wipe_topic_count, 2);
        assert_eq!(perm_of(&client, &namesrv, "TopicTest").await, 4);
        assert_eq!(perm_of(&client, &namesrv, "TBW102").await, 5);

        let added = ok(call(
            &client,
            &namesrv,
            request(
                RequestCode::ADD_WRITE_PERM_OF_BROKER,
                &AddWritePermOfBrokerRequestHeader {
                    broker_name: "broker-a".into(),
                },
            ),
        )
        .await);
        let header: AddWritePermOfBrokerResponseHeader = added.decode_header().unwrap();
        assert_eq!(header.add_topic_count, 2);
        assert_eq!(perm_of(&client, &namesrv, "TopicTest").await, 6);
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn topics_can_be_deleted_per_cluster_and_registered_directly() {
    bounded(async {
        let namesrv = namesrv().await;
        let client = client();
        Broker::master("broker-a", "127.0.0.1:10911", &["TopicTest"])
            .register(&client, &namesrv)
            .await;
        let delete = |cluster: Option<&str>| {
            request(
                RequestCode::DELETE_TOPIC_IN_NAMESRV,
                &DeleteTopicFromNamesrvRequestHeader {
                    topic: "TopicTest".into(),
                    cluster_name: cluster.map(str::to_owned),
                },
            )
        };
        ok(call(&client, &namesrv, delete(Some("OtherCluster"))).await);
        assert_eq!(
            route_code(&client, &namesrv, "TopicTest").await,
            ResponseCode::SUCCESS
        );
        ok(call(&client, &namesrv, delete(Some(CLUSTER))).await);
        assert_eq!(
            route_code(&client, &namesrv, "TopicTest").await,
            ResponseCode::TOPIC_NOT_EXIST
        );

        let route = TopicRouteData {
            queue_datas: vec![QueueData {
                broker_name: "broker-a".into(),
                read_queue_nums: 2,
                write_queue_nums: 2,
                perm: 6,
                topic_sys_flag: 0,
            }],
            ..TopicRouteData::default()
        };
        let register = request(
            RequestCode::REGISTER_TOPIC_IN_NAMESRV,
            &RegisterTopicRequestHeader {
                topic: "Direct".into(),
            },
        )
        .with_body(route.encode().unwrap());
        ok(call(&client, &namesrv, register).await);
        let direct = ok(call(&client, &namesrv, route_request("Direct", 479, None)).await);
        assert_eq!(
            TopicRouteData::decode(&direct.body).unwrap().queue_datas[0].write_queue_nums,
            2
        );

        ok(call(&client, &namesrv, delete(None)).await);
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn the_name_server_config_is_read_and_its_switches_updated() {
    bounded(async {
        let namesrv = namesrv().await;
        let client = client();
        let config = ok(call(
            &client,
            &namesrv,
            RemotingCommand::request(RequestCode::GET_NAMESRV_CONFIG),
        )
        .await);
        let config = text(&config);
        assert!(config.contains("enableAllTopicList=true\n"), "{config}");
        assert!(
            config.contains(&format!("listenPort={}\n", namesrv.local_addr().port())),
            "{config}"
        );
        assert!(config.contains("scanNotActiveBrokerInterval=5000\n"), "{config}");

        let update = |body: &str| {
            RemotingCommand::request(RequestCode::UPDATE_NAMESRV_CONFIG).with_body(body.as_bytes().to_vec())
        };
        let refused = call(&client, &namesrv, update("kvConfigPath=/tmp/x\n")).await;
        assert_eq!(refused.response_code(), ResponseCode::NO_PERMISSION);
        assert_eq!(
            refused.remark.as_deref(),
            Some("Can not update config in black list.")
        );

        ok(call(
            &client,
            &namesrv,
            update("enableAllTopicList=false\nunknownKey=1\n"),
        )
        .await);
        let disabled = call(
            &client,
            &namesrv,
            RemotingCommand::request(RequestCode::GET_ALL_TOPIC_LIST_FROM_NAMESERVER),
        )
        .await;
        assert_eq!(disabled.response_code(), ResponseCode::SYSTEM_ERROR);
        assert_eq!(disabled.remark.as_deref(), Some("disable"));
        let config = ok(call(
            &client,
            &namesrv,
            RemotingCommand::request(RequestCode::GET_NAMESRV_CONFIG),
        )
        .await);
        assert!(text(&config).contains("enableAllTopicList=false\n"));
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn unknown_codes_and_missing_header_fields_are_answered_like_java() {
    bounded(async {
        let namesrv = namesrv().await;
        let client = client();
        let unknown = call(
            &client,
            &namesrv,
            RemotingCommand::request(RequestCode::SEND_MESSAGE),
        )
        .await;
        assert_eq!(unknown.response_code(), ResponseCode::REQUEST_CODE_NOT_SUPPORTED);
        assert_eq!(unknown.remark.as_deref(), Some(" request type 10 not supported"));

        let no_topic = call(
            &client,
            &namesrv,
            RemotingCommand::request(RequestCode::GET_ROUTEINFO_BY_TOPIC),
        )
        .await;
        assert_eq!(no_topic.response_code(), ResponseCode::SYSTEM_ERROR);
        assert!(no_topic.remark.unwrap().contains("topic"));
        namesrv.shutdown().await;
    })
    .await;
}
