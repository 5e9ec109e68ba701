//! Copying trees between the host and an image: `molt fs import` (like
//! makefs: fill an image from a host folder) and `molt fs export`.
//! Regular files, directories and symbolic links, with their permission
//! bits and modification times (and owners, on import). Hard links stay
//! hard links and holes stay holes, both ways; files are streamed.
use std::collections::HashMap;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use crate::bsd;
use crate::errno::Errno;
use crate::volume::Volume;

/// Import leaves a hole for each all-zero run this long (FFS's block).
const HOLE: usize = 8192;

/// An error with the path it happened on.
#[derive(Debug)]
pub struct PathError {
    pub path: String,
    pub errno: Errno,
}

fn at(path: impl AsRef<[u8]>, errno: Errno) -> PathError {
    PathError { path: String::from_utf8_lossy(path.as_ref()).into_owned(), errno }
}

fn join(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut p = dir.to_vec();
    if !p.is_empty() && !p.ends_with(b"/") {
        p.push(b'/');
    }
    p.extend_from_slice(name);
    p
}

/// What a copy reports as it goes (the progress of `molt fs import` and
/// `export`): each entry made, and the bytes of file data moved.
pub trait CopyProgress {
    fn entry_copied(&mut self) {}
    fn bytes_copied(&mut self, _n: u64) {}
}

/// No report.
impl CopyProgress for () {}

/// Counts the entries copied, passing every report on.
struct Counted<'a> {
    entries: u64,
    inner: &'a mut dyn CopyProgress,
}

impl CopyProgress for Counted<'_> {
    fn entry_copied(&mut self) {
        self.entries += 1;
        self.inner.entry_copied();
    }
    fn bytes_copied(&mut self, n: u64) {
        self.inner.bytes_copied(n);
    }
}

/// The bytes of regular files under host directory `src` (what an import
/// of it will copy: a hard-linked file once), not following symbolic
/// links; unreadable parts count 0.
pub fn host_tree_bytes(src: &Path) -> u64 {
    fn walk(dir: &Path, seen: &mut std::collections::HashSet<(u64, u64)>) -> u64 {
        let Ok(entries) = fs::read_dir(dir) else { return 0 };
        entries
            .filter_map(Result::ok)
            .map(|e| match fs::symlink_metadata(e.path()) {
                Ok(m) if m.is_dir() => walk(&e.path(), seen),
                Ok(m) if m.is_file() && (m.nlink() == 1 || seen.insert((m.dev(), m.ino()))) => m.len(),
                _ => 0,
            })
            .sum()
    }
    walk(src, &mut Default::default())
}

/// Copies the contents of host directory `src` into image directory `dst`.
pub fn import(v: &Volume, src: &Path, dst: &[u8]) -> Result<u64, PathError> {
    import_reporting(v, src, dst, &mut ())
}

/// [`import`], telling `progress` about every entry and every chunk.
pub fn import_reporting(v: &Volume, src: &Path, dst: &[u8], progress: &mut dyn CopyProgress) -> Result<u64, PathError> {
    let mut counted = Counted { entries: 0, inner: progress };
    import_dir(v, src, dst, &mut HashMap::new(), &mut counted)?;
    Ok(counted.entries)
}

/// `links` holds the image path of each multiply-linked host file seen, by (dev, ino).
fn import_dir(v: &Volume, src: &Path, dst: &[u8], links: &mut HashMap<(u64, u64), Vec<u8>>, progress: &mut Counted) -> Result<(), PathError> {
    let host_err = |p: &Path, e: std::io::Error| at(p.as_os_str().as_bytes(), Errno::from_io(&e));
    let mut entries: Vec<_> = fs::read_dir(src).map_err(|e| host_err(src, e))?.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let hp = entry.path();
        let meta = fs::symlink_metadata(&hp).map_err(|e| host_err(&hp, e))?;
        let ip = join(dst, entry.file_name().as_bytes());
        let mode = meta.permissions().mode() & 0o7777;
        let ft = meta.file_type();
        if ft.is_dir() {
            v.mkdir(&ip, mode).map_err(|e| at(&ip, e))?;
            import_dir(v, &hp, &ip, links, progress)?;
        } else if ft.is_symlink() {
            let target = fs::read_link(&hp).map_err(|e| host_err(&hp, e))?;
            v.symlink(target.as_os_str().as_bytes(), &ip).map_err(|e| at(&ip, e))?;
            v.lchown(&ip, meta.uid(), meta.gid()).map_err(|e| at(&ip, e))?;
            v.lutimes(&ip, (meta.atime(), meta.atime_nsec()), (meta.mtime(), meta.mtime_nsec())).map_err(|e| at(&ip, e))?;
            progress.entry_copied();
            continue;
        } else if ft.is_file() {
            if meta.nlink() > 1 {
                if let Some(first) = links.get(&(meta.dev(), meta.ino())) {
                    v.link(first, &ip).map_err(|e| at(&ip, e))?;
                    progress.entry_copied();
                    continue;
                }
                links.insert((meta.dev(), meta.ino()), ip.clone());
            }
            copy_in(v, &hp, &ip, mode, progress)?;
        } else {
            continue; // devices, sockets and fifos are not copied
        }
        v.chown(&ip, meta.uid(), meta.gid()).map_err(|e| at(&ip, e))?;
        v.chmod(&ip, mode).map_err(|e| at(&ip, e))?;
        v.utimes(&ip, (meta.atime(), meta.atime_nsec()), (meta.mtime(), meta.mtime_nsec())).map_err(|e| at(&ip, e))?;
        progress.entry_copied();
    }
    Ok(())
}

fn copy_in(v: &Volume, host: &Path, ip: &[u8], mode: u32, progress: &mut dyn CopyProgress) -> Result<(), PathError> {
    use std::io::Read;
    let mut f = fs::File::open(host).map_err(|e| at(host.as_os_str().as_bytes(), Errno::from_io(&e)))?;
    let fd = v.create(ip, mode).map_err(|e| at(ip, e))?;
    let mut buf = vec![0u8; 1 << 20];
    let mut offset = 0u64;
    let result = loop {
        let n = match f.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => n,
            Err(e) => break Err(at(host.as_os_str().as_bytes(), Errno::from_io(&e))),
        };
        // Whole blocks of zeros stay holes (like makefs); the size is set at the end.
        for piece in buf[..n].chunks(HOLE) {
            let w = if piece.len() == HOLE && piece.iter().all(|&b| b == 0) {
                v.seek(fd, HOLE as i64, bsd::SEEK_CUR).map(|_| ())
            } else {
                v.pwrite(fd, offset, piece).map(|_| ())
            };
            if let Err(e) = w {
                let _ = v.close(fd);
                return Err(at(ip, e));
            }
            offset += piece.len() as u64;
        }
        progress.bytes_copied(n as u64);
    };
    let sized = if result.is_ok() { v.ftruncate(fd, offset) } else { Ok(()) };
    v.close(fd).map_err(|e| at(ip, e))?;
    sized.map_err(|e| at(ip, e))?;
    result
}

/// Copies image directory `src` into host directory `dst` (made if needed).
/// Hard links stay hard links (the first name exported is linked to),
/// holes stay holes, and files are streamed through one buffer.
pub fn export(v: &Volume, src: &[u8], dst: &Path) -> Result<u64, PathError> {
    export_reporting(v, src, dst, &mut ())
}

/// [`export`], telling `progress` about every entry and every file.
pub fn export_reporting(v: &Volume, src: &[u8], dst: &Path, progress: &mut dyn CopyProgress) -> Result<u64, PathError> {
    fs::create_dir_all(dst).map_err(|e| at(dst.as_os_str().as_bytes(), Errno::from_io(&e)))?;
    let mut counted = Counted { entries: 0, inner: progress };
    export_dir(v, src, dst, &mut HashMap::new(), &mut counted)?;
    Ok(counted.entries)
}

fn export_dir(
    v: &Volume,
    src: &[u8],
    dst: &Path,
    links: &mut HashMap<u32, std::path::PathBuf>,
    progress: &mut Counted,
) -> Result<(), PathError> {
    let host_err = |p: &Path, e: std::io::Error| at(p.as_os_str().as_bytes(), Errno::from_io(&e));
    let mut entries = v.read_dir(src).map_err(|e| at(src, e))?;
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    for entry in entries {
        if entry.name == b"." || entry.name == b".." {
            continue;
        }
        let ip = join(src, &entry.name);
        let hp = dst.join(std::ffi::OsStr::from_bytes(&entry.name));
        let st = v.lstat(&ip).map_err(|e| at(&ip, e))?;
        if st.is_dir() {
            fs::create_dir_all(&hp).map_err(|e| host_err(&hp, e))?;
            export_dir(v, &ip, &hp, links, progress)?;
        } else if st.is_symlink() {
            let target = v.readlink(&ip).map_err(|e| at(&ip, e))?;
            std::os::unix::fs::symlink(std::ffi::OsStr::from_bytes(&target), &hp).map_err(|e| host_err(&hp, e))?;
            progress.entry_copied();
            continue;
        } else if st.is_file() {
            if st.nlink > 1 {
                if let Some(first) = links.get(&st.ino) {
                    fs::hard_link(first, &hp).map_err(|e| host_err(&hp, e))?;
                    progress.entry_copied();
                    continue;
                }
                links.insert(st.ino, hp.clone());
            }
            let mut out = fs::File::create(&hp).map_err(|e| host_err(&hp, e))?;
            let copied = crate::stream::copy_out(v, &ip, &mut out, true).map_err(|e| match e {
                crate::stream::CopyError::Volume(e) => at(&ip, e),
                crate::stream::CopyError::Host(e) => host_err(&hp, e),
            })?;
            progress.bytes_copied(copied);
        } else {
            continue;
        }
        fs::set_permissions(&hp, fs::Permissions::from_mode(u32::from(st.perm()))).map_err(|e| host_err(&hp, e))?;
        let mtime = std::time::UNIX_EPOCH + std::time::Duration::new(st.mtime.0.max(0) as u64, st.mtime.1.clamp(0, 999_999_999) as u32);
        if let Ok(f) = fs::File::options().write(true).open(&hp).or_else(|_| fs::File::open(&hp)) {
            let _ = f.set_modified(mtime);
        }
        progress.entry_copied();
    }
    Ok(())
}
