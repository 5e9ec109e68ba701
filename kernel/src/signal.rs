//! Signal delivery mechanism: running a user handler on the target's own
//! stack and resuming afterwards. Which signal, which handler and the
//! default actions are the process manager's policy.
//!
//! The kernel pushes a signal frame below the target's stack pointer (and
//! its 128-byte red zone): the previous signal-frame address, then the
//! saved [`TrapFrame`], then the restorer as the handler's return address.
//! `sigreturn` reads the frame back from the address it recorded (never
//! from a user-supplied pointer), sanitises it and resumes.

use crate::arch::gdt::{USER_CS, USER_DS};
use crate::arch::trap::TrapFrame;
use crate::mem::vspace::USER_END;
use molt_kernel_logic::usercopy::USER_BASE;
use crate::proc::process::Activity;
use crate::proc::{sched, Kernel};
use molt_abi::{Endpoint, Error};

const RED_ZONE: u64 = 128;
const FRAME_BYTES: usize = core::mem::size_of::<TrapFrame>();
/// Previous-frame word plus the saved registers.
const BLOCK_BYTES: u64 = 8 + FRAME_BYTES as u64;

fn frame_bytes(f: &TrapFrame) -> &[u8; FRAME_BYTES] {
    // SAFETY: TrapFrame is repr(C) and made only of u64 fields.
    unsafe { &*(f as *const TrapFrame as *const [u8; FRAME_BYTES]) }
}

fn frame_bytes_mut(f: &mut TrapFrame) -> &mut [u8; FRAME_BYTES] {
    // SAFETY: as above; any bit pattern is a valid TrapFrame.
    unsafe { &mut *(f as *mut TrapFrame as *mut [u8; FRAME_BYTES]) }
}

/// `signal(target, handler, signo, restorer)`.
pub fn deliver(k: &mut Kernel, target: Endpoint, handler: u64, signo: u64, restorer: u64) -> Result<isize, Error> {
    let user = USER_BASE..USER_END;
    if !user.contains(&handler) || !user.contains(&restorer) {
        return Err(Error::FAULT);
    }
    let slot = k.resolve(target)?;
    let is_current = k.current == Some(slot);
    let interrupted = k.proc(slot)?.activity;
    let p = k.proc(slot)?;
    let mut saved = *p.user_frame();
    if is_current {
        saved.rax = 0; // what this kcall returns once the handler is done
    } else if matches!(interrupted, Activity::InIpc | Activity::InWait { .. }) {
        saved.rax = Error::INTR.to_ret() as u64;
    }
    let block = (saved.rsp.checked_sub(RED_ZONE + BLOCK_BYTES).ok_or(Error::FAULT)?) & !15;
    let ret_addr_at = block - 8;
    let space = p.space.as_ref().ok_or(Error::SRCH)?;
    space.write(block, &p.sig_frame.to_le_bytes())?;
    space.write(block + 8, frame_bytes(&saved))?;
    space.write(ret_addr_at, &restorer.to_le_bytes())?;
    p.sig_frame = block;
    let f = p.user_frame();
    f.rip = handler;
    f.rdi = signo;
    f.rsp = ret_addr_at;
    f.rflags = 0x202;
    match interrupted {
        Activity::InIpc => {
            k.ipc.cancel(slot);
            resume(k, slot);
        }
        Activity::InWait { .. } => resume(k, slot),
        _ => {}
    }
    Ok(0)
}

fn resume(k: &mut Kernel, slot: usize) {
    if let Ok(p) = k.proc(slot) {
        p.activity = Activity::Active;
        sched::wake(slot);
    }
}

/// `sigreturn()`: restores the frame the last signal saved. Returns the
/// value the interrupted code's `rax` held, which the dispatcher stores.
pub fn sigreturn(k: &mut Kernel) -> Result<isize, Error> {
    let p = k.cur();
    if p.sig_frame == 0 {
        return Err(Error::INVAL);
    }
    let space = p.space.as_ref().ok_or(Error::FAULT)?;
    let mut prev = [0u8; 8];
    space.read(p.sig_frame, &mut prev)?;
    let mut saved = TrapFrame::default();
    space.read(p.sig_frame + 8, frame_bytes_mut(&mut saved))?;
    if saved.rip >= USER_END || saved.rsp >= USER_END {
        return Err(Error::FAULT);
    }
    // Whatever the user wrote there, it returns to ring 3 with interrupts on.
    saved.cs = u64::from(USER_CS);
    saved.ss = u64::from(USER_DS);
    saved.rflags = (saved.rflags & 0xcd5) | 0x202;
    p.sig_frame = u64::from_le_bytes(prev);
    let rax = saved.rax as isize;
    *p.user_frame() = saved;
    Ok(rax)
}
