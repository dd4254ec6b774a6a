//! Small file system helpers: 20-digit file names, directory creation and directory syncs.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::{IoContext, Result};

/// The width of a mapped file's name: its start offset in decimal, zero padded (Java's `UtilAll.offset2FileName`).
pub const FILE_NAME_DIGITS: usize = 20;

/// The name of the file that starts at `offset`: 20 decimal digits, zero padded.
pub fn offset_to_file_name(offset: u64) -> String {
    format!("{offset:0width$}", width = FILE_NAME_DIGITS)
}

/// The start offset a file name encodes, if the name is exactly 20 decimal digits.
pub fn file_name_to_offset(name: &str) -> Option<u64> {
    if name.len() == FILE_NAME_DIGITS && name.bytes().all(|byte| byte.is_ascii_digit()) {
        name.parse().ok()
    } else {
        None
    }
}

/// Makes the entries of `dir` (created, renamed or removed files) durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    // Directories can be opened read-only and fsynced on Unix; elsewhere this is best effort.
    #[cfg(unix)]
    {
        let handle = File::open(dir).with_path("open directory", dir)?;
        handle.sync_all().with_path("sync directory", dir)?;
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
    }
    Ok(())
}

/// Creates `dir` and its parents, without making their entries durable.
pub(crate) fn create_dir_all(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_path("create directory", dir)
}

/// Creates `dir` and its missing parents and returns the directories whose entries changed: the parent of each
/// directory created, outermost first (empty if `dir` existed). Syncing them makes the new directories durable.
pub(crate) fn create_dir_all_tracked(dir: &Path) -> Result<Vec<PathBuf>> {
    let missing: Vec<&Path> = dir.ancestors().take_while(|path| !path.exists()).collect();
    create_dir_all(dir)?;
    Ok(missing
        .iter()
        .rev()
        .filter_map(|created| created.parent())
        // A relative `dir` ends its ancestors with "": its entries are in the current directory.
        .map(|parent| {
            if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            }
        })
        .map(Path::to_path_buf)
        .collect())
}

/// Creates `dir` and its missing parents durably: the entry of each directory created is synced at once.
pub(crate) fn create_dir_all_durable(dir: &Path) -> Result<()> {
    for parent in create_dir_all_tracked(dir)? {
        sync_dir(&parent)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_twenty_digits() {
        assert_eq!(offset_to_file_name(0), "00000000000000000000");
        assert_eq!(offset_to_file_name(1_073_741_824), "00000000001073741824");
        assert_eq!(file_name_to_offset("00000000001073741824"), Some(1_073_741_824));
        assert_eq!(file_name_to_offset("0000000000107374182"), None);
        assert_eq!(file_name_to_offset("0000000000107374182x"), None);
        assert_eq!(file_name_to_offset("99999999999999999999"), None, "over u64");
    }

    #[test]
    fn created_directories_report_the_parents_to_sync() {
        let root = tempfile::tempdir().unwrap();
        let queue = root.path().join("consumequeue/T/0");
        assert_eq!(
            create_dir_all_tracked(&queue).unwrap(),
            [
                root.path().to_path_buf(),
                root.path().join("consumequeue"),
                root.path().join("consumequeue/T")
            ]
        );
        assert!(queue.is_dir());
        assert_eq!(
            create_dir_all_tracked(&root.path().join("consumequeue/T/1")).unwrap(),
            [root.path().join("consumequeue/T")]
        );
        assert!(
            create_dir_all_tracked(&queue).unwrap().is_empty(),
            "nothing created"
        );
        create_dir_all_durable(&root.path().join("commitlog")).unwrap();
        assert!(root.path().join("commitlog").is_dir());
    }
}
