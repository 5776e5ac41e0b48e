//! Printing for the binary, like other command-line tools do it: when the
//! reader of standard output goes away (`acmegen explain x.yaml | head -1`),
//! acmegen stops printing quietly and still exits with the code the command
//! would have had (0 for explain, 1 for a stale check), instead of
//! panicking with "failed printing to stdout: Broken pipe". Messages to
//! standard error never fail the command.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Write `text` to standard output. A closed pipe turns every later write
/// into a no-op; other errors are returned.
pub fn out(text: &str) -> io::Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut stdout = io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        other => other,
    }
}

/// Write `text` and a newline to standard output (see [`out`]).
pub fn outln(text: &str) -> io::Result<()> {
    out(&format!("{text}\n"))
}

/// Write `text` and a newline to standard error, ignoring failures.
pub fn err(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}
