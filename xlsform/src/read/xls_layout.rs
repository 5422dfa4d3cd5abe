//! Where each byte of a compound-file stream lies in the file. A stream is
//! a chain of sectors scattered through the file (a small stream, a chain of
//! 64-byte mini sectors scattered through the mini stream, itself a chain),
//! so changing a few bytes of a stream in place means finding, byte by
//! byte, the file offsets its chain put them at. Some bytes are in no file
//! offset: the zeros calamine reads for a sector past the file's end.

/// A stream's pieces in order: `(source offset, length)`, where the source is
/// the file, or the mini stream before [`Layout::through`] maps it, and
/// `None` is zeros from nowhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Layout {
    pieces: Vec<(Option<usize>, usize)>,
    /// `starts[i]`: the stream offset of piece `i` (kept for binary search).
    starts: Vec<usize>,
    len: usize,
}

impl Layout {
    /// Appends `len` bytes found at `source` (`None`: zeros from nowhere),
    /// merged with the previous piece when they follow it.
    pub fn push(&mut self, source: Option<usize>, len: usize) {
        if len == 0 {
            return;
        }
        let follows = |at: Option<usize>, n: usize| match (at, source) {
            (Some(at), Some(source)) => at.checked_add(n) == Some(source),
            (None, None) => true,
            _ => false,
        };
        match self.pieces.last_mut() {
            Some((at, n)) if follows(*at, *n) => *n += len,
            _ => {
                self.pieces.push((source, len));
                self.starts.push(self.len);
            }
        }
        self.len += len;
    }

    /// Keeps only the first `len` bytes (a chain's last sector is cut to the
    /// stream's declared length).
    pub fn truncate(&mut self, len: usize) {
        while self.len > len {
            let (Some(&start), Some(last)) = (self.starts.last(), self.pieces.last_mut()) else {
                return;
            };
            if start >= len {
                self.pieces.pop();
                self.starts.pop();
                self.len = start;
            } else {
                last.1 = len - start;
                self.len = len;
            }
        }
    }

    /// The source offset of stream byte `i`, if the stream has it and it
    /// comes from somewhere.
    pub fn offset(&self, i: usize) -> Option<usize> {
        let (source, start, _) = self.piece_at(i)?;
        source?.checked_add(i - start)
    }

    /// This layout, whose source is the stream `outer` lays out, as offsets
    /// in `outer`'s source (a mini stream's pieces as file offsets). Bytes
    /// `outer` does not place come from nowhere.
    pub fn through(&self, outer: &Layout) -> Layout {
        let mut out = Layout::default();
        for &(at, len) in &self.pieces {
            let Some(at) = at else {
                out.push(None, len);
                continue;
            };
            // Run by run: each run lies in one piece of `outer`.
            let mut done = 0;
            while done < len {
                let i = at.saturating_add(done);
                let (source, run) = match outer.piece_at(i) {
                    Some((source, start, n)) => (
                        source.map(|s| s + (i - start)),
                        (start + n - i).min(len - done),
                    ),
                    None => (None, len - done),
                };
                out.push(source, run);
                done += run;
            }
        }
        out
    }

    /// The piece holding stream byte `i`: (source, stream start, length).
    fn piece_at(&self, i: usize) -> Option<(Option<usize>, usize, usize)> {
        if i >= self.len {
            return None;
        }
        let piece = self.starts.partition_point(|&s| s <= i).checked_sub(1)?;
        let (&(source, n), &start) = (self.pieces.get(piece)?, self.starts.get(piece)?);
        Some((source, start, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_found_through_pieces_and_levels() {
        let mut file = Layout::default();
        file.push(Some(1024), 512);
        file.push(Some(1536), 512); // follows: merged
        file.push(Some(512), 512);
        assert_eq!(file.pieces, vec![(Some(1024), 1024), (Some(512), 512)]);
        assert_eq!(file.offset(0), Some(1024));
        assert_eq!(file.offset(1023), Some(2047));
        assert_eq!(file.offset(1024), Some(512));
        assert_eq!(file.offset(1535), Some(1023));
        assert_eq!(file.offset(1536), None);
        file.truncate(1100);
        assert_eq!(file.offset(1099), Some(587));
        assert_eq!(file.offset(1100), None);
        file.push(None, 100);
        file.push(None, 12);
        file.push(Some(8192), 4);
        assert_eq!(file.offset(1100), None);
        assert_eq!(file.offset(1211), None);
        assert_eq!(file.offset(1212), Some(8192));
        assert_eq!(file.pieces.len(), 4);
        file.truncate(10);
        assert_eq!(file.pieces, vec![(Some(1024), 10)]);

        // Mini sectors 1 then 0 of a mini stream lying at 1024.. then 512..
        let mut outer = Layout::default();
        outer.push(Some(1024), 100);
        outer.push(Some(512), 100);
        let mut mini = Layout::default();
        mini.push(Some(64), 64);
        mini.push(Some(0), 64);
        let mapped = mini.through(&outer);
        assert_eq!(mapped.offset(0), Some(1088));
        assert_eq!(mapped.offset(35), Some(1123));
        assert_eq!(mapped.offset(36), Some(512));
        assert_eq!(mapped.offset(64), Some(1024));
        let mut past = Layout::default();
        past.push(Some(200), 64);
        let past = past.through(&outer);
        assert_eq!((past.len, past.offset(0)), (64, None));
    }
}
