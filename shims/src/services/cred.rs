//! Credentials (`crget`, `crfree`, `crcopy`, `crdup`, `suser`,
//! `groupmember`) and the per-thread procs that carry them.
use core::ffi::{c_int, c_ushort};

use super::malloc::{free, malloc};
use crate::bsd;

fn alloc_zeroed<T>(mtype: u32) -> *mut T {
    let p = malloc(core::mem::size_of::<T>() as _, mtype as c_int, bsd::M_WAITOK as c_int).cast::<T>();
    // SAFETY: p is a fresh block of size_of::<T>() bytes (M_WAITOK: never null).
    unsafe { core::ptr::write_bytes(p.cast::<u8>(), 0, core::mem::size_of::<T>()) };
    p
}

/// `struct ucred *crget(void)`: a zeroed credential with one reference.
#[export_name = "bsd_crget"]
pub extern "C" fn crget() -> *mut bsd::ucred {
    let cr = alloc_zeroed::<bsd::ucred>(bsd::M_CRED);
    // SAFETY: cr is a fresh, zeroed ucred.
    unsafe { (*cr).cr_ref = 1 };
    cr
}

/// `void crfree(struct ucred *cr)`: drops a reference; frees at zero.
///
/// # Safety
/// `cr` came from crget/crcopy/crdup (or is proc0's, which is never freed
/// because it never reaches zero references).
#[export_name = "bsd_crfree"]
pub unsafe extern "C" fn crfree(cr: *mut bsd::ucred) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        (*cr).cr_ref -= 1;
        if (*cr).cr_ref == 0 {
            free(cr.cast(), bsd::M_CRED as c_int);
        }
    }
}

/// `struct ucred *crdup(struct ucred *cr)`: a private copy with one reference.
///
/// # Safety
/// `cr` is a valid credential.
#[export_name = "bsd_crdup"]
pub unsafe extern "C" fn crdup(cr: *mut bsd::ucred) -> *mut bsd::ucred {
    let new = crget();
    // SAFETY: both are valid ucreds.
    unsafe {
        *new = *cr;
        (*new).cr_ref = 1;
    }
    new
}

/// `struct ucred *crcopy(struct ucred *cr)`: cr itself if unshared, else a
/// copy (dropping the caller's reference to the shared one).
///
/// # Safety
/// `cr` is a valid credential the caller holds a reference to.
#[export_name = "bsd_crcopy"]
pub unsafe extern "C" fn crcopy(cr: *mut bsd::ucred) -> *mut bsd::ucred {
    // SAFETY: guaranteed by the caller.
    unsafe {
        if (*cr).cr_ref == 1 {
            return cr;
        }
        let new = crdup(cr);
        crfree(cr);
        new
    }
}

/// `int suser(struct ucred *cred, u_short *acflag)`: 0 if cred is root.
///
/// # Safety
/// `cred` is valid; `acflag` is null or writable.
#[export_name = "bsd_suser"]
pub unsafe extern "C" fn suser(cred: *mut bsd::ucred, acflag: *mut c_ushort) -> c_int {
    // SAFETY: guaranteed by the caller.
    unsafe {
        if (*cred).cr_uid == 0 {
            if !acflag.is_null() {
                *acflag |= bsd::ASU as c_ushort;
            }
            return 0;
        }
    }
    bsd::EPERM as c_int
}

/// `int groupmember(gid_t gid, struct ucred *cred)`: 1 if cred is in gid.
///
/// # Safety
/// `cred` is valid.
#[export_name = "bsd_groupmember"]
pub unsafe extern "C" fn groupmember(gid: bsd::gid_t, cred: *mut bsd::ucred) -> c_int {
    // SAFETY: guaranteed by the caller.
    let cr = unsafe { &*cred };
    let n = (cr.cr_ngroups.max(0) as usize).min(cr.cr_groups.len());
    c_int::from(cr.cr_groups[..n].contains(&gid))
}

/// Process ids for the procs of threads entering the BSD code (proc0 is
/// 0); distinct, so lockmgr and selrecord can tell the threads apart.
static NEXT_PID: core::sync::atomic::AtomicI32 = core::sync::atomic::AtomicI32::new(2);

/// A new proc for a thread entering the BSD code: its own pid and pcred,
/// a copy of proc0's ucred, and its own (zeroed) resource statistics. Lives as long as the process (threads are few).
pub(crate) fn new_thread_proc() -> *mut bsd::proc_ {
    let p = alloc_zeroed::<bsd::proc_>(bsd::M_PROC);
    let pc = alloc_zeroed::<bsd::pcred>(bsd::M_PROC);
    let stats = alloc_zeroed::<bsd::pstats>(bsd::M_PROC);
    // SAFETY: p and pc are fresh; proc0 and its pcred are initialised C
    // statics, read while the caller holds the giant lock or before any
    // thread writes them.
    unsafe {
        let p0 = core::ptr::addr_of!(bsd::proc0);
        *pc = *(*p0).p_cred;
        (*pc).pc_ucred = crdup((*(*p0).p_cred).pc_ucred);
        (*pc).p_refcnt = 1;
        (*p).p_cred = pc;
        (*p).p_stats = stats;
        (*p).p_pid = NEXT_PID.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
        (*p).p_stat = bsd::SRUN as _;
        (*p).p_comm = (*p0).p_comm;
    }
    p
}

/// Sets the user and group of the calling thread's credentials (the
/// hosted tools act for the invoking user; FUSE for each request's caller).
/// A credential shared with open files is copied first (crcopy), so files
/// keep the credentials they were opened with.
pub fn set_thread_ids(uid: u32, gid: u32) {
    super::sched::with_giant(|| {
        // SAFETY: curproc is this thread's proc while we hold giant, and its
        // pcred is private to it (made in new_thread_proc).
        unsafe {
            let pc = (*bsd::curproc).p_cred;
            let cr = (*pc).pc_ucred;
            if (*cr).cr_uid == uid && (*cr).cr_groups[0] == gid && (*cr).cr_ngroups == 1 {
                return;
            }
            let cr = crcopy(cr);
            (*pc).pc_ucred = cr;
            (*cr).cr_uid = uid;
            (*cr).cr_groups[0] = gid;
            (*cr).cr_ngroups = 1;
            (*pc).p_ruid = uid;
            (*pc).p_rgid = gid;
        }
    })
}
