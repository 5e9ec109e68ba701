/*
 * ffs_balloc.c: make block lbn of a file exist (allocating it, and the
 * indirect blocks on its path, if needed) and return its buffer.
 * size is how much of the block the caller is about to use: a direct
 * block at the end of the file is only allocated as that many
 * fragments, and grown later. Pointers read from disk are checked.
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
#include <ufs/ffs/ffs_extern.h>

/* A fresh, zeroed indirect block at fragment nb, written later. */
static void
ffs_newindir(struct inode *ip, daddr_t nb)
{
	struct fs *fs = ip->i_fs;
	struct buf *bp = getblk(ip->i_devvp, fsbtodb(fs, nb), fs->fs_bsize, 0, 0);

	clrbuf(bp);
	bdwrite(bp);
}

static int
ffs_balloc_direct(struct inode *ip, daddr_t lbn, int size, struct ucred *cred, struct buf **bpp)
{
	struct fs *fs = ip->i_fs;
	struct vnode *vp = ITOV(ip);
	struct buf *bp;
	daddr_t nb = ip->i_db[lbn], newb;
	int osize, nsize, error;

	if (nb != 0 && ip->i_size >= (u_int64_t)lblktosize(fs, lbn + 1)) {
		/* A whole block that exists. */
		if ((error = bread(vp, lbn, fs->fs_bsize, NOCRED, &bp)) != 0) {
			brelse(bp);
			return (error);
		}
		*bpp = bp;
		return (0);
	}
	if (nb != 0) {
		/* The last block, a run of fragments: grow it if needed. */
		if (lbn != lblkno(fs, ip->i_size))
			return (EIO);	/* a pointer past the end of the file */
		osize = fragroundup(fs, blkoff(fs, ip->i_size));
		nsize = fragroundup(fs, size);
		if (nsize <= osize) {
			if ((error = bread(vp, lbn, osize, NOCRED, &bp)) != 0) {
				brelse(bp);
				return (error);
			}
		} else {
			error = ffs_realloccg(ip, lbn,
			    ffs_blkpref(ip, lbn, (int)lbn, &ip->i_db[0]), osize, nsize, cred, &bp);
			if (error)
				return (error);
		}
	} else {
		if (ip->i_size < (u_int64_t)lblktosize(fs, lbn + 1))
			nsize = fragroundup(fs, size);
		else
			nsize = fs->fs_bsize;
		error = ffs_alloc(ip, lbn, ffs_blkpref(ip, lbn, (int)lbn, &ip->i_db[0]),
		    nsize, cred, &newb);
		if (error)
			return (error);
		bp = getblk(vp, lbn, nsize, 0, 0);
		bp->b_blkno = fsbtodb(fs, newb);
		clrbuf(bp);
	}
	ip->i_db[lbn] = dbtofsb(fs, bp->b_blkno);
	ip->i_flag |= IN_CHANGE | IN_UPDATE;
	*bpp = bp;
	return (0);
}

int
ffs_balloc(struct inode *ip, daddr_t lbn, int size, struct ucred *cred, struct buf **bpp, int flags)
{
	struct fs *fs = ip->i_fs;
	struct vnode *vp = ITOV(ip);
	struct buf *bp, *nbp;
	daddr_t nb, newb, *bap, lbnleft;
	long span, nindir = NINDIR(fs), idx[NIADDR + 1];
	int level, i, osize, error;

	*bpp = NULL;
	if (lbn < 0)
		return (EFBIG);

	/* Writing past a fragment-sized last block: make it a full block first. */
	nb = lblkno(fs, ip->i_size);
	if (nb < NDADDR && nb < lbn && ip->i_db[nb] != 0) {
		osize = blksize(fs, ip, nb);
		if (osize < fs->fs_bsize && osize > 0) {
			error = ffs_realloccg(ip, nb, ffs_blkpref(ip, nb, (int)nb, &ip->i_db[0]),
			    osize, fs->fs_bsize, cred, &bp);
			if (error)
				return (error);
			ip->i_size = lblktosize(fs, nb + 1);
			ip->i_db[nb] = dbtofsb(fs, bp->b_blkno);
			ip->i_flag |= IN_CHANGE | IN_UPDATE;
			bdwrite(bp);
		}
	}
	if (lbn < NDADDR)
		return (ffs_balloc_direct(ip, lbn, size, cred, bpp));

	/* Which indirect tree, and the index at each level of it. */
	lbnleft = lbn - NDADDR;
	for (level = 0, span = nindir; level < NIADDR; level++) {
		if (lbnleft < span)
			break;
		lbnleft -= span;
		span *= nindir;
	}
	if (level == NIADDR)
		return (EFBIG);
	for (i = level; i >= 0; i--) {
		span /= nindir;
		idx[i] = lbnleft / span;
		lbnleft %= span;
	}

	nb = ip->i_ib[level];
	if (nb == 0) {
		error = ffs_alloc(ip, lbn, ffs_blkpref(ip, lbn, 0, NULL), fs->fs_bsize, cred, &newb);
		if (error)
			return (error);
		nb = newb;
		ffs_newindir(ip, nb);
		ip->i_ib[level] = nb;
		ip->i_flag |= IN_CHANGE | IN_UPDATE;
	}
	for (i = level; ; i--) {
		if (nb <= 0 || nb >= fs->fs_size)
			return (EIO);
		if ((error = bread(ip->i_devvp, fsbtodb(fs, nb), fs->fs_bsize, NOCRED, &bp)) != 0) {
			brelse(bp);
			return (error);
		}
		bap = (daddr_t *)bp->b_data;
		if (i == 0)
			break;
		nb = bap[idx[i]];
		if (nb == 0) {
			error = ffs_alloc(ip, lbn, ffs_blkpref(ip, lbn, 0, NULL),
			    fs->fs_bsize, cred, &newb);
			if (error) {
				brelse(bp);
				return (error);
			}
			nb = newb;
			ffs_newindir(ip, nb);
			bap[idx[i]] = nb;
			bdwrite(bp);
		} else
			brelse(bp);
	}
	/* bp is the last indirect block; bap[idx[0]] the data block. */
	nb = bap[idx[0]];
	if (nb == 0) {
		error = ffs_alloc(ip, lbn, ffs_blkpref(ip, lbn, (int)idx[0], &bap[0]),
		    fs->fs_bsize, cred, &newb);
		if (error) {
			brelse(bp);
			return (error);
		}
		nbp = getblk(vp, lbn, fs->fs_bsize, 0, 0);
		nbp->b_blkno = fsbtodb(fs, newb);
		clrbuf(nbp);
		bap[idx[0]] = newb;
		bdwrite(bp);
		*bpp = nbp;
		return (0);
	}
	brelse(bp);
	if (nb < 0 || nb >= fs->fs_size)
		return (EIO);
	if ((error = bread(vp, lbn, fs->fs_bsize, NOCRED, &nbp)) != 0) {
		brelse(nbp);
		return (error);
	}
	*bpp = nbp;
	return (0);
}
