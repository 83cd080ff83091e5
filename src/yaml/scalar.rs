//! Scalar rules: when a string may be written plain, how to quote it, and how a plain scalar
//! read from input resolves.
//!
//! Generated output is read by YAML 1.1 readers (gopkg.in/yaml.v2 via sigs.k8s.io/yaml, the
//! Kubernetes API server, PyYAML) and by YAML 1.2 readers (kyaml/yaml.v3, this crate's parser).
//! A plain scalar is only written when *every* one of them reads it back as the same string;
//! the checks below are a deliberately conservative superset of what any of them would resolve
//! to a non-string or parse differently. When in doubt, we quote — quoting is always correct.

use std::borrow::Cow;

use serde_json::{Number, Value};

/// Whether `s` may be written as a plain scalar, as a block mapping key or as a value in block
/// context (after `key: ` or `- `), and be read back as exactly the string `s` by YAML 1.1 and
/// YAML 1.2 (core schema) readers.
///
/// Flow indicators (`,[]{}`) are always rejected, so the answer is also safe for values inside
/// flow collections as far as those characters go, but the emitter never writes non-empty flow
/// collections and this function is not meant for them.
pub fn plain_is_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        // Empty plain scalar is null everywhere.
        return false;
    };
    if !chars_are_safe(s) || !first_char_is_safe(s, first) {
        return false;
    }
    // Trailing space would be stripped by the reader; leading space is rejected by
    // `first_char_is_safe`.
    if s.ends_with(' ') {
        return false;
    }
    // `: ` starts a mapping value and ` #` starts a comment, anywhere in a plain scalar; a
    // trailing `:` would read as `key:` when the scalar is itself a key.
    let starts_value_or_comment = s
        .as_bytes()
        .windows(2)
        .any(|pair| pair == b": " || pair == b" #");
    if starts_value_or_comment || s.ends_with(':') {
        return false;
    }
    // Document markers: a key at column 0 that starts with `---`/`...` (then a blank) ends or
    // starts a document. Reject the prefix outright rather than reason about what follows.
    if s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    !resolves_to_non_string(s)
}

/// The ASCII punctuation a plain scalar may hold. Excluded: controls, DEL, tab (YAML
/// separator), and the flow indicators `,[]{}`, which end a plain scalar inside flow
/// collections in every reader.
const SAFE_PUNCTUATION: u128 = ascii_set(b" !\"#$%&'()*+-./:;<=>?@\\^_`|~");

const fn ascii_set(chars: &[u8]) -> u128 {
    let mut set = 0;
    let mut i = 0;
    while i < chars.len() {
        set |= 1 << chars[i];
        i += 1;
    }
    set
}

/// Every character must be one that needs no escaping and has no meaning inside a plain
/// scalar (other than the combinations rejected by the caller).
fn chars_are_safe(s: &str) -> bool {
    s.chars().all(|c| {
        if c.is_ascii() {
            c.is_ascii_alphanumeric() || SAFE_PUNCTUATION & (1 << c as u32) != 0
        } else {
            non_ascii_is_safe(c)
        }
    })
}

/// Non-ASCII characters kept plain: letters only (é, ß, 中, ж …). Everything else — spaces
/// like U+00A0/U+3000, line breaks YAML 1.1 knows (U+0085, U+2028, U+2029), the BOM U+FEFF,
/// non-characters, C1 controls, digits of other scripts, symbols, combining marks — is quoted.
/// Letters are never indicators and never part of a resolver pattern.
fn non_ascii_is_safe(c: char) -> bool {
    c.is_alphabetic() && c > '\u{A0}' && c != '\u{FEFF}' && !('\u{FFF0}'..='\u{FFFF}').contains(&c)
}

/// Rules for the first character (and the second, for `-`).
fn first_char_is_safe(s: &str, first: char) -> bool {
    if !first.is_ascii() {
        // Already checked to be a letter.
        return true;
    }
    if first.is_ascii_alphanumeric() {
        return true;
    }
    match first {
        // Not indicators in any YAML version; the number-like and special forms among them
        // (`.5`, `+1`, `~`, `=`, `<<`, `.inf` …) are caught by `resolves_to_non_string`.
        '.' | '_' | '/' | '$' | '(' | ')' | '+' | ';' | '=' | '^' | '~' | '\\' | '<' => true,
        // `-` followed by a non-blank may start a plain scalar in both YAML versions. We only
        // allow it before an alphanumeric (`-v`, `-1` is caught later as a number) or as
        // `--x` (command-line flags); `---` is a document marker and rejected by the caller.
        '-' => {
            let mut rest = s.chars().skip(1);
            match rest.next() {
                Some(c) if c.is_ascii_alphanumeric() => true,
                Some('-') => matches!(rest.next(), Some(c) if c.is_ascii_alphanumeric()),
                _ => false,
            }
        }
        // `?` and `:` may start a plain scalar in block context when followed by a non-blank,
        // but readers have disagreed about that historically; quote. All other punctuation is
        // an indicator: `-?:,[]{}#&*!|>'"%@` and backtick.
        _ => false,
    }
}

/// Conservative superset of the implicit resolution of YAML 1.1 (type repository, PyYAML,
/// yaml.v2) and YAML 1.2 core: true when some reader might resolve `s` to a non-string.
fn resolves_to_non_string(s: &str) -> bool {
    // Booleans and null. YAML 1.1 has y/n/yes/no/on/off; case variants beyond the official
    // three spellings are rejected too (cheap and obviously safe).
    const WORDS: [&str; 10] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
    ];
    if WORDS.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        return true;
    }
    // `<<` is the YAML 1.1 merge key, `=` the YAML 1.1 "value" key (PyYAML's safe_load fails
    // on it).
    if s == "<<" || s == "=" {
        return true;
    }
    // Timestamps: yaml.v2's quick check is "four digits then `-`"; the YAML 1.1 regex starts
    // the same way. Anything with that prefix is quoted.
    let b = s.as_bytes();
    if b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' {
        return true;
    }
    // Numbers. yaml.v2 removes every `_` before calling Go's strconv.ParseInt with base 0
    // (which takes `0x`/`0o`/`0b` in either case and a leading `0` as octal), so the checks
    // run on the string without underscores, after one optional sign.
    let u: Cow<str> = if s.contains('_') {
        Cow::Owned(s.replace('_', ""))
    } else {
        Cow::Borrowed(s)
    };
    let t = u.strip_prefix(['+', '-']).unwrap_or(&u);
    // Every form below starts with a digit, `.` or `:`: names and words (most of what the
    // emitter asks about) end here.
    if !t.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == ':') {
        return false;
    }
    // `.inf`, `.nan` in any case, with or without sign.
    if let Some(rest) = t.strip_prefix('.') {
        if rest.eq_ignore_ascii_case("inf") || rest.eq_ignore_ascii_case("nan") {
            return true;
        }
    }
    // Prefixed integers: `0x1F`, `0o17`, `0b101` (and `0x` alone): digits are checked as hex,
    // a superset of all three alphabets.
    let tb = t.as_bytes();
    if tb.len() >= 2
        && tb[0] == b'0'
        && matches!(tb[1], b'x' | b'X' | b'o' | b'O' | b'b' | b'B')
        && tb[2..].iter().all(u8::is_ascii_hexdigit)
    {
        return true;
    }
    // Decimal/octal ints, base-60 ints and floats (`190:20:30`, `1:20.5`), floats without
    // exponent, and the YAML 1.1 float regex's odd cases (`.`, `1.2.3`): only digits, `.`, `:`.
    let numeric_body = |x: &str| {
        !x.is_empty()
            && x.bytes()
                .all(|c| c.is_ascii_digit() || c == b'.' || c == b':')
    };
    if numeric_body(t) {
        return true;
    }
    // Floats with exponent: `1e3`, `6.8523015e+5`, `.5E-3`, `1.e5`, and `1e` for good measure.
    if let Some(i) = t.find(['e', 'E']) {
        let (mantissa, exp) = (&t[..i], &t[i + 1..]);
        let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        if numeric_body(mantissa) && exp.bytes().all(|c| c.is_ascii_digit()) {
            return true;
        }
    }
    false
}

/// `s` as a double-quoted YAML scalar that is also a valid JSON string literal.
///
/// Escapes: `\\`, `\"`, `\n`, `\t`, `\r`, and `\uNNNN` for every other character that is a
/// C0/C1 control, DEL, a YAML 1.1 line break (U+0085, U+2028, U+2029), the BOM U+FEFF, or the
/// non-characters U+FFFE/U+FFFF. YAML readers reject non-printable characters anywhere in a
/// stream, and a raw U+2028 inside quotes would be folded by a YAML 1.1 reader. `\uNNNN` (not
/// `\xNN` or `\0`) keeps the result valid JSON; both YAML versions understand it.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_quoted(&mut out, s);
    out
}

/// Appends [`quote`]`(s)` to `out`.
pub fn write_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_unicode_escape(c) => {
                use std::fmt::Write as _;
                // Infallible: writing to a String.
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn needs_unicode_escape(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}'
        | '\u{FFFE}' | '\u{FFFF}')
}

/// Appends `s` as a scalar: plain when [`plain_is_safe`], double-quoted otherwise.
pub fn write_scalar_str(out: &mut String, s: &str) {
    if plain_is_safe(s) {
        out.push_str(s);
    } else {
        write_quoted(out, s);
    }
}

/// How a plain scalar read from input resolves: YAML 1.2 core schema.
///
/// Input is read as YAML 1.2 (kpt and kustomize read with yaml.v3 semantics, which follow the
/// core schema for the values the function looks at). Values JSON cannot hold (`.inf`, `.nan`,
/// integers in hex/octal beyond 64 bits, floats that overflow) stay strings.
pub fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let string = || Value::String(s.to_owned());
    // `0o[0-7]+` and `0x[0-9a-fA-F]+`: unsigned in the core schema.
    let radix = if let Some(d) = s.strip_prefix("0o") {
        Some((d, 8))
    } else {
        s.strip_prefix("0x").map(|d| (d, 16))
    };
    if let Some((digits, radix)) = radix {
        // `is_digit` first: `from_str_radix` would also take a sign.
        if !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix)) {
            if let Ok(n) = u64::from_str_radix(digits, radix) {
                return Value::Number(n.into());
            }
        }
        return string();
    }
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    // `[-+]?[0-9]+`: decimal, leading zeros allowed (not octal in 1.2).
    if !unsigned.is_empty() && unsigned.bytes().all(|c| c.is_ascii_digit()) {
        if let Ok(n) = s.parse::<i64>() {
            return Value::Number(n.into());
        }
        if let Ok(n) = unsigned.parse::<u64>() {
            if !s.starts_with('-') {
                return Value::Number(n.into());
            }
        }
        // Too big for 64 bits: a float, as yaml.v2/yaml.v3 would make it.
        return float_or_string(s);
    }
    // `\.(inf|Inf|INF)` etc. are floats JSON cannot represent: they stay strings (the fall
    // through below does that, as they do not match the decimal float pattern).
    if is_core_float(unsigned) {
        return float_or_string(s);
    }
    string()
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (the sign has been stripped).
fn is_core_float(t: &str) -> bool {
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        None => digits(mantissa),
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
    };
    let exp_ok = match exp {
        None => true,
        Some(e) => digits(e.strip_prefix(['+', '-']).unwrap_or(e)),
    };
    mantissa_ok && exp_ok
}

fn float_or_string(s: &str) -> Value {
    s.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or_else(|| Value::String(s.to_owned()), Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kubernetes_strings_stay_plain() {
        for s in [
            "billing-production",
            "notification.toolkit.fluxcd.io/v1beta3",
            "app.kubernetes.io/name",
            "flux-system",
            "Kustomization",
            "apps/billing",
            "info",
            "slack",
            "https://hooks.example.com/x",
            "1m",
            "v1",
            "café",
            "--enable-x",
            "a b",
            "a#b",
        ] {
            assert!(plain_is_safe(s), "{s:?} should be plain");
        }
    }

    #[test]
    fn tricky_strings_are_quoted() {
        for s in [
            "",
            "*",
            "y",
            "No",
            "oFF",
            "~",
            "NULL",
            "0755",
            "0o17",
            "0x1F",
            "0b1",
            "1_000",
            "+1",
            "-1",
            ".5",
            "1.",
            "1e3",
            "6.8523015e+5",
            ".inf",
            "-.Inf",
            ".NaN",
            "190:20:30",
            "12:30",
            "1:20.5",
            "2001-12-14",
            "<<",
            "=",
            " a",
            "a ",
            "a: b",
            "a #b",
            "a:",
            "-",
            "- a",
            "---",
            "...",
            "a\tb",
            "a\nb",
            "\u{FEFF}a",
            "a,b",
            "[a]",
            "@a",
            "`a",
            "%a",
            "?a",
            ":a",
            "1.2.3",
            "0_x1",
            "\u{2028}",
        ] {
            assert!(!plain_is_safe(s), "{s:?} should be quoted");
        }
    }

    #[test]
    fn quote_escapes() {
        assert_eq!(
            quote("a\"b\\c\n\t\r\0\u{7F}\u{85}\u{2028}\u{FEFF}é"),
            r#""a\"b\\c\n\t\r\u0000\u007F\u0085\u2028\uFEFFé""#
        );
    }

    #[test]
    fn resolve_core() {
        assert_eq!(resolve_plain(""), Value::Null);
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("True"), json!(true));
        assert_eq!(resolve_plain("yes"), json!("yes"));
        assert_eq!(resolve_plain("0755"), json!(755));
        assert_eq!(resolve_plain("-12"), json!(-12));
        assert_eq!(resolve_plain("0o17"), json!(15));
        assert_eq!(resolve_plain("0x1F"), json!(31));
        assert_eq!(resolve_plain("0x"), json!("0x"));
        assert_eq!(resolve_plain("18446744073709551615"), json!(u64::MAX));
        assert_eq!(resolve_plain("1e3"), json!(1000.0));
        assert_eq!(resolve_plain(".5"), json!(0.5));
        assert_eq!(resolve_plain("1."), json!(1.0));
        assert_eq!(resolve_plain("1e999"), json!("1e999"));
        assert_eq!(resolve_plain(".inf"), json!(".inf"));
        assert_eq!(resolve_plain("1_000"), json!("1_000"));
        assert_eq!(resolve_plain("12:30"), json!("12:30"));
        assert_eq!(resolve_plain("."), json!("."));
    }
}
