/*
 * mount.h: a mounted file system (struct mount) and the operations every
 * file system type provides (struct vfsops). mnt_vnodelist links the
 * vnodes of the mount; all fields are protected by the giant lock.
 */
#ifndef _SYS_MOUNT_H_
#define _SYS_MOUNT_H_
#include <sys/param.h>
#include <sys/queue.h>
#include <sys/ucred.h>

typedef struct fsid { int32_t val[2]; } fsid_t;

#define MFSNAMELEN	16
#define MNAMELEN	90

/* File-system statistics (statfs). */
struct statfs {
	short	f_type;
	short	f_flags;
	long	f_bsize;			/* fundamental block size */
	long	f_iosize;			/* optimal transfer size */
	long	f_blocks;			/* total data blocks */
	long	f_bfree;			/* free blocks */
	long	f_bavail;			/* free blocks for non-root */
	long	f_files;			/* total inodes */
	long	f_ffree;			/* free inodes */
	fsid_t	f_fsid;
	uid_t	f_owner;
	char	f_fstypename[MFSNAMELEN];
	char	f_mntonname[MNAMELEN];
	char	f_mntfromname[MNAMELEN];
};

struct vnode;
struct proc;
struct nameidata;
struct mbuf;

LIST_HEAD(vnodelst, vnode);

struct mount {
	TAILQ_ENTRY(mount) mnt_list;		/* on the mount list */
	struct vfsops	*mnt_op;		/* its file system's operations */
	struct vnode	*mnt_vnodecovered;	/* vnode this one is mounted on */
	struct vnodelst	mnt_vnodelist;		/* its vnodes */
	int		mnt_flag;		/* MNT_* */
	int		mnt_maxsymlinklen;	/* longest symlink kept in the inode */
	struct statfs	mnt_stat;
	void		*mnt_data;		/* private data (a ufsmount) */
};

/* mnt_flag */
#define MNT_RDONLY	0x00000001
#define MNT_SYNCHRONOUS	0x00000002
#define MNT_NOEXEC	0x00000004
#define MNT_NOSUID	0x00000008
#define MNT_NODEV	0x00000010
#define MNT_ASYNC	0x00000040
#define MNT_LOCAL	0x00001000
#define MNT_ROOTFS	0x00004000
#define MNT_UPDATE	0x00010000
#define MNT_FORCE	0x00080000
#define MNT_MLOCK	0x00100000

/* waitfor of VFS_SYNC */
#define MNT_WAIT	1
#define MNT_NOWAIT	2

struct fid {
	u_short	fid_len;
	u_short	fid_reserved;
	char	fid_data[16];
};

/* A file handle: a file system and a file in it (fid: the file system's own). */
struct fhandle {
	fsid_t	fh_fsid;
	struct	fid fh_fid;
};
typedef struct fhandle fhandle_t;

struct vfsops {
	const char *vfs_name;
	int	(*vfs_mount)(struct mount *mp, const char *path, void *data,
		    struct nameidata *ndp, struct proc *p);
	int	(*vfs_start)(struct mount *mp, int flags, struct proc *p);
	int	(*vfs_unmount)(struct mount *mp, int mntflags, struct proc *p);
	int	(*vfs_root)(struct mount *mp, struct vnode **vpp);
	int	(*vfs_quotactl)(struct mount *mp, int cmds, uid_t uid, caddr_t arg, struct proc *p);
	int	(*vfs_statfs)(struct mount *mp, struct statfs *sbp, struct proc *p);
	int	(*vfs_sync)(struct mount *mp, int waitfor, struct ucred *cred, struct proc *p);
	int	(*vfs_vget)(struct mount *mp, ino_t ino, struct vnode **vpp);
	int	(*vfs_fhtovp)(struct mount *mp, struct fid *fhp, struct mbuf *nam,
		    struct vnode **vpp, int *exflagsp, struct ucred **credanonp);
	int	(*vfs_vptofh)(struct vnode *vp, struct fid *fhp);
	int	(*vfs_init)(void);
};

#define VFS_MOUNT(MP, PATH, DATA, NDP, P) (*(MP)->mnt_op->vfs_mount)(MP, PATH, DATA, NDP, P)
#define VFS_START(MP, FLAGS, P)	  (*(MP)->mnt_op->vfs_start)(MP, FLAGS, P)
#define VFS_UNMOUNT(MP, FORCE, P) (*(MP)->mnt_op->vfs_unmount)(MP, FORCE, P)
#define VFS_ROOT(MP, VPP)	  (*(MP)->mnt_op->vfs_root)(MP, VPP)
#define VFS_STATFS(MP, SBP, P)	  (*(MP)->mnt_op->vfs_statfs)(MP, SBP, P)
#define VFS_SYNC(MP, WAIT, C, P)  (*(MP)->mnt_op->vfs_sync)(MP, WAIT, C, P)
#define VFS_VGET(MP, INO, VPP)	  (*(MP)->mnt_op->vfs_vget)(MP, INO, VPP)
#define VFS_FHTOVP(MP, FIDP, NAM, VPP, EXFLG, CRED) \
	(*(MP)->mnt_op->vfs_fhtovp)(MP, FIDP, NAM, VPP, EXFLG, CRED)
#define VFS_VPTOFH(VP, FIDP)	  (*(VP)->v_mount->mnt_op->vfs_vptofh)(VP, FIDP)

/* Arguments of mount(2) for ufs: the device to mount. */
struct ufs_args {
	char	*fspec;		/* block special device ("mdk0"...) */
	dev_t	 fsdev;		/* Molt: the device number, if fspec is NULL */
};

#ifdef _KERNEL
TAILQ_HEAD(mntlist, mount);
extern struct mntlist mountlist;
extern struct vfsops *vfssw[];
int	vfs_busy(struct mount *mp);
void	vfs_unbusy(struct mount *mp);
void	vfs_getnewfsid(struct mount *mp);
struct mount *vfs_getvfs(fsid_t *fsid);
int	dounmount(struct mount *mp, int flags, struct proc *p);
void	vfsinit(void);
extern int syncdelay;		/* seconds between the update daemon's syncs */
void	vfs_update_start(void);
#endif
#endif /* !_SYS_MOUNT_H_ */
