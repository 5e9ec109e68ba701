//! PVH entry: from 32-bit protected mode to the higher-half kernel.
//!
//! QEMU starts us at `pvh_start32` with paging off, interrupts off and the
//! physical address of the `hvm_start_info` in `ebx`. The code below builds
//! temporary page tables in `.boot.bss`, turns on long mode and jumps to
//! `kmain` in the higher half. The temporary tables map:
//! - the first 4 GiB at virtual 0 (identity, only for the jump),
//! - the first 4 GiB at [`crate::mem::PHYS_OFFSET`] (the direct map),
//! - the first 1 GiB at `KERNEL_VMA` (the kernel image).
//!
//! `mem::paging::init` replaces them with 4 KiB-grained tables (with NX on
//! data) as soon as Rust runs.

/// Size of the boot stack `kmain` runs on; it becomes the idle thread's.
pub const BOOT_STACK_SIZE: usize = 256 * 1024;

core::arch::global_asm!(
    r#"
    .section .note.Xen, "a"
    .balign 4
    .long 4                     /* name size: "Xen\0" */
    .long 8                     /* descriptor size: 64-bit entry address */
    .long 18                    /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .balign 4
    .quad pvh_start32

    .section .boot.bss, "aw", @nobits
    .balign 4096
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096 * 4

    .section .boot.data, "aw"
    .balign 8
    .global boot_entry_tsc
boot_entry_tsc: .quad 0
    .balign 16
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff    /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff    /* 0x10: data */
boot_gdt_end:
boot_gdtr:
    .word boot_gdt_end - boot_gdt - 1
    .quad boot_gdt

    .section .boot.text, "ax"
    .code32
    .global pvh_start32
pvh_start32:
    cli
    mov esi, ebx
    rdtsc
    mov [boot_entry_tsc], eax
    mov [boot_entry_tsc + 4], edx

    /* Four page directories of 2 MiB pages cover 0..4 GiB; the last GiB
       holds the APIC windows, so it is mapped uncached. */
    lea edi, [boot_pd]
    xor ecx, ecx
2:
    mov eax, ecx
    shl eax, 21
    or eax, 0x83                /* present, writable, 2 MiB */
    cmp ecx, 3 * 512
    jb 3f
    or eax, 0x18                /* PWT | PCD */
3:
    mov [edi + ecx * 8], eax
    mov eax, ecx
    shr eax, 11                 /* bits 32.. of (ecx << 21) */
    mov [edi + ecx * 8 + 4], eax
    inc ecx
    cmp ecx, 4 * 512
    jb 2b

    /* pdpt_low[0..4] -> the four directories */
    lea edi, [boot_pdpt_low]
    lea eax, [boot_pd + 3]
    mov [edi], eax
    add eax, 4096
    mov [edi + 8], eax
    add eax, 4096
    mov [edi + 16], eax
    add eax, 4096
    mov [edi + 24], eax

    /* pdpt_high[510] -> first directory (kernel image at -2 GiB) */
    lea edi, [boot_pdpt_high]
    lea eax, [boot_pd + 3]
    mov [edi + 510 * 8], eax

    lea edi, [boot_pml4]
    lea eax, [boot_pdpt_low + 3]
    mov [edi], eax              /* identity */
    mov [edi + 256 * 8], eax    /* direct map */
    lea eax, [boot_pdpt_high + 3]
    mov [edi + 511 * 8], eax    /* kernel image */

    mov eax, cr4
    or eax, 0x20 | 0x200 | 0x400 /* PAE, OSFXSR, OSXMMEXCPT */
    mov cr4, eax
    lea eax, [boot_pml4]
    mov cr3, eax
    mov ecx, 0xc0000080         /* EFER */
    rdmsr
    or eax, 0x100 | 0x800 | 0x1 /* LME, NXE, SCE */
    wrmsr
    mov eax, cr0
    and eax, ~0x4               /* no x87 emulation */
    or eax, 0x80010023          /* PG, WP, NE, MP, PE */
    mov cr0, eax

    lgdt [boot_gdtr]
    push 0x08
    lea eax, [boot_long_mode]
    push eax
    retf

    .code64
boot_long_mode:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor ax, ax
    mov fs, ax
    mov gs, ax
    movabs rax, offset boot_higher_half
    jmp rax

    .text
boot_higher_half:
    movabs rsp, offset {stack} + {stack_size}
    xor ebp, ebp
    mov edi, esi                /* physical address of hvm_start_info */
    call {kmain}
4:
    cli
    hlt
    jmp 4b
    "#,
    stack = sym BOOT_STACK,
    stack_size = const BOOT_STACK_SIZE,
    kmain = sym crate::kmain,
);

extern "C" {
    /// The TSC at the first kernel instruction, stored by `pvh_start32`.
    static boot_entry_tsc: u64;
}

/// The TSC at the first kernel instruction. Only valid before
/// `mem::paging::init`, which unmaps the identity-mapped `.boot` sections.
pub fn entry_tsc() -> u64 {
    // SAFETY: written once by the entry code before any Rust runs; read
    // while the boot page tables still map it (see the function doc).
    unsafe { core::ptr::read_volatile(core::ptr::addr_of!(boot_entry_tsc)) }
}

#[repr(C, align(16))]
pub struct BootStack(pub [u8; BOOT_STACK_SIZE]);

/// The stack `kmain` starts on.
pub static mut BOOT_STACK: BootStack = BootStack([0; BOOT_STACK_SIZE]);
