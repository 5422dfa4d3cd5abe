//! A small regular-expression engine for `regex()`.
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
//! match").
//!
//! The pattern is parsed to a `Node` tree and compiled to a small program
//! (counted repetitions expanded) that a Pike VM runs: every possible match
//! is followed at once, one text character at a time, so a match costs at
//! most `text length x program length` steps and the answer is always exact
//! (a backtracking matcher needs exponential time on `(a*)*b`, or a budget
//! that turns long valid answers into wrong "no match"). The program size is
//! capped, so that bound stays small.

use super::error::RegexError;

/// Counted repetitions above this are rejected (`a{100000}` would be slow).
const MAX_REPEAT: u32 = 1000;
/// Group nesting limit while parsing a pattern.
const MAX_NESTING: usize = 100;
/// Largest compiled program: bounds the memory of a pattern and the work per
/// text character (`(a{1000}){1000}` is refused at load, not run).
const MAX_PROGRAM: usize = 10_000;

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
        /// Where the quantifier is in the pattern, for the size error.
        at: usize,
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

/// A compiled pattern: parse once (at load for a literal pattern), match
/// many times.
#[derive(Debug, Clone, PartialEq)]
pub struct Regex {
    source: String,
    /// Ends with the only [`Inst::Match`].
    program: Vec<Inst>,
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
        let mut c = Compiler {
            program: Vec::new(),
            repeat_at: None,
        };
        c.node(&root)?;
        c.push(Inst::Match)?;
        Ok(Self {
            source: pattern.to_owned(),
            program: c.program,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the whole of `text` matches.
    pub fn is_match(&self, text: &str) -> bool {
        let n = self.program.len();
        let mut current = Threads::new(n);
        let mut next = Threads::new(n);
        let mut stack = Vec::new();
        let mut chars = text.chars();
        let mut here = chars.next();
        self.add(&mut current, &mut stack, 0, None, here);
        while let Some(c) = here {
            if current.dense.is_empty() {
                return false;
            }
            let after = chars.next();
            next.clear();
            for &pc in &current.dense {
                let step = match &self.program[pc] {
                    Inst::Char(x) => *x == c,
                    Inst::Any => c != '\n' && c != '\r',
                    Inst::Class { items, negated } => {
                        items.iter().any(|i| i.matches(c)) != *negated
                    }
                    _ => false,
                };
                if step {
                    self.add(&mut next, &mut stack, pc + 1, Some(c), after);
                }
            }
            std::mem::swap(&mut current, &mut next);
            here = after;
        }
        current.contains(n - 1)
    }

    /// Adds the thread at `pc` and everything reachable from it without
    /// reading a character, between `prev` and `next`. An explicit stack, as
    /// a chain of thousands of jumps would overflow the wasm stack.
    fn add(
        &self,
        threads: &mut Threads,
        stack: &mut Vec<usize>,
        pc: usize,
        prev: Option<char>,
        next: Option<char>,
    ) {
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            // Visited once per position: this is what makes `(a*)*` finite.
            if !threads.insert(pc) {
                continue;
            }
            match self.program[pc] {
                Inst::Jmp(to) => stack.push(to),
                Inst::Split(a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                Inst::Start if prev.is_none() => stack.push(pc + 1),
                Inst::End if next.is_none() => stack.push(pc + 1),
                Inst::WordBoundary(want)
                    if (prev.is_some_and(is_word) != next.is_some_and(is_word)) == want =>
                {
                    stack.push(pc + 1);
                }
                _ => {}
            }
        }
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
            at: start,
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

/// One instruction of a compiled pattern; jump targets are indices.
#[derive(Debug, Clone, PartialEq)]
enum Inst {
    Char(char),
    Any,
    Class {
        items: Vec<ClassItem>,
        negated: bool,
    },
    Start,
    End,
    WordBoundary(bool),
    /// Continue at both.
    Split(usize, usize),
    Jmp(usize),
    Match,
}

struct Compiler {
    program: Vec<Inst>,
    /// The outermost repetition being expanded, named by the size error.
    repeat_at: Option<usize>,
}

impl Compiler {
    fn push(&mut self, inst: Inst) -> Result<usize, RegexError> {
        // The final `Match` has its slot kept, so the error names a repetition.
        let limit = MAX_PROGRAM - usize::from(inst != Inst::Match);
        if self.program.len() >= limit {
            return Err(RegexError {
                message: format!(
                    "pattern too large once its repetitions are expanded (more than {MAX_PROGRAM} steps)"
                ),
                position: self.repeat_at.unwrap_or(0),
            });
        }
        self.program.push(inst);
        Ok(self.program.len() - 1)
    }

    /// Points the placeholder `Split` at `at` to `pc + 1` and the end.
    fn patch_split(&mut self, at: usize) {
        let end = self.program.len();
        self.program[at] = Inst::Split(at + 1, end);
    }

    fn node(&mut self, node: &Node) -> Result<(), RegexError> {
        match node {
            Node::Empty => {}
            Node::Char(c) => _ = self.push(Inst::Char(*c))?,
            Node::Any => _ = self.push(Inst::Any)?,
            Node::Class { items, negated } => {
                self.push(Inst::Class {
                    items: items.clone(),
                    negated: *negated,
                })?;
            }
            Node::Start => _ = self.push(Inst::Start)?,
            Node::End => _ = self.push(Inst::End)?,
            Node::WordBoundary(want) => _ = self.push(Inst::WordBoundary(*want))?,
            Node::Concat(nodes) => {
                for n in nodes {
                    self.node(n)?;
                }
            }
            Node::Alt(alts) => {
                // split L1 next; L1: a; jmp end; next: split L2 next2; ...; last
                let mut exits = Vec::new();
                let last = alts.len().saturating_sub(1);
                for (i, alt) in alts.iter().enumerate() {
                    if i == last {
                        self.node(alt)?;
                    } else {
                        let split = self.push(Inst::Split(0, 0))?;
                        self.node(alt)?;
                        exits.push(self.push(Inst::Jmp(0))?);
                        self.patch_split(split);
                    }
                }
                let end = self.program.len();
                for j in exits {
                    self.program[j] = Inst::Jmp(end);
                }
            }
            Node::Repeat { node, min, max, at } => {
                let outermost = self.repeat_at.is_none();
                if outermost {
                    self.repeat_at = Some(*at);
                }
                for _ in 0..*min {
                    self.node(node)?;
                }
                match max {
                    // loop: split body end; body; jmp loop
                    None => {
                        let split = self.push(Inst::Split(0, 0))?;
                        self.node(node)?;
                        self.push(Inst::Jmp(split))?;
                        self.patch_split(split);
                    }
                    // `x{2,4}` = `xx` then `x?` twice: the same strings.
                    Some(max) => {
                        for _ in *min..*max {
                            let split = self.push(Inst::Split(0, 0))?;
                            self.node(node)?;
                            self.patch_split(split);
                        }
                    }
                }
                if outermost {
                    self.repeat_at = None;
                }
            }
        }
        Ok(())
    }
}

/// The threads at one text position: a sparse set of program counters
/// (constant-time insert, clear and membership, iteration in insertion order).
struct Threads {
    dense: Vec<usize>,
    sparse: Vec<usize>,
}

impl Threads {
    fn new(len: usize) -> Self {
        Self {
            dense: Vec::with_capacity(len),
            sparse: vec![0; len],
        }
    }

    fn contains(&self, pc: usize) -> bool {
        self.sparse
            .get(pc)
            .is_some_and(|&i| self.dense.get(i) == Some(&pc))
    }

    /// False if it was already there.
    fn insert(&mut self, pc: usize) -> bool {
        if self.contains(pc) {
            return false;
        }
        if let Some(slot) = self.sparse.get_mut(pc) {
            *slot = self.dense.len();
            self.dense.push(pc);
        }
        true
    }

    fn clear(&mut self) {
        self.dense.clear();
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
    fn pathological_patterns_answer_exactly() {
        // Exponential for a backtracking matcher; linear here, and exact.
        let a40 = "a".repeat(40);
        assert!(!m("(a|a)*c", &format!("{a40}b")));
        assert!(!m("(a*)*c", &format!("{a40}b")));
        assert!(m("(a*)*b", &format!("{a40}b")));
        assert!(m("(a|a)*b", &format!("{a40}b")));
        assert!(!m("(a*)*b", &a40));
        assert!(m("(a|aa)*(b|ab)", &format!("{}ab", "a".repeat(5000))));
        assert!(m("(a?){30}a{30}", &"a".repeat(30)));
        assert!(m("(x+x+)+y", &format!("{}y", "x".repeat(5000))));
        assert!(!m("(x+x+)+y", &"x".repeat(5000)));
        // Long inputs: no stack overflow, no budget turning into "no match".
        assert!(m("[a-z]*", &"x".repeat(100_000)));
        assert!(m("(xy)*", &"xy".repeat(100)));
        assert!(m("(xy)*", &"xy".repeat(100_000)));
        assert!(!m("(xy)*", &format!("{}x", "xy".repeat(100_000))));
        assert!(m("(\\w+\\s?)*", &"word ".repeat(20_000)));
    }

    /// Issue 12, item 8: a free-text name check refused valid answers of 299
    /// characters or more.
    #[wasm_bindgen_test(unsupported = test)]
    fn long_answers_match() {
        let re = Regex::new("^([A-Za-z]| )*$").expect("valid");
        for len in [0, 1, 298, 299, 300, 1000, 10_000] {
            let text: String = "Maria Silva ".chars().cycle().take(len).collect();
            assert!(re.is_match(&text), "{len} characters");
            assert!(
                !re.is_match(&format!("{text}1")),
                "{len} characters + digit"
            );
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn program_size_is_bounded() {
        assert!(m("\\d{1000}", &"7".repeat(1000)));
        assert!(m("(a{99}){100}", &"a".repeat(9900)));
        assert!(m("[a-z]{0,1000}", &"z".repeat(999)));
        assert_eq!(
            bad("(\\d{1000}){10}"),
            "pattern too large once its repetitions are expanded (more than 10000 steps) at position 10 of the pattern"
        );
        assert_eq!(
            bad("x(a{1000}){1000}"),
            "pattern too large once its repetitions are expanded (more than 10000 steps) at position 10 of the pattern"
        );
        assert_eq!(
            bad("a{1000}b{1000}(c{1000}){8}"),
            "pattern too large once its repetitions are expanded (more than 10000 steps) at position 23 of the pattern"
        );
        // A chain of thousands of empty-matching steps: no recursion per step.
        assert!(m("(a?){1000}b", "b"));
        assert!(m("((a|)*){1000}b", "aab"));
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

/// The same answers as the `regex` crate (a dev-dependency only) on
/// generated patterns in the syntax both share, with Java's meanings spelled
/// out for the crate (ASCII classes, `.` excluding `\r`, whole match).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod differential {
    use super::Regex;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum P {
        Lit(char),
        Any,
        /// `d D w W s S`.
        Perl(char),
        Class(Vec<Item>, bool),
        Start,
        End,
        Boundary(bool),
        Cat(Vec<P>),
        Alt(Vec<P>),
        Group(Box<P>),
        Rep(Box<P>, u32, Option<u32>, bool),
    }

    #[derive(Debug, Clone)]
    enum Item {
        Range(char, char),
        Perl(char),
    }

    const CHARS: &[char] = &['a', 'b', 'a', '1', ' ', '.', 'é'];
    const TEXT: &[char] = &['a', 'a', 'a', 'b', 'b', '1', ' ', '.', 'é', '_', '\n', '\r'];

    fn lit(c: char) -> String {
        if c == '.' {
            "\\.".into()
        } else {
            c.to_string()
        }
    }

    fn crate_perl(c: char) -> &'static str {
        match c {
            'd' => "[[:digit:]]",
            'D' => "[[:^digit:]]",
            'w' => "[[:word:]]",
            'W' => "[[:^word:]]",
            's' => "[[:space:]]",
            _ => "[[:^space:]]",
        }
    }

    /// `java`: this engine's syntax; otherwise the `regex` crate's.
    fn render(p: &P, java: bool) -> String {
        match p {
            P::Lit(c) => lit(*c),
            P::Any if java => ".".into(),
            P::Any => "[^\\n\\r]".into(),
            P::Perl(c) if java => format!("\\{c}"),
            P::Perl(c) => crate_perl(*c).into(),
            P::Class(items, negated) => {
                let mut s = String::from(if *negated { "[^" } else { "[" });
                for item in items {
                    match item {
                        Item::Range(a, b) if a == b => s += &lit(*a),
                        Item::Range(a, b) => s += &format!("{a}-{b}"),
                        Item::Perl(c) if java => s += &format!("\\{c}"),
                        Item::Perl(c) => {
                            let class = crate_perl(*c);
                            s += &class[1..class.len() - 1];
                        }
                    }
                }
                s + "]"
            }
            P::Start => "^".into(),
            P::End => "$".into(),
            P::Boundary(true) if java => "\\b".into(),
            P::Boundary(false) if java => "\\B".into(),
            P::Boundary(true) => "(?-u:\\b)".into(),
            P::Boundary(false) => "(?-u:\\B)".into(),
            P::Cat(ps) => ps.iter().map(|p| render(p, java)).collect(),
            P::Alt(ps) => ps
                .iter()
                .map(|p| render(p, java))
                .collect::<Vec<_>>()
                .join("|"),
            P::Group(p) => format!("(?:{})", render(p, java)),
            P::Rep(p, min, max, lazy) => {
                let q = match (min, max) {
                    (0, None) => "*".into(),
                    (1, None) => "+".into(),
                    (0, Some(1)) => "?".into(),
                    (n, None) => format!("{{{n},}}"),
                    (n, Some(m)) if n == m => format!("{{{n}}}"),
                    (n, Some(m)) => format!("{{{n},{m}}}"),
                };
                let lazy = if *lazy { "?" } else { "" };
                format!("{}{q}{lazy}", render(p, java))
            }
        }
    }

    /// Java repeats `(^)`, this engine refuses it (as it refuses `^*`).
    fn is_assertion(p: &P) -> bool {
        match p {
            P::Start | P::End | P::Boundary(_) => true,
            P::Group(p) => is_assertion(p),
            _ => false,
        }
    }

    fn item() -> impl Strategy<Value = Item> {
        prop_oneof![
            (prop::sample::select(CHARS), prop::sample::select(CHARS))
                .prop_map(|(a, b)| Item::Range(a.min(b), a.max(b))),
            prop::sample::select(&['d', 'D', 'w', 'W', 's', 'S'][..]).prop_map(Item::Perl),
        ]
    }

    fn pattern() -> impl Strategy<Value = P> {
        let atom = prop_oneof![
            4 => prop::sample::select(CHARS).prop_map(P::Lit),
            1 => Just(P::Any),
            1 => prop::sample::select(&['d', 'D', 'w', 'W', 's', 'S'][..]).prop_map(P::Perl),
            2 => (prop::collection::vec(item(), 1..4), any::<bool>())
                .prop_map(|(items, negated)| P::Class(items, negated)),
        ];
        let leaf = prop_oneof![
            8 => atom.clone(),
            1 => Just(P::Start),
            1 => Just(P::End),
            1 => any::<bool>().prop_map(P::Boundary),
        ];
        leaf.prop_recursive(4, 24, 4, move |inner| {
            // Only atoms and groups take a quantifier (`^*` is refused).
            let repeatable = prop_oneof![
                atom.clone(),
                inner.clone().prop_map(|p| P::Group(Box::new(p))),
            ];
            let quantifier = prop_oneof![
                Just((0, None)),
                Just((1, None)),
                Just((0, Some(1))),
                (0..3u32).prop_map(|n| (n, None)),
                (0..3u32, 0..3u32).prop_map(|(n, extra)| (n, Some(n + extra))),
            ];
            prop_oneof![
                3 => prop::collection::vec(inner.clone(), 2..4).prop_map(P::Cat),
                2 => prop::collection::vec(inner.clone(), 2..4).prop_map(P::Alt),
                3 => (repeatable, quantifier, any::<bool>()).prop_map(|(p, (min, max), lazy)| {
                    if is_assertion(&p) {
                        p
                    } else {
                        P::Rep(Box::new(p), min, max, lazy)
                    }
                }),
            ]
        })
    }

    #[test]
    fn same_answers_as_the_regex_crate() {
        let texts = prop::collection::vec(
            prop::collection::vec(prop::sample::select(TEXT), 0..7),
            1..8,
        );
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: 3000,
            // Driven by hand (to count answers), so told where regressions go.
            source_file: Some(file!()),
            failure_persistence: Some(Box::new(
                proptest::test_runner::FileFailurePersistence::SourceParallel(
                    "proptest-regressions",
                ),
            )),
            ..ProptestConfig::default()
        });
        let counts = std::cell::Cell::new((0u32, 0u32));
        let result = runner.run(&(pattern(), texts), |(p, texts)| {
            let java = render(&p, true);
            let ours = Regex::new(&java).unwrap_or_else(|e| panic!("{java:?} should compile: {e}"));
            let theirs_src = format!("^(?:{})$", render(&p, false));
            let theirs =
                regex::Regex::new(&theirs_src).unwrap_or_else(|e| panic!("{theirs_src:?}: {e}"));
            for text in texts {
                let text: String = text.into_iter().collect();
                let answer = ours.is_match(&text);
                prop_assert_eq!(
                    answer,
                    theirs.is_match(&text),
                    "pattern {:?} (crate: {:?}) on {:?}",
                    java,
                    theirs_src,
                    text
                );
                let (yes, no) = counts.get();
                counts.set(if answer { (yes + 1, no) } else { (yes, no + 1) });
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        // Both answers must be common, or the comparison proves little.
        let (yes, no) = counts.get();
        assert!(
            yes * 20 > yes + no && no * 20 > yes + no,
            "{yes} matches, {no} non-matches"
        );
    }
}
