//! Streaming a file out of a volume through a fixed buffer, whatever size
//! the file's inode claims (`molt fs cat`, `molt fs export`): memory stays
//! at one buffer. Runs of zeros a block long can be left as holes
//! (export), so sparse files stay sparse.
use std::io::{Seek, SeekFrom, Write};

use crate::bsd;
use crate::errno::Errno;
use crate::volume::Volume;

/// The buffer: a few FFS blocks.
const CHUNK: usize = 64 * 1024;
/// A hole is left for each all-zero run of this many bytes (FFS's block).
const HOLE: usize = 8192;

/// Why a copy stopped: the volume or the host side.
#[derive(Debug)]
pub enum CopyError {
    Volume(Errno),
    Host(std::io::Error),
}

/// Writes `path`'s contents to `out`; returns the byte count. With
/// `sparse`, block-sized runs of zeros are skipped with a seek and the
/// length is set at the end, so they become holes in `out`.
pub fn copy_out<W: Write + Seek>(v: &Volume, path: &[u8], out: &mut W, sparse: bool) -> Result<u64, CopyError> {
    let fd = v.open(path, bsd::O_RDONLY, 0).map_err(CopyError::Volume)?;
    let r = copy_fd(v, fd, out, sparse);
    let c = v.close(fd).map_err(CopyError::Volume);
    let n = r?;
    c?;
    Ok(n)
}

fn copy_fd<W: Write + Seek>(v: &Volume, fd: crate::volume::Fd, out: &mut W, sparse: bool) -> Result<u64, CopyError> {
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    let mut pending_hole = false;
    loop {
        let n = v.read(fd, &mut buf).map_err(CopyError::Volume)?;
        if n == 0 {
            break;
        }
        for piece in buf[..n].chunks(HOLE) {
            if sparse && piece.len() == HOLE && piece.iter().all(|&b| b == 0) {
                out.seek(SeekFrom::Current(HOLE as i64)).map_err(CopyError::Host)?;
                pending_hole = true;
            } else {
                out.write_all(piece).map_err(CopyError::Host)?;
                pending_hole = false;
            }
        }
        total += n as u64;
    }
    if pending_hole {
        // A trailing hole: the length says where the file ends.
        out.seek(SeekFrom::Current(-1)).map_err(CopyError::Host)?;
        out.write_all(&[0]).map_err(CopyError::Host)?;
    }
    Ok(total)
}

/// `molt fs cat`: `path` to `out`, one buffer at a time.
pub fn cat(v: &Volume, path: &[u8], out: &mut impl Write) -> Result<u64, CopyError> {
    let fd = v.open(path, bsd::O_RDONLY, 0).map_err(CopyError::Volume)?;
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    let r = loop {
        match v.read(fd, &mut buf) {
            Ok(0) => break Ok(total),
            Ok(n) => {
                if let Err(e) = out.write_all(&buf[..n]) {
                    break Err(CopyError::Host(e));
                }
                total += n as u64;
            }
            Err(e) => break Err(CopyError::Volume(e)),
        }
    };
    let c = v.close(fd).map_err(CopyError::Volume);
    let n = r?;
    c?;
    Ok(n)
}
