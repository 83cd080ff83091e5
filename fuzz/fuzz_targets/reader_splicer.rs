//! Differential fuzzing of the reader and the splicer against an independent full parse with
//! the same parser: regions, byte-exact passthrough, each region read alone, removal, append,
//! replace and results edits (see `fuzz_checks::checks::reader_splicer`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(failure) = fuzz_checks::checks::reader_splicer(data) {
        panic!("reader_splicer: {failure}");
    }
});
