//! Request and response codes of the remoting protocol.
//!
//! Codes are open newtypes over `i32`: every value Apache RocketMQ 5.3.3 defines has a named constant, and any other
//! value read from the wire is kept as it is (a peer newer than us may send codes we do not know).

mod request;
mod response;

pub use request::RequestCode;
pub use response::ResponseCode;

/// Defines an open code type: a newtype over `i32` with one constant per known code and a name lookup.
macro_rules! code_table {
    ($(#[$meta:meta])* $ty:ident { $($name:ident = $value:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $ty(pub i32);

        #[allow(missing_docs)]
        impl $ty {
            $(pub const $name: $ty = $ty($value);)*

            /// Every code Apache RocketMQ defines, with its Java constant name, in declaration order.
            pub const ALL: &'static [(&'static str, $ty)] = &[$((stringify!($name), $ty($value)),)*];

            /// The Java constant name of this code, or `None` for a code we do not know.
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($value => Some(stringify!($name)),)*
                    _ => None,
                }
            }

            /// Whether this code is one Apache RocketMQ defines.
            pub const fn is_known(self) -> bool {
                self.name().is_some()
            }
        }

        impl From<i32> for $ty {
            fn from(value: i32) -> Self {
                $ty(value)
            }
        }

        impl From<$ty> for i32 {
            fn from(code: $ty) -> i32 {
                code.0
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self.name() {
                    Some(name) => write!(f, "{name}({})", self.0),
                    None => write!(f, "UNKNOWN({})", self.0),
                }
            }
        }

        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(self, f)
            }
        }
    };
}
pub(crate) use code_table;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_have_names_and_unknown_codes_are_kept() {
        assert_eq!(RequestCode::SEND_MESSAGE_V2.0, 310);
        assert_eq!(RequestCode::from(310).name(), Some("SEND_MESSAGE_V2"));
        assert_eq!(RequestCode::POP_MESSAGE.0, 200_050);
        let unknown = RequestCode::from(987_654);
        assert!(!unknown.is_known());
        assert_eq!(unknown.0, 987_654);
        assert_eq!(unknown.to_string(), "UNKNOWN(987654)");
        assert_eq!(ResponseCode::QUERY_NOT_FOUND.to_string(), "QUERY_NOT_FOUND(22)");
        assert_eq!(ResponseCode::RPC_TIME_OUT.0, -1006);
    }

    #[test]
    fn tables_have_no_duplicate_values() {
        for table in [
            RequestCode::ALL.iter().map(|(_, c)| c.0).collect::<Vec<_>>(),
            ResponseCode::ALL.iter().map(|(_, c)| c.0).collect::<Vec<_>>(),
        ] {
            let mut sorted = table.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), table.len());
        }
    }
}
