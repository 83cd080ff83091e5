//! YAML pieces the engine needs besides the parser: scalar resolution and quoting rules
//! ([`scalar`]), the emitter for generated objects ([`emit`]), and where lines start and end
//! ([`lines`]).

pub mod emit;
pub mod lines;
pub mod scalar;
pub mod tree;
