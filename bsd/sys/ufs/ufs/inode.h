/*
 * inode.h: the in-core inode, FFS's private part of a vnode (v_data).
 * It holds a copy of the on-disk inode (i_din) written back by
 * VOP_UPDATE when i_flag says it changed. IN_LOCKED is the vnode lock
 * (VOP_LOCK); everything is protected by the giant lock.
 */
#ifndef _UFS_UFS_INODE_H_
#define _UFS_UFS_INODE_H_
#include <sys/queue.h>
#include <ufs/ufs/dinode.h>

typedef long doff_t;		/* offset within a directory */

/*
 * A UFS file's fid (in a fhandle): inode number and generation. Molt:
 * ufid_gen 0 matches any generation (the FUSE mount names files by
 * number alone, as the kernel hands them back).
 */
struct ufid {
	u_int16_t ufid_len;	/* sizeof(struct ufid) */
	u_int16_t ufid_pad;
	ino_t	  ufid_ino;	/* file number */
	int32_t	  ufid_gen;	/* generation number, or 0 */
};

struct inode {
	LIST_ENTRY(inode) i_hash;	/* on the inode hash chain */
	struct	vnode *i_vnode;		/* its vnode */
	struct	vnode *i_devvp;		/* the device vnode of its fs */
	u_int32_t i_flag;		/* IN_* */
	dev_t	i_dev;			/* its device */
	ino_t	i_number;		/* its inode number */
	struct	fs *i_fs;		/* its superblock */
	struct	ufsmount *i_ump;
	/* Set by ufs_lookup for the directory operations that follow it. */
	doff_t	i_endoff;		/* end of the useful part of the directory */
	doff_t	i_diroff;		/* where the last lookup started */
	doff_t	i_offset;		/* offset of the free slot or the entry */
	ino_t	i_ino;			/* inode number found */
	u_int32_t i_reclen;		/* size of the found entry */
	long	i_count;		/* size of the free slot */
	struct	dinode i_din;		/* the on-disk inode */
};

#define i_atime		i_din.di_atime
#define i_atimensec	i_din.di_atimensec
#define i_blocks	i_din.di_blocks
#define i_ctime		i_din.di_ctime
#define i_ctimensec	i_din.di_ctimensec
#define i_db		i_din.di_db
#define i_flags		i_din.di_flags
#define i_gen		i_din.di_gen
#define i_gid		i_din.di_gid
#define i_ib		i_din.di_ib
#define i_mode		i_din.di_mode
#define i_mtime		i_din.di_mtime
#define i_mtimensec	i_din.di_mtimensec
#define i_nlink		i_din.di_nlink
#define i_rdev		i_din.di_rdev
#define i_shortlink	i_din.di_shortlink
#define i_size		i_din.di_size
#define i_uid		i_din.di_uid

/* i_flag */
#define IN_ACCESS	0x0001		/* access time to update */
#define IN_CHANGE	0x0002		/* change time to update */
#define IN_UPDATE	0x0004		/* modification time to update */
#define IN_MODIFIED	0x0008		/* inode changed, write it back */
#define IN_RENAME	0x0010		/* being renamed */
#define IN_SHLOCK	0x0020
#define IN_EXLOCK	0x0040
#define IN_LOCKED	0x0100		/* the vnode lock is held */
#define IN_WANTED	0x0200		/* someone waits for the lock */

#define VTOI(vp)	((struct inode *)(vp)->v_data)
#define ITOV(ip)	((ip)->i_vnode)

/* Stamp the times the flags ask for, with the current time. */
#define ITIMES(ip, t1, t2) do {						\
	if ((ip)->i_flag & (IN_ACCESS | IN_CHANGE | IN_UPDATE)) {	\
		(ip)->i_flag |= IN_MODIFIED;				\
		if ((ip)->i_flag & IN_ACCESS)				\
			(ip)->i_atime = (int32_t)(t1)->tv_sec;		\
		if ((ip)->i_flag & IN_UPDATE)				\
			(ip)->i_mtime = (int32_t)(t2)->tv_sec;		\
		if ((ip)->i_flag & IN_CHANGE)				\
			(ip)->i_ctime = (int32_t)time.tv_sec;		\
		(ip)->i_flag &= ~(IN_ACCESS | IN_CHANGE | IN_UPDATE);	\
	}								\
} while (0)
#endif /* !_UFS_UFS_INODE_H_ */
