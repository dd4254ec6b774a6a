//! Panic containment: a panic inside a binding call becomes an [`ErrorKind::Internal`] error for the host instead of
//! unwinding into foreign code or killing a runtime worker.

use std::panic::AssertUnwindSafe;

use fulmen_client::{Error, ErrorKind};
use futures::FutureExt;

/// Runs `future`, turning a panic into an [`ErrorKind::Internal`] error that carries the panic message.
pub async fn guard<T>(future: impl Future<Output = fulmen_client::Result<T>>) -> fulmen_client::Result<T> {
    match AssertUnwindSafe(future).catch_unwind().await {
        Ok(result) => result,
        Err(payload) => Err(internal(payload.as_ref())),
    }
}

/// Runs `call`, turning a panic into an [`ErrorKind::Internal`] error that carries the panic message.
pub fn guard_sync<T>(call: impl FnOnce() -> fulmen_client::Result<T>) -> fulmen_client::Result<T> {
    std::panic::catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(|payload| Err(internal(payload.as_ref())))
}

fn internal(payload: &(dyn std::any::Any + Send)) -> Error {
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message");
    Error::new(
        ErrorKind::Internal,
        format!("Fulmen panicked (a bug, please report it): {message}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let error = crate::runtime::block_on(guard(async {
            if true {
                panic!("boom");
            }
            Ok(())
        }))
        .err();
        assert_eq!(error.as_ref().map(Error::kind), Some(ErrorKind::Internal));
        assert!(error.map(|e| e.to_string()).unwrap_or_default().contains("boom"));
        let ok = guard_sync(|| Ok(3));
        assert_eq!(ok.ok(), Some(3));
        let failed = guard_sync::<()>(|| panic!("{}", String::from("owned")));
        assert!(
            failed
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
                .contains("owned")
        );
    }
}
