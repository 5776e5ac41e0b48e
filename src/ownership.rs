//! What acmegen may delete in an output directory, and how it removes a
//! replaced tree without losing anything else.
//!
//! acmegen owns the files listed in a directory's [`Manifest`]; the user
//! owns their local Terraform files ([`is_user_local`]); anything else is
//! somebody else's. A render refuses to replace a directory holding files
//! that are not acmegen's ([`unowned`]), links the user's files into the
//! new tree, and removes the old tree keeping whatever it cannot prove is
//! acmegen's or safe elsewhere.

use crate::emit::FileSet;
use crate::manifest::{self, Manifest};
use crate::output::{io_err, is_user_local, OutputError};
use crate::sys;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Checks that `dir` itself can be changed (entries added, removed, renamed).
pub(crate) fn check_writable(dir: &Path) -> Result<(), OutputError> {
    sys::writable(dir).map_err(|e| io_err("replacing", dir, e))
}

/// Checks every directory of the tree `dir` with [`check_writable`]: after
/// the swap each of them loses the old files.
pub(crate) fn check_writable_tree(dir: &Path) -> Result<(), OutputError> {
    for entry in WalkDir::new(dir) {
        let entry = entry.map_err(|e| walk_err(dir, e))?;
        if entry.file_type().is_dir() {
            check_writable(entry.path())?;
        }
    }
    Ok(())
}

pub(crate) fn walk_err(root: &Path, e: walkdir::Error) -> OutputError {
    let path = e.path().unwrap_or(root).to_path_buf();
    let source = e
        .into_io_error()
        .unwrap_or_else(|| io::Error::other("file system loop"));
    io_err("reading", &path, source)
}

/// Files under the live tree `dir` that acmegen may not delete: neither in
/// its manifest (nor rewritten by `new_files` with identical bytes) nor
/// user-local; for a tree without a manifest, those `new_files` does not
/// rewrite (which adopts an older acmegen's tree whose every file would be
/// rewritten). A `dir` that is a file or a symlink is itself unowned.
pub fn unowned(dir: &Path, new_files: Option<&FileSet>) -> Result<(Vec<PathBuf>, bool), OutputError> {
    unowned_by(
        dir,
        new_files.map(|f| move |rel: &Path| f.get(rel).map(|text| std::borrow::Cow::Borrowed(text.as_bytes()))),
    )
}

/// [`unowned`], with the new files already written to the tree `staged`.
pub fn unowned_against(dir: &Path, staged: Option<&Path>) -> Result<(Vec<PathBuf>, bool), OutputError> {
    unowned_by(
        dir,
        staged.map(|s| {
            move |rel: &Path| {
                let path = s.join(rel);
                fs::symlink_metadata(&path)
                    .is_ok_and(|m| m.is_file())
                    .then(|| fs::read(&path).ok().map(std::borrow::Cow::Owned))
                    .flatten()
            }
        }),
    )
}

/// [`unowned`], reading the new tree's bytes of a file through `new`.
fn unowned_by<'n, F>(dir: &Path, new: Option<F>) -> Result<(Vec<PathBuf>, bool), OutputError>
where
    F: Fn(&Path) -> Option<std::borrow::Cow<'n, [u8]>>,
{
    let meta = match fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), false)),
        Err(e) => return Err(io_err("reading", dir, e)),
    };
    if !meta.is_dir() {
        return Ok((vec![PathBuf::new()], false));
    }
    let m = Manifest::read(dir).map_err(|e| io_err("reading", &dir.join(manifest::FILE_NAME), e))?;
    let mut out = Vec::new();
    for entry in WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| walk_err(dir, e))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).expect("under dir");
        if manifest::is_internal(rel) || is_user_local(rel) {
            continue;
        }
        let owned = match &m {
            // Listed, or about to be rewritten with the very same bytes (nothing
            // is lost: e.g. a file another branch rendered, merged before its manifest).
            Some(m) => {
                m.contains(rel)
                    || new
                        .as_ref()
                        .and_then(|f| f(rel))
                        .is_some_and(|want| fs::read(entry.path()).is_ok_and(|have| have == *want))
            }
            None => new.as_ref().is_some_and(|f| f(rel).is_some()),
        };
        if !owned {
            out.push(rel.to_path_buf());
        }
    }
    Ok((out, m.is_some()))
}

/// Whether two files are the same: one inode, or equal bytes.
fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (fs::symlink_metadata(a), fs::symlink_metadata(b)) else {
        return false;
    };
    if ma.is_dir() || mb.is_dir() || ma.file_type().is_symlink() != mb.file_type().is_symlink() {
        return false;
    }
    if sys::ident(a).is_some_and(|i| i != (0, 0) && Some(i) == sys::ident(b)) {
        return true;
    }
    if ma.file_type().is_symlink() {
        return fs::read_link(a).ok().is_some_and(|t| fs::read_link(b).ok() == Some(t));
    }
    ma.len() == mb.len() && matches!((fs::read(a), fs::read(b)), (Ok(x), Ok(y)) if x == y)
}

/// Who may delete what when discarding a tree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    /// Every file of the victim is acmegen's (a staging tree never made live).
    pub owned_all: bool,
    /// The user passed `--force`: files acmegen did not write go too.
    pub force: bool,
}

/// Remove the tree `victim` that `keeper` replaced (or failed to replace),
/// deleting only what acmegen may delete: its own files (either tree's
/// manifest), user-local files the keeper has too, and files identical in
/// the keeper. User-local files the keeper lacks are moved into it.
/// Returns the files kept (relative to `victim`), which stay in place.
pub(crate) fn discard(victim: &Path, keeper: &Path, policy: Policy) -> Result<Vec<PathBuf>, OutputError> {
    let meta = match fs::symlink_metadata(victim) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err("reading", victim, e)),
    };
    if !meta.is_dir() {
        if policy.owned_all || policy.force {
            fs::remove_file(victim).map_err(|e| io_err("removing", victim, e))?;
            return Ok(Vec::new());
        }
        return Ok(vec![PathBuf::new()]);
    }
    let read = |dir: &Path| Manifest::read(dir).ok().flatten().unwrap_or_default();
    let (victim_manifest, keeper_manifest) = (read(victim), read(keeper));
    let mut kept = Vec::new();
    let walk = WalkDir::new(victim)
        .min_depth(1)
        .contents_first(true)
        .sort_by_file_name();
    for entry in walk {
        let entry = entry.map_err(|e| walk_err(victim, e))?;
        let path = entry.path();
        let rel = path.strip_prefix(victim).expect("under victim");
        if entry.file_type().is_dir() {
            let _ = fs::remove_dir(path); // only when empty: a kept file keeps its directory
            continue;
        }
        let twin = keeper.join(rel);
        // Listed in a manifest: acmegen's, even when named like a user's file.
        let listed = victim_manifest.contains(rel) || keeper_manifest.contains(rel);
        let delete = if manifest::is_internal(rel) || listed {
            true
        } else if is_user_local(rel) {
            if !sys::exists(&twin) {
                if let Some(parent) = twin.parent() {
                    fs::create_dir_all(parent).map_err(|e| io_err("creating", parent, e))?;
                }
                fs::rename(path, &twin).map_err(|e| io_err("keeping", &twin, e))?;
                continue;
            }
            same_file(path, &twin) || policy.owned_all
        } else {
            policy.owned_all || policy.force || same_file(path, &twin)
        };
        if delete {
            fs::remove_file(path).map_err(|e| io_err("removing", path, e))?;
        } else {
            kept.push(rel.to_path_buf());
        }
    }
    let _ = fs::remove_dir(victim);
    Ok(kept)
}

/// Hard-link (or, where that fails, copy) the user-local files of the live
/// tree `live` into the staged tree `staged`.
pub(crate) fn link_user_local(live: &Path, staged: &Path) -> Result<(), OutputError> {
    if !fs::symlink_metadata(live).is_ok_and(|m| m.is_dir()) {
        return Ok(());
    }
    let listed = Manifest::read(live).ok().flatten().unwrap_or_default();
    for entry in WalkDir::new(live).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| walk_err(live, e))?;
        let rel = entry.path().strip_prefix(live).expect("under live");
        let users = is_user_local(rel) && !listed.contains(rel) && !manifest::is_internal(rel);
        if !users || entry.file_type().is_dir() {
            continue;
        }
        let dest = staged.join(rel);
        if sys::exists(&dest) {
            continue;
        }
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).map_err(|e| io_err("creating", parent, e))?;
        }
        if fs::hard_link(entry.path(), &dest).is_err() {
            copy_entry(entry.path(), &dest).map_err(|e| io_err("copying", entry.path(), e))?;
        }
    }
    Ok(())
}

fn copy_entry(from: &Path, to: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(from)?;
    if meta.file_type().is_symlink() {
        #[cfg(unix)]
        return std::os::unix::fs::symlink(fs::read_link(from)?, to);
        #[cfg(not(unix))]
        return fs::copy(from, to).map(|_| ());
    }
    fs::copy(from, to).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discard_keeps_what_it_cannot_prove_is_acmegens() {
        let dir = tempfile::tempdir().unwrap();
        let (victim, keeper) = (dir.path().join("old"), dir.path().join("new"));
        for d in [&victim, &keeper] {
            fs::create_dir_all(d.join("primary")).unwrap();
        }
        let listed = Manifest::new([PathBuf::from("primary/main.tf")]).render();
        fs::write(victim.join(manifest::FILE_NAME), listed).unwrap();
        fs::write(victim.join("primary/main.tf"), "old").unwrap();
        fs::write(victim.join("primary/mine.tf"), "handwritten").unwrap();
        fs::write(victim.join("primary/same.tf"), "same").unwrap();
        fs::write(keeper.join("primary/same.tf"), "same").unwrap();
        fs::write(victim.join("primary/terraform.tfvars"), "x = 1").unwrap();
        let keep = Policy {
            owned_all: false,
            force: false,
        };
        let kept = discard(&victim, &keeper, keep).unwrap();
        assert_eq!(kept, vec![PathBuf::from("primary/mine.tf")]);
        assert_eq!(
            fs::read_to_string(victim.join("primary/mine.tf")).unwrap(),
            "handwritten"
        );
        assert!(!victim.join("primary/main.tf").exists());
        assert_eq!(
            fs::read_to_string(keeper.join("primary/terraform.tfvars")).unwrap(),
            "x = 1"
        );
        let force = Policy {
            owned_all: false,
            force: true,
        };
        assert!(discard(&victim, &keeper, force).unwrap().is_empty());
        assert!(!victim.exists());
    }

    #[test]
    fn a_listed_file_named_like_a_users_file_is_acmegens() {
        let dir = tempfile::tempdir().unwrap();
        let (live, staged) = (dir.path().join("live"), dir.path().join("staged"));
        fs::create_dir_all(live.join("primary")).unwrap();
        fs::create_dir_all(staged.join("primary")).unwrap();
        let listed = Manifest::new([PathBuf::from("primary/example.tfvars")]).render();
        fs::write(live.join(manifest::FILE_NAME), &listed).unwrap();
        fs::write(staged.join(manifest::FILE_NAME), &listed).unwrap();
        fs::write(live.join("primary/example.tfvars"), "old = 1").unwrap();
        fs::write(live.join("primary/mine.tfvars"), "mine = 1").unwrap();
        link_user_local(&live, &staged).unwrap();
        assert!(staged.join("primary/mine.tfvars").exists());
        assert!(
            !staged.join("primary/example.tfvars").exists(),
            "acmegen's file is not carried over"
        );
        fs::write(staged.join("primary/example.tfvars"), "new = 1").unwrap();
        let keep = Policy {
            owned_all: false,
            force: false,
        };
        assert!(
            discard(&live, &staged, keep).unwrap().is_empty(),
            "the old version is replaced, not kept"
        );
        assert_eq!(
            fs::read_to_string(staged.join("primary/example.tfvars")).unwrap(),
            "new = 1"
        );
        assert_eq!(
            fs::read_to_string(staged.join("primary/mine.tfvars")).unwrap(),
            "mine = 1"
        );
    }

    #[test]
    fn unowned_follows_the_manifest_or_adopts_a_tree_acmegen_would_rewrite() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join("demo");
        fs::create_dir_all(top.join("primary/.terraform")).unwrap();
        fs::write(top.join("primary/main.tf"), "x").unwrap();
        fs::write(top.join("primary/.terraform/cache"), "x").unwrap();
        fs::write(top.join("primary/mine.tf"), "x").unwrap();
        let mut new = FileSet::new();
        new.insert("primary/main.tf".into(), "y".into());
        let (found, has_manifest) = unowned(&top, Some(&new)).unwrap();
        assert_eq!((found, has_manifest), (vec![PathBuf::from("primary/mine.tf")], false));
        new.insert("primary/mine.tf".into(), "y".into());
        assert!(unowned(&top, Some(&new)).unwrap().0.is_empty(), "adopted");
        fs::write(
            top.join(manifest::FILE_NAME),
            Manifest::new([PathBuf::from("primary/main.tf")]).render(),
        )
        .unwrap();
        assert_eq!(
            unowned(&top, Some(&new)).unwrap(),
            (vec![PathBuf::from("primary/mine.tf")], true)
        );
        fs::write(dir.path().join("file"), "x").unwrap();
        assert_eq!(unowned(&dir.path().join("file"), None).unwrap().0, vec![PathBuf::new()]);
    }
}
