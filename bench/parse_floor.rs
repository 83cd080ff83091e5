//! The parse floor for the wall-time budget: the bare event parse of the same bytes with the
//! same parser and the same options as the engine, and nothing else.
//!
//! `parse-floor FILE` reads FILE (`-` or no argument: stdin) into a String and pulls every event
//! out of `granit_parser::Parser` with `emit_comments = false` and `emit_anchor_events = true`.
//! It writes nothing to stdout; it exits 0 when the whole stream parses, 1 on a read or parse
//! error (with the error on stderr), 2 on bad usage.
//!
//! Built as a cargo example so it links the engine's exact `granit-parser` build:
//! `cargo build --release --example parse-floor`; `bench/run.py` times it against the engine.

use std::io::Read;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let path = args.next();
    if args.next().is_some() {
        eprintln!("usage: parse-floor [FILE|-]");
        return ExitCode::from(2);
    }

    let mut input = String::new();
    let read = match &path {
        Some(p) if p != "-" => {
            std::fs::File::open(p).and_then(|mut f| f.read_to_string(&mut input))
        }
        _ => std::io::stdin().lock().read_to_string(&mut input),
    };
    if let Err(e) = read {
        eprintln!("parse-floor: {e}");
        return ExitCode::FAILURE;
    }

    let mut options = granit_parser::Options::default();
    options.emit_comments = false;
    options.emit_anchor_events = true;

    let mut events: u64 = 0;
    for event in granit_parser::Parser::new_from_str_with_options(&input, options) {
        match event {
            Ok(_) => events += 1,
            Err(e) => {
                eprintln!("parse-floor: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    // Keep the count observable so the loop cannot be optimised away.
    std::hint::black_box(events);
    ExitCode::SUCCESS
}
