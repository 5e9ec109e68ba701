/*
 * resource.h - resource usage and limits (Lite2's names).
 *
 * struct rusage is what a process has used; the BSD code counts what it
 * can see (messages sent and received by the sockets, block input and
 * output by the buffer cache) in its caller's p_stats->p_ru.  Limits are
 * declared for historic callers; nothing in the BSD code enforces them
 * (Molt's pm and vm own process resources).
 */
#ifndef _SYS_RESOURCE_H_
#define _SYS_RESOURCE_H_

#include <sys/types.h>
#include <sys/time.h>

#define PRIO_MIN	-20
#define PRIO_MAX	20
#define PRIO_PROCESS	0
#define PRIO_PGRP	1
#define PRIO_USER	2

#define RUSAGE_SELF	0
#define RUSAGE_CHILDREN	-1

struct rusage {
	struct timeval ru_utime;	/* user time used */
	struct timeval ru_stime;	/* system time used */
	long	ru_maxrss;		/* max resident set size */
#define ru_first	ru_ixrss
	long	ru_ixrss;		/* integral shared memory size */
	long	ru_idrss;		/* integral unshared data size */
	long	ru_isrss;		/* integral unshared stack size */
	long	ru_minflt;		/* page reclaims */
	long	ru_majflt;		/* page faults */
	long	ru_nswap;		/* swaps */
	long	ru_inblock;		/* block input operations */
	long	ru_oublock;		/* block output operations */
	long	ru_msgsnd;		/* messages sent */
	long	ru_msgrcv;		/* messages received */
	long	ru_nsignals;		/* signals received */
	long	ru_nvcsw;		/* voluntary context switches */
	long	ru_nivcsw;		/* involuntary context switches */
#define ru_last		ru_nivcsw
};

#define RLIMIT_CPU	0		/* cpu time in milliseconds */
#define RLIMIT_FSIZE	1		/* maximum file size */
#define RLIMIT_DATA	2		/* data size */
#define RLIMIT_STACK	3		/* stack size */
#define RLIMIT_CORE	4		/* core file size */
#define RLIMIT_RSS	5		/* resident set size */
#define RLIMIT_MEMLOCK	6		/* locked-in-memory address space */
#define RLIMIT_NPROC	7		/* number of processes */
#define RLIMIT_NOFILE	8		/* number of open files */
#define RLIM_NLIMITS	9

#define RLIM_INFINITY	(((u_quad_t)1 << 63) - 1)

struct rlimit {
	quad_t	rlim_cur;		/* current (soft) limit */
	quad_t	rlim_max;		/* maximum value for rlim_cur */
};

#endif /* !_SYS_RESOURCE_H_ */
