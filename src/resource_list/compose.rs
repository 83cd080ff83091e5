//! Lists made of other inputs, and the text and value of one item: the one place that knows
//! how an item's bytes relate to the object they hold.
//!
//! A package's files are read one stream each and their items put into one list without
//! writing any text; an item's value is read from its own bytes.

use std::rc::Rc;

use serde_json::Value;

use super::reader::Reader;
use super::{Envelope, Item, ItemsContainer, Layout, Notation, ResourceList, RootInsert};
use crate::yaml::emit::LineEnding;
use crate::yaml::lines::{ends_with_line_break, lines_inclusive};
use crate::yaml::tree::{ExpansionBudget, Node};

impl<'a> ResourceList<'a> {
    /// One list of the items of `parts` (streams read from the files of a package), in order
    /// and numbered anew, with `function_config`. Each item keeps its own source text; the list
    /// has none, so it is read and generated from but never spliced.
    pub fn compose(
        parts: impl IntoIterator<Item = ResourceList<'a>>,
        function_config: Option<Rc<Node<'a>>>,
    ) -> ResourceList<'a> {
        let mut items = Vec::new();
        for part in parts {
            for mut item in part.items {
                item.index = items.len();
                items.push(item);
            }
        }
        ResourceList {
            source: "",
            notation: Notation::Yaml,
            envelope: Envelope::Composed,
            layout: Layout {
                line_ending: LineEnding::Lf,
                indent_sequences: false,
                item_col: 0,
                key_col: 0,
            },
            items,
            container: ItemsContainer::Missing,
            function_config,
            function_config_text: None,
            results: None,
            root_insert: RootInsert::Block { at: 0, key_col: 0 },
        }
    }

    /// An item's whole value, read again from its own bytes. The reader keeps only the fields
    /// it was asked for, so this is for the few items that need more (`check` compares
    /// generated objects). `None` when the item's text cannot stand alone (an alias to an
    /// anchor in another item) or expands past the alias budget.
    pub fn item_value(&self, item: &Item<'a>, reader: &Reader<'_>) -> Option<Value> {
        let node = reader.object(item.text(), "item").ok()??;
        // A block item's text is its `- ` entry: a sequence of one.
        let node = match (&self.container, &*node) {
            (ItemsContainer::Block { .. }, Node::Seq(entries)) => entries.first()?.clone(),
            _ => node,
        };
        node.to_json(&mut ExpansionBudget::new(reader.limits.max_alias_expansion))
            .ok()
    }
}

impl<'a> Item<'a> {
    /// The item's bytes: its `- ` entry (block), its node (flow, JSON) or its document, with
    /// any `---` line and directives (stream).
    pub fn text(&self) -> &'a str {
        &self.source[self.region.clone()]
    }

    /// The object's text as it would stand in a file of its own: a stream document without
    /// its byte order mark, directives and `---` marker line.
    pub fn document_text(&self) -> &'a str {
        document_body(self.text())
    }
}

/// A stream document's text without the byte order mark, directives (`%YAML`, `%TAG`) and the
/// `---` marker that may open it; content may follow the marker on its line.
fn document_body(raw: &str) -> &str {
    let text = raw.strip_prefix('\u{feff}').unwrap_or(raw);
    let mut rest = text;
    if text.starts_with('%') {
        let mut at = 0;
        for line in lines_inclusive(text) {
            if line.starts_with("---") {
                rest = &text[at..];
                break;
            }
            at += line.len();
        }
    }
    match rest.strip_prefix("---") {
        Some(after) => after
            .trim_start_matches([' ', '\t'])
            .trim_start_matches(['\r', '\n']),
        None => rest,
    }
}

/// A ResourceList written out: `documents` (objects as they stand in files) as `items` and
/// `function_config` (a config file's text) as the `functionConfig`. This is the text
/// kustomize or kpt would send a function for them.
pub fn write_resource_list<'t>(
    documents: impl IntoIterator<Item = &'t str>,
    function_config: Option<&str>,
) -> String {
    let mut out = String::from("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n");
    for doc in documents {
        push_indented(&mut out, doc, "- ");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::resource_list::ReadSpec;

    fn reader() -> Reader<'static> {
        Reader::new(Limits::default(), &ReadSpec::PLAIN)
    }

    #[test]
    fn a_document_with_directives_is_read_without_them() {
        let file =
            "\u{feff}%YAML 1.2\n# c\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";
        let list = reader().stream(file, "a.yaml").expect("reads");
        assert_eq!(
            list.items[0].document_text(),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
        );
    }

    #[test]
    fn documents_with_bare_cr_line_breaks_are_indented_line_by_line() {
        let text = write_resource_list(
            ["apiVersion: v1\rkind: ConfigMap\rmetadata:\r  name: a\r"],
            Some("kind: X\rmetadata:\r  name: c\r"),
        );
        let list = reader().resource_list(&text, "test").expect("reads");
        assert_eq!(list.items.len(), 1);
        assert_eq!(list.items[0].fields.kind, "ConfigMap");
        assert_eq!(list.items[0].fields.name, "a");
        assert!(list.function_config.is_some());
    }

    #[test]
    fn an_item_with_bare_cr_line_breaks_reads_again_whole() {
        let src = "apiVersion: config.kubernetes.io/v1\rkind: ResourceList\ritems:\r\
                   - kind: A\r  metadata:\r    name: a\r  data: |\r    x\r";
        let list = reader().resource_list(src, "test").expect("reads");
        let value = list.item_value(&list.items[0], &reader());
        assert_eq!(
            value,
            Some(serde_json::json!({"kind": "A", "metadata": {"name": "a"}, "data": "x\n"}))
        );
    }

    #[test]
    fn items_of_every_container_read_again_whole() {
        let expected = serde_json::json!({"kind": "A", "metadata": {"name": "a"}});
        for src in [
            "apiVersion: v1\nkind: List\nitems:\n  - kind: A\n    metadata: {name: a}\n",
            "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [{\"kind\": \"A\", \
             \"metadata\": {\"name\": \"a\"}}]}",
        ] {
            let list = reader().resource_list(src, "test").expect("reads");
            assert_eq!(
                list.item_value(&list.items[0], &reader()),
                Some(expected.clone())
            );
        }
        let stream = reader()
            .stream("%YAML 1.2\n---\nkind: A\nmetadata: {name: a}\n", "s")
            .expect("reads");
        assert_eq!(
            stream.item_value(&stream.items[0], &reader()),
            Some(expected)
        );
    }

    #[test]
    fn composed_lists_number_items_in_order_and_keep_each_source() {
        let (a, b) = ("kind: A\n---\nkind: B\n", "kind: C\n");
        let list = ResourceList::compose(
            [
                reader().stream(a, "a").unwrap(),
                reader().stream(b, "b").unwrap(),
            ],
            None,
        );
        let kinds: Vec<(usize, &str, &str)> = list
            .items
            .iter()
            .map(|i| (i.index, i.fields.kind.as_ref(), i.document_text()))
            .collect();
        assert_eq!(
            kinds,
            [
                (0, "A", "kind: A\n"),
                (1, "B", "kind: B\n"),
                (2, "C", "kind: C\n")
            ]
        );
    }

    #[test]
    fn an_object_is_one_document() {
        let node = reader()
            .object("---\nkind: A\n...\n", "c")
            .unwrap()
            .unwrap();
        assert_eq!(
            node.to_json(&mut ExpansionBudget::new(10)).unwrap(),
            serde_json::json!({"kind": "A"})
        );
        assert!(reader().object("", "c").unwrap().is_none());
        assert!(reader().object("---\n", "c").unwrap().is_none());
        let err = reader().object("kind: A\n---\nkind: B\n", "c").unwrap_err();
        assert_eq!(err.location.map(|l| l.line), Some(3));
    }
}
