//! The tokenizer. Positions are character offsets (see [`Span`]).
//!
//! Words such as `and` or `div` come out as plain [`Tok::Name`]s: whether a
//! word is an operator depends on where it stands (XPath 1.0 §3.7), which only
//! the parser knows.

use super::ast::{ChoiceColumn, Span};
use super::error::ParseError;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// `${name}`, holding `name`.
    Ref(String),
    Str(String),
    Num(f64),
    /// A (possibly prefixed) name: `if`, `jr:choice-name`, a path step.
    Name(String),
    /// `label::English`: a column of the choice row in a language, lexed
    /// only in a choice filter, its language as written (`English`,
    /// `English (en)`). Boxed to keep tokens small (see `ExprKind`).
    Column(Box<ChoiceColumn>),
    Dot,
    DotDot,
    Slash,
    LParen,
    RParen,
    /// `[` and `]` around a predicate (`instance('x')/root/item[name = 'a']`).
    LBracket,
    RBracket,
    Comma,
    Eq,
    Neq,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// Letters and `_` may start an XML name.
pub(crate) fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

/// XML name characters as XLSForm uses them (no `:`; prefixes are lexed separately).
pub(crate) fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// The prefix of `${last-saved#name}`: the value `name` had in the last
/// response saved of this form on this device (ODK's `instance('__last-saved')`).
/// It stays part of the reference's name, so `Tok::Ref` and the tree keep
/// one kind of reference; see [`last_saved_name`].
pub const LAST_SAVED: &str = "last-saved#";

/// `name` for a reference written `${last-saved#name}`, else `None`.
pub fn last_saved_name(reference: &str) -> Option<&str> {
    reference.strip_prefix(LAST_SAVED)
}

/// Whether `name` is a valid field name for `${name}`.
pub fn is_valid_field_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// `choice_filter`: the source is a choice filter, where `label::English`
/// is a [`Tok::Column`]; elsewhere it is an error.
pub(crate) fn tokenize_in(src: &str, choice_filter: bool) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let next = chars.get(i + 1).copied();
        let tok = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '$' if next == Some('{') => {
                let close = chars[i + 2..].iter().position(|&c| c == '}');
                let Some(len) = close else {
                    return Err(ParseError::UnterminatedReference { position: start });
                };
                let name: String = chars[i + 2..i + 2 + len].iter().collect();
                let field = last_saved_name(&name).unwrap_or(&name);
                if !is_valid_field_name(field) {
                    return Err(ParseError::InvalidReference {
                        name,
                        position: start,
                    });
                }
                i += len + 3;
                Tok::Ref(name)
            }
            '\'' | '"' => {
                let close = chars[i + 1..].iter().position(|&q| q == c);
                let Some(len) = close else {
                    return Err(ParseError::UnterminatedString { position: start });
                };
                let s: String = chars[i + 1..i + 1 + len].iter().collect();
                i += len + 2;
                Tok::Str(s)
            }
            '0'..='9' => lex_number(&chars, &mut i),
            '.' if next.is_some_and(|c| c.is_ascii_digit()) => lex_number(&chars, &mut i),
            '.' if next == Some('.') => {
                i += 2;
                Tok::DotDot
            }
            '.' => {
                i += 1;
                Tok::Dot
            }
            c if is_name_start(c) => {
                while chars.get(i).copied().is_some_and(is_name_char) {
                    i += 1;
                }
                // `label::English`: a choice column in a language.
                if chars.get(i) == Some(&':')
                    && chars.get(i + 1) == Some(&':')
                    && chars.get(i + 2).copied().is_some_and(is_name_start)
                {
                    let end = column_language_end(&chars, i + 2);
                    if !choice_filter {
                        return Err(ParseError::ColumnOutsideFilter {
                            written: chars[start..end].iter().collect(),
                            position: start,
                        });
                    }
                    let column = chars[start..i].iter().collect();
                    let lang = chars[i + 2..end].iter().collect();
                    i = end;
                    Tok::Column(Box::new(ChoiceColumn { column, lang }))
                } else {
                    // A prefix such as `jr:` belongs to the name, but `::` (axes) does not.
                    if chars.get(i) == Some(&':')
                        && chars.get(i + 1).copied().is_some_and(is_name_start)
                    {
                        i += 1;
                        while chars.get(i).copied().is_some_and(is_name_char) {
                            i += 1;
                        }
                    }
                    Tok::Name(chars[start..i].iter().collect())
                }
            }
            _ => {
                // Written by people who know other languages: say what XPath uses.
                let foreign = match (c, next) {
                    ('=', Some('=')) => Some(("==", "=")),
                    ('&', Some('&')) => Some(("&&", "and")),
                    ('|', Some('|')) => Some(("||", "or")),
                    _ => None,
                };
                if let Some((found, instead)) = foreign {
                    return Err(ParseError::ForeignOperator {
                        found,
                        instead,
                        position: start,
                    });
                }
                let (tok, len) = match (c, next) {
                    ('!', Some('=')) => (Tok::Neq, 2),
                    ('<', Some('=')) => (Tok::Le, 2),
                    ('>', Some('=')) => (Tok::Ge, 2),
                    ('<', _) => (Tok::Lt, 1),
                    ('>', _) => (Tok::Gt, 1),
                    ('=', _) => (Tok::Eq, 1),
                    ('+', _) => (Tok::Plus, 1),
                    ('-', _) => (Tok::Minus, 1),
                    ('*', _) => (Tok::Star, 1),
                    ('/', _) => (Tok::Slash, 1),
                    ('(', _) => (Tok::LParen, 1),
                    (')', _) => (Tok::RParen, 1),
                    ('[', _) => (Tok::LBracket, 1),
                    (']', _) => (Tok::RBracket, 1),
                    (',', _) => (Tok::Comma, 1),
                    _ => {
                        return Err(ParseError::UnexpectedChar {
                            found: c,
                            position: start,
                        });
                    }
                };
                i += len;
                tok
            }
        };
        tokens.push(Token {
            tok,
            span: Span::new(start, i),
        });
    }
    Ok(tokens)
}

/// The end of the language of `label::English` starting at `from`: a name,
/// and the code after it if written as the choices sheet's header may write
/// it (`English (en)`; nothing else may follow a name with `(` there).
fn column_language_end(chars: &[char], from: usize) -> usize {
    let mut end = from;
    while chars.get(end).copied().is_some_and(is_name_char) {
        end += 1;
    }
    let skip_spaces = |mut k: usize| {
        while chars.get(k).is_some_and(|c| c.is_whitespace()) {
            k += 1;
        }
        k
    };
    let open = skip_spaces(end);
    if chars.get(open) != Some(&'(') {
        return end;
    }
    let code = skip_spaces(open + 1);
    let mut k = code;
    while chars.get(k).copied().is_some_and(is_name_char) {
        k += 1;
    }
    let close = skip_spaces(k);
    if k > code && chars.get(close) == Some(&')') {
        close + 1
    } else {
        end
    }
}

/// `12`, `3.5`, `.5`, `5.` (XPath 1.0 Number; no exponent, no sign).
fn lex_number(chars: &[char], i: &mut usize) -> Tok {
    let start = *i;
    while chars.get(*i).is_some_and(char::is_ascii_digit) {
        *i += 1;
    }
    if chars.get(*i) == Some(&'.') {
        *i += 1;
        while chars.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
    }
    let text: String = chars[start..*i].iter().collect();
    // Only digits and one dot with at least one digit: always parses.
    Tok::Num(text.parse().unwrap_or(f64::NAN))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
        tokenize_in(src, false)
    }

    fn toks(src: &str) -> Vec<Tok> {
        tokenize(src)
            .expect("tokenizes")
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn basic_tokens() {
        assert_eq!(
            toks("${a} + 3.5 <= .5"),
            vec![
                Tok::Ref("a".into()),
                Tok::Plus,
                Tok::Num(3.5),
                Tok::Le,
                Tok::Num(0.5)
            ]
        );
        assert_eq!(
            toks("jr:choice-name(.., \"x\")"),
            vec![
                Tok::Name("jr:choice-name".into()),
                Tok::LParen,
                Tok::DotDot,
                Tok::Comma,
                Tok::Str("x".into()),
                Tok::RParen
            ]
        );
        assert_eq!(toks("!= >"), vec![Tok::Neq, Tok::Gt]);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn spans_are_char_offsets() {
        let t = tokenize("'é' = ${b}").expect("tokenizes");
        assert_eq!(t[1].span, Span::new(4, 5));
        assert_eq!(t[2].span, Span::new(6, 10));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn errors() {
        assert_eq!(
            tokenize("1 + 'abc").expect_err("fails"),
            ParseError::UnterminatedString { position: 4 }
        );
        assert_eq!(
            tokenize("${a").expect_err("fails"),
            ParseError::UnterminatedReference { position: 0 }
        );
        assert_eq!(
            tokenize("${a b}").expect_err("fails").to_string(),
            "invalid field name `a b` in reference at position 0"
        );
        assert_eq!(
            tokenize("1 # 2").expect_err("fails").to_string(),
            "unexpected character `#` at position 2"
        );
        assert_eq!(
            tokenize("${a} == 'x'").expect_err("fails").to_string(),
            "`==` at position 5 is not an XPath operator; use `=`"
        );
        assert_eq!(
            tokenize(". > 1 && . < 5").expect_err("fails"),
            ParseError::ForeignOperator {
                found: "&&",
                instead: "and",
                position: 6
            }
        );
        assert_eq!(
            tokenize("a || b").expect_err("fails").to_string(),
            "`||` at position 2 is not an XPath operator; use `or`"
        );
        // Inside a string it is text.
        assert!(tokenize("'a == b'").is_ok());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn last_saved_references() {
        assert_eq!(
            toks("${last-saved#street} + 1"),
            vec![
                Tok::Ref("last-saved#street".into()),
                Tok::Plus,
                Tok::Num(1.0)
            ]
        );
        assert_eq!(last_saved_name("last-saved#street"), Some("street"));
        assert_eq!(last_saved_name("street"), None);
        assert_eq!(
            tokenize("${last-saved#2nd}")
                .expect_err("fails")
                .to_string(),
            "invalid field name `last-saved#2nd` in reference at position 0"
        );
        assert!(tokenize("${last-saved#}").is_err());
        assert!(tokenize("${other#street}").is_err());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_column_in_a_language_only_in_a_choice_filter() {
        let filter = |src: &str| -> Vec<Tok> {
            tokenize_in(src, true)
                .expect("tokenizes")
                .into_iter()
                .map(|t| t.tok)
                .collect()
        };
        let column = |column: &str, lang: &str| {
            Tok::Column(Box::new(ChoiceColumn {
                column: column.into(),
                lang: lang.into(),
            }))
        };
        assert_eq!(
            filter("label::English != ''"),
            vec![
                column("label", "English"),
                Tok::Neq,
                Tok::Str(String::new())
            ]
        );
        // The header's spelling with a code, and a name after it.
        assert_eq!(
            filter("label::English (en) = x"),
            vec![
                column("label", "English (en)"),
                Tok::Eq,
                Tok::Name("x".into())
            ]
        );
        assert_eq!(
            filter("label::fr (x + 1)"),
            vec![
                column("label", "fr"),
                Tok::LParen,
                Tok::Name("x".into()),
                Tok::Plus,
                Tok::Num(1.0),
                Tok::RParen
            ]
        );
        let t = tokenize_in("a and label::English (en)", true).expect("tokenizes");
        assert_eq!(t[2].span, Span::new(6, 25));
        assert_eq!(
            tokenize("1 + label::English")
                .expect_err("fails")
                .to_string(),
            "`label::English` at position 4: a choice column in a language (`column::Language`) is only understood in a choice_filter"
        );
        // Not a name after `::`: the character is what is wrong.
        assert_eq!(
            tokenize_in("label:: English", true).expect_err("fails"),
            ParseError::UnexpectedChar {
                found: ':',
                position: 5
            }
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn field_names() {
        assert!(is_valid_field_name("hh_size-2.b"));
        assert!(!is_valid_field_name("2abc"));
        assert!(!is_valid_field_name(""));
    }
}
