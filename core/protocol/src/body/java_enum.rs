//! `java_enum!`: Rust enums for Java enum constants carried by name in JSON bodies.
//!
//! Each generated enum has one variant per known constant plus `Other(String)`, so a name added by a newer peer
//! is kept (and written back unchanged) instead of failing the whole body. Names are read from strings; a number
//! is read as the constant's ordinal, as fastjson also accepts.

/// Declares an enum whose variants are serialized by their Java constant names.
macro_rules! java_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident = $java:literal,)+
        }
        default = $default:ident;
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $($(#[$variant_meta])* $variant,)+
            /// A constant this version of Fulmen does not know, kept as received.
            Other(String),
        }

        impl $name {
            /// The known constants in Java declaration (ordinal) order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The Java constant name.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $java,)+
                    $name::Other(name) => name,
                }
            }

            /// Parses a Java constant name; unknown names are kept in `Other`.
            pub fn from_name(name: &str) -> Self {
                match name {
                    $($java => $name::$variant,)+
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any($crate::body::java_enum::NameVisitor::new(
                    $name::from_name,
                    $name::KNOWN,
                ))
            }
        }
    };
}

pub(crate) use java_enum;

/// Reads a Java enum constant from its name or ordinal.
pub(crate) struct NameVisitor<T: 'static> {
    from_name: fn(&str) -> T,
    known: &'static [T],
}

impl<T: 'static> NameVisitor<T> {
    pub(crate) fn new(from_name: fn(&str) -> T, known: &'static [T]) -> Self {
        NameVisitor { from_name, known }
    }
}

impl<T: Clone + 'static> serde::de::Visitor<'_> for NameVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a Java enum constant name or ordinal")
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<T, E> {
        Ok((self.from_name)(name))
    }

    fn visit_u64<E: serde::de::Error>(self, ordinal: u64) -> Result<T, E> {
        usize::try_from(ordinal)
            .ok()
            .and_then(|i| self.known.get(i))
            .cloned()
            .map_or_else(|| Ok((self.from_name)(&ordinal.to_string())), Ok)
    }

    fn visit_i64<E: serde::de::Error>(self, ordinal: i64) -> Result<T, E> {
        match u64::try_from(ordinal) {
            Ok(unsigned) => self.visit_u64(unsigned),
            Err(_) => Ok((self.from_name)(&ordinal.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::fastjson::{self, JsonStyle};

    java_enum! {
        /// A test enum.
        pub enum Color {
            /// Red.
            Red = "RED",
            /// Green.
            Green = "GREEN",
        }
        default = Green;
    }

    #[test]
    fn names_ordinals_and_unknown_names() {
        let parsed: Vec<Color> = fastjson::from_str(r#"["RED","GREEN","BLUE",0,1,7]"#).unwrap();
        assert_eq!(
            parsed,
            [
                Color::Red,
                Color::Green,
                Color::Other("BLUE".into()),
                Color::Red,
                Color::Green,
                Color::Other("7".into())
            ]
        );
        assert_eq!(
            fastjson::to_string(&parsed[..3], JsonStyle::Fastjson).unwrap(),
            r#"["RED","GREEN","BLUE"]"#
        );
        assert_eq!(Color::default(), Color::Green);
        assert!(fastjson::from_str::<Color>("true").is_err());
    }
}
