//! Config files: atomic replacement with a `.bak` of the previous content, and reading with a fallback.

use fulmen_store::StoreError;
use fulmen_store::config_file::{backup_path, read_config, write_config};

fn is_json_object(bytes: &[u8]) -> bool {
    bytes.starts_with(b"{") && bytes.ends_with(b"}")
}

#[test]
fn writes_atomically_and_keeps_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config").join("topics.json");
    assert_eq!(
        read_config(&path, is_json_object).unwrap(),
        None,
        "a fresh store has no config"
    );
    write_config(&path, b"{\"v\":1}").unwrap();
    assert!(!backup_path(&path).exists(), "nothing to back up the first time");
    write_config(&path, b"{\"v\":2}").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"{\"v\":2}");
    assert_eq!(std::fs::read(backup_path(&path)).unwrap(), b"{\"v\":1}");
    assert_eq!(backup_path(&path).file_name().unwrap(), "topics.json.bak");
    assert!(!dir.path().join("config/topics.json.tmp").exists());
    assert_eq!(read_config(&path, is_json_object).unwrap().unwrap(), b"{\"v\":2}");
}

#[test]
fn falls_back_to_the_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("consumerOffset.json");
    write_config(&path, b"{\"v\":1}").unwrap();
    write_config(&path, b"{\"v\":2}").unwrap();
    // A torn current file.
    std::fs::write(&path, b"{\"v\":").unwrap();
    assert_eq!(read_config(&path, is_json_object).unwrap().unwrap(), b"{\"v\":1}");
    // An empty one.
    std::fs::write(&path, b"").unwrap();
    assert_eq!(read_config(&path, is_json_object).unwrap().unwrap(), b"{\"v\":1}");
    // A missing one (a crash between the renames).
    std::fs::remove_file(&path).unwrap();
    assert_eq!(read_config(&path, is_json_object).unwrap().unwrap(), b"{\"v\":1}");
    // Both unusable.
    std::fs::write(&path, b"x").unwrap();
    std::fs::write(backup_path(&path), b"y").unwrap();
    let error = read_config(&path, is_json_object).unwrap_err();
    assert!(matches!(error, StoreError::ConfigInvalid { .. }), "{error}");
}
