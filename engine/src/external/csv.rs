//! CSV attachments as ODK reads them: the first row names the columns,
//! fields are separated by `,` (or `;` when the header has no comma, as
//! spreadsheet programs in many locales write), `"` quotes a field and `""`
//! is a quote inside one. A UTF-8 byte-order mark is skipped.

use super::{AttachmentError, Dataset, limits};

/// Parses `text` (the whole file) into a dataset named `file`.
pub(super) fn parse(file: &str, text: &str) -> Result<Dataset, AttachmentError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header_line = text.lines().next().unwrap_or_default();
    let sep = if !header_line.contains(',') && header_line.contains(';') {
        ';'
    } else {
        ','
    };
    let mut records = Records {
        chars: text.chars().peekable(),
        sep,
        line: 1,
    };
    let malformed = |line: usize, problem: String| AttachmentError::Malformed {
        file: file.to_owned(),
        problem: format!("line {line}: {problem}"),
    };
    let Some(header) = records.next_record().map_err(|(l, p)| malformed(l, p))? else {
        return Err(malformed(
            1,
            "the file is empty; the first row must name the columns".into(),
        ));
    };
    let columns: Vec<String> = header.into_iter().map(|c| c.trim().to_owned()).collect();
    let mut rows = Vec::new();
    loop {
        let line = records.line;
        let Some(record) = records.next_record().map_err(|(l, p)| malformed(l, p))? else {
            break;
        };
        // A blank line is no row (spreadsheets leave one at the end).
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        if record.len() > columns.len() {
            return Err(malformed(
                line,
                format!(
                    "{} fields, but the first row names {} columns",
                    record.len(),
                    columns.len()
                ),
            ));
        }
        if rows.len() >= limits::MAX_ROWS {
            return Err(AttachmentError::TooLarge {
                file: file.to_owned(),
                what: format!("more than {} rows", limits::MAX_ROWS),
            });
        }
        rows.push(record);
    }
    Dataset::new(file, "root", "item", columns, rows)
}

struct Records<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    sep: char,
    /// 1-based line of the cursor, for messages.
    line: usize,
}

impl Records<'_> {
    /// The next record, `None` at the end; an error is (line, problem).
    fn next_record(&mut self) -> Result<Option<Vec<String>>, (usize, String)> {
        if self.chars.peek().is_none() {
            return Ok(None);
        }
        let mut fields = Vec::new();
        let mut field = String::new();
        loop {
            let Some(c) = self.chars.next() else {
                fields.push(field);
                return Ok(Some(fields));
            };
            match c {
                '"' if field.is_empty() => {
                    let start = self.line;
                    loop {
                        match self.chars.next() {
                            Some('"') => {
                                if self.chars.peek() == Some(&'"') {
                                    self.chars.next();
                                    field.push('"');
                                } else {
                                    break;
                                }
                            }
                            Some(c) => {
                                if c == '\n' {
                                    self.line += 1;
                                }
                                field.push(c);
                            }
                            None => {
                                return Err((start, "a quoted field is not closed".into()));
                            }
                        }
                        if field.len() > limits::MAX_CELL_BYTES {
                            return Err((start, too_long()));
                        }
                    }
                }
                c if c == self.sep => fields.push(std::mem::take(&mut field)),
                '\r' if self.chars.peek() == Some(&'\n') => {}
                '\n' => {
                    self.line += 1;
                    fields.push(field);
                    return Ok(Some(fields));
                }
                _ => {
                    field.push(c);
                    if field.len() > limits::MAX_CELL_BYTES {
                        return Err((self.line, too_long()));
                    }
                }
            }
            if fields.len() > limits::MAX_COLUMNS {
                return Err((
                    self.line,
                    format!("more than {} fields", limits::MAX_COLUMNS),
                ));
            }
        }
    }
}

fn too_long() -> String {
    format!("a field is longer than {} bytes", limits::MAX_CELL_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn rows(d: &Dataset) -> Vec<Vec<String>> {
        (0..d.len())
            .map(|r| {
                d.columns()
                    .iter()
                    .map(|c| d.cell(r, c).unwrap_or("?").to_owned())
                    .collect()
            })
            .collect()
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn header_quotes_and_line_ends() {
        let d = parse(
            "v.csv",
            "\u{feff}name,label,note\r\na,\"A, the first\",\"say \"\"hi\"\"\"\r\nb,B\n\n\"c\",\"two\nlines\",x",
        )
        .expect("parses");
        assert_eq!(d.columns(), ["name", "label", "note"]);
        assert_eq!(
            rows(&d),
            vec![
                vec!["a", "A, the first", "say \"hi\""],
                // A short row reads its missing fields as empty.
                vec!["b", "B", ""],
                vec!["c", "two\nlines", "x"],
            ]
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn semicolons_when_the_header_has_no_comma() {
        let d = parse("v.csv", "name;label\na;A,1\n").expect("parses");
        assert_eq!(rows(&d), vec![vec!["a", "A,1"]]);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn malformed_files_are_refused_with_the_line() {
        let err = |text: &str| parse("v.csv", text).expect_err("refused").to_string();
        assert_eq!(
            err("name,label\na,\"open\nb,B\n"),
            "attachment `v.csv` is malformed: line 2: a quoted field is not closed"
        );
        assert_eq!(
            err("name,label\na,b,c\n"),
            "attachment `v.csv` is malformed: line 2: 3 fields, but the first row names 2 columns"
        );
        assert_eq!(
            err(""),
            "attachment `v.csv` is malformed: line 1: the file is empty; the first row must name the columns"
        );
        assert_eq!(
            err("name,name\na,b\n"),
            "attachment `v.csv` is malformed: column `name` appears twice"
        );
    }
}
