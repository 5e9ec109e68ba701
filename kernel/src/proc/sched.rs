//! Applying the scheduling policy: switching kernel stacks, address
//! spaces, the TSS stack and the I/O bitmap. The policy itself (which
//! process runs next) is `molt_kernel_logic::sched`.
//!
//! Invariant: the running process is not in the policy's runnable set;
//! it goes back with `yield_` (preemption) or `wake` (after blocking).

use molt_kernel_logic::sched::Policy as _;
use super::KERNEL;
use crate::arch::{gdt, switch, syscall};
use crate::mem::paging;
use molt_kernel_logic::privilege::{PortRange, MAX_PORT_RANGES};

/// Blocks the running process; `handoff`, a process it just made ready to
/// run (not yet woken), gets the CPU directly if the policy agrees, and is
/// woken normally otherwise.
pub fn block_and_run(handoff: Option<usize>) {
    let k = KERNEL.get();
    let Some(cur) = k.current else { return };
    if let Some(to) = handoff {
        if k.sched.handoff(cur, to) {
            switch_to(Some(to));
            return;
        }
        k.sched.wake(to);
    }
    k.sched.block(cur);
    schedule();
}

/// Gives the CPU to the next runnable process (or the idle loop), once the
/// running process was handed back to the policy (`block` or `yield_`).
/// Returns when the caller is scheduled again.
fn schedule() {
    let k = KERNEL.get();
    let next = k.sched.pick_next();
    if next.is_some() && next == k.current {
        return;
    }
    switch_to(next);
}

/// Puts the running process back in the runnable set and schedules.
pub fn preempt() {
    let k = KERNEL.get();
    if let Some(cur) = k.current {
        k.sched.yield_(cur);
        schedule();
    }
}

/// Makes a blocked process runnable.
pub fn wake(slot: usize) {
    KERNEL.get().sched.wake(slot);
}

/// Lets a process just woken displace the running one, if the policy
/// says it should (a higher priority, under the priority policy).
pub fn preempt_if_needed() {
    let k = KERNEL.get();
    if let Some(cur) = k.current {
        if k.sched.should_preempt(cur) {
            preempt();
        }
    }
}

/// Ends the running process's claim on the CPU for good (it exited).
pub fn exit_and_schedule() -> ! {
    let k = KERNEL.get();
    if let Some(cur) = k.current {
        k.sched.remove(cur);
    }
    schedule();
    unreachable!("an exited process was scheduled again");
}

/// Switches from whatever runs now to `next` (`None`: the idle loop).
fn switch_to(next: Option<usize>) {
    let k = KERNEL.get();
    if let Some(dead) = k.reap_pending.take() {
        if Some(dead) != k.current {
            k.procs[dead] = None;
        } else {
            k.reap_pending = Some(dead);
        }
    }
    let now = crate::time::tsc_since_boot();
    let prev = k.current;
    if let Some(p) = prev.and_then(|s| k.procs[s].as_deref_mut()) {
        p.cpu_tsc += now.saturating_sub(k.last_switch_tsc);
    }
    k.last_switch_tsc = now;

    let save: *mut u64 = match prev.and_then(|s| k.procs[s].as_deref_mut()) {
        Some(p) => &mut p.saved_rsp,
        None => &mut k.idle_rsp,
    };
    let new_rsp = match next {
        Some(n) => {
            let p = k.procs[n].as_deref_mut().expect("the policy only runs live processes");
            gdt::set_kernel_stack(p.kstack_top());
            syscall::set_kernel_stack(p.kstack_top());
            if let Some(space) = &p.space {
                paging::activate(space.root());
            }
            let want = p.has_io_ports.then_some((p.privileges.id, p.privileges.io_ports));
            let rsp = p.saved_rsp;
            switch_io_ports(k, want);
            rsp
        }
        None => {
            switch_io_ports(k, None);
            k.idle_rsp
        }
    };
    k.current = next;
    if prev.is_none() && next.is_none() {
        return;
    }
    // SAFETY: new_rsp was saved by `switch` on a stack that is still
    // allocated (processes keep their stack until reaped, which never
    // happens to the process being switched to), or prepared by
    // `start_user`. No reference into KERNEL is held across the call.
    unsafe { switch::switch(save, new_rsp) };
}

/// Opens the I/O ports of the process about to run in the TSS bitmap
/// (and closes the previous owner's). Processes with the same privilege
/// id have the same ports, so switching among them costs nothing.
fn switch_io_ports(k: &mut super::Kernel, want: Option<(u8, [PortRange; MAX_PORT_RANGES])>) {
    if want.map(|w| w.0) == k.io_open.map(|o| o.0) {
        return;
    }
    if let Some((_, ranges)) = k.io_open {
        for r in ranges.iter().filter(|r| !r.is_empty()) {
            gdt::set_io_ports(r.first, r.last, false);
        }
    }
    if let Some((_, ranges)) = want {
        for r in ranges.iter().filter(|r| !r.is_empty()) {
            gdt::set_io_ports(r.first, r.last, true);
        }
    }
    k.io_open = want;
}

/// The idle loop, on the boot stack: run whatever is runnable, otherwise
/// wait for an interrupt.
pub fn idle_loop() -> ! {
    loop {
        let next = KERNEL.get().sched.pick_next();
        match next {
            Some(n) => {
                let k = KERNEL.get();
                k.current = None;
                switch_to(Some(n));
            }
            None => x86_64::instructions::interrupts::enable_and_hlt(),
        }
        x86_64::instructions::interrupts::disable();
    }
}
