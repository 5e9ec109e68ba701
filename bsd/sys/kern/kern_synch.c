/*
 * kern_synch.c - the old sleep interface over tsleep (which the shims
 * provide with the giant lock, services/sched.rs).  sleep(chan, pri)
 * waits for a wakeup on chan with no timeout; signals do not end it (the
 * BSD code never sees one).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>

void
sleep(void *chan, int pri)
{
	(void)tsleep(chan, pri & PRIMASK, "sleep", 0);
}
