//! The `syscall` instruction, with the ABI of `molt_abi::syscall`.

/// Makes system call `nr` with up to six arguments.
#[inline(always)]
pub fn syscall(nr: usize, a0: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64) -> isize {
    let ret: isize;
    // SAFETY: `syscall` enters the kernel, which validates every argument;
    // it clobbers rcx and r11 and preserves everything else. Memory the
    // kernel writes is named by pointer arguments the wrappers derive from
    // live Rust references.
    unsafe {
        core::arch::asm!(
            "syscall",
            inlateout("rax") nr as isize => ret,
            in("rdi") a0, in("rsi") a1, in("rdx") a2, in("r10") a3, in("r8") a4, in("r9") a5,
            lateout("rcx") _, lateout("r11") _,
            options(nostack),
        );
    }
    ret
}

/// Reads the time-stamp counter (instructions, under QEMU's icount).
#[inline(always)]
pub fn rdtsc() -> u64 {
    // SAFETY: rdtsc has no side effects and is allowed in user mode.
    unsafe { core::arch::x86_64::_rdtsc() }
}
