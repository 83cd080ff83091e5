//! Resource limits: every input is bounded so that no input can make the function hang or
//! exhaust memory. Each limit has a flag; the error that reports it names the flag.

/// Bounds applied while reading input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes (`--max-input-bytes`).
    pub max_input_bytes: usize,
    /// Deepest nesting of mappings and sequences (`--max-depth`).
    pub max_depth: usize,
    /// Nodes one item's read fields may expand to through aliases (`--max-alias-expansion`).
    pub max_alias_expansion: usize,
    /// Most items in one ResourceList or stream (`--max-items`).
    pub max_items: usize,
}

impl Limits {
    pub const DEFAULT_MAX_INPUT_BYTES: usize = 256 * 1024 * 1024;
    /// The highest `max_depth` accepted: keeps the reader's recursion far from the stack's end
    /// (also on WebAssembly's smaller stack).
    pub const MAX_DEPTH_CEILING: usize = 1000;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: Self::DEFAULT_MAX_INPUT_BYTES,
            max_depth: 200,
            max_alias_expansion: 100_000,
            max_items: 1_000_000,
        }
    }
}
