//! [`ChannelLayer`]: a `tracing` layer that turns each enabled event into an owned [`LogRecord`] and queues it
//! without waiting; formatting happens on the emitting thread, delivery on the host's.

use std::fmt::{self, Write as _};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

use super::LogRecord;
use super::queue::{self, Queue};

/// Queues every event it sees (filter it with `with_filter`) into the process's log queue, or into a queue of its
/// own in tests.
#[derive(Debug, Default)]
pub struct ChannelLayer {
    queue: Option<Arc<Queue>>,
}

impl ChannelLayer {
    /// A layer feeding the process-wide queue that [`super::drain`] reads.
    pub fn new() -> Self {
        ChannelLayer { queue: None }
    }

    #[cfg(test)]
    pub(crate) fn into_queue(queue: Arc<Queue>) -> Self {
        ChannelLayer { queue: Some(queue) }
    }
}

impl<S: Subscriber> Layer<S> for ChannelLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let metadata = event.metadata();
        let mut visitor = Fields::default();
        event.record(&mut visitor);
        let mut message = visitor.message;
        for (name, value) in &visitor.fields {
            if !message.is_empty() {
                message.push(' ');
            }
            let _ = write!(message, "{name}={value}");
        }
        let thread = std::thread::current();
        let record = LogRecord {
            level: *metadata.level(),
            target: metadata.target().to_owned(),
            message,
            fields: visitor.fields,
            timestamp_ms: now_millis(),
            thread: thread
                .name()
                .map_or_else(|| format!("{:?}", thread.id()), str::to_owned),
        };
        match &self.queue {
            Some(queue) => queue.push(record),
            None => queue::global().push(record),
        };
    }
}

/// The event's message and its other fields, in order.
#[derive(Default)]
struct Fields {
    message: String,
    fields: Vec<(String, String)>,
}

impl Fields {
    fn put(&mut self, field: &Field, value: String) {
        match field.name() {
            "message" => self.message = value,
            // `log` crate metadata bridged into tracing: already in the record.
            name if name.starts_with("log.") => {}
            name => self.fields.push((name.to_owned(), value)),
        }
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, format!("{value:?}"));
    }
}

fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| {
        i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
    })
}
