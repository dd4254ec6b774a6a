//! Concurrent load on one shared connection: 20 tasks × 500 requests with up to 2,000 in flight at once, every
//! response checked against its own request, while the server processes at most 64 at a time.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use fulmen_protocol::{RemotingCommand, SerializeType};
use fulmen_remoting::{ConnectionConfig, RemotingServer, ServerConfig, processor_fn};
use futures::StreamExt;

const TASKS: usize = 20;
const REQUESTS_PER_TASK: usize = 500;
const IN_FLIGHT_PER_TASK: usize = 100;
const SERVER_IN_FLIGHT: usize = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_concurrent_requests_each_get_their_own_response() {
    bounded(async {
        let (current, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let connection = ConnectionConfig {
            max_in_flight_requests: SERVER_IN_FLIGHT,
            serialize_type: SerializeType::RocketMq,
            ..ConnectionConfig::default()
        };
        let server = RemotingServer::builder(ServerConfig {
            connection,
            ..ServerConfig::default()
        })
        .processor(
            ECHO,
            processor_fn({
                let (current, peak) = (current.clone(), peak.clone());
                move |_ctx, request: RemotingCommand| {
                    let (current, peak) = (current.clone(), peak.clone());
                    async move {
                        let now = current.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        tokio::task::yield_now().await;
                        current.fetch_sub(1, Ordering::SeqCst);
                        Some(echo_response(&request))
                    }
                }
            }),
        )
        .bind()
        .await
        .unwrap();
        let client = test_client();
        let addr = addr_of(&server);

        // Samples how many requests wait for their response at once.
        let pending_peak = Arc::new(AtomicUsize::new(0));
        let sampler = tokio::spawn({
            let (client, pending_peak) = (client.clone(), pending_peak.clone());
            async move {
                loop {
                    pending_peak.fetch_max(client.pending_requests(), Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                }
            }
        });

        let tasks: Vec<_> = (0..TASKS)
            .map(|task| {
                let (client, addr) = (client.clone(), addr.clone());
                tokio::spawn(async move {
                    futures::stream::iter(0..REQUESTS_PER_TASK)
                        .map(|i| {
                            let (client, addr) = (client.clone(), addr.clone());
                            async move {
                                let id = format!("{task}-{i}");
                                let response = client
                                    .invoke(&addr, echo_request(&id), REQUEST_TIMEOUT)
                                    .await
                                    .unwrap();
                                assert_echo(&response, &id);
                            }
                        })
                        .buffer_unordered(IN_FLIGHT_PER_TASK)
                        .count()
                        .await
                })
            })
            .collect();
        let mut answered = 0;
        for task in tasks {
            answered += task.await.unwrap();
        }
        sampler.abort();
        assert_eq!(answered, TASKS * REQUESTS_PER_TASK);
        let pending_peak = pending_peak.load(Ordering::SeqCst);
        assert!(
            (1_000..=TASKS * IN_FLIGHT_PER_TASK).contains(&pending_peak),
            "{pending_peak} requests were in flight at the peak"
        );
        assert_eq!(client.pending_requests(), 0);
        assert_eq!(
            server.active_connections(),
            1,
            "every request shared one connection"
        );
        let peak = peak.load(Ordering::SeqCst);
        assert!(
            peak <= SERVER_IN_FLIGHT,
            "the server processed {peak} requests at once"
        );
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}
