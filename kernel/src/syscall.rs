//! System-call dispatch: decode the number and arguments from the saved
//! frame, hand off to the safe handler, store the result.

use crate::arch::trap::TrapFrame;
use crate::ipc::{self, Ret};
use crate::proc::{sched, KERNEL};
use molt_abi::syscall::*;
use molt_abi::Error;

/// Longest `debug_write`.
const MAX_DEBUG_WRITE: usize = 1024;

/// Called by `syscall_entry` with the saved user frame.
///
/// # Safety
/// `frame` points at the frame `syscall_entry` pushed at the top of the
/// current process's kernel stack.
pub unsafe extern "C" fn dispatch(frame: *mut TrapFrame) {
    // SAFETY: the entry stub passes its own, live frame. The arguments are
    // copied out before anything can switch stacks.
    let (nr, a) = unsafe {
        let f = &*frame;
        (f.rax, [f.rdi, f.rsi, f.rdx, f.r10, f.r8, f.r9])
    };
    if let Ret::Now(value) = handle(nr, a) {
        // SAFETY: as above; after a possible block-and-resume the frame is
        // still ours (nobody else writes it except through `set_return`,
        // and only while we are blocked).
        unsafe { (*frame).rax = value as u64 };
    }
}

fn handle(nr: u64, a: [u64; 6]) -> Ret {
    match usize::try_from(nr).unwrap_or(usize::MAX) {
        SYS_NULL => Ret::Now(0),
        SYS_SEND => ipc::send(a[0], a[1], false),
        SYS_CALL => ipc::send(a[0], a[1], true),
        SYS_RECEIVE => ipc::receive(a[0], a[1], true),
        SYS_RECEIVE_NB => ipc::receive(a[0], a[1], false),
        SYS_REPLY => ipc::reply(a[0], a[1]),
        SYS_REPLY_RECEIVE => ipc::reply_receive(a[0], a[1], a[2]),
        SYS_NOTIFY => ipc::notify(a[0]),
        SYS_KCALL => crate::kcall::kcall(a[0], [a[1], a[2], a[3], a[4], a[5]]),
        SYS_YIELD => {
            sched::preempt();
            Ret::Now(0)
        }
        SYS_DEBUG_WRITE => Ret::from(debug_write(a[0], a[1])),
        _ => Ret::Now(Error::NOSYS.to_ret()),
    }
}

fn debug_write(ptr: u64, len: u64) -> Result<isize, Error> {
    let k = KERNEL.get();
    let cur = k.cur();
    if !cur.privileges.debug_write {
        return Err(Error::PERM);
    }
    let len = usize::try_from(len).map_err(|_| Error::INVAL)?.min(MAX_DEBUG_WRITE);
    let mut buf = [0u8; MAX_DEBUG_WRITE];
    cur.space.as_ref().ok_or(Error::FAULT)?.read(ptr, &mut buf[..len])?;
    crate::serial::SERIAL.lock().write_bytes(&buf[..len]);
    Ok(len as isize)
}
