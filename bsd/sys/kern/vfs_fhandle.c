/*
 * vfs_fhandle.c: system calls that name a file by file handle instead of
 * by path (FreeBSD's fhopen, fhstat, fhreadlink, fhlink, and Molt's
 * fhsync, fhaccess and fhsetattr). They serve file servers that name files by
 * inode, as 4.4BSD's NFS server does with VFS_FHTOVP: the FUSE mount
 * today, Molt's vfs server later. With them a hard link, a file renamed
 * over, or a file unlinked while open stays the same file to its server.
 *
 * Each call copies the handle in, finds its mount (vfs_getvfs) and its
 * vnode (VFS_FHTOVP, locked), and then does what the path call does
 * after its lookup (the shared halves are in vfs_syscalls.c and
 * vfs_vnops.c), so the permission checks are the same. Everything runs
 * under the giant lock.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/file.h>
#include <sys/filedesc.h>
#include <sys/fcntl.h>
#include <sys/stat.h>
#include <sys/mount.h>
#include <sys/vnode.h>
#include <sys/syscallargs.h>

/* The locked, referenced vnode of the user's handle ufhp. */
static int
fhtovp(const struct fhandle *ufhp, struct vnode **vpp)
{
	struct fhandle fh;
	struct mount *mp;
	int error;

	*vpp = NULL;
	if ((error = copyin(ufhp, &fh, sizeof(fh))) != 0)
		return (error);
	if ((mp = vfs_getvfs(&fh.fh_fsid)) == NULL || mp->mnt_op->vfs_fhtovp == NULL)
		return (ESTALE);
	return (VFS_FHTOVP(mp, &fh.fh_fid, NULL, vpp, NULL, NULL));
}

/* fhopen(fhp, flags): a descriptor for the file, opened as open(2) would. */
int
fhopen(struct proc *p, struct fhopen_args *uap, register_t *retval)
{
	struct filedesc *fdp = fdinit(p);
	struct file *fp;
	struct vnode *vp;
	int fmode, error, indx;

	fmode = FFLAGS(SCARG(uap, flags));
	if ((fmode & (FREAD | FWRITE)) == 0 || (fmode & O_CREAT))
		return (EINVAL);
	if ((error = falloc(p, &fp, &indx)) != 0)
		return (error);
	if ((error = fhtovp(SCARG(uap, u_fhp), &vp)) == 0 &&
	    (error = vn_openvp(vp, fmode, p->p_ucred, p)) != 0)
		vput(vp);
	if (error) {
		fdp->fd_ofiles[indx] = NULL;
		ffree(fp);
		return (error);
	}
	fp->f_flag = fmode & FMASK;
	fp->f_type = DTYPE_VNODE;
	fp->f_ops = &vnops;
	fp->f_data = vp;
	VOP_UNLOCK(vp, 0, p);
	*retval = indx;
	return (0);
}

int
fhstat(struct proc *p, struct fhstat_args *uap, register_t *retval)
{
	struct stat sb;
	struct vnode *vp;
	int error;

	if ((error = fhtovp(SCARG(uap, u_fhp), &vp)) != 0)
		return (error);
	error = vn_stat(vp, &sb, p);
	vput(vp);
	if (error)
		return (error);
	return (copyout(&sb, SCARG(uap, sb), sizeof(sb)));
}

int
fhreadlink(struct proc *p, struct fhreadlink_args *uap, register_t *retval)
{
	struct vnode *vp;
	int error;

	if ((error = fhtovp(SCARG(uap, fhp), &vp)) != 0)
		return (error);
	error = readlink1(p, vp, SCARG(uap, buf), SCARG(uap, bufsize), retval);
	vput(vp);
	return (error);
}

/* fhlink(fhp, to): another name, to, for the file. */
int
fhlink(struct proc *p, struct fhlink_args *uap, register_t *retval)
{
	struct vnode *vp;
	int error;

	if ((error = fhtovp(SCARG(uap, fhp), &vp)) != 0)
		return (error);
	VOP_UNLOCK(vp, 0, p);
	error = link1(p, vp, SCARG(uap, to));
	vrele(vp);
	return (error);
}

/* fhsync(fhp, waitfor): VOP_FSYNC (MNT_WAIT: on disk when it returns). */
int
fhsync(struct proc *p, struct fhsync_args *uap, register_t *retval)
{
	struct vnode *vp;
	int error;

	if ((error = fhtovp(SCARG(uap, fhp), &vp)) != 0)
		return (error);
	error = VOP_FSYNC(vp, p->p_ucred, SCARG(uap, waitfor) == MNT_WAIT ? MNT_WAIT : MNT_NOWAIT, p);
	vput(vp);
	return (error);
}

/* fhaccess(fhp, amode): access(2)'s answer for the caller's credentials. */
int
fhaccess(struct proc *p, struct fhaccess_args *uap, register_t *retval)
{
	struct vnode *vp;
	int error, amode = SCARG(uap, amode), mode = 0;

	if (amode & ~7)
		return (EINVAL);
	if (amode & 4)
		mode |= VREAD;
	if (amode & 2)
		mode |= VWRITE;
	if (amode & 1)
		mode |= VEXEC;
	if ((error = fhtovp(SCARG(uap, fhp), &vp)) != 0)
		return (error);
	if (mode & VWRITE)
		error = vn_writechk(vp);
	if (error == 0 && mode != 0)
		error = VOP_ACCESS(vp, mode, p->p_ucred, p);
	vput(vp);
	return (error);
}

/*
 * fhsetattr(fhp, mode, uid, gid, size, tptr): chmod, chown, truncate and
 * utimes in one call (-1 and NULL: unchanged), with their checks.
 */
int
fhsetattr(struct proc *p, struct fhsetattr_args *uap, register_t *retval)
{
	struct timeval tv[2];
	struct vattr va;
	struct vnode *vp;
	int error;

	vattr_null(&va);
	if (SCARG(uap, tptr) != NULL) {
		if ((error = copyin(SCARG(uap, tptr), tv, sizeof(tv))) != 0)
			return (error);
		va.va_atime.tv_sec = tv[0].tv_sec;
		va.va_atime.tv_nsec = tv[0].tv_usec * 1000;
		va.va_mtime.tv_sec = tv[1].tv_sec;
		va.va_mtime.tv_nsec = tv[1].tv_usec * 1000;
		if (va.va_atime.tv_sec == VNOVAL || va.va_mtime.tv_sec == VNOVAL)
			return (EINVAL);
	}
	if (SCARG(uap, mode) != -1)
		va.va_mode = SCARG(uap, mode) & ALLPERMS;
	if (SCARG(uap, uid) != -1)
		va.va_uid = SCARG(uap, uid);
	if (SCARG(uap, gid) != -1)
		va.va_gid = SCARG(uap, gid);
	if (SCARG(uap, size) < -1)
		return (EINVAL);
	if ((error = fhtovp(SCARG(uap, fhp), &vp)) != 0)
		return (error);
	if (SCARG(uap, size) != -1) {
		va.va_size = SCARG(uap, size);
		if (vp->v_type == VDIR)
			error = EISDIR;
		else
			error = VOP_ACCESS(vp, VWRITE, p->p_ucred, p);
	}
	if (error == 0)
		error = setattr_locked(p, vp, &va);
	vput(vp);
	return (error);
}

/*
 * Molt, for a file server in the same address space (the hosted Volume):
 * the referenced, unlocked vnode of the kernel-space handle fhp, to use
 * as a current or root directory for the calls that follow (vrele it).
 */
int
fhvnode(struct fhandle *fhp, struct vnode **vpp)
{
	struct mount *mp;
	int error;

	*vpp = NULL;
	if ((mp = vfs_getvfs(&fhp->fh_fsid)) == NULL || mp->mnt_op->vfs_fhtovp == NULL)
		return (ESTALE);
	if ((error = VFS_FHTOVP(mp, &fhp->fh_fid, NULL, vpp, NULL, NULL)) != 0)
		return (error);
	VOP_UNLOCK(*vpp, 0, curproc);
	return (0);
}
