//! Whole-import tests on workbooks built in memory with rust_xlsxwriter.

mod errors;
mod external;
mod import;
mod loops;
mod pyxform_rules;
mod round_trip;

use rust_xlsxwriter::Workbook;

use crate::{ImportErrors, Imported, import_bytes};

/// An `.xlsx` with the given sheets. Cells that read as numbers are written
/// as numbers, as a spreadsheet program would store them.
pub fn xlsx(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).expect("sheet name");
        for (y, row) in rows.iter().enumerate() {
            for (x, cell) in row.iter().enumerate() {
                let (y, x) = (
                    u32::try_from(y).expect("row"),
                    u16::try_from(x).expect("col"),
                );
                match cell.parse::<f64>() {
                    Ok(n) if !cell.is_empty() => ws.write_number(y, x, n).expect("write"),
                    _ => ws.write_string(y, x, *cell).expect("write"),
                };
            }
        }
    }
    book.save_to_buffer().expect("xlsx")
}

pub fn import(sheets: &[(&str, &[&[&str]])]) -> Result<Imported, ImportErrors> {
    import_bytes("test_form.xlsx", &xlsx(sheets))
}

pub fn strings<T: ToString>(items: &[T]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

#[test]
fn ids_from_file_names_are_ids_the_server_accepts() {
    assert_eq!(super::id_from("household"), "household");
    assert_eq!(super::id_from("2024 survey"), "_2024_survey");
    assert_eq!(super::id_from("анкета"), "form");
    assert_eq!(super::id_from("анкета 2"), "_______2");
    assert_eq!(super::id_from(".hidden"), "_.hidden");
    assert_eq!(super::id_from(&"a".repeat(100)).len(), 64);
}
