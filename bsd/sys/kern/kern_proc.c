/*
 * kern_proc.c: proc0, its credentials, and curproc. The shims give every
 * other thread that enters the BSD code a proc of its own (a copy of
 * proc0's credentials) and set curproc whenever a thread takes the giant
 * lock; curproc is only read or written with the giant lock held.
 * There is no process table: pfind knows proc0 and the caller's own proc
 * (Molt's process manager owns the rest).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/resourcevar.h>

static struct ucred ucred0 = { 1, 0, 1, { 0 } };
static struct pcred pcred0 = { &ucred0, 0, 0, 0, 0, 1 };
static struct pstats pstats0;
struct proc proc0 = {
	.p_cred = &pcred0,
	.p_stats = &pstats0,
	.p_flag = P_SYSTEM,
	.p_stat = SRUN,
	.p_comm = "molt",
};
struct proc *curproc = &proc0;

/* The proc of process pid, if it is one the BSD code knows. */
struct proc *
pfind(pid_t pid)
{
	if (curproc != NULL && curproc->p_pid == pid)
		return curproc;
	if (proc0.p_pid == pid)
		return &proc0;
	return NULL;
}
