//! A BIFF `.xls` (a CFB container holding a `Workbook` stream of records),
//! checked before calamine parses it. calamine (0.32, `cfb.rs`, `xls.rs`)
//! parses every sheet when it opens the file and trusts the file's numbers:
//! header counts size its vectors, sector chains are followed without a
//! loop check, a sheet's DIMENSIONS record reserves rows × columns cells,
//! and its cells become one `Range::from_sparse` grid. This module walks the
//! same structures the same way, counting only, and refuses a file whose
//! numbers would make calamine allocate past the [`limits`](super::limits)
//! or loop forever. Where calamine would fail with an error of its own
//! (a malformed header, a sector past the end), it is left to say so.
//!
//! A DIMENSIONS record declaring more than the sheet's cells span is not
//! refused: [`Scan::oversized`] lists it, with where the stream's bytes lie
//! in the file, for [`xls_dimensions`](super::xls_dimensions) to shrink.

use std::collections::HashSet;

use super::ReadError;
use super::limits::{Grid, MAX_INFLATED_BYTES, MAX_WORKBOOK_CELLS};
use super::xls_layout::Layout;
use super::xls_sectors::{Sectors, Stream};

const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
pub(super) const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;

pub(super) fn damaged(what: &str) -> ReadError {
    ReadError::Spreadsheet(format!("the .xls file is damaged: {what}"))
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// What calamine will read of a compound file that passed the checks.
#[derive(Debug)]
pub(super) struct Scan {
    /// Where each byte of the workbook stream lies in the file.
    pub layout: Layout,
    /// DIMENSIONS records declaring more than their sheet's cells span.
    pub oversized: Vec<Oversized>,
}

/// A DIMENSIONS record to shrink to its sheet's cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Oversized {
    /// The record's data: offset in the workbook stream, length (10 or 14).
    pub at: usize,
    pub len: usize,
    /// The grid the sheet's cells span (`None`: no cells).
    pub cells: Option<Grid>,
}

/// Checks a BIFF file; `Ok(None)` when it is not one this module walks or
/// calamine will refuse it with an error of its own.
pub(super) fn scan(bytes: &[u8]) -> Result<Option<Scan>, ReadError> {
    if !bytes.starts_with(&SIGNATURE) || bytes.len() < 512 {
        return Ok(None);
    }
    let Some(stream) = workbook_stream(bytes)? else {
        return Ok(None);
    };
    Ok(Some(Scan {
        oversized: sheets(&stream.bytes)?,
        layout: stream.layout,
    }))
}

fn u32s(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// The `Workbook` (or BIFF5 `Book`) stream, read as calamine reads it.
fn workbook_stream(bytes: &[u8]) -> Result<Option<Stream>, ReadError> {
    let header = &bytes[..512];
    let (Some(version), Some(shift)) = (u16_at(header, 26), u16_at(header, 30)) else {
        return Ok(None);
    };
    let size: usize = match shift {
        9 => 512,
        12 => 4096,
        _ => return Ok(None),
    };
    let field = |at| u32_at(header, at).unwrap_or(0);
    let (dir_len, fat_len, dir_start) = (field(40), field(44), field(48));
    let (mini_fat_start, mini_fat_len, difat_start) = (field(60), field(64), field(68));
    // calamine sizes its DIFAT vector from bytes 62..66 and its FAT vector
    // from the header's FAT count: both must fit the file.
    let sectors_in_file = (bytes.len() / size) as u64;
    if u64::from(field(62)) * 4 > MAX_INFLATED_BYTES || u64::from(fat_len) > sectors_in_file + 1 {
        return Err(damaged(
            "its header declares more sectors than the file has",
        ));
    }
    // Sector 0 follows the header, which fills a whole 4096-byte sector.
    let Some(data) = bytes.get(size..) else {
        return Ok(None);
    };
    let sectors = Sectors::new(data, size, size, sectors_in_file, false);
    // The DIFAT: 109 entries in the header, then a chain of DIFAT sectors
    // whose last entry names the next one.
    let mut difat: Vec<u32> = u32s(&header[76..512]).collect();
    let mut seen = HashSet::new();
    let mut id = difat_start;
    while id < RESERVED_SECTORS {
        if !seen.insert(id) {
            return Err(damaged("the DIFAT chain loops"));
        }
        let Some(sector) = sectors.get(id) else {
            return Ok(None);
        };
        difat.extend(u32s(&sector.to_vec()));
        id = difat.pop().unwrap_or(ENDOFCHAIN);
    }
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|id| *id < DIFSECT).collect();
    if fat_sectors.len() as u64 > sectors_in_file + 1 {
        return Err(damaged(
            "its allocation table names more sectors than the file has",
        ));
    }
    let mut fats = Vec::new();
    for id in fat_sectors {
        let Some(sector) = sectors.get(id) else {
            return Ok(None);
        };
        fats.extend(u32s(&sector.to_vec()));
    }
    let Some(Stream { bytes: dirs, .. }) =
        sectors.chain(dir_start, &fats, u64::from(dir_len) * size as u64)?
    else {
        return Ok(None);
    };
    // Directory entries: UTF-16 name, start sector, stream length.
    let entries: Vec<(String, u32, u64)> = dirs
        .chunks(128)
        .map(|e| {
            let units: Vec<u16> = e
                .get(..64)
                .unwrap_or_default()
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .take_while(|u| *u != 0)
                .collect();
            let len = if version == 3 {
                u32_at(e, 120).map(u64::from)
            } else {
                u64_at(e, 120)
            };
            (
                String::from_utf16_lossy(&units),
                u32_at(e, 116).unwrap_or(ENDOFCHAIN),
                len.unwrap_or(0),
            )
        })
        .collect();
    let Some(root) = entries.first() else {
        return Ok(None);
    };
    let (ministream, minifats) = if mini_fat_len > 0 {
        let Some(ministream) = sectors.chain(root.1, &fats, root.2)? else {
            return Ok(None);
        };
        let declared = u64::from(mini_fat_len) * size as u64;
        let Some(minifat) = sectors.chain(mini_fat_start, &fats, declared)? else {
            return Ok(None);
        };
        (ministream, u32s(&minifat.bytes).collect())
    } else {
        (
            Stream {
                bytes: Vec::new(),
                layout: Layout::default(),
            },
            Vec::new(),
        )
    };
    // calamine reads `Book` when `Workbook` is missing or fails.
    for name in ["Workbook", "Book"] {
        let Some(&(_, start, len)) = entries.iter().find(|e| e.0 == name) else {
            continue;
        };
        let stream = if len < 4096 {
            let mini = Sectors::new(&ministream.bytes, 0, 64, sectors_in_file * 8, true);
            mini.chain(start, &minifats, len)?
                .map(|Stream { bytes, layout }| Stream {
                    bytes,
                    layout: layout.through(&ministream.layout),
                })
        } else {
            sectors.chain(start, &fats, len)?
        };
        if stream.is_some() {
            return Ok(stream);
        }
    }
    Ok(None)
}

/// BIFF records: (offset of the data, type, data), as calamine's
/// `RecordIter` splits them.
fn records(stream: &[u8]) -> impl Iterator<Item = (usize, u16, &[u8])> {
    let mut rest = stream;
    let mut at = 0;
    std::iter::from_fn(move || {
        let typ = u16_at(rest, 0)?;
        let len = usize::from(u16_at(rest, 2)?);
        let data = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        at += 4 + len;
        Some((at - len, typ, data))
    })
}

/// Each sheet's grid, from its BoundSheet8 record's position: every cell
/// record calamine keeps, and the DIMENSIONS records (which calamine
/// reserves) that declare more.
fn sheets(stream: &[u8]) -> Result<Vec<Oversized>, ReadError> {
    let mut oversized = Vec::new();
    let mut bound = Vec::new();
    for (_, typ, data) in records(stream) {
        match typ {
            0x0085 => {
                if let Some(pos) = u32_at(data, 0) {
                    bound.push((pos as usize, sheet_name(data, pos)));
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    let mut total: u64 = 0;
    for (pos, name) in bound {
        // calamine slices the stream at `pos` without checking it.
        let Some(sheet) = stream.get(pos..) else {
            return Err(damaged(&format!(
                "sheet `{name}` starts past the end of the workbook"
            )));
        };
        let mut cells: Option<Grid> = None;
        let mut declared = Vec::new();
        let mut add = |row: u64, col: u64| {
            let g = cells.get_or_insert(Grid {
                first_row: row,
                last_row: row,
                first_col: col,
                last_col: col,
            });
            g.first_row = g.first_row.min(row);
            g.last_row = g.last_row.max(row);
            g.first_col = g.first_col.min(col);
            g.last_col = g.last_col.max(col);
        };
        for (offset, typ, data) in records(sheet) {
            let at = |i| u64::from(u16_at(data, i).unwrap_or(0));
            match typ {
                0x0200 => {
                    if let Some(grid) = dimensions(data) {
                        declared.push((pos + offset, data.len(), grid));
                    }
                }
                0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 if data.len() >= 4 => {
                    add(at(0), at(2));
                }
                0x00BD if data.len() >= 6 => {
                    add(at(0), at(2));
                    add(at(0), at(data.len() - 2));
                }
                0x000A => break,
                _ => {}
            }
        }
        if let Some(grid) = cells {
            if !grid.fits() {
                return Err(grid.error(&name));
            }
            total = total.saturating_add(grid.cells());
            if total > MAX_WORKBOOK_CELLS {
                return Err(ReadError::WorkbookTooLarge { sheet: name });
            }
        }
        // A declared grid no larger than the cells' passed with them.
        let spanned = cells.map_or(0, |g| g.cells());
        oversized.extend(
            declared
                .into_iter()
                .filter(|(_, _, grid)| grid.cells() > spanned)
                .map(|(at, len, _)| Oversized { at, len, cells }),
        );
    }
    Ok(oversized)
}

/// The grid calamine reserves for a DIMENSIONS record (its
/// `parse_dimensions`, whose arithmetic wraps on a last row before the first).
fn dimensions(data: &[u8]) -> Option<Grid> {
    let (rf, rl, mut cf, cl) = match data.len() {
        10 => (
            u64::from(u16_at(data, 0)?),
            u64::from(u16_at(data, 2)?),
            u64::from(u16_at(data, 4)?),
            u64::from(u16_at(data, 6)?),
        ),
        14 => (
            u64::from(u32_at(data, 0)?),
            u64::from(u32_at(data, 4)?),
            u64::from(u16_at(data, 8)?),
            u64::from(u16_at(data, 10)?),
        ),
        _ => return None,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    if rl == 0 || cl == 0 {
        return None;
    }
    let (last_row, last_col) = (rl - 1, cl - 1);
    // A last row or column before the first wraps to about 4 billion in
    // calamine: as large as it gets.
    let last_row = if last_row < rf {
        u64::from(u32::MAX)
    } else {
        last_row
    };
    let last_col = if last_col < cf {
        u64::from(u32::MAX)
    } else {
        last_col
    };
    Some(Grid {
        first_row: rf,
        last_row,
        first_col: 0,
        last_col: last_col - cf,
    })
}

/// A BoundSheet8 record's name (ShortXLUnicodeString at offset 6), or its
/// position when it cannot be read.
fn sheet_name(data: &[u8], pos: u32) -> String {
    let name = (|| {
        let cch = usize::from(*data.get(6)?);
        let high = *data.get(7)? & 1 == 1;
        let chars = data.get(8..)?;
        if high {
            let units: Vec<u16> = chars
                .get(..cch * 2)?
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            Some(String::from_utf16_lossy(&units))
        } else {
            Some(chars.get(..cch)?.iter().map(|&b| char::from(b)).collect())
        }
    })();
    name.unwrap_or_else(|| format!("at offset {pos}"))
}
