/*
 * resourcevar.h - a process's resource statistics (Lite2's struct
 * pstats, the part the BSD code updates).
 *
 * Every proc the shims give a thread has a pstats of its own (kern_proc.c
 * for proc0, the shims for the others): the socket layer counts messages
 * in p_ru, and p_start is when the thread first entered the BSD code.
 * Protected by the giant lock, like the proc.
 */
#ifndef _SYS_RESOURCEVAR_H_
#define _SYS_RESOURCEVAR_H_

#include <sys/resource.h>

struct pstats {
#define pstat_startzero	p_ru
	struct	rusage p_ru;		/* stats for this proc */
	struct	rusage p_cru;		/* sum of stats for reaped children */
#define pstat_endzero	p_start
	struct	timeval p_start;	/* starting time */
};

#endif /* !_SYS_RESOURCEVAR_H_ */
