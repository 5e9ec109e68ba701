/*
 * ffs_balloc.c: make block lbn of a file exist (allocating it, and the
 * indirect blocks on its path, if needed) and return its buffer.
 * size is how much of the block the caller is about to use: a direct
 * block at the end of the file is only allocated as that many
 * fragments, and grown later. Pointers read from disk are checked.
 *
 * Ordering: a new indirect block is zeroed on disk (written at once)
 * before any pointer to it is stored, so no pointer on disk ever leads
 * to garbage that fsck would take for block numbers. Data blocks and the
 * pointers to them are written later (fsync, the update daemon): a crash
 * may lose them, never make the image inconsistent. With B_SYNC (an
 * IO_SYNC write: directories) an indirect block that gets a new pointer
 * is written at once, before the inode with the new size: a crash in
 * between leaves a block past the end of the file (fsck frees it), never
 * a directory with a hole.
 *
 * Failure rolls back: if an allocation fails (ENOSPC) after the indirect
 * blocks on the path were allocated, each of them is unlinked (its
 * pointer cleared, on disk too if it got there) and freed, so a failed
 * write leaves no block past the end of the file.
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

/* A fresh indirect block at fragment nb, zeroed on disk before use. */
static int
ffs_newindir(struct inode *ip, daddr_t nb)
{
	struct fs *fs = ip->i_fs;
	struct buf *bp = getblk(ip->i_devvp, fsbtodb(fs, nb), fs->fs_bsize, 0, 0);

	clrbuf(bp);
	return (bwrite(bp));
}

/* Where a block allocated by this call is pointed to from. */
struct balloc_undo {
	daddr_t	bu_blkno;	/* the block */
	daddr_t	bu_parent;	/* indirect block holding the pointer; 0: the inode */
	long	bu_index;	/* the pointer's index there (or in i_ib) */
};

/*
 * Unlinks and frees the blocks a failed ffs_balloc allocated, newest
 * first: the pointer is cleared and written before the block is freed.
 */
static void
ffs_balloc_undo(struct inode *ip, struct balloc_undo *u, int n)
{
	struct fs *fs = ip->i_fs;
	struct buf *bp;

	while (--n >= 0) {
		if (u[n].bu_parent == 0) {
			ip->i_ib[u[n].bu_index] = 0;
		} else if (bread(ip->i_devvp, fsbtodb(fs, u[n].bu_parent), fs->fs_bsize,
		    NOCRED, &bp) == 0) {
			((daddr_t *)bp->b_data)[u[n].bu_index] = 0;
			if (bwrite(bp) != 0)
				continue;	/* the pointer may stay: leak the block */
		} else {
			brelse(bp);
			continue;
		}
		/* Its cached copy is worth nothing now. */
		bp = getblk(ip->i_devvp, fsbtodb(fs, u[n].bu_blkno), fs->fs_bsize, 0, 0);
		bp->b_flags |= B_INVAL;
		brelse(bp);
		ffs_blkfree(ip, u[n].bu_blkno, fs->fs_bsize);
		ip->i_blocks -= btodb(fs->fs_bsize);
		if (ip->i_blocks < 0)
			ip->i_blocks = 0;
		ip->i_flag |= IN_CHANGE | IN_UPDATE;
	}
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
	daddr_t nb, newb, *bap, lbnleft, parent;
	long span, nindir = NINDIR(fs), idx[NIADDR + 1];
	struct balloc_undo undo[NIADDR + 1];
	int level, i, osize, error, nundo;

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

	nundo = 0;
	nb = ip->i_ib[level];
	if (nb == 0) {
		error = ffs_alloc(ip, lbn, ffs_blkpref(ip, lbn, 0, NULL), fs->fs_bsize, cred, &newb);
		if (error)
			return (error);
		if ((error = ffs_newindir(ip, newb)) != 0) {
			ffs_blkfree(ip, newb, fs->fs_bsize);
			ip->i_blocks -= btodb(fs->fs_bsize);
			return (error);
		}
		nb = newb;
		ip->i_ib[level] = nb;
		ip->i_flag |= IN_CHANGE | IN_UPDATE;
		undo[nundo].bu_blkno = nb;
		undo[nundo].bu_parent = 0;
		undo[nundo++].bu_index = level;
	}
	for (i = level; ; i--) {
		if (nb <= 0 || nb >= fs->fs_size) {
			error = EIO;
			goto fail;
		}
		if ((error = bread(ip->i_devvp, fsbtodb(fs, nb), fs->fs_bsize, NOCRED, &bp)) != 0) {
			brelse(bp);
			goto fail;
		}
		bap = (daddr_t *)bp->b_data;
		if (i == 0)
			break;
		parent = nb;
		nb = bap[idx[i]];
		if (nb == 0) {
			brelse(bp);
			error = ffs_alloc(ip, lbn, ffs_blkpref(ip, lbn, 0, NULL),
			    fs->fs_bsize, cred, &newb);
			if (error)
				goto fail;
			if ((error = ffs_newindir(ip, newb)) != 0) {
				ffs_blkfree(ip, newb, fs->fs_bsize);
				ip->i_blocks -= btodb(fs->fs_bsize);
				goto fail;
			}
			if ((error = bread(ip->i_devvp, fsbtodb(fs, parent), fs->fs_bsize,
			    NOCRED, &bp)) != 0) {
				brelse(bp);
				ffs_blkfree(ip, newb, fs->fs_bsize);
				ip->i_blocks -= btodb(fs->fs_bsize);
				goto fail;
			}
			nb = newb;
			((daddr_t *)bp->b_data)[idx[i]] = nb;
			if (flags & B_SYNC)
				(void)bwrite(bp);
			else
				bdwrite(bp);
			undo[nundo].bu_blkno = nb;
			undo[nundo].bu_parent = parent;
			undo[nundo++].bu_index = idx[i];
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
			goto fail;
		}
		nbp = getblk(vp, lbn, fs->fs_bsize, 0, 0);
		nbp->b_blkno = fsbtodb(fs, newb);
		clrbuf(nbp);
		bap[idx[0]] = newb;
		if (flags & B_SYNC)
			(void)bwrite(bp);
		else
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

fail:
	ffs_balloc_undo(ip, undo, nundo);
	return (error);
}
