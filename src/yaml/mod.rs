//! YAML pieces the engine needs besides the parser: scalar resolution and quoting rules
//! ([`scalar`]) and the emitter for generated objects ([`emit`]).

pub mod emit;
pub mod scalar;
pub mod tree;
