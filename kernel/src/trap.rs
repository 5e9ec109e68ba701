//! What traps mean: CPU exceptions, the timer tick and device IRQs.
//!
//! An exception in user mode ends only the faulting process: it is
//! reported with vector, error code, RIP, CR2 and the process's name, and
//! the exit watcher is told. An exception in the kernel is a kernel bug:
//! full register dump, then halt.

use molt_kernel_logic::sched::Policy as _;
use crate::arch::apic::{self, IRQ_VECTOR_BASE, TIMER_VECTOR};
use crate::arch::trap::{TrapFrame, SPURIOUS_VECTOR};
use crate::proc::{lifecycle, sched, KERNEL};

const NAMES: [&str; 32] = [
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
    "#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor overrun",
    "#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved", "#MF x87 error", "#AC alignment check", "#MC machine check",
    "#XM SIMD error", "#VE virtualization", "#CP control protection", "reserved", "reserved",
    "reserved", "reserved", "reserved", "reserved", "#HV hypervisor injection",
    "#VC VMM communication", "#SX security", "reserved",
];

fn cr2() -> u64 {
    x86_64::registers::control::Cr2::read_raw()
}

/// Called by `trap_common` with the saved frame.
///
/// # Safety
/// `frame` points at the TrapFrame `trap_common` just pushed.
pub unsafe extern "C" fn dispatch(frame: *mut TrapFrame) {
    // SAFETY: the stub passes its own stack frame; it stays valid until
    // this function returns, and nothing else refers to it meanwhile
    // except through `user_frame` after a switch, which we do not race.
    let frame = unsafe { &*frame };
    handle(frame.vector, frame.came_from_user(), frame);
}

fn handle(vector: u64, from_user: bool, frame: &TrapFrame) {
    match vector {
        v if v < 32 => exception(frame, from_user),
        v if v == u64::from(TIMER_VECTOR) => {
            apic::eoi();
            tick(from_user);
        }
        v if v == u64::from(SPURIOUS_VECTOR) => {}
        v if (u64::from(IRQ_VECTOR_BASE)..u64::from(IRQ_VECTOR_BASE) + 16).contains(&v) => {
            crate::irq::fire((v - u64::from(IRQ_VECTOR_BASE)) as u8);
            if from_user {
                sched::preempt_if_needed();
            }
        }
        _ => apic::eoi(),
    }
}

/// The scheduler tick: alarms, then the policy's word on preemption.
fn tick(from_user: bool) {
    let k = KERNEL.get();
    let now = crate::time::uptime_ns();
    for slot in 0..k.procs.len() {
        let due = matches!(k.procs[slot].as_deref(), Some(p) if p.alarm_at.is_some_and(|t| t <= now));
        if due {
            if let Some(p) = k.procs[slot].as_deref_mut() {
                p.alarm_at = None;
            }
            let outcome = k.ipc.notify_kernel(slot, molt_abi::message::NOTIFY_ALARM);
            crate::ipc::deliver_notification(k, outcome);
        }
    }
    if let (true, Some(cur)) = (from_user, k.current) {
        if k.sched.tick(cur, crate::time::TICK_NS) {
            sched::preempt();
        }
    }
}

fn exception(frame: &TrapFrame, from_user: bool) {
    let name = NAMES[frame.vector as usize];
    if from_user {
        let k = KERNEL.get();
        let (who, ep) = k.current.and_then(|s| k.procs[s].as_deref()).map_or(("?", 0), |p| (p.name.as_str(), p.endpoint.0));
        crate::kprintln!(
            "molt: process {who} (endpoint {ep:#x}) killed by exception {} ({name}): error {:#x} rip {:#x} cr2 {:#x}",
            frame.vector, frame.error_code, frame.rip, cr2()
        );
        lifecycle::exit_current(lifecycle::EXIT_FAULT | frame.vector as i64);
    }
    kernel_fault(frame, name);
}

fn kernel_fault(f: &TrapFrame, name: &str) -> ! {
    use core::fmt::Write as _;
    let mut s = crate::serial::emergency();
    let who = KERNEL
        .try_get()
        .and_then(|k| k.current.and_then(|c| k.procs[c].as_deref()))
        .map_or("none", |p| p.name.as_str());
    let _ = writeln!(s, "KERNEL FAULT: exception {} ({name}) error {:#x} in the kernel (current process: {who})", f.vector, f.error_code);
    let _ = writeln!(s, "  rip {:#018x} cs {:#x} rflags {:#x} rsp {:#018x} ss {:#x} cr2 {:#018x}", f.rip, f.cs, f.rflags, f.rsp, f.ss, cr2());
    let _ = writeln!(s, "  rax {:#018x} rbx {:#018x} rcx {:#018x} rdx {:#018x}", f.rax, f.rbx, f.rcx, f.rdx);
    let _ = writeln!(s, "  rsi {:#018x} rdi {:#018x} rbp {:#018x} r8  {:#018x}", f.rsi, f.rdi, f.rbp, f.r8);
    let _ = writeln!(s, "  r9  {:#018x} r10 {:#018x} r11 {:#018x} r12 {:#018x}", f.r9, f.r10, f.r11, f.r12);
    let _ = writeln!(s, "  r13 {:#018x} r14 {:#018x} r15 {:#018x}", f.r13, f.r14, f.r15);
    let _ = writeln!(s, "halted.");
    drop(s);
    crate::arch::halt_forever();
}
