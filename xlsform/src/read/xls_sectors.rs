//! A compound file's sectors as calamine (0.32, `cfb.rs`) reads them: one
//! buffer of the file that grows to the end of each sector asked for, zeros
//! past the file's end, and chains followed through the allocation table.
//! [`xls_scan`](super::xls_scan) walks the file through this model, so that
//! what it checks (and where [`Layout`] says each byte lies) is what calamine
//! will read.

use std::cell::Cell;
use std::collections::HashSet;

use super::ReadError;
use super::limits::MAX_INFLATED_BYTES;
use super::xls_layout::Layout;
use super::xls_scan::{ENDOFCHAIN, damaged};

/// A stream's bytes and where they come from.
pub(super) struct Stream {
    pub bytes: Vec<u8>,
    pub layout: Layout,
}

/// The sectors after the header, as calamine numbers and reads them.
pub(super) struct Sectors<'a> {
    data: &'a [u8],
    /// Where `data` starts (in the file, or in the mini stream).
    origin: usize,
    size: usize,
    maxid: u64,
    /// Mini sectors: calamine grows its copy of the mini stream (reading
    /// from wherever the file happens to be) to reach a sector past its end,
    /// up to 8 times the file's size; such a sector is refused here, and so
    /// is a short one whose missing bytes the stream needs.
    within_data: bool,
    /// How far calamine's buffer of the file reaches: it grows to the end
    /// of each sector asked for, with zeros past the file's end, so a
    /// sector past the end is empty when first read and zeros after.
    filled: Cell<usize>,
}

/// A sector as calamine reads it: bytes of `data`, then `zeros` zeros.
pub(super) struct Sector<'a> {
    bytes: &'a [u8],
    zeros: usize,
}

impl Sector<'_> {
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = self.bytes.to_vec();
        out.resize(self.bytes.len() + self.zeros, 0);
        out
    }
}

impl<'a> Sectors<'a> {
    pub fn new(data: &'a [u8], origin: usize, size: usize, maxid: u64, within_data: bool) -> Self {
        Sectors {
            data,
            origin,
            size,
            maxid,
            within_data,
            filled: Cell::new(0),
        }
    }

    /// Sector `id`, or `None` where calamine stops with an error (or panics,
    /// slicing past what it read).
    pub fn get(&self, id: u32) -> Option<Sector<'a>> {
        if u64::from(id) > self.maxid {
            return None;
        }
        let start = (id as usize).checked_mul(self.size)?;
        let end = start.checked_add(self.size)?;
        let avail = self.data.len();
        if self.within_data {
            let bytes = self.data.get(start..end.min(avail)).unwrap_or_default();
            return Some(Sector { bytes, zeros: 0 });
        }
        let filled = self.filled.get();
        let stop = if end <= filled {
            end
        } else {
            self.filled.set(end);
            if avail >= end {
                end
            } else {
                let stop = filled.max(avail);
                if start > stop {
                    return None;
                }
                stop
            }
        };
        let bytes = self
            .data
            .get(start.min(avail)..stop.min(avail))
            .unwrap_or_default();
        Some(Sector {
            bytes,
            zeros: stop - start - bytes.len(),
        })
    }

    /// The chain from `start` through `fats`, as calamine's `get_chain`
    /// builds it; `declared` is what calamine reserves first. `Ok(None)`
    /// where calamine stops with an error of its own.
    pub fn chain(
        &self,
        start: u32,
        fats: &[u32],
        declared: u64,
    ) -> Result<Option<Stream>, ReadError> {
        if declared > MAX_INFLATED_BYTES {
            return Err(damaged("a stream declares more than 64 MiB"));
        }
        let declared = usize::try_from(declared).unwrap_or(usize::MAX);
        let mut out = Vec::new();
        let mut layout = Layout::default();
        let mut seen = HashSet::new();
        let mut short = None;
        let mut id = start;
        while id != ENDOFCHAIN {
            if !seen.insert(id) {
                return Err(damaged("a sector chain loops"));
            }
            let Some(sector) = self.get(id) else {
                return Ok(None);
            };
            if self.within_data && sector.bytes.is_empty() {
                return Err(damaged("a mini stream sector lies past the mini stream"));
            }
            out.extend_from_slice(sector.bytes);
            out.resize(out.len() + sector.zeros, 0);
            layout.push(
                Some(self.origin + id as usize * self.size),
                sector.bytes.len(),
            );
            layout.push(None, sector.zeros);
            if self.within_data && sector.bytes.len() < self.size {
                short = short.or(Some(out.len()));
            }
            let Some(&next) = fats.get(id as usize) else {
                return Err(damaged("a sector chain leaves the allocation table"));
            };
            id = next;
        }
        // calamine fills a short mini sector from wherever the file is.
        if short.is_some_and(|end| declared == 0 || end < declared) {
            return Err(damaged("a mini stream sector is cut short"));
        }
        if declared > 0 {
            out.truncate(declared);
            layout.truncate(declared);
        }
        Ok(Some(Stream { bytes: out, layout }))
    }
}
