//! Config files of the broker (`topics.json`, `consumerOffset.json`, `subscriptionGroup.json`, ...): bytes in,
//! bytes out, written atomically with a `.bak` of the previous content like Java's `MixAll.string2File`.
//!
//! Writing: the new content goes to `<name>.tmp` and is fsynced; the current content (if any) is copied to
//! `<name>.bak` the same way; then `<name>.tmp` is renamed over `<name>` and the directory is fsynced. At every
//! instant either `<name>` or `<name>.bak` holds a complete version. Reading takes `<name>`, or `<name>.bak`
//! when `<name>` is missing, empty or rejected by the caller's check (Java's `ConfigManager.load`).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{IoContext, Result, StoreError};
use crate::fs_util::{create_dir_all, sync_dir};

/// `<path>` with `suffix` appended to its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// The backup kept next to a config file: `<path>.bak`.
pub fn backup_path(path: &Path) -> PathBuf {
    with_suffix(path, ".bak")
}

/// Writes `content` to `path` durably, through a temporary file and a rename.
fn write_durably(path: &Path, content: &[u8]) -> Result<()> {
    let temp = with_suffix(path, ".tmp");
    let mut file = File::create(&temp).with_path("create temporary config file", &temp)?;
    file.write_all(content)
        .with_path("write temporary config file", &temp)?;
    file.sync_all().with_path("sync temporary config file", &temp)?;
    drop(file);
    std::fs::rename(&temp, path).with_path("rename config file", path)
}

/// Replaces the content of the config file at `path` atomically, keeping the previous content in `<path>.bak`.
/// The directory is created if needed.
pub fn write_config(path: &Path, content: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    create_dir_all(&dir)?;
    match std::fs::read(path) {
        Ok(previous) if !previous.is_empty() => write_durably(&backup_path(path), &previous)?,
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(StoreError::io("read config file", path, error)),
    }
    write_durably(path, content)?;
    sync_dir(&dir)
}

/// Reads the config file at `path`: its content if present, non-empty and accepted by `is_valid`, else the
/// backup's under the same conditions. `Ok(None)` when neither file exists (a fresh store);
/// [`StoreError::ConfigInvalid`] when a file exists but neither version is usable.
pub fn read_config(path: &Path, is_valid: impl Fn(&[u8]) -> bool) -> Result<Option<Vec<u8>>> {
    let mut found_any = false;
    let mut reasons = Vec::new();
    for candidate in [path.to_path_buf(), backup_path(path)] {
        match std::fs::read(&candidate) {
            Ok(content) => {
                found_any = true;
                if content.is_empty() {
                    reasons.push(format!("{} is empty", candidate.display()));
                } else if !is_valid(&content) {
                    reasons.push(format!("{} was rejected", candidate.display()));
                } else {
                    if candidate != path {
                        tracing::warn!(path = %path.display(), "config file unusable, loaded its backup");
                    }
                    return Ok(Some(content));
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(StoreError::io("read config file", &candidate, error)),
        }
    }
    if found_any {
        Err(StoreError::ConfigInvalid {
            path: path.to_path_buf(),
            reason: reasons.join("; "),
        })
    } else {
        Ok(None)
    }
}
