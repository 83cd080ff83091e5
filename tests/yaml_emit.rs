//! Scalar safety and emitter output, checked against independent oracles: the YAML 1.1 type
//! repository regexes (plus PyYAML's and yaml.v2's variants of them), the YAML 1.2 core schema,
//! a real YAML parser (granit-parser) and PyYAML itself.

use std::io::Write as _;
use std::process::{Command, Stdio};

use app_notifications::yaml::emit::{self, EmitStyle, LineEnding};
use app_notifications::yaml::scalar;
use granit_parser::{Event, Parser, ScalarStyle};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------------------------
// A tiny full-match regex engine (literals, `.`-free classes, groups, `|`, `?`, `*`, `+`), so
// the oracles below can quote the specification regexes verbatim instead of paraphrasing them.

mod re {
    pub struct Regex(Alt);

    type Alt = Vec<Seq>;
    type Seq = Vec<Piece>;

    struct Piece {
        node: Node,
        min: usize,
        max: usize,
    }

    enum Node {
        Char(char),
        Class(Vec<(char, char)>),
        Group(Alt),
    }

    impl Regex {
        pub fn new(pattern: &str) -> Regex {
            let chars: Vec<char> = pattern.chars().collect();
            let mut pos = 0;
            let alt = parse_alt(&chars, &mut pos);
            assert_eq!(pos, chars.len(), "unbalanced pattern {pattern}");
            Regex(alt)
        }

        /// Whether the whole of `s` matches.
        pub fn is_full_match(&self, s: &str) -> bool {
            let chars: Vec<char> = s.chars().collect();
            match_alt(&self.0, &chars, 0, &mut |p| p == chars.len())
        }
    }

    fn parse_alt(c: &[char], pos: &mut usize) -> Alt {
        let mut alt = vec![parse_seq(c, pos)];
        while *pos < c.len() && c[*pos] == '|' {
            *pos += 1;
            alt.push(parse_seq(c, pos));
        }
        alt
    }

    fn parse_seq(c: &[char], pos: &mut usize) -> Seq {
        let mut seq = Vec::new();
        while *pos < c.len() && c[*pos] != '|' && c[*pos] != ')' {
            let node = match c[*pos] {
                '(' => {
                    *pos += 1;
                    if c[*pos..].starts_with(&['?', ':']) {
                        *pos += 2;
                    }
                    let alt = parse_alt(c, pos);
                    assert_eq!(c[*pos], ')');
                    *pos += 1;
                    Node::Group(alt)
                }
                '[' => {
                    *pos += 1;
                    let mut ranges = Vec::new();
                    while c[*pos] != ']' {
                        let lo = class_char(c, pos);
                        if c[*pos] == '-' && c[*pos + 1] != ']' {
                            *pos += 1;
                            let hi = class_char(c, pos);
                            ranges.push((lo, hi));
                        } else {
                            ranges.push((lo, lo));
                        }
                    }
                    *pos += 1;
                    Node::Class(ranges)
                }
                '\\' => Node::Char(escape(c, pos)),
                ch => {
                    *pos += 1;
                    Node::Char(ch)
                }
            };
            let (min, max) = match c.get(*pos) {
                Some('?') => (0, 1),
                Some('*') => (0, usize::MAX),
                Some('+') => (1, usize::MAX),
                _ => (1, 1),
            };
            if (min, max) != (1, 1) {
                *pos += 1;
            }
            seq.push(Piece { node, min, max });
        }
        seq
    }

    fn class_char(c: &[char], pos: &mut usize) -> char {
        if c[*pos] == '\\' {
            escape(c, pos)
        } else {
            *pos += 1;
            c[*pos - 1]
        }
    }

    fn escape(c: &[char], pos: &mut usize) -> char {
        *pos += 2;
        match c[*pos - 1] {
            't' => '\t',
            other => other,
        }
    }

    fn match_alt(alt: &Alt, s: &[char], pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        alt.iter().any(|seq| match_seq(seq, s, pos, k))
    }

    fn match_seq(seq: &[Piece], s: &[char], pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        match seq.split_first() {
            None => k(pos),
            Some((piece, rest)) => match_piece(piece, 0, s, pos, &mut |p| match_seq(rest, s, p, k)),
        }
    }

    /// Greedy repetition with backtracking; an iteration must consume input.
    fn match_piece(
        piece: &Piece,
        count: usize,
        s: &[char],
        pos: usize,
        k: &mut dyn FnMut(usize) -> bool,
    ) -> bool {
        if count < piece.max
            && match_node(&piece.node, s, pos, &mut |p| {
                p > pos && match_piece(piece, count + 1, s, p, k)
            })
        {
            return true;
        }
        count >= piece.min && k(pos)
    }

    fn match_node(node: &Node, s: &[char], pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        match node {
            Node::Char(ch) => s.get(pos) == Some(ch) && k(pos + 1),
            Node::Class(ranges) => match s.get(pos) {
                Some(&ch) => ranges.iter().any(|&(lo, hi)| lo <= ch && ch <= hi) && k(pos + 1),
                None => false,
            },
            Node::Group(alt) => match_alt(alt, s, pos, k),
        }
    }
}

use re::Regex;

// ---------------------------------------------------------------------------------------------
// Oracles. Each returns the tag a plain scalar resolves to.

/// YAML 1.1 type repository (https://yaml.org/type/), regexes copied verbatim (comments and
/// line breaks removed), plus PyYAML's variants of float and timestamp (its resolver.py), which
/// differ slightly (`1._5` is a float for PyYAML, `1.2.3` only for the spec regex).
struct Yaml11 {
    rules: Vec<(&'static str, Regex)>,
}

impl Yaml11 {
    fn new() -> Yaml11 {
        let table = [
            ("bool", "y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"),
            ("null", "~|null|Null|NULL"),
            ("int", "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+"),
            ("float", r"[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"),
            ("float", r"[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"),
            ("timestamp", r"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?([Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](\.[0-9]*)?(([ \t]*)Z|[-+][0-9][0-9]?(:[0-9][0-9])?)?"),
            ("timestamp", r"[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?"),
            ("merge", "<<"),
            ("value", "="),
        ];
        Yaml11 {
            rules: table
                .into_iter()
                .map(|(tag, p)| (tag, Regex::new(p)))
                .collect(),
        }
    }

    fn tag(&self, s: &str) -> &'static str {
        if s.is_empty() {
            return "null";
        }
        self.rules
            .iter()
            .find(|(_, r)| r.is_full_match(s))
            .map_or("str", |(tag, _)| tag)
    }
}

/// YAML 1.2.2 core schema (section 10.3.2).
struct Core12 {
    rules: Vec<(&'static str, Regex)>,
}

impl Core12 {
    fn new() -> Core12 {
        let table = [
            ("null", "null|Null|NULL|~"),
            ("bool", "true|True|TRUE|false|False|FALSE"),
            ("int", "[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"),
            (
                "float",
                r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?(\.inf|\.Inf|\.INF)|\.nan|\.NaN|\.NAN",
            ),
        ];
        Core12 {
            rules: table
                .into_iter()
                .map(|(tag, p)| (tag, Regex::new(p)))
                .collect(),
        }
    }

    fn tag(&self, s: &str) -> &'static str {
        if s.is_empty() {
            return "null";
        }
        self.rules
            .iter()
            .find(|(_, r)| r.is_full_match(s))
            .map_or("str", |(tag, _)| tag)
    }
}

/// gopkg.in/yaml.v2 `resolve()` (what sigs.k8s.io/yaml and the Kubernetes API server use),
/// re-expressed: exact words, then for strings starting with a digit or sign: timestamp quick
/// check, Go `strconv.ParseInt(_, 0, 64)` on the string without `_`, its float regex; for
/// strings starting with `.`: Go `strconv.ParseFloat`.
struct GoYamlV2 {
    go_int: Regex,
    float: Regex,
}

impl GoYamlV2 {
    fn new() -> GoYamlV2 {
        GoYamlV2 {
            go_int: Regex::new(
                "[-+]?(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)",
            ),
            float: Regex::new(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"),
        }
    }

    fn tag(&self, s: &str) -> &'static str {
        #[rustfmt::skip]
        const WORDS: [(&str, &str); 30] = [
            ("y", "bool"), ("Y", "bool"), ("yes", "bool"), ("Yes", "bool"), ("YES", "bool"),
            ("true", "bool"), ("True", "bool"), ("TRUE", "bool"), ("on", "bool"), ("On", "bool"),
            ("ON", "bool"), ("n", "bool"), ("N", "bool"), ("no", "bool"), ("No", "bool"),
            ("NO", "bool"), ("false", "bool"), ("False", "bool"), ("FALSE", "bool"),
            ("off", "bool"), ("Off", "bool"), ("OFF", "bool"), ("", "null"), ("~", "null"),
            ("null", "null"), ("Null", "null"), ("NULL", "null"), (".nan", "float"),
            (".inf", "float"), ("<<", "merge"),
        ];
        const MORE: [&str; 10] = [
            ".NaN", ".NAN", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
        ];
        if let Some((_, tag)) = WORDS.iter().find(|(w, _)| *w == s) {
            return tag;
        }
        if MORE.contains(&s) {
            return "float";
        }
        match s.chars().next() {
            Some('.') if self.float.is_full_match(s) => "float",
            Some(c) if c.is_ascii_digit() || c == '+' || c == '-' => {
                let b = s.as_bytes();
                if b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' {
                    // time.Parse may or may not accept the rest; treat the prefix as decisive.
                    return "timestamp";
                }
                let plain: String = s.chars().filter(|&c| c != '_').collect();
                if self.go_int.is_full_match(&plain) {
                    "int"
                } else if self.float.is_full_match(&plain) {
                    "float"
                } else {
                    "str"
                }
            }
            _ => "str",
        }
    }
}

struct Oracles {
    yaml11: Yaml11,
    core12: Core12,
    go: GoYamlV2,
}

impl Oracles {
    fn new() -> Oracles {
        Oracles {
            yaml11: Yaml11::new(),
            core12: Core12::new(),
            go: GoYamlV2::new(),
        }
    }

    /// `None` when every reader resolves the plain scalar `s` to a string, else who disagrees.
    fn non_string(&self, s: &str) -> Option<String> {
        let tags = [
            ("YAML 1.1", self.yaml11.tag(s)),
            ("YAML 1.2 core", self.core12.tag(s)),
            ("yaml.v2", self.go.tag(s)),
        ];
        let bad: Vec<String> = tags
            .iter()
            .filter(|(_, t)| *t != "str")
            .map(|(who, t)| format!("{who}: {t}"))
            .collect();
        (!bad.is_empty()).then(|| bad.join(", "))
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs.

/// Strings that must be quoted, strings that must stay plain, and borderline ones.
#[rustfmt::skip]
const TRICKY: &[&str] = &[
    // Empty, bool and null words in every listed spelling and some odd ones.
    "", "y", "Y", "yes", "Yes", "YES", "yEs", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
    "tRUE", "false", "False", "FALSE", "on", "On", "ON", "oN", "off", "Off", "OFF", "~", "null",
    "Null", "NULL", "nULL",
    // Integers.
    "0", "1", "-1", "+1", "007", "0755", "0o17", "0O17", "0x1F", "0X1f", "0xdeadbeef", "0b101",
    "0B11", "-0b1", "+0x_1", "1_000", "1__0", "0_x1", "_1", "1_", "-_1", "99999999999999999999",
    // Floats.
    "1e3", "1E3", "1e+3", "1.5e-3", ".5", "1.", "-.5", "+.5", "6.8523015e+5", "1.0", "1._5",
    ".inf", "-.Inf", "+.INF", ".NaN", ".nan", ".NAN", "-.inf", ".Inf", ".", "..", "1.2.3",
    "1.2e3.4", ".e5", "1e", "1e_3",
    // Sexagesimal.
    "190:20:30", "12:30", "1:20.5", "-1:30", "0:30", "60:00",
    // Timestamps.
    "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
    "2001-12-14T21:59:43Z", "2001-1-1", "2024-01-01-release",
    // Merge and value keys.
    "<<", "=", "<<a", "=a", "a=b",
    // Whitespace.
    " ", " a", "a ", "\ta", "a\t", "a\tb", "a  b", "a\nb", "a\r\nb", "\n", "a\u{85}b",
    "a\u{2028}b", "a\u{2029}b", "\u{FEFF}a", "a\u{FEFF}", "\u{A0}", "a\u{A0}b", "\u{3000}",
    // Indicators.
    "-", "--", "---", "---a", "--- a", "...", "... a", "-a", "--a", "- a", "-1a", "-.a", "?", "?a",
    "? a", ":", ":a", ": a", ",", ",a", "[", "[a]", "]", "{", "{}", "}", "#", "#a", "&", "&a",
    "*", "*a", "'*'", "!", "!a", "!!str", "|", "|a", ">", ">a", "'", "'a'", "\"", "\"a\"", "%",
    "%a", "@", "@a", "`", "`a",
    // Combinations in the middle.
    "a: b", "a:b", "a:", "a::", "a :b", "a #b", "a#b", "a# b", "a,b", "a[b]", "a{b}", "a-b",
    "a - b", "a ? b", "a * b", "a & b", "a ! b", "a | b", "a > b", "a % b", "a @ b", "a ` b",
    "it's", "say \"hi\"", "back\\slash", "\\", "a\\nb",
    // Controls and other non-printables.
    "\0", "a\0b", "\u{1}", "\u{7}", "\u{1b}[0m", "\u{7F}", "\u{80}", "\u{9F}", "\u{FFFE}",
    "\u{FFFF}", "\u{FDD0}",
    // Non-ASCII.
    "café", "ÉCOLE", "straße", "中文", "日本語テキスト", "ж", "ελληνικά", "emoji😀", "😀",
    "e\u{301}", "١٢٣", "½", "²", "𝐀", "\u{E000}",
    // Ordinary Kubernetes strings: these must stay plain.
    "billing-production", "notification.toolkit.fluxcd.io/v1beta3", "app.kubernetes.io/name",
    "flux-system", "Kustomization", "HelmRelease", "apps/billing", "info", "error", "slack",
    "https://hooks.example.com/x", "1m", "5m0s", "v1", "v1beta3", "Alert", "Provider",
    "app-notifications.dev/v1alpha1", "config.kubernetes.io/path", "a b c",
    "internal.config.kubernetes.io/index", "app.kubernetes.io/part-of", "10Gi", "1password",
    "3scale", "ghcr.io/fluxcd/flux:v2.3.0", "sha256:abc123", "/var/run", "./dir", "../up",
    ".gitignore", "_internal", "$HOME", "(x)", "a(b)c", "~user", "x~", "^a", "+a", ";a",
];

/// Strings that `plain_is_safe` must accept (kept plain in generated Flux objects).
#[rustfmt::skip]
const MUST_BE_PLAIN: &[&str] = &[
    "billing-production", "notification.toolkit.fluxcd.io/v1beta3", "app.kubernetes.io/name",
    "flux-system", "Kustomization", "apps/billing", "info", "slack", "https://hooks.example.com/x",
    "1m", "v1", "café", "a b", "a#b", "a:b", "HelmRelease", "ghcr.io/fluxcd/flux:v2.3.0",
];

/// Strings that `plain_is_safe` must reject.
#[rustfmt::skip]
const MUST_BE_QUOTED: &[&str] = &[
    "", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
    "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "~", "null", "Null", "NULL",
    "0755", "0o17", "0x1F", "0b101", "1_000", "+1", "-1", "1e3", ".5", "1.", "6.8523015e+5",
    ".inf", "-.Inf", ".NaN", "190:20:30", "12:30", "1:20.5", "2001-12-14",
    "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "<<", "=", " a", "a ", "*",
    "-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "!", "|", ">", "'", "\"", "%", "@", "`",
    "a: b", "a #b", "a:", "a\tb", "a\nb", "\u{FEFF}a", "a\u{2028}b", "---", "...",
];

fn tricky_chars() -> Vec<char> {
    let mut v: Vec<char> = "0123456789:-._+eE~<>=yYnNoO xXbB#,[]{}*&!|'\"%@`?/\\tTfFlLuU"
        .chars()
        .collect();
    v.extend([
        '\t', '\n', '\r', '\0', '\u{1}', '\u{7F}', '\u{85}', '\u{A0}', '\u{2028}', '\u{2029}',
        '\u{FEFF}', '\u{FFFE}', 'é', 'ß', '中', '😀', '\u{301}',
    ]);
    v
}

/// Arbitrary strings, biased towards characters and shapes that matter to YAML.
fn tricky_string() -> impl Strategy<Value = String> {
    let chars = tricky_chars();
    prop_oneof![
        any::<String>(),
        "[0-9:\\-._+eE~<>=yYnNoO ]{0,12}",
        "[-+]?[0-9_]{0,4}[.:]?[0-9_]{0,4}([eE][-+]?[0-9]{0,3})?",
        "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9:.]{0,10})?",
        prop::collection::vec(prop::sample::select(chars), 0..10)
            .prop_map(|v| v.into_iter().collect::<String>()),
        (prop::sample::select(TRICKY), prop::sample::select(TRICKY))
            .prop_map(|(a, b)| format!("{a}{b}")),
        "[a-zA-Z][a-zA-Z0-9.:/# -]{0,20}",
    ]
}

/// `{"k": s, s: "v"}` (the first key renamed when `s` is `"k"`).
fn key_value_doc(s: &str) -> (String, Value) {
    let key = if s == "k" { "kk" } else { "k" };
    let mut map = Map::new();
    map.insert(key.to_owned(), Value::String(s.to_owned()));
    map.insert(s.to_owned(), Value::String("v".to_owned()));
    (key.to_owned(), Value::Object(map))
}

/// Parses `text` with granit-parser and returns its scalars (text, style) in order.
fn scalars(text: &str) -> Result<Vec<(String, ScalarStyle)>, String> {
    let mut out = Vec::new();
    let mut mappings = 0;
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (event, _span) = event.map_err(|e| format!("{e}"))?;
        match event {
            Event::Scalar(value, style, _, tag) => {
                if tag.is_some() {
                    return Err("unexpected tag".to_owned());
                }
                out.push((value.into_owned(), style));
            }
            Event::MappingStart(..) => mappings += 1,
            Event::DocumentStart(..) => documents += 1,
            Event::SequenceStart(..) | Event::Alias(..) => {
                return Err(format!("unexpected event {event:?}"));
            }
            _ => {}
        }
    }
    if mappings != 1 || documents != 1 {
        return Err(format!("{documents} documents, {mappings} mappings"));
    }
    Ok(out)
}

/// Emits `{"k": s, s: "v"}`, reads it back with granit-parser and checks every scalar: same
/// text, and a plain one is a string for every oracle.
fn check_round_trip(oracles: &Oracles, s: &str) -> Result<(), String> {
    let (key, doc) = key_value_doc(s);
    let text = emit::document(&doc, &EmitStyle::default());
    let got = scalars(&text).map_err(|e| format!("{s:?}: parse error {e} in {text:?}"))?;
    let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
    if texts != [key.as_str(), s, s, "v"] {
        return Err(format!("{s:?}: read back {texts:?} from {text:?}"));
    }
    for (t, style) in &got {
        if *style == ScalarStyle::Plain {
            if let Some(why) = oracles.non_string(t) {
                return Err(format!(
                    "{s:?}: plain {t:?} is not a string ({why}) in {text:?}"
                ));
            }
        } else if *style != ScalarStyle::DoubleQuoted {
            return Err(format!("{s:?}: unexpected style {style:?}"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Resolution table.

#[test]
fn oracles_agree_with_the_specifications() {
    let o = Oracles::new();
    for (s, tag) in [
        ("yes", "bool"),
        ("y", "bool"),
        ("~", "null"),
        ("0755", "int"),
        ("0x1F", "int"),
        ("0b101", "int"),
        ("1_000", "int"),
        ("190:20:30", "int"),
        ("1e3", "str"),
        ("6.8523015e+5", "float"),
        ("1.", "float"),
        (".5", "float"),
        ("1:20.5", "float"),
        (".inf", "float"),
        ("1.2.3", "float"),
        ("2001-12-14", "timestamp"),
        ("2001-12-14t21:59:43.10-05:00", "timestamp"),
        ("2001-12-14 21:59:43.10 -5", "timestamp"),
        ("<<", "merge"),
        ("=", "value"),
        ("billing", "str"),
        ("0o17", "str"),
    ] {
        assert_eq!(o.yaml11.tag(s), tag, "YAML 1.1 {s:?}");
    }
    for (s, tag) in [
        ("yes", "str"),
        ("True", "bool"),
        ("~", "null"),
        ("0755", "int"),
        ("0o17", "int"),
        ("0x1F", "int"),
        ("1_000", "str"),
        ("1e3", "float"),
        (".5", "float"),
        ("1.", "float"),
        ("-.Inf", "float"),
        (".NaN", "float"),
        ("12:30", "str"),
        ("2001-12-14", "str"),
    ] {
        assert_eq!(o.core12.tag(s), tag, "YAML 1.2 {s:?}");
    }
    for (s, tag) in [
        ("y", "bool"),
        ("0o17", "int"),
        ("0X1F", "int"),
        ("1__0", "int"),
        ("0_x1", "int"),
        ("1e3", "float"),
        (".5e3", "float"),
        ("2024-01-01", "timestamp"),
        ("12:30", "str"),
        ("-.inf", "float"),
        ("1m", "str"),
    ] {
        assert_eq!(o.go.tag(s), tag, "yaml.v2 {s:?}");
    }
}

#[test]
fn plain_strings_resolve_to_strings_everywhere() {
    let o = Oracles::new();
    for s in TRICKY {
        if scalar::plain_is_safe(s) {
            assert_eq!(
                o.non_string(s),
                None,
                "{s:?} is plain-safe but not a string"
            );
            assert_eq!(
                scalar::resolve_plain(s),
                Value::String((*s).to_owned()),
                "{s:?}"
            );
        }
    }
    for s in MUST_BE_PLAIN {
        assert!(scalar::plain_is_safe(s), "{s:?} must stay plain");
    }
    for s in MUST_BE_QUOTED {
        assert!(!scalar::plain_is_safe(s), "{s:?} must be quoted");
    }
}

#[test]
fn tricky_strings_round_trip_through_granit() {
    let o = Oracles::new();
    for s in TRICKY {
        check_round_trip(&o, s).unwrap();
    }
}

#[test]
fn long_keys_use_the_explicit_form() {
    let o = Oracles::new();
    for s in ["a".repeat(2000), "yes ".repeat(400) + "x", "é".repeat(900)] {
        check_round_trip(&o, &s).unwrap();
        let (_, doc) = key_value_doc(&s);
        assert!(emit::document(&doc, &EmitStyle::default()).contains("\n? "));
    }
    let mut nested = Map::new();
    nested.insert("x".repeat(1500), json!({"a": [1, {"b": "c"}]}));
    nested.insert("y".repeat(1500), json!(["z"]));
    nested.insert("z".repeat(1500), json!("s"));
    let value = Value::Object(nested);
    let text = emit::document(&value, &EmitStyle::default());
    assert_eq!(parse_to_json(&text), value, "{text}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_strings_round_trip_through_granit(s in tricky_string()) {
        let o = Oracles::new();
        if let Err(e) = check_round_trip(&o, &s) {
            prop_assert!(false, "{}", e);
        }
    }

    #[test]
    fn quote_is_json(s in tricky_string()) {
        let q = scalar::quote(&s);
        prop_assert_eq!(serde_json::from_str::<String>(&q).unwrap(), s);
    }
}

// ---------------------------------------------------------------------------------------------
// PyYAML, a real YAML 1.1 reader.

const PYTHON_CHECK: &str = r#"
import json, sys, yaml
cases = json.loads(sys.stdin.buffer.read().decode("utf-8"))
bad = []
for kind, s, key, doc in cases:
    try:
        got = yaml.safe_load(doc)
    except Exception as e:
        bad.append([kind, s, doc, "error: %s" % e])
        continue
    if kind == "yaml":
        ok = type(got) is dict and list(got.items()) == [(key, s), (s, "v")] \
            and all(type(x) is str for kv in got.items() for x in kv)
    else:
        ok = got == json.loads(doc) and type(got) is dict and got.get(key) == s \
            and type(got.get(key)) is str
    if not ok:
        bad.append([kind, s, doc, repr(got)])
sys.stdout.write(json.dumps(bad))
"#;

fn python_with_pyyaml() -> Command {
    let probe = Command::new("python3").args(["-c", "import yaml"]).output();
    match probe {
        Ok(out) if out.status.success() => Command::new("python3"),
        Ok(out) => panic!(
            "PyYAML is missing ({}); install python3-yaml (apt-get install python3-yaml, or pip install pyyaml)",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => panic!("python3 is missing ({e}); install python3 and python3-yaml"),
    }
}

#[test]
fn pyyaml_reads_every_emitted_string_back() {
    let mut strings: Vec<String> = TRICKY.iter().map(|s| (*s).to_owned()).collect();
    let mut runner = TestRunner::deterministic();
    let strategy = tricky_string();
    for _ in 0..400 {
        strings.push(strategy.new_tree(&mut runner).unwrap().current());
    }
    strings.push("a".repeat(2000));

    let mut cases = Vec::new();
    for s in &strings {
        let (key, doc) = key_value_doc(s);
        for style in [
            EmitStyle::default(),
            EmitStyle {
                line_ending: LineEnding::CrLf,
                indent_sequences: true,
            },
        ] {
            cases.push(json!(["yaml", s, key, emit::document(&doc, &style)]));
        }
        let mut one = Map::new();
        one.insert("k".to_owned(), Value::String(s.clone()));
        cases.push(json!([
            "json",
            s,
            "k",
            emit::json_pretty(&Value::Object(one), 4, 2, LineEnding::Lf)
        ]));
    }
    let input = serde_json::to_vec(&cases).unwrap();

    let mut child = python_with_pyyaml()
        .args(["-c", PYTHON_CHECK])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run python3");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bad: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        bad.is_empty(),
        "PyYAML read {} documents differently:\n{:#?}",
        bad.len(),
        bad
    );
}

// ---------------------------------------------------------------------------------------------
// Golden output.

/// Reads one YAML document of maps, sequences and scalars into JSON, resolving plain scalars
/// with `resolve_plain` (for structural comparisons only).
fn parse_to_json(text: &str) -> Value {
    enum Frame {
        Map(Map<String, Value>, Option<String>),
        Seq(Vec<Value>),
    }
    fn add(stack: &mut [Frame], root: &mut Option<Value>, v: Value) {
        match stack.last_mut() {
            None => *root = Some(v),
            Some(Frame::Seq(items)) => items.push(v),
            Some(Frame::Map(map, key)) => match key.take() {
                None => *key = Some(v.as_str().expect("string key").to_owned()),
                Some(k) => {
                    map.insert(k, v);
                }
            },
        }
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut root = None;
    for event in Parser::new_from_str(text) {
        let (event, _) = event.unwrap();
        match event {
            Event::Scalar(v, style, _, _) => {
                let v = if style == ScalarStyle::Plain {
                    scalar::resolve_plain(&v)
                } else {
                    Value::String(v.into_owned())
                };
                add(&mut stack, &mut root, v);
            }
            Event::MappingStart(..) => stack.push(Frame::Map(Map::new(), None)),
            Event::SequenceStart(..) => stack.push(Frame::Seq(Vec::new())),
            Event::MappingEnd | Event::SequenceEnd => {
                let v = match stack.pop().unwrap() {
                    Frame::Map(m, _) => Value::Object(m),
                    Frame::Seq(s) => Value::Array(s),
                };
                add(&mut stack, &mut root, v);
            }
            _ => {}
        }
    }
    root.unwrap()
}

fn alert() -> Value {
    json!({
        "apiVersion": "notification.toolkit.fluxcd.io/v1beta3",
        "kind": "Alert",
        "metadata": {
            "name": "billing-production",
            "namespace": "flux-system",
            "labels": {
                "app.kubernetes.io/name": "billing",
                "app.kubernetes.io/managed-by": "app-notifications",
                "env": "on"
            },
            "annotations": {
                "app-notifications.dev/source": "apps/billing: production",
                "app-notifications.dev/mode": "0755"
            }
        },
        "spec": {
            "providerRef": {"name": "slack"},
            "eventSeverity": "info",
            "eventSources": [
                {"kind": "Kustomization", "name": "billing", "namespace": "flux-system"},
                {
                    "kind": "HelmRelease",
                    "name": "*",
                    "namespace": "billing",
                    "matchLabels": {"app.kubernetes.io/part-of": "billing"}
                }
            ],
            "inclusionList": [".*succeeded.*", "yes"],
            "eventMetadata": {},
            "exclusionList": [],
            "summary": "line one\nline two",
            "suspend": false,
            "retries": 3,
            "ratio": 0.5,
            "big": 1e21,
            "nothing": null
        }
    })
}

const ALERT_FLAT: &str = r#"apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: billing-production
  namespace: flux-system
  labels:
    app.kubernetes.io/name: billing
    app.kubernetes.io/managed-by: app-notifications
    env: "on"
  annotations:
    app-notifications.dev/source: "apps/billing: production"
    app-notifications.dev/mode: "0755"
spec:
  providerRef:
    name: slack
  eventSeverity: info
  eventSources:
  - kind: Kustomization
    name: billing
    namespace: flux-system
  - kind: HelmRelease
    name: "*"
    namespace: billing
    matchLabels:
      app.kubernetes.io/part-of: billing
  inclusionList:
  - .*succeeded.*
  - "yes"
  eventMetadata: {}
  exclusionList: []
  summary: "line one\nline two"
  suspend: false
  retries: 3
  ratio: 0.5
  big: 1.0e+21
  nothing: null
"#;

const ALERT_INDENTED: &str = r#"apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: billing-production
  namespace: flux-system
  labels:
    app.kubernetes.io/name: billing
    app.kubernetes.io/managed-by: app-notifications
    env: "on"
  annotations:
    app-notifications.dev/source: "apps/billing: production"
    app-notifications.dev/mode: "0755"
spec:
  providerRef:
    name: slack
  eventSeverity: info
  eventSources:
    - kind: Kustomization
      name: billing
      namespace: flux-system
    - kind: HelmRelease
      name: "*"
      namespace: billing
      matchLabels:
        app.kubernetes.io/part-of: billing
  inclusionList:
    - .*succeeded.*
    - "yes"
  eventMetadata: {}
  exclusionList: []
  summary: "line one\nline two"
  suspend: false
  retries: 3
  ratio: 0.5
  big: 1.0e+21
  nothing: null
"#;

#[test]
fn golden_document_flat_sequences() {
    let text = emit::document(&alert(), &EmitStyle::default());
    assert_eq!(text, ALERT_FLAT);
    assert_eq!(parse_to_json(&text), alert());
}

#[test]
fn golden_document_indented_sequences() {
    let style = EmitStyle {
        line_ending: LineEnding::Lf,
        indent_sequences: true,
    };
    let text = emit::document(&alert(), &style);
    assert_eq!(text, ALERT_INDENTED);
    assert_eq!(parse_to_json(&text), alert());
}

#[test]
fn golden_document_crlf() {
    for (indent_sequences, expected) in [(false, ALERT_FLAT), (true, ALERT_INDENTED)] {
        let style = EmitStyle {
            line_ending: LineEnding::CrLf,
            indent_sequences,
        };
        let text = emit::document(&alert(), &style);
        assert_eq!(text, expected.replace('\n', "\r\n"));
        assert_eq!(parse_to_json(&text), alert());
    }
}

#[test]
fn golden_block_node_in_a_sequence() {
    // Splicing a new item into `items:` of a YAML ResourceList whose items sit at column 2.
    let item = json!({
        "kind": "Provider",
        "spec": {"type": "slack", "channels": [["a", "b"], []], "secretRef": {"name": "hook"}}
    });
    for (indent_sequences, expected) in [
        (
            false,
            "items:\n  - kind: Provider\n    spec:\n      type: slack\n      channels:\n      - - a\n        - b\n      - []\n      secretRef:\n        name: hook\n",
        ),
        (
            true,
            "items:\n  - kind: Provider\n    spec:\n      type: slack\n      channels:\n        - - a\n          - b\n        - []\n      secretRef:\n        name: hook\n",
        ),
    ] {
        let style = EmitStyle { line_ending: LineEnding::Lf, indent_sequences };
        let mut out = String::from("items:\n  - ");
        emit::write_block_node(&mut out, &item, 4, &style);
        assert_eq!(out, expected);
        assert_eq!(parse_to_json(&out), json!({"items": [item]}));
    }
}

#[test]
fn golden_block_node_scalars_and_empty() {
    let style = EmitStyle::default();
    let cases = [
        (json!({}), "{}\n"),
        (json!([]), "[]\n"),
        (json!(null), "null\n"),
        (json!(true), "true\n"),
        (json!(-7), "-7\n"),
        (json!(1e-7), "1.0e-7\n"),
        (json!("yes"), "\"yes\"\n"),
        (json!("plain"), "plain\n"),
        (json!(["a", {"b": "c"}]), "- a\n- b: c\n"),
    ];
    for (value, expected) in cases {
        let mut out = String::new();
        emit::write_block_node(&mut out, &value, 0, &style);
        assert_eq!(out, expected, "{value}");
        assert_eq!(emit::document(&value, &style), expected);
    }
    assert_eq!(LineEnding::Lf.as_str(), "\n");
    assert_eq!(LineEnding::CrLf.as_str(), "\r\n");
    assert_eq!(
        EmitStyle::default(),
        EmitStyle {
            line_ending: LineEnding::Lf,
            indent_sequences: false
        }
    );
}

#[test]
fn golden_json_pretty() {
    let value = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "x", "labels": {}},
        "data": {"a": "line\nbreak \"q\" \u{2028}"},
        "list": [1, 2.5, true, null, [], 1e21]
    });
    let expected = "{\n      \"apiVersion\": \"v1\",\n      \"kind\": \"ConfigMap\",\n      \"metadata\": {\n        \"name\": \"x\",\n        \"labels\": {}\n      },\n      \"data\": {\n        \"a\": \"line\\nbreak \\\"q\\\" \\u2028\"\n      },\n      \"list\": [\n        1,\n        2.5,\n        true,\n        null,\n        [],\n        1.0e+21\n      ]\n    }";
    assert_eq!(emit::json_pretty(&value, 4, 2, LineEnding::Lf), expected);
    let crlf = emit::json_pretty(&value, 4, 2, LineEnding::CrLf);
    assert_eq!(crlf, expected.replace('\n', "\r\n"));
    assert_eq!(serde_json::from_str::<Value>(&crlf).unwrap(), value);
    assert_eq!(
        emit::json_pretty(&json!("s"), 4, 2, LineEnding::Lf),
        "\"s\""
    );
    assert_eq!(emit::json_pretty(&json!({}), 4, 2, LineEnding::Lf), "{}");
}
