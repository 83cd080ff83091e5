//! The kustomizations of a repository as `init` sees them: which directory lists which files
//! and directories (`resources:`, `components:`), so it can tell which overlays build an app's
//! appliers, and what each already lists under `transformers:`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::InitError;
use crate::limits::Limits;
use crate::package::Package;
use crate::resource_list::{ReadSpec, Reader};
use crate::yaml::tree::ExpansionBudget;

/// The file names kustomize looks for in a directory, in its order.
pub const FILE_NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml"];

/// One kustomization file.
#[derive(Debug, Clone)]
pub struct Kustomization {
    /// Its path, relative to the root.
    pub path: String,
    /// `resources:` and `components:` entries inside the root, resolved against `dir`.
    pub refs: Vec<String>,
    /// `transformers:` entries as written, without a leading `./`.
    pub transformers: Vec<String>,
    /// Labels it sets on every resource (`labels[].pairs`, `commonLabels`).
    pub labels: BTreeMap<String, String>,
    /// The namespace it sets on every resource.
    pub namespace: Option<String>,
}

/// What kustomizations set on the resources of a file.
#[derive(Debug, Clone, Default)]
pub struct Effect {
    pub labels: BTreeMap<String, String>,
    pub namespace: Option<String>,
}

/// Every kustomization below a root, by directory.
#[derive(Debug, Default)]
pub struct Kustomizations {
    pub by_dir: BTreeMap<String, Kustomization>,
}

impl Kustomizations {
    /// Reads the kustomization files of `package`; one that is not a YAML mapping is an error
    /// naming it.
    pub fn read(package: &Package, limits: &Limits) -> Result<Self, InitError> {
        let reader = Reader::new(*limits, &ReadSpec::PLAIN);
        let mut out = Kustomizations::default();
        for file in &package.files {
            let (dir, name) = split(&file.path);
            if !FILE_NAMES.contains(&name) || out.by_dir.contains_key(dir) {
                continue;
            }
            let value = match reader.object(&file.text, &file.origin)? {
                Some(node) => node
                    .to_json(&mut ExpansionBudget::new(limits.max_alias_expansion))
                    .map_err(|err| InitError::Input(format!("{}: {err}", file.origin)))?,
                None => Value::Null,
            };
            if !value.is_object() && !value.is_null() {
                return Err(InitError::Input(format!(
                    "{}:1:1: a kustomization must be a mapping (hint: fix or remove the file)",
                    file.origin
                )));
            }
            let strings = |key: &str| -> Vec<String> {
                value[key]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            };
            let refs = strings("resources")
                .into_iter()
                .chain(strings("components"))
                .filter_map(|entry| join(dir, &entry))
                .collect();
            let mut labels = BTreeMap::new();
            let pairs = value["labels"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|entry| &entry["pairs"])
                .chain([&value["commonLabels"]]);
            for pairs in pairs {
                for (k, v) in pairs.as_object().into_iter().flatten() {
                    if let Some(v) = v.as_str() {
                        labels.insert(k.clone(), v.to_string());
                    }
                }
            }
            let namespace = value["namespace"].as_str().map(str::to_string);
            let transformers = strings("transformers")
                .iter()
                .map(|t| t.trim_start_matches("./").to_string())
                .collect();
            out.by_dir.insert(
                dir.to_string(),
                Kustomization {
                    path: file.path.clone(),
                    refs,
                    transformers,
                    labels,
                    namespace,
                },
            );
        }
        Ok(out)
    }

    /// Every file a build of the kustomization in `dir` reads through `resources:` and
    /// `components:`, the kustomization files of the directories it lists included.
    pub fn reach(&self, dir: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut seen = BTreeSet::new();
        self.collect(dir, &mut out, &mut seen);
        out
    }

    fn collect(&self, dir: &str, out: &mut BTreeSet<String>, seen: &mut BTreeSet<String>) {
        if !seen.insert(dir.to_string()) {
            return;
        }
        let Some(k) = self.by_dir.get(dir) else {
            return;
        };
        out.insert(k.path.clone());
        for entry in &k.refs {
            if self.by_dir.contains_key(entry) {
                self.collect(entry, out, seen);
            } else {
                out.insert(entry.clone());
            }
        }
    }
}

impl Kustomizations {
    /// What the kustomizations that build each file set on its resources: every label any
    /// of them sets, and the namespace of the nearest one that sets one. An approximation of
    /// a build (overlays may differ), good enough to find an app's appliers. Files no
    /// kustomization builds are absent.
    pub fn effective(&self) -> BTreeMap<String, Effect> {
        let mut out: BTreeMap<String, (Effect, usize)> = BTreeMap::new();
        for k in self.by_dir.values() {
            for (file, depth) in self.reach_files(&k.path) {
                let (effect, nearest) = out.entry(file).or_insert((Effect::default(), usize::MAX));
                effect
                    .labels
                    .extend(k.labels.iter().map(|(a, b)| (a.clone(), b.clone())));
                if let Some(ns) = &k.namespace {
                    if depth < *nearest {
                        *nearest = depth;
                        effect.namespace = Some(ns.clone());
                    }
                }
            }
        }
        out.into_iter().map(|(f, (e, _))| (f, e)).collect()
    }

    /// Files a kustomization (by its path) builds, with how many kustomizations away.
    fn reach_files(&self, path: &str) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        let mut queue = vec![(split(path).0.to_string(), 0usize)];
        let mut seen = BTreeSet::new();
        while let Some((dir, depth)) = queue.pop() {
            if !seen.insert(dir.clone()) {
                continue;
            }
            let Some(k) = self.by_dir.get(&dir) else {
                continue;
            };
            for entry in &k.refs {
                if self.by_dir.contains_key(entry) {
                    queue.push((entry.clone(), depth + 1));
                } else {
                    let d = out.entry(entry.clone()).or_insert(depth);
                    *d = (*d).min(depth);
                }
            }
        }
        out
    }
}

/// A path's directory and file name.
pub fn split(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(at) => (&path[..at], &path[at + 1..]),
        None => ("", path),
    }
}

/// `entry` of a kustomization in `dir`, as a path relative to the root: `None` for a remote
/// entry (a URL) or one outside the root.
pub fn join(dir: &str, entry: &str) -> Option<String> {
    if entry.contains("://") || entry.starts_with("github.com/") || entry.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in entry.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_resolve_against_their_directory_and_stay_inside_the_root() {
        assert_eq!(
            join("apps/staging", "../base/podinfo").as_deref(),
            Some("apps/base/podinfo")
        );
        assert_eq!(join("", "./a.yaml").as_deref(), Some("a.yaml"));
        assert_eq!(join("apps", "../../outside"), None);
        assert_eq!(join("apps", "https://github.com/x/y//z?ref=v1"), None);
        assert_eq!(
            split("apps/base/kustomization.yaml"),
            ("apps/base", "kustomization.yaml")
        );
        assert_eq!(split("kustomization.yaml"), ("", "kustomization.yaml"));
    }
}
