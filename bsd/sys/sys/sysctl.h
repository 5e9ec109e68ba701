/*
 * sysctl.h - the helpers a subsystem's sysctl handler uses to answer one
 * name (Lite2's sysctl_int, sysctl_rdint, sysctl_string, ...).
 *
 * oldp and newp are the caller's buffers in user space (copyout/copyin);
 * *oldlenp is the size of oldp on entry and the size of the answer on
 * return.  The sysctl(2) call itself and its name tree belong to the
 * placement that serves system calls.
 */
#ifndef _SYS_SYSCTL_H_
#define _SYS_SYSCTL_H_

#include <sys/types.h>

#define CTL_MAXNAME	12		/* largest number of components */

#define CTLTYPE_NODE	1
#define CTLTYPE_INT	2
#define CTLTYPE_STRING	3
#define CTLTYPE_QUAD	4
#define CTLTYPE_STRUCT	5

#define CTL_UNSPEC	0
#define CTL_KERN	1
#define CTL_VM		2
#define CTL_FS		3
#define CTL_NET		4
#define CTL_DEBUG	5
#define CTL_HW		6
#define CTL_MACHDEP	7
#define CTL_USER	8
#define CTL_MAXID	9

#ifdef _KERNEL
extern int securelevel;

int	sysctl_int(void *oldp, size_t *oldlenp, void *newp, size_t newlen, int *valp);
int	sysctl_rdint(void *oldp, size_t *oldlenp, void *newp, int val);
int	sysctl_string(void *oldp, size_t *oldlenp, void *newp, size_t newlen, char *str, int maxlen);
int	sysctl_rdstring(void *oldp, size_t *oldlenp, void *newp, char *str);
int	sysctl_struct(void *oldp, size_t *oldlenp, void *newp, size_t newlen, void *sp, int len);
int	sysctl_rdstruct(void *oldp, size_t *oldlenp, void *newp, void *sp, int len);
#endif

#endif /* !_SYS_SYSCTL_H_ */
