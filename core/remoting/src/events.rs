//! `ConnectionListener`: a hook told when connections open and close: a server's (the broker uses it to drop the
//! producers and consumers of a closed connection) or a client's (a client instance heartbeats a broker it has just
//! connected to).

use crate::connection::Connection;

/// Told about each connection of a server or client. Both methods run on the connection's own task and should return
/// quickly; spawn a task for anything slow.
pub trait ConnectionListener: Send + Sync + 'static {
    /// A connection was accepted or made. Called before its first frame is read.
    fn on_connected(&self, connection: &Connection) {
        let _ = connection;
    }

    /// A connection closed, for any reason; its pending requests have already failed.
    fn on_closed(&self, connection: &Connection) {
        let _ = connection;
    }
}

impl<L: ConnectionListener + ?Sized> ConnectionListener for std::sync::Arc<L> {
    fn on_connected(&self, connection: &Connection) {
        (**self).on_connected(connection);
    }

    fn on_closed(&self, connection: &Connection) {
        (**self).on_closed(connection);
    }
}
