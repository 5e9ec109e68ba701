//! Why an image or a mount point cannot be used, said so that the user
//! knows what to do: each message names the thing, what is wrong with it
//! and the fix (`molt fs newfs` for a missing image, the magic number
//! found for a file that is not FFS, `fusermount3 -u` for a busy or stale
//! mount point). Messages keep the `PATH: ENAME: ...` form of the tools.
use std::fs::File;
use std::io::ErrorKind;
use std::os::unix::fs::FileExt;
use std::path::Path;

use crate::bsd;
use crate::errno::Errno;
use crate::ondisk::SBOFF;

/// Byte offset of `fs_magic` in the image.
const MAGIC_OFFSET: u64 = SBOFF + std::mem::offset_of!(bsd::fs, fs_magic) as u64;

/// The message for an image that `Volume::mount` refused with `e`.
pub fn image_unusable(image: &Path, e: Errno) -> String {
    let name = image.display();
    let ename = e.name();
    match e {
        Errno::ENOENT if image.symlink_metadata().is_err() => missing_image(image),
        Errno::EFTYPE => match superblock_magic(image) {
            Some(magic) if magic == bsd::FS_MAGIC => format!(
                "{name}: {ename}: the superblock has FFS's magic number but is damaged; \
                 see what is wrong with `molt fs check {name}`, repair it with `molt fs check --repair {name}`"
            ),
            Some(magic) => format!(
                "{name}: {ename}: not an FFS image: the magic number at byte {MAGIC_OFFSET} is {magic:#08x}, \
                 FFS (UFS1) has {:#08x}; give an FFS image, or make one with `molt fs newfs NEW.img 64M`",
                bsd::FS_MAGIC
            ),
            None => format!(
                "{name}: {ename}: not an FFS image: too short to hold a superblock (it ends at byte {}); \
                 give an FFS image, or make one with `molt fs newfs NEW.img 64M`",
                SBOFF + u64::from(bsd::SBSIZE)
            ),
        },
        Errno::EISDIR => format!("{name}: {ename}: an image is a file; this is a directory"),
        Errno::EBUSY => format!("{name}: {ename}: this image is already mounted by this process"),
        e => format!("{name}: {e}"),
    }
}

/// The message for an image that does not exist.
pub fn missing_image(image: &Path) -> String {
    let name = image.display();
    format!("{name}: ENOENT: no such image; make one with `molt fs newfs {name} 64M`")
}

/// Why a new image cannot be written at `image`, when its directory is missing.
pub fn missing_directory_of(image: &Path) -> Option<String> {
    let dir = image.parent().filter(|d| !d.as_os_str().is_empty())?;
    (dir.symlink_metadata().is_err()).then(|| {
        format!("{}: ENOENT: no such directory {1}; make it first: mkdir -p {1}", image.display(), dir.display())
    })
}

/// The magic number where FFS keeps it, if the file is long enough.
fn superblock_magic(image: &Path) -> Option<u32> {
    let mut word = [0u8; 4];
    File::open(image).ok()?.read_exact_at(&mut word, MAGIC_OFFSET).ok()?;
    Some(u32::from_ne_bytes(word))
}

/// Why `dir` cannot be a mount point, or `None` when it can.
pub fn mount_point_unusable(dir: &Path) -> Option<String> {
    let name = dir.display();
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            Some(format!("{name}: ENOENT: no such mount point; make the directory first: mkdir -p {name}"))
        }
        Err(e) if e.raw_os_error() == Some(libc::ENOTCONN) => Some(format!(
            "{name}: EBUSY: mount point is busy: a FUSE mount whose server has exited is still there; \
             unmount it with `fusermount3 -u {name}`"
        )),
        Err(e) => Some(format!("{name}: {}", Errno::from_io(&e))),
        Ok(m) if !m.is_dir() => Some(format!("{name}: ENOTDIR: a mount point must be a directory")),
        Ok(_) if is_mount_point(dir) => Some(format!(
            "{name}: EBUSY: mount point is busy: something is already mounted there; \
             unmount it with `fusermount3 -u {name}` (or umount), or choose another directory"
        )),
        Ok(_) => None,
    }
}

/// Whether something is mounted at `dir` (by /proc/self/mountinfo).
fn is_mount_point(dir: &Path) -> bool {
    let (Ok(dir), Ok(table)) = (dir.canonicalize(), std::fs::read_to_string("/proc/self/mountinfo")) else {
        return false;
    };
    table.lines().filter_map(|l| l.split(' ').nth(4)).any(|p| Path::new(&unescape_mountinfo(p)) == dir)
}

/// Undoes mountinfo's octal escapes (`\040` for a space).
fn unescape_mountinfo(field: &str) -> String {
    let b = field.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let octal = b.get(i + 1..i + 4).and_then(|d| std::str::from_utf8(d).ok()).and_then(|d| u8::from_str_radix(d, 8).ok());
        match (b[i], octal) {
            (b'\\', Some(c)) => {
                out.push(c);
                i += 4;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("molt-diagnose-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_missing_image_names_newfs() {
        let m = image_unusable(Path::new("/nonexistent/x.img"), Errno::ENOENT);
        assert_eq!(m, "/nonexistent/x.img: ENOENT: no such image; make one with `molt fs newfs /nonexistent/x.img 64M`");
    }

    #[test]
    fn a_file_that_is_not_ffs_shows_the_magic_found_and_the_expected_one() {
        let d = scratch("magic");
        let img = d.join("zeros.img");
        let mut bytes = vec![0u8; 65536];
        bytes[MAGIC_OFFSET as usize..MAGIC_OFFSET as usize + 4].copy_from_slice(&0xdeadbeefu32.to_ne_bytes());
        std::fs::write(&img, &bytes).unwrap();
        let m = image_unusable(&img, Errno::EFTYPE);
        assert!(m.contains("EFTYPE: not an FFS image"), "{m}");
        assert!(m.contains("is 0xdeadbeef, FFS (UFS1) has 0x011954"), "{m}");
        std::fs::write(&img, b"short").unwrap();
        assert!(image_unusable(&img, Errno::EFTYPE).contains("too short to hold a superblock"));
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_new_image_in_a_missing_directory_names_the_directory() {
        let m = missing_directory_of(Path::new("/nonexistent/d/x.img")).unwrap();
        assert_eq!(m, "/nonexistent/d/x.img: ENOENT: no such directory /nonexistent/d; make it first: mkdir -p /nonexistent/d");
        assert_eq!(missing_directory_of(Path::new("x.img")), None);
        assert_eq!(missing_directory_of(&std::env::temp_dir().join("x.img")), None);
    }

    #[test]
    fn mount_points_missing_or_not_directories_are_refused() {
        let d = scratch("mnt");
        assert_eq!(mount_point_unusable(&d), None);
        assert!(mount_point_unusable(&d.join("absent")).unwrap().contains("ENOENT: no such mount point; make the directory first"));
        std::fs::write(d.join("file"), b"").unwrap();
        assert!(mount_point_unusable(&d.join("file")).unwrap().contains("ENOTDIR"));
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn the_root_is_a_busy_mount_point() {
        assert!(mount_point_unusable(Path::new("/")).unwrap().contains("EBUSY: mount point is busy"));
    }

    #[test]
    fn mountinfo_escapes_are_undone() {
        assert_eq!(unescape_mountinfo(r"/mnt/a\040b"), "/mnt/a b");
        assert_eq!(unescape_mountinfo(r"/plain"), "/plain");
        assert_eq!(unescape_mountinfo(r"/odd\04"), r"/odd\04");
    }
}
