/*
 * proc.h: the parts of struct proc that kernel subsystems use. In Molt a
 * proc stands for the thread of control that called into the BSD code: the
 * shims give each such thread one proc and set curproc while it holds the
 * giant lock (shims/README.md).
 */
#ifndef _SYS_PROC_H_
#define _SYS_PROC_H_
#include <sys/param.h>
#include <sys/ucred.h>

struct filedesc;
struct pstats;

/* Process credentials: the real and saved ids, and the effective ucred. */
struct pcred {
	struct ucred *pc_ucred;		/* effective credentials */
	uid_t	p_ruid;			/* real user id */
	uid_t	p_svuid;		/* saved user id */
	gid_t	p_rgid;			/* real group id */
	gid_t	p_svgid;		/* saved group id */
	int	p_refcnt;
};

struct proc {
	struct pcred *p_cred;		/* credentials */
	struct filedesc *p_fd;		/* open files (made on first use) */
	struct pstats *p_stats;		/* resource statistics (resourcevar.h) */
	int	p_flag;			/* P_* flags */
	int	p_siglist;		/* signals posted, not yet forwarded */
	char	p_stat;			/* SRUN, SSLEEP, ... */
	pid_t	p_pid;
	void	*p_wchan;		/* sleeping on this channel */
	const char *p_wmesg;		/* reason for sleep */
	u_char	p_priority;		/* sleep priority */
	u_short	p_acflag;		/* accounting flags */
	char	p_comm[MAXCOMLEN + 1];	/* name of the thread of control */
	void	*p_molt;		/* the shims' per-thread state */
};
#define p_ucred p_cred->pc_ucred

/* p_stat */
#define SIDL	1
#define SRUN	2
#define SSLEEP	3
#define SSTOP	4
#define SZOMB	5

/* p_flag */
#define P_SYSTEM	0x00200		/* a kernel thread (callouts) */
#define P_SINTR		0x00080		/* sleep is interruptible */
#define P_TIMEOUT	0x00400		/* sleep timed out */

#define ASU	0x02			/* p_acflag: used super-user privilege */

#ifdef _KERNEL
struct proc *pfind(pid_t pid);
void	sleep(void *chan, int pri);		/* kern_synch.c */
extern struct proc *curproc;		/* the thread holding the giant lock */
extern struct proc proc0;		/* the first process */
#endif
#endif /* !_SYS_PROC_H_ */
