/*
 * select.h - what a waiter on an object's readiness leaves behind
 * (Lite2's struct selinfo, selrecord, selwakeup).
 *
 * A selector records itself in the object's selinfo (selrecord); when the
 * object becomes ready its owner calls selwakeup, which wakes every
 * thread sleeping on &selwait, the channel selectors sleep on (they then
 * re-check every object they wait for, as Lite2's select does after a
 * collision).  Protected by the giant lock.
 */
#ifndef _SYS_SELECT_H_
#define _SYS_SELECT_H_

#include <sys/types.h>

struct selinfo {
	pid_t	si_pid;		/* process to be notified (0: none) */
	short	si_flags;	/* SI_COLL */
};
#define SI_COLL	0x0001		/* more than one process selected */

#ifdef _KERNEL
struct proc;
extern int selwait, nselcoll;

void	selrecord(struct proc *selector, struct selinfo *sip);
void	selwakeup(struct selinfo *sip);
#endif

#endif /* !_SYS_SELECT_H_ */
