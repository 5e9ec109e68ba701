/*
 * vfs_vnops.c: vnode operations on behalf of open files and of the
 * system calls: vn_open (namei + create/truncate + VOP_OPEN), vn_close,
 * vn_rdwr (kernel I/O on a vnode), vn_stat, and the fileops of a vnode
 * file (read and write at f_offset, close).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/file.h>
#include <sys/filedesc.h>
#include <sys/stat.h>
#include <sys/mount.h>
#include <sys/namei.h>
#include <sys/vnode.h>
#include <sys/uio.h>

static int vn_read(struct file *fp, struct uio *uio, struct ucred *cred);
static int vn_write(struct file *fp, struct uio *uio, struct ucred *cred);
static int vn_closefile(struct file *fp, struct proc *p);

struct fileops vnops = { vn_read, vn_write, vn_closefile };

/*
 * Opens the file ndp names with fmode (FREAD|FWRITE|O_CREAT|...),
 * creating it with cmode if asked. Returns it locked in ni_vp.
 */
int
vn_open(struct nameidata *ndp, int fmode, int cmode)
{
	struct vnode *vp;
	struct proc *p = ndp->ni_cnd.cn_proc;
	struct ucred *cred = p->p_ucred;
	struct vattr va;
	int error;

	if (fmode & O_CREAT) {
		ndp->ni_cnd.cn_nameiop = CREATE;
		ndp->ni_cnd.cn_flags = LOCKPARENT | LOCKLEAF;
		if ((fmode & O_EXCL) == 0 && (fmode & O_NOFOLLOW) == 0)
			ndp->ni_cnd.cn_flags |= FOLLOW;
		if ((error = namei(ndp)) != 0)
			return (error);
		if (ndp->ni_vp == NULL) {
			vattr_null(&va);
			va.va_type = VREG;
			va.va_mode = cmode;
			error = VOP_CREATE(ndp->ni_dvp, &ndp->ni_vp, &ndp->ni_cnd, &va);
			if (error)
				return (error);
			fmode &= ~O_TRUNC;
			vp = ndp->ni_vp;
		} else {
			VOP_ABORTOP(ndp->ni_dvp, &ndp->ni_cnd);
			if (ndp->ni_dvp == ndp->ni_vp)
				vrele(ndp->ni_dvp);
			else
				vput(ndp->ni_dvp);
			ndp->ni_dvp = NULL;
			vp = ndp->ni_vp;
			if (fmode & O_EXCL) {
				error = EEXIST;
				goto bad;
			}
			fmode &= ~O_CREAT;
		}
	} else {
		ndp->ni_cnd.cn_nameiop = LOOKUP;
		ndp->ni_cnd.cn_flags = LOCKLEAF |
		    ((fmode & O_NOFOLLOW) ? NOFOLLOW : FOLLOW);
		if ((error = namei(ndp)) != 0)
			return (error);
		vp = ndp->ni_vp;
	}
	if ((error = vn_openvp(vp, fmode, cred, p)) != 0)
		goto bad;
	return (0);
bad:
	vput(vp);
	ndp->ni_vp = NULL;
	return (error);
}

/*
 * The checks and steps of opening the locked vnode vp with fmode (the
 * part of vn_open after the name is found; fhopen uses it too): type,
 * access, O_TRUNC, VOP_OPEN. vp stays locked and referenced either way.
 */
int
vn_openvp(struct vnode *vp, int fmode, struct ucred *cred, struct proc *p)
{
	struct vattr va;
	int error;

	if (vp->v_type == VLNK)
		return (ELOOP);
	if ((fmode & O_DIRECTORY) && vp->v_type != VDIR)
		return (ENOTDIR);
	if ((fmode & O_CREAT) == 0) {
		if ((fmode & FREAD) && (error = VOP_ACCESS(vp, VREAD, cred, p)) != 0)
			return (error);
		if (fmode & (FWRITE | O_TRUNC)) {
			if (vp->v_type == VDIR)
				return (EISDIR);
			if ((error = vn_writechk(vp)) != 0 ||
			    (error = VOP_ACCESS(vp, VWRITE, cred, p)) != 0)
				return (error);
		}
	}
	if (fmode & O_TRUNC) {
		vattr_null(&va);
		va.va_size = 0;
		if ((error = VOP_SETATTR(vp, &va, cred, p)) != 0)
			return (error);
	}
	if ((error = VOP_OPEN(vp, fmode, cred, p)) != 0)
		return (error);
	if (fmode & FWRITE)
		vp->v_writecount++;
	return (0);
}

/* May vp be written? (Not on a read-only mount.) */
int
vn_writechk(struct vnode *vp)
{
	if (vp->v_mount != NULL && (vp->v_mount->mnt_flag & MNT_RDONLY) &&
	    (vp->v_type == VREG || vp->v_type == VDIR || vp->v_type == VLNK))
		return (EROFS);
	return (0);
}

int
vn_close(struct vnode *vp, int flags, struct ucred *cred, struct proc *p)
{
	int error;

	if (flags & FWRITE)
		vp->v_writecount--;
	error = VOP_CLOSE(vp, flags, cred, p);
	vrele(vp);
	return (error);
}

/* Kernel I/O on a vnode: len bytes at offset, to or from base. */
int
vn_rdwr(enum uio_rw rw, struct vnode *vp, caddr_t base, int len, off_t offset,
    enum uio_seg segflg, int ioflg, struct ucred *cred, int *aresid, struct proc *p)
{
	struct uio auio;
	struct iovec aiov;
	int error;

	if ((ioflg & IO_NODELOCKED) == 0)
		VOP_LOCK(vp, 0, p);
	aiov.iov_base = base;
	aiov.iov_len = len;
	auio.uio_iov = &aiov;
	auio.uio_iovcnt = 1;
	auio.uio_resid = len;
	auio.uio_offset = offset;
	auio.uio_segflg = segflg;
	auio.uio_rw = rw;
	auio.uio_procp = p;
	if (rw == UIO_READ)
		error = VOP_READ(vp, &auio, ioflg, cred);
	else
		error = VOP_WRITE(vp, &auio, ioflg, cred);
	if (aresid)
		*aresid = auio.uio_resid;
	else if (auio.uio_resid && error == 0)
		error = EIO;
	if ((ioflg & IO_NODELOCKED) == 0)
		VOP_UNLOCK(vp, 0, p);
	return (error);
}

static int
vn_read(struct file *fp, struct uio *uio, struct ucred *cred)
{
	struct vnode *vp = fp->f_data;
	struct proc *p = uio->uio_procp;
	int count, error;

	VOP_LOCK(vp, 0, p);
	uio->uio_offset = fp->f_offset;
	count = uio->uio_resid;
	error = VOP_READ(vp, uio, (fp->f_flag & FNONBLOCK) ? IO_NDELAY : 0, cred);
	fp->f_offset += count - uio->uio_resid;
	VOP_UNLOCK(vp, 0, p);
	return (error);
}

static int
vn_write(struct file *fp, struct uio *uio, struct ucred *cred)
{
	struct vnode *vp = fp->f_data;
	struct proc *p = uio->uio_procp;
	int count, error, ioflag = 0;

	if (vp->v_type == VREG && (fp->f_flag & O_APPEND))
		ioflag |= IO_APPEND;
	if (fp->f_flag & FFSYNC)
		ioflag |= IO_SYNC;
	VOP_LOCK(vp, 0, p);
	uio->uio_offset = fp->f_offset;
	count = uio->uio_resid;
	error = VOP_WRITE(vp, uio, ioflag, cred);
	if (ioflag & IO_APPEND)
		fp->f_offset = uio->uio_offset;
	else
		fp->f_offset += count - uio->uio_resid;
	VOP_UNLOCK(vp, 0, p);
	return (error);
}

static int
vn_closefile(struct file *fp, struct proc *p)
{
	return (vn_close(fp->f_data, fp->f_flag, fp->f_cred, p));
}

int
vn_stat(struct vnode *vp, struct stat *sb, struct proc *p)
{
	struct vattr va;
	int error, mode;

	if ((error = VOP_GETATTR(vp, &va, p->p_ucred, p)) != 0)
		return (error);
	bzero(sb, sizeof(*sb));
	mode = va.va_mode;
	switch (vp->v_type) {
	case VREG: mode |= S_IFREG; break;
	case VDIR: mode |= S_IFDIR; break;
	case VBLK: mode |= S_IFBLK; break;
	case VCHR: mode |= S_IFCHR; break;
	case VLNK: mode |= S_IFLNK; break;
	case VSOCK: mode |= S_IFSOCK; break;
	case VFIFO: mode |= S_IFIFO; break;
	default: return (EBADF);
	}
	sb->st_dev = (dev_t)va.va_fsid;
	sb->st_ino = (ino_t)va.va_fileid;
	sb->st_mode = (mode_t)mode;
	sb->st_nlink = (nlink_t)va.va_nlink;
	sb->st_uid = va.va_uid;
	sb->st_gid = va.va_gid;
	sb->st_rdev = va.va_rdev;
	sb->st_size = (off_t)va.va_size;
	sb->st_atimespec = va.va_atime;
	sb->st_mtimespec = va.va_mtime;
	sb->st_ctimespec = va.va_ctime;
	sb->st_blksize = (u_int32_t)va.va_blocksize;
	sb->st_flags = (u_int32_t)va.va_flags;
	sb->st_gen = (u_int32_t)va.va_gen;
	sb->st_blocks = (int64_t)(va.va_bytes / DEV_BSIZE);
	return (0);
}

/*
 * Lock a vnode (Lite2's vn_lock): wait out a vnode being reclaimed
 * (VXLOCK) and fail with ENOENT, unless LK_RETRY asks to lock it anyway
 * once the reclaim is over (the caller then finds it dead); otherwise
 * VOP_LOCK's answer.  Unlike Lite2, LK_RETRY does not retry a VOP_LOCK
 * that failed (with LK_NOWAIT that would spin).
 */
int
vn_lock(struct vnode *vp, int flags, struct proc *p)
{
	while (vp->v_flag & VXLOCK) {
		vp->v_flag |= VXWANT;
		tsleep(vp, PINOD, "vn_lock", 0);
		if ((flags & LK_RETRY) == 0)
			return ENOENT;
	}
	return VOP_LOCK(vp, flags & ~LK_RETRY, p);
}
