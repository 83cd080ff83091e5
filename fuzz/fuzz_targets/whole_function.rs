//! The KRM function end to end. Raw bytes go to `run_krm` as they are; an input that starts
//! with the byte 0xFF instead drives a generator of ResourceLists (a config from the schema,
//! items from a pool of Flux objects), written both as JSON and as YAML. Never panics; on
//! success the output reads back, keeps every non-generated item byte for byte and is a fixed
//! point (see `fuzz_checks::checks::whole_function`).
#![no_main]
use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let check = fuzz_checks::checks::whole_function;
    let result = match data.split_first() {
        Some((0xFF, rest)) => {
            let mut u = Unstructured::new(rest);
            let Ok(list) = fuzz_checks::gen::resource_list(&mut u) else {
                return;
            };
            let json = serde_json::to_string_pretty(&list).expect("a value serialises");
            let yaml = app_notifications::yaml::emit::document(&list, &Default::default());
            check(json.as_bytes())
                .map_err(|e| format!("{e}\n  input (JSON):\n{json}"))
                .and_then(|()| {
                    check(yaml.as_bytes()).map_err(|e| format!("{e}\n  input (YAML):\n{yaml}"))
                })
        }
        _ => check(data),
    };
    if let Err(failure) = result {
        panic!("whole_function: {failure}");
    }
});
