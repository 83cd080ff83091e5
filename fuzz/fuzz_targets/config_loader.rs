//! Config loading: arbitrary bytes read as the YAML of a functionConfig (through the crate's
//! reader), and, when the input starts with the byte 0xFF, a config built by `arbitrary` from
//! the crate's own JSON Schema. Loading never panics; what loads round-trips.
#![no_main]
use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let result = match data.split_first() {
        Some((0xFF, rest)) => {
            let mut u = Unstructured::new(rest);
            let Ok(value) = fuzz_checks::gen::config(&mut u) else {
                return;
            };
            fuzz_checks::checks::config_value(&value)
                .map_err(|e| format!("{e}\n  generated: {value}"))
        }
        _ => fuzz_checks::checks::config_yaml(data),
    };
    if let Err(failure) = result {
        panic!("config_loader: {failure}");
    }
});
