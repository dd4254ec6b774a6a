//! Answers a consumer gives to broker-initiated requests (Java's `ClientRemotingProcessor` responses): success with
//! a body, SYSTEM_ERROR, and the "group not exist in this consumer" error.

use fulmen_protocol::{RemotingCommand, ResponseCode};

/// A SUCCESS answer with `body`, or SYSTEM_ERROR when it could not be encoded.
pub(crate) fn success(body: fulmen_protocol::Result<Vec<u8>>) -> RemotingCommand {
    match body {
        Ok(body) => RemotingCommand::response(ResponseCode::SUCCESS, None).with_body(body),
        Err(error) => system_error(error.to_string()),
    }
}

/// Java's answer to a request for a group this client does not run.
pub(crate) fn unknown_group(group: &str) -> RemotingCommand {
    system_error(format!("The Consumer Group <{group}> not exist in this consumer"))
}

/// A SYSTEM_ERROR answer with `remark`.
pub(crate) fn system_error(remark: String) -> RemotingCommand {
    RemotingCommand::response(ResponseCode::SYSTEM_ERROR, Some(remark))
}
