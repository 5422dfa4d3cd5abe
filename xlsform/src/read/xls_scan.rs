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

use std::collections::HashSet;

use super::ReadError;
use super::limits::{Grid, MAX_INFLATED_BYTES, MAX_WORKBOOK_CELLS};

const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;

fn damaged(what: &str) -> ReadError {
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

pub fn check(bytes: &[u8]) -> Result<(), ReadError> {
    if !bytes.starts_with(&SIGNATURE) || bytes.len() < 512 {
        return Ok(());
    }
    let Some(stream) = workbook_stream(bytes)? else {
        return Ok(());
    };
    sheets(&stream)
}

/// The sectors after the 512-byte header, as calamine numbers them.
struct Sectors<'a> {
    data: &'a [u8],
    size: usize,
    maxid: u64,
    /// Mini sectors: calamine grows its copy of the mini stream (reading
    /// from wherever the file happens to be) to reach a sector past its end,
    /// up to 8 times the file's size; such a sector is refused here.
    within_data: bool,
}

impl Sectors<'_> {
    /// Sector `id`, or `None` where calamine stops with an error.
    fn get(&self, id: u32) -> Option<&[u8]> {
        if u64::from(id) > self.maxid {
            return None;
        }
        let start = (id as usize).checked_mul(self.size)?;
        if self.within_data && start >= self.data.len() {
            return Some(&[]);
        }
        let end = (start + self.size).min(self.data.len());
        Some(self.data.get(start..end).unwrap_or_default())
    }

    /// The chain from `start` through `fats`, as calamine's `get_chain`
    /// builds it; `declared` is what calamine reserves first. `Ok(None)`
    /// where calamine stops with an error of its own.
    fn chain(&self, start: u32, fats: &[u32], declared: u64) -> Result<Option<Vec<u8>>, ReadError> {
        if declared > MAX_INFLATED_BYTES {
            return Err(damaged("a stream declares more than 64 MiB"));
        }
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut id = start;
        while id != ENDOFCHAIN {
            if !seen.insert(id) {
                return Err(damaged("a sector chain loops"));
            }
            let Some(sector) = self.get(id) else {
                return Ok(None);
            };
            if self.within_data && sector.is_empty() {
                return Err(damaged("a mini stream sector lies past the mini stream"));
            }
            out.extend_from_slice(sector);
            let Some(&next) = fats.get(id as usize) else {
                return Err(damaged("a sector chain leaves the allocation table"));
            };
            id = next;
        }
        if declared > 0 {
            out.truncate(usize::try_from(declared).unwrap_or(usize::MAX));
        }
        Ok(Some(out))
    }
}

fn u32s(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// The `Workbook` (or BIFF5 `Book`) stream, read as calamine reads it.
fn workbook_stream(bytes: &[u8]) -> Result<Option<Vec<u8>>, ReadError> {
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
    let sectors = Sectors {
        data: &bytes[512..],
        size,
        maxid: sectors_in_file,
        within_data: false,
    };
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
        difat.extend(u32s(sector));
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
        fats.extend(u32s(sector));
    }
    let Some(dirs) = sectors.chain(dir_start, &fats, u64::from(dir_len) * size as u64)? else {
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
        (ministream, u32s(&minifat).collect())
    } else {
        (Vec::new(), Vec::new())
    };
    let Some(&(_, start, len)) = entries
        .iter()
        .find(|e| e.0 == "Workbook")
        .or_else(|| entries.iter().find(|e| e.0 == "Book"))
    else {
        return Ok(None);
    };
    if len < 4096 {
        let mini = Sectors {
            data: &ministream,
            size: 64,
            maxid: sectors_in_file * 8,
            within_data: true,
        };
        mini.chain(start, &minifats, len)
    } else {
        sectors.chain(start, &fats, len)
    }
}

/// BIFF records: (type, data), as calamine's `RecordIter` splits them.
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        let typ = u16_at(rest, 0)?;
        let len = usize::from(u16_at(rest, 2)?);
        let data = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        Some((typ, data))
    })
}

/// Each sheet's grid, from its BoundSheet8 record's position: DIMENSIONS
/// (which calamine reserves) and every cell record calamine keeps.
fn sheets(stream: &[u8]) -> Result<(), ReadError> {
    let mut bound = Vec::new();
    for (typ, data) in records(stream) {
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
        for (typ, data) in records(sheet) {
            let at = |i| u64::from(u16_at(data, i).unwrap_or(0));
            match typ {
                0x0200 => {
                    if let Some(grid) = dimensions(data)
                        && !grid.fits()
                    {
                        return Err(grid.error(&name));
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
    }
    Ok(())
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
