/*
 * signal.h - signal numbers and masks (Lite2's numbering, which is also
 * Molt's pm's for the signals both have).
 *
 * The BSD code posts signals with psignal/gsignal (kern/kern_sig.c): it
 * records them in the proc's p_siglist.  Delivering them to a Molt
 * process is the process manager's job; the placements forward what they
 * can (bsd/README.md).
 */
#ifndef _SYS_SIGNAL_H_
#define _SYS_SIGNAL_H_

#define NSIG		32

#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGEMT		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGBUS		10
#define SIGSEGV		11
#define SIGSYS		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGURG		16
#define SIGSTOP		17
#define SIGTSTP		18
#define SIGCONT		19
#define SIGCHLD		20
#define SIGTTIN		21
#define SIGTTOU		22
#define SIGIO		23
#define SIGXCPU		24
#define SIGXFSZ		25
#define SIGVTALRM	26
#define SIGPROF		27
#define SIGWINCH	28
#define SIGINFO		29
#define SIGUSR1		30
#define SIGUSR2		31

#define sigmask(m)	(1 << ((m) - 1))

#ifdef _KERNEL
struct proc;
void	psignal(struct proc *p, int sig);
void	gsignal(int pgid, int sig);
struct proc *pfind(pid_t pid);
#endif

#endif /* !_SYS_SIGNAL_H_ */
