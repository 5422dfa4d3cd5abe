//! pyxform's CSV variant of XLSForm: one file holding every sheet.
//!
//! ```text
//! survey,,,
//! ,type,name,label
//! ,integer,age,Age
//! choices,,,
//! ,list_name,name,label
//! ```

use super::{ReadError, sectioned};
use crate::workbook::Workbook;

pub fn read(bytes: &[u8]) -> Result<Workbook, ReadError> {
    // Spreadsheet programs often save CSV with a byte order mark.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ReadError::Csv(e.to_string()))?;
        let line = record
            .position()
            .map_or(rows.len() + 1, |p| p.line() as usize);
        rows.push((line, record.iter().map(str::to_owned).collect()));
    }
    Ok(sectioned(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_become_sheets_with_line_numbers() {
        let text = "\u{feff}survey,,,\n,type,name,label\n,integer,age,\"Age, in years\"\n\n\
                    choices,,,\n,list_name,name,label\n,yn,1,Yes\n";
        let book = read(text.as_bytes()).expect("reads");
        assert_eq!(book.sheet_names(), vec!["survey", "choices"]);
        let survey = book.sheet("SURVEY").expect("survey");
        assert_eq!(survey.rows.len(), 2);
        assert_eq!(survey.rows[1].number, 3);
        assert_eq!(
            survey.rows[1].cells,
            vec!["integer", "age", "Age, in years"]
        );
        let choices = book.sheet("choices").expect("choices");
        assert_eq!(choices.rows[1].number, 7);
    }

    #[test]
    fn broken_quoting_is_an_error() {
        let err = read(b"survey\n,\"a\xff\n").expect_err("not utf-8");
        assert!(
            err.to_string().starts_with("cannot read the CSV file"),
            "{err}"
        );
    }
}
