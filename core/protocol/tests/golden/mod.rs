//! One module per vector category; `support` loads the files.

mod body;
mod codes;
mod command;
mod header;
mod message;
mod msgid;
mod support;
mod typed;
