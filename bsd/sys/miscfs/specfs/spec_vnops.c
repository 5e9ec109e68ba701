/*
 * spec_vnops.c: operations on device vnodes. Only block devices exist in
 * Molt's VFS: a Molt disk unit (major MDK_MAJOR, minor = unit), whose
 * strategy routine moves the buffer synchronously through the platform
 * (molt_blkio), with the giant lock held, and completes it with biodone().
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/buf.h>
#include <sys/mount.h>
#include <sys/vnode.h>
#include <sys/molt_shims.h>
#include <miscfs/specfs/specdev.h>

vop_t **spec_vnodeop_p;

static struct vnodeopv_entry_desc spec_vnodeop_entries[] = {
	{ &vop_default_desc, vop_eopnotsupp },
	{ &vop_lookup_desc, spec_lookup },
	{ &vop_open_desc, spec_open },
	{ &vop_close_desc, spec_close },
	{ &vop_access_desc, vop_nop },
	{ &vop_fsync_desc, spec_fsync },
	{ &vop_inactive_desc, spec_inactive },
	{ &vop_reclaim_desc, vop_nop },
	{ &vop_lock_desc, vop_nop },
	{ &vop_unlock_desc, vop_nop },
	{ &vop_islocked_desc, vop_nop },
	{ &vop_bmap_desc, spec_bmap },
	{ &vop_strategy_desc, spec_strategy },
	{ &vop_print_desc, vop_nop },
	{ &vop_bwrite_desc, vop_nop },
	{ NULL, NULL }
};
struct vnodeopv_desc spec_vnodeop_opv_desc =
    { &spec_vnodeop_p, spec_vnodeop_entries };

int
spec_lookup(void *v)
{
	struct vop_lookup_args *ap = v;

	*ap->a_vpp = NULL;
	return (ENOTDIR);
}

int
spec_open(void *v)
{
	struct vop_open_args *ap = v;
	dev_t dev = ap->a_vp->v_rdev;

	if (major(dev) != MDK_MAJOR || molt_blk_size(minor(dev)) < 0)
		return (ENXIO);
	return (0);
}

int
spec_close(void *v)
{
	return (0);
}

/* Writes every dirty buffer of the device; with MNT_WAIT, then syncs it. */
int
spec_fsync(void *v)
{
	struct vop_fsync_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct buf *bp;
	int error = 0, e;

	while ((bp = LIST_FIRST(&vp->v_dirtyblkhd)) != NULL) {
		if (bp->b_flags & B_BUSY)
			panic("spec_fsync: busy buffer");
		if ((bp->b_flags & B_DELWRI) == 0)
			panic("spec_fsync: not dirty");
		/* getblk takes it off the free list for us. */
		bp = getblk(vp, bp->b_lblkno, bp->b_bcount, 0, 0);
		if ((e = bwrite(bp)) != 0 && error == 0)
			error = e;
	}
	if (ap->a_waitfor == MNT_WAIT && (e = molt_blk_sync(minor(vp->v_rdev))) != 0 && error == 0)
		error = e;
	return (error);
}

int
spec_inactive(void *v)
{
	struct vop_inactive_args *ap = v;

	VOP_UNLOCK(ap->a_vp, 0, ap->a_p);
	return (0);
}

int
spec_bmap(void *v)
{
	struct vop_bmap_args *ap = v;

	if (ap->a_vpp != NULL)
		*ap->a_vpp = ap->a_vp;
	if (ap->a_bnp != NULL)
		*ap->a_bnp = ap->a_bn;
	if (ap->a_runp != NULL)
		*ap->a_runp = 0;
	return (0);
}

int
spec_strategy(void *v)
{
	struct vop_strategy_args *ap = v;
	struct buf *bp = ap->a_bp;
	int error;

	if (major(bp->b_dev) != MDK_MAJOR || bp->b_blkno < 0)
		error = ENXIO;
	else
		error = molt_blkio(minor(bp->b_dev), (bp->b_flags & B_READ) == 0,
		    dbtob(bp->b_blkno), bp->b_data, (size_t)bp->b_bcount);
	if (error) {
		bp->b_error = error;
		bp->b_flags |= B_ERROR;
		bp->b_resid = bp->b_bcount;
	} else
		bp->b_resid = 0;
	biodone(bp);
	return (0);
}
