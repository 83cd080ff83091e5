//! Emitter for generated objects held as [`serde_json::Value`].
//!
//! Block style, 2-space indentation, keys in insertion order (callers insert them in
//! conventional order; nothing here reorders). Strings are plain only when
//! [`scalar::plain_is_safe`] says every YAML 1.1 and 1.2 reader reads them back unchanged,
//! otherwise double-quoted (newlines as `\n`).

use serde_json::{Map, Number, Value};

use super::scalar;

/// Line ending of the output; follows the input's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    CrLf,
    /// A CR on its own (old Mac files; YAML reads it as a line break).
    Cr,
}

impl LineEnding {
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
            LineEnding::Cr => "\r",
        }
    }
}

/// Layout choices that follow the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmitStyle {
    pub line_ending: LineEnding,
    /// `false`: a sequence under a mapping key is written `key:\n- a` (kyaml/kustomize style);
    /// `true`: `key:\n  - a`.
    pub indent_sequences: bool,
}

impl Default for EmitStyle {
    fn default() -> Self {
        EmitStyle {
            line_ending: LineEnding::Lf,
            indent_sequences: false,
        }
    }
}

/// Indentation unit of the block emitter.
const UNIT: usize = 2;

/// Simple (implicit) keys are limited to 1024 characters by YAML; longer keys are written with
/// the explicit `? key` / `: value` form. The margin keeps us clear of readers that count
/// bytes or include the `:`.
const MAX_IMPLICIT_KEY_LEN: usize = 1000;

/// Writes `value` as a block node. The first line continues the current line (the caller has
/// written `- ` or `key: `, or is at column `indent` for a top-level node); following lines are
/// indented by `indent` spaces. Ends with a line ending.
///
/// A non-empty mapping puts its first entry on the current line (compact `- key: v`), so after
/// `key: ` only scalars and empty collections are valid; the mapping writer itself moves nested
/// collections to the next line.
pub fn write_block_node(out: &mut String, value: &Value, indent: usize, style: &EmitStyle) {
    match value {
        Value::Object(map) if !map.is_empty() => write_block_mapping(out, map, indent, style),
        Value::Array(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    push_indent(out, indent);
                }
                out.push_str("- ");
                write_block_node(out, item, indent + UNIT, style);
            }
        }
        _ => {
            write_inline_scalar(out, value);
            out.push_str(style.line_ending.as_str());
        }
    }
}

fn write_block_mapping(
    out: &mut String,
    map: &Map<String, Value>,
    indent: usize,
    style: &EmitStyle,
) {
    let nl = style.line_ending.as_str();
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            push_indent(out, indent);
        }
        let start = out.len();
        scalar::write_scalar_str(out, key);
        if out.len() - start > MAX_IMPLICIT_KEY_LEN {
            // `? key` NL `: value`; nested collections go below the `:`, indented one unit.
            out.insert_str(start, "? ");
            out.push_str(nl);
            push_indent(out, indent);
            out.push(':');
            if is_nonempty_collection(value) {
                out.push_str(nl);
                push_indent(out, indent + UNIT);
                write_block_node(out, value, indent + UNIT, style);
            } else {
                out.push(' ');
                write_block_node(out, value, indent + UNIT, style);
            }
            continue;
        }
        match value {
            Value::Object(m) if !m.is_empty() => {
                out.push(':');
                out.push_str(nl);
                push_indent(out, indent + UNIT);
                write_block_mapping(out, m, indent + UNIT, style);
            }
            Value::Array(a) if !a.is_empty() => {
                out.push(':');
                out.push_str(nl);
                let seq_indent = if style.indent_sequences {
                    indent + UNIT
                } else {
                    indent
                };
                push_indent(out, seq_indent);
                write_block_node(out, value, seq_indent, style);
            }
            _ => {
                out.push_str(": ");
                write_inline_scalar(out, value);
                out.push_str(nl);
            }
        }
    }
}

fn is_nonempty_collection(value: &Value) -> bool {
    match value {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    }
}

/// Scalars and empty collections, without line ending.
fn write_inline_scalar(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => scalar::write_scalar_str(out, s),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
}

/// Numbers as serde_json prints them, except that a float exponent always gets a mantissa
/// with `.` and a signed exponent (`1e20` → `1.0e+20`): PyYAML's YAML 1.1 float pattern
/// requires both, and the result is still a valid YAML 1.2 and JSON number.
fn write_number(out: &mut String, n: &Number) {
    let text = n.to_string();
    if !n.is_f64() {
        out.push_str(&text);
        return;
    }
    match text.find(['e', 'E']) {
        None => out.push_str(&text),
        Some(i) => {
            let (mantissa, exp) = (&text[..i], &text[i + 1..]);
            out.push_str(mantissa);
            if !mantissa.contains('.') {
                out.push_str(".0");
            }
            out.push('e');
            if !exp.starts_with(['+', '-']) {
                out.push('+');
            }
            out.push_str(exp);
        }
    }
}

fn push_indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A whole YAML document: the value (normally a mapping) at column 0, no `---`, ending with a
/// line ending.
pub fn document(value: &Value, style: &EmitStyle) -> String {
    let mut out = String::new();
    write_block_node(&mut out, value, 0, style);
    out
}

/// Pretty JSON whose first line continues the current line and whose nested lines are indented
/// by `indent + k*unit` spaces (the closing bracket of the value sits at `indent`). No trailing
/// line ending. Key order is preserved. Strings use [`scalar::quote`], which is valid JSON and
/// also escapes the characters a YAML 1.1 reader of the JSON would misread (U+2028 …).
pub fn json_pretty(value: &Value, indent: usize, unit: usize, line_ending: LineEnding) -> String {
    let mut out = String::new();
    write_json(&mut out, value, indent, unit, line_ending.as_str());
    out
}

fn write_json(out: &mut String, value: &Value, indent: usize, unit: usize, nl: &str) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('{');
            for (i, (key, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(nl);
                push_indent(out, indent + unit);
                scalar::write_quoted(out, key);
                out.push_str(": ");
                write_json(out, v, indent + unit, unit, nl);
            }
            out.push_str(nl);
            push_indent(out, indent);
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(nl);
                push_indent(out, indent + unit);
                write_json(out, v, indent + unit, unit, nl);
            }
            out.push_str(nl);
            push_indent(out, indent);
            out.push(']');
        }
        Value::String(s) => scalar::write_quoted(out, s),
        // null, booleans, numbers, `{}` and `[]` are written the same in YAML and JSON.
        other => write_inline_scalar(out, other),
    }
}
