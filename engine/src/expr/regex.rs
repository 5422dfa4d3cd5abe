//! A small backtracking regular-expression engine for `regex()`.
//!
//! The `regex` crate would add far more to the wasm binary than forms need.
//! Supported (Java syntax, which is what ODK Collect uses): literals, `.`,
//! classes `[a-z]` / `[^...]`, `\d \D \w \W \s \S \b \B` (ASCII, as in
//! Java), escapes (`\.`, `\t`, `\n`, `\r`, `\f`, `\uXXXX`), anchors `^ $`,
//! groups `( )` / `(?: )`, alternation `|`, quantifiers `* + ? {n} {n,}
//! {n,m}` with an optional lazy `?` (which cannot change whether a whole
//! string matches). Not supported: back-references, look-around, flags,
//! `\p{..}` classes, possessive quantifiers.
//!
//! Matching is against the whole string, like Java's `Pattern.matches`
//! used by JavaRosa and as the ODK docs say ("an exact and complete
//! match"). Pathological patterns give up after a fixed amount of work and
//! report no match, so a form cannot freeze a tablet.

use std::cell::Cell;

use super::error::RegexError;

/// Counted repetitions above this are rejected (`a{100000}` would be slow).
const MAX_REPEAT: u32 = 1000;
/// Group nesting limit while parsing a pattern.
const MAX_NESTING: usize = 100;
/// Work budget per match (node visits).
const MAX_STEPS: u32 = 200_000;
/// Nested matcher calls; bounds stack use on wasm.
const MAX_DEPTH: u32 = 600;

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Empty,
    Char(char),
    Any,
    Class {
        items: Vec<ClassItem>,
        negated: bool,
    },
    Start,
    End,
    WordBoundary(bool),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ClassItem {
    Range(char, char),
    /// `\d`, `\w`, `\s` (true) or their negations (false).
    Digit(bool),
    Word(bool),
    Space(bool),
}

impl ClassItem {
    fn matches(self, c: char) -> bool {
        match self {
            ClassItem::Range(a, b) => (a..=b).contains(&c),
            ClassItem::Digit(pos) => c.is_ascii_digit() == pos,
            ClassItem::Word(pos) => is_word(c) == pos,
            ClassItem::Space(pos) => is_space(c) == pos,
        }
    }
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r')
}

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Regex {
    root: Node,
}

impl Regex {
    pub fn new(pattern: &str) -> Result<Self, RegexError> {
        let mut p = PatternParser {
            chars: pattern.chars().collect(),
            pos: 0,
            nesting: 0,
        };
        let root = p.alternation()?;
        if p.pos < p.chars.len() {
            // Only an unmatched `)` stops the top-level alternation early.
            return Err(p.error("unmatched `)`"));
        }
        Ok(Self { root })
    }

    /// Whether the whole of `text` matches.
    pub fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let m = Matcher {
            text: &chars,
            steps: Cell::new(0),
            depth: Cell::new(0),
        };
        let end = chars.len();
        m.node(&self.root, 0, &mut |p| p == end)
    }
}

struct PatternParser {
    chars: Vec<char>,
    pos: usize,
    nesting: usize,
}

impl PatternParser {
    fn error(&self, message: &str) -> RegexError {
        RegexError {
            message: message.to_owned(),
            position: self.pos,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn alternation(&mut self) -> Result<Node, RegexError> {
        let mut alts = vec![self.concat()?];
        while self.eat('|') {
            alts.push(self.concat()?);
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(alts)
        })
    }

    fn concat(&mut self) -> Result<Node, RegexError> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.quantified(atom)?);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(items),
        })
    }

    fn atom(&mut self) -> Result<Node, RegexError> {
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Err(self.error("unexpected end of pattern"));
        };
        self.pos += 1;
        Ok(match c {
            '(' => {
                if self.eat('?') && !self.eat(':') {
                    self.pos = start;
                    return Err(self.error("unsupported group syntax `(?`"));
                }
                self.nesting += 1;
                if self.nesting > MAX_NESTING {
                    return Err(self.error("too many nested groups"));
                }
                let inner = self.alternation()?;
                self.nesting -= 1;
                if !self.eat(')') {
                    self.pos = start;
                    return Err(self.error("unclosed group"));
                }
                inner
            }
            '[' => self.class(start)?,
            '.' => Node::Any,
            '^' => Node::Start,
            '$' => Node::End,
            '\\' => self.escape(false)?,
            '*' | '+' | '?' => {
                self.pos = start;
                return Err(self.error("nothing to repeat"));
            }
            '{' if self.counted_at(self.pos) => {
                self.pos = start;
                return Err(self.error("nothing to repeat"));
            }
            c => Node::Char(c),
        })
    }

    /// Whether the text from `i` (just after a `{`) is a valid `n}`, `n,}`
    /// or `n,m}`; otherwise `{` is an ordinary character.
    fn counted_at(&self, i: usize) -> bool {
        let body: String = self
            .chars
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&c| c != '}')
            .collect();
        let closed = self.chars.get(i + body.chars().count()) == Some(&'}');
        let (a, b) = body.split_once(',').unwrap_or((body.as_str(), ""));
        closed
            && !a.is_empty()
            && a.bytes().all(|x| x.is_ascii_digit())
            && b.bytes().all(|x| x.is_ascii_digit())
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, RegexError> {
        let start = self.pos;
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') if self.counted_at(self.pos + 1) => {
                self.pos += 1;
                let min = self.number()?;
                let max = if self.eat(',') {
                    if self.peek() == Some('}') {
                        None
                    } else {
                        Some(self.number()?)
                    }
                } else {
                    Some(min)
                };
                if max.is_some_and(|m| m < min) {
                    self.pos = start;
                    return Err(self.error("bad repetition range"));
                }
                // Now at the `}` (counted_at checked), consumed below.
                (min, max)
            }
            _ => return Ok(atom),
        };
        self.pos += 1;
        if matches!(atom, Node::Start | Node::End | Node::WordBoundary(_)) {
            self.pos = start;
            return Err(self.error("nothing to repeat"));
        }
        // Lazy quantifiers match the same whole strings as greedy ones.
        self.eat('?');
        if self.peek() == Some('+') {
            return Err(self.error("possessive quantifiers are not supported"));
        }
        if matches!(self.peek(), Some('*' | '+' | '?')) {
            return Err(self.error("nothing to repeat"));
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
        })
    }

    fn number(&mut self) -> Result<u32, RegexError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        match text.parse::<u32>() {
            Ok(n) if n <= MAX_REPEAT => Ok(n),
            _ => {
                self.pos = start;
                Err(self.error("repetition count too large"))
            }
        }
    }

    /// After a `\`. `in_class` selects the class-item meaning of `\b`.
    fn escape(&mut self, in_class: bool) -> Result<Node, RegexError> {
        let Some(c) = self.peek() else {
            return Err(self.error("pattern ends with `\\`"));
        };
        self.pos += 1;
        let class = |item| Node::Class {
            items: vec![item],
            negated: false,
        };
        Ok(match c {
            'd' => class(ClassItem::Digit(true)),
            'D' => class(ClassItem::Digit(false)),
            'w' => class(ClassItem::Word(true)),
            'W' => class(ClassItem::Word(false)),
            's' => class(ClassItem::Space(true)),
            'S' => class(ClassItem::Space(false)),
            'b' if !in_class => Node::WordBoundary(true),
            'B' if !in_class => Node::WordBoundary(false),
            't' => Node::Char('\t'),
            'n' => Node::Char('\n'),
            'r' => Node::Char('\r'),
            'f' => Node::Char('\x0C'),
            'u' => {
                let hex: String = self.chars.iter().skip(self.pos).take(4).collect();
                let code = (hex.len() == 4)
                    .then(|| u32::from_str_radix(&hex, 16).ok())
                    .flatten()
                    .and_then(char::from_u32);
                let Some(ch) = code else {
                    return Err(self.error("bad `\\u` escape"));
                };
                self.pos += 4;
                Node::Char(ch)
            }
            c if c.is_ascii_alphanumeric() => {
                self.pos -= 1;
                return Err(self.error(&format!("unsupported escape `\\{c}`")));
            }
            c => Node::Char(c),
        })
    }

    /// After `[`.
    fn class(&mut self, start: usize) -> Result<Node, RegexError> {
        let negated = self.eat('^');
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                self.pos = start;
                return Err(self.error("unclosed character class"));
            };
            if c == ']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            let lo = self.class_char()?;
            let lo = match lo {
                Err(item) => {
                    items.push(item);
                    continue;
                }
                Ok(ch) => ch,
            };
            // A range `a-z`, unless `-` is the last character before `]`.
            if self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|&c| c != ']') {
                self.pos += 1;
                match self.class_char()? {
                    Ok(hi) if hi >= lo => items.push(ClassItem::Range(lo, hi)),
                    _ => return Err(self.error("bad character range")),
                }
            } else {
                items.push(ClassItem::Range(lo, lo));
            }
        }
        Ok(Node::Class { items, negated })
    }

    /// One character of a class: `Ok(char)` or `Err(item)` for `\d` and co.
    fn class_char(&mut self) -> Result<Result<char, ClassItem>, RegexError> {
        let Some(c) = self.peek() else {
            return Err(self.error("unclosed character class"));
        };
        self.pos += 1;
        if c != '\\' {
            return Ok(Ok(c));
        }
        Ok(match self.escape(true)? {
            Node::Char(ch) => Ok(ch),
            Node::Class { items, .. } => match items.first() {
                Some(&item) => Err(item),
                None => return Err(self.error("bad escape in class")),
            },
            _ => return Err(self.error("bad escape in class")),
        })
    }
}

struct Matcher<'a> {
    text: &'a [char],
    steps: Cell<u32>,
    depth: Cell<u32>,
}

impl Matcher<'_> {
    /// Match `node` at `pos`, then the continuation `k` from where it ended.
    fn node(&self, node: &Node, pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps > MAX_STEPS || self.depth.get() > MAX_DEPTH {
            return false;
        }
        self.depth.set(self.depth.get() + 1);
        let result = self.node_inner(node, pos, k);
        self.depth.set(self.depth.get() - 1);
        result
    }

    /// Whether a single-character node matches `c`; `None` for other nodes.
    fn single(node: &Node, c: char) -> Option<bool> {
        match node {
            Node::Char(x) => Some(*x == c),
            Node::Any => Some(c != '\n' && c != '\r'),
            Node::Class { items, negated } => Some(items.iter().any(|i| i.matches(c)) != *negated),
            _ => None,
        }
    }

    fn node_inner(&self, node: &Node, pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        let here = self.text.get(pos).copied();
        match node {
            Node::Empty => k(pos),
            Node::Char(_) | Node::Any | Node::Class { .. } => {
                here.and_then(|c| Self::single(node, c)).unwrap_or(false) && k(pos + 1)
            }
            Node::Start => pos == 0 && k(pos),
            Node::End => pos == self.text.len() && k(pos),
            Node::WordBoundary(want) => {
                let before = pos > 0 && self.text.get(pos - 1).copied().is_some_and(is_word);
                let after = here.is_some_and(is_word);
                ((before != after) == *want) && k(pos)
            }
            Node::Concat(nodes) => self.seq(nodes, pos, k),
            Node::Alt(alts) => alts.iter().any(|a| self.node(a, pos, k)),
            Node::Repeat { node, min, max } => {
                // Fast path for `x*`, `[0-9]+`, `.{2,5}`: no recursion per character.
                if matches!(**node, Node::Char(_) | Node::Any | Node::Class { .. }) {
                    let limit = max.map_or(usize::MAX, |m| m as usize);
                    let run = self.text[pos.min(self.text.len())..]
                        .iter()
                        .take(limit)
                        .take_while(|&&c| Self::single(node, c).unwrap_or(false))
                        .count();
                    let min = *min as usize;
                    if run < min {
                        return false;
                    }
                    return (min..=run).rev().any(|n| {
                        self.steps.set(self.steps.get() + 1);
                        self.steps.get() <= MAX_STEPS && k(pos + n)
                    });
                }
                self.repeat(node, *min, *max, 0, pos, k)
            }
        }
    }

    fn seq(&self, nodes: &[Node], pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        match nodes.split_first() {
            None => k(pos),
            Some((first, rest)) => self.node(first, pos, &mut |p| self.seq(rest, p, k)),
        }
    }

    fn repeat(
        &self,
        node: &Node,
        min: u32,
        max: Option<u32>,
        count: u32,
        pos: usize,
        k: &mut dyn FnMut(usize) -> bool,
    ) -> bool {
        if count < min {
            return self.node(node, pos, &mut |p| {
                self.repeat(node, min, max, count + 1, p, k)
            });
        }
        if max.is_none_or(|m| count < m) {
            // Greedy: one more iteration first. An iteration that consumed
            // nothing cannot help and would loop forever.
            let more = self.node(node, pos, &mut |p| {
                p != pos && self.repeat(node, min, max, count + 1, p, k)
            });
            if more {
                return true;
            }
        }
        k(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn m(pattern: &str, text: &str) -> bool {
        Regex::new(pattern)
            .unwrap_or_else(|e| panic!("{pattern}: {e}"))
            .is_match(text)
    }

    fn bad(pattern: &str) -> String {
        Regex::new(pattern)
            .expect_err("should be invalid")
            .to_string()
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn literals_and_whole_match() {
        assert!(m("abc", "abc"));
        assert!(!m("abc", "abcd"));
        assert!(!m("abc", "xabc"));
        assert!(m("", ""));
        assert!(!m("", "a"));
        assert!(m("a.c", "abc"));
        assert!(!m("a.c", "a\nc"));
        assert!(m("a\\.c", "a.c"));
        assert!(!m("a\\.c", "abc"));
        assert!(m("^abc$", "abc"));
        assert!(m("é+", "éé"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn classes() {
        assert!(m("[a-z]+", "hello"));
        assert!(!m("[a-z]+", "Hello"));
        assert!(m("[^0-9]*", "abc"));
        assert!(!m("[^0-9]*", "ab1"));
        assert!(m("[-a]+", "a-a"));
        assert!(m("[a-]+", "a-a"));
        assert!(m("[]a]+", "]a"));
        assert!(m("[\\d.]+", "3.14"));
        assert!(m("[\\w\\s]+", "a b_c"));
        assert!(m("\\d\\D\\w\\W\\s\\S", "1a_ \tx"));
        assert!(!m("\\d", "٣")); // ASCII digits only, as in Java
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn quantifiers() {
        assert!(m("a*", ""));
        assert!(m("a+", "aaa"));
        assert!(!m("a+", ""));
        assert!(m("colou?r", "color"));
        assert!(m("colou?r", "colour"));
        assert!(m("\\d{3}", "123"));
        assert!(!m("\\d{3}", "1234"));
        assert!(m("\\d{2,}", "12345"));
        assert!(!m("\\d{2,}", "1"));
        assert!(m("\\d{2,3}", "123"));
        assert!(!m("\\d{2,3}", "1234"));
        assert!(m("a.*?b", "axxb"));
        assert!(m("a{,2}", "a{,2}")); // not a quantifier: literal
        assert!(m("(ab)+", "ababab"));
        assert!(!m("(ab)+", "ababa"));
        assert!(m("(a|b){2}c", "bac"));
        assert!(m("(a*)*b", "aaab"));
        assert!(m("(?:x|y)z", "yz"));
        assert!(m("(a?){3}", "a"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn alternation_and_anchors() {
        assert!(m("cat|dog", "dog"));
        assert!(!m("cat|dog", "catdog"));
        assert!(m("(cat|dog)+", "catdog"));
        assert!(m("a|", ""));
        assert!(m("\\bword\\b", "word"));
        assert!(m("a\\Bb", "ab"));
        assert!(m(".*\\bb", "a b"));
        assert!(!m("a$b", "ab"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn typical_form_patterns() {
        let phone = "^(\\+373|0)[67]\\d{7}$";
        assert!(m(phone, "+37361234567"));
        assert!(m(phone, "061234567"));
        assert!(!m(phone, "051234567"));
        let email = "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}";
        assert!(m(email, "ana.maria@example.org"));
        assert!(!m(email, "ana@example"));
        assert!(m("[A-Z][a-z]+ [A-Z]\\. [A-Z][a-z]+", "Maria D. Silva"));
        assert!(m("\\u0041+", "AA"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn pathological_patterns_give_up() {
        let text = format!("{}b", "a".repeat(40));
        assert!(!m("(a|a)*c", &text));
        assert!(!m("(a*)*c", &text));
        // Long inputs do not overflow the stack.
        assert!(m("[a-z]*", &"x".repeat(100_000)));
        assert!(m("(xy)*", &"xy".repeat(100)));
        assert!(!m("(xy)*", &"xy".repeat(100_000)));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn invalid_patterns() {
        assert_eq!(
            bad("[a-"),
            "unclosed character class at position 0 of the pattern"
        );
        assert_eq!(bad("(ab"), "unclosed group at position 0 of the pattern");
        assert_eq!(bad("ab)"), "unmatched `)` at position 2 of the pattern");
        assert_eq!(bad("*a"), "nothing to repeat at position 0 of the pattern");
        assert_eq!(bad("a**"), "nothing to repeat at position 2 of the pattern");
        assert_eq!(
            bad("a{3,1}"),
            "bad repetition range at position 1 of the pattern"
        );
        assert_eq!(
            bad("[z-a]"),
            "bad character range at position 4 of the pattern"
        );
        assert_eq!(
            bad("\\p{L}"),
            "unsupported escape `\\p` at position 1 of the pattern"
        );
        assert_eq!(
            bad("(?=a)"),
            "unsupported group syntax `(?` at position 0 of the pattern"
        );
        assert_eq!(
            bad("a{99999}"),
            "repetition count too large at position 2 of the pattern"
        );
        assert_eq!(
            bad("a\\"),
            "pattern ends with `\\` at position 2 of the pattern"
        );
        assert!(Regex::new(&"(".repeat(200)).is_err());
    }
}
