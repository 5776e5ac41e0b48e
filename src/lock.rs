//! An advisory lock on an output directory, so that two acmegen processes
//! never write (or one writes while another compares) the same tree.
//!
//! The lock is `flock(2)` on the directory itself: nothing is left behind
//! in the tree (no lock file to commit by mistake), and the kernel releases
//! it when the process exits, however it exits. Writers take it exclusive,
//! readers (`check`) shared. Other platforms get no lock.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How the directory is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One writer, nobody else.
    Exclusive,
    /// Any number of readers, no writer.
    Shared,
}

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another process held it for the whole timeout.
    Busy {
        /// The directory.
        dir: PathBuf,
        /// How long this process waited.
        waited: Duration,
    },
    /// The directory could not be opened or locked.
    Io {
        /// The directory.
        dir: PathBuf,
        /// What failed.
        source: io::Error,
    },
}

impl std::fmt::Display for LockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LockError::Busy { dir, waited } => write!(
                f,
                "another acmegen process is writing {} (waited {} s)",
                dir.display(),
                waited.as_secs()
            ),
            LockError::Io { dir, source } => write!(f, "cannot lock {}: {source}", dir.display()),
        }
    }
}

impl std::error::Error for LockError {}

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

/// Lock `dir` (which must exist) in `mode`, waiting up to `timeout`.
/// `on_wait` runs once, when the lock is busy and this process starts waiting.
pub fn lock(dir: &Path, mode: Mode, timeout: Duration, on_wait: impl FnOnce()) -> Result<DirLock, LockError> {
    let file = File::open(dir).map_err(|source| LockError::Io {
        dir: dir.to_path_buf(),
        source,
    })?;
    let start = Instant::now();
    let mut on_wait = Some(on_wait);
    loop {
        match try_lock(&file, mode) {
            Ok(true) => return Ok(DirLock { _file: file }),
            Ok(false) => {}
            Err(source) => {
                return Err(LockError::Io {
                    dir: dir.to_path_buf(),
                    source,
                })
            }
        }
        let waited = start.elapsed();
        if waited >= timeout {
            return Err(LockError::Busy {
                dir: dir.to_path_buf(),
                waited,
            });
        }
        if let Some(f) = on_wait.take() {
            f();
        }
        std::thread::sleep(Duration::from_millis(25).min(timeout.saturating_sub(waited)));
    }
}

/// Take the lock without blocking: Ok(false) when another process holds it.
#[cfg(unix)]
fn try_lock(file: &File, mode: Mode) -> io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    let op = match mode {
        Mode::Exclusive => libc::LOCK_EX,
        Mode::Shared => libc::LOCK_SH,
    };
    loop {
        // SAFETY: flock on a file descriptor this function borrows; no memory is shared.
        let r = unsafe { libc::flock(file.as_raw_fd(), op | libc::LOCK_NB) };
        if r == 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EWOULDBLOCK) => return Ok(false),
            Some(libc::EINTR) => continue,
            _ => return Err(e),
        }
    }
}

#[cfg(not(unix))]
fn try_lock(_file: &File, _mode: Mode) -> io::Result<bool> {
    Ok(true)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_waits_then_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock(dir.path(), Mode::Exclusive, Duration::ZERO, || {}).unwrap();
        let mut waited = false;
        let e = lock(dir.path(), Mode::Exclusive, Duration::from_millis(100), || {
            waited = true
        })
        .unwrap_err();
        assert!(waited, "the waiting callback ran");
        assert!(matches!(e, LockError::Busy { .. }), "{e}");
        assert!(e.to_string().contains("another acmegen process is writing"));
        assert!(lock(dir.path(), Mode::Shared, Duration::ZERO, || {}).is_err());
        drop(first);
        let a = lock(dir.path(), Mode::Shared, Duration::ZERO, || {}).unwrap();
        let _b = lock(dir.path(), Mode::Shared, Duration::ZERO, || {}).unwrap();
        assert!(lock(dir.path(), Mode::Exclusive, Duration::ZERO, || {}).is_err());
        drop(a);
    }

    #[test]
    fn a_missing_directory_is_an_io_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = lock(&dir.path().join("nope"), Mode::Exclusive, Duration::ZERO, || {}).unwrap_err();
        assert!(matches!(e, LockError::Io { .. }), "{e}");
    }
}
