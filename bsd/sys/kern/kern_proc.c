/*
 * kern_proc.c: proc0, its credentials, and curproc. The shims give every
 * other thread that enters the BSD code a proc of its own (a copy of
 * proc0's credentials) and set curproc whenever a thread takes the giant
 * lock; curproc is only read or written with the giant lock held.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>

static struct ucred ucred0 = { 1, 0, 1, { 0 } };
static struct pcred pcred0 = { &ucred0, 0, 0, 0, 0, 1 };
struct proc proc0 = { &pcred0, NULL, P_SYSTEM, SRUN, 0, NULL, NULL, 0, 0, "molt", NULL };
struct proc *curproc = &proc0;
