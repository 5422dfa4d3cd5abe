//! The grid calamine will build for each table of an `.ods`, computed from
//! `content.xml` with a streaming parse before calamine expands anything.
//!
//! calamine (0.32, `ods.rs`) repeats a non-empty cell
//! `table:number-columns-repeated` times as it reads a row, and an empty one
//! too when a non-empty cell follows it in the row; it then lays every table
//! out as a grid from its first to its last non-empty row (repeated rows and
//! repeated empty rows in between included) and from column A to the widest
//! row, twice (values and formulas). Trailing empty cells and rows are never
//! expanded, which is how LibreOffice's `number-rows-repeated="1048553"`
//! padding stays harmless. This scan follows the same rules, counting only,
//! and takes a cell as non-empty whenever calamine might (so it can only
//! overestimate).

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;

use super::ReadError;
use super::limits::{Grid, MAX_WORKBOOK_CELLS};

/// Checks every named table of `content` against the limits.
pub fn check(content: &[u8]) -> Result<(), ReadError> {
    let mut reader = Reader::from_reader(content);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut total: u64 = 0;
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            // Malformed XML: calamine reports it.
            Err(_) => return Ok(()),
        };
        match event {
            Event::Start(e) if e.name() == QName(b"table:table") => {
                let Some(name) = attribute(&e, b"table:name") else {
                    continue;
                };
                let name = String::from_utf8_lossy(&name).into_owned();
                let Some(grid) = table(&mut reader)? else {
                    continue;
                };
                if !grid.fits() {
                    return Err(grid.error(&name));
                }
                total = total.saturating_add(grid.cells());
                if total > MAX_WORKBOOK_CELLS {
                    return Err(ReadError::WorkbookTooLarge { sheet: name });
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

fn attribute(e: &BytesStart<'_>, name: &[u8]) -> Option<Vec<u8>> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .map(|a| a.value.into_owned())
}

/// A repeat count; an unreadable one counts once (calamine refuses it).
fn repeats(e: &BytesStart<'_>, name: &[u8]) -> u64 {
    attribute(e, name)
        .and_then(|v| std::str::from_utf8(&v).ok()?.trim().parse().ok())
        .unwrap_or(1)
}

/// The grid of the table whose start tag was just read, or `None` when it
/// has no non-empty cell (or its XML breaks off: calamine reports that).
fn table(reader: &mut Reader<&[u8]>) -> Result<Option<Grid>, ReadError> {
    let mut buf = Vec::new();
    // Expanded row index of the next row element.
    let mut row: u64 = 0;
    let mut first: Option<u64> = None;
    let mut last: u64 = 0;
    let mut widest: u64 = 0;
    loop {
        let Ok(event) = reader.read_event_into(&mut buf) else {
            return Ok(None);
        };
        match event {
            Event::Start(e) if e.name() == QName(b"table:table-row") => {
                let repeat = repeats(&e, b"table:number-rows-repeated");
                let Some(width) = row_width(reader)? else {
                    return Ok(None);
                };
                if width > 0 {
                    first.get_or_insert(row);
                    last = row.saturating_add(repeat - repeat.min(1));
                    widest = widest.max(width);
                    let grid = Grid {
                        first_row: first.unwrap_or(row),
                        last_row: last,
                        first_col: 0,
                        last_col: widest - 1,
                    };
                    // Stop at once: the rest cannot make it smaller.
                    if !grid.fits() {
                        return Ok(Some(grid));
                    }
                }
                row = row.saturating_add(repeat);
            }
            Event::End(e) if e.name() == QName(b"table:table") => break,
            Event::Eof => return Ok(None),
            _ => {}
        }
        buf.clear();
    }
    Ok(first.map(|first_row| Grid {
        first_row,
        last_row: last,
        first_col: 0,
        last_col: widest.saturating_sub(1),
    }))
}

/// The cells calamine pushes for the row whose start tag was just read: up
/// to and including its last non-empty cell, repeats expanded.
fn row_width(reader: &mut Reader<&[u8]>) -> Result<Option<u64>, ReadError> {
    let mut buf = Vec::new();
    let mut width: u64 = 0;
    let mut pending_empty: u64 = 0;
    loop {
        let Ok(event) = reader.read_event_into(&mut buf) else {
            return Ok(None);
        };
        match event {
            Event::Start(e)
                if e.name() == QName(b"table:table-cell")
                    || e.name() == QName(b"table:covered-table-cell") =>
            {
                let repeat = repeats(&e, b"table:number-columns-repeated");
                let valued = [
                    &b"office:value"[..],
                    b"office:string-value",
                    b"office:date-value",
                    b"office:time-value",
                    b"office:boolean-value",
                    b"office:value-type",
                    b"table:formula",
                ]
                .iter()
                .any(|a| attribute(&e, a).is_some());
                let end = e.name().as_ref().to_vec();
                let has_content = !cell_is_closed(reader, &end)?;
                width = width.saturating_add(pending_empty);
                pending_empty = 0;
                if valued || has_content {
                    width = width.saturating_add(repeat);
                } else {
                    pending_empty = repeat;
                }
            }
            Event::End(e) if e.name() == QName(b"table:table-row") => return Ok(Some(width)),
            Event::Eof => return Ok(None),
            _ => {}
        }
        buf.clear();
    }
}

/// Reads to the end of the cell whose start tag was just read: `true` when
/// it has nothing inside.
fn cell_is_closed(reader: &mut Reader<&[u8]>, name: &[u8]) -> Result<bool, ReadError> {
    let mut buf = Vec::new();
    let mut empty = true;
    let mut depth = 0usize;
    loop {
        let Ok(event) = reader.read_event_into(&mut buf) else {
            return Ok(empty);
        };
        match event {
            Event::End(e) if depth == 0 && e.name().as_ref() == name => return Ok(empty),
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Start(_) => {
                empty = false;
                depth += 1;
            }
            Event::Text(t) if !t.iter().all(u8::is_ascii_whitespace) => empty = false,
            Event::Eof => return Ok(empty),
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(table: &str) -> String {
        format!(
            r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="survey">{table}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
    }

    const CELL: &str =
        r#"<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>"#;

    #[test]
    fn libreoffice_padding_is_not_counted() {
        let table = format!(
            r#"<table:table-row>{CELL}{CELL}<table:table-cell table:number-columns-repeated="1022"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#
        );
        check(content(&table).as_bytes()).expect("fits");
    }

    #[test]
    fn repeated_columns_are_refused() {
        let table = r#"<table:table-row><table:table-cell table:number-columns-repeated="100000000" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#;
        let err = check(content(table).as_bytes()).expect_err("too wide");
        assert_eq!(
            err.to_string(),
            "sheet `survey`: the used range A1:HJUNYV1 is too large (1 rows × 100,000,000 \
             columns counted from column A); a sheet may have at most 2,000,000 cells and \
             16,384 columns"
        );
    }

    #[test]
    fn empty_cells_before_a_value_are_counted() {
        let table = format!(
            r#"<table:table-row><table:table-cell table:number-columns-repeated="20000"/>{CELL}</table:table-row>"#
        );
        let err = check(content(&table).as_bytes()).expect_err("too wide");
        assert!(err.to_string().contains("1 rows × 20,001 columns"), "{err}");
    }

    #[test]
    fn repeated_rows_and_empty_rows_between_values_are_counted() {
        // A repeated row holding a value.
        let table = format!(
            r#"<table:table-row table:number-rows-repeated="3000000">{CELL}</table:table-row>"#
        );
        let err = check(content(&table).as_bytes()).expect_err("too long");
        assert!(
            err.to_string().contains("3,000,000 rows × 1 columns"),
            "{err}"
        );
        // Empty rows between two values are laid out too.
        let table = format!(
            r#"<table:table-row>{CELL}{CELL}</table:table-row><table:table-row table:number-rows-repeated="1048570"><table:table-cell/></table:table-row><table:table-row>{CELL}{CELL}</table:table-row>"#
        );
        let err = check(content(&table).as_bytes()).expect_err("too long");
        assert!(err.to_string().contains("A1:B1048572"), "{err}");
    }

    #[test]
    fn tables_add_up() {
        let row = format!(
            r#"<table:table-row table:number-rows-repeated="1500000">{CELL}</table:table-row>"#
        );
        let tables: String = (0..3)
            .map(|i| format!(r#"<table:table table:name="t{i}">{row}</table:table>"#))
            .collect();
        let doc = content("").replace(
            r#"<table:table table:name="survey"></table:table>"#,
            &tables,
        );
        let err = check(doc.as_bytes()).expect_err("4.5 million together");
        assert!(err.to_string().starts_with("sheet `t2`"), "{err}");
    }
}
