/*
 * ufs_vnops.c: the vnode operations UFS implements on top of FFS's
 * allocation and I/O: create, mkdir, symlink, link, remove, rmdir,
 * rename, attributes, access, readdir, readlink, locking, bmap/strategy.
 *
 * Conventions (4.4BSD's): operations that take a directory with
 * WILLRELE release it (vput) whatever happens; a created vnode is
 * returned locked; the name buffer is freed unless SAVESTART.
 *
 * Ordering (4.4BSD-Lite2's synchronous metadata, what FFS needs to be
 * repairable after a crash): an inode is written (VOP_UPDATE waiting)
 * before the first name that refers to it, and a link count is raised
 * on disk before a new name is entered; names are removed (written)
 * before the count drops. A crash therefore leaves at most inodes with
 * more links than names, or with none (fsck clears or reconnects them),
 * never a name for a missing inode. Cylinder groups and the summary
 * are written later (fsck rebuilds them).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/malloc.h>
#include <sys/buf.h>
#include <sys/mount.h>
#include <sys/namei.h>
#include <sys/vnode.h>
#include <sys/stat.h>
#include <sys/dirent.h>
#include <sys/uio.h>
#include <sys/kernel.h>
#include <miscfs/specfs/specdev.h>
#include <ufs/ufs/inode.h>
#include <ufs/ufs/dir.h>
#include <ufs/ufs/ufsmount.h>
#include <ufs/ufs/ufs_extern.h>
#include <ufs/ffs/fs.h>

#define LINK_MAX	32767
#define UFS_TIME_FITS(t)	((t) >= -2147483647L - 1 && (t) <= 2147483647L)

static void
freename(struct componentname *cnp)
{
	if ((cnp->cn_flags & SAVESTART) == 0 && (cnp->cn_flags & HASBUF)) {
		free(cnp->cn_pnbuf, M_NAMEI);
		cnp->cn_flags &= ~HASBUF;
	}
}

/* Releases a directory passed with WILLRELE, and its name buffer. */
static void
release_dir(struct vnode *dvp, struct componentname *cnp)
{
	freename(cnp);
	vput(dvp);
}

/*
 * Allocates an inode of mode in dvp, enters it under cnp's name and
 * returns its vnode locked in *vpp. Releases dvp.
 */
static int
ufs_makeinode(int mode, struct vnode *dvp, struct vnode **vpp, struct componentname *cnp)
{
	struct inode *ip, *pdir = VTOI(dvp);
	struct vnode *tvp;
	int error;

	*vpp = NULL;
	if ((mode & IFMT) == 0)
		mode |= IFREG;
	if ((error = VOP_VALLOC(dvp, mode, cnp->cn_cred, &tvp)) != 0) {
		release_dir(dvp, cnp);
		return (error);
	}
	ip = VTOI(tvp);
	ip->i_gid = pdir->i_gid;
	ip->i_uid = cnp->cn_cred->cr_uid;
	ip->i_flag |= IN_ACCESS | IN_CHANGE | IN_UPDATE;
	ip->i_mode = mode;
	tvp->v_type = IFTOVT(mode);
	ip->i_nlink = 1;
	if ((error = VOP_UPDATE(tvp, NULL, NULL, 1)) != 0 ||
	    (error = ufs_direnter(ip, dvp, cnp)) != 0) {
		ip->i_nlink = 0;
		ip->i_flag |= IN_CHANGE;
		vput(tvp);
		release_dir(dvp, cnp);
		return (error);
	}
	release_dir(dvp, cnp);
	*vpp = tvp;
	return (0);
}

int
ufs_create(void *v)
{
	struct vop_create_args *ap = v;

	return (ufs_makeinode(MAKEIMODE(ap->a_vap->va_type, ap->a_vap->va_mode),
	    ap->a_dvp, ap->a_vpp, ap->a_cnp));
}

/* A special file: fifo, socket, character or block device. */
int
ufs_mknod(void *v)
{
	struct vop_mknod_args *ap = v;
	struct vattr *vap = ap->a_vap;
	struct inode *ip;
	int error;

	if (vap->va_type != VCHR && vap->va_type != VBLK && vap->va_type != VFIFO &&
	    vap->va_type != VSOCK) {
		release_dir(ap->a_dvp, ap->a_cnp);
		return (EINVAL);
	}
	error = ufs_makeinode(MAKEIMODE(vap->va_type, vap->va_mode), ap->a_dvp,
	    ap->a_vpp, ap->a_cnp);
	if (error)
		return (error);
	ip = VTOI(*ap->a_vpp);
	if (vap->va_rdev != (dev_t)VNOVAL) {
		ip->i_rdev = vap->va_rdev;
		ip->i_flag |= IN_ACCESS | IN_CHANGE | IN_UPDATE;
		error = VOP_UPDATE(*ap->a_vpp, NULL, NULL, 1);
	}
	vput(*ap->a_vpp);
	*ap->a_vpp = NULL;
	return (error);
}

int
ufs_open(void *v)
{
	return (0);
}

int
ufs_close(void *v)
{
	struct vop_close_args *ap = v;
	struct vnode *vp = ap->a_vp;

	if (vp->v_usecount > 1 && VTOI(vp)->i_flag & (IN_ACCESS | IN_CHANGE | IN_UPDATE))
		ITIMES(VTOI(vp), &time, &time);
	return (0);
}

int
ufs_access(void *v)
{
	struct vop_access_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);

	if ((ap->a_mode & VWRITE) && (vp->v_mount->mnt_flag & MNT_RDONLY) &&
	    (vp->v_type == VREG || vp->v_type == VDIR || vp->v_type == VLNK))
		return (EROFS);
	return (vaccess(ip->i_mode, ip->i_uid, ip->i_gid, ap->a_mode, ap->a_cred));
}

int
ufs_getattr(void *v)
{
	struct vop_getattr_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);
	struct vattr *vap = ap->a_vap;

	ITIMES(ip, &time, &time);
	vap->va_fsid = ip->i_dev;
	vap->va_fileid = ip->i_number;
	vap->va_mode = ip->i_mode & ~IFMT;
	vap->va_nlink = ip->i_nlink;
	vap->va_uid = ip->i_uid;
	vap->va_gid = ip->i_gid;
	vap->va_rdev = (dev_t)ip->i_rdev;
	vap->va_size = ip->i_size;
	vap->va_atime.tv_sec = ip->i_atime;
	vap->va_atime.tv_nsec = ip->i_atimensec;
	vap->va_mtime.tv_sec = ip->i_mtime;
	vap->va_mtime.tv_nsec = ip->i_mtimensec;
	vap->va_ctime.tv_sec = ip->i_ctime;
	vap->va_ctime.tv_nsec = ip->i_ctimensec;
	vap->va_flags = ip->i_flags;
	vap->va_gen = ip->i_gen;
	vap->va_blocksize = ip->i_fs->fs_bsize;
	vap->va_type = vp->v_type;
	vap->va_filerev = 0;
	vap->va_bytes = dbtob((u_quad_t)(u_int32_t)ip->i_blocks);
	return (0);
}

/* chmod, chown, truncate, utimes, through one operation. */
int
ufs_setattr(void *v)
{
	struct vop_setattr_args *ap = v;
	struct vattr *vap = ap->a_vap;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);
	struct ucred *cred = ap->a_cred;
	int error, rdonly = vp->v_mount->mnt_flag & MNT_RDONLY;

	if (vap->va_type != VNON || vap->va_nlink != (short)VNOVAL ||
	    vap->va_fsid != VNOVAL || vap->va_fileid != VNOVAL ||
	    vap->va_blocksize != VNOVAL || vap->va_rdev != (dev_t)VNOVAL ||
	    vap->va_bytes != (u_quad_t)VNOVAL || vap->va_gen != (u_long)VNOVAL)
		return (EINVAL);
	if (vap->va_uid != (uid_t)VNOVAL || vap->va_gid != (gid_t)VNOVAL) {
		uid_t uid = vap->va_uid == (uid_t)VNOVAL ? ip->i_uid : vap->va_uid;
		gid_t gid = vap->va_gid == (gid_t)VNOVAL ? ip->i_gid : vap->va_gid;

		if (rdonly)
			return (EROFS);
		if ((cred->cr_uid != ip->i_uid || uid != ip->i_uid ||
		    (gid != ip->i_gid && !groupmember(gid, cred))) &&
		    (error = suser(cred, NULL)) != 0)
			return (error);
		ip->i_uid = uid;
		ip->i_gid = gid;
		if (cred->cr_uid != 0)
			ip->i_mode &= ~(ISUID | ISGID);
		ip->i_flag |= IN_CHANGE;
	}
	if (vap->va_size != (u_quad_t)VNOVAL) {
		if (vp->v_type == VDIR)
			return (EISDIR);
		if (rdonly)
			return (EROFS);
		if ((error = VOP_TRUNCATE(vp, (off_t)vap->va_size, 0, cred, ap->a_p)) != 0)
			return (error);
	}
	if (vap->va_atime.tv_sec != VNOVAL || vap->va_mtime.tv_sec != VNOVAL) {
		if (rdonly)
			return (EROFS);
		/* UFS1 keeps seconds in 32 bits: refuse what would not fit. */
		if ((vap->va_atime.tv_sec != VNOVAL && !UFS_TIME_FITS(vap->va_atime.tv_sec)) ||
		    (vap->va_mtime.tv_sec != VNOVAL && !UFS_TIME_FITS(vap->va_mtime.tv_sec)))
			return (EOVERFLOW);
		if (cred->cr_uid != ip->i_uid && (error = suser(cred, NULL)) != 0 &&
		    (error = VOP_ACCESS(vp, VWRITE, cred, ap->a_p)) != 0)
			return (error);
		if (vap->va_atime.tv_sec != VNOVAL) {
			ip->i_atime = (int32_t)vap->va_atime.tv_sec;
			ip->i_atimensec = (int32_t)vap->va_atime.tv_nsec;
		}
		if (vap->va_mtime.tv_sec != VNOVAL) {
			ip->i_mtime = (int32_t)vap->va_mtime.tv_sec;
			ip->i_mtimensec = (int32_t)vap->va_mtime.tv_nsec;
		}
		ip->i_flag |= IN_CHANGE | IN_MODIFIED;
		ip->i_flag &= ~(IN_ACCESS | IN_UPDATE);
	}
	if (vap->va_mode != (mode_t)VNOVAL) {
		if (rdonly)
			return (EROFS);
		if (cred->cr_uid != ip->i_uid && (error = suser(cred, NULL)) != 0)
			return (error);
		ip->i_mode &= ~ALLPERMS;
		ip->i_mode |= vap->va_mode & ALLPERMS;
		ip->i_flag |= IN_CHANGE;
	}
	return (VOP_UPDATE(vp, NULL, NULL, 0));
}

int
ufs_remove(void *v)
{
	struct vop_remove_args *ap = v;
	struct vnode *vp = ap->a_vp, *dvp = ap->a_dvp;
	struct inode *ip = VTOI(vp);
	int error;

	if (vp->v_type == VDIR)
		error = EPERM;
	else if ((error = ufs_dirremove(dvp, ap->a_cnp)) == 0) {
		ip->i_nlink--;
		ip->i_flag |= IN_CHANGE;
	}
	if (dvp == vp)
		vrele(vp);
	else
		vput(vp);
	release_dir(dvp, ap->a_cnp);
	return (error);
}

int
ufs_link(void *v)
{
	struct vop_link_args *ap = v;
	struct vnode *dvp = ap->a_dvp, *vp = ap->a_vp;
	struct componentname *cnp = ap->a_cnp;
	struct inode *ip;
	int error;

	if (vp->v_mount != dvp->v_mount) {
		VOP_ABORTOP(dvp, cnp);
		vput(dvp);
		return (EXDEV);
	}
	if (vp != dvp)
		VOP_LOCK(vp, 0, cnp->cn_proc);
	ip = VTOI(vp);
	if ((nlink_t)ip->i_nlink >= LINK_MAX) {
		error = EMLINK;
		goto out;
	}
	ip->i_nlink++;
	ip->i_flag |= IN_CHANGE;
	error = VOP_UPDATE(vp, NULL, NULL, 1);
	if (error == 0)
		error = ufs_direnter(ip, dvp, cnp);
	if (error) {
		ip->i_nlink--;
		ip->i_flag |= IN_CHANGE;
	}
out:
	if (vp != dvp)
		VOP_UNLOCK(vp, 0, cnp->cn_proc);
	release_dir(dvp, cnp);
	return (error);
}

/* Points the ".." of directory vp (locked) at parent. */
static int
ufs_setdotdot(struct vnode *vp, ino_t parent, struct ucred *cred)
{
	struct dirtemplate dirbuf;
	int error;

	error = vn_rdwr(UIO_READ, vp, (caddr_t)&dirbuf, sizeof(dirbuf), (off_t)0,
	    UIO_SYSSPACE, IO_NODELOCKED, cred, NULL, NULL);
	if (error)
		return (error);
	if (dirbuf.dotdot_namlen != 2 || dirbuf.dotdot_name[0] != '.' ||
	    dirbuf.dotdot_name[1] != '.')
		return (EIO);
	dirbuf.dotdot_ino = parent;
	return (vn_rdwr(UIO_WRITE, vp, (caddr_t)&dirbuf, sizeof(dirbuf), (off_t)0,
	    UIO_SYSSPACE, IO_NODELOCKED | IO_SYNC, cred, NULL, NULL));
}

/*
 * rename(from, to). On entry fdvp and fvp are referenced and unlocked,
 * tdvp is locked, tvp (if any) is locked; all four are released.
 * Steps: hold an extra link on the source; enter (or rewrite) the
 * target name; look the source name up again and remove it; for a
 * directory moved to a new parent, fix its ".." and the link counts.
 */
int
ufs_rename(void *v)
{
	struct vop_rename_args *ap = v;
	struct vnode *tvp = ap->a_tvp, *tdvp = ap->a_tdvp;
	struct vnode *fvp = ap->a_fvp, *fdvp = ap->a_fdvp, *nfvp;
	struct componentname *tcnp = ap->a_tcnp, *fcnp = ap->a_fcnp;
	struct proc *p = fcnp->cn_proc;
	struct inode *ip, *xp = NULL, *dp;
	int doingdirectory = 0, newparent, error = 0;
	ino_t newparentino;

	if (fvp->v_mount != tdvp->v_mount || (tvp && fvp->v_mount != tvp->v_mount)) {
		error = EXDEV;
		goto abortit;
	}
	ip = VTOI(fvp);
	if (fvp->v_type == VDIR) {
		if ((fcnp->cn_namelen == 1 && fcnp->cn_nameptr[0] == '.') ||
		    fdvp == fvp || (fcnp->cn_flags & ISDOTDOT) ||
		    (ip->i_flag & IN_RENAME)) {
			error = EINVAL;
			goto abortit;
		}
		doingdirectory = 1;
	}
	dp = VTOI(tdvp);
	newparentino = dp->i_number;
	newparent = VTOI(fdvp)->i_number != dp->i_number;
	if (doingdirectory && newparent) {
		VOP_LOCK(fvp, 0, p);
		error = VOP_ACCESS(fvp, VWRITE, tcnp->cn_cred, p);
		VOP_UNLOCK(fvp, 0, p);
		if (error == 0)
			error = ufs_checkpath(ip, dp, tcnp->cn_cred);
		if (error)
			goto abortit;
	}
	ip->i_flag |= IN_RENAME;

	/* 1: an extra link while both names may exist. */
	ip->i_nlink++;
	ip->i_flag |= IN_CHANGE;
	if ((error = VOP_UPDATE(fvp, NULL, NULL, 1)) != 0)
		goto bad;

	/* 2: the target name. */
	xp = tvp ? VTOI(tvp) : NULL;
	if (xp == NULL) {
		if (doingdirectory && newparent) {
			dp->i_nlink++;
			dp->i_flag |= IN_CHANGE;
			if ((error = VOP_UPDATE(tdvp, NULL, NULL, 1)) != 0)
				goto bad;
		}
		if ((error = ufs_direnter(ip, tdvp, tcnp)) != 0) {
			if (doingdirectory && newparent) {
				dp->i_nlink--;
				dp->i_flag |= IN_CHANGE;
			}
			goto bad;
		}
		vput(tdvp);
	} else {
		if ((dp->i_mode & ISVTX) && tcnp->cn_cred->cr_uid != 0 &&
		    tcnp->cn_cred->cr_uid != dp->i_uid && xp->i_uid != tcnp->cn_cred->cr_uid) {
			error = EPERM;
			goto bad;
		}
		if ((xp->i_mode & IFMT) == IFDIR) {
			if (!ufs_dirempty(xp, dp->i_number, tcnp->cn_cred) || xp->i_nlink > 2) {
				error = ENOTEMPTY;
				goto bad;
			}
			if (!doingdirectory) {
				error = ENOTDIR;
				goto bad;
			}
		} else if (doingdirectory) {
			error = EISDIR;
			goto bad;
		}
		if ((error = ufs_dirrewrite(dp, ip, tcnp)) != 0)
			goto bad;
		/* The replaced directory's ".." no longer counts against dp. */
		if (doingdirectory && !newparent) {
			dp->i_nlink--;
			dp->i_flag |= IN_CHANGE;
		}
		vput(tdvp);
		xp->i_nlink--;
		if (doingdirectory) {
			xp->i_nlink--;
			error = VOP_TRUNCATE(tvp, (off_t)0, IO_SYNC, tcnp->cn_cred, p);
		}
		xp->i_flag |= IN_CHANGE;
		vput(tvp);
		xp = NULL;
	}
	tdvp = tvp = NULL;

	/* 3: the source name, found again. */
	fcnp->cn_flags &= ~MODMASK;
	fcnp->cn_flags |= LOCKPARENT | LOCKLEAF;
	fcnp->cn_nameiop = DELETE;
	error = relookup(fdvp, &nfvp, fcnp);
	if (error == 0 && nfvp == NULL) {
		VOP_UNLOCK(fdvp, 0, p);
		error = ENOENT;
	}
	if (error) {
		/* The source vanished meanwhile: the new name stays. */
		vrele(fdvp);
		ip->i_nlink--;
		ip->i_flag = (ip->i_flag | IN_CHANGE) & ~IN_RENAME;
		vrele(fvp);
		return (error == ENOENT ? 0 : error);
	}
	xp = VTOI(nfvp);
	dp = VTOI(fdvp);
	if (xp == ip) {
		if (doingdirectory && newparent) {
			dp->i_nlink--;
			dp->i_flag |= IN_CHANGE;
			error = ufs_setdotdot(nfvp, newparentino, fcnp->cn_cred);
		}
		if (ufs_dirremove(fdvp, fcnp) == 0) {
			xp->i_nlink--;
			xp->i_flag |= IN_CHANGE;
		}
	}
	ip->i_flag &= ~IN_RENAME;
	vput(fdvp);
	vput(nfvp);
	vrele(fvp);
	return (error);

bad:
	if (xp)
		vput(tvp);
	vput(tdvp);
	ip->i_nlink--;
	ip->i_flag = (ip->i_flag | IN_CHANGE) & ~IN_RENAME;
	vrele(fdvp);
	vrele(fvp);
	return (error);

abortit:
	VOP_ABORTOP(tdvp, tcnp);
	if (tdvp == tvp)
		vrele(tdvp);
	else
		vput(tdvp);
	if (tvp)
		vput(tvp);
	VOP_ABORTOP(fdvp, fcnp);
	vrele(fdvp);
	vrele(fvp);
	return (error);
}

static struct dirtemplate mastertemplate = {
	0, 12, DT_DIR, 1, ".",
	0, DIRBLKSIZ - 12, DT_DIR, 2, ".."
};

int
ufs_mkdir(void *v)
{
	struct vop_mkdir_args *ap = v;
	struct vnode *dvp = ap->a_dvp, *tvp;
	struct componentname *cnp = ap->a_cnp;
	struct inode *ip, *dp = VTOI(dvp);
	struct dirtemplate dirtemplate;
	char *chunk;
	int error, dmode;

	if ((nlink_t)dp->i_nlink >= LINK_MAX) {
		release_dir(dvp, cnp);
		return (EMLINK);
	}
	dmode = (ap->a_vap->va_mode & 0777) | IFDIR;
	if ((error = VOP_VALLOC(dvp, dmode, cnp->cn_cred, &tvp)) != 0) {
		release_dir(dvp, cnp);
		return (error);
	}
	ip = VTOI(tvp);
	ip->i_uid = cnp->cn_cred->cr_uid;
	ip->i_gid = dp->i_gid;
	ip->i_flag |= IN_ACCESS | IN_CHANGE | IN_UPDATE;
	ip->i_mode = dmode;
	tvp->v_type = VDIR;
	ip->i_nlink = 2;

	/*
	 * The first chunk (".", ".." and empty space), then the inode
	 * (IO_SYNC writes both), then the parent's raised link count, all
	 * on disk before the name that makes the directory reachable.
	 */
	dirtemplate = mastertemplate;
	dirtemplate.dot_ino = ip->i_number;
	dirtemplate.dotdot_ino = dp->i_number;
	chunk = malloc(DIRBLKSIZ, M_TEMP, M_WAITOK);
	bzero(chunk, DIRBLKSIZ);
	bcopy(&dirtemplate, chunk, sizeof(dirtemplate));
	error = vn_rdwr(UIO_WRITE, tvp, chunk, DIRBLKSIZ, (off_t)0, UIO_SYSSPACE,
	    IO_NODELOCKED | IO_SYNC | IO_UNIT, cnp->cn_cred, NULL, NULL);
	free(chunk, M_TEMP);
	/* The parent gains a link from our "..". */
	dp->i_nlink++;
	dp->i_flag |= IN_CHANGE;
	if (error == 0)
		error = VOP_UPDATE(dvp, NULL, NULL, 1);
	if (error == 0)
		error = ufs_direnter(ip, dvp, cnp);
	if (error) {
		dp->i_nlink--;
		dp->i_flag |= IN_CHANGE;
		ip->i_nlink = 0;
		ip->i_flag |= IN_CHANGE;
		vput(tvp);
	} else
		*ap->a_vpp = tvp;
	release_dir(dvp, cnp);
	return (error);
}

int
ufs_rmdir(void *v)
{
	struct vop_rmdir_args *ap = v;
	struct vnode *vp = ap->a_vp, *dvp = ap->a_dvp;
	struct componentname *cnp = ap->a_cnp;
	struct inode *ip = VTOI(vp), *dp = VTOI(dvp);
	int error;

	if (dp == ip) {
		vrele(dvp);
		vput(vp);
		freename(cnp);
		return (EINVAL);
	}
	if (ip->i_nlink != 2 || !ufs_dirempty(ip, dp->i_number, cnp->cn_cred)) {
		error = ENOTEMPTY;
		goto out;
	}
	if ((error = ufs_dirremove(dvp, cnp)) != 0)
		goto out;
	dp->i_nlink--;
	dp->i_flag |= IN_CHANGE;
	release_dir(dvp, cnp);
	dvp = NULL;
	ip->i_nlink -= 2;
	ip->i_flag |= IN_CHANGE;
	error = VOP_TRUNCATE(vp, (off_t)0, IO_SYNC, cnp->cn_cred, cnp->cn_proc);
out:
	if (dvp)
		release_dir(dvp, cnp);
	vput(vp);
	return (error);
}

int
ufs_symlink(void *v)
{
	struct vop_symlink_args *ap = v;
	struct vnode *vp, **vpp = ap->a_vpp;
	struct inode *ip;
	int len, error;

	error = ufs_makeinode(IFLNK | ap->a_vap->va_mode, ap->a_dvp, vpp, ap->a_cnp);
	if (error)
		return (error);
	vp = *vpp;
	len = strlen(ap->a_target);
	if (len < vp->v_mount->mnt_maxsymlinklen) {
		ip = VTOI(vp);
		bcopy(ap->a_target, (char *)ip->i_shortlink, len);
		ip->i_size = len;
		ip->i_flag |= IN_CHANGE | IN_UPDATE;
		error = VOP_UPDATE(vp, NULL, NULL, 1);
	} else
		error = vn_rdwr(UIO_WRITE, vp, ap->a_target, len, (off_t)0,
		    UIO_SYSSPACE, IO_NODELOCKED | IO_SYNC, ap->a_cnp->cn_cred, NULL, NULL);
	vput(vp);
	return (error);
}

/*
 * The on-disk directory format is struct dirent's, so reading a
 * directory is reading its file, whole DIRBLKSIZ chunks at a time. The
 * caller checks the entries it gets (they come from the disk).
 */
int
ufs_readdir(void *v)
{
	struct vop_readdir_args *ap = v;
	struct uio *uio = ap->a_uio;
	struct inode *ip = VTOI(ap->a_vp);
	int count, lost, error;

	count = uio->uio_resid & ~(DIRBLKSIZ - 1);
	if (count <= 0 || (uio->uio_offset & (DIRBLKSIZ - 1)) || uio->uio_iovcnt != 1)
		return (EINVAL);
	lost = uio->uio_resid - count;
	uio->uio_resid = count;
	uio->uio_iov->iov_len = count;
	error = VOP_READ(ap->a_vp, uio, 0, ap->a_cred);
	uio->uio_resid += lost;
	if (ap->a_eofflag)
		*ap->a_eofflag = (u_quad_t)uio->uio_offset >= ip->i_size;
	return (error);
}

int
ufs_readlink(void *v)
{
	struct vop_readlink_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);
	u_int64_t isize = ip->i_size;

	if (isize < (u_int64_t)vp->v_mount->mnt_maxsymlinklen ||
	    (vp->v_mount->mnt_maxsymlinklen == 0 && ip->i_blocks == 0)) {
		if (isize > MAXSYMLINKLEN)
			return (EIO);
		return (uiomove((char *)ip->i_shortlink, (int)isize, ap->a_uio));
	}
	if (isize >= MAXPATHLEN)
		return (EIO);
	return (VOP_READ(vp, ap->a_uio, 0, ap->a_cred));
}

int
ufs_abortop(void *v)
{
	struct vop_abortop_args *ap = v;

	freename(ap->a_cnp);
	return (0);
}

/* The vnode lock: IN_LOCKED, with sleepers on the inode. */
int
ufs_lock(void *v)
{
	struct vop_lock_args *ap = v;
	struct inode *ip = VTOI(ap->a_vp);

	if (ip == NULL)
		return (0);
	while (ip->i_flag & IN_LOCKED) {
		ip->i_flag |= IN_WANTED;
		tsleep(ip, PINOD, "inode", 0);
		if (VTOI(ap->a_vp) != ip)
			return (ENOENT);
	}
	ip->i_flag |= IN_LOCKED;
	return (0);
}

int
ufs_unlock(void *v)
{
	struct vop_unlock_args *ap = v;
	struct inode *ip = VTOI(ap->a_vp);

	if (ip == NULL)
		return (0);
	if ((ip->i_flag & IN_LOCKED) == 0)
		panic("ufs_unlock: inode %lu not locked", (u_long)ip->i_number);
	ip->i_flag &= ~IN_LOCKED;
	if (ip->i_flag & IN_WANTED) {
		ip->i_flag &= ~IN_WANTED;
		wakeup(ip);
	}
	return (0);
}

int
ufs_islocked(void *v)
{
	struct vop_islocked_args *ap = v;

	return (VTOI(ap->a_vp) != NULL && (VTOI(ap->a_vp)->i_flag & IN_LOCKED) != 0);
}

/* File I/O: map the logical block, then hand the buffer to the device. */
int
ufs_strategy(void *v)
{
	struct vop_strategy_args *ap = v;
	struct buf *bp = ap->a_bp;
	struct vnode *vp = bp->b_vp;
	struct inode *ip = VTOI(vp);
	int error;

	if (bp->b_blkno == bp->b_lblkno) {
		error = VOP_BMAP(vp, bp->b_lblkno, NULL, &bp->b_blkno, NULL);
		if (error) {
			bp->b_error = error;
			bp->b_flags |= B_ERROR;
			biodone(bp);
			return (error);
		}
		if (bp->b_blkno == -1)
			clrbuf(bp);
	}
	if (bp->b_blkno == -1) {
		if ((bp->b_flags & B_READ) == 0)
			panic("ufs_strategy: write to a hole");
		biodone(bp);
		return (0);
	}
	vp = ip->i_devvp;
	bp->b_dev = vp->v_rdev;
	return (VOCALL(vp->v_op, VOFFSET(vop_strategy), ap));
}

int
ufs_print(void *v)
{
	struct vop_print_args *ap = v;
	struct inode *ip = VTOI(ap->a_vp);

	printf("tag VT_UFS, ino %lu, mode 0%o, size %llu%s\n", (u_long)ip->i_number,
	    ip->i_mode, (unsigned long long)ip->i_size,
	    (ip->i_flag & IN_LOCKED) ? " (LOCKED)" : "");
	return (0);
}

int
ufs_pathconf(void *v)
{
	struct vop_pathconf_args *ap = v;

	switch (ap->a_name) {
	case 1:	/* _PC_LINK_MAX */
		*ap->a_retval = LINK_MAX;
		return (0);
	case 4:	/* _PC_NAME_MAX */
		*ap->a_retval = UFS_MAXNAMLEN;
		return (0);
	case 5:	/* _PC_PATH_MAX */
		*ap->a_retval = MAXPATHLEN;
		return (0);
	default:
		return (EINVAL);
	}
}

int
ufs_start(struct mount *mp, int flags, struct proc *p)
{
	return (0);
}

int
ufs_root(struct mount *mp, struct vnode **vpp)
{
	struct vnode *nvp;
	int error;

	if ((error = VFS_VGET(mp, (ino_t)ROOTINO, &nvp)) != 0)
		return (error);
	if (nvp->v_type != VDIR) {
		vput(nvp);
		return (ENOTDIR);
	}
	nvp->v_flag |= VROOT;
	*vpp = nvp;
	return (0);
}

int
ufs_quotactl(struct mount *mp, int cmds, uid_t uid, caddr_t arg, struct proc *p)
{
	return (EOPNOTSUPP);
}

int
ufs_init(void)
{
	ufs_ihashinit();
	return (0);
}

/* Sets a fresh vnode's type from its inode (no special files in Molt). */
int
ufs_vinit(struct mount *mp, vop_t **specops, vop_t **fifoops, struct vnode **vpp)
{
	struct vnode *vp = *vpp;
	struct inode *ip = VTOI(vp);

	vp->v_type = IFTOVT(ip->i_mode);
	if (ip->i_number == ROOTINO)
		vp->v_flag |= VROOT;
	return (0);
}
