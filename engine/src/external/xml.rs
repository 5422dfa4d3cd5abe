//! XML attachments in the shape ODK documents for form data:
//!
//! ```xml
//! <root>
//!   <item><name>a</name><label>A</label><region>north</region></item>
//! </root>
//! ```
//!
//! The root and item elements may have other names (the path in
//! `instance('x')/root/item` then uses them); each child element of an
//! item is a column. A small reader, not a general XML parser: no DTDs, no
//! namespaces (prefixes are kept in names), attributes are ignored; comments,
//! processing instructions, CDATA and the predefined and numeric entities
//! are understood. Deeper nesting than root/item/column is refused.

use super::{AttachmentError, Dataset, limits};

pub(super) fn parse(file: &str, text: &str) -> Result<Dataset, AttachmentError> {
    let malformed = |problem: String| AttachmentError::Malformed {
        file: file.to_owned(),
        problem,
    };
    let mut r = Reader {
        s: text.strip_prefix('\u{feff}').unwrap_or(text),
        pos: 0,
    };
    r.skip_misc().map_err(malformed)?;
    let root = match r.open_tag().map_err(malformed)? {
        Tag::Open(n) => n,
        Tag::Empty(n) => return Dataset::new(file, &n, "item", Vec::new(), Vec::new()),
        Tag::Close(n) => return Err(malformed(format!("unexpected `</{n}>`"))),
    };
    let mut item_name: Option<String> = None;
    let mut columns: Vec<String> = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    loop {
        r.skip_text_and_misc().map_err(malformed)?;
        match r.open_tag().map_err(malformed)? {
            Tag::Close(n) if n == root => break,
            Tag::Close(n) => return Err(malformed(format!("`</{n}>` does not close `<{root}>`"))),
            Tag::Empty(n) | Tag::Open(n) if item_name.as_ref().is_some_and(|i| *i != n) => {
                return Err(malformed(format!(
                    "`<{n}>` inside `<{root}>`: every item must be a `<{}>`",
                    item_name.unwrap_or_default()
                )));
            }
            Tag::Empty(n) => {
                item_name = Some(n);
                rows.push(Vec::new());
            }
            Tag::Open(n) => {
                item_name = Some(n.clone());
                let row = read_item(&mut r, &n, &mut columns).map_err(malformed)?;
                rows.push(row);
            }
        }
        if rows.len() > limits::MAX_ROWS {
            return Err(AttachmentError::TooLarge {
                file: file.to_owned(),
                what: format!("more than {} items", limits::MAX_ROWS),
            });
        }
    }
    r.skip_misc().map_err(malformed)?;
    if r.pos < r.s.len() {
        return Err(malformed(format!("text after `</{root}>`")));
    }
    let item = item_name.unwrap_or_else(|| "item".to_owned());
    Dataset::new(file, &root, &item, columns, rows)
}

/// The columns of one item, whose start tag was read.
fn read_item(
    r: &mut Reader<'_>,
    item: &str,
    columns: &mut Vec<String>,
) -> Result<Vec<String>, String> {
    let mut row: Vec<String> = Vec::new();
    loop {
        r.skip_text_and_misc()?;
        let (column, value) = match r.open_tag()? {
            Tag::Close(n) if n == item => return Ok(row),
            Tag::Close(n) => return Err(format!("`</{n}>` does not close `<{item}>`")),
            Tag::Empty(n) => (n, String::new()),
            Tag::Open(n) => {
                let value = r.text_until_close(&n)?;
                (n, value)
            }
        };
        let index = match columns.iter().position(|c| *c == column) {
            Some(i) => i,
            None => {
                if columns.len() >= limits::MAX_COLUMNS {
                    return Err(format!("more than {} columns", limits::MAX_COLUMNS));
                }
                columns.push(column);
                columns.len() - 1
            }
        };
        if row.len() <= index {
            row.resize(index + 1, String::new());
        }
        row[index] = value;
    }
}

enum Tag {
    Open(String),
    Close(String),
    Empty(String),
}

struct Reader<'a> {
    s: &'a str,
    pos: usize,
}

impl Reader<'_> {
    fn rest(&self) -> &str {
        &self.s[self.pos..]
    }

    fn line(&self) -> usize {
        self.s[..self.pos].matches('\n').count() + 1
    }

    fn err(&self, what: &str) -> String {
        format!("line {}: {what}", self.line())
    }

    /// Skips whitespace, comments, processing instructions and a doctype.
    fn skip_misc(&mut self) -> Result<(), String> {
        loop {
            let trimmed = self.rest().trim_start();
            self.pos = self.s.len() - trimmed.len();
            if !self.skip_markup()? {
                return Ok(());
            }
        }
    }

    /// Skips one comment, processing instruction or doctype; whether there was one.
    fn skip_markup(&mut self) -> Result<bool, String> {
        for (open, close) in [("<!--", "-->"), ("<?", "?>"), ("<!DOCTYPE", ">")] {
            if self.rest().starts_with(open) {
                let Some(end) = self.rest().find(close) else {
                    return Err(self.err(&format!("`{open}` is not closed")));
                };
                self.pos += end + close.len();
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Skips the whitespace (or stray text) between elements.
    fn skip_text_and_misc(&mut self) -> Result<(), String> {
        loop {
            match self.rest().find('<') {
                Some(i) => self.pos += i,
                None => return Err(self.err("unexpected end of the file")),
            }
            if !self.skip_markup()? {
                return Ok(());
            }
        }
    }

    /// Reads `<name ...>`, `</name>` or `<name .../>` at the cursor.
    fn open_tag(&mut self) -> Result<Tag, String> {
        if !self.rest().starts_with('<') {
            return Err(self.err("expected an element"));
        }
        let Some(end) = self.rest().find('>') else {
            return Err(self.err("a tag is not closed"));
        };
        let inner = &self.rest()[1..end];
        let tag = if let Some(name) = inner.strip_prefix('/') {
            Tag::Close(name.trim().to_owned())
        } else {
            let empty = inner.ends_with('/');
            let body = inner.trim_end_matches('/');
            let name: String = body.chars().take_while(|c| !c.is_whitespace()).collect();
            if name.is_empty() {
                return Err(self.err("an element without a name"));
            }
            if empty {
                Tag::Empty(name)
            } else {
                Tag::Open(name)
            }
        };
        self.pos += end + 1;
        Ok(tag)
    }

    /// The text content of element `name` (whose start tag was read) up to
    /// its end tag; a child element is an error.
    fn text_until_close(&mut self, name: &str) -> Result<String, String> {
        let mut out = String::new();
        loop {
            let Some(lt) = self.rest().find('<') else {
                return Err(self.err(&format!("`<{name}>` is not closed")));
            };
            decode(&self.rest()[..lt], &mut out).map_err(|e| self.err(&e))?;
            self.pos += lt;
            if let Some(cdata) = self.rest().strip_prefix("<![CDATA[") {
                let Some(end) = cdata.find("]]>") else {
                    return Err(self.err("CDATA is not closed"));
                };
                out.push_str(&cdata[..end]);
                self.pos += "<![CDATA[".len() + end + 3;
            } else if self.skip_markup()? {
            } else {
                return match self.open_tag()? {
                    Tag::Close(n) if n == name => Ok(out),
                    Tag::Close(n) => Err(self.err(&format!("`</{n}>` does not close `<{name}>`"))),
                    Tag::Open(n) | Tag::Empty(n) => Err(self.err(&format!(
                        "`<{n}>` inside `<{name}>`: only root/item/column nesting is read"
                    ))),
                };
            }
            if out.len() > limits::MAX_CELL_BYTES {
                return Err(self.err(&format!(
                    "a value is longer than {} bytes",
                    limits::MAX_CELL_BYTES
                )));
            }
        }
    }
}

/// Appends `text` with its entity references decoded.
fn decode(text: &str, out: &mut String) -> Result<(), String> {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(semi) = after.find(';') else {
            return Err("`&` without `;`".into());
        };
        let entity = &after[..semi];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| format!("unknown entity `&{entity};`"))?
            }
        };
        out.push(c);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn items_and_columns() {
        let d = parse(
            "p.xml",
            "<?xml version=\"1.0\"?>\n<!-- places -->\n<root>\n  <item><name>a</name><label>A &amp; B</label></item>\n  <item id=\"2\"><name>b</name><label><![CDATA[<b>]]></label><extra>&#x41;</extra></item>\n  <item/>\n</root>\n",
        )
        .expect("parses");
        assert_eq!(d.columns(), ["name", "label", "extra"]);
        assert_eq!(d.len(), 3);
        assert_eq!(d.cell(0, "label"), Some("A & B"));
        assert_eq!(d.cell(0, "extra"), Some(""));
        assert_eq!(d.cell(1, "label"), Some("<b>"));
        assert_eq!(d.cell(1, "extra"), Some("A"));
        assert_eq!(d.cell(2, "name"), Some(""));
        assert_eq!((d.root.as_str(), d.item.as_str()), ("root", "item"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn other_element_names_are_kept_for_the_path() {
        let d = parse("c.xml", "<cities><city><n>x</n></city></cities>").expect("parses");
        assert_eq!((d.root.as_str(), d.item.as_str()), ("cities", "city"));
        assert_eq!(d.cell(0, "n"), Some("x"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn malformed_xml_is_refused() {
        let err = |t: &str| parse("p.xml", t).expect_err("refused").to_string();
        assert_eq!(
            err("<root><item><name>a</item></root>"),
            "attachment `p.xml` is malformed: line 1: `</item>` does not close `<name>`"
        );
        assert_eq!(
            err("<root><item><name><b>x</b></name></item></root>"),
            "attachment `p.xml` is malformed: line 1: `<b>` inside `<name>`: only root/item/column nesting is read"
        );
        assert_eq!(
            err("<root><item/><row/></root>"),
            "attachment `p.xml` is malformed: `<row>` inside `<root>`: every item must be a `<item>`"
        );
        assert_eq!(
            err("<root>\n<item><name>&bogus;</name></item></root>"),
            "attachment `p.xml` is malformed: line 2: unknown entity `&bogus;`"
        );
        assert!(err("<root><item>").contains("unexpected end"));
    }
}
