//! Lines as YAML counts them: a line ends with LF, CRLF, or a CR on its own (YAML 1.2, 5.4).
//! The parser breaks lines there, so everything that works out lines from byte offsets (item
//! regions, insertion points, re-indenting an item) must too.

/// Whether a line break ends right before `pos`, or `pos` is 0: where a line starts.
pub fn at_line_start(src: &str, pos: usize) -> bool {
    let bytes = src.as_bytes();
    match pos.checked_sub(1).map(|i| bytes[i]) {
        None | Some(b'\n') => true,
        // The CR of a CRLF is not a line break of its own.
        Some(b'\r') => bytes.get(pos) != Some(&b'\n'),
        Some(_) => false,
    }
}

/// The start of the line that holds `pos`.
pub fn line_start(src: &str, pos: usize) -> usize {
    let bytes = src.as_bytes();
    let mut end = pos;
    loop {
        match bytes[..end].iter().rposition(|&b| b == b'\n' || b == b'\r') {
            None => return 0,
            // `pos` is at the LF of a CRLF: that CRLF ends this line.
            Some(cr) if bytes[cr] == b'\r' && bytes.get(cr + 1) == Some(&b'\n') => end = cr,
            Some(brk) => return brk + 1,
        }
    }
}

/// `pos` if it is at the start of a line; otherwise the start of the next line (or the end of
/// the input). Used to extend an item's last content to the end of its line, so a trailing
/// comment on that line stays with the item.
pub fn line_end_after(src: &str, pos: usize) -> usize {
    if at_line_start(src, pos) {
        return pos;
    }
    let bytes = src.as_bytes();
    match bytes[pos..].iter().position(|&b| b == b'\n' || b == b'\r') {
        None => bytes.len(),
        Some(i) => pos + i + break_len(bytes, pos + i),
    }
}

/// The length of the line break at `at` (a CR or LF): 2 for CRLF.
fn break_len(bytes: &[u8], at: usize) -> usize {
    if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
        2
    } else {
        1
    }
}

/// The lines of `text`, each with its line break (the last one may have none).
pub fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let bytes = rest.as_bytes();
        let end = match bytes.iter().position(|&b| b == b'\n' || b == b'\r') {
            None => bytes.len(),
            Some(i) => i + break_len(bytes, i),
        };
        let (line, tail) = rest.split_at(end);
        rest = tail;
        Some(line)
    })
}

/// Whether `text` ends with a line break.
pub fn ends_with_line_break(text: &str) -> bool {
    text.ends_with(['\n', '\r'])
}

/// How many line breaks `text` holds (a CRLF is one).
pub fn count_line_breaks(text: &str) -> usize {
    lines_inclusive(text)
        .filter(|line| ends_with_line_break(line))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_cr_is_a_line_break_and_crlf_is_one() {
        let src = "a\rb\r\nc\nd";
        assert_eq!(
            lines_inclusive(src).collect::<Vec<_>>(),
            ["a\r", "b\r\n", "c\n", "d"]
        );
        assert_eq!(count_line_breaks(src), 3);
        assert_eq!(line_start(src, 3), 2);
        // At the LF of a CRLF: still the line that CRLF ends.
        assert_eq!(line_start(src, 4), 2);
        assert_eq!(line_start(src, 5), 5);
        assert!(at_line_start(src, 2) && !at_line_start(src, 4) && at_line_start(src, 5));
        assert_eq!(line_end_after(src, 1), 2);
        assert_eq!(line_end_after(src, 3), 5);
        assert_eq!(line_end_after(src, 4), 5);
        assert_eq!(line_end_after(src, 6), 7);
        assert_eq!(line_end_after(src, 8), 8);
        assert_eq!(line_end_after("a\r", 2), 2);
    }
}
