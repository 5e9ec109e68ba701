//! exec: load a program from the boot archive and replace a client's
//! image with it. Programs come from the boot archive for now; the file
//! server will be the next source.

use molt_abi::{Endpoint, Error};
use molt_rt::cell::StaticCell;
use molt_rt::{grant, kcall};

/// Largest program image pm loads.
const MAX_IMAGE: usize = 2 << 20;
/// Longest program name.
const MAX_PATH: usize = 32;
/// Longest argument string.
const MAX_ARGS: usize = 1024;

static IMAGE: StaticCell<[u8; MAX_IMAGE]> = StaticCell::new([0; MAX_IMAGE]);

/// The buffers exec works in, taken once at start.
pub struct Loader {
    image: &'static mut [u8; MAX_IMAGE],
}

impl Loader {
    pub fn new() -> Loader {
        Loader { image: IMAGE.take().expect("exec buffer taken once") }
    }

    /// Replaces `client`'s image with the program named by its grant
    /// `path` and arguments `args` (grant, length pairs).
    pub fn exec(&mut self, client: Endpoint, path: (u64, u64), args: (u64, u64)) -> Result<(), Error> {
        if path.1 == 0 || path.1 as usize > MAX_PATH || args.1 as usize > MAX_ARGS {
            return Err(Error::INVAL);
        }
        let mut path_buf = [0u8; MAX_PATH];
        let path = grant::copy_in(client, path.0, path.1, &mut path_buf)?;
        let name = core::str::from_utf8(path).map_err(|_| Error::INVAL)?;
        let name = name.strip_prefix("/bin/").unwrap_or(name);
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(Error::NOENT);
        }
        // The argument block: NAME \0 ARGS.
        let mut block = [0u8; MAX_PATH + 1 + MAX_ARGS];
        block[..name.len()].copy_from_slice(name.as_bytes());
        let args_at = name.len() + 1;
        let args_len = args.1 as usize;
        if args_len > 0 {
            grant::copy_in(client, args.0, args.1, &mut block[args_at..args_at + args_len])?;
        }
        let size = kcall::boot_image(name, &mut self.image[..])?;
        if size > MAX_IMAGE {
            return Err(Error::NOMEM);
        }
        kcall::exec_for(client, &self.image[..size], &block[..args_at + args_len])
    }
}
