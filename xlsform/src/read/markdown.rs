//! pyxform's markdown-table variant of XLSForm (its tests and docs use it):
//!
//! ```text
//! | survey |
//! |        | type    | name | label |
//! |        | integer | age  | Age   |
//! ```

use super::sectioned;
use crate::workbook::Workbook;

pub fn read(text: &str) -> Workbook {
    let rows = text.lines().enumerate().filter_map(|(i, line)| {
        let line = line.trim();
        let inner = line.strip_prefix('|')?;
        let inner = inner.strip_suffix('|').unwrap_or(inner);
        let cells: Vec<String> = inner.split('|').map(|c| c.trim().to_owned()).collect();
        // `|---|---|` separator lines of GitHub-style tables carry nothing.
        let separator = cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')));
        (!separator).then_some((i + 1, cells))
    });
    sectioned(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_become_sheets() {
        let text = "| survey |\n|  | type | name |\n|--|--|--|\n|  | text | q1 |\nnot a table\n| choices |\n| | list_name | name |\n";
        let book = read(text);
        assert_eq!(book.sheet_names(), vec!["survey", "choices"]);
        let survey = book.sheet("survey").expect("survey");
        assert_eq!(survey.rows.len(), 2);
        assert_eq!(survey.rows[1].number, 4);
        assert_eq!(survey.rows[1].cells, vec!["text", "q1"]);
    }
}
