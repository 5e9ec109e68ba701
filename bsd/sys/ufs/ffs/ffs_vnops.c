/*
 * ffs_vnops.c: FFS's vnode operation vector, and the operations that
 * are FFS's own: read and write through the buffer cache (allocating
 * with ffs_balloc), and fsync.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/malloc.h>
#include <sys/buf.h>
#include <sys/mount.h>
#include <sys/vnode.h>
#include <sys/uio.h>
#include <sys/kernel.h>
#include <sys/molt_shims.h>
#include <ufs/ufs/inode.h>
#include <ufs/ufs/ufsmount.h>
#include <ufs/ufs/ufs_extern.h>
#include <ufs/ffs/fs.h>
#include <ufs/ffs/ffs_extern.h>

vop_t **ffs_vnodeop_p;

static struct vnodeopv_entry_desc ffs_vnodeop_entries[] = {
	{ &vop_default_desc, vop_eopnotsupp },
	{ &vop_lookup_desc, ufs_lookup },
	{ &vop_create_desc, ufs_create },
	{ &vop_mknod_desc, ufs_mknod },
	{ &vop_open_desc, ufs_open },
	{ &vop_close_desc, ufs_close },
	{ &vop_access_desc, ufs_access },
	{ &vop_getattr_desc, ufs_getattr },
	{ &vop_setattr_desc, ufs_setattr },
	{ &vop_read_desc, ffs_read },
	{ &vop_write_desc, ffs_write },
	{ &vop_fsync_desc, ffs_fsync },
	{ &vop_remove_desc, ufs_remove },
	{ &vop_link_desc, ufs_link },
	{ &vop_rename_desc, ufs_rename },
	{ &vop_mkdir_desc, ufs_mkdir },
	{ &vop_rmdir_desc, ufs_rmdir },
	{ &vop_symlink_desc, ufs_symlink },
	{ &vop_readdir_desc, ufs_readdir },
	{ &vop_readlink_desc, ufs_readlink },
	{ &vop_abortop_desc, ufs_abortop },
	{ &vop_inactive_desc, ufs_inactive },
	{ &vop_reclaim_desc, ffs_reclaim },
	{ &vop_lock_desc, ufs_lock },
	{ &vop_unlock_desc, ufs_unlock },
	{ &vop_islocked_desc, ufs_islocked },
	{ &vop_bmap_desc, ufs_bmap },
	{ &vop_strategy_desc, ufs_strategy },
	{ &vop_print_desc, ufs_print },
	{ &vop_pathconf_desc, ufs_pathconf },
	{ &vop_blkatoff_desc, ffs_blkatoff },
	{ &vop_valloc_desc, ffs_valloc },
	{ &vop_vfree_desc, ffs_vfree },
	{ &vop_truncate_desc, ffs_truncate },
	{ &vop_update_desc, ffs_update },
	{ &vop_bwrite_desc, ffs_bwrite },
	{ NULL, NULL }
};
struct vnodeopv_desc ffs_vnodeop_opv_desc = { &ffs_vnodeop_p, ffs_vnodeop_entries };

int
ffs_read(void *v)
{
	struct vop_read_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);
	struct uio *uio = ap->a_uio;
	struct fs *fs = ip->i_fs;
	struct buf *bp = NULL;
	daddr_t lbn;
	off_t bytesinfile;
	long size, xfersize, blkoffset;
	int error = 0;

	if (uio->uio_rw != UIO_READ)
		panic("ffs_read: mode");
	if (vp->v_type != VREG && vp->v_type != VDIR && vp->v_type != VLNK)
		return (EOPNOTSUPP);
	if (uio->uio_offset < 0)
		return (EINVAL);
	if ((u_int64_t)uio->uio_offset > fs->fs_maxfilesize)
		return (EFBIG);
	while (uio->uio_resid > 0) {
		if ((bytesinfile = (off_t)ip->i_size - uio->uio_offset) <= 0)
			break;
		lbn = lblkno(fs, uio->uio_offset);
		size = blksize(fs, ip, lbn);
		blkoffset = blkoff(fs, uio->uio_offset);
		xfersize = fs->fs_bsize - blkoffset;
		if (uio->uio_resid < xfersize)
			xfersize = uio->uio_resid;
		if (bytesinfile < xfersize)
			xfersize = bytesinfile;
		if ((error = bread(vp, lbn, (int)size, NOCRED, &bp)) != 0)
			break;
		if (size - blkoffset < xfersize)
			xfersize = size - blkoffset;
		if (xfersize <= 0)
			break;
		if ((error = uiomove((char *)bp->b_data + blkoffset, (int)xfersize, uio)) != 0)
			break;
		brelse(bp);
		bp = NULL;
	}
	if (bp != NULL)
		brelse(bp);
	ip->i_flag |= IN_ACCESS;
	return (error);
}

int
ffs_write(void *v)
{
	struct vop_write_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct uio *uio = ap->a_uio;
	struct inode *ip = VTOI(vp);
	struct fs *fs = ip->i_fs;
	struct ucred *cred = ap->a_cred;
	int ioflag = ap->a_ioflag;
	struct buf *bp;
	daddr_t lbn;
	u_int64_t osize;
	long blkoffset, xfersize, size;
	int resid, error = 0;

	if (uio->uio_rw != UIO_WRITE)
		panic("ffs_write: mode");
	if (ioflag & IO_APPEND)
		uio->uio_offset = ip->i_size;
	if (vp->v_type != VREG && vp->v_type != VDIR && vp->v_type != VLNK)
		return (EOPNOTSUPP);
	if (uio->uio_offset < 0 ||
	    (u_int64_t)uio->uio_offset + uio->uio_resid > fs->fs_maxfilesize)
		return (EFBIG);
	resid = uio->uio_resid;
	osize = ip->i_size;
	while (uio->uio_resid > 0) {
		lbn = lblkno(fs, uio->uio_offset);
		blkoffset = blkoff(fs, uio->uio_offset);
		xfersize = fs->fs_bsize - blkoffset;
		if (uio->uio_resid < xfersize)
			xfersize = uio->uio_resid;
		error = ffs_balloc(ip, lbn, (int)(blkoffset + xfersize), cred, &bp,
		    (ioflag & IO_SYNC) ? B_SYNC : 0);
		if (error)
			break;
		if ((u_int64_t)uio->uio_offset + xfersize > ip->i_size)
			ip->i_size = uio->uio_offset + xfersize;
		size = blksize(fs, ip, lbn) - bp->b_resid;
		if (size < blkoffset + xfersize)
			xfersize = size - blkoffset;
		if (xfersize <= 0) {
			brelse(bp);
			error = EIO;
			break;
		}
		error = uiomove((char *)bp->b_data + blkoffset, (int)xfersize, uio);
		if (ioflag & IO_SYNC)
			(void)bwrite(bp);
		else
			bdwrite(bp);
		ip->i_flag |= IN_CHANGE | IN_UPDATE;
		if (error)
			break;
	}
	if (resid > uio->uio_resid && cred != NOCRED && cred->cr_uid != 0)
		ip->i_mode &= ~(ISUID | ISGID);
	/*
	 * A failed write that wrote nothing (or must be all or nothing)
	 * leaves the file as it was: what ffs_balloc grew (a fragment run
	 * made a block) is cut back to the old size.
	 */
	if (error && ((ioflag & IO_UNIT) || uio->uio_resid == resid)) {
		if (ip->i_size != osize || (ioflag & IO_UNIT))
			(void)VOP_TRUNCATE(vp, (off_t)osize, ioflag & IO_SYNC, cred, uio->uio_procp);
		uio->uio_offset -= resid - uio->uio_resid;
		uio->uio_resid = resid;
	} else if (resid > uio->uio_resid && (ioflag & IO_SYNC))
		error = VOP_UPDATE(vp, NULL, NULL, 1);
	return (error);
}

/*
 * Writes the dirty buffers of the indirect tree at fragment nb (level 0:
 * a single indirect block), children before their parent.
 */
static int
ffs_fsync_indir(struct inode *ip, daddr_t nb, int level)
{
	struct fs *fs = ip->i_fs;
	struct buf *bp;
	daddr_t *copy;
	int i, error = 0, e;

	if (nb <= 0 || nb >= fs->fs_size)
		return (0);
	if (level > 0) {
		if ((error = bread(ip->i_devvp, fsbtodb(fs, nb), fs->fs_bsize, NOCRED, &bp)) != 0) {
			brelse(bp);
			return (error);
		}
		copy = malloc(fs->fs_bsize, M_TEMP, M_WAITOK);
		bcopy(bp->b_data, copy, (u_int)fs->fs_bsize);
		brelse(bp);
		for (i = 0; i < NINDIR(fs); i++)
			if (copy[i] != 0 && (e = ffs_fsync_indir(ip, copy[i], level - 1)) != 0 &&
			    error == 0)
				error = e;
		free(copy, M_TEMP);
	}
	bp = incore(ip->i_devvp, fsbtodb(fs, nb));
	if (bp != NULL && (bp->b_flags & (B_DELWRI | B_BUSY)) == B_DELWRI) {
		bp = getblk(ip->i_devvp, fsbtodb(fs, nb), bp->b_bcount, 0, 0);
		if ((e = bwrite(bp)) != 0 && error == 0)
			error = e;
	}
	return (error);
}

/*
 * Writes a file (or directory) to disk: its data blocks, then its inode,
 * then its indirect blocks. That order keeps the image consistent at
 * every step: an inode may point at an indirect block that lacks new
 * pointers (a hole, until the next step), never the other way round (a
 * pointer past the end of the file on disk). With MNT_WAIT the disk is
 * synced too: when fsync returns, the file is there after any crash.
 */
int
ffs_fsync(void *v)
{
	struct vop_fsync_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);
	struct buf *bp;
	int error = 0, e, level, hasindir = 0, shortlink;

	while ((bp = LIST_FIRST(&vp->v_dirtyblkhd)) != NULL) {
		if (bp->b_flags & B_BUSY)
			panic("ffs_fsync: busy buffer");
		bp = getblk(vp, bp->b_lblkno, bp->b_bcount, 0, 0);
		if ((e = bwrite(bp)) != 0 && error == 0)
			error = e;
	}
	/* A short symlink keeps its text where the pointers would be. */
	shortlink = vp->v_type == VLNK &&
	    ip->i_size < (u_int64_t)vp->v_mount->mnt_maxsymlinklen;
	for (level = 0; level < NIADDR && !shortlink; level++)
		if (ip->i_ib[level] != 0)
			hasindir = 1;
	if ((e = VOP_UPDATE(vp, NULL, NULL, ap->a_waitfor == MNT_WAIT || hasindir)) != 0 &&
	    error == 0)
		error = e;
	if (hasindir)
		for (level = 0; level < NIADDR; level++)
			if ((e = ffs_fsync_indir(ip, ip->i_ib[level], level)) != 0 && error == 0)
				error = e;
	if (ap->a_waitfor == MNT_WAIT && (e = molt_blk_sync(minor(ip->i_dev))) != 0 && error == 0)
		error = e;
	return (error);
}

int
ffs_reclaim(void *v)
{
	return (ufs_reclaim(v));
}

int
ffs_bwrite(void *v)
{
	struct vop_bwrite_args *ap = v;

	return (bwrite(ap->a_bp));
}
