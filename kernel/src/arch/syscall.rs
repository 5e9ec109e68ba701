//! `syscall` entry and `sysret` exit.
//!
//! The entry stub switches to the current process's kernel stack, saves
//! the user state as a [`TrapFrame`] (vector [`SYSCALL_VECTOR`]) and calls
//! [`crate::syscall::dispatch`]; the result goes back in the frame's `rax`.
//! A frame whose `vector` is not the system-call one (an interrupted
//! state restored by `sigreturn`) leaves through `iretq` instead.
//! One CPU, so the user stack pointer is parked in a static instead of a
//! per-CPU area reached through `swapgs`.

use super::gdt::{KERNEL_CS, USER_DS};
use x86_64::registers::model_specific::{Efer, EferFlags, LStar, SFMask, Star};
use x86_64::registers::rflags::RFlags;
use x86_64::registers::segmentation::SegmentSelector;
use x86_64::{PrivilegeLevel, VirtAddr};

/// The `vector` a system call's frame carries.
pub const SYSCALL_VECTOR: u64 = 0x100;

/// Top of the running process's kernel stack (read by the entry stub).
#[no_mangle]
static mut SYSCALL_KERNEL_RSP: u64 = 0;
#[no_mangle]
static mut SYSCALL_USER_RSP: u64 = 0;

core::arch::global_asm!(
    concat!(r#"
    .global syscall_entry
syscall_entry:
    mov [rip + SYSCALL_USER_RSP], rsp
    mov rsp, [rip + SYSCALL_KERNEL_RSP]
    push {user_ss}
    push [rip + SYSCALL_USER_RSP]
    push r11
    push {user_cs}
    push rcx
    push 0
    push {vector}
"#, push_gprs!(), r#"
    mov rdi, rsp
    call {dispatch}
    /* A frame restored by sigreturn may be an interrupt frame, whose rcx
       and r11 are live: such frames leave through iretq. */
    cmp qword ptr [rsp + 15 * 8], {vector}
    jne trap_return
"#, pop_gprs!(), r#"
    add rsp, 16
    pop rcx
    add rsp, 8
    pop r11
    pop rsp
    sysretq
    "#),
    user_ss = const super::gdt::USER_DS as u64,
    user_cs = const super::gdt::USER_CS as u64,
    vector = const SYSCALL_VECTOR,
    dispatch = sym crate::syscall::dispatch,
);

extern "C" {
    fn syscall_entry();
}

/// Sets the kernel stack the next `syscall` runs on.
pub fn set_kernel_stack(top: u64) {
    // SAFETY: one CPU, interrupts off while the kernel runs; the entry stub
    // only reads this after the write completes.
    unsafe { SYSCALL_KERNEL_RSP = top };
}

/// Enables `syscall`/`sysret` and points them at the entry stub.
pub fn init() {
    let user_base = SegmentSelector::new((USER_DS >> 3) - 1, PrivilegeLevel::Ring3);
    // STAR: sysret loads CS = base + 16 and SS = base + 8; syscall loads
    // CS = KERNEL_CS and SS = KERNEL_CS + 8.
    // SAFETY: the selectors match the GDT built in `gdt::init`.
    unsafe {
        Star::write_raw(user_base.0, KERNEL_CS);
        Efer::update(|f| f.insert(EferFlags::SYSTEM_CALL_EXTENSIONS | EferFlags::NO_EXECUTE_ENABLE));
    }
    LStar::write(VirtAddr::new(syscall_entry as *const () as u64));
    SFMask::write(RFlags::INTERRUPT_FLAG | RFlags::DIRECTION_FLAG | RFlags::TRAP_FLAG | RFlags::ALIGNMENT_CHECK);
}
