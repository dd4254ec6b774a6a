//! KV config requests: PUT_KV_CONFIG, GET_KV_CONFIG, DELETE_KV_CONFIG and GET_KVLIST_BY_NAMESPACE.

use fulmen_protocol::body::JsonBody;
use fulmen_protocol::header::{
    DeleteKVConfigRequestHeader, GetKVConfigRequestHeader, GetKVConfigResponseHeader,
    GetKVListByNamespaceRequestHeader, PutKVConfigRequestHeader,
};
use fulmen_protocol::{RemotingCommand, ResponseCode};

use super::{Handled, failure, success};
use crate::state::{NamesrvState, read, write};

/// PUT_KV_CONFIG (100): stores the value.
pub(super) fn put(state: &NamesrvState, request: &RemotingCommand) -> Handled {
    let header: PutKVConfigRequestHeader = request.decode_header()?;
    write(&state.kv).put(&header.namespace, &header.key, &header.value);
    Ok(success())
}

/// GET_KV_CONFIG (101): the value in the response header, or `QUERY_NOT_FOUND`.
pub(super) fn get(state: &NamesrvState, request: &RemotingCommand) -> Handled {
    let header: GetKVConfigRequestHeader = request.decode_header()?;
    let value = read(&state.kv)
        .get(&header.namespace, &header.key)
        .map(str::to_owned);
    Ok(match value {
        Some(value) => success().with_header(&GetKVConfigResponseHeader { value: Some(value) }),
        None => failure(
            ResponseCode::QUERY_NOT_FOUND,
            format!(
                "No config item, Namespace: {} Key: {}",
                header.namespace, header.key
            ),
        ),
    })
}

/// DELETE_KV_CONFIG (102): removes the value; SUCCESS whether it existed or not.
pub(super) fn delete(state: &NamesrvState, request: &RemotingCommand) -> Handled {
    let header: DeleteKVConfigRequestHeader = request.decode_header()?;
    write(&state.kv).delete(&header.namespace, &header.key);
    Ok(success())
}

/// GET_KVLIST_BY_NAMESPACE (219): the namespace as a `KVTable` body, or `QUERY_NOT_FOUND`.
pub(super) fn list(state: &NamesrvState, request: &RemotingCommand) -> Handled {
    let header: GetKVListByNamespaceRequestHeader = request.decode_header()?;
    let table = read(&state.kv).list(&header.namespace);
    Ok(match table {
        Some(table) => success().with_body(table.encode()?),
        None => failure(
            ResponseCode::QUERY_NOT_FOUND,
            format!("No config item, Namespace: {}", header.namespace),
        ),
    })
}
