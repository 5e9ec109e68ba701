/* ffs_extern.h: the functions of the FFS layer. */
#ifndef _UFS_FFS_EXTERN_H_
#define _UFS_FFS_EXTERN_H_
struct buf;
struct fs;
struct inode;
struct mount;
struct proc;
struct ucred;
struct vnode;
struct statfs;

int	ffs_alloc(struct inode *ip, daddr_t lbn, daddr_t bpref, int size,
	    struct ucred *cred, daddr_t *bnp);
int	ffs_balloc(struct inode *ip, daddr_t lbn, int size, struct ucred *cred,
	    struct buf **bpp, int flags);
int	ffs_blkatoff(void *);
void	ffs_blkfree(struct inode *ip, daddr_t bno, long size);
daddr_t	ffs_blkpref(struct inode *ip, daddr_t lbn, int indx, daddr_t *bap);
int	ffs_bwrite(void *);
void	ffs_fragacct(struct fs *fs, int fragmap, int32_t fraglist[], int cnt);
int	ffs_fsync(void *);
int	ffs_isblock(struct fs *fs, u_char *cp, daddr_t h);
void	ffs_clrblock(struct fs *fs, u_char *cp, daddr_t h);
void	ffs_setblock(struct fs *fs, u_char *cp, daddr_t h);
int	ffs_mount(struct mount *mp, const char *path, void *data, struct nameidata *ndp, struct proc *p);
int	ffs_mountfs(struct vnode *devvp, struct mount *mp, struct proc *p);
int	ffs_read(void *);
int	ffs_realloccg(struct inode *ip, daddr_t lbprev, daddr_t bpref, int osize,
	    int nsize, struct ucred *cred, struct buf **bpp);
int	ffs_reclaim(void *);
int	ffs_sbupdate(struct ufsmount *ump, int waitfor);
int	ffs_statfs(struct mount *mp, struct statfs *sbp, struct proc *p);
int	ffs_sync(struct mount *mp, int waitfor, struct ucred *cred, struct proc *p);
int	ffs_truncate(void *);
int	ffs_unmount(struct mount *mp, int mntflags, struct proc *p);
int	ffs_update(void *);
int	ffs_valloc(void *);
int	ffs_vfree(void *);
int	ffs_vget(struct mount *mp, ino_t ino, struct vnode **vpp);
int	ffs_fhtovp(struct mount *mp, struct fid *fhp, struct mbuf *nam, struct vnode **vpp,
	    int *exflagsp, struct ucred **credanonp);
int	ffs_vptofh(struct vnode *vp, struct fid *fhp);
int	ffs_write(void *);
int	ffs_init(void);
int	ffs_checksb(struct fs *fs, long devsize);

extern vop_t **ffs_vnodeop_p;
extern struct vfsops ufs_vfsops;
#endif
