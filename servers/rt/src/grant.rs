//! A grant that lives as long as a borrow of the memory it exposes, so a
//! request can never leave a grant behind.

use crate::kcall;
use molt_abi::kcall::{GRANT_READ, GRANT_WRITE};
use molt_abi::{Endpoint, Error};

/// Grants `grantee` access to a buffer until dropped.
pub struct Grant<'a> {
    id: u64,
    len: usize,
    _buf: core::marker::PhantomData<&'a mut [u8]>,
}

impl<'a> Grant<'a> {
    /// Read access to `buf`.
    pub fn read(grantee: Endpoint, buf: &'a [u8]) -> Result<Grant<'a>, Error> {
        let id = kcall::grant_create(grantee, buf.as_ptr() as u64, buf.len() as u64, GRANT_READ)?;
        Ok(Grant { id, len: buf.len(), _buf: core::marker::PhantomData })
    }

    /// Write access to `buf`.
    pub fn write(grantee: Endpoint, buf: &'a mut [u8]) -> Result<Grant<'a>, Error> {
        let id = kcall::grant_create(grantee, buf.as_ptr() as u64, buf.len() as u64, GRANT_READ | GRANT_WRITE)?;
        Ok(Grant { id, len: buf.len(), _buf: core::marker::PhantomData })
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn len(&self) -> u64 {
        self.len as u64
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Drop for Grant<'_> {
    fn drop(&mut self) {
        let _ = kcall::grant_revoke(self.id);
    }
}

/// Copies up to `buf.len()` bytes of a client's grant of `len` bytes into
/// `buf`; returns the filled prefix.
pub fn copy_in(owner: Endpoint, grant: u64, len: u64, buf: &mut [u8]) -> Result<&[u8], Error> {
    let n = (len as usize).min(buf.len());
    kcall::safecopy_from(owner, grant, 0, &mut buf[..n])?;
    Ok(&buf[..n])
}
