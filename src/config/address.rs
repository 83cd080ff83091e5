//! Provider `address` checks. The generated Provider is committed to git, so the address must
//! never carry a credential: Flux reads the real one from the Secret named by `secretRef`
//! (whose `address` key replaces `spec.address`).
//!
//! Messages never repeat a rejected address: it may be the credential.

use super::error::Problem;
use super::provider_type::{AddressKind, ProviderType};

const SECRET_HINT: &str = "put credentials in the Secret referenced by `secretRef`: its `address` \
     key replaces `spec.address`, and its `token`, `username` and `password` keys hold credentials";

/// Checks `address` for a Provider of type `type_`.
pub(crate) fn check_scheme(type_: ProviderType, address: &str) -> Result<(), Problem> {
    super::postbuild::check_unshown(address, |address| literal_scheme(type_, address))
}

fn literal_scheme(type_: ProviderType, address: &str) -> Result<(), Problem> {
    if address.is_empty() {
        return Ok(());
    }
    if address.chars().any(char::is_whitespace) {
        return Err(Problem::new("address must not contain whitespace"));
    }
    match type_.address_kind() {
        AddressKind::Http => url(address, &["http", "https"]),
        AddressKind::Nats => address
            .split(',')
            .try_for_each(|server| url(server, &["nats", "tls", "ws", "wss"])),
        AddressKind::Identifier => identifier(type_, address),
    }
}

/// The credential checks alone, for a Provider whose type is unknown (already an error): the
/// address may still leak a secret, and saying so now saves a second round.
pub(crate) fn check_credentials(address: &str) -> Result<(), Problem> {
    super::postbuild::check_unshown(address, literal_credentials)
}

fn literal_credentials(address: &str) -> Result<(), Problem> {
    match address.split_once("://") {
        Some((scheme, _)) => url(address, &[scheme]),
        None => Ok(()),
    }
}

fn identifier(type_: ProviderType, address: &str) -> Result<(), Problem> {
    if !(address.contains("://") || address.contains(';') || address.contains('=')) {
        return Ok(());
    }
    let holds = match type_ {
        ProviderType::GooglePubSub => "the GCP project ID",
        _ => "the Event Hub name",
    };
    Err(Problem::new(format!(
        "the address of a `{type_}` Provider is {holds}, not a URL or connection string"
    ))
    .hint(SECRET_HINT))
}

fn url(address: &str, schemes: &[&str]) -> Result<(), Problem> {
    let expected = schemes
        .iter()
        .map(|s| format!("{s}://"))
        .collect::<Vec<_>>()
        .join(" or ");
    let Some((scheme, rest)) = address.split_once("://") else {
        return Err(Problem::new(format!(
            "address must be a URL starting with {expected}"
        )));
    };
    if !schemes.iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
        return Err(Problem::new(format!(
            "address scheme `{scheme}` is not supported; expected {expected}"
        )));
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    if authority.contains('@') {
        return Err(
            Problem::new("address must not contain credentials (`user:password@`)")
                .hint(SECRET_HINT),
        );
    }
    let host = host_of(authority);
    if host.is_empty() {
        return Err(Problem::new("address has no host"));
    }
    let without_fragment = tail.split('#').next().unwrap_or_default();
    let (path, query) = without_fragment
        .split_once('?')
        .unwrap_or((without_fragment, ""));
    if let Some(name) = query
        .split('&')
        .map(|pair| pair.split('=').next().unwrap_or_default())
        .find(|name| is_credential_name(name))
    {
        return Err(Problem::new(format!(
            "address must not contain the credential-like query parameter `{name}`"
        ))
        .hint(SECRET_HINT));
    }
    if let Some(service) = secret_webhook(&host.to_ascii_lowercase(), path) {
        return Err(Problem::new(format!(
            "address is a {service} URL, whose path is itself a secret"
        ))
        .hint(SECRET_HINT));
    }
    Ok(())
}

fn host_of(authority: &str) -> &str {
    if let Some(bracketed) = authority.strip_prefix('[') {
        return bracketed.split(']').next().unwrap_or_default();
    }
    authority.split(':').next().unwrap_or_default()
}

fn is_credential_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    const EXACT: &[&str] = &[
        "key",
        "sig",
        "signature",
        "code",
        "auth",
        "pass",
        "passwd",
        "pwd",
        "apikey",
        "api_key",
        "api-key",
    ];
    const PARTS: &[&str] = &[
        "token", "secret", "password", "apikey", "api_key", "api-key",
    ];
    EXACT.contains(&name.as_str()) || PARTS.iter().any(|part| name.contains(part))
}

/// Webhook services whose URL path is the credential.
fn secret_webhook(host: &str, path: &str) -> Option<&'static str> {
    const HOOKS: &[(&str, &str, &str)] = &[
        ("hooks.slack.com", "/services/", "Slack incoming webhook"),
        ("discord.com", "/api/webhooks/", "Discord webhook"),
        ("discordapp.com", "/api/webhooks/", "Discord webhook"),
        ("webhook.office.com", "/", "Microsoft Teams webhook"),
        (
            "open.larksuite.com",
            "/open-apis/bot/v2/hook/",
            "Lark webhook",
        ),
        ("open.feishu.cn", "/open-apis/bot/v2/hook/", "Lark webhook"),
        ("integrations.zoom.us", "/chat/webhooks/", "Zoom webhook"),
        (
            "events.pagerduty.com",
            "/integration/",
            "PagerDuty integration",
        ),
    ];
    HOOKS.iter().find_map(|(suffix, prefix, service)| {
        let host_matches = host == *suffix || host.ends_with(&format!(".{suffix}"));
        (host_matches && path.starts_with(prefix)).then_some(*service)
    })
}
