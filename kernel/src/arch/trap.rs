//! Trap entry: the IDT, the assembly stubs that save a [`TrapFrame`], and
//! the return path shared by traps, new processes and forked children.
//!
//! Every vector has a stub that pushes an error code (0 when the CPU does
//! not push one) and its vector number, then jumps to `trap_common`, which
//! saves the general registers and calls [`crate::trap::dispatch`].

use core::cell::UnsafeCell;
use x86_64::structures::idt::InterruptDescriptorTable;
use x86_64::VirtAddr;

/// The registers saved on the kernel stack at a trap or system call.
/// `syscall_entry` builds the same layout, so a process's saved user state
/// always has this shape.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TrapFrame {
    pub r15: u64,
    pub r14: u64,
    pub r13: u64,
    pub r12: u64,
    pub r11: u64,
    pub r10: u64,
    pub r9: u64,
    pub r8: u64,
    pub rbp: u64,
    pub rdi: u64,
    pub rsi: u64,
    pub rdx: u64,
    pub rcx: u64,
    pub rbx: u64,
    pub rax: u64,
    pub vector: u64,
    pub error_code: u64,
    pub rip: u64,
    pub cs: u64,
    pub rflags: u64,
    pub rsp: u64,
    pub ss: u64,
}

impl TrapFrame {
    /// True if the trap came from ring 3.
    pub fn came_from_user(&self) -> bool {
        self.cs & 3 == 3
    }
}

/// Vectors with a stub: the 32 exceptions, IRQs 32..64, and the spurious
/// vector.
pub const SPURIOUS_VECTOR: u8 = 0xff;

/// Number of IDT vectors with a stub: see `STUB_VECTORS`.
const STUB_COUNT: usize = 65;

// One stub per vector: exceptions 0..32, IRQ vectors 32..64, and 255.
// Vectors whose exception pushes an error code skip the `push 0`.
core::arch::global_asm!(
    r#"
    .macro trap_stub vec, has_error
    .global trap_stub_\vec
trap_stub_\vec:
    .if \has_error == 0
    push 0
    .endif
    push \vec
    jmp trap_common
    .endm

    .irp v, 0,1,2,3,4,5,6,7,9,15,16,18,19,20,22,23,24,25,26,27,28,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,255
    trap_stub \v, 0
    .endr
    .irp v, 8,10,11,12,13,14,17,21,29,30
    trap_stub \v, 1
    .endr

    .section .rodata
    .balign 8
    .global trap_stub_table
trap_stub_table:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,255
    .quad trap_stub_\v
    .endr
    .text
    "#
);

extern "C" {
    /// Addresses of the stubs, in the order of `STUB_VECTORS`.
    static trap_stub_table: [u64; STUB_COUNT];
}

/// The vector each entry of `trap_stub_table` serves.
fn stub_vector(i: usize) -> u8 {
    if i < 64 { i as u8 } else { SPURIOUS_VECTOR }
}

core::arch::global_asm!(
    concat!(r#"
    .global trap_common
trap_common:
"#, push_gprs!(), r#"
    cld
    mov rdi, rsp
    call {dispatch}
    .global trap_return
trap_return:
"#, pop_gprs!(), r#"
    add rsp, 16
    iretq
    "#),
    dispatch = sym crate::trap::dispatch,
);

extern "C" {
    /// Pops a [`TrapFrame`] from the stack and returns to it with `iretq`.
    pub fn trap_return();
}

struct Idt(UnsafeCell<InterruptDescriptorTable>);
// SAFETY: written once during init on the only CPU, then only read by it.
unsafe impl Sync for Idt {}
static IDT: Idt = Idt(UnsafeCell::new(InterruptDescriptorTable::new()));

/// Fills and loads the IDT.
pub fn init() {
    // SAFETY: runs once at boot before interrupts are enabled; nothing else
    // references the IDT yet. Each address is a stub defined above, which
    // saves a TrapFrame and never returns to the caller's frame directly.
    unsafe {
        let idt = &mut *IDT.0.get();
        macro_rules! exception {
            ($($field:ident = $vec:literal),*) => {
                $( idt.$field.set_handler_addr(VirtAddr::new(trap_stub_table[$vec])); )*
            };
        }
        exception!(divide_error = 0, debug = 1, non_maskable_interrupt = 2, breakpoint = 3,
            overflow = 4, bound_range_exceeded = 5, invalid_opcode = 6, device_not_available = 7,
            invalid_tss = 10, segment_not_present = 11, stack_segment_fault = 12,
            general_protection_fault = 13, page_fault = 14, x87_floating_point = 16,
            alignment_check = 17, machine_check = 18, simd_floating_point = 19, virtualization = 20,
            cp_protection_exception = 21, hv_injection_exception = 28,
            vmm_communication_exception = 29, security_exception = 30);
        idt.double_fault
            .set_handler_addr(VirtAddr::new(trap_stub_table[8]))
            .set_stack_index(super::gdt::DOUBLE_FAULT_IST);
        for i in 32..STUB_COUNT {
            idt[stub_vector(i)].set_handler_addr(VirtAddr::new(trap_stub_table[i]));
        }
        (*IDT.0.get()).load_unsafe();
    }
}
