//! A BIFF `.xls` whose DIMENSIONS record declares more than its sheet holds
//! (one in the corpus declares 65,530 rows × 38 columns around a few hundred
//! cells): calamine reserves the declared grid before reading the cells, so
//! such a file would be refused for cells it does not have, while xlrd (and
//! so pyxform) reads it. The record only sizes that reservation (calamine's
//! range is laid out from the cells), so calamine gets a copy whose
//! DIMENSIONS declare what the cells span, and every bound [`xls_scan`]
//! checks still holds for the cells themselves.
//!
//! [`xls_scan`]: super::xls_scan

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::ReadError;
use super::limits::Grid;
use super::xls_scan::{self, Oversized, damaged};

/// The bytes calamine may read: `bytes` itself, or a copy with its
/// oversized DIMENSIONS records shrunk. Refuses what [`xls_scan`] refuses.
pub(super) fn prepare(bytes: &[u8]) -> Result<Cow<'_, [u8]>, ReadError> {
    let Some(scan) = xls_scan::scan(bytes)? else {
        return Ok(Cow::Borrowed(bytes));
    };
    if scan.oversized.is_empty() {
        return Ok(Cow::Borrowed(bytes));
    }
    // Sheets said to start inside one another share records: a shared one
    // declares the smallest of their grids, no more than any of them holds.
    let mut records: BTreeMap<usize, &Oversized> = BTreeMap::new();
    for record in &scan.oversized {
        let cells = |r: &Oversized| r.cells.map_or(0, |g| g.cells());
        records
            .entry(record.at)
            .and_modify(|kept| {
                if cells(record) < cells(kept) {
                    *kept = record;
                }
            })
            .or_insert(record);
    }
    let mut copy = bytes.to_vec();
    for record in records.into_values() {
        for (i, &byte) in shrunk(record).iter().enumerate() {
            match scan.layout.offset(record.at + i) {
                Some(at) => match copy.get_mut(at) {
                    Some(target) => *target = byte,
                    None => {
                        return Err(damaged("a DIMENSIONS record lies past the end of the file"));
                    }
                },
                // Zeros calamine reads past the file's end stay zeros.
                None if byte == 0 => {}
                None => return Err(damaged("a DIMENSIONS record lies past the end of the file")),
            }
        }
    }
    // A hostile file can share one sector between the workbook stream and
    // the structures that locate it; the copy is what calamine reads, so it
    // must pass the checks as it is.
    match xls_scan::scan(&copy)? {
        Some(rescan) if rescan.oversized.is_empty() => Ok(Cow::Owned(copy)),
        _ => Err(damaged(
            "its DIMENSIONS record shares a sector with the file's structure",
        )),
    }
}

/// A DIMENSIONS record's data declaring `record.cells` (0-based, last row
/// and column exclusive as BIFF has them), in the record's own layout: 10
/// bytes (BIFF5, 16-bit rows) or 14 (BIFF8, 32-bit rows); the trailing
/// reserved bytes are zero. No cells, or rows past 16 bits in a BIFF5
/// record, declare an empty sheet (calamine reserves one cell).
fn shrunk(record: &Oversized) -> Vec<u8> {
    let fields = record.cells.and_then(|g: Grid| {
        Some((
            u32::try_from(g.first_row).ok()?,
            u32::try_from(g.last_row + 1).ok()?,
            u16::try_from(g.first_col).ok()?,
            u16::try_from(g.last_col + 1).ok()?,
        ))
    });
    let mut data = Vec::with_capacity(record.len);
    if record.len == 14 {
        let (rf, rl, cf, cl) = fields.unwrap_or_default();
        data.extend_from_slice(&rf.to_le_bytes());
        data.extend_from_slice(&rl.to_le_bytes());
        data.extend_from_slice(&cf.to_le_bytes());
        data.extend_from_slice(&cl.to_le_bytes());
    } else {
        let (rf, rl, cf, cl) = fields
            .and_then(|(rf, rl, cf, cl)| {
                Some((u16::try_from(rf).ok()?, u16::try_from(rl).ok()?, cf, cl))
            })
            .unwrap_or_default();
        for field in [rf, rl, cf, cl] {
            data.extend_from_slice(&field.to_le_bytes());
        }
    }
    data.resize(record.len, 0);
    data
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bombs::{self, XLS_DIMENSIONS, XLS_NUMBER, xls_number};
    use crate::workbook::Workbook;

    /// DIMENSIONS data (BIFF8): rows `rf..rl`, columns `cf..cl`.
    fn dims(rf: u32, rl: u32, cf: u16, cl: u16) -> Vec<u8> {
        let mut data = Vec::new();
        data.extend_from_slice(&rf.to_le_bytes());
        data.extend_from_slice(&rl.to_le_bytes());
        data.extend_from_slice(&cf.to_le_bytes());
        data.extend_from_slice(&cl.to_le_bytes());
        data.extend_from_slice(&0u16.to_le_bytes());
        data
    }

    fn rows(book: &Workbook) -> Vec<(usize, Vec<String>)> {
        let survey = book.sheet("survey").expect("survey");
        survey
            .rows
            .iter()
            .map(|r| (r.number, r.cells.clone()))
            .collect()
    }

    fn read(bytes: &[u8]) -> Result<Workbook, ReadError> {
        super::super::read(super::super::Format::Spreadsheet, bytes)
    }

    #[test]
    fn an_inflated_dimensions_record_is_shrunk_to_the_cells() {
        // As the corpus file: 65,530 rows × 38 columns declared around two
        // cells, the second past the first sector of the stream.
        let mut records = vec![(XLS_DIMENSIONS, dims(0, 65_530, 0, 38))];
        records.extend((0..300).map(|_| (0x0055, vec![8, 0]))); // DEFCOLWIDTH, as filler
        records.push((XLS_NUMBER, xls_number(0, 0, 1.0)));
        records.push((XLS_NUMBER, xls_number(2, 1, 2.5)));
        let file = bombs::xls(&records);
        let scan = xls_scan::scan(&file).expect("checks").expect("a workbook");
        assert_eq!(scan.oversized.len(), 1);

        let prepared = prepare(&file).expect("prepared");
        let Cow::Owned(copy) = &prepared else {
            panic!("not copied");
        };
        // The record's data follows the header, FAT and directory sectors,
        // the globals (BOF, BoundSheet8, EOF: 42 bytes), the sheet's BOF (20)
        // and the record's own header (4).
        let at = 3 * 512 + 42 + 20 + 4;
        assert_eq!(copy[at..at + 14], dims(0, 3, 0, 2)[..]);
        assert_eq!(copy.len(), file.len());
        let changed = file.iter().zip(copy).filter(|(a, b)| a != b).count();
        assert!(changed <= 8, "{changed} bytes changed");
        assert!(
            xls_scan::scan(copy)
                .expect("checks")
                .expect("a workbook")
                .oversized
                .is_empty()
        );

        let expected = vec![
            (1, vec!["1".to_owned(), String::new()]),
            (3, vec![String::new(), "2.5".to_owned()]),
        ];
        assert_eq!(rows(&read(&file).expect("reads")), expected);
        // The 4-billion-row bomb is one cell now, read as such.
        assert_eq!(
            rows(&read(&bombs::xls_dimensions()).expect("reads")),
            vec![(1, vec!["1".to_owned()])]
        );
    }

    #[test]
    fn a_record_across_sectors_and_a_sheet_without_cells_are_shrunk() {
        // Filler puts the DIMENSIONS data across the stream's first two
        // sectors (which the chain keeps apart in the file).
        // Globals (42 bytes), the sheet's BOF (20), the filler's header (4);
        // the DIMENSIONS header (4) then ends 6 bytes before 512.
        let filler = 512 - 6 - 4 - (42 + 20 + 4);
        let mut file = bombs::xls(&[
            (0x00EF, vec![0; filler]),
            (XLS_DIMENSIONS, dims(0, 1_000_000, 0, 200)),
        ]);
        // Move the stream's second sector to the end of the file.
        let (second, moved) = (3, file.len() / 512 - 1);
        let sector: Vec<u8> = file[512 * (second + 1)..512 * (second + 2)].to_vec();
        file.extend_from_slice(&sector);
        file[512 * (second + 1)..512 * (second + 2)].fill(0xAB);
        let fat = |file: &mut Vec<u8>, id: usize, next: u32| {
            file[512 + 4 * id..512 + 4 * id + 4].copy_from_slice(&next.to_le_bytes());
        };
        fat(&mut file, 2, u32::try_from(moved).expect("small"));
        fat(&mut file, moved, 4);
        fat(&mut file, second, 0xFFFF_FFFF);
        let scan = xls_scan::scan(&file).expect("checks").expect("a workbook");
        let record = scan.oversized.first().expect("oversized");
        assert_eq!(record.cells, None);
        let first = scan.layout.offset(record.at).expect("in the file");
        let last = scan.layout.offset(record.at + 13).expect("in the file");
        assert_eq!((first, last), (3 * 512 + 512 - 6, 512 * (moved + 1) + 7));

        let copy = prepare(&file).expect("prepared").into_owned();
        let mut data = copy[first..first + 6].to_vec();
        data.extend_from_slice(&copy[last - 7..=last]);
        assert_eq!(data, dims(0, 0, 0, 0));
        let book = read(&file).expect("reads");
        assert!(rows(&book).is_empty());
    }

    #[test]
    fn real_cells_past_the_bounds_are_still_refused() {
        // 3 million cells in fact: A1 and AT65530 (rows × columns from A).
        let file = bombs::xls(&[
            (XLS_DIMENSIONS, dims(0, 65_530, 0, 200)),
            (XLS_NUMBER, xls_number(0, 0, 1.0)),
            (XLS_NUMBER, xls_number(65_529, 45, 2.0)),
        ]);
        let err = prepare(&file).expect_err("refused");
        assert_eq!(
            err.to_string(),
            "sheet `survey`: the used range A1:AT65530 is too large (65,530 rows × 46 columns \
             counted from column A); a sheet may have at most 2,000,000 cells and 16,384 columns"
        );
        // Within the bound: the file keeps its own DIMENSIONS.
        let file = bombs::xls(&[
            (XLS_DIMENSIONS, dims(0, 3, 0, 2)),
            (XLS_NUMBER, xls_number(0, 0, 1.0)),
            (XLS_NUMBER, xls_number(2, 1, 2.5)),
        ]);
        assert!(matches!(prepare(&file), Ok(Cow::Borrowed(_))));
    }

    #[test]
    fn damaged_files_are_refused_clearly() {
        // Cut inside the workbook stream, after the DIMENSIONS record: the
        // chain's last sectors are missing, and calamine says so.
        let file = bombs::xls(&[
            (XLS_DIMENSIONS, dims(0, 65_530, 0, 38)),
            (XLS_NUMBER, xls_number(0, 0, 1.0)),
        ]);
        let cut = &file[..3 * 512 + 200];
        let err = read(cut).expect_err("refused");
        assert!(
            err.to_string().starts_with("cannot read the spreadsheet"),
            "{err}"
        );
        // A loop in the chain is refused before anything is copied.
        let err = prepare(&bombs::xls_chain_loop()).expect_err("refused");
        assert_eq!(
            err.to_string(),
            "cannot read the spreadsheet: the .xls file is damaged: a sector chain loops"
        );
    }

    /// `bombs::xls`'s file (one 4096-byte stream at sector 2) as a version
    /// 4 compound file: 4096-byte sectors, the header padded to one.
    fn version_4(v3: &[u8]) -> Vec<u8> {
        const SECTOR: usize = 4096;
        let mut file = v3[..512].to_vec();
        file[26..28].copy_from_slice(&4u16.to_le_bytes());
        file[30..32].copy_from_slice(&12u16.to_le_bytes());
        file[40..44].copy_from_slice(&1u32.to_le_bytes()); // directory sectors
        file.resize(SECTOR, 0);
        let mut fat = vec![0xFFu8; SECTOR];
        for (i, next) in [0xFFFF_FFFDu32, 0xFFFF_FFFE, 0xFFFF_FFFE]
            .iter()
            .enumerate()
        {
            fat[4 * i..4 * i + 4].copy_from_slice(&next.to_le_bytes());
        }
        file.extend_from_slice(&fat);
        let mut directory = v3[1024..1536].to_vec();
        // calamine wants a version 4 root entry to start somewhere (it
        // holds no mini stream here: the header declares no mini FAT).
        directory[116..120].copy_from_slice(&2u32.to_le_bytes());
        directory.resize(SECTOR, 0);
        file.extend_from_slice(&directory);
        file.extend_from_slice(&v3[1536..1536 + SECTOR]);
        file
    }

    #[test]
    fn a_version_4_file_is_walked_at_its_own_sector_offsets() {
        // Sector 0 starts at 4096, past the header's sector, as calamine
        // reads it (it used to be looked for at 512 and the checks missed).
        let far = version_4(&bombs::xls_far_cells());
        let err = read(&far).expect_err("refused");
        assert!(
            err.to_string()
                .starts_with("sheet `survey`: the used range A1:IV65536 is too large"),
            "{err}"
        );
        let file = version_4(&bombs::xls(&[
            (XLS_DIMENSIONS, dims(0, 65_530, 0, 38)),
            (XLS_NUMBER, xls_number(1, 1, 2.0)),
        ]));
        let scan = xls_scan::scan(&file).expect("checks").expect("a workbook");
        let record = scan.oversized.first().expect("oversized");
        assert_eq!(scan.layout.offset(record.at), Some(3 * 4096 + 42 + 20 + 4));
        assert_eq!(
            rows(&read(&file).expect("reads")),
            vec![(2, vec![String::new(), "2".to_owned()])]
        );
    }

    #[test]
    fn a_sector_past_the_end_read_twice_is_zeros_as_in_calamine() {
        // A record whose header ends sector 2 holds two cells, A1 and
        // IV65536, as data. The directory's chain (1, 10, 3...) reads sector
        // 10, past the file's end, first: calamine gets nothing and pads
        // its buffer with zeros, so when the stream's chain (2, 10, 3...)
        // reads it again it is 512 zeros. The record's data is then zeros,
        // and the two cells after them are records of their own.
        let cell = |row: u16, col: u16| {
            let mut record = XLS_NUMBER.to_le_bytes().to_vec();
            record.extend_from_slice(&14u16.to_le_bytes());
            record.extend_from_slice(&xls_number(row, col, 1.0));
            record
        };
        let mut hidden = cell(0, 0);
        hidden.extend(cell(65_535, 255));
        let mut file = bombs::xls(&[(0x00EF, vec![0; 508 - 62 - 4]), (0x00EF, hidden)]);
        let fat = |file: &mut Vec<u8>, id: usize, next: u32| {
            file[512 + 4 * id..512 + 4 * id + 4].copy_from_slice(&next.to_le_bytes());
        };
        let past = file.len() / 512 - 1;
        fat(&mut file, 1, u32::try_from(past).expect("small"));
        fat(&mut file, 2, u32::try_from(past).expect("small"));
        fat(&mut file, past, 3);
        let size = 1024 + 128 + 120;
        file[size..size + 4].copy_from_slice(&4608u32.to_le_bytes());
        let err = prepare(&file).expect_err("refused");
        assert!(
            err.to_string()
                .starts_with("sheet `survey`: the used range A1:IV65536 is too large"),
            "{err}"
        );
    }

    /// The first `len` bytes of `bombs::xls`'s workbook stream in the mini
    /// stream of a compound file (sectors: FAT, directory, mini FAT, then
    /// the mini stream), its 64-byte pieces in reverse order; the root
    /// entry declares a mini stream of `root` bytes.
    fn in_mini_stream(v3: &[u8], len: usize, root: u32) -> Vec<u8> {
        const END: u32 = 0xFFFF_FFFE;
        let put = |file: &mut [u8], at: usize, v: u32| {
            file[at..at + 4].copy_from_slice(&v.to_le_bytes());
        };
        let stream = &v3[1536..1536 + len];
        let minis = len.div_ceil(64);
        let mut ministream = vec![0u8; minis * 64];
        let mut minifat = vec![0xFFu8; 512];
        for k in 0..minis {
            let id = minis - 1 - k;
            let chunk = &stream[k * 64..(k * 64 + 64).min(len)];
            ministream[id * 64..id * 64 + chunk.len()].copy_from_slice(chunk);
            let next = if k + 1 == minis { END } else { id as u32 - 1 };
            put(&mut minifat, 4 * id, next);
        }
        ministream.resize(ministream.len().div_ceil(512) * 512, 0);
        let sectors = ministream.len() / 512;
        let mut file = v3[..1536].to_vec();
        put(&mut file, 60, 2); // mini FAT at sector 2
        put(&mut file, 64, 1);
        let mut fat = vec![0xFFFF_FFFD, END, END];
        fat.extend((0..sectors).map(|i| if i + 1 == sectors { END } else { 4 + i as u32 }));
        file[512..1024].fill(0xFF);
        for (i, next) in fat.iter().enumerate() {
            put(&mut file, 512 + 4 * i, *next);
        }
        put(&mut file, 1024 + 116, 3); // root entry: the mini stream
        put(&mut file, 1024 + 120, root);
        put(&mut file, 1024 + 128 + 116, minis as u32 - 1);
        put(&mut file, 1024 + 128 + 120, len as u32);
        file.extend_from_slice(&minifat);
        file.extend_from_slice(&ministream);
        file
    }

    #[test]
    fn a_record_in_the_mini_stream_is_shrunk_where_it_lies() {
        // Globals (42), the sheet's BOF (20), a filler (4 + 54), then the
        // DIMENSIONS data at 124..138: across the stream's 64-byte pieces
        // 1 and 2, which lie in mini sectors 1 and 0.
        let v3 = bombs::xls(&[
            (0x00EF, vec![0; 54]),
            (XLS_DIMENSIONS, dims(0, 65_530, 0, 38)),
            (XLS_NUMBER, xls_number(0, 0, 1.0)),
            (XLS_NUMBER, xls_number(2, 1, 2.5)),
        ]);
        let len = 62 + 58 + 18 + 36 + 4;
        let file = in_mini_stream(&v3, len, 192);
        let scan = xls_scan::scan(&file).expect("checks").expect("a workbook");
        let record = scan.oversized.first().expect("oversized");
        assert_eq!(record.at, 124);
        let ministream = 4 * 512;
        assert_eq!(scan.layout.offset(124), Some(ministream + 64 + 60));
        assert_eq!(scan.layout.offset(128), Some(ministream));
        assert_eq!(
            rows(&read(&file).expect("reads")),
            vec![
                (1, vec!["1".to_owned(), String::new()]),
                (3, vec![String::new(), "2.5".to_owned()]),
            ]
        );
        let copy = prepare(&file).expect("prepared").into_owned();
        let mut data = copy[ministream + 124..ministream + 128].to_vec();
        data.extend_from_slice(&copy[ministream..ministream + 10]);
        assert_eq!(data, dims(0, 3, 0, 2));

        // The root entry cuts the mini stream inside the stream's first
        // piece (mini sector 2): calamine would fill the rest from wherever
        // it is in the file.
        let err = prepare(&in_mini_stream(&v3, len, 170)).expect_err("refused");
        assert_eq!(
            err.to_string(),
            "cannot read the spreadsheet: the .xls file is damaged: a mini stream sector is cut \
             short"
        );
    }

    #[test]
    fn a_record_two_sheets_share_declares_the_smaller_grid() {
        // Sheet `two` starts at the sheet's BOF (stream offset 42) and holds
        // A1 and F6; `survey` starts inside it, at the DIMENSIONS record
        // (95), and holds F6. The globals' EOF (38) is made a filler so
        // that `two`'s BoundSheet8, among the sheet's records, is read.
        let mut bound = vec![0u8; 6];
        bound[..4].copy_from_slice(&42u32.to_le_bytes());
        bound.extend_from_slice(&[3, 0]);
        bound.extend_from_slice(b"two");
        let mut file = bombs::xls(&[
            (XLS_NUMBER, xls_number(0, 0, 1.0)),
            (0x0085, bound),
            (XLS_DIMENSIONS, dims(0, 65_530, 0, 38)),
            (XLS_NUMBER, xls_number(5, 5, 2.0)),
        ]);
        let stream = 3 * 512;
        file[stream + 38] = 0xEF;
        file[stream + 20 + 4..stream + 20 + 8].copy_from_slice(&95u32.to_le_bytes());
        let scan = xls_scan::scan(&file).expect("checks").expect("a workbook");
        assert_eq!(scan.oversized.len(), 2);
        let copy = prepare(&file).expect("prepared").into_owned();
        assert_eq!(copy[stream + 99..stream + 113], dims(5, 6, 5, 6)[..]);
        let book = read(&file).expect("reads");
        let cells = |name: &str| {
            let sheet = book.sheet(name).expect("a sheet");
            sheet.rows.iter().map(|r| r.number).collect::<Vec<_>>()
        };
        assert_eq!((cells("survey"), cells("two")), (vec![6], vec![1, 6]));
    }

    #[test]
    fn a_record_on_the_directory_is_not_patched_blindly() {
        // The stream's chain runs 2, 1 (the directory), 3...: a filler record
        // from sector 2 swallows the directory's first 240 bytes, then the
        // Workbook entry's (unread) modification time holds a DIMENSIONS
        // header, so the record's data is the entry's start sector and size.
        let filler = 512 + 240 - (42 + 20 + 18 + 4);
        let mut file = bombs::xls(&[
            (XLS_NUMBER, xls_number(0, 0, 1.0)),
            (0x00EF, vec![0; filler]),
        ]);
        let fat = |file: &mut Vec<u8>, id: usize, next: u32| {
            file[512 + 4 * id..512 + 4 * id + 4].copy_from_slice(&next.to_le_bytes());
        };
        fat(&mut file, 2, 1);
        fat(&mut file, 1, 3);
        let entry = 1024 + 128;
        file[entry + 112..entry + 116].copy_from_slice(&[0x00, 0x02, 14, 0]);
        file[entry + 126..entry + 128].copy_from_slice(&38u16.to_le_bytes());
        let scan = xls_scan::scan(&file).expect("checks").expect("a workbook");
        let record = scan.oversized.first().expect("oversized");
        assert_eq!(scan.layout.offset(record.at), Some(entry + 116));
        // Shrunk, it would move the stream into the (empty) mini stream:
        // the copy is checked again, and refused.
        let err = prepare(&file).expect_err("refused");
        assert_eq!(
            err.to_string(),
            "cannot read the spreadsheet: the .xls file is damaged: a mini stream sector lies \
             past the mini stream"
        );
    }
}
