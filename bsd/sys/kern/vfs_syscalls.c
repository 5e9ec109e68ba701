/*
 * vfs_syscalls.c: the file-system system calls, in 4.4BSD-Lite2's shape:
 * int name(struct proc *p, struct name_args *uap, register_t *retval),
 * with paths and buffers given as user addresses. Each one resolves its
 * paths with namei() and acts through VOP_*() calls; errors are errno.
 * Also the Molt entry that mounts an FFS on a disk unit, and unmount.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/malloc.h>
#include <sys/file.h>
#include <sys/filedesc.h>
#include <sys/stat.h>
#include <sys/dirent.h>
#include <sys/mount.h>
#include <sys/namei.h>
#include <sys/vnode.h>
#include <sys/uio.h>
#include <sys/kernel.h>
#include <sys/syscallargs.h>
#include <miscfs/specfs/specdev.h>

int	getfile(struct proc *p, int fd, struct file **fpp);
extern struct vfsops ufs_vfsops;

/* Mounting. */

int
molt_mount_ffs(struct proc *p, int unit, int flags, struct mount **mpp, struct vnode **rootvpp)
{
	struct mount *mp;
	struct vnode *devvp, *rvp;
	struct ufs_args args;
	int error;

	if (unit < 0 || unit > 0xff)
		return (ENXIO);
	mp = malloc(sizeof(*mp), M_MOUNT, M_WAITOK);
	bzero(mp, sizeof(*mp));
	mp->mnt_op = &ufs_vfsops;
	mp->mnt_flag = flags & (MNT_RDONLY | MNT_SYNCHRONOUS | MNT_ASYNC);
	LIST_INIT(&mp->mnt_vnodelist);
	args.fspec = NULL;
	args.fsdev = makedev(MDK_MAJOR, unit);
	vfs_busy(mp);
	error = VFS_MOUNT(mp, "/", &args, NULL, p);
	if (error) {
		vfs_unbusy(mp);
		free(mp, M_MOUNT);
		return (error);
	}
	TAILQ_INSERT_TAIL(&mountlist, mp, mnt_list);
	vfs_unbusy(mp);
	(void)VFS_START(mp, 0, p);
	if ((mp->mnt_flag & MNT_RDONLY) == 0)
		vfs_update_start();	/* delayed writes reach the disk in syncdelay s */
	if ((error = VFS_ROOT(mp, &rvp)) != 0) {
		(void)dounmount(mp, MNT_FORCE, p);
		return (error);
	}
	VOP_UNLOCK(rvp, 0, p);
	(void)devvp;
	*mpp = mp;
	*rootvpp = rvp;
	return (0);
}

int
dounmount(struct mount *mp, int flags, struct proc *p)
{
	int error;

	vfs_busy(mp);
	error = VFS_SYNC(mp, MNT_WAIT, p->p_ucred, p);
	if (error == 0 || (flags & MNT_FORCE))
		error = VFS_UNMOUNT(mp, flags, p);
	if (error) {
		vfs_unbusy(mp);
		return (error);
	}
	TAILQ_REMOVE(&mountlist, mp, mnt_list);
	vfs_unbusy(mp);
	free(mp, M_MOUNT);
	return (0);
}

/* unmount(path): path names the root of a mounted file system. */
int
unmount(struct proc *p, struct unmount_args *uap, register_t *retval)
{
	struct nameidata nd;
	struct vnode *vp;
	struct mount *mp;
	int error;

	NDINIT(&nd, LOOKUP, FOLLOW | LOCKLEAF, UIO_USERSPACE, SCARG(uap, path), p);
	if ((error = namei(&nd)) != 0)
		return (error);
	vp = nd.ni_vp;
	if ((vp->v_flag & VROOT) == 0) {
		vput(vp);
		return (EINVAL);
	}
	mp = vp->v_mount;
	vput(vp);
	return (dounmount(mp, SCARG(uap, flags), p));
}

int
sync(struct proc *p, struct sync_args *uap, register_t *retval)
{
	struct mount *mp;

	TAILQ_FOREACH(mp, &mountlist, mnt_list)
		if ((mp->mnt_flag & MNT_RDONLY) == 0)
			(void)VFS_SYNC(mp, MNT_NOWAIT, p->p_ucred, p);
	return (0);
}

int
statfs(struct proc *p, struct statfs_args *uap, register_t *retval)
{
	struct nameidata nd;
	struct statfs sb;
	struct mount *mp;
	int error;

	NDINIT(&nd, LOOKUP, FOLLOW, UIO_USERSPACE, SCARG(uap, path), p);
	if ((error = namei(&nd)) != 0)
		return (error);
	mp = nd.ni_vp->v_mount;
	vrele(nd.ni_vp);
	if ((error = VFS_STATFS(mp, &mp->mnt_stat, p)) != 0)
		return (error);
	sb = mp->mnt_stat;
	return (copyout(&sb, SCARG(uap, buf), sizeof(sb)));
}

/* Files. */

int
open(struct proc *p, struct open_args *uap, register_t *retval)
{
	struct filedesc *fdp = fdinit(p);
	struct file *fp;
	struct vnode *vp;
	struct nameidata nd;
	int fmode, cmode, error, indx;

	if ((SCARG(uap, flags) & O_ACCMODE) == O_ACCMODE)
		return (EINVAL);
	if ((error = falloc(p, &fp, &indx)) != 0)
		return (error);
	fmode = FFLAGS(SCARG(uap, flags));
	cmode = ((SCARG(uap, mode) & ~fdp->fd_cmask) & ALLPERMS) & ~S_ISTXT;
	NDINIT(&nd, LOOKUP, FOLLOW, UIO_USERSPACE, SCARG(uap, path), p);
	if ((error = vn_open(&nd, fmode, cmode)) != 0) {
		fdp->fd_ofiles[indx] = NULL;
		ffree(fp);
		return (error);
	}
	vp = nd.ni_vp;
	fp->f_flag = fmode & FMASK;
	fp->f_type = DTYPE_VNODE;
	fp->f_ops = &vnops;
	fp->f_data = vp;
	VOP_UNLOCK(vp, 0, p);
	*retval = indx;
	return (0);
}

int
lseek(struct proc *p, struct lseek_args *uap, register_t *retval)
{
	struct file *fp;
	struct vattr va;
	off_t off;
	int error;

	if ((error = getfile(p, SCARG(uap, fd), &fp)) != 0)
		return (error);
	if (fp->f_type != DTYPE_VNODE)
		return (ESPIPE);
	switch (SCARG(uap, whence)) {
	case SEEK_CUR:
		off = fp->f_offset + SCARG(uap, offset);
		break;
	case SEEK_END:
		error = VOP_GETATTR(fp->f_data, &va, p->p_ucred, p);
		if (error)
			return (error);
		off = SCARG(uap, offset) + (off_t)va.va_size;
		break;
	case SEEK_SET:
		off = SCARG(uap, offset);
		break;
	default:
		return (EINVAL);
	}
	if (off < 0)
		return (EINVAL);
	fp->f_offset = off;
	*retval = off;
	return (0);
}

/* A CREATE lookup found the name taken: undo it (releasing both vnodes). */
static int
create_exists(struct nameidata *ndp)
{
	VOP_ABORTOP(ndp->ni_dvp, &ndp->ni_cnd);
	if (ndp->ni_dvp == ndp->ni_vp)
		vrele(ndp->ni_dvp);
	else
		vput(ndp->ni_dvp);
	vrele(ndp->ni_vp);
	return (EEXIST);
}

int
mkdir(struct proc *p, struct mkdir_args *uap, register_t *retval)
{
	struct vnode *vp;
	struct vattr va;
	struct nameidata nd;
	int error;

	NDINIT(&nd, CREATE, LOCKPARENT, UIO_USERSPACE, SCARG(uap, path), p);
	if ((error = namei(&nd)) != 0)
		return (error);
	vp = nd.ni_vp;
	if (vp != NULL)
		return (create_exists(&nd));
	vattr_null(&va);
	va.va_type = VDIR;
	va.va_mode = (SCARG(uap, mode) & ACCESSPERMS) & ~p->p_fd->fd_cmask;
	error = VOP_MKDIR(nd.ni_dvp, &nd.ni_vp, &nd.ni_cnd, &va);
	if (error == 0)
		vput(nd.ni_vp);
	return (error);
}

/* Makes a special file (va_type, va_rdev set) at path. */
static int
mknod1(struct proc *p, const char *path, struct vattr *va)
{
	struct nameidata nd;
	int error;

	NDINIT(&nd, CREATE, LOCKPARENT, UIO_USERSPACE, path, p);
	if ((error = namei(&nd)) != 0)
		return (error);
	if (nd.ni_vp != NULL)
		return (create_exists(&nd));
	return (VOP_MKNOD(nd.ni_dvp, &nd.ni_vp, &nd.ni_cnd, va));
}

/* mknod(path, mode, dev): a device (root only), fifo or socket. */
int
mknod(struct proc *p, struct mknod_args *uap, register_t *retval)
{
	struct vattr va;
	int error;

	vattr_null(&va);
	va.va_mode = (SCARG(uap, mode) & ALLPERMS) & ~fdinit(p)->fd_cmask;
	switch (SCARG(uap, mode) & S_IFMT) {
	case S_IFCHR: va.va_type = VCHR; break;
	case S_IFBLK: va.va_type = VBLK; break;
	case S_IFIFO: va.va_type = VFIFO; break;
	case S_IFSOCK: va.va_type = VSOCK; break;
	default: return (EINVAL);
	}
	if ((va.va_type == VCHR || va.va_type == VBLK) &&
	    (error = suser(p->p_ucred, NULL)) != 0)
		return (error);
	va.va_rdev = SCARG(uap, dev);
	return (mknod1(p, SCARG(uap, path), &va));
}

int
mkfifo(struct proc *p, struct mkfifo_args *uap, register_t *retval)
{
	struct vattr va;

	vattr_null(&va);
	va.va_type = VFIFO;
	va.va_mode = (SCARG(uap, mode) & ALLPERMS) & ~fdinit(p)->fd_cmask;
	return (mknod1(p, SCARG(uap, path), &va));
}

int
rmdir(struct proc *p, struct rmdir_args *uap, register_t *retval)
{
	struct vnode *vp;
	struct nameidata nd;
	int error;

	NDINIT(&nd, DELETE, LOCKPARENT | LOCKLEAF, UIO_USERSPACE, SCARG(uap, path), p);
	if ((error = namei(&nd)) != 0)
		return (error);
	vp = nd.ni_vp;
	if (vp->v_type != VDIR)
		error = ENOTDIR;
	else if (nd.ni_dvp == vp)
		error = EINVAL;
	else if (vp->v_flag & VROOT)
		error = EBUSY;
	if (error == 0)
		return (VOP_RMDIR(nd.ni_dvp, nd.ni_vp, &nd.ni_cnd));
	VOP_ABORTOP(nd.ni_dvp, &nd.ni_cnd);
	if (nd.ni_dvp == vp)
		vrele(nd.ni_dvp);
	else
		vput(nd.ni_dvp);
	vput(vp);
	return (error);
}

int
unlink(struct proc *p, struct unlink_args *uap, register_t *retval)
{
	struct vnode *vp;
	struct nameidata nd;
	int error = 0;

	NDINIT(&nd, DELETE, LOCKPARENT | LOCKLEAF, UIO_USERSPACE, SCARG(uap, path), p);
	if ((error = namei(&nd)) != 0)
		return (error);
	vp = nd.ni_vp;
	if (vp->v_type == VDIR)
		error = EPERM;		/* unlink of a directory */
	else if (vp->v_flag & VROOT)
		error = EBUSY;
	if (error == 0)
		return (VOP_REMOVE(nd.ni_dvp, vp, &nd.ni_cnd));
	VOP_ABORTOP(nd.ni_dvp, &nd.ni_cnd);
	if (nd.ni_dvp == vp)
		vrele(nd.ni_dvp);
	else
		vput(nd.ni_dvp);
	vput(vp);
	return (error);
}

/* Enters the (referenced, unlocked) non-directory vp under path; keeps vp. */
int
link1(struct proc *p, struct vnode *vp, const char *path)
{
	struct nameidata nd;
	int error;

	if (vp->v_type == VDIR)
		return (EPERM);
	NDINIT(&nd, CREATE, LOCKPARENT, UIO_USERSPACE, path, p);
	if ((error = namei(&nd)) != 0)
		return (error);
	if (nd.ni_vp != NULL)
		return (create_exists(&nd));
	return (VOP_LINK(nd.ni_dvp, vp, &nd.ni_cnd));
}

int
link(struct proc *p, struct link_args *uap, register_t *retval)
{
	struct nameidata nd;
	int error;

	NDINIT(&nd, LOOKUP, FOLLOW, UIO_USERSPACE, SCARG(uap, path), p);
	if ((error = namei(&nd)) != 0)
		return (error);
	error = link1(p, nd.ni_vp, SCARG(uap, link));
	vrele(nd.ni_vp);
	return (error);
}

int
symlink(struct proc *p, struct symlink_args *uap, register_t *retval)
{
	struct vattr va;
	struct nameidata nd;
	char *path;
	u_int len;
	int error;

	path = malloc(MAXPATHLEN, M_NAMEI, M_WAITOK);
	if ((error = copyinstr((caddr_t)SCARG(uap, path), path, MAXPATHLEN, &len)) != 0)
		goto out;
	NDINIT(&nd, CREATE, LOCKPARENT, UIO_USERSPACE, SCARG(uap, link), p);
	if ((error = namei(&nd)) != 0)
		goto out;
	if (nd.ni_vp != NULL) {
		VOP_ABORTOP(nd.ni_dvp, &nd.ni_cnd);
		if (nd.ni_dvp == nd.ni_vp)
			vrele(nd.ni_dvp);
		else
			vput(nd.ni_dvp);
		vrele(nd.ni_vp);
		error = EEXIST;
		goto out;
	}
	vattr_null(&va);
	va.va_type = VLNK;
	va.va_mode = ACCESSPERMS & ~p->p_fd->fd_cmask;
	error = VOP_SYMLINK(nd.ni_dvp, &nd.ni_vp, &nd.ni_cnd, &va, path);
out:
	free(path, M_NAMEI);
	return (error);
}

/* Reads the text of the locked symlink vp into the user buffer buf. */
int
readlink1(struct proc *p, struct vnode *vp, char *buf, int count, register_t *retval)
{
	struct iovec aiov;
	struct uio auio;
	int error;

	if (vp->v_type != VLNK || count < 0)
		return (EINVAL);
	aiov.iov_base = buf;
	aiov.iov_len = count;
	auio.uio_iov = &aiov;
	auio.uio_iovcnt = 1;
	auio.uio_offset = 0;
	auio.uio_rw = UIO_READ;
	auio.uio_segflg = UIO_USERSPACE;
	auio.uio_procp = p;
	auio.uio_resid = count;
	error = VOP_READLINK(vp, &auio, p->p_ucred);
	*retval = count - auio.uio_resid;
	return (error);
}

int
readlink(struct proc *p, struct readlink_args *uap, register_t *retval)
{
	struct nameidata nd;
	int error;

	NDINIT(&nd, LOOKUP, NOFOLLOW | LOCKLEAF, UIO_USERSPACE, SCARG(uap, path), p);
	if ((error = namei(&nd)) != 0)
		return (error);
	error = readlink1(p, nd.ni_vp, SCARG(uap, buf), SCARG(uap, count), retval);
	vput(nd.ni_vp);
	return (error);
}

int
rename(struct proc *p, struct rename_args *uap, register_t *retval)
{
	struct vnode *tvp, *fvp, *tdvp;
	struct nameidata fromnd, tond;
	int error;

	NDINIT(&fromnd, DELETE, WANTPARENT | SAVESTART, UIO_USERSPACE, SCARG(uap, from), p);
	if ((error = namei(&fromnd)) != 0)
		return (error);
	fvp = fromnd.ni_vp;
	NDINIT(&tond, RENAME, LOCKPARENT | LOCKLEAF | NOCACHE | SAVESTART,
	    UIO_USERSPACE, SCARG(uap, to), p);
	if ((error = namei(&tond)) != 0) {
		VOP_ABORTOP(fromnd.ni_dvp, &fromnd.ni_cnd);
		vrele(fromnd.ni_dvp);
		vrele(fvp);
		goto out1;
	}
	tdvp = tond.ni_dvp;
	tvp = tond.ni_vp;
	if (tvp != NULL) {
		if (fvp->v_type == VDIR && tvp->v_type != VDIR)
			error = ENOTDIR;
		else if (fvp->v_type != VDIR && tvp->v_type == VDIR)
			error = EISDIR;
	}
	if (fvp == tdvp)
		error = EINVAL;
	/* Renaming a name to itself, or to another link of the same file. */
	if (error == 0 && fvp == tvp)
		error = -1;
	if (error == 0) {
		error = VOP_RENAME(fromnd.ni_dvp, fromnd.ni_vp, &fromnd.ni_cnd,
		    tond.ni_dvp, tond.ni_vp, &tond.ni_cnd);
	} else {
		VOP_ABORTOP(tond.ni_dvp, &tond.ni_cnd);
		if (tdvp == tvp)
			vrele(tdvp);
		else
			vput(tdvp);
		if (tvp)
			vput(tvp);
		VOP_ABORTOP(fromnd.ni_dvp, &fromnd.ni_cnd);
		vrele(fromnd.ni_dvp);
		vrele(fvp);
	}
	vrele(tond.ni_startdir);
	free(tond.ni_cnd.cn_pnbuf, M_NAMEI);
out1:
	if (fromnd.ni_startdir)
		vrele(fromnd.ni_startdir);
	free(fromnd.ni_cnd.cn_pnbuf, M_NAMEI);
	return (error == -1 ? 0 : error);
}

static int
stat1(struct proc *p, const char *path, struct stat *ub, int follow)
{
	struct stat sb;
	struct nameidata nd;
	int error;

	NDINIT(&nd, LOOKUP, follow | LOCKLEAF, UIO_USERSPACE, path, p);
	if ((error = namei(&nd)) != 0)
		return (error);
	error = vn_stat(nd.ni_vp, &sb, p);
	vput(nd.ni_vp);
	if (error)
		return (error);
	return (copyout(&sb, ub, sizeof(sb)));
}

int
stat(struct proc *p, struct stat_args *uap, register_t *retval)
{
	return (stat1(p, SCARG(uap, path), SCARG(uap, ub), FOLLOW));
}

int
lstat(struct proc *p, struct lstat_args *uap, register_t *retval)
{
	return (stat1(p, SCARG(uap, path), SCARG(uap, ub), NOFOLLOW));
}

int
fstat(struct proc *p, struct fstat_args *uap, register_t *retval)
{
	struct file *fp;
	struct stat sb;
	int error;

	if ((error = getvnode(fdinit(p), SCARG(uap, fd), &fp)) != 0)
		return (error);
	VOP_LOCK((struct vnode *)fp->f_data, 0, p);
	error = vn_stat(fp->f_data, &sb, p);
	VOP_UNLOCK((struct vnode *)fp->f_data, 0, p);
	if (error)
		return (error);
	return (copyout(&sb, SCARG(uap, sb), sizeof(sb)));
}

int
setattr_locked(struct proc *p, struct vnode *vp, struct vattr *va)
{
	int error;

	if ((error = vn_writechk(vp)) != 0)
		return (error);
	return (VOP_SETATTR(vp, va, p->p_ucred, p));
}

static int
setattr_path(struct proc *p, const char *path, struct vattr *va, int follow)
{
	struct nameidata nd;
	int error;

	NDINIT(&nd, LOOKUP, follow | LOCKLEAF, UIO_USERSPACE, path, p);
	if ((error = namei(&nd)) != 0)
		return (error);
	error = setattr_locked(p, nd.ni_vp, va);
	vput(nd.ni_vp);
	return (error);
}

int
truncate(struct proc *p, struct truncate_args *uap, register_t *retval)
{
	struct nameidata nd;
	struct vattr va;
	struct vnode *vp;
	int error;

	if (SCARG(uap, length) < 0)
		return (EINVAL);
	NDINIT(&nd, LOOKUP, FOLLOW | LOCKLEAF, UIO_USERSPACE, SCARG(uap, path), p);
	if ((error = namei(&nd)) != 0)
		return (error);
	vp = nd.ni_vp;
	if (vp->v_type == VDIR)
		error = EISDIR;
	else if ((error = VOP_ACCESS(vp, VWRITE, p->p_ucred, p)) == 0) {
		vattr_null(&va);
		va.va_size = SCARG(uap, length);
		error = setattr_locked(p, vp, &va);
	}
	vput(vp);
	return (error);
}

int
ftruncate(struct proc *p, struct ftruncate_args *uap, register_t *retval)
{
	struct vattr va;
	struct vnode *vp;
	struct file *fp;
	int error;

	if (SCARG(uap, length) < 0)
		return (EINVAL);
	if ((error = getvnode(fdinit(p), SCARG(uap, fd), &fp)) != 0)
		return (error);
	if ((fp->f_flag & FWRITE) == 0)
		return (EINVAL);
	vp = fp->f_data;
	VOP_LOCK(vp, 0, p);
	if (vp->v_type == VDIR)
		error = EISDIR;
	else {
		vattr_null(&va);
		va.va_size = SCARG(uap, length);
		error = setattr_locked(p, vp, &va);
	}
	VOP_UNLOCK(vp, 0, p);
	return (error);
}

int
fsync(struct proc *p, struct fsync_args *uap, register_t *retval)
{
	struct vnode *vp;
	struct file *fp;
	int error;

	if ((error = getvnode(fdinit(p), SCARG(uap, fd), &fp)) != 0)
		return (error);
	vp = fp->f_data;
	VOP_LOCK(vp, 0, p);
	error = VOP_FSYNC(vp, fp->f_cred, MNT_WAIT, p);
	VOP_UNLOCK(vp, 0, p);
	return (error);
}

static int
chmod1(struct proc *p, struct chmod_args *uap, int follow)
{
	struct vattr va;

	vattr_null(&va);
	va.va_mode = SCARG(uap, mode) & ALLPERMS;
	return (setattr_path(p, SCARG(uap, path), &va, follow));
}

int
chmod(struct proc *p, struct chmod_args *uap, register_t *retval)
{
	return (chmod1(p, uap, FOLLOW));
}

/* lchmod, lchown, lutimes: as NetBSD has them, on the link itself. */
int
lchmod(struct proc *p, struct chmod_args *uap, register_t *retval)
{
	return (chmod1(p, uap, NOFOLLOW));
}

static int
chown1(struct proc *p, struct chown_args *uap, int follow)
{
	struct vattr va;

	vattr_null(&va);
	va.va_uid = SCARG(uap, uid);
	va.va_gid = SCARG(uap, gid);
	return (setattr_path(p, SCARG(uap, path), &va, follow));
}

int
chown(struct proc *p, struct chown_args *uap, register_t *retval)
{
	return (chown1(p, uap, FOLLOW));
}

int
lchown(struct proc *p, struct chown_args *uap, register_t *retval)
{
	return (chown1(p, uap, NOFOLLOW));
}

static int
utimes1(struct proc *p, struct utimes_args *uap, int follow)
{
	struct timeval tv[2];
	struct vattr va;
	int error;

	vattr_null(&va);
	if (SCARG(uap, tptr) == NULL) {
		microtime(&tv[0]);
		tv[1] = tv[0];
	} else if ((error = copyin(SCARG(uap, tptr), tv, sizeof(tv))) != 0)
		return (error);
	va.va_atime.tv_sec = tv[0].tv_sec;
	va.va_atime.tv_nsec = tv[0].tv_usec * 1000;
	va.va_mtime.tv_sec = tv[1].tv_sec;
	va.va_mtime.tv_nsec = tv[1].tv_usec * 1000;
	return (setattr_path(p, SCARG(uap, path), &va, follow));
}

int
utimes(struct proc *p, struct utimes_args *uap, register_t *retval)
{
	return (utimes1(p, uap, FOLLOW));
}

int
lutimes(struct proc *p, struct utimes_args *uap, register_t *retval)
{
	return (utimes1(p, uap, NOFOLLOW));
}

int
access(struct proc *p, struct access_args *uap, register_t *retval)
{
	struct nameidata nd;
	int error, flags = 0;

	NDINIT(&nd, LOOKUP, FOLLOW | LOCKLEAF, UIO_USERSPACE, SCARG(uap, path), p);
	if ((error = namei(&nd)) != 0)
		return (error);
	if (SCARG(uap, flags) & 4)
		flags |= VREAD;
	if (SCARG(uap, flags) & 2)
		flags |= VWRITE;
	if (SCARG(uap, flags) & 1)
		flags |= VEXEC;
	if (flags & VWRITE)
		error = vn_writechk(nd.ni_vp);
	if (error == 0 && flags)
		error = VOP_ACCESS(nd.ni_vp, flags, p->p_ucred, p);
	vput(nd.ni_vp);
	return (error);
}

/*
 * getdirentries(fd, buf, count, basep): directory entries in struct
 * dirent form from the file's offset; count must hold one DIRBLKSIZ
 * chunk. *basep gets the offset the read started at.
 */
int
getdirentries(struct proc *p, struct getdirentries_args *uap, register_t *retval)
{
	struct vnode *vp;
	struct file *fp;
	struct uio auio;
	struct iovec aiov;
	long loff;
	int error, eofflag;

	if ((error = getvnode(fdinit(p), SCARG(uap, fd), &fp)) != 0)
		return (error);
	if ((fp->f_flag & FREAD) == 0)
		return (EBADF);
	vp = fp->f_data;
	if (vp->v_type != VDIR)
		return (EINVAL);
	if (SCARG(uap, count) > 0x7fffffff)
		return (EINVAL);
	aiov.iov_base = SCARG(uap, buf);
	aiov.iov_len = SCARG(uap, count);
	auio.uio_iov = &aiov;
	auio.uio_iovcnt = 1;
	auio.uio_rw = UIO_READ;
	auio.uio_segflg = UIO_USERSPACE;
	auio.uio_procp = p;
	auio.uio_resid = SCARG(uap, count);
	VOP_LOCK(vp, 0, p);
	loff = auio.uio_offset = fp->f_offset;
	error = VOP_READDIR(vp, &auio, fp->f_cred, &eofflag, NULL, NULL);
	fp->f_offset = auio.uio_offset;
	VOP_UNLOCK(vp, 0, p);
	if (error)
		return (error);
	if (SCARG(uap, basep) != NULL &&
	    (error = copyout(&loff, SCARG(uap, basep), sizeof(long))) != 0)
		return (error);
	*retval = SCARG(uap, count) - auio.uio_resid;
	return (0);
}
