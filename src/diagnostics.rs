//! Errors about an inventory, rustc-style: what is wrong, where, and what to do.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in an inventory file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// File the problem is in.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: String,
}

impl Diagnostic {
    /// A problem at `file:line:column`.
    pub fn new(
        file: &Path,
        (line, column): (usize, usize),
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line,
            column,
            message: message.into(),
            help: help.into(),
        }
    }
}

impl Diagnostic {
    /// The problem as a warning (`warning:` instead of `error:`), for
    /// problems that do not stop the render.
    pub fn as_warning(&self) -> String {
        format!(
            "warning: {}\n  --> {}:{}:{}\n  = help: {}",
            self.message,
            self.file.display(),
            self.line,
            self.column,
            self.help
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        writeln!(f, "  --> {}:{}:{}", self.file.display(), self.line, self.column)?;
        write!(f, "  = help: {}", self.help)
    }
}

/// Every problem found in one run; the CLI prints them all and exits with code 2.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}\n")?;
        }
        let n = self.0.len();
        write!(
            f,
            "error: {n} problem{} found; nothing was written",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}
