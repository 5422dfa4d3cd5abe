//! The spelling of `${name}` in a cell, as pyxform 4.5.0 checks it
//! (`validators/pyxform/pyxform_reference.py`, PYREF_001): every `${` must
//! be closed by a `}`, and what is between must be a field name, optionally
//! after `last-saved#`. The engine reads an unclosed `${` as text and trims
//! the name, so without this a cell pyxform refuses would be accepted.
//! pyxform checks the choices sheet's label columns and every column of the
//! survey sheet but `type` and `name`, on every row.

use fieldform_engine::expr::lex::{is_valid_field_name, last_saved_name};

use crate::errors::{Diagnostics, ImportError, Location};

/// A `${` that does not start a well-formed reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// 0-based character offset of its `${` in the text.
    pub position: usize,
    pub message: String,
}

const SHAPE: &str = "a reference is `${`, a field name, then `}`";

/// The first malformed reference in `text`, if any. Like pyxform: a text of
/// two characters or fewer is never checked, and `${}` (nothing inside) is
/// left as text.
pub fn first_malformed(text: &str) -> Option<Malformed> {
    if text.chars().count() <= 2 {
        return None;
    }
    let mut from = 0;
    while let Some(start) = text[from..].find("${").map(|i| from + i) {
        let inner_start = start + 2;
        let position = text[..start].chars().count();
        let Some(len) = text[inner_start..].find('}') else {
            return Some(Malformed {
                position,
                message: format!("`{}` is not closed; {SHAPE}", &text[start..]),
            });
        };
        if len == 0 {
            // pyxform's pattern needs a character inside: `${}` stays text.
            from = start + 1;
            continue;
        }
        let inner = &text[inner_start..inner_start + len];
        let name = last_saved_name(inner).unwrap_or(inner);
        if !is_valid_field_name(name) {
            return Some(Malformed {
                position,
                message: format!(
                    "`${{{inner}}}` is not a reference: `{name}` is not a field name; {SHAPE}"
                ),
            });
        }
        from = inner_start + len + 1;
    }
    None
}

/// Refuses the cell at `location` if its text has a malformed reference,
/// pointing at it; says whether it was well formed.
pub fn check_cell(location: &Location, text: &str, diag: &mut Diagnostics) -> bool {
    let Some(malformed) = first_malformed(text) else {
        return true;
    };
    diag.errors.push(ImportError {
        location: location.clone(),
        message: malformed.message,
        position: Some(malformed.position),
        expression: Some(text.to_owned()),
    });
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Option<(usize, String)> {
        first_malformed(text).map(|m| (m.position, m.message))
    }

    #[test]
    fn accepts_names_last_saved_and_text_without_references() {
        for text in [
            "${head} (head)",
            "${last-saved#head}",
            "Âge de ${hh.size_2}",
            "no reference",
            "${",
            "A ${} b",
            "}${head}",
            "$ {head",
        ] {
            assert_eq!(found(text), None, "{text}");
        }
    }

    #[test]
    fn refuses_an_unclosed_reference_at_its_start() {
        assert_eq!(
            found("Âge ${head} ${hea"),
            Some((
                12,
                "`${hea` is not closed; a reference is `${`, a field name, then `}`".to_owned()
            ))
        );
        assert_eq!(found("${}${x").map(|(p, _)| p), Some(3));
    }

    #[test]
    fn refuses_what_is_not_a_field_name_inside() {
        for (text, inner) in [
            ("${ head }", " head "),
            ("${a b}", "a b"),
            ("${1a}", "1a"),
            ("${a:b}", "a:b"),
            ("${a${head}}", "a${head"),
            ("${last-saved# head}", "last-saved# head"),
        ] {
            let (position, message) = found(text).unwrap_or_else(|| panic!("{text}: accepted"));
            assert_eq!(position, 0, "{text}");
            assert!(
                message.starts_with(&format!("`${{{inner}}}` is not a reference")),
                "{text}: {message}"
            );
        }
    }
}
