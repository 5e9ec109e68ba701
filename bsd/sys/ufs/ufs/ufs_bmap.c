/*
 * ufs_bmap.c: logical block of a file -> fragment address on the disk.
 * Direct blocks come from the inode; indirect ones by walking up to
 * three levels of indirect blocks, read through the device vnode's
 * buffers (cached by disk address). A hole maps to -1.
 * Every pointer read from disk is checked against the file-system size.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/buf.h>
#include <sys/mount.h>
#include <sys/vnode.h>
#include <ufs/ufs/inode.h>
#include <ufs/ufs/ufsmount.h>
#include <ufs/ufs/ufs_extern.h>
#include <ufs/ffs/fs.h>

int
ufs_bmap(void *v)
{
	struct vop_bmap_args *ap = v;

	if (ap->a_vpp != NULL)
		*ap->a_vpp = VTOI(ap->a_vp)->i_devvp;
	if (ap->a_bnp == NULL)
		return (0);
	return (ufs_bmaparray(ap->a_vp, ap->a_bn, ap->a_bnp, NULL, ap->a_runp));
}

/*
 * Maps lbn: *bnp gets the DEV_BSIZE address (-1 for a hole). *nump
 * (optional) gets the number of indirection levels used.
 */
int
ufs_bmaparray(struct vnode *vp, daddr_t bn, daddr_t *bnp, int *nump, int *runp)
{
	struct inode *ip = VTOI(vp);
	struct fs *fs = ip->i_fs;
	struct buf *bp;
	daddr_t daddr, lbn = bn;
	long span, nindir = NINDIR(fs);
	int level, idx, error;

	if (runp)
		*runp = 0;
	if (nump)
		*nump = 0;
	if (bn < 0)
		return (EFBIG);
	if (bn < NDADDR) {
		daddr = ip->i_db[bn];
		goto done;
	}
	/* Which indirect tree, and the block's index in it. */
	bn -= NDADDR;
	for (level = 0, span = nindir; level < NIADDR; level++) {
		if (bn < span)
			break;
		bn -= span;
		span *= nindir;
	}
	if (level == NIADDR)
		return (EFBIG);
	daddr = ip->i_ib[level];
	for (; level >= 0 && daddr != 0; level--) {
		if (daddr < 0 || daddr >= fs->fs_size)
			return (EIO);
		span /= nindir;
		idx = (int)(bn / span);
		bn %= span;
		error = bread(ip->i_devvp, fsbtodb(fs, daddr), fs->fs_bsize, NOCRED, &bp);
		if (error) {
			brelse(bp);
			return (error);
		}
		daddr = ((int32_t *)bp->b_data)[idx];
		brelse(bp);
		if (nump)
			(*nump)++;
	}
done:
	if (daddr == 0) {
		*bnp = -1;
		return (0);
	}
	if (daddr < 0 || daddr >= fs->fs_size)
		return (EIO);
	(void)lbn;
	*bnp = fsbtodb(fs, daddr);
	return (0);
}
