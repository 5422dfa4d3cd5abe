//! The CSV zip: ODK Central's `<form>.csv` plus `<form>-<repeat>.csv` per
//! repeat (and, unless switched off, the codebook's two files).
//!
//! Zip entries cannot interleave, and one pass over the records fills every
//! table at once: the main table goes straight into the zip as its first
//! entry, so the download starts with the first record; the repeat tables
//! are spooled to anonymous temp files and copied in after it. The zip is
//! written without seeking (data descriptors), so `out` can be an HTTP body.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};

use fieldform_engine::compile::CompiledForm;
use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, StreamWriter, ZipWriter};

use crate::codebook::Codebook;
use crate::layout::Layout;
use crate::options::Options;
use crate::record::Record;
use crate::rows::{Cell, for_each_row};
use crate::{ExportError, RecordSink};

/// See the module docs.
pub struct CsvZipExport<W: Write> {
    layout: Layout,
    options: Options,
    codebook: Codebook,
    /// The main table's entry, written straight into the zip.
    main: csv::Writer<ZipWriter<StreamWriter<W>>>,
    /// One per repeat table (`layout.tables[1..]`).
    spools: Vec<csv::Writer<BufWriter<File>>>,
}

/// ODK Central's CSV dialect: commas, quotes only where needed, `\n`.
fn csv_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

fn entry_options(size: Option<u64>) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        // Zip64 only when needed: some readers still stumble on it. The
        // main table's size is not known in advance; past 4 GiB the zip
        // crate refuses it rather than writing a broken archive.
        .large_file(size.is_some_and(|s| s >= u64::from(u32::MAX)))
}

impl<W: Write> CsvZipExport<W> {
    /// Starts the zip and writes the main table's header to `out` at once.
    pub fn new(form: &CompiledForm, options: Options, out: W) -> Result<Self, ExportError> {
        let layout = Layout::new(form, &options)?;
        let codebook = Codebook::new(form, &layout);
        let mut zip = ZipWriter::new_stream(out);
        zip.start_file(
            format!("{}.csv", layout.tables[0].name),
            entry_options(None),
        )?;
        let mut main = csv_writer(zip);
        main.write_record(layout.tables[0].columns.iter().map(|c| &c.name))?;
        // The header goes out now, whatever the records take.
        main.flush()?;
        let mut spools = Vec::new();
        for table in &layout.tables[1..] {
            let mut spool = csv_writer(BufWriter::new(tempfile::tempfile()?));
            spool.write_record(table.columns.iter().map(|c| &c.name))?;
            spools.push(spool);
        }
        Ok(Self {
            layout,
            options,
            codebook,
            main,
            spools,
        })
    }

    /// Closes the main table, copies in the repeat tables (and the
    /// codebook), and finishes the zip; returns `out`.
    pub fn finish(self) -> Result<W, ExportError> {
        let mut zip = self
            .main
            .into_inner()
            .map_err(|e| ExportError::Io(e.into_error()))?;
        for (spool, table) in self.spools.into_iter().zip(&self.layout.tables[1..]) {
            let mut file = spool
                .into_inner()
                .map_err(|e| ExportError::Io(e.into_error()))?
                .into_inner()
                .map_err(|e| ExportError::Io(e.into_error()))?;
            let size = file.seek(SeekFrom::End(0))?;
            file.seek(SeekFrom::Start(0))?;
            zip.start_file(format!("{}.csv", table.name), entry_options(Some(size)))?;
            std::io::copy(&mut file, &mut zip)?;
        }
        if self.options.codebook_in_zip {
            let form_id = &self.layout.form_id;
            zip.start_file(format!("{form_id}-codebook.csv"), entry_options(None))?;
            self.codebook.write_columns(&mut csv_writer(&mut zip))?;
            zip.start_file(format!("{form_id}-choices.csv"), entry_options(None))?;
            self.codebook.write_choices(&mut csv_writer(&mut zip))?;
        }
        let mut stream = zip.finish()?;
        stream.flush()?;
        Ok(stream.into_inner())
    }
}

impl<W: Write> RecordSink for CsvZipExport<W> {
    fn write(&mut self, record: &Record) -> Result<bool, ExportError> {
        if !self.options.accepts(record) {
            return Ok(false);
        }
        let (main, spools) = (&mut self.main, &mut self.spools);
        for_each_row(&self.layout, record, &mut |table, cells: &[Cell<'_>]| {
            let fields = cells.iter().map(|c| c.as_bytes());
            match table {
                0 => main.write_record(fields)?,
                n => spools[n - 1].write_record(fields)?,
            }
            Ok(())
        })?;
        Ok(true)
    }
}
