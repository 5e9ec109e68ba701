//! The GDT and the TSS.
//!
//! Segment order is fixed by `syscall`/`sysret`: kernel code, kernel data,
//! user data, user code, then the TSS. The TSS carries the kernel stack
//! for traps from user mode (`rsp0`, switched with every process), an IST
//! stack for double faults, and the I/O permission bitmap through which a
//! process's privilege record grants it I/O ports.

use core::cell::UnsafeCell;
use x86_64::instructions::segmentation::{Segment, CS, DS, ES, SS};
use x86_64::instructions::tables::load_tss;
use x86_64::registers::segmentation::SegmentSelector;
use x86_64::structures::gdt::{Descriptor, GlobalDescriptorTable};
use x86_64::structures::tss::TaskStateSegment;
use x86_64::{PrivilegeLevel, VirtAddr};

pub const KERNEL_CS: u16 = 0x08;
pub const KERNEL_DS: u16 = 0x10;
pub const USER_DS: u16 = 0x18 | 3;
pub const USER_CS: u16 = 0x20 | 3;

/// The IST slot the double-fault handler runs on.
pub const DOUBLE_FAULT_IST: u16 = 0;
const IST_STACK_SIZE: usize = 16 * 1024;
/// Bytes of I/O bitmap: one bit per port, plus the terminating 0xff byte.
const IOMAP_BYTES: usize = 65536 / 8 + 1;

#[repr(C, align(16))]
struct Tss {
    tss: TaskStateSegment,
    iomap: [u8; IOMAP_BYTES],
}

/// Kernel-global tables. One CPU, and the kernel runs with interrupts off,
/// so plain interior mutability is enough.
struct Tables {
    gdt: UnsafeCell<GlobalDescriptorTable>,
    tss: UnsafeCell<Tss>,
    df_stack: UnsafeCell<[u8; IST_STACK_SIZE]>,
}

// SAFETY: one CPU; the tables are written only during init and by the
// scheduler with interrupts disabled.
unsafe impl Sync for Tables {}

static TABLES: Tables = Tables {
    gdt: UnsafeCell::new(GlobalDescriptorTable::new()),
    tss: UnsafeCell::new(Tss { tss: TaskStateSegment::new(), iomap: [0xff; IOMAP_BYTES] }),
    df_stack: UnsafeCell::new([0; IST_STACK_SIZE]),
};

/// Builds the TSS descriptor by hand: the limit must cover the I/O bitmap,
/// which `Descriptor::tss_segment` does not allow for a mutable bitmap.
fn tss_descriptor(base: u64, limit: u64) -> Descriptor {
    let mut low = 0u64;
    low |= limit & 0xffff;
    low |= (base & 0xff_ffff) << 16;
    low |= 0x89 << 40; // present, 64-bit TSS (available)
    low |= ((limit >> 16) & 0xf) << 48;
    low |= ((base >> 24) & 0xff) << 56;
    Descriptor::SystemSegment(low, base >> 32)
}

/// Loads the GDT, the segment registers and the TSS.
pub fn init() {
    let tss_ptr = TABLES.tss.get();
    // SAFETY: init runs once, on one CPU, before anything else touches the
    // tables; the references do not outlive this function.
    unsafe {
        let tss = &mut *tss_ptr;
        tss.tss.iomap_base = core::mem::offset_of!(Tss, iomap) as u16;
        let df_top = TABLES.df_stack.get() as u64 + IST_STACK_SIZE as u64;
        tss.tss.interrupt_stack_table[DOUBLE_FAULT_IST as usize] = VirtAddr::new(df_top);
        let gdt = &mut *TABLES.gdt.get();
        gdt.append(Descriptor::kernel_code_segment());
        gdt.append(Descriptor::kernel_data_segment());
        gdt.append(Descriptor::user_data_segment());
        gdt.append(Descriptor::user_code_segment());
        let tss_sel = gdt.append(tss_descriptor(tss_ptr as u64, core::mem::size_of::<Tss>() as u64 - 1));
        (*TABLES.gdt.get()).load_unsafe();
        CS::set_reg(SegmentSelector::new(KERNEL_CS >> 3, PrivilegeLevel::Ring0));
        DS::set_reg(SegmentSelector::new(KERNEL_DS >> 3, PrivilegeLevel::Ring0));
        ES::set_reg(SegmentSelector::new(KERNEL_DS >> 3, PrivilegeLevel::Ring0));
        SS::set_reg(SegmentSelector::new(KERNEL_DS >> 3, PrivilegeLevel::Ring0));
        load_tss(tss_sel);
    }
}

/// Sets the stack the CPU switches to on a trap from user mode.
pub fn set_kernel_stack(top: u64) {
    // SAFETY: one CPU, interrupts off; only this field is written.
    unsafe { (*TABLES.tss.get()).tss.privilege_stack_table[0] = VirtAddr::new_truncate(top) };
}

/// Opens (`allow`) or closes the ports `first..=last` to user mode.
pub fn set_io_ports(first: u16, last: u16, allow: bool) {
    // SAFETY: one CPU, interrupts off; the bitmap is only read by the CPU
    // while in user mode.
    let iomap = unsafe { &mut (*TABLES.tss.get()).iomap };
    for port in first..=last {
        let (byte, bit) = (port as usize / 8, port % 8);
        if allow {
            iomap[byte] &= !(1 << bit);
        } else {
            iomap[byte] |= 1 << bit;
        }
    }
}
