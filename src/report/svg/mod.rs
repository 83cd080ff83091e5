//! The coverage picture as a self-contained SVG: app → environment → Alert → Provider →
//! covered objects, in columns, left to right, plus uncovered appliers and overlaps.
//!
//! Mermaid and DOT get a graph (one node per object) because their tools lay it out. Here the
//! layout is ours, and a graph would route hundreds of edges into a Provider shared by a whole
//! fleet; so the picture is a tree with one row per covered object, the way the table reads:
//! an object covered by two Alerts shows under each (highlighted when both go to one Provider).
//!
//! Everything is computed from the audit alone (no fonts measured, no clock, no hash order), so
//! the same audit gives the same bytes. Styling is in presentation attributes, not a `<style>`
//! sheet, so the picture can be inlined into a page without its rules leaking into the page.

mod draw;
mod layout;

pub(super) use draw::svg;
