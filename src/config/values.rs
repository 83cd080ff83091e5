//! Checks of single values whose syntax Flux or the output layout fixes: event filter regexes,
//! Provider timeouts, the output path.

use std::sync::OnceLock;

use regex::Regex;

use super::error::Problem;

/// The `spec.timeout` pattern of Flux's Provider CRD, verbatim.
pub const TIMEOUT_PATTERN: &str = r"^([0-9]+(\.[0-9]+)?(ms|s|m))+$";

/// An inclusion/exclusion regex must compile. Flux compiles them with Go's RE2; the `regex`
/// crate implements the same family, and the few constructs only Rust accepts are rejected
/// here so that a config that passes never fails in the cluster.
pub(crate) fn event_regex(pattern: &str) -> Result<(), Problem> {
    super::postbuild::check(pattern, literal_event_regex)
}

fn literal_event_regex(pattern: &str) -> Result<(), Problem> {
    if let Some(construct) = rust_only_construct(pattern) {
        return Err(Problem::new(format!(
            "invalid regular expression `{pattern}`: {construct} is not supported by Go's RE2, which Flux uses"
        )));
    }
    let Err(error) = Regex::new(pattern) else {
        return Ok(());
    };
    let reason = match &error {
        regex::Error::Syntax(text) => syntax_reason(text),
        regex::Error::CompiledTooBig(limit) => {
            format!("it compiles to more than {limit} bytes; simplify it")
        }
        other => other.to_string(),
    };
    let problem = Problem::new(format!("invalid regular expression `{pattern}`: {reason}"));
    if reason.contains("look-around") || reason.contains("backreferences") {
        return Err(problem
            .hint("Flux uses Go's RE2 syntax, which has no look-around and no backreferences"));
    }
    Err(problem)
}

/// The `error:` line of the regex crate's report, plus the position its caret points at when
/// the pattern is one line.
fn syntax_reason(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let reason = lines
        .iter()
        .find_map(|line| line.strip_prefix("error: "))
        .unwrap_or(text)
        .to_owned();
    let caret = match lines.as_slice() {
        [_, pattern, carets, ..] if carets.trim_start().starts_with('^') => {
            let indent = pattern.len() - pattern.trim_start().len();
            carets.find('^').map(|at| at.saturating_sub(indent) + 1)
        }
        _ => None,
    };
    match caret {
        Some(at) if lines.len() == 4 => format!("{reason} (at character {at})"),
        _ => reason,
    }
}

/// Syntax the `regex` crate accepts and Go's `regexp` rejects.
fn rust_only_construct(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                let next = chars.get(i + 1).copied();
                let after = chars.get(i + 2).copied();
                match (next, after) {
                    (Some('<' | '>'), _) if !in_class => {
                        return Some(format!("the word boundary `\\{}`", next.unwrap_or(' ')));
                    }
                    (Some('b' | 'B'), Some('{')) if !in_class => {
                        return Some("a `\\b{…}` word boundary".to_owned());
                    }
                    _ => {}
                }
                i += 2;
                continue;
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class && chars.get(i + 1) == Some(&'?') => {
                let flags: String = chars[i + 2..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphabetic() || **c == '-')
                    .collect();
                let closes = matches!(chars.get(i + 2 + flags.chars().count()), Some(':' | ')'));
                if closes {
                    if let Some(flag) = flags
                        .chars()
                        .find(|c| !matches!(c, 'i' | 'm' | 's' | 'U' | '-'))
                    {
                        return Some(format!("the flag `{flag}`"));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// A Provider `timeout` must match Flux's pattern (Go durations without hours).
pub(crate) fn timeout(value: &str) -> Result<(), Problem> {
    super::postbuild::check(value, literal_timeout)
}

fn literal_timeout(value: &str) -> Result<(), Problem> {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    let pattern =
        PATTERN.get_or_init(|| Regex::new(TIMEOUT_PATTERN).expect("the CRD pattern compiles"));
    if pattern.is_match(value) {
        return Ok(());
    }
    let problem = Problem::new(format!(
        "invalid timeout `{value}`: expected a duration in ms, s or m, such as `30s`, `1m30s` or `500ms`"
    ));
    Err(if value.contains('h') {
        problem.hint("Flux's Provider timeout does not accept hours; write minutes, e.g. `60m`")
    } else {
        problem.hint(format!("Flux's pattern is {TIMEOUT_PATTERN}"))
    })
}

/// `outputPath` must stay inside the package and name a YAML file the orchestrators read back.
pub(crate) fn output_path(value: &str) -> Result<(), Problem> {
    let relative_hint =
        "it is relative to the config's directory, e.g. `notifications/billing.yaml`";
    if value.contains('\\') {
        return Err(Problem::new(format!(
            "invalid outputPath `{value}`: use `/` as the separator"
        )));
    }
    let drive =
        value.len() > 1 && value.as_bytes()[1] == b':' && value.as_bytes()[0].is_ascii_alphabetic();
    if value.starts_with('/') || drive {
        return Err(Problem::new(format!(
            "invalid outputPath `{value}`: must be a relative path"
        ))
        .hint(relative_hint));
    }
    if value.split('/').any(|part| part == "..") {
        return Err(Problem::new(format!(
            "invalid outputPath `{value}`: must not contain `..`; generated files stay inside the package"
        ))
        .hint(relative_hint));
    }
    let file = value.rsplit('/').next().unwrap_or_default();
    if file.is_empty() || file == "." {
        return Err(
            Problem::new(format!("invalid outputPath `{value}`: must name a file"))
                .hint(relative_hint),
        );
    }
    if !(file.ends_with(".yaml") || file.ends_with(".yml")) {
        return Err(Problem::new(format!(
            "invalid outputPath `{value}`: must end in `.yaml` or `.yml`"
        ))
        .hint("kpt and kustomize read generated objects back only from YAML files"));
    }
    Ok(())
}
