//! Workbooks made to exhaust a naive reader, generated in memory for the
//! tests and the load benchmark (never committed as files): each is small,
//! and [`crate::import_bytes`] refuses each within its limits. The zips are
//! written by hand (no zip writer compresses hundreds of MB quickly, and a
//! lying header needs hand-made bytes anyway).

/// An `.xlsx` whose sheet `survey` has cells A1 and XFD1048576 only: read as
/// one grid, 17 billion cells.
pub fn xlsx_far_cells() -> Vec<u8> {
    xlsx(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>type</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
    )
}

/// A minimal `.xlsx` with one sheet, `survey`, holding `sheet_data` (the
/// content of `<sheetData>`).
pub fn xlsx(sheet_data: &str) -> Vec<u8> {
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>"#
    );
    let mut zip = Zip::default();
    for (name, content) in XLSX_PARTS {
        zip.stored(name, content.as_bytes());
    }
    zip.stored("xl/worksheets/sheet1.xml", sheet.as_bytes());
    zip.finish()
}

const XLSX_PARTS: [(&str, &str); 4] = [
    (
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
    ),
    (
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    ),
    (
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="survey" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    ),
    (
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
    ),
];

/// A zip with one deflated entry `name` that inflates to `actual` zero
/// bytes while its headers declare `declared` (its CRC is wrong: a reader
/// that checks it has inflated everything first). About `actual / 160`
/// bytes.
pub fn zip_bomb(name: &str, declared: u32, actual: u64) -> Vec<u8> {
    let mut zip = Zip::default();
    zip.entry(name, 8, &deflated_zeros(actual), declared, 0);
    zip.finish()
}

/// An `.ods` whose only row of sheet `survey` holds one text cell repeated
/// `columns` times, in `rows` repeated rows.
pub fn ods_repeated(columns: u64, rows: u64) -> Vec<u8> {
    ods(&format!(
        r#"<table:table-row table:number-rows-repeated="{rows}"><table:table-cell table:number-columns-repeated="{columns}" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#
    ))
}

/// A minimal `.ods` with one sheet, `survey`, holding `rows` (its
/// `<table:table-row>` elements).
pub fn ods(rows: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="survey">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let mut zip = Zip::default();
    zip.stored(
        "mimetype",
        b"application/vnd.oasis.opendocument.spreadsheet",
    );
    zip.stored("content.xml", content.as_bytes());
    zip.stored(
        "META-INF/manifest.xml",
        br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#,
    );
    zip.finish()
}

/// BIFF8 record type of a NUMBER cell.
pub const XLS_NUMBER: u16 = 0x0203;
/// BIFF8 record type of DIMENSIONS.
pub const XLS_DIMENSIONS: u16 = 0x0200;

/// A NUMBER record's data: `value` at 0-based (`row`, `col`).
pub fn xls_number(row: u16, col: u16, value: f64) -> Vec<u8> {
    let mut data = Vec::new();
    data.extend_from_slice(&row.to_le_bytes());
    data.extend_from_slice(&col.to_le_bytes());
    data.extend_from_slice(&0u16.to_le_bytes()); // format (XF) index
    data.extend_from_slice(&value.to_le_bytes());
    data
}

/// An `.xls` whose sheet `survey` has numbers at A1 and IV65536, BIFF8's
/// last cell: read as one grid, 16.7 million cells.
pub fn xls_far_cells() -> Vec<u8> {
    xls(&[
        (XLS_NUMBER, xls_number(0, 0, 1.0)),
        (XLS_NUMBER, xls_number(65_535, 255, 2.0)),
    ])
}

/// An `.xls` whose sheet `survey` has one cell but a DIMENSIONS record
/// declaring 4 billion rows (calamine would reserve them; the reader hands
/// it a copy declaring the real grid).
pub fn xls_dimensions() -> Vec<u8> {
    let mut dims = Vec::new();
    dims.extend_from_slice(&0u32.to_le_bytes());
    dims.extend_from_slice(&u32::MAX.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    dims.extend_from_slice(&1u16.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    xls(&[(XLS_DIMENSIONS, dims), (XLS_NUMBER, xls_number(0, 0, 1.0))])
}

/// An `.xls` whose Workbook stream's sector chain loops back on itself
/// (calamine follows it forever).
pub fn xls_chain_loop() -> Vec<u8> {
    let mut file = xls(&[(XLS_NUMBER, xls_number(0, 0, 1.0))]);
    // The FAT is sector 0 (at 512); the stream starts at sector 2: make
    // its third sector point back to its first.
    let entry = 512 + 4 * 4;
    file[entry..entry + 4].copy_from_slice(&2u32.to_le_bytes());
    file
}

/// A minimal BIFF8 `.xls` (a version 3 compound file with one stream,
/// `Workbook`, of at least 4096 bytes so it needs no mini stream) with
/// one sheet, `survey`, holding `records` (type, data).
pub fn xls(records: &[(u16, Vec<u8>)]) -> Vec<u8> {
    fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
        out.extend_from_slice(&typ.to_le_bytes());
        out.extend_from_slice(&u16::try_from(data.len()).unwrap_or(u16::MAX).to_le_bytes());
        out.extend_from_slice(data);
    }
    let bof = |dt: u16| {
        let mut data = vec![0u8; 16];
        data[..2].copy_from_slice(&0x0600u16.to_le_bytes());
        data[2..4].copy_from_slice(&dt.to_le_bytes());
        data
    };
    let mut stream = Vec::new();
    record(&mut stream, 0x0809, &bof(0x0005));
    let name = b"survey";
    let bound_at = stream.len();
    let mut bound = vec![0u8; 6];
    bound.push(u8::try_from(name.len()).unwrap_or(0));
    bound.push(0); // 8-bit characters
    bound.extend_from_slice(name);
    record(&mut stream, 0x0085, &bound);
    record(&mut stream, 0x000A, &[]);
    let sheet = u32::try_from(stream.len()).unwrap_or(0);
    stream[bound_at + 4..bound_at + 8].copy_from_slice(&sheet.to_le_bytes());
    record(&mut stream, 0x0809, &bof(0x0010));
    for (typ, data) in records {
        record(&mut stream, *typ, data);
    }
    record(&mut stream, 0x000A, &[]);
    stream.resize(stream.len().max(4096).div_ceil(512) * 512, 0);
    let stream_sectors = u32::try_from(stream.len() / 512).unwrap_or(0);

    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let put16 =
        |h: &mut Vec<u8>, at: usize, v: u16| h[at..at + 2].copy_from_slice(&v.to_le_bytes());
    put16(&mut header, 24, 0x003E);
    put16(&mut header, 26, 3);
    put16(&mut header, 28, 0xFFFE);
    put16(&mut header, 30, 9);
    put16(&mut header, 32, 6);
    let put32 =
        |h: &mut Vec<u8>, at: usize, v: u32| h[at..at + 4].copy_from_slice(&v.to_le_bytes());
    put32(&mut header, 44, 1); // one FAT sector
    put32(&mut header, 48, 1); // directory at sector 1
    put32(&mut header, 56, 4096); // mini stream cutoff
    put32(&mut header, 60, END); // no mini FAT
    put32(&mut header, 68, END); // no DIFAT sectors
    for i in 0..109 {
        put32(&mut header, 76 + 4 * i, if i == 0 { 0 } else { FREE });
    }
    // FAT: sector 0 is the FAT, 1 the directory, then the stream's chain.
    let mut fat = vec![0xFFFF_FFFDu32, END];
    for i in 0..stream_sectors {
        fat.push(if i + 1 == stream_sectors { END } else { 3 + i });
    }
    fat.resize(128, FREE);
    let mut directory = vec![0u8; 512];
    let entry =
        |d: &mut Vec<u8>, i: usize, name: &str, kind: u8, child: u32, start: u32, size: u32| {
            let at = i * 128;
            let units: Vec<u16> = name.encode_utf16().collect();
            for (j, u) in units.iter().enumerate() {
                d[at + 2 * j..at + 2 * j + 2].copy_from_slice(&u.to_le_bytes());
            }
            let len = u16::try_from((units.len() + 1) * 2).unwrap_or(0);
            d[at + 64..at + 66].copy_from_slice(&len.to_le_bytes());
            d[at + 66] = kind;
            d[at + 67] = 1; // black
            d[at + 68..at + 72].copy_from_slice(&FREE.to_le_bytes());
            d[at + 72..at + 76].copy_from_slice(&FREE.to_le_bytes());
            d[at + 76..at + 80].copy_from_slice(&child.to_le_bytes());
            d[at + 116..at + 120].copy_from_slice(&start.to_le_bytes());
            d[at + 120..at + 124].copy_from_slice(&size.to_le_bytes());
        };
    entry(&mut directory, 0, "Root Entry", 5, 1, END, 0);
    let size = u32::try_from(stream.len()).unwrap_or(0);
    entry(&mut directory, 1, "Workbook", 2, FREE, 2, size);
    for i in 2..4 {
        directory[i * 128 + 68..i * 128 + 80].fill(0xFF);
    }

    let mut out = header;
    out.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    out.extend_from_slice(&directory);
    out.extend_from_slice(&stream);
    out
}

/// A raw deflate stream (RFC 1951) inflating to `len` zero bytes: one
/// literal zero, then back-references of 258 bytes at distance 1, in one
/// fixed-Huffman block (13 bits per 258 bytes).
pub fn deflated_zeros(len: u64) -> Vec<u8> {
    let mut bits = Bits::default();
    // BFINAL=1, BTYPE=01 (fixed Huffman).
    bits.put(1, 1);
    bits.put(1, 2);
    let mut left = len;
    if left > 0 {
        bits.code(0x30, 8); // literal 0: codes 0x30.. in 8 bits
        left -= 1;
    }
    while left >= 258 {
        // Length 258 is symbol 285: codes 280-287 are 0xC0.. in 8 bits;
        // then distance code 0 (distance 1) in 5 bits.
        bits.code(0xC0 + (285 - 280), 8);
        bits.code(0, 5);
        left -= 258;
    }
    for _ in 0..left {
        bits.code(0x30, 8);
    }
    bits.code(0, 7); // end of block: symbol 256, 7 zero bits
    bits.put(0, 7); // flush
    bits.out
}

#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u64, count: u32) {
        self.acc |= value << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push((self.acc & 0xff) as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// Huffman codes are packed most significant bit first.
    fn code(&mut self, code: u64, count: u32) {
        let mut reversed = 0;
        for i in 0..count {
            reversed |= ((code >> i) & 1) << (count - 1 - i);
        }
        self.put(reversed, count);
    }
}

/// A zip writer just big enough for the above.
#[derive(Default)]
struct Zip {
    out: Vec<u8>,
    directory: Vec<u8>,
    entries: u16,
}

impl Zip {
    fn stored(&mut self, name: &str, content: &[u8]) {
        let size = u32::try_from(content.len()).unwrap_or(u32::MAX);
        self.entry(name, 0, content, size, crc32(content));
    }

    fn entry(&mut self, name: &str, method: u16, data: &[u8], declared: u32, crc: u32) {
        let offset = u32::try_from(self.out.len()).unwrap_or(u32::MAX);
        let size = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let name_len = u16::try_from(name.len()).unwrap_or(u16::MAX);
        let common = |out: &mut Vec<u8>| {
            out.extend_from_slice(&20u16.to_le_bytes()); // version needed
            out.extend_from_slice(&0u16.to_le_bytes()); // flags
            out.extend_from_slice(&method.to_le_bytes());
            out.extend_from_slice(&0u32.to_le_bytes()); // time, date
            out.extend_from_slice(&crc.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&declared.to_le_bytes());
            out.extend_from_slice(&name_len.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes()); // extra field length
        };
        self.out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        common(&mut self.out);
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(data);
        self.directory
            .extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        self.directory.extend_from_slice(&20u16.to_le_bytes()); // made by
        common(&mut self.directory);
        self.directory.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        self.directory.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        self.directory.extend_from_slice(&offset.to_le_bytes());
        self.directory.extend_from_slice(name.as_bytes());
        self.entries += 1;
    }

    fn finish(mut self) -> Vec<u8> {
        let start = u32::try_from(self.out.len()).unwrap_or(u32::MAX);
        let len = u32::try_from(self.directory.len()).unwrap_or(u32::MAX);
        self.out.extend_from_slice(&self.directory);
        self.out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        self.out.extend_from_slice(&[0; 4]); // disk numbers
        self.out.extend_from_slice(&self.entries.to_le_bytes());
        self.out.extend_from_slice(&self.entries.to_le_bytes());
        self.out.extend_from_slice(&len.to_le_bytes());
        self.out.extend_from_slice(&start.to_le_bytes());
        self.out.extend_from_slice(&0u16.to_le_bytes()); // comment length
        self.out
    }
}

/// CRC-32 (IEEE), bit by bit: the entries here are a few KB.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_of_a_known_string() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
