//! The reachability detector (Java's `LatencyFaultToleranceImpl.startDetector` / `detectByOneRound` with the
//! producer's `ServiceDetector` and `Resolver`): every period, each broker with a fault item whose probe is due is
//! probed with GET_MAX_OFFSET of queue 0 of a topic the producer publishes; an answer marks it reachable again, a
//! broker without a master address any more loses its item.

use std::sync::Arc;

use fulmen_protocol::header::GetMaxOffsetRequestHeader;
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use tokio::time::Instant;

use super::config::FaultDetectorConfig;
use crate::producer::Producer;

/// Starts the detector of `producer` when its config enables it. The task holds the producer weakly and ends
/// once the producer is shut down or dropped.
pub(crate) fn spawn(producer: &Producer) {
    let config = producer.inner.config.detector.clone();
    if !config.enabled {
        return;
    }
    let weak = Arc::downgrade(&producer.inner);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(Instant::now() + config.period, config.period);
        loop {
            ticks.tick().await;
            let Some(inner) = weak.upgrade() else {
                return;
            };
            let producer = Producer { inner };
            if producer.inner.instance.ensure_open().is_err() {
                return;
            }
            producer.detect_one_round(&config).await;
        }
    });
}

impl Producer {
    /// One round of the detector (`detectByOneRound`).
    pub(crate) async fn detect_one_round(&self, config: &FaultDetectorConfig) {
        let tolerance = &self.inner.fault.tolerance;
        for broker in tolerance.due_for_probe(Instant::now(), config.probe_interval) {
            let Some(addr) = self.inner.instance.master_addr(&broker) else {
                tolerance.remove(&broker);
                continue;
            };
            if self.probe(&addr, config).await {
                tolerance.mark_reachable(&broker);
            }
        }
    }

    /// Whether the broker at `addr` answers GET_MAX_OFFSET for queue 0 of some topic this producer publishes
    /// (Java's `ServiceDetector.detect`; no topic yet → not detected).
    async fn probe(&self, addr: &str, config: &FaultDetectorConfig) -> bool {
        let topic = {
            let infos = self
                .inner
                .publish_infos
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            infos.keys().next().cloned()
        };
        let Some(topic) = topic else {
            return false;
        };
        let header = GetMaxOffsetRequestHeader {
            topic,
            queue_id: 0,
            committed: Some(true),
            broker_name: None,
        };
        let request = RemotingCommand::request(RequestCode::GET_MAX_OFFSET).with_header(&header);
        match self
            .inner
            .instance
            .invoke_broker(addr, request, config.probe_timeout)
            .await
        {
            Ok(response) => response.response_code() == ResponseCode::SUCCESS,
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use fulmen_protocol::body::{BrokerData, QueueData, TopicRouteData};
    use fulmen_remoting::{RemotingServer, ServerConfig, processor_fn};

    use super::*;
    use crate::config::ProducerConfig;

    fn route(broker_addr: &str) -> TopicRouteData {
        TopicRouteData {
            queue_datas: vec![QueueData {
                broker_name: "a".into(),
                read_queue_nums: 1,
                write_queue_nums: 1,
                perm: 6,
                topic_sys_flag: 0,
            }],
            broker_datas: vec![BrokerData {
                cluster: "C".into(),
                broker_name: "a".into(),
                broker_addrs: BTreeMap::from([(0, broker_addr.to_owned())]),
                ..BrokerData::default()
            }],
            ..TopicRouteData::default()
        }
    }

    #[tokio::test]
    async fn a_probe_answered_makes_the_broker_reachable_and_unknown_brokers_are_forgotten() {
        let server = RemotingServer::builder(ServerConfig::default())
            .default_processor(processor_fn(|_ctx, request: RemotingCommand| async move {
                assert_eq!(request.code, RequestCode::GET_MAX_OFFSET.0);
                let header: GetMaxOffsetRequestHeader = request.decode_header().unwrap();
                assert_eq!((header.topic.as_str(), header.queue_id), ("T", 0));
                let mut response = RemotingCommand::response(ResponseCode::SUCCESS, None);
                response.set_ext_field("offset", "0");
                Some(response)
            }))
            .bind()
            .await
            .unwrap();
        let mut config = ProducerConfig::new("127.0.0.1:1", "PG");
        config.send_latency_fault_enable = true;
        config.detector.enabled = true;
        let producer = Producer::start(config).await.unwrap();
        let stored = producer
            .inner
            .instance
            .store_route("T", route(&server.local_addr().to_string()));
        let info = Arc::new(super::super::super::publish_info::TopicPublishInfo::new(
            "T", stored, 0,
        ));
        producer
            .inner
            .publish_infos
            .lock()
            .unwrap()
            .insert("T".into(), info);
        let fault = &producer.inner.fault;
        let detector = producer.inner.config.detector.clone();

        fault.update_after_transport_failure("a", Duration::from_millis(5));
        fault.update("gone", Duration::from_millis(5), true, false);
        assert!(!fault.tolerance.is_reachable("a"));
        producer.detect_one_round(&detector).await;
        assert!(fault.tolerance.is_reachable("a"));
        assert!(
            fault.tolerance.is_reachable("gone"),
            "no address: the item is removed"
        );
        let later = Instant::now() + Duration::from_secs(3);
        assert_eq!(
            fault.tolerance.due_for_probe(later, Duration::ZERO),
            ["a"],
            "gone was forgotten"
        );
        producer.shutdown().await;
        server.shutdown().await;
    }
}
