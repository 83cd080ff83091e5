//! Which Alerts take an event (`filterAlertsForEvent`, `eventMatchesAlertSources`,
//! `eventMatchesAlertSource`, `messageIsIncluded`, `messageIsExcluded`; NC v1.9.3
//! `internal/server/event_handlers.go` l.150-237 and l.578-632), and, where one does not, why.

use regex::Regex;

use super::model::{qualified, Alert, Event, EventSource, Strings};

/// notification-controller's severities (fluxcd/pkg `apis/event/v1beta1/event.go`).
pub const INFO: &str = "info";
pub const ERROR: &str = "error";

/// How far an event got through one `eventSources` entry before it failed, in NC's order of
/// checks; a later step means a closer miss.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceMiss {
    /// Neither the namespace nor the kind is the entry's.
    NamespaceAndKind,
    /// The kind is the entry's, the namespace is not.
    Namespace,
    /// The namespace is the entry's, the kind is not.
    Kind,
    /// An `error` Alert and an event of another severity.
    Severity,
    /// The entry names another object.
    Name,
    /// The entry has `matchLabels` and the object cannot be read (NC: `SourceFetchFailed`).
    ObjectNotFound,
    /// The object's labels do not match the entry's `matchLabels`: these pairs are missing.
    Labels { missing: Strings },
}

impl SourceMiss {
    fn step(&self) -> u8 {
        match self {
            SourceMiss::NamespaceAndKind => 0,
            SourceMiss::Namespace | SourceMiss::Kind => 1,
            SourceMiss::Severity => 2,
            SourceMiss::Name => 3,
            SourceMiss::ObjectNotFound | SourceMiss::Labels { .. } => 4,
        }
    }
}

/// `eventMatchesAlertSource` for an entry whose namespace is `namespace` (already defaulted to
/// the Alert's): `None` if it takes the event, else the first check that fails. `labels` reads
/// the live object's labels (`None`: it cannot be read).
pub fn match_source<'l>(
    event: &Event,
    alert_severity: &str,
    source: &EventSource,
    namespace: Option<&str>,
    labels: impl FnOnce() -> Option<&'l Strings>,
) -> Option<SourceMiss> {
    let object = &event.involved_object;
    let same_namespace = object.namespace.as_deref() == namespace;
    let same_kind = object.kind == source.kind;
    match (same_namespace, same_kind) {
        (true, true) => {}
        (false, false) => return Some(SourceMiss::NamespaceAndKind),
        (false, true) => return Some(SourceMiss::Namespace),
        (true, false) => return Some(SourceMiss::Kind),
    }
    if event.severity != alert_severity && alert_severity != INFO {
        return Some(SourceMiss::Severity);
    }
    if source.name != "*" && source.name != object.name {
        return Some(SourceMiss::Name);
    }
    let wanted = source.match_labels.as_ref()?;
    let Some(labels) = labels() else {
        return Some(SourceMiss::ObjectNotFound);
    };
    let missing: Strings = wanted
        .iter()
        .filter(|(k, v)| labels.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (!missing.is_empty()).then_some(SourceMiss::Labels { missing })
}

/// `eventMatchesAlertSources`: the first entry that takes the event wins; an entry without a
/// namespace has the Alert's. `Ok` if one does, else the closest misses: every entry that got
/// as far as the furthest one, with its namespace defaulted.
pub fn match_sources<'l>(
    event: &Event,
    alert: &Alert,
    labels: impl Fn() -> Option<&'l Strings>,
) -> Result<(), Vec<(EventSource, SourceMiss)>> {
    let mut furthest = 0;
    for source in &alert.event_sources {
        let namespace = source.namespace.as_deref().or(alert.namespace.as_deref());
        match match_source(event, &alert.event_severity, source, namespace, &labels) {
            None => return Ok(()),
            Some(miss) => furthest = furthest.max(miss.step()),
        }
    }
    // Only a miss is described, so the entries are copied only then.
    let mut misses = Vec::new();
    for source in &alert.event_sources {
        let namespace = source.namespace.as_deref().or(alert.namespace.as_deref());
        if let Some(miss) = match_source(event, &alert.event_severity, source, namespace, &labels) {
            if miss.step() == furthest {
                let mut source = source.clone();
                source.namespace = namespace.map(str::to_string);
                misses.push((source, miss));
            }
        }
    }
    Err(misses)
}

/// An Alert's inclusion and exclusion patterns, compiled once. A pattern that does not compile
/// is skipped, as NC skips it (with an `InvalidConfig` Warning event on every evaluation).
#[derive(Debug, Clone)]
pub struct MessageFilter {
    inclusion: Vec<(String, Option<Regex>)>,
    exclusion: Vec<(String, Option<Regex>)>,
}

/// Why a message is filtered out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filtered {
    /// No inclusion pattern that compiles matches (`invalid`: those that do not compile).
    NotIncluded { invalid: Vec<String> },
    /// This exclusion pattern matches.
    Excluded { pattern: String },
}

impl MessageFilter {
    pub fn new(alert: &Alert) -> Self {
        let compile = |patterns: &[String]| {
            patterns
                .iter()
                .map(|p| (p.clone(), Regex::new(p).ok()))
                .collect()
        };
        MessageFilter {
            inclusion: compile(&alert.inclusion_list),
            exclusion: compile(&alert.exclusion_list),
        }
    }

    /// `messageIsIncluded` then `messageIsExcluded`: both unanchored searches (Go's
    /// `Regexp.Match`) over the message only; exclusion wins.
    pub fn check(&self, message: &str) -> Result<(), Filtered> {
        if !self.inclusion.is_empty()
            && !self
                .inclusion
                .iter()
                .any(|(_, r)| r.as_ref().is_some_and(|r| r.is_match(message)))
        {
            let invalid = self
                .inclusion
                .iter()
                .filter(|(_, r)| r.is_none())
                .map(|(p, _)| p.clone())
                .collect();
            return Err(Filtered::NotIncluded { invalid });
        }
        match self
            .exclusion
            .iter()
            .find(|(_, r)| r.as_ref().is_some_and(|r| r.is_match(message)))
        {
            Some((pattern, _)) => Err(Filtered::Excluded {
                pattern: pattern.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Patterns of either list that do not compile.
    pub fn invalid(&self) -> Vec<&str> {
        self.inclusion
            .iter()
            .chain(&self.exclusion)
            .filter(|(_, r)| r.is_none())
            .map(|(p, _)| p.as_str())
            .collect()
    }
}

/// "Kustomization billing/*" for an entry, as messages show it.
pub fn describe_source(source: &EventSource) -> String {
    let mut text = format!(
        "{} {}",
        source.kind,
        qualified(source.namespace.as_deref(), &source.name)
    );
    if let Some(labels) = &source.match_labels {
        let pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        text.push_str(&format!(" matchLabels {{{}}}", pairs.join(", ")));
    }
    text
}
