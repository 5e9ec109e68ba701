/*
 * specdev.h: device vnodes. A block device vnode (VBLK) names a Molt disk
 * unit; I/O on it goes to the platform through molt_blkio().
 */
#ifndef _MISCFS_SPECFS_SPECDEV_H_
#define _MISCFS_SPECFS_SPECDEV_H_
#include <sys/types.h>

struct specinfo {
	dev_t	si_rdev;
	struct	mount *si_mountpoint;	/* file system mounted on it */
};

#define MDK_MAJOR	4		/* Molt disk: minor is the unit */

extern vop_t **spec_vnodeop_p;
int	spec_lookup(void *);
int	spec_open(void *);
int	spec_close(void *);
int	spec_access(void *);
int	spec_getattr(void *);
int	spec_read(void *);
int	spec_write(void *);
int	spec_fsync(void *);
int	spec_inactive(void *);
int	spec_reclaim(void *);
int	spec_lock(void *);
int	spec_unlock(void *);
int	spec_islocked(void *);
int	spec_bmap(void *);
int	spec_strategy(void *);
int	spec_print(void *);
int	spec_badop(void *);
#endif
