//! The zip inside `.xlsx`, `.xlsm`, `.xlsb` and `.ods` files, inspected
//! before calamine opens it: calamine (through the `zip` crate) inflates an
//! entry for as long as its deflate stream goes on, whatever size the header
//! declares, so both the declared and the actual sizes are bounded here.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::ReadError;
use super::limits::{MAX_INFLATED_BYTES, MAX_ZIP_ENTRIES, thousands};

/// What the container turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// A zip whose entries inflate within the limits; `ods` when it has an
    /// OpenDocument `content.xml`.
    Zip { ods: bool },
    /// Not a zip (BIFF `.xls`, or not a spreadsheet at all): calamine decides.
    Other,
}

pub fn inspect(bytes: &[u8]) -> Result<Container, ReadError> {
    if !bytes.starts_with(b"PK") {
        return Ok(Container::Other);
    }
    // A damaged zip is calamine's to report, in its words.
    let Ok(mut archive) = ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(Container::Other);
    };
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(ReadError::TooManyEntries {
            entries: thousands(archive.len() as u64),
            limit: thousands(MAX_ZIP_ENTRIES as u64),
        });
    }
    let too_large = || ReadError::Inflates {
        limit: thousands(MAX_INFLATED_BYTES),
    };
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        if let Ok(entry) = archive.by_index_raw(i) {
            declared = declared.saturating_add(entry.size());
        }
    }
    if declared > MAX_INFLATED_BYTES {
        return Err(too_large());
    }
    // The declared sizes may lie: inflate every entry (into nothing) and
    // count, stopping as soon as the total passes the limit. An entry that
    // cannot be inflated (encrypted, unknown method, corrupt) is skipped:
    // calamine cannot inflate it either and will say so.
    let mut inflated: u64 = 0;
    let mut buffer = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index(i) else {
            continue;
        };
        let mut entry = entry.take(MAX_INFLATED_BYTES - inflated + 1);
        loop {
            match entry.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => inflated += n as u64,
            }
        }
        if inflated > MAX_INFLATED_BYTES {
            return Err(too_large());
        }
    }
    let ods = archive.index_for_name("content.xml").is_some();
    Ok(Container::Zip { ods })
}

/// The entry `name`, inflated (already bounded by [`inspect`]), or `None`.
pub fn entry(bytes: &[u8], name: &str) -> Option<Vec<u8>> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).ok()?;
    let entry = archive.by_name(name).ok()?;
    let mut out = Vec::new();
    entry
        .take(MAX_INFLATED_BYTES + 1)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;

    use super::*;
    use crate::bombs::zip_bomb;

    /// A zip of `(name, content)` entries, deflated.
    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in entries {
            writer
                .start_file(*name, SimpleFileOptions::default())
                .expect("starts an entry");
            writer.write_all(content).expect("writes");
        }
        writer.finish().expect("finishes").into_inner()
    }

    #[test]
    fn the_hand_made_deflate_stream_inflates_to_what_it_says() {
        let bomb = zip_bomb("zeros", 1000, 1000);
        let mut archive = ZipArchive::new(Cursor::new(&bomb[..])).expect("a zip");
        let mut out = Vec::new();
        let _ = archive.by_index(0).expect("entry").read_to_end(&mut out);
        assert_eq!(out.len(), 1000);
        assert!(out.iter().all(|&b| b == 0));
    }

    #[test]
    fn an_honest_small_zip_passes() {
        let zip = zip_of(&[("a.xml", b"<a/>"), ("content.xml", b"<b/>")]);
        assert_eq!(inspect(&zip).expect("fits"), Container::Zip { ods: true });
        assert_eq!(
            inspect(b"\xD0\xCF\x11\xE0").expect("not a zip"),
            Container::Other
        );
    }

    #[test]
    fn declared_sizes_past_the_limit_are_refused() {
        let bomb = zip_bomb("xl/sharedStrings.xml", 200 << 20, 10);
        let err = inspect(&bomb).expect_err("declared 200 MiB");
        assert!(
            err.to_string()
                .contains("inflates to more than 67,108,864 bytes"),
            "{err}"
        );
    }

    #[test]
    fn a_lying_header_is_caught_while_inflating() {
        // 200 MiB behind a header declaring 1 KB, from about 1 MB of deflate.
        let started = std::time::Instant::now();
        let bomb = zip_bomb("xl/worksheets/sheet1.xml", 1024, 200 << 20);
        assert!(bomb.len() < 2 << 20, "{} bytes", bomb.len());
        let err = inspect(&bomb).expect_err("inflates to 200 MiB");
        assert!(matches!(err, ReadError::Inflates { .. }), "{err}");
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }

    #[test]
    fn too_many_entries_are_refused() {
        let names: Vec<String> = (0..=MAX_ZIP_ENTRIES).map(|i| format!("{i}")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        let err = inspect(&zip_of(&entries)).expect_err("too many");
        assert!(err.to_string().contains("10,001 files"), "{err}");
    }
}
