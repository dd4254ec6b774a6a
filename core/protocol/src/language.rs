//! `LanguageCode`: the sender's language, a byte in binary headers and a name in JSON headers.

/// The language a peer announces. Unknown bytes are kept; unknown names read as [`LanguageCode::OTHER`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct LanguageCode(pub u8);

impl LanguageCode {
    /// Java.
    pub const JAVA: LanguageCode = LanguageCode(0);
    /// C++.
    pub const CPP: LanguageCode = LanguageCode(1);
    /// .NET.
    pub const DOTNET: LanguageCode = LanguageCode(2);
    /// Python.
    pub const PYTHON: LanguageCode = LanguageCode(3);
    /// Delphi.
    pub const DELPHI: LanguageCode = LanguageCode(4);
    /// Erlang.
    pub const ERLANG: LanguageCode = LanguageCode(5);
    /// Ruby.
    pub const RUBY: LanguageCode = LanguageCode(6);
    /// Other.
    pub const OTHER: LanguageCode = LanguageCode(7);
    /// HTTP.
    pub const HTTP: LanguageCode = LanguageCode(8);
    /// Go.
    pub const GO: LanguageCode = LanguageCode(9);
    /// PHP.
    pub const PHP: LanguageCode = LanguageCode(10);
    /// OMS.
    pub const OMS: LanguageCode = LanguageCode(11);
    /// Rust (known to servers from 4.9.4 on).
    pub const RUST: LanguageCode = LanguageCode(12);
    /// Node.js (5.x).
    pub const NODE_JS: LanguageCode = LanguageCode(13);

    const NAMES: [&'static str; 14] = [
        "JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY", "OTHER", "HTTP", "GO", "PHP", "OMS", "RUST",
        "NODE_JS",
    ];

    /// The Java enum name, as JSON headers carry it; `None` for an unknown byte.
    pub fn name(self) -> Option<&'static str> {
        Self::NAMES.get(usize::from(self.0)).copied()
    }

    /// Parses a Java enum name; unknown names give [`LanguageCode::OTHER`].
    pub fn from_name(name: &str) -> LanguageCode {
        Self::NAMES
            .iter()
            .position(|n| *n == name)
            .and_then(|i| u8::try_from(i).ok())
            .map_or(LanguageCode::OTHER, LanguageCode)
    }
}

impl std::fmt::Debug for LanguageCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "LanguageCode({})", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknowns_are_tolerated() {
        for code in 0..14u8 {
            let lang = LanguageCode(code);
            assert_eq!(LanguageCode::from_name(lang.name().unwrap()), lang);
        }
        assert_eq!(LanguageCode::from_name("COBOL"), LanguageCode::OTHER);
        assert_eq!(LanguageCode(200).name(), None);
        assert_eq!(format!("{:?}", LanguageCode::RUST), "RUST");
    }
}
