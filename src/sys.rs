//! The system calls acmegen needs beyond std, in one place: an atomic
//! exchange of two directories (`renameat2(RENAME_EXCHANGE)` on Linux), a
//! directory's identity (device and inode), whether a process runs, and
//! whether a directory may be changed. Each has a fallback where the
//! platform lacks it.

use std::io;
use std::path::Path;

/// Whether `path` exists (without following a final symlink).
pub(crate) fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// Identity of a directory: device and inode (what a rename keeps).
pub(crate) type Ident = (u64, u64);

#[cfg(unix)]
pub(crate) fn ident(path: &Path) -> Option<Ident> {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
pub(crate) fn ident(path: &Path) -> Option<Ident> {
    std::fs::symlink_metadata(path).ok().map(|_| (0, 0))
}

/// Exchange two paths atomically. Err(Unsupported) when the platform or
/// file system cannot.
#[cfg(target_os = "linux")]
pub(crate) fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(|_| io::ErrorKind::InvalidInput)?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(|_| io::ErrorKind::InvalidInput)?;
    // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(());
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP) => {
            Err(io::Error::new(io::ErrorKind::Unsupported, e))
        }
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Whether process `pid` is running (a leftover of a running process is not touched).
#[cfg(unix)]
pub(crate) fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        // This process holds the lock and has not created its staging yet:
        // a leftover with its PID is from an earlier process.
        return false;
    }
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 only checks whether the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
pub(crate) fn alive(pid: u32) -> bool {
    pid != std::process::id()
}

/// Whether this process may change the directory `dir` itself (add,
/// remove and rename entries): Err(PermissionDenied) otherwise.
#[cfg(unix)]
pub(crate) fn writable(dir: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = CString::new(dir.as_os_str().as_bytes()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: a valid NUL-terminated path.
    if unsafe { libc::access(c.as_ptr(), libc::W_OK | libc::X_OK) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(not(unix))]
pub(crate) fn writable(dir: &Path) -> io::Result<()> {
    match std::fs::metadata(dir) {
        Ok(m) if m.permissions().readonly() => Err(io::ErrorKind::PermissionDenied.into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    #[cfg(target_os = "linux")]
    fn exchange_swaps_two_directories() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("sub/b"));
        fs::create_dir_all(&a).unwrap();
        fs::create_dir_all(&b).unwrap();
        fs::write(a.join("f"), "a").unwrap();
        fs::write(b.join("f"), "b").unwrap();
        let (ia, ib) = (ident(&a), ident(&b));
        match exchange(&a, &b) {
            Ok(()) => {
                assert_eq!(fs::read_to_string(a.join("f")).unwrap(), "b");
                assert_eq!(fs::read_to_string(b.join("f")).unwrap(), "a");
                assert_eq!((ident(&a), ident(&b)), (ib, ia), "the identities travel with the trees");
            }
            Err(e) => assert_eq!(e.kind(), io::ErrorKind::Unsupported, "{e}"),
        }
    }

    #[test]
    fn knows_running_processes() {
        assert!(alive(1), "init runs");
        assert!(
            !alive(std::process::id()),
            "this process's own leftovers are from an earlier one"
        );
        assert!(!alive(999_999_999));
    }

    #[test]
    fn a_missing_directory_is_not_writable() {
        let dir = tempfile::tempdir().unwrap();
        writable(dir.path()).unwrap();
        assert!(writable(&dir.path().join("nope")).is_err());
    }
}
