//! The kustomize legacy exec plugin mode with a fixed valid config
//! (`fuzz_checks::checks::LEGACY_CONFIG`): arbitrary bytes as the YAML stream on stdin.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(failure) = fuzz_checks::checks::legacy_plugin(data) {
        panic!("legacy_plugin: {failure}");
    }
});
