//! `completions SHELL` and `man`: shell completion scripts and the man page, generated from the
//! command definition itself, so they never fall behind the flags.

use anyhow::{Context, Result};
use clap::{CommandFactory, ValueEnum};
use clap_complete::Shell as CompleteShell;

use crate::args::Cli;

pub const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  app-notifications completions bash > /dev/null
  # install them (each shell's usual place):
  #   bash: app-notifications completions bash > ~/.local/share/bash-completion/completions/app-notifications
  #   zsh:  app-notifications completions zsh > \"${fpath[1]}/_app-notifications\"
  #   fish: app-notifications completions fish > ~/.config/fish/completions/app-notifications.fish";

pub const MAN_EXAMPLES: &str = "\
Examples:
  app-notifications man > /dev/null
  # install it: app-notifications man > /usr/local/share/man/man1/app-notifications.1";

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// Writes the completion script for `shell` to stdout.
pub fn completions(shell: Shell) -> Result<i32> {
    let shell = match shell {
        Shell::Bash => CompleteShell::Bash,
        Shell::Zsh => CompleteShell::Zsh,
        Shell::Fish => CompleteShell::Fish,
    };
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "app-notifications", &mut out);
    write(&out)
}

/// Writes the man page (roff, section 1) to stdout: the top-level command with a section per
/// subcommand.
pub fn man() -> Result<i32> {
    let command = Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut out)
        .context("rendering the man page")?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("app-notifications-{}", sub.get_name());
        let sub = sub
            .clone()
            .name(name)
            .display_name(format!("app-notifications {}", sub.get_name()));
        out.extend_from_slice(b"\n");
        clap_mangen::Man::new(sub)
            .title("app-notifications")
            .render(&mut out)
            .context("rendering the man page")?;
    }
    write(&out)
}

fn write(bytes: &[u8]) -> Result<i32> {
    crate::io::print_stdout(&String::from_utf8_lossy(bytes))?;
    Ok(app_notifications::exit::OK)
}
