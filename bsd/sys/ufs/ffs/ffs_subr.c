/*
 * ffs_subr.c: small FFS helpers: a directory block by offset
 * (VOP_BLKATOFF), whole-block tests and updates of a free map, and the
 * accounting of free fragment runs (cg_frsum).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/buf.h>
#include <sys/mount.h>
#include <sys/vnode.h>
#include <ufs/ufs/inode.h>
#include <ufs/ufs/ufs_extern.h>
#include <ufs/ffs/fs.h>
#include <ufs/ffs/ffs_extern.h>

int
ffs_blkatoff(void *v)
{
	struct vop_blkatoff_args *ap = v;
	struct inode *ip = VTOI(ap->a_vp);
	struct fs *fs = ip->i_fs;
	struct buf *bp;
	daddr_t lbn = lblkno(fs, ap->a_offset);
	int bsize = blksize(fs, ip, lbn), error;

	*ap->a_bpp = NULL;
	if ((error = bread(ap->a_vp, lbn, bsize, NOCRED, &bp)) != 0) {
		brelse(bp);
		return (error);
	}
	if (ap->a_res)
		*ap->a_res = (char *)bp->b_data + blkoff(fs, ap->a_offset);
	*ap->a_bpp = bp;
	return (0);
}

/* Is block h (a block number within the map) entirely free? */
int
ffs_isblock(struct fs *fs, u_char *cp, daddr_t h)
{
	daddr_t f = h * fs->fs_frag;
	int i;

	for (i = 0; i < fs->fs_frag; i++)
		if (isclr(cp, f + i))
			return (0);
	return (1);
}

void
ffs_clrblock(struct fs *fs, u_char *cp, daddr_t h)
{
	daddr_t f = h * fs->fs_frag;
	int i;

	for (i = 0; i < fs->fs_frag; i++)
		clrbit(cp, f + i);
}

void
ffs_setblock(struct fs *fs, u_char *cp, daddr_t h)
{
	daddr_t f = h * fs->fs_frag;
	int i;

	for (i = 0; i < fs->fs_frag; i++)
		setbit(cp, f + i);
}

/*
 * Adds cnt to fraglist[n] for every maximal run of n free fragments
 * (n < fs_frag) in one block's free map fragmap (bit i: fragment i).
 */
void
ffs_fragacct(struct fs *fs, int fragmap, int32_t fraglist[], int cnt)
{
	int i, run = 0;

	for (i = 0; i <= fs->fs_frag; i++) {
		if (i < fs->fs_frag && (fragmap & (1 << i))) {
			run++;
			continue;
		}
		if (run > 0 && run < fs->fs_frag)
			fraglist[run] += cnt;
		run = 0;
	}
}
