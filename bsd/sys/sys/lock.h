/*
 * lock.h - sleep locks (Lite2's lockmgr interface) and simple locks.
 *
 * A struct lock is a sleeping shared/exclusive lock for a vnode or other
 * object that a thread may hold across a tsleep.  lockmgr(lkp, flags,
 * interlock, p) acquires, upgrades, downgrades, releases or drains it;
 * the holder is named by pid (LK_KERNPROC without a proc).  All of it
 * runs under the giant lock, so the lock's own fields need no interlock:
 * simple locks, which guard such fields on a multiprocessor, are no-ops
 * on this one virtual CPU, as in Lite2's uniprocessor build.
 */
#ifndef _SYS_LOCK_H_
#define _SYS_LOCK_H_

#include <sys/types.h>

struct simplelock {
	int	lock_data;		/* unused on one CPU */
};

#define simple_lock_init(alp)	((void)(alp))
#define simple_lock(alp)	((void)(alp))
#define simple_lock_try(alp)	((void)(alp), 1)	/* always succeeds */
#define simple_unlock(alp)	((void)(alp))

struct lock {
	struct	simplelock lk_interlock; /* lock on remaining fields */
	u_int	lk_flags;		/* LK_* state and external flags */
	int	lk_sharecount;		/* shared locks granted */
	int	lk_waitcount;		/* threads sleeping for the lock */
	short	lk_exclusivecount;	/* recursive exclusive locks held */
	short	lk_prio;		/* tsleep priority */
	char	*lk_wmesg;		/* tsleep message */
	int	lk_timo;		/* tsleep timeout in ticks (0: none) */
	pid_t	lk_lockholder;		/* pid of the exclusive holder */
};

/* Request types (flags & LK_TYPE_MASK). */
#define LK_TYPE_MASK	0x0000000f
#define LK_SHARED	0x00000001	/* one of many shared locks */
#define LK_EXCLUSIVE	0x00000002	/* the one exclusive lock */
#define LK_UPGRADE	0x00000003	/* shared to exclusive */
#define LK_EXCLUPGRADE	0x00000004	/* shared to exclusive, first upgrader only */
#define LK_DOWNGRADE	0x00000005	/* exclusive to shared */
#define LK_RELEASE	0x00000006	/* release one hold */
#define LK_DRAIN	0x00000007	/* wait for all activity, then retire */
/* External flags, in lockinit or in a request. */
#define LK_EXTFLG_MASK	0x00000070
#define LK_NOWAIT	0x00000010	/* EBUSY instead of sleeping */
#define LK_SLEEPFAIL	0x00000020	/* ENOLCK after any sleep */
#define LK_CANRECURSE	0x00000040	/* exclusive holder may lock again */
/* Internal state. */
#define LK_WANT_UPGRADE	0x00000100	/* a sharer waits to upgrade */
#define LK_WANT_EXCL	0x00000200	/* an exclusive lock is sought */
#define LK_HAVE_EXCL	0x00000400	/* an exclusive lock is held */
#define LK_WAITDRAIN	0x00000800	/* a drainer waits */
#define LK_DRAINING	0x00004000	/* being drained */
#define LK_DRAINED	0x00008000	/* retired: every request fails */
/* Request-only flags. */
#define LK_INTERLOCK	0x00010000	/* release the interlock passed in */
#define LK_RETRY	0x00020000	/* vn_lock: retry until locked */

#define LK_KERNPROC	((pid_t)-2)	/* holder without a proc */
#define LK_NOPROC	((pid_t)-1)	/* no holder */

#ifdef _KERNEL
struct proc;
void	lockinit(struct lock *lkp, int prio, char *wmesg, int timo, int flags);
int	lockmgr(__volatile struct lock *lkp, u_int flags, struct simplelock *interlkp, struct proc *p);
int	lockstatus(struct lock *lkp);
#endif

#endif /* !_SYS_LOCK_H_ */
