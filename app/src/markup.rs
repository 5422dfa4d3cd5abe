//! ODK's markdown subset in labels and hints, rendered safely.
//!
//! XLSForm labels, hints and guidance hints may carry `**bold**`/`__bold__`,
//! `*italic*`/`_italic_`, `# heading` to `###### heading` at a line start,
//! `[text](https://url)` links, line breaks and
//! `<span style="color: …; font-family: …">…</span>`. [`parse`] turns a
//! text into a small tree of exactly those constructs (no browser needed, so
//! it is tested natively) and [`render`] builds leptos elements from it.
//!
//! **Safety.** Nothing here ever produces HTML source: text becomes DOM text
//! nodes (leptos escapes it) and the only elements are the ones built in
//! [`render`]. Any other HTML (`<script>`, `<img onerror=…>`, a span with
//! another attribute or another CSS property) stays literal text. Links are
//! kept only for `http:`, `https:`, `mailto:` and `tel:` and open in a new
//! tab (`noopener noreferrer`); span colors must be `#rgb`, `#rrggbb`,
//! `rgb(n,n,n)` or a named color, font families only letters, digits,
//! spaces, hyphens, commas and quotes, so no value can reach `url(…)` or
//! start another declaration. This matters because answers are filled into
//! texts (`${name}`), so part of a label is typed by whoever fills the form.
//!
//! **Emphasis** follows CommonMark's delimiter-run rules: intraword
//! underscores (`hh_size`) stay literal, a `*` between spaces (`2 * 3`)
//! stays literal, unclosed markers stay literal, `***x***` nests, and `\`
//! escapes ASCII punctuation. Unlike CommonMark, every line break is kept
//! (ODK shows each line of a label on its own line); a blank line starts a
//! new paragraph. Nothing else of CommonMark (lists, code, entities) is
//! recognised: it stays text.
//!
//! **Headings** render as `<span class="md-h1">` (styled in `style.css`),
//! not `<h1>`: a `<label>` may not contain headings, and a form's labels
//! must not reshape the page's heading outline.
//!
//! **Hand-written, not `pulldown-cmark`.** Measured on the release bundle
//! (`trunk build --release --offline`, as `cargo xtask build-app` runs it,
//! wasm-opt `-Oz`; one copy of the same commit, `gzip -c | wc -c`):
//!
//! | bundle                                              | wasm bytes | gzipped |
//! |-----------------------------------------------------|-----------:|--------:|
//! | without markup                                      |    752,169 | 319,301 |
//! | this module (parser + rendering)                    |    772,474 | 328,124 |
//! | `pulldown-cmark` 0.13.6, `default-features = false` |    910,578 | 388,162 |
//!
//! The crate (driving the same tree and filters) costs +69 KB gzipped
//! (+158 KB raw), over twice the ~30 KB budget; this parser +8.8 KB,
//! rendering included. The crate would also parse far more than ODK's
//! subset (lists, code, entities, HTML blocks) that would have to be
//! turned back into text, and the span and link filtering here would still
//! be needed.
//!
//! Labels redraw on every keystroke that changes a `${value}` they show, so
//! [`render`] takes a fast path for text with no markup characters at all:
//! the text itself, no tree.

use leptos::prelude::*;

/// A block: one paragraph, or one heading line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    /// `level` is 1 to 6.
    Heading {
        level: u8,
        children: Vec<Inline>,
    },
}

/// Inline content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Strong(Vec<Inline>),
    Emphasis(Vec<Inline>),
    /// `href` has an allowed scheme (see [`allowed_href`]).
    Link {
        href: String,
        children: Vec<Inline>,
    },
    /// At least one of `color` and `font_family` is set, both validated.
    Span {
        color: Option<String>,
        font_family: Option<String>,
        children: Vec<Inline>,
    },
    LineBreak,
}

/// Whether `text` may contain markup. Plain text is most labels, so this is
/// the fast path: a scan for the few bytes that can start a construct.
pub fn has_markup(text: &str) -> bool {
    text.bytes()
        .any(|b| matches!(b, b'*' | b'_' | b'[' | b'<' | b'\\' | b'\n'))
        || heading(text).is_some()
}

/// Parses `text` into blocks. Never fails: what is not markup is text.
pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    // The current paragraph, as a byte range of `text` (it keeps its line
    // breaks, which become `LineBreak`s).
    let mut paragraph: Option<(usize, usize)> = None;
    let flush = |paragraph: &mut Option<(usize, usize)>, blocks: &mut Vec<Block>| {
        if let Some((start, end)) = paragraph.take() {
            blocks.push(Block::Paragraph(inlines(&text[start..end])));
        }
    };
    let mut offset = 0;
    for raw in text.split('\n') {
        let start = offset;
        offset += raw.len() + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some((level, content)) = heading(line) {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Heading {
                level,
                children: inlines(content),
            });
        } else if line.trim().is_empty() {
            flush(&mut paragraph, &mut blocks);
        } else {
            let end = start + line.len();
            paragraph = Some(paragraph.map_or((start, end), |(s, _)| (s, end)));
        }
    }
    flush(&mut paragraph, &mut blocks);
    blocks
}

/// Renders `text` as leptos elements (see the module docs).
pub fn render(text: &str) -> AnyView {
    if !has_markup(text) {
        return text.to_owned().into_any();
    }
    match <[Block; 1]>::try_from(parse(text)) {
        // A single paragraph stays inline: no wrapper, as plain text would be.
        Ok([Block::Paragraph(children)]) => inlines_view(children).into_any(),
        Ok([block]) => block_view(block),
        Err(blocks) => blocks
            .into_iter()
            .map(block_view)
            .collect::<Vec<_>>()
            .into_any(),
    }
}

fn block_view(block: Block) -> AnyView {
    match block {
        Block::Paragraph(children) => {
            view! { <span class="md-p">{inlines_view(children)}</span> }.into_any()
        }
        Block::Heading { level, children } => {
            let class = match level {
                1 => "md-h1",
                2 => "md-h2",
                3 => "md-h3",
                4 => "md-h4",
                5 => "md-h5",
                _ => "md-h6",
            };
            view! { <span class=class>{inlines_view(children)}</span> }.into_any()
        }
    }
}

fn inlines_view(nodes: Vec<Inline>) -> Vec<AnyView> {
    nodes.into_iter().map(inline_view).collect()
}

fn inline_view(node: Inline) -> AnyView {
    match node {
        // A text node: leptos never parses it as HTML.
        Inline::Text(text) => text.into_any(),
        Inline::Strong(children) => view! { <strong>{inlines_view(children)}</strong> }.into_any(),
        Inline::Emphasis(children) => view! { <em>{inlines_view(children)}</em> }.into_any(),
        Inline::Link { href, children } => view! {
            <a href=href target="_blank" rel="noopener noreferrer">{inlines_view(children)}</a>
        }
        .into_any(),
        Inline::Span {
            color,
            font_family,
            children,
        } => {
            // Both values were validated: neither can contain `;`, `:`, `(`
            // (beyond `rgb(`) or `\`, so this is exactly two declarations.
            let mut style = String::new();
            if let Some(color) = color {
                style.push_str("color:");
                style.push_str(&color);
                style.push(';');
            }
            if let Some(font) = font_family {
                style.push_str("font-family:");
                style.push_str(&font);
            }
            view! { <span style=style>{inlines_view(children)}</span> }.into_any()
        }
        Inline::LineBreak => view! { <br /> }.into_any(),
    }
}

/// An ATX heading line (`## Title`): its level and content. As in
/// CommonMark, at most three spaces of indent and a space after the hashes
/// (`#hashtag` and `#1` stay text); an optional closing run of `#` is
/// dropped. An empty heading stays text.
fn heading(line: &str) -> Option<(u8, &str)> {
    let rest = line.trim_start_matches(' ');
    if line.len() - rest.len() > 3 {
        return None;
    }
    let hashes = rest.bytes().take_while(|&b| b == b'#').count();
    let level = u8::try_from(hashes).ok().filter(|l| (1..=6).contains(l))?;
    let after = &rest[hashes..];
    if !after.starts_with([' ', '\t']) {
        return None;
    }
    let mut content = after.trim();
    let unclosed = content.trim_end_matches('#');
    if unclosed.len() < content.len() && (unclosed.is_empty() || unclosed.ends_with([' ', '\t'])) {
        content = unclosed.trim_end();
    }
    (!content.is_empty()).then_some((level, content))
}

/// Whether a link may point at `href`: only web, mail and phone links,
/// never `javascript:`, `data:` or a relative URL (no whitespace or control
/// characters either, which browsers strip inside schemes).
pub fn allowed_href(href: &str) -> bool {
    let Some((scheme, rest)) = href.split_once(':') else {
        return false;
    };
    ["http", "https", "mailto", "tel"]
        .iter()
        .any(|s| scheme.eq_ignore_ascii_case(s))
        && !rest.is_empty()
        && !href.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `#rgb`, `#rrggbb`, `rgb(n,n,n)` (0-255) or a named color (letters only).
fn is_color(value: &str) -> bool {
    if let Some(hex) = value.strip_prefix('#') {
        return matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(args) = value
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("rgb("))
        .and_then(|_| value[4..].strip_suffix(')'))
    {
        let parts: Vec<&str> = args.split(',').map(str::trim).collect();
        return parts.len() == 3
            && parts.iter().all(|p| {
                (1..=3).contains(&p.len())
                    && p.bytes().all(|b| b.is_ascii_digit())
                    && p.parse::<u16>().is_ok_and(|n| n <= 255)
            });
    }
    (1..=32).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Letters, digits, spaces, hyphens, commas and balanced quotes only.
fn is_font_family(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 200
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | ',' | '"' | '\''))
        && value.matches('"').count().is_multiple_of(2)
        && value.matches('\'').count().is_multiple_of(2)
}

/// The declarations of a span's `style`: only `color` and `font-family`,
/// valid values, at least one. Anything else refuses the whole span.
fn parse_style(style: &str) -> Option<(Option<String>, Option<String>)> {
    let (mut color, mut font_family) = (None, None);
    for declaration in style.split(';') {
        let declaration = declaration.trim();
        if declaration.is_empty() {
            continue;
        }
        let (property, value) = declaration.split_once(':')?;
        let (property, value) = (property.trim(), value.trim());
        if property.eq_ignore_ascii_case("color") && is_color(value) {
            color = Some(value.to_owned());
        } else if property.eq_ignore_ascii_case("font-family") && is_font_family(value) {
            font_family = Some(value.to_owned());
        } else {
            return None;
        }
    }
    (color.is_some() || font_family.is_some()).then_some((color, font_family))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.get(..prefix.len())
        .filter(|p| p.eq_ignore_ascii_case(prefix))
        .map(|_| &text[prefix.len()..])
}

/// `<span style="…">` (or single quotes) starting at `src`, which begins
/// with `<`: its length and its style. Exactly one attribute, `style`.
fn span_open(src: &str) -> Option<(usize, Option<String>, Option<String>)> {
    let rest = strip_prefix_ignore_case(src.strip_prefix('<')?, "span")?;
    let attr = rest.trim_start();
    if attr.len() == rest.len() {
        return None;
    }
    let rest = strip_prefix_ignore_case(attr, "style")?;
    let rest = rest.trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|&q| q == '"' || q == '\'')?;
    let (value, rest) = rest[1..].split_once(quote)?;
    let rest = rest.trim_start().strip_prefix('>')?;
    let (color, font_family) = parse_style(value)?;
    Some((src.len() - rest.len(), color, font_family))
}

/// `</span>` (spaces allowed before `>`) starting at `src`: its length.
fn span_close(src: &str) -> Option<usize> {
    let rest = strip_prefix_ignore_case(src, "</span")?;
    let rest = rest.trim_start().strip_prefix('>')?;
    Some(src.len() - rest.len())
}

/// `(destination)` right after a link's `]`: the destination and the length
/// up to and including `)`. Balanced parentheses are allowed inside
/// (`https://en.wikipedia.org/wiki/Rust_(language)`), whitespace is not.
fn link_destination(src: &str) -> Option<(&str, usize)> {
    let inner = src.strip_prefix('(')?;
    let dest = inner.trim_start_matches([' ', '\t']);
    let mut depth = 0usize;
    let mut end = None;
    for (k, c) in dest.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => {
                end = Some(k);
                break;
            }
            ')' => depth -= 1,
            c if c.is_whitespace() || c.is_control() => {
                end = Some(k);
                break;
            }
            _ => {}
        }
    }
    let end = end?;
    let href = &dest[..end];
    let after = dest[end..].trim_start_matches([' ', '\t']);
    let after = after.strip_prefix(')')?;
    (!href.is_empty()).then_some((href, src.len() - after.len()))
}

/// CommonMark's "Unicode whitespace" (the start and end of a paragraph
/// count as whitespace).
fn is_space(c: Option<char>) -> bool {
    c.is_none_or(char::is_whitespace)
}

/// Punctuation or symbol, approximated without Unicode tables: anything
/// that is not a letter, a digit, whitespace or a control character.
fn is_punct(c: Option<char>) -> bool {
    c.is_some_and(|c| !(c.is_alphanumeric() || c.is_whitespace() || c.is_control()))
}

/// What a link or span opener becomes once it is closed.
#[derive(Debug)]
enum Container {
    Strong,
    Emphasis,
    Link(String),
    Span {
        color: Option<String>,
        font_family: Option<String>,
    },
}

impl Container {
    fn wrap(self, children: Vec<Inline>) -> Inline {
        match self {
            Container::Strong => Inline::Strong(children),
            Container::Emphasis => Inline::Emphasis(children),
            Container::Link(href) => Inline::Link { href, children },
            Container::Span { color, font_family } => Inline::Span {
                color,
                font_family,
                children,
            },
        }
    }
}

/// The flat first pass over a paragraph.
#[derive(Debug)]
enum Token {
    /// Literal text, a byte range of the paragraph.
    Text(usize, usize),
    LineBreak,
    /// A run of `*` or `_`, by index into the delimiters.
    Run(usize),
    Open(Container),
    Close,
}

/// A run of `*` or `_` (CommonMark's delimiter stack, kept as a linked list
/// in creation order so that removals are O(1)).
#[derive(Debug)]
struct Delimiter {
    ch: u8,
    /// Characters not yet used by a match; they render as text.
    count: usize,
    original: usize,
    can_open: bool,
    can_close: bool,
    prev: Option<usize>,
    next: Option<usize>,
    /// Matches this run closed, innermost first; `true` for strong.
    closes: Vec<bool>,
    /// Matches this run opened, innermost first.
    opens: Vec<bool>,
}

#[derive(Debug)]
enum BracketKind {
    Link,
    Span {
        color: Option<String>,
        font_family: Option<String>,
    },
}

/// An unclosed `[` or `<span …>`, still literal text until it is closed.
#[derive(Debug)]
struct Bracket {
    token: usize,
    /// Delimiters from this index on are inside the bracket.
    delimiters: usize,
    kind: BracketKind,
    /// False for a `[` inside a finished link: links do not nest.
    active: bool,
}

/// How many `[` and `<span>` may be open at once (ODK labels nest two or
/// three deep).
const MAX_OPEN: usize = 64;

struct InlineParser<'a> {
    src: &'a str,
    tokens: Vec<Token>,
    delimiters: Vec<Delimiter>,
    last: Option<usize>,
    brackets: Vec<Bracket>,
}

/// Parses one paragraph (or heading) into inline nodes.
fn inlines(src: &str) -> Vec<Inline> {
    let mut p = InlineParser {
        src,
        tokens: Vec::new(),
        delimiters: Vec::new(),
        last: None,
        brackets: Vec::new(),
    };
    let bytes = src.as_bytes();
    let (mut i, mut text_start) = (0, 0);
    // Every byte matched below is ASCII, so `i` is always a char boundary
    // when slicing.
    while let Some(&b) = bytes.get(i) {
        let next = match b {
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) => {
                p.text(text_start, i);
                p.text(i + 1, i + 2);
                i + 2
            }
            b'\n' => {
                let end = if i > 0 && bytes[i - 1] == b'\r' {
                    i - 1
                } else {
                    i
                };
                p.text(text_start, end);
                p.tokens.push(Token::LineBreak);
                i + 1
            }
            b'*' | b'_' => {
                p.text(text_start, i);
                let end = i + bytes[i..].iter().take_while(|&&c| c == b).count();
                p.run(i, end);
                end
            }
            b'[' => {
                p.text(text_start, i);
                p.opener(i, i + 1, BracketKind::Link);
                i + 1
            }
            b']' => {
                p.text(text_start, i);
                p.close_link(i)
            }
            b'<' => {
                if let Some((len, color, font_family)) = span_open(&src[i..]) {
                    p.text(text_start, i);
                    p.opener(i, i + len, BracketKind::Span { color, font_family });
                    i + len
                } else if let Some(len) = span_close(&src[i..]) {
                    p.text(text_start, i);
                    p.close_span(i, i + len)
                } else {
                    i += 1;
                    continue;
                }
            }
            _ => {
                i += 1;
                continue;
            }
        };
        i = next;
        text_start = i;
    }
    p.text(text_start, bytes.len());
    p.process_emphasis(0);
    p.build()
}

impl InlineParser<'_> {
    fn text(&mut self, start: usize, end: usize) {
        if start < end {
            self.tokens.push(Token::Text(start, end));
        }
    }

    fn opener(&mut self, start: usize, end: usize, kind: BracketKind) {
        // Beyond this depth an opener stays text: closing scans the stack,
        // and this bound keeps hostile input (`[[[[…`) linear.
        if self.brackets.len() >= MAX_OPEN {
            self.tokens.push(Token::Text(start, end));
            return;
        }
        self.brackets.push(Bracket {
            token: self.tokens.len(),
            delimiters: self.delimiters.len(),
            kind,
            active: true,
        });
        self.tokens.push(Token::Text(start, end));
    }

    /// A run of `*` or `_` from `start` to `end`: whether it can open or
    /// close emphasis depends on its neighbours (CommonMark, 6.2).
    fn run(&mut self, start: usize, end: usize) {
        let ch = self.src.as_bytes()[start];
        let before = self.src[..start].chars().next_back();
        let after = self.src[end..].chars().next();
        let left = !is_space(after) && (!is_punct(after) || is_space(before) || is_punct(before));
        let right = !is_space(before) && (!is_punct(before) || is_space(after) || is_punct(after));
        // `_` must not open or close inside a word (`hh_size`).
        let (can_open, can_close) = if ch == b'*' {
            (left, right)
        } else {
            (
                left && (!right || is_punct(before)),
                right && (!left || is_punct(after)),
            )
        };
        let index = self.delimiters.len();
        self.delimiters.push(Delimiter {
            ch,
            count: end - start,
            original: end - start,
            can_open,
            can_close,
            prev: self.last,
            next: None,
            closes: Vec::new(),
            opens: Vec::new(),
        });
        if let Some(last) = self.last {
            self.delimiters[last].next = Some(index);
        }
        self.last = Some(index);
        self.tokens.push(Token::Run(index));
    }

    fn unlink(&mut self, index: usize) {
        let (prev, next) = (self.delimiters[index].prev, self.delimiters[index].next);
        if let Some(prev) = prev {
            self.delimiters[prev].next = next;
        }
        match next {
            Some(next) => self.delimiters[next].prev = prev,
            None => self.last = prev,
        }
    }

    /// `]` at `at`: a link if a `[` is open and `(allowed-url)` follows,
    /// else a literal `]`. Returns where scanning resumes.
    fn close_link(&mut self, at: usize) -> usize {
        let literal = |p: &mut Self| {
            p.tokens.push(Token::Text(at, at + 1));
            at + 1
        };
        let Some(pos) = self
            .brackets
            .iter()
            .rposition(|b| matches!(b.kind, BracketKind::Link))
        else {
            return literal(self);
        };
        let destination = link_destination(&self.src[at + 1..])
            .filter(|(href, _)| allowed_href(href))
            .filter(|_| self.brackets[pos].active);
        let Some((href, len)) = destination else {
            // A refused link (`javascript:`) stays literal text.
            self.brackets.remove(pos);
            return literal(self);
        };
        let href = href.to_owned();
        // Spans opened inside the link text and not closed there stay text.
        let Some(opener) = self.brackets.drain(pos..).next() else {
            return literal(self);
        };
        self.process_emphasis(opener.delimiters);
        self.tokens[opener.token] = Token::Open(Container::Link(href));
        self.tokens.push(Token::Close);
        for bracket in &mut self.brackets {
            if matches!(bracket.kind, BracketKind::Link) {
                bracket.active = false;
            }
        }
        at + 1 + len
    }

    /// `</span>` from `at` to `end`: closes the innermost open span, else it
    /// is literal text. Returns where scanning resumes.
    fn close_span(&mut self, at: usize, end: usize) -> usize {
        let pos = self
            .brackets
            .iter()
            .rposition(|b| matches!(b.kind, BracketKind::Span { .. }));
        // `[`s opened inside the span and not closed there stay text.
        let Some(opener) = pos.and_then(|pos| self.brackets.drain(pos..).next()) else {
            self.tokens.push(Token::Text(at, end));
            return end;
        };
        self.process_emphasis(opener.delimiters);
        if let BracketKind::Span { color, font_family } = opener.kind {
            self.tokens[opener.token] = Token::Open(Container::Span { color, font_family });
            self.tokens.push(Token::Close);
        }
        end
    }

    /// CommonMark's "process emphasis" over the delimiters from `bottom`
    /// on, which are then all removed from the list.
    fn process_emphasis(&mut self, bottom: usize) {
        let mut first = None;
        let mut cursor = self.last;
        while let Some(i) = cursor.filter(|&i| i >= bottom) {
            first = Some(i);
            cursor = self.delimiters[i].prev;
        }
        // Per closer kind (`*`/`_`, can open, length mod 3): no opener below
        // this index can match it, since an earlier search failed there.
        // This keeps the whole pass linear for pathological input.
        let mut openers_bottom = [[[bottom; 3]; 2]; 2];
        let mut closer = first;
        while let Some(c) = closer {
            let d = &self.delimiters[c];
            if !d.can_close {
                closer = d.next;
                continue;
            }
            let kind = (
                usize::from(d.ch == b'_'),
                usize::from(d.can_open),
                d.original % 3,
            );
            let floor = openers_bottom[kind.0][kind.1][kind.2];
            let mut found = None;
            let mut cursor = d.prev;
            while let Some(o) = cursor.filter(|&o| o >= floor) {
                let od = &self.delimiters[o];
                // The "rule of 3": `*a**b*` is not `<em>a</em><em>b</em>`.
                let sum = od.original + d.original;
                let odd = (od.can_close || d.can_open)
                    && sum.is_multiple_of(3)
                    && !(od.original.is_multiple_of(3) && d.original.is_multiple_of(3));
                if od.ch == d.ch && od.can_open && !odd {
                    found = Some(o);
                    break;
                }
                cursor = od.prev;
            }
            let Some(o) = found else {
                openers_bottom[kind.0][kind.1][kind.2] = c;
                let next = d.next;
                if !d.can_open {
                    self.unlink(c);
                }
                closer = next;
                continue;
            };
            let strong = self.delimiters[o].count >= 2 && self.delimiters[c].count >= 2;
            let used = if strong { 2 } else { 1 };
            self.delimiters[o].count -= used;
            self.delimiters[o].opens.push(strong);
            self.delimiters[c].count -= used;
            self.delimiters[c].closes.push(strong);
            // Runs between the two are now inside the match: text.
            self.delimiters[o].next = Some(c);
            self.delimiters[c].prev = Some(o);
            if self.delimiters[o].count == 0 {
                self.unlink(o);
            }
            if self.delimiters[c].count == 0 {
                closer = self.delimiters[c].next;
                self.unlink(c);
            }
        }
        // Drop this scope's delimiters: an enclosing scope must not see them.
        while let Some(i) = self.last.filter(|&i| i >= bottom) {
            self.last = self.delimiters[i].prev;
        }
        if let Some(last) = self.last {
            self.delimiters[last].next = None;
        }
    }

    /// The tree from the tokens: matches nest properly by construction, so
    /// a stack of open containers suffices.
    fn build(self) -> Vec<Inline> {
        let mut tree = Tree::default();
        let InlineParser {
            src,
            tokens,
            delimiters,
            ..
        } = self;
        for token in tokens {
            match token {
                Token::Text(start, end) => tree.text(&src[start..end]),
                Token::LineBreak => tree.push(Inline::LineBreak),
                Token::Open(container) => tree.open(container),
                Token::Close => tree.close(),
                Token::Run(index) => {
                    let Some(d) = delimiters.get(index) else {
                        continue;
                    };
                    for _ in &d.closes {
                        tree.close();
                    }
                    let ch = if d.ch == b'*' { "*" } else { "_" };
                    tree.text(&ch.repeat(d.count));
                    for &strong in d.opens.iter().rev() {
                        tree.open(if strong {
                            Container::Strong
                        } else {
                            Container::Emphasis
                        });
                    }
                }
            }
        }
        tree.finish()
    }
}

/// How deeply formatting may nest. Deeper markers are dropped (their
/// content stays): the tree is dropped and rendered recursively, and a
/// hostile answer (`*a _b *c …`) must not overflow the stack.
const MAX_DEPTH: usize = 32;

#[derive(Default)]
struct Tree {
    root: Vec<Inline>,
    /// Open containers; `None` for one past [`MAX_DEPTH`], which is dropped.
    open: Vec<(Option<Container>, Vec<Inline>)>,
    depth: usize,
}

impl Tree {
    fn current(&mut self) -> &mut Vec<Inline> {
        match self.open.last_mut() {
            Some((_, children)) => children,
            None => &mut self.root,
        }
    }

    /// Adjacent text merges into one node.
    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let current = self.current();
        if let Some(Inline::Text(last)) = current.last_mut() {
            last.push_str(text);
        } else {
            current.push(Inline::Text(text.to_owned()));
        }
    }

    fn push(&mut self, node: Inline) {
        match node {
            Inline::Text(text) => self.text(&text),
            node => self.current().push(node),
        }
    }

    fn open(&mut self, container: Container) {
        let kept = self.depth < MAX_DEPTH;
        self.depth += usize::from(kept);
        self.open.push((kept.then_some(container), Vec::new()));
    }

    fn close(&mut self) {
        match self.open.pop() {
            Some((Some(container), children)) => {
                self.depth -= 1;
                self.push(container.wrap(children));
            }
            Some((None, children)) => {
                for child in children {
                    self.push(child);
                }
            }
            None => {}
        }
    }

    fn finish(mut self) -> Vec<Inline> {
        while !self.open.is_empty() {
            self.close();
        }
        self.root
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.to_owned())
    }

    fn strong(children: Vec<Inline>) -> Inline {
        Inline::Strong(children)
    }

    fn em(children: Vec<Inline>) -> Inline {
        Inline::Emphasis(children)
    }

    fn link(href: &str, children: Vec<Inline>) -> Inline {
        Inline::Link {
            href: href.to_owned(),
            children,
        }
    }

    /// The inline content of a one-paragraph text.
    fn para(s: &str) -> Vec<Inline> {
        match parse(s).as_slice() {
            [Block::Paragraph(children)] => children.clone(),
            other => panic!("{s:?} is not one paragraph: {other:?}"),
        }
    }

    /// Asserts that `s` is exactly its own text, no markup.
    fn literal(s: &str) {
        assert_eq!(para(s), vec![text(s)], "{s:?} should stay literal");
    }

    #[test]
    fn plain_text_is_one_text_node_and_takes_the_fast_path() {
        assert!(!has_markup("How old is Maria? (years)"));
        literal("How old is Maria? (years)");
        assert!(parse("").is_empty());
        assert!(has_markup("a_b"), "may be markup: parsed, then literal");
    }

    #[test]
    fn bold_with_asterisks_and_underscores() {
        assert_eq!(
            para("a **b** c"),
            vec![text("a "), strong(vec![text("b")]), text(" c")]
        );
        assert_eq!(para("__b__"), vec![strong(vec![text("b")])]);
    }

    #[test]
    fn italic_with_asterisks_and_underscores() {
        assert_eq!(para("*i* x"), vec![em(vec![text("i")]), text(" x")]);
        assert_eq!(para("x _i_"), vec![text("x "), em(vec![text("i")])]);
    }

    #[test]
    fn nesting() {
        assert_eq!(
            para("**bold _and italic_**"),
            vec![strong(vec![text("bold "), em(vec![text("and italic")])])]
        );
        assert_eq!(
            para("*a **b** c*"),
            vec![em(vec![text("a "), strong(vec![text("b")]), text(" c")])]
        );
        assert_eq!(para("***x***"), vec![em(vec![strong(vec![text("x")])])]);
        assert_eq!(
            para("[**go** _now_](https://x.org)"),
            vec![link(
                "https://x.org",
                vec![strong(vec![text("go")]), text(" "), em(vec![text("now")])]
            )]
        );
    }

    #[test]
    fn unclosed_markers_stay_literal() {
        literal("**bold");
        literal("*a");
        literal("a_ b");
        literal("[text](https://x.org");
        literal("[text]");
        literal("text](https://x.org)");
        literal("<span style=\"color:red\">never closed");
        literal("closed </span> only");
        assert_eq!(para("**a*"), vec![text("*"), em(vec![text("a")])]);
    }

    #[test]
    fn intraword_underscores_stay_literal() {
        literal("hh_size");
        literal("snake_case_names and more_snake_case");
        literal("Enter hh_size and hh_others");
        assert_eq!(
            para("_snake_case_"),
            vec![em(vec![text("snake_case")])],
            "only the outer pair emphasises"
        );
    }

    #[test]
    fn lone_asterisks_stay_literal() {
        literal("2 * 3");
        literal("2 * 3 * 4");
        literal("* not a list");
        literal("a * b*");
        assert_eq!(
            para("2*3*4"),
            vec![text("2"), em(vec![text("3")]), text("4")]
        );
    }

    #[test]
    fn escapes_are_literal() {
        assert_eq!(para(r"\*not\* \_em\_"), vec![text("*not* _em_")]);
        assert_eq!(para(r"\# x"), vec![text("# x")]);
        literal(r"C:\path");
    }

    #[test]
    fn headings() {
        for level in 1..=6u8 {
            let hashes = "#".repeat(usize::from(level));
            assert_eq!(
                parse(&format!("{hashes} Title **b** ##")),
                vec![Block::Heading {
                    level,
                    children: vec![text("Title "), strong(vec![text("b")])]
                }]
            );
        }
        literal("####### seven");
        literal("#hashtag");
        literal("#1 priority");
        literal("    # indented four");
        literal("a # b");
    }

    #[test]
    fn multi_line_text_with_a_heading_line() {
        let blocks = parse("# Household\r\nFirst line\n*second* line\n\nNew paragraph\n## Part 2");
        assert_eq!(
            blocks,
            vec![
                Block::Heading {
                    level: 1,
                    children: vec![text("Household")]
                },
                Block::Paragraph(vec![
                    text("First line"),
                    Inline::LineBreak,
                    em(vec![text("second")]),
                    text(" line"),
                ]),
                Block::Paragraph(vec![text("New paragraph")]),
                Block::Heading {
                    level: 2,
                    children: vec![text("Part 2")]
                },
            ]
        );
        // Emphasis may span a line break within a paragraph, as in CommonMark.
        assert_eq!(
            para("**a\nb**"),
            vec![strong(vec![text("a"), Inline::LineBreak, text("b")])]
        );
    }

    #[test]
    fn links_with_allowed_schemes() {
        for href in [
            "http://example.org",
            "https://example.org/a?b=c&d=e#f",
            "HTTPS://EXAMPLE.ORG",
            "mailto:survey@example.org",
            "tel:+40123456789",
            "https://en.wikipedia.org/wiki/Rust_(language)",
        ] {
            assert_eq!(
                para(&format!("see [here]({href}) now")),
                vec![text("see "), link(href, vec![text("here")]), text(" now")],
                "{href}"
            );
        }
    }

    #[test]
    fn links_with_refused_schemes_stay_text() {
        for s in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](data:text/html,<b>x</b>)",
            "[x](vbscript:msgbox)",
            "[x](/relative/path)",
            "[x](example.org)",
            "[x](//evil.example)",
            "[x](https://a b)",
            "[x]()",
        ] {
            assert!(
                !parse(s)
                    .iter()
                    .flat_map(|b| match b {
                        Block::Paragraph(c) | Block::Heading { children: c, .. } => c.iter(),
                    })
                    .any(|n| matches!(n, Inline::Link { .. })),
                "{s:?}"
            );
        }
        literal("[x](javascript:alert(1))");
        // Links do not nest: the inner one wins, the outer stays text.
        assert_eq!(
            para("[a [b](https://b.org)](https://a.org)"),
            vec![
                text("[a "),
                link("https://b.org", vec![text("b")]),
                text("](https://a.org)")
            ]
        );
    }

    #[test]
    fn allowed_spans() {
        let span = |color: Option<&str>, font: Option<&str>, children| Inline::Span {
            color: color.map(str::to_owned),
            font_family: font.map(str::to_owned),
            children,
        };
        assert_eq!(
            para(r#"<span style="color:#f00">red</span>"#),
            vec![span(Some("#f00"), None, vec![text("red")])]
        );
        assert_eq!(
            para(r#"a <span style="color: red; font-family: serif">b **c**</span> d"#),
            vec![
                text("a "),
                span(
                    Some("red"),
                    Some("serif"),
                    vec![text("b "), strong(vec![text("c")])]
                ),
                text(" d")
            ]
        );
        for (s, color, font) in [
            (
                r#"<span style="color:#00FF00;">x</span>"#,
                Some("#00FF00"),
                None,
            ),
            (
                r#"<span style="color: rgb(255, 0, 10)">x</span>"#,
                Some("rgb(255, 0, 10)"),
                None,
            ),
            (
                r#"<SPAN STYLE = "COLOR: Navy" >x</span >"#,
                Some("Navy"),
                None,
            ),
            (
                r#"<span style="font-family: 'Noto Sans', Arial-2, serif">x</span>"#,
                None,
                Some("'Noto Sans', Arial-2, serif"),
            ),
            (
                r#"<span style='font-family: "DejaVu Sans"'>x</span>"#,
                None,
                Some(r#""DejaVu Sans""#),
            ),
        ] {
            assert_eq!(para(s), vec![span(color, font, vec![text("x")])], "{s}");
        }
        assert_eq!(
            para(r#"<span style="color:red">a <span style="font-family:serif">b</span></span>"#),
            vec![span(
                Some("red"),
                None,
                vec![text("a "), span(None, Some("serif"), vec![text("b")])]
            )]
        );
    }

    #[test]
    fn disallowed_styles_and_attributes_stay_text() {
        for s in [
            r#"<span style="background:url(https://evil.example/x)">x</span>"#,
            r#"<span style="color:red; background:url(x)">x</span>"#,
            r#"<span style="color: url(x)">x</span>"#,
            r#"<span style="color: expression(alert(1))">x</span>"#,
            r#"<span style="color:#ff00">x</span>"#,
            r#"<span style="color: rgb(256,0,0)">x</span>"#,
            r#"<span style="font-family: a;b">x</span>"#,
            r#"<span style="font-family: x\3b">x</span>"#,
            r#"<span style="font-family: 'unbalanced">x</span>"#,
            r#"<span style="">x</span>"#,
            r#"<span onclick="alert(1)">x</span>"#,
            r#"<span style="color:red" onclick="alert(1)">x</span>"#,
            r#"<span>x</span>"#,
        ] {
            literal(s);
        }
    }

    #[test]
    fn hostile_html_stays_text() {
        for s in [
            "<script>alert(1)</script>",
            "<img src=x onerror=\"window.__pwned=1\">",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg onload=alert(1)>",
            "</span><script>x</script>",
            "&lt;b&gt; &amp;",
        ] {
            literal(s);
        }
        assert_eq!(
            para(
                r#"<img src=x onerror="window.__pwned=1">**bold** <script>window.__pwned=2</script>"#
            ),
            vec![
                text(r#"<img src=x onerror="window.__pwned=1">"#),
                strong(vec![text("bold")]),
                text(" <script>window.__pwned=2</script>"),
            ]
        );
    }

    #[test]
    fn links_and_spans_nest_properly_or_stay_text() {
        // A span left open inside link text stays text; the link still works.
        assert_eq!(
            para(r#"[a <span style="color:red">b](https://x.org)</span>"#),
            vec![
                link(
                    "https://x.org",
                    vec![text(r#"a <span style="color:red">b"#)]
                ),
                text("</span>")
            ]
        );
        // Emphasis cannot cross a link's boundary.
        assert_eq!(
            para("*a [b* c](https://x.org)"),
            vec![text("*a "), link("https://x.org", vec![text("b* c")])]
        );
    }

    #[test]
    fn pathological_input_is_fast_and_total() {
        let many = "*a _b [c <span style=\"color:red\">d ".repeat(5_000);
        let started = std::time::Instant::now();
        let blocks = parse(&many);
        assert_eq!(blocks.len(), 1);
        let stars = "*".repeat(20_000) + "x" + &"_".repeat(20_000);
        parse(&stars);
        let brackets = "[".repeat(10_000) + &"<span style='color:red'>".repeat(10_000);
        parse(&(brackets + &"]".repeat(10_000) + &"</span>".repeat(10_000)));
        let alternating = "*a _b ".repeat(20_000) + &"c* d_ ".repeat(20_000);
        let depth = |mut nodes: &[Inline]| {
            let mut depth = 0;
            while let Some(Inline::Emphasis(children)) =
                nodes.iter().find(|n| !matches!(n, Inline::Text(_)))
            {
                depth += 1;
                nodes = children;
            }
            depth
        };
        assert_eq!(depth(&para(&alternating)), MAX_DEPTH);
        assert!(
            started.elapsed().as_secs() < 5,
            "took {:?}",
            started.elapsed()
        );
        // Multi-byte text next to markers.
        assert_eq!(
            para("**é**ü_ß_"),
            vec![strong(vec![text("é")]), text("ü_ß_")]
        );
    }
}
