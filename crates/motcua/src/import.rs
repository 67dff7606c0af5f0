//! `motcua import procedures FILE`: opens the file (gzip or not) and hands it to the import
//! shared with the API (`motcua_service::import`).

use std::io::{BufRead, BufReader, Read};

use anyhow::Context;

pub use motcua_service::import::{BATCH, ImportError, ImportReport, Rejected, import};

/// Opens a file, transparently decompressing gzip (detected by its magic bytes).
pub fn open(path: &std::path::Path) -> anyhow::Result<Box<dyn BufRead + Send>> {
    let mut f =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut magic = [0u8; 2];
    let n = f.read(&mut magic)?;
    let head = std::io::Cursor::new(magic[..n].to_vec());
    let chained = head.chain(f);
    Ok(if n == 2 && magic == [0x1f, 0x8b] {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(chained)))
    } else {
        Box::new(BufReader::new(chained))
    })
}
