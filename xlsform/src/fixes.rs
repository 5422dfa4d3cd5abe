//! Repairs of expressions as real workbooks write them, each reported as a
//! warning: what ODK tolerates or what a spreadsheet program did to the text.

use std::collections::HashMap;

use fieldform_engine::expr::parse;

/// What became of an expression cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fixed {
    /// Use this text; with a warning when it differs from the cell.
    Use { text: String, warnings: Vec<String> },
    /// The engine cannot evaluate it: the cell is dropped, with this warning.
    Drop { warning: String },
}

/// `selects`: a choice list name → the first select question using it
/// (to rewrite `jr:itext(instance('l')/root/item[name = x]/itextId)`).
pub fn fix(text: &str, selects: &HashMap<String, String>) -> Fixed {
    let mut warnings = Vec::new();
    let mut text = text.to_owned();
    // Spreadsheet autocorrect turns quotes typographic; ODK would reject them.
    if text.contains(['‘', '’', '“', '”']) {
        text = text.replace(['‘', '’'], "'").replace(['“', '”'], "\"");
        warnings.push("typographic quotes replaced by straight quotes".to_owned());
    }
    // `false` is a path to a node that does not exist in ODK: always false.
    match text.trim() {
        "false" | "FALSE" => {
            warnings.push("`false` read as `false()`".to_owned());
            text = "false()".to_owned();
        }
        "true" | "TRUE" => {
            warnings.push("`true` read as `true()`".to_owned());
            text = "true()".to_owned();
        }
        _ => {}
    }
    if let Some((list, value)) = itext_lookup(&text)
        && let Some(question) = selects.get(&list)
    {
        let rewritten = format!("jr:choice-name({value}, '${{{question}}}')");
        warnings.push(format!(
            "`{text}` rewritten as `{rewritten}` (secondary instances are not supported)"
        ));
        return Fixed::Use {
            text: rewritten,
            warnings,
        };
    }
    if parse(&text).is_err() && (text.contains("instance(") || text.contains('[')) {
        return Fixed::Drop {
            warning: format!(
                "`{text}` uses secondary instances or XPath predicates, which Fieldform does not support yet; ignored"
            ),
        };
    }
    Fixed::Use { text, warnings }
}

/// `jr:itext(instance('LIST')/root/item[name = VALUE]/itextId)` → (LIST, VALUE):
/// the label of a choice, which `jr:choice-name` gives.
fn itext_lookup(text: &str) -> Option<(String, String)> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let rest = compact.strip_prefix("jr:itext(instance(")?;
    let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let rest = &rest[1..];
    let end = rest.find(quote)?;
    let list = &rest[..end];
    let rest = rest[end + 1..].strip_prefix(")/root/item[name=")?;
    let value = rest.strip_suffix("]/itextId)")?;
    Some((list.to_owned(), value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_booleans_itext_and_instances() {
        let none = HashMap::new();
        assert_eq!(
            fix("${a} = ‘yes’", &none),
            Fixed::Use {
                text: "${a} = 'yes'".into(),
                warnings: vec!["typographic quotes replaced by straight quotes".into()]
            }
        );
        assert_eq!(
            fix("false", &none),
            Fixed::Use {
                text: "false()".into(),
                warnings: vec!["`false` read as `false()`".into()]
            }
        );
        let selects = HashMap::from([("seclass".to_owned(), "se_list".to_owned())]);
        let Fixed::Use { text, .. } = fix(
            "jr:itext(instance('seclass')/root/item[name = ${income}]/itextId)",
            &selects,
        ) else {
            panic!("rewritten");
        };
        assert_eq!(text, "jr:choice-name(${income}, '${se_list}')");
        // Instance paths parse; only what the engine cannot read is dropped.
        assert!(matches!(
            fix("count(instance('x')/root/item[a = 1])", &none),
            Fixed::Use { .. }
        ));
        assert!(matches!(
            fix("instance('x')/root/item[a = 1]/b/c", &none),
            Fixed::Drop { .. }
        ));
        assert_eq!(
            fix("${a} > 1", &none),
            Fixed::Use {
                text: "${a} > 1".into(),
                warnings: vec![]
            }
        );
    }
}
