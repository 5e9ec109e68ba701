//! Kernel-thread context switch.
//!
//! Each process has its own kernel stack. Switching saves the callee-saved
//! registers on the old stack, stores its stack pointer, and resumes the
//! new stack where it last switched away. A process that never ran starts
//! with a stack prepared by [`prepare_new_stack`], which "returns" into
//! `trap_return` and from there to user mode with `iretq`.

use super::trap::TrapFrame;

core::arch::global_asm!(
    r#"
    .global context_switch
context_switch:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov [rdi], rsp
    mov rsp, rsi
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret
    "#
);

extern "C" {
    fn context_switch(save_rsp: *mut u64, new_rsp: u64);
}

/// Saves the current kernel context into `*save_rsp` and resumes the one
/// saved at `new_rsp`. Returns when someone switches back to us.
///
/// # Safety
/// `new_rsp` must be a stack pointer saved by this function or prepared by
/// [`prepare_new_stack`], on a stack that is still allocated, and nothing
/// may run on that stack meanwhile.
pub unsafe fn switch(save_rsp: *mut u64, new_rsp: u64) {
    // SAFETY: forwarded to the caller's contract.
    unsafe { context_switch(save_rsp, new_rsp) }
}

/// Lays out a fresh kernel stack whose first switch-in returns to user
/// mode with `frame`. Returns the stack pointer to switch to.
pub fn prepare_new_stack(stack: &mut [u64], frame: &TrapFrame) -> u64 {
    let frame_words = core::mem::size_of::<TrapFrame>() / 8;
    let len = stack.len();
    let frame_start = len - frame_words;
    // SAFETY: TrapFrame is repr(C) made of u64s, so it is exactly
    // frame_words u64s; the slice below is in bounds.
    let words: &[u64] = unsafe { core::slice::from_raw_parts(frame as *const TrapFrame as *const u64, frame_words) };
    stack[frame_start..].copy_from_slice(words);
    // Below the frame: the return address, then six callee-saved registers.
    let ret = frame_start - 1;
    stack[ret] = super::trap::trap_return as *const () as u64;
    for slot in &mut stack[ret - 6..ret] {
        *slot = 0;
    }
    &stack[ret - 6] as *const u64 as u64
}
