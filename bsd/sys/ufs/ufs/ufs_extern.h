/* ufs_extern.h: the functions of the UFS layer shared with FFS. */
#ifndef _UFS_UFS_EXTERN_H_
#define _UFS_UFS_EXTERN_H_
struct buf;
struct componentname;
struct direct;
struct inode;
struct mount;
struct nameidata;
struct proc;
struct ucred;
struct uio;
struct vattr;
struct vnode;

void	ufs_ihashinit(void);
struct vnode *ufs_ihashlookup(dev_t dev, ino_t inum);
struct vnode *ufs_ihashget(dev_t dev, ino_t inum);
void	ufs_ihashins(struct inode *ip);
void	ufs_ihashrem(struct inode *ip);

int	ufs_bmaparray(struct vnode *vp, daddr_t bn, daddr_t *bnp, int *nump, int *runp);
int	ufs_checkpath(struct inode *source, struct inode *target, struct ucred *cred);
int	ufs_direnter(struct inode *ip, struct vnode *dvp, struct componentname *cnp);
int	ufs_dirremove(struct vnode *dvp, struct componentname *cnp);
int	ufs_dirrewrite(struct inode *dp, struct inode *ip, struct componentname *cnp);
int	ufs_dirempty(struct inode *ip, ino_t parentino, struct ucred *cred);
int	ufs_dirbadentry(struct vnode *dp, struct direct *ep, int entryoffsetinblock);
int	ufs_vinit(struct mount *mp, vop_t **specops, vop_t **fifoops, struct vnode **vpp);
int	ufs_start(struct mount *mp, int flags, struct proc *p);
int	ufs_root(struct mount *mp, struct vnode **vpp);
int	ufs_quotactl(struct mount *mp, int cmds, uid_t uid, caddr_t arg, struct proc *p);
int	ufs_init(void);

int	ufs_lookup(void *);
int	ufs_create(void *);
int	ufs_mknod(void *);
int	ufs_open(void *);
int	ufs_close(void *);
int	ufs_access(void *);
int	ufs_getattr(void *);
int	ufs_setattr(void *);
int	ufs_remove(void *);
int	ufs_link(void *);
int	ufs_rename(void *);
int	ufs_mkdir(void *);
int	ufs_rmdir(void *);
int	ufs_symlink(void *);
int	ufs_readdir(void *);
int	ufs_readlink(void *);
int	ufs_abortop(void *);
int	ufs_inactive(void *);
int	ufs_reclaim(void *);
int	ufs_lock(void *);
int	ufs_unlock(void *);
int	ufs_islocked(void *);
int	ufs_bmap(void *);
int	ufs_strategy(void *);
int	ufs_print(void *);
int	ufs_pathconf(void *);
#endif
