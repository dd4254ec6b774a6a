//! `NativeLocalCluster`: the embedded name servers and brokers (fulmen-testkit) under `fulmen.testing.LocalCluster`.

use std::path::PathBuf;

use fulmen_ffi::ForkBound;
use fulmen_ffi::testkit::LocalCluster;
use pyo3::prelude::*;

use crate::errors::IntoPyResult;
use crate::rt::to_py;
use crate::time;

/// A running embedded cluster on 127.0.0.1.
#[pyclass(module = "fulmen._native", name = "NativeLocalCluster", frozen)]
#[derive(Debug)]
pub(crate) struct NativeLocalCluster {
    cluster: ForkBound<std::sync::Arc<LocalCluster>>,
}

impl NativeLocalCluster {
    fn cluster(&self, py: Python<'_>) -> PyResult<std::sync::Arc<LocalCluster>> {
        self.cluster.get().cloned().py(py)
    }
}

fn testkit_error(error: impl std::fmt::Display) -> fulmen_client::Error {
    fulmen_client::Error::new(
        fulmen_client::ErrorKind::Internal,
        format!("LocalCluster: {error}"),
    )
}

#[pymethods]
impl NativeLocalCluster {
    /// Starts `name_servers` name servers and `brokers` brokers; resolves to the cluster.
    /// `transaction_check_interval` (seconds or `timedelta`) makes the brokers check back unresolved transactions
    /// that often, on half messages at least that old (Apache: every 30 s, after 6 s).
    #[staticmethod]
    #[pyo3(signature = (*, name_servers=1, brokers=1, store_dir=None, auto_create_topics=true,
                        transaction_check_interval=None))]
    fn start<'py>(
        py: Python<'py>,
        name_servers: usize,
        brokers: usize,
        store_dir: Option<PathBuf>,
        auto_create_topics: bool,
        transaction_check_interval: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut builder = LocalCluster::builder()
            .name_servers(name_servers)
            .brokers(brokers)
            .auto_create_topics(auto_create_topics);
        if let Some(interval) = transaction_check_interval {
            let interval = time::duration(&interval)?;
            builder = builder.configure_broker(move |_, config| {
                config.transaction.timeout = interval;
                config.transaction.check_interval = interval;
            });
        }
        if let Some(dir) = store_dir {
            builder = builder.store_dir(dir).keep_store(true);
        }
        to_py(py, async move {
            let cluster = builder.start().await.map_err(testkit_error)?;
            Ok(NativeLocalCluster {
                cluster: ForkBound::new(std::sync::Arc::new(cluster)),
            })
        })
    }

    /// The name server addresses, `;`-separated, as clients take them.
    #[getter]
    fn namesrv_addr(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.cluster(py)?.namesrv_addr())
    }

    /// `(broker name, "host:port")` for each broker.
    #[getter]
    fn brokers(&self, py: Python<'_>) -> PyResult<Vec<(String, String)>> {
        Ok(self
            .cluster(py)?
            .brokers()
            .iter()
            .map(|(name, addr)| (name.clone(), addr.to_string()))
            .collect())
    }

    /// The directory the brokers store under.
    #[getter]
    fn store_dir(&self, py: Python<'_>) -> PyResult<PathBuf> {
        Ok(self.cluster(py)?.store_dir().to_path_buf())
    }

    /// Stops broker `index` cleanly.
    fn stop_broker<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyAny>> {
        let cluster = self.cluster(py)?;
        to_py(py, async move {
            cluster.stop_broker(index).await.map_err(testkit_error)
        })
    }

    /// Stops broker `index` as a crash would (no flush, no checkpoint).
    fn kill_broker<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyAny>> {
        let cluster = self.cluster(py)?;
        to_py(py, async move {
            cluster.kill_broker(index).await.map_err(testkit_error)
        })
    }

    /// Starts broker `index` again on the same address and store.
    fn restart_broker<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyAny>> {
        let cluster = self.cluster(py)?;
        to_py(py, async move {
            cluster.restart_broker(index).await.map_err(testkit_error)
        })
    }

    /// Stops everything; idempotent. In a forked child it only forgets the parent's cluster (which keeps running
    /// in the parent).
    fn shutdown<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let cluster = self.cluster.in_this_process().cloned();
        to_py(py, async move {
            if let Some(cluster) = cluster {
                cluster.shutdown().await;
            }
            Ok(())
        })
    }
}
