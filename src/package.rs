//! A package on disk, read the way kpt reads one: every `.yaml`/`.yml` file below the given
//! paths, every KRM document in it, each with its path (relative to the package root) and its
//! index in the file. `render` runs the function over it and writes back only files it owns.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::generate::{self, GENERATED_BY};
use crate::limits::Limits;
use crate::resource_list::orchestrator::{is_orchestrator, INDEX, PATH};
use crate::resource_list::{Item, ReadError, ResourceList};
use crate::results::{has_errors, KrmResult};
use crate::yaml::emit::{self, EmitStyle};

/// A package's YAML files, as read from disk.
#[derive(Debug, Clone, Default)]
pub struct Package {
    pub files: Vec<SourceFile>,
}

/// One file of a package.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the package root, `/`-separated.
    pub path: String,
    /// The file as it is on disk (for messages).
    pub origin: String,
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("{}: {error}", path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(
        "{path}: generated objects would be written outside the package (hint: \
         spec.outputPath must stay inside the package)"
    )]
    Outside { path: String },
}

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

/// The directory a package path stands for: itself, or a file's directory.
pub fn root_dir(root: &Path) -> PathBuf {
    if root.is_file() {
        root.parent().unwrap_or(Path::new("")).to_path_buf()
    } else {
        root.to_path_buf()
    }
}

/// Reads the YAML files of the package rooted at `root`; each must be UTF-8 within the size
/// limit.
pub fn read(root: &Path, limits: &Limits) -> Result<Package, PackageError> {
    let base = root_dir(root);
    let reader = generate::reader(limits);
    let mut files = Vec::new();
    for file in yaml_files(root)? {
        let bytes = std::fs::read(&file).map_err(|error| PackageError::Io {
            path: file.clone(),
            error,
        })?;
        let origin = file.display().to_string();
        reader.decode(&bytes, &origin)?;
        let text = String::from_utf8(bytes).unwrap_or_default();
        files.push(SourceFile {
            path: relative(&base, &file),
            origin,
            text,
        });
    }
    Ok(Package { files })
}

impl Package {
    /// The package as one list: every object of every file, in order, each annotated with its
    /// path and index as kpt would, and `function_config` (a config file's text) as the
    /// functionConfig. Documents that are not objects (no apiVersion or kind) are left out.
    pub fn list<'p>(
        &'p self,
        function_config: Option<(&'p str, &str)>,
        limits: &Limits,
    ) -> Result<ResourceList<'p>, PackageError> {
        let reader = generate::reader(limits);
        let mut streams = Vec::with_capacity(self.files.len());
        for file in &self.files {
            let mut stream = reader.stream(&file.text, &file.origin)?;
            stream
                .items
                .retain(|item| !item.fields.kind.is_empty() && !item.fields.api_version.is_empty());
            for item in &mut stream.items {
                // The package's documents carry no orchestrator annotations; give them kpt's.
                let annotations = &mut item.fields.annotations;
                annotations.retain(|(k, _)| k != PATH && k != INDEX);
                annotations.push((Cow::Borrowed(PATH), Cow::Borrowed(file.path.as_str())));
                annotations.push((Cow::Borrowed(INDEX), Cow::Owned(item.index.to_string())));
            }
            streams.push(stream);
        }
        let config = match function_config {
            Some((text, origin)) => reader.object(text, origin)?,
            None => None,
        };
        Ok(ResourceList::compose(streams, config))
    }
}

/// A built YAML stream (what `kubectl kustomize` prints) as one list, its documents annotated
/// with `origin` as their path and their position as index, so that results point at
/// `origin:line:column`. Documents that are not objects are left out, as in a package; the
/// list is read from, never spliced.
pub fn built<'t>(
    text: &'t str,
    origin: &'t str,
    limits: &Limits,
) -> Result<ResourceList<'t>, ReadError> {
    let reader = generate::reader(limits);
    let mut stream = reader.stream(text, origin)?;
    stream
        .items
        .retain(|item| !item.fields.kind.is_empty() && !item.fields.api_version.is_empty());
    for item in &mut stream.items {
        let annotations = &mut item.fields.annotations;
        annotations.retain(|(k, _)| k != PATH && k != INDEX);
        annotations.push((Cow::Borrowed(PATH), Cow::Borrowed(origin)));
        annotations.push((Cow::Borrowed(INDEX), Cow::Owned(item.index.to_string())));
    }
    // Numbered anew: only objects are items.
    Ok(ResourceList::compose([stream], None))
}

/// What `render` found: the package's files after generation (only files that change), the
/// files to delete, and the results.
#[derive(Debug, Default)]
pub struct RenderedPackage {
    /// Path → new content, for every generated file that changes.
    pub files: BTreeMap<String, String>,
    /// Generated files that no longer hold anything.
    pub deleted: Vec<String>,
    /// The generated objects, in output order (for printing).
    pub objects: Vec<Value>,
    pub results: Vec<KrmResult>,
}

/// Runs generation over a package's list (see [`Package::list`]).
pub fn render(list: &ResourceList<'_>, limits: &Limits) -> Result<RenderedPackage, PackageError> {
    let generation = generate::generate(list, limits);
    let mut out = RenderedPackage {
        results: generation.results,
        ..RenderedPackage::default()
    };
    if has_errors(&out.results) {
        return Ok(out);
    }
    let edits = generation.edits;
    if !edits.item_patches.is_empty() {
        let objects: BTreeSet<usize> = edits.item_patches.iter().map(|p| p.item).collect();
        out.results.push(KrmResult::warning(format!(
            "spec.annotateAppliers would change {} object{} in your own files, which `render \
             --write` never rewrites (hint: run the function through kustomize or `kpt fn \
             render`, which own those files)",
            objects.len(),
            if objects.len() == 1 { "" } else { "s" }
        )));
    }
    let path_of = |index: usize| {
        list.items[index]
            .fields
            .annotation(PATH)
            .unwrap_or_default()
    };
    // Every file that gets, keeps or loses a generated object, rebuilt from its documents.
    let mut files: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    for &index in &edits.remove {
        files.entry(path_of(index).to_string()).or_default();
    }
    let style = EmitStyle::default();
    let mut replaced = BTreeSet::new();
    for (index, value) in &edits.replace {
        replaced.insert(*index);
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
    let removed: BTreeSet<usize> = edits.remove.iter().copied().collect();
    // A file is rewritten or deleted only when it holds nothing but generated objects: a
    // generated object copied into a file of the user's (a bad merge, a copy-paste) is
    // reported, and the file is left as it is. Rebuilding it from its generated documents
    // would drop the user's objects, or delete the file.
    let foreign: Vec<&Item<'_>> = list
        .items
        .iter()
        .filter(|item| item.fields.annotation(GENERATED_BY).is_none())
        .filter(|item| files.contains_key(path_of(item.index)))
        .collect();
    if !foreign.is_empty() {
        let mut reported = BTreeSet::new();
        for own in foreign {
            let path = path_of(own.index);
            if !reported.insert(path) {
                continue;
            }
            let generated: Vec<String> = list
                .items
                .iter()
                .filter(|item| path_of(item.index) == path)
                .filter(|item| item.fields.annotation(GENERATED_BY).is_some())
                .map(|item| format!("{} {}", item.fields.kind, item.fields.name))
                .collect();
            let what = if generated.is_empty() {
                "would get a generated object".to_string()
            } else {
                format!("holds generated {}", generated.join(", "))
            };
            out.results.push(
                KrmResult::error(format!(
                    "{path} {what} next to objects of your own ({} {} first): `render` rewrites \
                     only files that hold nothing but generated objects, and wrote nothing \
                     (hint: delete the generated copy from this file, or move it into a file \
                     of its own)",
                    own.fields.kind, own.fields.name
                ))
                .about(own),
            );
        }
        out.objects.clear();
        return Ok(out);
    }
    // Generated documents the run keeps as they are stay in their files.
    for item in &list.items {
        let Some(entries) = files.get_mut(path_of(item.index)) else {
            continue;
        };
        // Every item here is generated (see `foreign` above).
        if !removed.contains(&item.index) && !replaced.contains(&item.index) {
            let file_index = item.fields.annotation(INDEX).and_then(|i| i.parse().ok());
            entries.push((file_index.unwrap_or(0), item.document_text().to_string()));
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
        let unchanged = list
            .items
            .iter()
            .filter(|item| path_of(item.index) == path)
            .map(|item| item.document_text())
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
        annotations.retain(|k, _| !is_orchestrator(k));
    }
    emit::document(&value, style)
}
