//! The context switch of the server's user-level threads, the only
//! assembly of the server platform.
//!
//! A context's saved state is its stack pointer: `switch` pushes the
//! callee-saved registers of the System V ABI (rbp, rbx, r12-r15) on the
//! current stack, stores rsp, loads the other context's rsp and pops its
//! registers. Everything else is caller-saved, so the compiler has saved
//! what it needs before the call. There is no floating-point state to
//! switch: Molt programs are built without SSE (x86_64-unknown-none uses
//! soft float) and the BSD C with -mgeneral-regs-only.

core::arch::global_asm!(
    ".pushsection .text.molt_ctx_switch,\"ax\",@progbits",
    ".global molt_ctx_switch",
    ".type molt_ctx_switch,@function",
    "molt_ctx_switch:",
    "push rbp",
    "push rbx",
    "push r12",
    "push r13",
    "push r14",
    "push r15",
    "mov [rdi], rsp",
    "mov rsp, rsi",
    "pop r15",
    "pop r14",
    "pop r13",
    "pop r12",
    "pop rbx",
    "pop rbp",
    "ret",
    ".size molt_ctx_switch, . - molt_ctx_switch",
    ".popsection",
);

extern "C" {
    fn molt_ctx_switch(save: *mut usize, load: usize);
}

/// Words `prepare` puts on a new stack: six registers, the entry, and a
/// null return address for the entry (which never returns).
const FRAME_WORDS: usize = 8;

/// Saves the current context's stack pointer in `*save` and continues the
/// context whose stack pointer is `load`; returns when some context
/// switches back to the one saved in `*save`.
///
/// # Safety
/// `save` is valid for a write (it is written before the switch and not
/// retained). `load` is a stack pointer stored by an earlier `switch` or
/// returned by [`prepare`], on a stack that is still mapped and whose
/// context has not been resumed since.
pub unsafe fn switch(save: *mut usize, load: usize) {
    // SAFETY: guaranteed by the caller; molt_ctx_switch keeps the System V
    // calling convention (callee-saved registers restored on return).
    unsafe { molt_ctx_switch(save, load) }
}

/// Lays out a new context on the stack ending at `stack_top` so that the
/// first `switch` to the returned stack pointer enters `entry` with the
/// alignment of a normal call (rsp + 8 a multiple of 16).
///
/// # Safety
/// `[stack_top - 64, stack_top)` (after rounding `stack_top` down to 16)
/// is writable memory of a stack that nothing else uses.
pub unsafe fn prepare(stack_top: usize, entry: extern "C" fn() -> !) -> usize {
    let top = stack_top & !15;
    let frame = (top - FRAME_WORDS * 8) as *mut usize;
    // SAFETY: the caller gives us these eight words.
    unsafe {
        for i in 0..6 {
            frame.add(i).write(0); // r15, r14, r13, r12, rbx, rbp
        }
        frame.add(6).write(entry as usize); // switch's `ret` goes here
        frame.add(7).write(0); // entry's return address: it never returns
    }
    frame as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::sync::atomic::{AtomicUsize, Ordering};

    static MAIN_SP: AtomicUsize = AtomicUsize::new(0);
    static CTX_SP: AtomicUsize = AtomicUsize::new(0);
    static STEPS: AtomicUsize = AtomicUsize::new(0);
    static ALIGNED: AtomicUsize = AtomicUsize::new(0);

    extern "C" fn entry() -> ! {
        let local = 0u128; // a 16-aligned local: the compiler relies on rsp alignment
        ALIGNED.store(usize::from((&local as *const u128 as usize).is_multiple_of(16)), Ordering::SeqCst);
        let mut mine = 7u64; // survives the switches below
        loop {
            mine += 1;
            STEPS.store(mine as usize, Ordering::SeqCst);
            // SAFETY: MAIN_SP was saved by the test's switch into us.
            unsafe { switch(CTX_SP.as_ptr(), MAIN_SP.load(Ordering::SeqCst)) };
        }
    }

    #[test]
    fn a_context_runs_resumes_and_keeps_its_state() {
        let mut stack = vec![0u64; 8192];
        let top = stack.as_mut_ptr() as usize + stack.len() * 8;
        // SAFETY: the vector is a fresh 64 KiB stack only this context uses.
        let sp = unsafe { prepare(top, entry) };
        CTX_SP.store(sp, Ordering::SeqCst);
        let callee_saved_survives = [11u64, 22, 33];
        for round in 1..=3u64 {
            // SAFETY: CTX_SP is the prepared or last saved stack pointer of
            // the context, whose stack is alive.
            unsafe { switch(MAIN_SP.as_ptr(), CTX_SP.load(Ordering::SeqCst)) };
            assert_eq!(STEPS.load(Ordering::SeqCst) as u64, 7 + round, "the context resumed where it stopped");
        }
        assert_eq!(ALIGNED.load(Ordering::SeqCst), 1, "entry ran with call alignment");
        assert_eq!(callee_saved_survives, [11, 22, 33]);
        drop(stack);
    }
}
