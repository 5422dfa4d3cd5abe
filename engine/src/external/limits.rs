//! Bounds on what an attached file may make the engine allocate. A device
//! holds every attachment of a form in memory, so these are generous for
//! real lists (ODK says 50,000 rows work on 2019 phones) and refuse the rest
//! before it is built.

/// Largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;
/// Most rows (items, features) in one file.
pub const MAX_ROWS: usize = 200_000;
/// Most columns (XML child elements, GeoJSON properties) in one file.
pub const MAX_COLUMNS: usize = 1_000;
/// Longest single cell, in bytes.
pub const MAX_CELL_BYTES: usize = 64 * 1024;
