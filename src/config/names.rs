//! Kubernetes name and label syntax (apimachinery's validation rules), with reasons users can
//! act on.

use super::error::Problem;
use super::postbuild;

const LABEL_MAX: usize = 63;
const SUBDOMAIN_MAX: usize = 253;

const LABEL_RULE: &str = "a DNS-1123 label: at most 63 characters, lowercase letters, digits \
     and `-`, starting and ending with a letter or digit";
const SUBDOMAIN_RULE: &str = "a DNS-1123 subdomain: at most 253 characters, lowercase letters, \
     digits, `-` and `.`, each `.`-separated part starting and ending with a letter or digit";
const KEY_RULE: &str = "a label key is an optional DNS subdomain prefix and `/`, then a name of \
     at most 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit, \
     e.g. `app.kubernetes.io/name`";
const VALUE_RULE: &str = "a label value is empty or at most 63 letters, digits, `-`, `_` or \
     `.`, starting and ending with a letter or digit";

/// `value` must be a DNS-1123 label; `what` names it in the message ("app name"). Flux
/// post-build variables pass (see [`postbuild`]).
pub(crate) fn dns_label(what: &str, value: &str) -> Result<(), Problem> {
    postbuild::check(value, |value| literal_dns_label(what, value))
}

fn literal_dns_label(what: &str, value: &str) -> Result<(), Problem> {
    label_reason(value).map_err(|reason| {
        let mut hint = format!("{what}s are {LABEL_RULE}");
        if let Some(fixed) = repaired(value, false) {
            hint.push_str(&format!("; try `{fixed}`"));
        }
        Problem::new(format!("invalid {what} `{value}`: {reason}")).hint(hint)
    })
}

/// `value` must be a DNS-1123 subdomain (the syntax of most Kubernetes object names).
pub(crate) fn dns_subdomain(what: &str, value: &str) -> Result<(), Problem> {
    postbuild::check(value, |value| literal_dns_subdomain(what, value))
}

fn literal_dns_subdomain(what: &str, value: &str) -> Result<(), Problem> {
    subdomain_reason(value).map_err(|reason| {
        let mut hint = format!("{what}s are {SUBDOMAIN_RULE}");
        if let Some(fixed) = repaired(value, true) {
            hint.push_str(&format!("; try `{fixed}`"));
        }
        Problem::new(format!("invalid {what} `{value}`: {reason}")).hint(hint)
    })
}

/// `key` must be a qualified name, as label and annotation keys are.
pub(crate) fn label_key(key: &str) -> Result<(), Problem> {
    postbuild::check(key, |key| {
        key_reason(key).map_err(|reason| {
            Problem::new(format!("invalid label key `{key}`: {reason}")).hint(KEY_RULE)
        })
    })
}

/// `value` must be a valid label value.
pub(crate) fn label_value(value: &str) -> Result<(), Problem> {
    postbuild::check(value, |value| {
        if value.is_empty() {
            return Ok(());
        }
        name_part_reason(value, LABEL_MAX).map_err(|reason| {
            Problem::new(format!("invalid label value `{value}`: {reason}")).hint(VALUE_RULE)
        })
    })
}

fn label_reason(value: &str) -> Result<(), String> {
    check_len(value, LABEL_MAX)?;
    dns_part(value, "lowercase letters, digits and `-`")
}

fn subdomain_reason(value: &str) -> Result<(), String> {
    check_len(value, SUBDOMAIN_MAX)?;
    if let Some(bad) = value.chars().find(|&c| !is_dns_char(c) && c != '.') {
        return Err(format!(
            "contains `{bad}`; only lowercase letters, digits, `-` and `.` are allowed"
        ));
    }
    if value.split('.').any(|part| dns_part(part, "").is_err()) {
        return Err(
            "each `.`-separated part must start and end with a lowercase letter or digit".into(),
        );
    }
    Ok(())
}

fn key_reason(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if name.contains('/') {
        return Err("must contain at most one `/`".into());
    }
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            return Err("the prefix before `/` must not be empty".into());
        }
        subdomain_reason(prefix).map_err(|reason| format!("prefix `{prefix}` {reason}"))?;
    }
    if name.is_empty() {
        return Err("the name must not be empty".into());
    }
    name_part_reason(name, LABEL_MAX).map_err(|reason| match prefix {
        Some(_) => format!("name `{name}` {reason}"),
        None => reason,
    })
}

fn name_part_reason(value: &str, max: usize) -> Result<(), String> {
    check_len(value, max)?;
    if let Some(bad) = value
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(format!(
            "contains `{bad}`; only letters, digits, `-`, `_` and `.` are allowed"
        ));
    }
    if !starts_and_ends_alphanumeric(value, |c| c.is_ascii_alphanumeric()) {
        return Err("must start and end with a letter or digit".into());
    }
    Ok(())
}

fn check_len(value: &str, max: usize) -> Result<(), String> {
    if value.is_empty() {
        return Err("must not be empty".into());
    }
    let len = value.chars().count();
    if len > max {
        return Err(format!(
            "is {len} characters long; at most {max} are allowed"
        ));
    }
    Ok(())
}

fn dns_part(part: &str, allowed: &str) -> Result<(), String> {
    if part.is_empty() {
        return Err("must not be empty".into());
    }
    if let Some(bad) = part.chars().find(|&c| !is_dns_char(c)) {
        return Err(format!("contains `{bad}`; only {allowed} are allowed"));
    }
    if !starts_and_ends_alphanumeric(part, |c| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Err("must start and end with a lowercase letter or digit".into());
    }
    Ok(())
}

fn is_dns_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

fn starts_and_ends_alphanumeric(value: &str, ok: impl Fn(char) -> bool) -> bool {
    value.chars().next().is_some_and(&ok) && value.chars().last().is_some_and(&ok)
}

/// The nearest DNS-1123 label (or subdomain) to `value`, offered as a fix when it is a real
/// name.
fn repaired(value: &str, dots: bool) -> Option<String> {
    let max = if dots { SUBDOMAIN_MAX } else { LABEL_MAX };
    let mapped: String = value
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if is_dns_char(c) || (dots && c == '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let parts: Vec<&str> = mapped
        .split('.')
        .map(|part| part.trim_matches('-'))
        .filter(|part| !part.is_empty())
        .collect();
    let joined: String = parts.join(".").chars().take(max).collect();
    let fixed = joined.trim_end_matches(['-', '.']);
    let valid = if dots {
        subdomain_reason(fixed).is_ok()
    } else {
        label_reason(fixed).is_ok()
    };
    (valid && fixed != value).then(|| fixed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert!(label_reason("billing").is_ok());
        assert!(label_reason("a").is_ok());
        assert!(label_reason(&"a".repeat(63)).is_ok());
        assert!(label_reason(&"a".repeat(64)).is_err());
        assert!(label_reason("-a").is_err());
        assert!(label_reason("a.b").is_err());
        assert_eq!(
            repaired("Billing_API", false).as_deref(),
            Some("billing-api")
        );
        assert_eq!(repaired("Slack..Prod", true).as_deref(), Some("slack.prod"));
    }

    #[test]
    fn subdomains() {
        assert!(subdomain_reason("slack.prod").is_ok());
        assert!(subdomain_reason("slack..prod").is_err());
        assert!(subdomain_reason("Slack").is_err());
    }

    #[test]
    fn keys_and_values() {
        assert!(key_reason("app.kubernetes.io/name").is_ok());
        assert!(key_reason("tier").is_ok());
        assert!(key_reason("a/b/c").is_err());
        assert!(key_reason("/name").is_err());
        assert!(key_reason("Example.com/name").is_err());
        assert!(label_value("").is_ok());
        assert!(label_value("v1.2_3-x").is_ok());
        assert!(label_value("-x").is_err());
    }
}
