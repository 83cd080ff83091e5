//! The binary's I/O: stdin within the size limit, stdout that ends quietly on a closed pipe,
//! and results printed the one way every command prints them.

use std::io::{Read, Write};

use anyhow::{Context, Result};
use app_notifications::results::KrmResult;
use app_notifications::{Limits, Outcome};

pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes to stdout, returning the error (`println!` would panic on a closed pipe).
pub fn print_stdout(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .context("writing stdout")
}

/// Prints results on stderr, one line each, as every command does.
pub fn print_results(results: &[KrmResult]) {
    for result in results {
        eprintln!("{}", result.to_line());
    }
}

/// Reads stdin, stopping one byte past the limit so an oversized input is refused without
/// reading all of it.
pub fn read_stdin(limits: &Limits) -> Result<Vec<u8>> {
    let mut input = Vec::with_capacity(stdin_size_hint().min(limits.max_input_bytes) + 1);
    std::io::stdin()
        .lock()
        .take((limits.max_input_bytes as u64).saturating_add(1))
        .read_to_end(&mut input)
        .context("reading stdin")?;
    Ok(input)
}

/// The size of stdin when it is a regular file (`< list.yaml`), so the buffer is allocated
/// once instead of grown; 0 for pipes and terminals.
#[cfg(unix)]
fn stdin_size_hint() -> usize {
    use std::os::fd::AsFd;
    std::io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
        .and_then(|file| file.metadata())
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map_or(0, |meta| usize::try_from(meta.len()).unwrap_or(0))
}

#[cfg(not(unix))]
fn stdin_size_hint() -> usize {
    0
}

pub fn emit(outcome: Outcome<'_>) -> Result<i32> {
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    outcome
        .stdout
        .write_to(&mut stdout)
        .and_then(|()| stdout.flush())
        .context("writing stdout")?;
    if !outcome.stderr.is_empty() {
        let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    }
    let code = outcome.exit_code;
    // The process exits next (see `main`): freeing thousands of items first is wasted time.
    std::mem::forget(outcome);
    Ok(code)
}
