/*
 * ffs_inode.c: writing an inode back (VOP_UPDATE) and truncating a file
 * (VOP_TRUNCATE), which frees its blocks, including whole or partial
 * indirect trees, and shrinks a last block to fragments.
 *
 * Truncation order: the inode with its new, shorter pointers is written
 * first, then the old blocks are freed, so a crash between the two leaks
 * blocks (fsck reclaims them) but never leaves a pointer to a free block.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/malloc.h>
#include <sys/buf.h>
#include <sys/mount.h>
#include <sys/vnode.h>
#include <sys/kernel.h>
#include <ufs/ufs/inode.h>
#include <ufs/ufs/ufsmount.h>
#include <ufs/ufs/ufs_extern.h>
#include <ufs/ffs/fs.h>
#include <ufs/ffs/ffs_extern.h>

#define SINGLE	0
#define DOUBLE	1
#define TRIPLE	2

int
ffs_update(void *v)
{
	struct vop_update_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);
	struct fs *fs = ip->i_fs;
	struct buf *bp;
	struct dinode *dp;
	int error;

	if (vp->v_mount->mnt_flag & MNT_RDONLY) {
		ip->i_flag &= ~(IN_ACCESS | IN_CHANGE | IN_MODIFIED | IN_UPDATE);
		return (0);
	}
	if ((ip->i_flag & (IN_ACCESS | IN_CHANGE | IN_MODIFIED | IN_UPDATE)) == 0)
		return (0);
	if (ip->i_flag & IN_ACCESS)
		ip->i_atime = (int32_t)(ap->a_access ? ap->a_access->tv_sec : time.tv_sec);
	if (ip->i_flag & IN_UPDATE)
		ip->i_mtime = (int32_t)(ap->a_modify ? ap->a_modify->tv_sec : time.tv_sec);
	if (ip->i_flag & IN_CHANGE)
		ip->i_ctime = (int32_t)time.tv_sec;
	ip->i_flag &= ~(IN_ACCESS | IN_CHANGE | IN_MODIFIED | IN_UPDATE);
	error = bread(ip->i_devvp, fsbtodb(fs, ino_to_fsba(fs, ip->i_number)),
	    (int)fs->fs_bsize, NOCRED, &bp);
	if (error) {
		brelse(bp);
		return (error);
	}
	dp = (struct dinode *)bp->b_data + ino_to_fsbo(fs, ip->i_number);
	*dp = ip->i_din;
	if (ap->a_waitfor)
		return (bwrite(bp));
	bdwrite(bp);
	return (0);
}

/* Size of logical block lbn of a file of size bytes. */
static long
size_of_block(struct fs *fs, u_int64_t size, daddr_t lbn)
{
	if (lbn >= NDADDR || size >= (u_int64_t)lblktosize(fs, lbn + 1))
		return (fs->fs_bsize);
	return (fragroundup(fs, blkoff(fs, size)));
}

/*
 * Frees the blocks below the indirect block at fragment ind (at level)
 * beyond index lastbn (-1: all of them); counts DEV_BSIZE blocks freed.
 */
static int
ffs_indirtrunc(struct inode *ip, daddr_t ind, daddr_t lastbn, int level, long *countp)
{
	struct fs *fs = ip->i_fs;
	struct buf *bp;
	daddr_t *bap, *copy, nb, last;
	long factor, blkcount, blocksreleased = 0, nblocks = btodb(fs->fs_bsize);
	int i, error, allerror = 0;

	*countp = 0;
	if (ind <= 0 || ind >= fs->fs_size)
		return (EIO);
	for (factor = 1, i = SINGLE; i < level; i++)
		factor *= NINDIR(fs);
	last = lastbn;
	if (lastbn > 0)
		last /= factor;
	if ((error = bread(ip->i_devvp, fsbtodb(fs, ind), fs->fs_bsize, NOCRED, &bp)) != 0) {
		brelse(bp);
		return (error);
	}
	bap = (daddr_t *)bp->b_data;
	copy = malloc(fs->fs_bsize, M_TEMP, M_WAITOK);
	bcopy(bap, copy, (u_int)fs->fs_bsize);
	if (last == -1) {
		/* The whole block goes: drop its buffer, never write it. */
		bp->b_flags |= B_INVAL;
		brelse(bp);
	} else {
		bzero(&bap[last + 1], (u_int)(NINDIR(fs) - (last + 1)) * sizeof(daddr_t));
		if ((error = bwrite(bp)) != 0)
			allerror = error;
	}
	for (i = NINDIR(fs) - 1; i > last; i--) {
		nb = copy[i];
		if (nb == 0)
			continue;
		if (nb < 0 || nb >= fs->fs_size)
			continue;	/* a damaged pointer: nothing to free */
		if (level > SINGLE) {
			if ((error = ffs_indirtrunc(ip, nb, (daddr_t)-1, level - 1, &blkcount)) != 0)
				allerror = error;
			blocksreleased += blkcount;
		}
		ffs_blkfree(ip, nb, fs->fs_bsize);
		blocksreleased += nblocks;
	}
	if (level > SINGLE && lastbn >= 0) {
		last = lastbn % factor;
		nb = copy[i];
		if (nb > 0 && nb < fs->fs_size) {
			if ((error = ffs_indirtrunc(ip, nb, last, level - 1, &blkcount)) != 0)
				allerror = error;
			blocksreleased += blkcount;
		}
	}
	free(copy, M_TEMP);
	*countp = blocksreleased;
	return (allerror);
}

int
ffs_truncate(void *v)
{
	struct vop_truncate_args *ap = v;
	struct vnode *ovp = ap->a_vp;
	struct inode *oip = VTOI(ovp);
	struct fs *fs = oip->i_fs;
	struct buf *bp;
	off_t length = ap->a_length;
	u_int64_t osize;
	daddr_t lastblock, lastiblock[NIADDR], bn, lbn;
	daddr_t oldblks[NDADDR + NIADDR];
	long count, blocksreleased = 0, nblocks = btodb(fs->fs_bsize);
	long oldspace, newspace, bsize;
	int offset, level, i, error, allerror = 0;

	if (length < 0)
		return (EINVAL);
	if (ovp->v_type == VLNK && oip->i_size < (u_int64_t)ovp->v_mount->mnt_maxsymlinklen) {
		/* A short symlink: the text is in the inode. */
		if (length != 0)
			return (EINVAL);
		bzero((char *)oip->i_shortlink, MAXSYMLINKLEN);
		oip->i_size = 0;
		oip->i_flag |= IN_CHANGE | IN_UPDATE;
		return (VOP_UPDATE(ovp, NULL, NULL, 1));
	}
	if (oip->i_size == (u_int64_t)length) {
		oip->i_flag |= IN_CHANGE | IN_UPDATE;
		return (VOP_UPDATE(ovp, NULL, NULL, 0));
	}
	osize = oip->i_size;
	if (osize < (u_int64_t)length) {
		/* Lengthen: allocate the new last block (the rest stays a hole). */
		if ((u_int64_t)length > fs->fs_maxfilesize)
			return (EFBIG);
		offset = blkoff(fs, length - 1);
		lbn = lblkno(fs, length - 1);
		error = ffs_balloc(oip, lbn, offset + 1, ap->a_cred, &bp, 0);
		if (error)
			return (error);
		oip->i_size = length;
		bdwrite(bp);
		oip->i_flag |= IN_CHANGE | IN_UPDATE;
		return (VOP_UPDATE(ovp, NULL, NULL, 0));
	}

	/* Shorten: zero the tail of a partial new last block. */
	offset = blkoff(fs, length);
	if (offset == 0) {
		oip->i_size = length;
	} else {
		lbn = lblkno(fs, length);
		error = ffs_balloc(oip, lbn, offset, ap->a_cred, &bp, 0);
		if (error)
			return (error);
		oip->i_size = length;
		bsize = blksize(fs, oip, lbn);
		bzero((char *)bp->b_data + offset, (u_int)(bsize - offset));
		allocbuf(bp, bsize);
		bdwrite(bp);
	}

	/* Which blocks stay: direct up to lastblock, and of each indirect tree. */
	lastblock = lblkno(fs, length + fs->fs_bsize - 1) - 1;
	lastiblock[SINGLE] = lastblock - NDADDR;
	lastiblock[DOUBLE] = lastiblock[SINGLE] - NINDIR(fs);
	lastiblock[TRIPLE] = lastiblock[DOUBLE] - NINDIR(fs) * NINDIR(fs);

	/* Write the buffers out, then forget them: their blocks may go. */
	if ((error = vinvalbuf(ovp, length > 0 ? V_SAVE : 0, ap->a_cred, ap->a_p, 0, 0)) != 0)
		allerror = error;

	bcopy(oip->i_db, oldblks, sizeof(oip->i_db));
	bcopy(oip->i_ib, &oldblks[NDADDR], sizeof(oip->i_ib));
	for (level = TRIPLE; level >= SINGLE; level--)
		if (lastiblock[level] < 0) {
			oip->i_ib[level] = 0;
			lastiblock[level] = -1;
		}
	for (i = NDADDR - 1; i > lastblock; i--)
		oip->i_db[i] = 0;
	oip->i_flag |= IN_CHANGE | IN_UPDATE;
	if ((error = VOP_UPDATE(ovp, NULL, NULL, 1)) != 0)
		allerror = error;

	/* Free the indirect trees, whole or in part. */
	for (level = TRIPLE; level >= SINGLE; level--) {
		bn = oldblks[NDADDR + level];
		if (bn == 0) {
			if (lastiblock[level] >= 0)
				goto done;
			continue;
		}
		if (bn < 0 || bn >= fs->fs_size) {
			oip->i_ib[level] = 0;
			if (lastiblock[level] >= 0)
				goto done;
			continue;
		}
		error = ffs_indirtrunc(oip, bn, lastiblock[level], level, &count);
		if (error)
			allerror = error;
		blocksreleased += count;
		if (lastiblock[level] < 0) {
			ffs_blkfree(oip, bn, fs->fs_bsize);
			blocksreleased += nblocks;
		}
		/* A tree that stays (in part) keeps every tree below it whole. */
		if (lastiblock[level] >= 0)
			goto done;
	}
	/* Free the direct blocks past the end. */
	for (i = NDADDR - 1; i > lastblock; i--) {
		bn = oldblks[i];
		if (bn == 0)
			continue;
		bsize = size_of_block(fs, osize, i);
		ffs_blkfree(oip, bn, bsize);
		blocksreleased += btodb(bsize);
	}
	/* A last direct block that shrank to fewer fragments. */
	if (lastblock >= 0 && lastblock < NDADDR && (bn = oip->i_db[lastblock]) != 0) {
		oldspace = size_of_block(fs, osize, lastblock);
		newspace = size_of_block(fs, (u_int64_t)length, lastblock);
		if (newspace <= 0)
			panic("ffs_truncate: newspace");
		if (oldspace - newspace > 0) {
			ffs_blkfree(oip, bn + numfrags(fs, newspace), oldspace - newspace);
			blocksreleased += btodb(oldspace - newspace);
		}
	}
done:
	oip->i_blocks -= blocksreleased;
	if (oip->i_blocks < 0)
		oip->i_blocks = 0;
	oip->i_flag |= IN_CHANGE;
	return (allerror);
}
