/*
 * ufs_lookup.c: directories. ufs_lookup scans a directory for a name;
 * for a name to be created it also finds a slot (an entry with enough
 * slack, else the end) and records it in the directory's inode
 * (i_offset, i_count) for ufs_direnter, which follows it. For a name to be
 * removed it records the entry (i_offset) and its predecessor's distance
 * (i_count) for ufs_dirremove, which merges the entry into it.
 *
 * Every entry read from disk is checked (ufs_dirbadentry) before use;
 * a damaged chunk is skipped, never trusted.
 *
 * Ordering (4.4BSD's synchronous metadata): every change to a directory
 * block is written before the call returns (bwrite, or IO_SYNC for a new
 * chunk), so a name reaches the disk only after its inode (the callers
 * write the inode first) and a removed name is gone from the disk before
 * the inode's link count drops. A crash can leave an inode with more
 * links than names, never a name without its inode.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/malloc.h>
#include <sys/buf.h>
#include <sys/mount.h>
#include <sys/namei.h>
#include <sys/vnode.h>
#include <sys/dirent.h>
#include <sys/uio.h>
#include <sys/kernel.h>
#include <ufs/ufs/inode.h>
#include <ufs/ufs/dir.h>
#include <ufs/ufs/ufsmount.h>
#include <ufs/ufs/ufs_extern.h>
#include <ufs/ffs/fs.h>

/* Is the entry at ep (entryoffsetinblock into its block) malformed? */
int
ufs_dirbadentry(struct vnode *dp, struct direct *ep, int entryoffsetinblock)
{
	int i, room = DIRBLKSIZ - (entryoffsetinblock & (DIRBLKSIZ - 1));

	if (ep->d_reclen == 0 || (ep->d_reclen & 0x3) != 0 ||
	    ep->d_reclen > room || ep->d_reclen < DIRECTSIZ(ep->d_namlen))
		return (1);
	if (ep->d_ino == 0)
		return (0);
	for (i = 0; i < ep->d_namlen; i++)
		if (ep->d_name[i] == '\0' || ep->d_name[i] == '/')
			return (1);
	return (ep->d_name[i] != '\0');
}

/* The vnode of an inode a directory entry names; it must be in use. */
static int
ufs_entryvget(struct vnode *vdp, ino_t ino, struct vnode **vpp)
{
	int error;

	if ((error = VFS_VGET(vdp->v_mount, ino, vpp)) != 0)
		return (error);
	if (VTOI(*vpp)->i_mode == 0 || VTOI(*vpp)->i_nlink <= 0) {
		/* A damaged directory names a free inode. */
		vput(*vpp);
		*vpp = NULL;
		return (EIO);
	}
	return (0);
}

int
ufs_lookup(void *v)
{
	struct vop_lookup_args *ap = v;
	struct vnode *vdp = ap->a_dvp;
	struct vnode **vpp = ap->a_vpp;
	struct componentname *cnp = ap->a_cnp;
	struct inode *dp = VTOI(vdp);
	struct fs *fs = dp->i_fs;
	struct ucred *cred = cnp->cn_cred;
	struct proc *p = cnp->cn_proc;
	struct buf *bp = NULL;
	struct direct *ep;
	struct vnode *tdp;
	char *dirbuf = NULL;
	doff_t offset, prevoff = 0, entryoffsetinblock = 0, enduseful = 0;
	doff_t slotoffset = -1, slotsize = 0, start, endsearch;
	int flags = cnp->cn_flags, nameiop = cnp->cn_nameiop;
	int lockparent = flags & LOCKPARENT, wantparent = flags & (LOCKPARENT | WANTPARENT);
	int slotneeded, error, found = 0;

	*vpp = NULL;
	if (vdp->v_type != VDIR)
		return (ENOTDIR);
	if ((error = VOP_ACCESS(vdp, VEXEC, cred, p)) != 0)
		return (error);
	if ((flags & ISLASTCN) && (vdp->v_mount->mnt_flag & MNT_RDONLY) &&
	    (nameiop == DELETE || nameiop == RENAME))
		return (EROFS);
	slotneeded = (nameiop == CREATE || nameiop == RENAME) && (flags & ISLASTCN) ?
	    DIRECTSIZ(cnp->cn_namelen) : 0;

	/*
	 * A plain lookup starts where the last one in this directory ended
	 * (i_diroff) and wraps around: a program that walks a directory in
	 * order finds each name at once. Creation and removal scan it all.
	 */
	start = 0;
	if (nameiop == LOOKUP && dp->i_diroff > 0 && dp->i_diroff < (doff_t)dp->i_size)
		start = dp->i_diroff & ~(DIRBLKSIZ - 1);
	endsearch = dp->i_size;
	for (offset = start; ; ) {
		if (offset >= endsearch) {
			if (start == 0 || endsearch == start)
				break;
			endsearch = start;	/* the second pass, from the top */
			offset = 0;
			if (bp != NULL)
				brelse(bp);
			bp = NULL;
			continue;
		}
		if (blkoff(fs, offset) == 0 || bp == NULL) {
			if (bp != NULL)
				brelse(bp);
			bp = NULL;
			if ((error = VOP_BLKATOFF(vdp, (off_t)offset, &dirbuf, &bp)) != 0) {
				if (bp != NULL)
					brelse(bp);
				return (error);
			}
			dirbuf = bp->b_data;	/* the start of the block */
			entryoffsetinblock = blkoff(fs, offset);
		}
		ep = (struct direct *)(dirbuf + entryoffsetinblock);
		if (offset + DIRECTSIZ(0) > (doff_t)dp->i_size ||
		    ufs_dirbadentry(vdp, ep, entryoffsetinblock)) {
			/* Skip the rest of this chunk. */
			int skip = DIRBLKSIZ - (entryoffsetinblock & (DIRBLKSIZ - 1));
			offset += skip;
			entryoffsetinblock += skip;
			continue;
		}
		if (slotneeded && slotoffset < 0) {
			int room = ep->d_reclen - (ep->d_ino ? DIRECTSIZ(ep->d_namlen) : 0);
			if (room >= slotneeded) {
				slotoffset = offset;
				slotsize = ep->d_reclen;
			}
		}
		if (ep->d_ino != 0 && ep->d_namlen == cnp->cn_namelen &&
		    bcmp(cnp->cn_nameptr, ep->d_name, ep->d_namlen) == 0) {
			dp->i_ino = ep->d_ino;
			dp->i_reclen = ep->d_reclen;
			dp->i_offset = offset;
			dp->i_count = (offset & (DIRBLKSIZ - 1)) == 0 ? 0 : offset - prevoff;
			if (nameiop == LOOKUP)
				dp->i_diroff = offset & ~(DIRBLKSIZ - 1);
			found = 1;
			break;
		}
		prevoff = offset;
		offset += ep->d_reclen;
		entryoffsetinblock += ep->d_reclen;
		if (ep->d_ino != 0)
			enduseful = offset;
	}
	if (bp != NULL)
		brelse(bp);

	if (!found) {
		if ((nameiop == CREATE || nameiop == RENAME) && (flags & ISLASTCN) &&
		    dp->i_nlink != 0) {
			if ((error = VOP_ACCESS(vdp, VWRITE, cred, p)) != 0)
				return (error);
			if (slotoffset < 0) {
				dp->i_offset = roundup(dp->i_size, DIRBLKSIZ);
				dp->i_count = 0;
				enduseful = dp->i_offset;
			} else {
				dp->i_offset = slotoffset;
				dp->i_count = slotsize;
				if (enduseful < slotoffset + slotsize)
					enduseful = slotoffset + slotsize;
			}
			dp->i_endoff = roundup(enduseful, DIRBLKSIZ);
			cnp->cn_flags |= SAVENAME;
			if (!lockparent)
				VOP_UNLOCK(vdp, 0, p);
			return (EJUSTRETURN);
		}
		return (ENOENT);
	}

	if (nameiop == DELETE && (flags & ISLASTCN)) {
		if ((error = VOP_ACCESS(vdp, VWRITE, cred, p)) != 0)
			return (error);
		if (dp->i_number == dp->i_ino) {
			VREF(vdp);
			*vpp = vdp;
			return (0);
		}
		if ((error = ufs_entryvget(vdp, dp->i_ino, &tdp)) != 0)
			return (error);
		if ((dp->i_mode & ISVTX) && cred->cr_uid != 0 &&
		    cred->cr_uid != dp->i_uid && VTOI(tdp)->i_uid != cred->cr_uid) {
			vput(tdp);
			return (EPERM);
		}
		*vpp = tdp;
		if (!lockparent)
			VOP_UNLOCK(vdp, 0, p);
		return (0);
	}
	if (nameiop == RENAME && wantparent && (flags & ISLASTCN)) {
		if ((error = VOP_ACCESS(vdp, VWRITE, cred, p)) != 0)
			return (error);
		if (dp->i_number == dp->i_ino)
			return (EISDIR);
		if ((error = ufs_entryvget(vdp, dp->i_ino, &tdp)) != 0)
			return (error);
		*vpp = tdp;
		cnp->cn_flags |= SAVENAME;
		if (!lockparent)
			VOP_UNLOCK(vdp, 0, p);
		return (0);
	}
	if (flags & ISDOTDOT) {
		VOP_UNLOCK(vdp, 0, p);
		error = ufs_entryvget(vdp, dp->i_ino, &tdp);
		if (error) {
			VOP_LOCK(vdp, 0, p);
			return (error);
		}
		if (tdp == vdp) {
			/* A damaged ".." naming the directory itself. */
			vput(tdp);
			VOP_LOCK(vdp, 0, p);
			return (EIO);
		}
		if (lockparent && (flags & ISLASTCN))
			VOP_LOCK(vdp, 0, p);
		*vpp = tdp;
	} else if (dp->i_number == dp->i_ino) {
		VREF(vdp);
		*vpp = vdp;
	} else {
		if ((error = ufs_entryvget(vdp, dp->i_ino, &tdp)) != 0)
			return (error);
		if (!lockparent || !(flags & ISLASTCN))
			VOP_UNLOCK(vdp, 0, p);
		*vpp = tdp;
	}
	return (0);
}

/* Enters ip under cnp's name in dvp, at the slot ufs_lookup chose. */
int
ufs_direnter(struct inode *ip, struct vnode *dvp, struct componentname *cnp)
{
	struct inode *dp = VTOI(dvp);
	struct direct newdir, *ep;
	struct buf *bp;
	struct iovec aiov;
	struct uio auio;
	char *dirbuf;
	int error, newentrysize, dsize;

	if ((cnp->cn_flags & SAVENAME) == 0)
		panic("ufs_direnter: missing name");
	bzero(&newdir, sizeof(newdir));
	newdir.d_ino = ip->i_number;
	newdir.d_namlen = (u_int8_t)cnp->cn_namelen;
	newdir.d_type = IFTODT(ip->i_mode);
	bcopy(cnp->cn_nameptr, newdir.d_name, (unsigned)cnp->cn_namelen);
	newentrysize = DIRECTSIZ(newdir.d_namlen);

	if (dp->i_count == 0) {
		/*
		 * A new chunk at the end of the directory, written whole (the
		 * entry's d_reclen spans it) so the size on disk stays a
		 * multiple of DIRBLKSIZ.
		 */
		if (dp->i_offset & (DIRBLKSIZ - 1))
			panic("ufs_direnter: new chunk not aligned");
		newdir.d_reclen = DIRBLKSIZ;
		dirbuf = malloc(DIRBLKSIZ, M_TEMP, M_WAITOK);
		bzero(dirbuf, DIRBLKSIZ);
		bcopy(&newdir, dirbuf, newentrysize);
		auio.uio_offset = dp->i_offset;
		auio.uio_resid = DIRBLKSIZ;
		aiov.iov_len = DIRBLKSIZ;
		aiov.iov_base = dirbuf;
		auio.uio_iov = &aiov;
		auio.uio_iovcnt = 1;
		auio.uio_rw = UIO_WRITE;
		auio.uio_segflg = UIO_SYSSPACE;
		auio.uio_procp = NULL;
		error = VOP_WRITE(dvp, &auio, IO_NODELOCKED | IO_SYNC | IO_UNIT, cnp->cn_cred);
		free(dirbuf, M_TEMP);
		return (error);
	}
	/* Into the slack of the entry at i_offset. */
	if ((error = VOP_BLKATOFF(dvp, (off_t)dp->i_offset, &dirbuf, &bp)) != 0) {
		if (bp != NULL)
			brelse(bp);
		return (error);
	}
	ep = (struct direct *)dirbuf;
	if (ep->d_reclen != dp->i_count)
		panic("ufs_direnter: slot changed");
	if (ep->d_ino == 0) {
		newdir.d_reclen = ep->d_reclen;
	} else {
		dsize = DIRECTSIZ(ep->d_namlen);
		newdir.d_reclen = ep->d_reclen - dsize;
		ep->d_reclen = dsize;
		ep = (struct direct *)((char *)ep + dsize);
	}
	bcopy(&newdir, ep, newentrysize);
	dp->i_flag |= IN_CHANGE | IN_UPDATE;
	return (bwrite(bp));
}

/* Removes the entry ufs_lookup found (merging it into its predecessor). */
int
ufs_dirremove(struct vnode *dvp, struct componentname *cnp)
{
	struct inode *dp = VTOI(dvp);
	struct direct *ep;
	struct buf *bp;
	char *dirbuf;
	int error;

	error = VOP_BLKATOFF(dvp, (off_t)(dp->i_offset - dp->i_count), &dirbuf, &bp);
	if (error) {
		if (bp != NULL)
			brelse(bp);
		return (error);
	}
	ep = (struct direct *)dirbuf;
	if (dp->i_count == 0)
		ep->d_ino = 0;
	else
		ep->d_reclen += dp->i_reclen;
	dp->i_flag |= IN_CHANGE | IN_UPDATE;
	return (bwrite(bp));
}

/* Points the entry ufs_lookup found at ip instead. */
int
ufs_dirrewrite(struct inode *dp, struct inode *ip, struct componentname *cnp)
{
	struct direct *ep;
	struct buf *bp;
	char *dirbuf;
	int error;

	error = VOP_BLKATOFF(ITOV(dp), (off_t)dp->i_offset, &dirbuf, &bp);
	if (error) {
		if (bp != NULL)
			brelse(bp);
		return (error);
	}
	ep = (struct direct *)dirbuf;
	ep->d_ino = ip->i_number;
	ep->d_type = IFTODT(ip->i_mode);
	dp->i_flag |= IN_CHANGE | IN_UPDATE;
	return (bwrite(bp));
}

/* 1 if directory ip holds nothing but "." and ".." (any damage: 0). */
int
ufs_dirempty(struct inode *ip, ino_t parentino, struct ucred *cred)
{
	struct vnode *vp = ITOV(ip);
	struct fs *fs = ip->i_fs;
	struct direct *ep;
	struct buf *bp = NULL;
	char *dirbuf = NULL;
	doff_t off;
	int inblock = 0;

	for (off = 0; off < (doff_t)ip->i_size; off += ep->d_reclen, inblock += ep->d_reclen) {
		if (bp == NULL || blkoff(fs, off) == 0) {
			if (bp != NULL)
				brelse(bp);
			bp = NULL;
			if (VOP_BLKATOFF(vp, (off_t)off, &dirbuf, &bp) != 0) {
				if (bp != NULL)
					brelse(bp);
				return (0);
			}
			inblock = 0;
		}
		ep = (struct direct *)(dirbuf + inblock);
		if (ufs_dirbadentry(vp, ep, (int)blkoff(fs, off))) {
			brelse(bp);
			return (0);
		}
		if (ep->d_ino == 0)
			continue;
		if (ep->d_namlen == 1 && ep->d_name[0] == '.')
			continue;
		if (ep->d_namlen == 2 && ep->d_name[0] == '.' && ep->d_name[1] == '.')
			continue;
		brelse(bp);
		return (0);
	}
	if (bp != NULL)
		brelse(bp);
	return (1);
}

/*
 * Checks that target is not inside source (moving source under target
 * would cut a loop): walks ".." from target up to the root.
 */
int
ufs_checkpath(struct inode *source, struct inode *target, struct ucred *cred)
{
	struct vnode *vp = ITOV(target), *nvp;
	struct dirtemplate dirbuf;
	ino_t ino;
	int error = 0, depth = 0, held = 0;

	if (target->i_number == source->i_number)
		return (EEXIST);
	if (target->i_number == ROOTINO)
		return (0);
	for (;;) {
		if (vp->v_type != VDIR) {
			error = ENOTDIR;
			break;
		}
		error = vn_rdwr(UIO_READ, vp, (caddr_t)&dirbuf, sizeof(dirbuf), (off_t)0,
		    UIO_SYSSPACE, IO_NODELOCKED, cred, NULL, NULL);
		if (error)
			break;
		if (dirbuf.dotdot_namlen != 2 || dirbuf.dotdot_name[0] != '.' ||
		    dirbuf.dotdot_name[1] != '.') {
			error = ENOTDIR;
			break;
		}
		ino = dirbuf.dotdot_ino;
		if (ino == source->i_number) {
			error = EINVAL;
			break;
		}
		if (ino == ROOTINO)
			break;
		if (++depth > 4096) {
			error = ELOOP;	/* a damaged tree with a cycle */
			break;
		}
		if (held)
			vput(vp);
		else
			VOP_UNLOCK(vp, 0, NULL);
		held = 0;
		if ((error = VFS_VGET(ITOV(target)->v_mount, ino, &nvp)) != 0) {
			vp = NULL;
			break;
		}
		vp = nvp;
		held = 1;
	}
	if (vp != NULL) {
		if (held)
			vput(vp);
		else
			return (error);
	}
	/* target was unlocked on the way up: lock it again for the caller. */
	VOP_LOCK(ITOV(target), 0, NULL);
	return (error);
}
