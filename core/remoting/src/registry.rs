//! `ProcessorRegistry`: which processor handles which request code, shared by every connection of a client or server.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use fulmen_protocol::RequestCode;

use crate::processor::RequestProcessor;

/// Request code to processor, plus an optional default for every other code. Clones share one table, so a
/// processor registered later is seen by connections that are already open.
#[derive(Clone, Default)]
pub(crate) struct ProcessorRegistry {
    table: Arc<RwLock<Table>>,
}

#[derive(Default)]
struct Table {
    by_code: HashMap<i32, Arc<dyn RequestProcessor>>,
    fallback: Option<Arc<dyn RequestProcessor>>,
}

impl ProcessorRegistry {
    /// Routes `code` to `processor`, replacing any earlier one.
    pub(crate) fn register(&self, code: RequestCode, processor: Arc<dyn RequestProcessor>) {
        self.table
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .by_code
            .insert(code.0, processor);
    }

    /// Routes every code without its own processor to `processor`.
    pub(crate) fn set_default(&self, processor: Arc<dyn RequestProcessor>) {
        self.table
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .fallback = Some(processor);
    }

    /// The processor for `code`: its own, else the default, else none.
    pub(crate) fn lookup(&self, code: i32) -> Option<Arc<dyn RequestProcessor>> {
        let table = self.table.read().unwrap_or_else(PoisonError::into_inner);
        table.by_code.get(&code).or(table.fallback.as_ref()).cloned()
    }
}

impl fmt::Debug for ProcessorRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let table = self.table.read().unwrap_or_else(PoisonError::into_inner);
        let mut codes: Vec<i32> = table.by_code.keys().copied().collect();
        codes.sort_unstable();
        f.debug_struct("ProcessorRegistry")
            .field("codes", &codes)
            .field("has_default", &table.fallback.is_some())
            .finish()
    }
}
