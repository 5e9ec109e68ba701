/*
 * ucred.h: credentials. A ucred is shared by reference count (cr_ref);
 * crcopy() gives the caller a private copy before it writes one.
 */
#ifndef _SYS_UCRED_H_
#define _SYS_UCRED_H_
#include <sys/param.h>

struct ucred {
	u_short	cr_ref;			/* references */
	uid_t	cr_uid;			/* effective user id */
	short	cr_ngroups;		/* number of groups */
	gid_t	cr_groups[NGROUPS];	/* groups; cr_groups[0] is the egid */
};
#define cr_gid cr_groups[0]
#define NOCRED ((struct ucred *)-1)	/* no credential available */
#define FSCRED ((struct ucred *)-2)	/* file system's own credential */

#ifdef _KERNEL
struct ucred *crget(void);
struct ucred *crcopy(struct ucred *cr);
struct ucred *crdup(struct ucred *cr);
void	crfree(struct ucred *cr);
#define crhold(cr) ((cr)->cr_ref++)
int	suser(struct ucred *cred, u_short *acflag);
int	groupmember(gid_t gid, struct ucred *cred);
#endif
#endif /* !_SYS_UCRED_H_ */
