/*
 * sys_select.c - selrecord and selwakeup (Lite2 keeps them in
 * sys_generic.c, with select itself; here they are apart because every
 * subsystem needs them and select is served by Molt's servers).
 *
 * A selector records its pid in the object's selinfo; a second selector
 * marks a collision.  selwakeup wakes every thread sleeping on &selwait:
 * that is what Lite2 does after a collision, and since a woken selector
 * re-checks all its objects, waking them all is never wrong, only
 * sometimes early.  Protected by the giant lock.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/select.h>

int selwait, nselcoll;

void
selrecord(struct proc *selector, struct selinfo *sip)
{
	pid_t mypid = selector->p_pid;

	if (sip->si_pid == mypid)
		return;
	if (sip->si_pid != 0)
		sip->si_flags |= SI_COLL;
	else
		sip->si_pid = mypid;
}

void
selwakeup(struct selinfo *sip)
{
	if (sip->si_pid == 0)
		return;
	if (sip->si_flags & SI_COLL) {
		nselcoll++;
		sip->si_flags &= ~SI_COLL;
	}
	sip->si_pid = 0;
	wakeup((caddr_t)&selwait);
}
