/*
 * kern_lock.c - lockmgr: shared/exclusive sleep locks (Lite2's interface).
 *
 * Runs under the giant lock on one virtual CPU, so the lock's fields are
 * never raced; a request that cannot be granted sleeps on the lock with
 * its priority, message and timeout and tries again when woken.  Rules:
 * a shared request waits while an exclusive lock is held or wanted (so
 * writers are not starved); an exclusive request waits for every other
 * hold to go; the exclusive holder may lock again only with
 * LK_CANRECURSE (otherwise EDEADLK, where Lite2 panics: a caller's
 * mistake should not stop the system); LK_NOWAIT turns a wait into
 * EBUSY, LK_SLEEPFAIL a finished wait into ENOLCK; a drained lock refuses
 * everything with ENOENT.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/lock.h>

void
lockinit(struct lock *lkp, int prio, char *wmesg, int timo, int flags)
{
	bzero(lkp, sizeof(*lkp));
	lkp->lk_flags = flags & LK_EXTFLG_MASK;
	lkp->lk_prio = prio;
	lkp->lk_wmesg = wmesg;
	lkp->lk_timo = timo;
	lkp->lk_lockholder = LK_NOPROC;
}

/* LK_SHARED or LK_EXCLUSIVE for the hold now on lkp, or 0. */
int
lockstatus(struct lock *lkp)
{
	if (lkp->lk_exclusivecount != 0)
		return LK_EXCLUSIVE;
	if (lkp->lk_sharecount != 0)
		return LK_SHARED;
	return 0;
}

/*
 * Wait until busy() is false, unless the request forbids it.  Returns 0
 * once it is false, or the error the request gets.
 */
static int
lock_wait(struct lock *lkp, u_int extflags, int (*busy)(struct lock *, pid_t), pid_t pid)
{
	int error;

	while (busy(lkp, pid)) {
		if (extflags & LK_NOWAIT)
			return EBUSY;
		lkp->lk_waitcount++;
		error = tsleep((void *)lkp, lkp->lk_prio, lkp->lk_wmesg, lkp->lk_timo);
		lkp->lk_waitcount--;
		if (error)
			return error;
		if (extflags & LK_SLEEPFAIL)
			return ENOLCK;
		if (lkp->lk_flags & LK_DRAINED)
			return ENOENT;
	}
	return 0;
}

static int
shared_blocked(struct lock *lkp, pid_t pid)
{
	(void)pid;
	return (lkp->lk_flags & (LK_HAVE_EXCL | LK_WANT_EXCL | LK_WANT_UPGRADE)) != 0;
}

static int
exclusive_blocked(struct lock *lkp, pid_t pid)
{
	(void)pid;
	return (lkp->lk_flags & LK_HAVE_EXCL) != 0 || lkp->lk_sharecount != 0;
}

static int
drain_blocked(struct lock *lkp, pid_t pid)
{
	(void)pid;
	return lockstatus(lkp) != 0 || lkp->lk_waitcount != 0;
}

static void
lock_wake(struct lock *lkp)
{
	if (lkp->lk_waitcount || (lkp->lk_flags & LK_WAITDRAIN))
		wakeup((void *)lkp);
}

/* Take the exclusive lock for pid (no other hold remains). */
static int
lock_exclusive(struct lock *lkp, u_int extflags, pid_t pid)
{
	int error;

	lkp->lk_flags |= LK_WANT_EXCL;
	error = lock_wait(lkp, extflags, exclusive_blocked, pid);
	lkp->lk_flags &= ~LK_WANT_EXCL;
	if (error) {
		lock_wake(lkp);
		return error;
	}
	lkp->lk_flags |= LK_HAVE_EXCL;
	lkp->lk_lockholder = pid;
	lkp->lk_exclusivecount = 1;
	return 0;
}

/* The exclusive holder locks again: only with LK_CANRECURSE. */
static int
lock_recurse(struct lock *lkp, u_int extflags)
{
	if ((extflags & LK_CANRECURSE) == 0)
		return EDEADLK;
	lkp->lk_exclusivecount++;
	return 0;
}

int
lockmgr(__volatile struct lock *vlkp, u_int flags, struct simplelock *interlkp, struct proc *p)
{
	struct lock *lkp = (struct lock *)vlkp;
	pid_t pid = p != NULL ? p->p_pid : LK_KERNPROC;
	u_int extflags = (flags | lkp->lk_flags) & LK_EXTFLG_MASK;
	int error = 0;

	if (flags & LK_INTERLOCK)
		simple_unlock(interlkp);
	if (lkp->lk_flags & LK_DRAINED)
		return ENOENT;
	switch (flags & LK_TYPE_MASK) {
	case LK_SHARED:
		/* the exclusive holder's shared request counts as a recursion */
		if ((lkp->lk_flags & LK_HAVE_EXCL) && lkp->lk_lockholder == pid)
			return lock_recurse(lkp, extflags);
		if ((error = lock_wait(lkp, extflags, shared_blocked, pid)) == 0)
			lkp->lk_sharecount++;
		return error;

	case LK_EXCLUSIVE:
		if ((lkp->lk_flags & LK_HAVE_EXCL) && lkp->lk_lockholder == pid)
			return lock_recurse(lkp, extflags);
		return lock_exclusive(lkp, extflags, pid);

	case LK_DOWNGRADE:
		if ((lkp->lk_flags & LK_HAVE_EXCL) == 0 || lkp->lk_lockholder != pid)
			return EPERM;
		lkp->lk_sharecount += lkp->lk_exclusivecount;
		lkp->lk_exclusivecount = 0;
		lkp->lk_flags &= ~LK_HAVE_EXCL;
		lkp->lk_lockholder = LK_NOPROC;
		lock_wake(lkp);
		return 0;

	case LK_EXCLUPGRADE:
		if (lkp->lk_flags & LK_WANT_UPGRADE)
			return EBUSY;
		/* FALLTHROUGH */
	case LK_UPGRADE:
		if (lkp->lk_sharecount <= 0)
			return EPERM;
		lkp->lk_sharecount--;
		lkp->lk_flags |= LK_WANT_UPGRADE;
		error = lock_exclusive(lkp, extflags, pid);
		lkp->lk_flags &= ~LK_WANT_UPGRADE;
		lock_wake(lkp);
		return error;	/* on failure the shared hold is given up, as in Lite2 */

	case LK_RELEASE:
		if (lkp->lk_exclusivecount != 0) {
			if (lkp->lk_lockholder != pid)
				return EPERM;
			if (--lkp->lk_exclusivecount == 0) {
				lkp->lk_flags &= ~LK_HAVE_EXCL;
				lkp->lk_lockholder = LK_NOPROC;
			}
		} else if (lkp->lk_sharecount != 0)
			lkp->lk_sharecount--;
		else
			return EPERM;
		lock_wake(lkp);
		return 0;

	case LK_DRAIN:
		lkp->lk_flags |= LK_DRAINING | LK_WAITDRAIN;
		error = lock_wait(lkp, extflags, drain_blocked, pid);
		lkp->lk_flags &= ~(LK_DRAINING | LK_WAITDRAIN);
		if (error == 0)
			lkp->lk_flags |= LK_DRAINED;
		lock_wake(lkp);
		return error;

	default:
		return EINVAL;
	}
}
