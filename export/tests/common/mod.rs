//! Helpers shared by the export crate's integration tests.

use std::io::{Cursor, Read};

/// The files of a zip, by name, in archive order.
pub fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("entry");
            let mut text = String::new();
            file.read_to_string(&mut text).expect("UTF-8 entry");
            (file.name().to_owned(), text)
        })
        .collect()
}
