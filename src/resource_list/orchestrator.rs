//! The annotations kpt and kustomize put on items to say where each one lives in the package.
//! They describe the item's place, not the object: generated files leave them out, comparisons
//! ignore them, and a replacement item inherits them from the item it replaces.

/// The file an item was read from, relative to the package root (kpt; kustomize since v4).
pub const PATH: &str = "internal.config.kubernetes.io/path";
/// The item's document number in that file, from 0.
pub const INDEX: &str = "internal.config.kubernetes.io/index";
/// kpt's id of an item, which lets it restore the item's comments and key order.
pub const ID: &str = "internal.config.kubernetes.io/id";
/// The legacy spellings of [`PATH`] and [`INDEX`], which kustomize still writes.
pub const LEGACY_PATH: &str = "config.kubernetes.io/path";
pub const LEGACY_INDEX: &str = "config.kubernetes.io/index";
/// The legacy spelling of [`ID`].
pub const LEGACY_ID: &str = "config.k8s.io/id";
/// Marks an object that configures the build and is never applied to a cluster.
pub const LOCAL_CONFIG: &str = "config.kubernetes.io/local-config";
/// The annotation kustomize reads to run a container or exec function for a config.
pub const FUNCTION: &str = "config.kubernetes.io/function";
/// Where kustomize read an object from, when the kustomization sets `buildMetadata:
/// [originAnnotations]`: a small YAML mapping (`path: base/notifications.yaml`, and `repo`,
/// `ref` for remote bases), the path relative to the directory `kustomize build` ran on.
/// kustomize gives no other name for a file: its items and a plugin's config carry no path.
pub const ORIGIN: &str = "config.kubernetes.io/origin";

/// Every annotation in the orchestrator's own namespace is bookkeeping, and so are the legacy
/// path, index and id.
const INTERNAL_PREFIX: &str = "internal.config.kubernetes.io/";

/// Whether `key` is one of the orchestrator's annotations about an item's place.
pub fn is_orchestrator(key: &str) -> bool {
    key.starts_with(INTERNAL_PREFIX) || matches!(key, LEGACY_PATH | LEGACY_INDEX | LEGACY_ID)
}

/// The file (path and index) the orchestrator says an item came from, given its annotations:
/// kpt's internal keys first, then the legacy ones kustomize writes.
pub fn place<'f>(annotation: impl Fn(&str) -> Option<&'f str>) -> Option<(&'f str, Option<u64>)> {
    let path = annotation(PATH).or_else(|| annotation(LEGACY_PATH))?;
    let index = annotation(INDEX)
        .or_else(|| annotation(LEGACY_INDEX))
        .and_then(|i| i.parse().ok());
    Some((path, index))
}

/// The file an item came from, for messages: its [`place`], or else the `path` of its
/// [`ORIGIN`] (with no index: kustomize gives none).
pub fn file<'f>(annotation: impl Fn(&str) -> Option<&'f str>) -> Option<(&'f str, Option<u64>)> {
    place(&annotation).or_else(|| Some((origin_path(annotation(ORIGIN)?)?, None)))
}

/// The `path` of an [`ORIGIN`] annotation's value (`path: a.yaml\nrepo: …`). kustomize writes
/// it with Go's YAML encoder, which quotes a path only when it must; a single-quoted path is
/// unquoted, any other quoted one is taken as written.
pub fn origin_path(origin: &str) -> Option<&str> {
    let value = origin
        .lines()
        .find_map(|line| line.strip_prefix("path:"))?
        .trim();
    let value = value
        .strip_prefix('\'')
        .and_then(|v| v.strip_suffix('\''))
        .filter(|v| !v.contains('\''))
        .unwrap_or(value);
    (!value.is_empty()).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_annotations_are_orchestrator_annotations_and_config_ones_are_not() {
        for key in [PATH, INDEX, ID, LEGACY_PATH, LEGACY_INDEX, LEGACY_ID] {
            assert!(is_orchestrator(key), "{key}");
        }
        assert!(is_orchestrator("internal.config.kubernetes.io/seqindent"));
        for key in [LOCAL_CONFIG, FUNCTION, "app-notifications.dev/generated-by"] {
            assert!(!is_orchestrator(key), "{key}");
        }
    }

    #[test]
    fn the_internal_place_wins_over_the_legacy_one() {
        let annotations = [
            (LEGACY_PATH, "old.yaml"),
            (PATH, "new.yaml"),
            (LEGACY_INDEX, "3"),
        ];
        let get = |k: &str| annotations.iter().find(|(a, _)| *a == k).map(|(_, v)| *v);
        assert_eq!(place(get), Some(("new.yaml", Some(3))));
        assert_eq!(place(|_| None), None);
    }

    #[test]
    fn an_origin_names_the_file_when_no_place_annotation_does() {
        let origin = [(
            ORIGIN,
            "path: ../../base/notifications.yaml\nrepo: github.com/x/y\n",
        )];
        let get = |k: &str| origin.iter().find(|(a, _)| *a == k).map(|(_, v)| *v);
        assert_eq!(file(get), Some(("../../base/notifications.yaml", None)));
        let both = [(ORIGIN, "path: a.yaml\n"), (PATH, "b.yaml"), (INDEX, "1")];
        let get = |k: &str| both.iter().find(|(a, _)| *a == k).map(|(_, v)| *v);
        assert_eq!(file(get), Some(("b.yaml", Some(1))));
        assert_eq!(origin_path("path: 'a b.yaml'\n"), Some("a b.yaml"));
        assert_eq!(origin_path("repo: x\n"), None);
        assert_eq!(origin_path("path:\n"), None);
    }
}
