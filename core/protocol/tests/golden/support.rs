//! Loading golden vector files and small helpers to compare Java's view of a value with ours.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use serde_json::Value;

/// One vector file (schema in `tests/vectors/README.md`).
pub struct Vector {
    pub path: PathBuf,
    pub kind: String,
    pub bytes: Vec<u8>,
    pub exact_reencode: bool,
    pub expected: Value,
    pub java_class: Option<String>,
    pub compression_type: Option<String>,
}

impl Vector {
    /// The file name, for assertion messages.
    pub fn name(&self) -> String {
        self.path.display().to_string()
    }

    /// A string field of `expected`.
    pub fn str(&self, key: &str) -> &str {
        self.expected[key]
            .as_str()
            .unwrap_or_else(|| panic!("{}: `{key}` is not a string", self.name()))
    }

    /// An integer field of `expected` (longs beyond 2^53 are written as strings).
    pub fn int(&self, key: &str) -> i64 {
        json_int(&self.expected[key]).unwrap_or_else(|| panic!("{}: `{key}` is not an integer", self.name()))
    }
}

pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// Every vector of `kind` under `category` (a directory, or a file stem at the top level). Panics when there is
/// none, so a test can never pass by reading nothing.
pub fn vectors(category: &str, kind: &str) -> Vec<Vector> {
    let root = vectors_dir();
    let dir = root.join(category);
    let mut paths: Vec<PathBuf> = if dir.is_dir() {
        std::fs::read_dir(&dir)
            .expect("vector directory is readable")
            .map(|entry| entry.expect("directory entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect()
    } else {
        vec![root.join(format!("{category}.json"))]
    };
    paths.sort();
    let vectors: Vec<Vector> = paths
        .into_iter()
        .map(load)
        .filter(|vector| vector.kind == kind)
        .collect();
    assert!(!vectors.is_empty(), "no `{kind}` vectors under {}", dir.display());
    vectors
}

fn load(path: PathBuf) -> Vector {
    let text = std::fs::read_to_string(&path).expect("vector file is readable");
    let json: Value = serde_json::from_str(&text).expect("vector file is JSON");
    let field = |key: &str| json[key].as_str().map(str::to_owned);
    Vector {
        kind: field("kind").expect("vector has a kind"),
        bytes: hex::decode(field("hex").unwrap_or_default()).expect("hex is valid"),
        exact_reencode: json["exactReencode"].as_bool().unwrap_or(false),
        expected: json["expected"].clone(),
        java_class: field("javaClass"),
        compression_type: field("compressionType"),
        path,
    }
}

/// Upper-case hex, as the vectors write bytes.
pub fn hex_upper(bytes: &[u8]) -> String {
    hex::encode_upper(bytes)
}

/// An integer written as a JSON number or, beyond 2^53, as a string.
pub fn json_int(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| value.as_str()?.parse().ok())
}

/// A JSON object's entries as ordered `(key, value)` string pairs; `null` is an empty map.
pub fn string_pairs(value: &Value) -> Vec<(String, String)> {
    let Some(object) = value.as_object() else {
        assert!(value.is_null(), "expected an object or null, found {value}");
        return Vec::new();
    };
    object
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("a string value").to_owned()))
        .collect()
}

/// The pairs sorted, for maps whose Java iteration order is not the wire order (decoded `HashMap`s).
pub fn sorted_pairs(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}

/// An address the way Java's `InetSocketAddress`-based code prints it in the vectors: `ip:port`, IPv6 uncompressed.
pub fn java_host(addr: SocketAddr) -> String {
    format!("{}:{}", java_ip(addr.ip()), addr.port())
}

/// An IP the way Java's `InetAddress.getHostAddress` prints it.
pub fn java_ip(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => v6
            .segments()
            .iter()
            .map(|s| format!("{s:x}"))
            .collect::<Vec<_>>()
            .join(":"),
    }
}

/// The raw bytes of an IP address.
pub fn ip_bytes(ip: IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => v6.octets().to_vec(),
    }
}
