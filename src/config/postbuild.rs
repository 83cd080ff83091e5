//! Flux post-build variables (`${CLUSTER_NAME}`, `${VAR:=default}`) in names, namespaces and
//! values. kustomize-controller substitutes them in the rendered YAML after its build (docs/flux.md
//! "Flux post-build substitution"), so a config may hold them wherever the objects it generates
//! will: they pass through verbatim, and the rule of the field is checked on the text Flux would
//! see with each variable's default. A variable without one may become anything, so the value
//! passes when some stand-in for it satisfies the rule: a name may be `app-${ENV}`, an address
//! `${SLACK_URL}`, a timeout `${TIMEOUT}`.

use super::error::Problem;

/// What stands in for a variable without a default when a rule is checked, tried in turn: a
/// digit, which every name and value rule accepts anywhere, then a whole value of each kind
/// that a variable commonly holds alone (a duration, an HTTP URL, a NATS URL). Messages name the
/// first.
const STAND_INS: &[&str] = &["0", "1s", "https://0.example", "nats://0.example"];
const STAND_IN: &str = STAND_INS[0];

/// One variable reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable<'a> {
    pub name: &'a str,
    pub default: Option<&'a str>,
}

/// The variables of `value` (none for a plain value), or why its `${…}` is not one Flux reads.
pub(crate) fn variables(value: &str) -> Result<Vec<Variable<'_>>, Problem> {
    Ok(pieces(value)?
        .into_iter()
        .filter_map(|piece| match piece {
            Piece::Variable(variable) => Some(variable),
            Piece::Text(_) => None,
        })
        .collect())
}

/// The length of `value` without its variables (an escape counts as the `${…}` it stands for).
pub(crate) fn literal_len(value: &str) -> usize {
    match pieces(value) {
        Ok(pieces) => pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => text.len(),
                Piece::Variable(_) => 0,
            })
            .sum(),
        Err(_) => value.len(),
    }
}

/// Whether `value` holds a `${` at all: the cheap test before [`variables`], run on every
/// string of every generated object, so a byte scan rather than a substring searcher.
pub fn may_hold_variables(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'$' && bytes.get(i + 1) == Some(&b'{'))
}

/// Checks `value` with `rule`: as it is when it holds no variable, else as Flux would see it
/// with each variable replaced by its default (or a stand-in), the problem then saying so.
pub(crate) fn check(
    value: &str,
    rule: impl Fn(&str) -> Result<(), Problem>,
) -> Result<(), Problem> {
    check_shown(value, Some(value), rule)
}

/// [`check`] for a value that messages must not repeat (an address may be a credential).
pub(crate) fn check_unshown(
    value: &str,
    rule: impl Fn(&str) -> Result<(), Problem>,
) -> Result<(), Problem> {
    check_shown(value, None, rule)
}

fn check_shown(
    value: &str,
    shown: Option<&str>,
    rule: impl Fn(&str) -> Result<(), Problem>,
) -> Result<(), Problem> {
    if !may_hold_variables(value) {
        return rule(value);
    }
    let pieces = pieces(value)?;
    let variables: Vec<&Variable<'_>> = pieces
        .iter()
        .filter_map(|piece| match piece {
            Piece::Variable(variable) => Some(variable),
            Piece::Text(_) => None,
        })
        .collect();
    if variables.is_empty() {
        // Only `$${…}` escapes: Flux writes them as literal `${…}`.
        let literal: String = pieces.iter().map(|p| p.text(STAND_IN)).collect();
        return rule(&literal);
    }
    let sample = |stand_in: &str| -> String { pieces.iter().map(|p| p.text(stand_in)).collect() };
    let first = rule(&sample(STAND_IN));
    if first.is_err()
        && variables.iter().any(|v| v.default.is_none())
        && STAND_INS[1..].iter().any(|s| rule(&sample(s)).is_ok())
    {
        return Ok(());
    }
    first.map_err(|problem| {
        let how = if variables.iter().all(|v| v.default.is_some()) {
            "with its default".to_string()
        } else if variables.iter().all(|v| v.default.is_none()) {
            format!("with `{STAND_IN}` for the variable")
        } else {
            format!("with the defaults, and `{STAND_IN}` for a variable without one")
        };
        let hint = problem
            .hint
            .map(|hint| hint.split("; try `").next().unwrap_or_default().to_string());
        let what = shown.map_or("the value".to_string(), |v| format!("`{v}`"));
        let mut out = Problem::new(format!(
            "{what} as Flux substitutes it ({how}) is not valid: {}",
            problem.message
        ));
        if let Some(hint) = hint {
            out = out.hint(hint);
        }
        out
    })
}

#[derive(Debug)]
enum Piece<'a> {
    Text(&'a str),
    Variable(Variable<'a>),
}

impl<'a> Piece<'a> {
    /// The text Flux would write for this piece, `stand_in` for a variable without a default.
    fn text<'s>(&'s self, stand_in: &'s str) -> &'s str {
        match self {
            Piece::Text(text) => text,
            Piece::Variable(Variable {
                default: Some(default),
                ..
            }) => default,
            Piece::Variable(_) => stand_in,
        }
    }
}

/// The default forms of envsubst (the fork Flux uses) a name may carry: the value, else the
/// default (`:-`, `:=`: also when empty; `-`, `=`: only when unset).
const DEFAULT_OPERATORS: &[&str] = &[":-", ":=", "-", "="];

fn pieces(value: &str) -> Result<Vec<Piece<'_>>, Problem> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(at) = rest.find('$') {
        let after = &rest[at + 1..];
        if after.starts_with("${") {
            // `$${VAR}` is Flux's escape for a literal `${VAR}`.
            out.push(Piece::Text(&rest[..at]));
            let close = after.find('}').map_or(after.len(), |c| c + 1);
            out.push(Piece::Text(&after[..close]));
            rest = &after[close..];
            continue;
        }
        let Some(body) = after.strip_prefix('{') else {
            // A bare `$VAR` is not a variable to Flux.
            out.push(Piece::Text(&rest[..=at]));
            rest = after;
            continue;
        };
        out.push(Piece::Text(&rest[..at]));
        let Some(close) = body.find('}') else {
            return Err(
                Problem::new("a Flux variable opened with `${` is never closed")
                    .hint("write `${NAME}` or `${NAME:=default}`, or `$${` for a literal `${`"),
            );
        };
        out.push(Piece::Variable(variable(&body[..close])?));
        rest = &body[close + 1..];
    }
    out.push(Piece::Text(rest));
    out.retain(|piece| !matches!(piece, Piece::Text("")));
    Ok(out)
}

fn variable(inside: &str) -> Result<Variable<'_>, Problem> {
    let name_end = inside
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inside.len());
    let (name, operator) = inside.split_at(name_end);
    let valid_name = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !valid_name {
        return Err(Problem::new(format!(
            "`${{{inside}}}` is not a Flux variable: a variable name starts with a letter or `_` \
             and holds letters, digits and `_`"
        ))
        .hint("e.g. `${CLUSTER_NAME}`; write `$${` for a literal `${`"));
    }
    if operator.is_empty() {
        return Ok(Variable {
            name,
            default: None,
        });
    }
    match DEFAULT_OPERATORS
        .iter()
        .find_map(|op| operator.strip_prefix(op))
    {
        Some(default) if !default.contains('$') => Ok(Variable {
            name,
            default: Some(default),
        }),
        _ => Err(Problem::new(format!(
            "`${{{inside}}}` is a substitution this field does not take: only \
             `${{NAME}}`, `${{NAME:=default}}` and `${{NAME:-default}}` (or `=`, `-`) pass \
             through, with a plain default"
        ))
        .hint("Flux would rewrite the value at apply time in a way the function cannot check; give the value, or a variable with a plain default")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(value: &str) -> Vec<(String, Option<String>)> {
        variables(value)
            .unwrap()
            .into_iter()
            .map(|v| (v.name.to_string(), v.default.map(str::to_string)))
            .collect()
    }

    #[test]
    fn variables_and_their_defaults_are_read_in_every_default_form() {
        assert_eq!(names("billing"), vec![]);
        assert_eq!(
            names("${CLUSTER_NAME}"),
            vec![("CLUSTER_NAME".into(), None)]
        );
        for op in [":=", ":-", "=", "-"] {
            assert_eq!(
                names(&format!("app-${{_ENV{op}prod}}-x")),
                vec![("_ENV".into(), Some("prod".into()))]
            );
        }
    }

    #[test]
    fn bare_dollars_and_escapes_are_not_variables() {
        assert_eq!(names("$VAR"), vec![]);
        assert_eq!(names("$${VAR}"), vec![]);
        assert_eq!(names("a$b$${C}${D}"), vec![("D".into(), None)]);
        assert_eq!(literal_len("$${VAR}-${X}"), "${VAR}-".len());
    }

    #[test]
    fn malformed_references_are_refused_with_the_reason() {
        let message = |v: &str| variables(v).unwrap_err().message;
        assert!(message("${1X}").contains("variable name starts with a letter"));
        assert!(message("${X").contains("never closed"));
        assert!(message("${X/a/b}").contains("does not take"));
        assert!(message("${X:-${Y}}").contains("does not take"));
        assert!(message("${}").contains("variable name"));
    }

    #[test]
    fn the_rule_sees_the_defaults_and_a_stand_in() {
        let lowercase = |v: &str| {
            if v.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                Ok(())
            } else {
                Err(Problem::new(format!("`{v}` is not lowercase")).hint("lowercase; try `x`"))
            }
        };
        assert!(check("${CLUSTER_NAME}", lowercase).is_ok());
        assert!(check("apps-${CLUSTER_NAME:=prod}", lowercase).is_ok());
        let problem = check("${NS:=Prod}", lowercase).unwrap_err();
        assert!(problem.message.contains("with its default"), "{problem:?}");
        assert!(problem.message.contains("`Prod` is not lowercase"));
        assert_eq!(problem.hint.as_deref(), Some("lowercase"));
        assert!(check("A-${X}", lowercase).is_err());
        // An escape is the literal `${…}` after substitution.
        assert!(check("$${X}", lowercase).is_err());
    }

    #[test]
    fn a_variable_without_a_default_may_stand_for_a_whole_address_or_timeout() {
        use crate::config::model::ProviderType;
        use crate::config::{address, values};
        for type_ in [
            ProviderType::Slack,
            ProviderType::Generic,
            ProviderType::Nats,
        ] {
            assert!(
                address::check_scheme(type_, "${HOOK_URL}").is_ok(),
                "{type_:?}"
            );
        }
        assert!(address::check_scheme(ProviderType::Slack, "https://${HOST}/hook").is_ok());
        assert!(values::timeout("${TIMEOUT}").is_ok());
        assert!(values::timeout("${SECONDS}s").is_ok());
        // Text around the variable still has to fit: no value of HOST makes this a URL.
        assert!(address::check_scheme(ProviderType::Slack, "ftp://${HOST}").is_err());
        assert!(values::timeout("${T}h").is_err());
        let problem = values::timeout("${T}h").unwrap_err();
        assert!(
            problem.message.contains("with `0` for the variable"),
            "{problem:?}"
        );
    }
}
