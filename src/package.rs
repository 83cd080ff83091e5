//! A package on disk, read the way kpt reads one: every `.yaml`/`.yml` file below the given
//! paths, every KRM document in it, each with its path (relative to the package root) and its
//! index in the file. `render` runs the function over it and writes back only files it owns.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::function::decode;
use crate::generate;
use crate::generate::inventory::{GENERATED_BY, INDEX, PATH};
use crate::limits::Limits;
use crate::resource_list::{read_resource_list, read_stream, ReadError, ResourceList};
use crate::results::{has_errors, KrmResult};
use crate::yaml::emit::{self, EmitStyle};
use crate::yaml::lines::{ends_with_line_break, lines_inclusive};

/// One KRM document of the package.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path relative to the package root, `/`-separated.
    pub path: String,
    pub index: usize,
    /// The document's text, without `---` markers.
    pub text: String,
}

#[derive(Debug)]
pub enum PackageError {
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    Read(ReadError),
    Outside {
        path: String,
    },
}

impl fmt::Display for PackageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackageError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            PackageError::Read(err) => write!(f, "{err}"),
            PackageError::Outside { path } => write!(
                f,
                "{path}: generated objects would be written outside the package (hint: \
                 spec.outputPath must stay inside the package)"
            ),
        }
    }
}

impl std::error::Error for PackageError {}

/// Every YAML file below `root` (or `root` itself if it is a file), sorted, hidden entries
/// skipped like kpt skips them.
fn yaml_files(root: &Path) -> Result<Vec<PathBuf>, PackageError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| PackageError::Io { path, error }
    };
    if root.is_file() {
        return Ok(vec![root.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).map_err(io(&dir))? {
            let path = entry.map_err(io(&dir))?.path();
            let hidden = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            if path.is_dir() {
                dirs.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            ) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Reads the KRM documents of a package rooted at `root`.
pub fn read(root: &Path, limits: &Limits) -> Result<Vec<Document>, PackageError> {
    let base = if root.is_file() {
        root.parent().unwrap_or(Path::new("")).to_path_buf()
    } else {
        root.to_path_buf()
    };
    let mut docs = Vec::new();
    for file in yaml_files(root)? {
        let bytes = std::fs::read(&file).map_err(|error| PackageError::Io {
            path: file.clone(),
            error,
        })?;
        let origin = file.display().to_string();
        let text = decode(&bytes, &origin, limits).map_err(PackageError::Read)?;
        let list = read_stream(text, &origin, limits).map_err(PackageError::Read)?;
        let path = relative(&base, &file);
        for item in &list.items {
            if item.fields.kind.is_empty() || item.fields.api_version.is_empty() {
                continue;
            }
            let raw = without_directives(&text[item.region.clone()]);
            let body = raw
                .strip_prefix("---")
                .map(|rest| {
                    rest.trim_start_matches([' ', '\t'])
                        .trim_start_matches(['\r', '\n'])
                })
                .unwrap_or(raw);
            docs.push(Document {
                path: path.clone(),
                index: item.index,
                text: body.to_string(),
            });
        }
    }
    Ok(docs)
}

/// A document's region without its directives: a document with `%YAML`/`%TAG` lines starts
/// there, and its text follows its `---` line. Under an item's `- ` they would be content.
fn without_directives(region: &str) -> &str {
    let text = region.strip_prefix('\u{feff}').unwrap_or(region);
    if !text.starts_with('%') {
        return region;
    }
    let mut at = 0;
    for line in lines_inclusive(text) {
        if line.starts_with("---") {
            return &text[at..];
        }
        at += line.len();
    }
    region
}

/// The package as a ResourceList, documents in order, `function_config` (a config file's
/// text) as the functionConfig.
pub fn resource_list(docs: &[Document], function_config: Option<&str>) -> String {
    let mut out = String::from("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n");
    for doc in docs {
        push_indented(&mut out, &doc.text, "- ");
    }
    if let Some(config) = function_config {
        // A config file may open with `---` (or close with `...`); under a key they would be
        // content, not markers.
        let body: String = lines_inclusive(config)
            .filter(|line| !matches!(line.trim_end(), "---" | "..."))
            .collect();
        out.push_str("functionConfig:\n");
        push_indented(&mut out, &body, "  ");
    }
    out
}

/// Appends `text` as a block node under `first` (`- ` or two spaces): two more spaces on
/// every non-empty line keep block scalars intact.
fn push_indented(out: &mut String, text: &str, first: &str) {
    for (i, line) in lines_inclusive(text).enumerate() {
        if i == 0 {
            out.push_str(first);
        } else if !line.trim_end_matches(['\r', '\n']).is_empty() {
            out.push_str("  ");
        }
        out.push_str(line);
    }
    if !ends_with_line_break(out) {
        out.push('\n');
    }
}

/// What `render` found: the package's files after generation (only files that change), the
/// files to delete, and the results.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Path → new content, for every generated file that changes.
    pub files: BTreeMap<String, String>,
    /// Generated files that no longer hold anything.
    pub deleted: Vec<String>,
    /// The generated objects, in output order (for printing).
    pub objects: Vec<Value>,
    pub results: Vec<KrmResult>,
}

/// Reads a package's documents as one ResourceList (each item annotated with its path and index
/// as kpt would) and runs `f` on it.
pub fn with_list<T>(
    docs: &[Document],
    function_config: Option<&str>,
    limits: &Limits,
    f: impl FnOnce(&ResourceList<'_>) -> T,
) -> Result<T, PackageError> {
    let text = resource_list(docs, function_config);
    let mut list = read_resource_list(&text, "package", limits).map_err(PackageError::Read)?;
    // The package's documents carry no orchestrator annotations; give them kpt's.
    for (item, doc) in list.items.iter_mut().zip(docs) {
        let annotations = &mut item.fields.annotations;
        annotations.retain(|(k, _)| k != PATH && k != INDEX);
        annotations.push((Cow::Borrowed(PATH), Cow::Owned(doc.path.clone())));
        annotations.push((Cow::Borrowed(INDEX), Cow::Owned(doc.index.to_string())));
    }
    Ok(f(&list))
}

/// Runs generation over a package's documents.
pub fn render(
    docs: &[Document],
    function_config: Option<&str>,
    limits: &Limits,
) -> Result<Rendered, PackageError> {
    with_list(docs, function_config, limits, |list| {
        render_list(docs, list, limits)
    })?
}

fn render_list(
    docs: &[Document],
    list: &ResourceList<'_>,
    limits: &Limits,
) -> Result<Rendered, PackageError> {
    let generation = generate::generate(list, limits.max_alias_expansion);
    let mut out = Rendered {
        results: generation.results,
        ..Rendered::default()
    };
    if has_errors(&out.results) {
        return Ok(out);
    }
    let edits = generation.edits;
    if !edits.item_patches.is_empty() {
        let appliers: std::collections::BTreeSet<usize> =
            edits.item_patches.iter().map(|p| p.item).collect();
        out.results.push(KrmResult::warning(format!(
            "spec.annotateAppliers would change {} appliers in your own files, which `render \
             --write` never rewrites (hint: run the function through kustomize or `kpt fn \
             render`, which own those files)",
            appliers.len()
        )));
    }
    // Every file that gets, keeps or loses a generated object, rebuilt from its documents.
    let mut files: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    let mut touched = Vec::new();
    for &index in &edits.remove {
        touched.push(docs[index].path.clone());
    }
    let style = EmitStyle::default();
    let mut replaced = Vec::new();
    for (index, value) in &edits.replace {
        replaced.push(*index);
        out.objects.push(value.clone());
        let (path, file_index) = place_of(value);
        files
            .entry(path)
            .or_default()
            .push((file_index, document_text(value, &style)));
    }
    for value in &edits.append {
        out.objects.push(value.clone());
        let (path, file_index) = place_of(value);
        check_inside(&path)?;
        files
            .entry(path)
            .or_default()
            .push((file_index, document_text(value, &style)));
    }
    for path in touched {
        files.entry(path).or_default();
    }
    // Generated documents the run keeps as they are stay in their files.
    for (i, doc) in docs.iter().enumerate() {
        if !files.contains_key(&doc.path) || edits.remove.contains(&i) || replaced.contains(&i) {
            continue;
        }
        if list.items[i].fields.annotation(GENERATED_BY).is_some() {
            files
                .get_mut(&doc.path)
                .expect("checked above")
                .push((doc.index, doc.text.clone()));
        }
    }
    for (path, mut entries) in files {
        entries.sort_by_key(|(index, _)| *index);
        if entries.is_empty() {
            out.deleted.push(path);
            continue;
        }
        let content = entries
            .into_iter()
            .map(|(_, text)| text)
            .collect::<Vec<_>>()
            .join("---\n");
        let unchanged = docs
            .iter()
            .filter(|d| d.path == path)
            .map(|d| d.text.as_str())
            .collect::<Vec<_>>()
            .join("---\n")
            == content;
        if !unchanged {
            out.files.insert(path, content);
        }
    }
    Ok(out)
}

fn check_inside(path: &str) -> Result<(), PackageError> {
    let outside = Path::new(path).components().any(|c| {
        matches!(
            c,
            Component::ParentDir | Component::RootDir | Component::Prefix(_)
        )
    });
    if outside {
        Err(PackageError::Outside {
            path: path.to_string(),
        })
    } else {
        Ok(())
    }
}

/// The path and index annotations of a generated object.
fn place_of(value: &Value) -> (String, usize) {
    let annotations = &value["metadata"]["annotations"];
    let path = annotations[PATH]
        .as_str()
        .unwrap_or("notifications.yaml")
        .to_string();
    let index = annotations[INDEX]
        .as_str()
        .and_then(|i| i.parse().ok())
        .unwrap_or(0);
    (path, index)
}

/// A generated object as it is written to a file: without the orchestrator's annotations,
/// which say where it goes, not what it is.
pub fn document_text(value: &Value, style: &EmitStyle) -> String {
    let mut value = value.clone();
    if let Some(annotations) = value["metadata"]["annotations"].as_object_mut() {
        annotations.retain(|k, _| {
            !(k.starts_with("internal.config.kubernetes.io/")
                || k == "config.kubernetes.io/path"
                || k == "config.kubernetes.io/index"
                || k == "config.k8s.io/id")
        });
    }
    emit::document(&value, style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_with_directives_is_read_without_them() {
        let dir = std::env::temp_dir().join(format!("an-package-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        let file =
            "\u{feff}%YAML 1.2\n# c\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";
        std::fs::write(dir.join("a.yaml"), file).expect("written");
        let docs = read(&dir, &Limits::default());
        let _ = std::fs::remove_dir_all(&dir);
        let docs = docs.expect("reads");
        assert_eq!(docs.len(), 1);
        assert_eq!(
            docs[0].text,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
        );
    }

    #[test]
    fn documents_with_bare_cr_line_breaks_are_indented_line_by_line() {
        let doc = |text: &str| Document {
            path: "a.yaml".into(),
            index: 0,
            text: text.into(),
        };
        let docs = [doc(
            "apiVersion: v1\rkind: ConfigMap\rmetadata:\r  name: a\r",
        )];
        let text = resource_list(&docs, Some("kind: X\rmetadata:\r  name: c\r"));
        let list = read_resource_list(&text, "test", &Limits::default()).expect("reads");
        assert_eq!(list.items.len(), 1);
        assert_eq!(list.items[0].fields.kind, "ConfigMap");
        assert_eq!(list.items[0].fields.name, "a");
        assert!(list.function_config.is_some());
    }
}
