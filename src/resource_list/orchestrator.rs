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
}
