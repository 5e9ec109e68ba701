//! The return path from a signal handler: the kernel makes a handler
//! return into [`restorer`], which asks the kernel to resume what the
//! signal interrupted.

use molt_abi::kcall::KC_SIGRETURN;
use molt_abi::syscall::SYS_KCALL;

/// Where signal handlers return to. Never returns itself.
pub extern "C" fn restorer() -> ! {
    // On success sigreturn resumes the interrupted code and never comes
    // back here; it fails only if no signal frame exists (or the process
    // may not make the call).
    crate::raw::syscall(SYS_KCALL, KC_SIGRETURN as u64, 0, 0, 0, 0, 0);
    crate::kcall::exit(102)
}
