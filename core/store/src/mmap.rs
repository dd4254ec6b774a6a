//! The one `unsafe` operation of the workspace: mapping a store file into memory.

use std::fs::File;
use std::io;

use memmap2::{MmapMut, MmapOptions};

/// Maps the first `len` bytes of `file` for reading and writing (a shared mapping: writes reach the file).
///
/// Callers must pass a file that belongs to the store: it lives in a store directory guarded by the store's lock
/// file, and the store never truncates or shrinks a file while it is mapped (files are created at their full size
/// before mapping, and are only deleted, never truncated, once mapped).
#[allow(unsafe_code)]
pub(crate) fn map_file(file: &File, len: usize) -> io::Result<MmapMut> {
    // SAFETY: memmap2 requires that the underlying file is not modified or truncated by anyone else while the
    // mapping exists, or reads through it could observe torn data or fault (SIGBUS). The invariants that make this
    // sound: (1) the file belongs to a store directory whose `lock` file this process holds for the store's whole
    // lifetime, so no other Fulmen store (in this or another process) opens it; (2) the file already has at least
    // `len` bytes (it is created with `set_len(len)` before being mapped, and loading checks its length); (3) the
    // store never truncates a mapped file: truncation during recovery zeroes bytes through the mapping, and
    // deleting (unlinking) a whole file leaves existing mappings of it valid; (4) all writes through the mapping go
    // through `MappedFile`, which serialises them behind a lock, so Rust never sees aliasing `&mut [u8]`.
    unsafe { MmapOptions::new().len(len).map_mut(file) }
}
