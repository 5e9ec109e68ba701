/*
 * ufsmount.h: FFS's private part of a mount (mnt_data): the device,
 * the in-core superblock and the in-core cylinder-group summaries.
 */
#ifndef _UFS_UFS_UFSMOUNT_H_
#define _UFS_UFS_UFSMOUNT_H_
#include <sys/types.h>

struct ufsmount {
	struct	mount *um_mountp;	/* the mount */
	dev_t	um_dev;			/* its device */
	struct	vnode *um_devvp;	/* its device vnode */
	struct	fs *um_fs;		/* the superblock (in core) */
	struct	csum *um_csp;		/* the cg summaries (in core) */
	u_long	um_nindir;		/* NINDIR(fs) */
	u_long	um_bptrtodb;		/* fragment address to DEV_BSIZE shift */
	u_long	um_seqinc;
	long	um_devsize;		/* size of the device in bytes */
};

#define VFSTOUFS(mp)	((struct ufsmount *)((mp)->mnt_data))
#define fs_cs(ump, indx) ((ump)->um_csp[indx])
#define MNINDIR(ump)	((ump)->um_nindir)
#define blkptrtodb(ump, b) ((b) << (ump)->um_bptrtodb)
#endif /* !_UFS_UFS_UFSMOUNT_H_ */
