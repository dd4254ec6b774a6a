//! Host-driven calls: how Rust code that needs the host language (a consumer's listener, a transaction check) gets
//! an answer without ever running host code on a runtime worker.
//!
//! The Rust side [`Dispatcher::call`]s with a request and awaits the reply; the host side takes [`Call`]s from
//! [`Calls`] on its own thread or event loop, runs its code, and [`Call::reply`]s. A call the host drops unanswered
//! (it shut down, or its code crashed) answers `None`, so the Rust side never waits forever.

use tokio::sync::{Mutex, mpsc, oneshot, watch};

/// Creates a dispatcher and the host's end, with room for `capacity` calls waiting to be taken.
pub fn channel<Req, Resp>(capacity: usize) -> (Dispatcher<Req, Resp>, Calls<Req, Resp>) {
    let (sender, receiver) = mpsc::channel(capacity.max(1));
    (
        Dispatcher { sender },
        Calls {
            receiver: Mutex::new(receiver),
            closing: watch::Sender::new(false),
        },
    )
}

/// The Rust end: makes calls to the host. Cheap to clone.
#[derive(Debug)]
pub struct Dispatcher<Req, Resp> {
    sender: mpsc::Sender<Call<Req, Resp>>,
}

impl<Req, Resp> Clone for Dispatcher<Req, Resp> {
    fn clone(&self) -> Self {
        Dispatcher {
            sender: self.sender.clone(),
        }
    }
}

impl<Req, Resp> Dispatcher<Req, Resp> {
    /// Hands `request` to the host and waits for its reply; `None` when the host has gone or dropped the call.
    pub async fn call(&self, request: Req) -> Option<Resp> {
        let (reply, answer) = oneshot::channel();
        self.sender.send(Call { request, reply }).await.ok()?;
        answer.await.ok()
    }
}

/// The host's end: the calls waiting for an answer.
#[derive(Debug)]
pub struct Calls<Req, Resp> {
    receiver: Mutex<mpsc::Receiver<Call<Req, Resp>>>,
    /// Set by [`Calls::close`] first, so that a `next_batch` waiting on the receiver lets go of it.
    closing: watch::Sender<bool>,
}

impl<Req, Resp> Calls<Req, Resp> {
    /// Waits for the next call, and takes up to `max` (at least one) that are already waiting, so that a busy host
    /// pays one wake-up for many calls. Empty once the channel is [closed](Calls::close) and drained, and for a
    /// wait that `close` interrupts.
    pub async fn next_batch(&self, max: usize) -> Vec<Call<Req, Resp>> {
        let mut closing = self.closing.subscribe();
        let mut receiver = self.receiver.lock().await;
        let mut batch = Vec::new();
        tokio::select! {
            biased;
            _ = receiver.recv_many(&mut batch, max.max(1)) => {}
            _ = closing.wait_for(|closing| *closing) => {}
        }
        batch
    }

    /// Refuses new calls (their callers get `None`); calls already waiting can still be taken. A `next_batch`
    /// waiting at that moment returns what it has (possibly nothing) instead of holding the channel forever.
    pub async fn close(&self) {
        self.closing.send_replace(true);
        self.receiver.lock().await.close();
    }
}

/// One request from Rust, to be answered once by the host.
#[derive(Debug)]
pub struct Call<Req, Resp> {
    /// What the Rust side asks.
    pub request: Req,
    reply: oneshot::Sender<Resp>,
}

impl<Req, Resp> Call<Req, Resp> {
    /// Answers the call; `false` when the caller stopped waiting.
    pub fn reply(self, response: Resp) -> bool {
        self.reply.send(response).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime;

    #[test]
    fn calls_are_answered_in_batches_and_dropped_calls_answer_none() {
        runtime::block_on(async {
            let (dispatcher, calls) = channel::<u32, u32>(8);
            let asks: Vec<_> = (0..3)
                .map(|n| {
                    let dispatcher = dispatcher.clone();
                    tokio::spawn(async move { dispatcher.call(n).await })
                })
                .collect();
            let mut answered = 0;
            while answered < 3 {
                for call in calls.next_batch(8).await {
                    let doubled = call.request * 2;
                    assert!(call.reply(doubled));
                    answered += 1;
                }
            }
            let mut replies = Vec::new();
            for ask in asks {
                replies.push(ask.await.ok().flatten());
            }
            replies.sort();
            assert_eq!(replies, vec![Some(0), Some(2), Some(4)]);

            let dropped = tokio::spawn({
                let dispatcher = dispatcher.clone();
                async move { dispatcher.call(9).await }
            });
            drop(calls.next_batch(1).await);
            assert_eq!(dropped.await.ok().flatten(), None);

            calls.close().await;
            assert_eq!(dispatcher.call(1).await, None);
            assert!(calls.next_batch(4).await.is_empty());
        });
    }

    #[test]
    fn close_ends_a_waiting_next_batch() {
        runtime::block_on(async {
            let (_dispatcher, calls) = channel::<u32, u32>(8);
            let calls = std::sync::Arc::new(calls);
            let waiting = tokio::spawn({
                let calls = calls.clone();
                async move { calls.next_batch(4).await.len() }
            });
            while calls.receiver.try_lock().is_ok() {
                tokio::task::yield_now().await;
            }
            // next_batch holds the receiver, and the dispatcher is still alive: only close can end the wait
            tokio::time::timeout(std::time::Duration::from_secs(5), calls.close())
                .await
                .expect("close does not wait for a pending next_batch");
            assert_eq!(waiting.await.ok(), Some(0));
        });
    }
}
