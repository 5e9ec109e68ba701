/*
 * kern_sig.c - posting signals from the BSD code (Lite2's psignal and
 * gsignal).
 *
 * The BSD code signals a process when a socket gets urgent data (SIGURG)
 * or becomes ready for asynchronous I/O (SIGIO).  There is no process
 * table or process group here: processes belong to Molt's process
 * manager.  psignal records the signal in the proc's p_siglist, where
 * the placement that runs the code can forward it (bsd/README.md);
 * gsignal has no process group to find and counts the attempt in
 * gsignal_dropped.  Protected by the giant lock.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/signal.h>

u_long gsignal_dropped;		/* gsignal calls with no group to signal */

void
psignal(struct proc *p, int sig)
{
	if (p == NULL || sig <= 0 || sig >= NSIG)
		return;
	p->p_siglist |= sigmask(sig);
}

void
gsignal(int pgid, int sig)
{
	if (pgid == 0 || sig <= 0 || sig >= NSIG)
		return;
	gsignal_dropped++;
}
