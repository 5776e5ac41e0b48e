//! What acmegen owns in an output directory.
//!
//! Each top-level directory acmegen writes (`<out>/modules`,
//! `<out>/<inventory>`) gets a `.acmegen-manifest` listing every file
//! acmegen rendered into it, sorted, one relative path per line. A later
//! render replaces or removes only those files; anything else in the
//! directory (except the user's local Terraform files, see
//! [`crate::output::is_user_local`]) makes it stop rather than delete it.
//!
//! The manifest is part of what `render` writes and `check` compares, so
//! it is deterministic: same files, same bytes.

use crate::emit::FileSet;
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

/// File name of the manifest inside each top-level directory.
pub const FILE_NAME: &str = ".acmegen-manifest";

/// Prefix of every name acmegen uses for its own bookkeeping.
pub const INTERNAL_PREFIX: &str = ".acmegen-";

const HEADER: &str = "# Written by acmegen: every file it rendered into this directory, one per line.\n\
# A render replaces or removes only these; other files here (except .terraform/,\n\
# *.tfstate*, *.tfvars) make it stop instead of deleting them. Do not edit.\n";

/// The files acmegen wrote into one top-level directory, relative to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    files: BTreeSet<PathBuf>,
}

impl Manifest {
    /// A manifest listing `files` (relative to the directory).
    pub fn new<I: IntoIterator<Item = PathBuf>>(files: I) -> Self {
        Manifest {
            files: files.into_iter().collect(),
        }
    }

    /// Whether acmegen wrote `rel` (relative to the directory).
    pub fn contains(&self, rel: &Path) -> bool {
        self.files.contains(rel)
    }

    /// The listed files, sorted.
    pub fn files(&self) -> impl Iterator<Item = &PathBuf> {
        self.files.iter()
    }

    /// The manifest's text: a header, then one `/`-separated path per line.
    pub fn render(&self) -> String {
        let mut out = Self::header().to_string();
        for f in &self.files {
            out.push_str(&Self::line(f));
        }
        out
    }

    /// The text of an empty manifest; [`Manifest::line`]s appended to it
    /// make one listing them (in any order).
    pub fn header() -> &'static str {
        HEADER
    }

    /// The line listing `rel` (relative to the directory).
    pub fn line(rel: &Path) -> String {
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        format!("{}\n", parts.join("/"))
    }

    /// Parse a manifest's text; None when it is not one (no header line).
    pub fn parse(text: &str) -> Option<Self> {
        if !text.starts_with("# Written by acmegen") {
            return None;
        }
        let files = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter(|l| l.split('/').all(|part| !part.is_empty() && part != "." && part != ".."))
            .map(|l| l.split('/').collect::<PathBuf>())
            .collect();
        Some(Manifest { files })
    }

    /// The manifest of directory `dir`; Ok(None) when it has none (or an
    /// unreadable one that is not a manifest).
    pub fn read(dir: &Path) -> io::Result<Option<Self>> {
        match std::fs::read_to_string(dir.join(FILE_NAME)) {
            Ok(text) => Ok(Self::parse(&text)),
            Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::InvalidData => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Whether a file name is acmegen's own bookkeeping (`.acmegen-*`).
pub fn is_internal(rel: &Path) -> bool {
    rel.components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with(INTERNAL_PREFIX))
}

/// `files` plus, for each top-level directory they cover, its manifest
/// (`<top>/.acmegen-manifest` listing the files under `<top>`).
pub fn with_manifests(files: &FileSet) -> FileSet {
    add_manifests(files.clone())
}

/// [`with_manifests`], adding the manifests to `files` itself.
pub fn add_manifests(mut files: FileSet) -> FileSet {
    let mut per_top: std::collections::BTreeMap<PathBuf, Vec<PathBuf>> = Default::default();
    for rel in files.keys() {
        let mut parts = rel.components();
        let (Some(top), rest) = (parts.next(), parts.as_path()) else {
            continue;
        };
        if rest.as_os_str().is_empty() {
            continue;
        }
        per_top
            .entry(PathBuf::from(top.as_os_str()))
            .or_default()
            .push(rest.to_path_buf());
    }
    for (top, list) in per_top {
        files.insert(top.join(FILE_NAME), Manifest::new(list).render());
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_sorted_and_deterministic() {
        let m = Manifest::new([PathBuf::from("primary/main.tf"), PathBuf::from("RUNBOOK.md")]);
        let text = m.render();
        assert!(text.ends_with("RUNBOOK.md\nprimary/main.tf\n"), "{text}");
        assert_eq!(Manifest::parse(&text), Some(m.clone()));
        assert!(m.contains(Path::new("primary/main.tf")));
        assert!(!m.contains(Path::new("primary/extra.tf")));
    }

    #[test]
    fn rejects_text_that_is_no_manifest_and_paths_that_escape() {
        assert_eq!(Manifest::parse("primary/main.tf\n"), None);
        let m = Manifest::parse(&format!("{HEADER}../outside.tf\n/etc/passwd\nok.tf\n")).unwrap();
        assert_eq!(m.files().collect::<Vec<_>>(), vec![Path::new("ok.tf")]);
    }

    #[test]
    fn adds_one_manifest_per_top_level_directory() {
        let mut files = FileSet::new();
        files.insert("modules/vpc/main.tf".into(), "a".into());
        files.insert("demo/primary/main.tf".into(), "b".into());
        files.insert("demo/RUNBOOK.md".into(), "c".into());
        let all = with_manifests(&files);
        assert_eq!(all.len(), 5);
        let demo = Manifest::parse(&all[Path::new("demo/.acmegen-manifest")]).unwrap();
        assert_eq!(
            demo.files().collect::<Vec<_>>(),
            vec![Path::new("RUNBOOK.md"), Path::new("primary/main.tf")]
        );
        assert!(is_internal(Path::new("demo/.acmegen-manifest")));
        assert!(!is_internal(Path::new("demo/.terraform/x")));
    }
}
