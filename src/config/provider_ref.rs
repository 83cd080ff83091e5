//! A route's `providerRef`: the short form `slack` or Flux's own form `{name: slack}`.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

/// The name of a Flux Provider in the Alert's namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Repr")]
pub struct ProviderRef {
    /// Name of the Provider.
    pub name: String,
}

impl ProviderRef {
    /// A reference to the Provider called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        ProviderRef { name: name.into() }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Repr {
    Short(String),
    Flux(FluxForm),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FluxForm {
    name: String,
}

impl From<Repr> for ProviderRef {
    fn from(repr: Repr) -> Self {
        match repr {
            Repr::Short(name) | Repr::Flux(FluxForm { name }) => ProviderRef { name },
        }
    }
}

// Written by hand because the derive cannot describe "a string or Flux's object form".
impl JsonSchema for ProviderRef {
    fn schema_name() -> Cow<'static, str> {
        "ProviderRef".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The name of a Flux Provider in the Alert's namespace: `slack`, or Flux's form `{name: slack}`.",
            "anyOf": [
                {
                    "type": "string",
                    "description": "Name of the Provider."
                },
                {
                    "type": "object",
                    "properties": {
                        "name": {
                            "type": "string",
                            "description": "Name of the Provider."
                        }
                    },
                    "required": ["name"],
                    "additionalProperties": false
                }
            ]
        })
    }
}
