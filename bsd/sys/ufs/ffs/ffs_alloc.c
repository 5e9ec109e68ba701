/*
 * ffs_alloc.c: block and inode allocation, with FFS's policies.
 *
 * - Inodes of a new directory go to the cylinder group with the fewest
 *   directories among those with an above-average number of free inodes
 *   (ffs_dirpref), so directories spread across groups; other inodes go
 *   near their directory.
 * - The first blocks of a file go to its inode's group; every fs_maxbpg
 *   blocks (and for indirect blocks) the file moves on to a group with
 *   above-average free blocks; otherwise the next block follows the
 *   previous one (ffs_blkpref).
 * - If the preferred group is full: quadratic rehash over the groups,
 *   then a brute-force walk (ffs_hashalloc).
 * - The last block of a small file may be a run of fragments; growing it
 *   extends the run in place when the following fragments are free
 *   (ffs_fragextend), else moves it (ffs_realloccg), writing the moved
 *   block and the inode before freeing the old run.
 * Free counts are kept in three places that must agree: the cg
 * (cg_cs), the in-core summary array (fs_cs) and the superblock totals.
 * A cylinder group whose maps contradict its counts is never trusted:
 * the allocators give up on it (and report), they do not panic.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/buf.h>
#include <sys/mount.h>
#include <sys/vnode.h>
#include <sys/kernel.h>
#include <sys/syslog.h>
#include <ufs/ufs/inode.h>
#include <ufs/ufs/ufsmount.h>
#include <ufs/ufs/ufs_extern.h>
#include <ufs/ffs/fs.h>
#include <ufs/ffs/ffs_extern.h>

typedef long (*allocfcn_t)(struct inode *ip, int cg, daddr_t bpref, int size);

static long	ffs_alloccg(struct inode *ip, int cg, daddr_t bpref, int size);
static daddr_t	ffs_alloccgblk(struct fs *fs, struct ufsmount *ump, struct cg *cgp, daddr_t bpref);
static ino_t	ffs_dirpref(struct fs *fs, struct ufsmount *ump);
static daddr_t	ffs_fragextend(struct inode *ip, int cg, long bprev, int osize, int nsize);
static u_long	ffs_hashalloc(struct inode *ip, int cg, long pref, int size, allocfcn_t allocator);
static long	ffs_nodealloccg(struct inode *ip, int cg, daddr_t ipref, int mode);
static daddr_t	ffs_mapsearch(struct fs *fs, struct cg *cgp, daddr_t bpref, int allocsiz);

static void
ffs_fserr(struct fs *fs, uid_t uid, const char *cp)
{
	log(LOG_ERR, "uid %u on %s: %s\n", uid, fs->fs_fsmnt, cp);
}

/* Reads cylinder group cg; NULL (and *bpp released) if it is damaged. */
static struct cg *
ffs_getcg(struct inode *ip, int cg, struct buf **bpp)
{
	struct fs *fs = ip->i_fs;
	struct cg *cgp;

	if (bread(ip->i_devvp, fsbtodb(fs, cgtod(fs, cg)), fs->fs_cgsize, NOCRED, bpp)) {
		brelse(*bpp);
		return (NULL);
	}
	cgp = (struct cg *)(*bpp)->b_data;
	if (!cg_chkmagic(cgp) || cgp->cg_cgx != cg ||
	    cgp->cg_iusedoff < (int)sizeof(struct cg) - 1 ||
	    cgp->cg_iusedoff + howmany(fs->fs_ipg, NBBY) > fs->fs_cgsize ||
	    cgp->cg_freeoff < (int)sizeof(struct cg) - 1 ||
	    cgp->cg_freeoff + howmany(fs->fs_fpg, NBBY) > fs->fs_cgsize ||
	    cgp->cg_iusedoff + howmany(fs->fs_ipg, NBBY) > cgp->cg_freeoff ||
	    cgp->cg_ndblk <= 0 || cgp->cg_ndblk > fs->fs_fpg) {
		(*bpp)->b_flags |= B_INVAL;
		brelse(*bpp);
		ffs_fserr(fs, 0, "damaged cylinder group");
		return (NULL);
	}
	return (cgp);
}

/* Allocates size bytes (a block or a run of fragments) for lbn of ip. */
int
ffs_alloc(struct inode *ip, daddr_t lbn, daddr_t bpref, int size, struct ucred *cred, daddr_t *bnp)
{
	struct fs *fs = ip->i_fs;
	daddr_t bno;
	int cg;

	*bnp = 0;
	if ((u_int)size > (u_int)fs->fs_bsize || fragoff(fs, size) != 0)
		panic("ffs_alloc: bad size %d", size);
	if (size == fs->fs_bsize && fs->fs_cstotal.cs_nbfree == 0)
		goto nospace;
	if (cred != NOCRED && cred->cr_uid != 0 && freespace(fs, fs->fs_minfree) <= 0)
		goto nospace;
	if (bpref >= fs->fs_size || bpref < 0)
		bpref = 0;
	cg = bpref == 0 ? ino_to_cg(fs, ip->i_number) : dtog(fs, bpref);
	bno = (daddr_t)ffs_hashalloc(ip, cg, (long)bpref, size, ffs_alloccg);
	if (bno > 0) {
		ip->i_blocks += btodb(size);
		ip->i_flag |= IN_CHANGE | IN_UPDATE;
		*bnp = bno;
		return (0);
	}
nospace:
	ffs_fserr(fs, cred == NOCRED ? 0 : cred->cr_uid, "file system full");
	return (ENOSPC);
}

/*
 * Grows the fragment run holding block lbprev of ip from osize to nsize
 * bytes: in place if it can, else to a new place (the old run is freed).
 * Returns the block's buffer, resized, in *bpp.
 */
int
ffs_realloccg(struct inode *ip, daddr_t lbprev, daddr_t bpref, int osize, int nsize,
    struct ucred *cred, struct buf **bpp)
{
	struct fs *fs = ip->i_fs;
	struct buf *bp;
	daddr_t bprev, bno;
	int cg, error;

	*bpp = NULL;
	if ((u_int)osize > (u_int)fs->fs_bsize || fragoff(fs, osize) != 0 ||
	    (u_int)nsize > (u_int)fs->fs_bsize || fragoff(fs, nsize) != 0 || nsize <= osize)
		panic("ffs_realloccg: bad size %d -> %d", osize, nsize);
	if (cred != NOCRED && cred->cr_uid != 0 && freespace(fs, fs->fs_minfree) <= 0)
		goto nospace;
	bprev = ip->i_db[lbprev];
	if (bprev <= 0 || bprev >= fs->fs_size)
		return (EIO);
	if ((error = bread(ITOV(ip), lbprev, osize, NOCRED, &bp)) != 0) {
		brelse(bp);
		return (error);
	}
	cg = dtog(fs, bprev);
	if ((bno = ffs_fragextend(ip, cg, (long)bprev, osize, nsize)) != 0) {
		if (bp->b_blkno != fsbtodb(fs, bno))
			panic("ffs_realloccg: extended block moved");
	} else {
		if (bpref >= fs->fs_size || bpref < 0)
			bpref = 0;
		bno = (daddr_t)ffs_hashalloc(ip, cg, (long)bpref, nsize, ffs_alloccg);
		if (bno <= 0) {
			brelse(bp);
			goto nospace;
		}
		/*
		 * Moved: the contents go to the new place and the inode on
		 * disk points there before the old place is freed, or a crash
		 * could leave the inode naming fragments another file got.
		 */
		bp->b_blkno = fsbtodb(fs, bno);
		allocbuf(bp, nsize);
		bzero((char *)bp->b_data + osize, (u_int)nsize - osize);
		error = bwrite(bp);
		bp = NULL;
		if (error == 0 && (error = bread(ITOV(ip), lbprev, nsize, NOCRED, &bp)) != 0) {
			brelse(bp);
			bp = NULL;
		}
		if (error == 0) {
			ip->i_db[lbprev] = bno;
			ip->i_flag |= IN_CHANGE | IN_UPDATE;
			error = VOP_UPDATE(ITOV(ip), NULL, NULL, 1);
		}
		if (error) {
			/* The old place may still be named on disk: keep it. */
			if (bp != NULL)
				brelse(bp);
			ip->i_blocks += btodb(nsize);
			return (error);
		}
		ffs_blkfree(ip, bprev, (long)osize);
		ip->i_blocks += btodb(nsize - osize);
		ip->i_flag |= IN_CHANGE | IN_UPDATE;
		*bpp = bp;
		return (0);
	}
	ip->i_blocks += btodb(nsize - osize);
	ip->i_flag |= IN_CHANGE | IN_UPDATE;
	allocbuf(bp, nsize);
	bzero((char *)bp->b_data + osize, (u_int)nsize - osize);
	*bpp = bp;
	return (0);
nospace:
	ffs_fserr(fs, cred == NOCRED ? 0 : cred->cr_uid, "file system full");
	return (ENOSPC);
}

/* Allocates an inode for a new file of mode in directory pvp. */
int
ffs_valloc(void *v)
{
	struct vop_valloc_args *ap = v;
	struct vnode *pvp = ap->a_pvp;
	struct inode *pip = VTOI(pvp), *ip;
	struct fs *fs = pip->i_fs;
	struct vnode *vp;
	ino_t ino, ipref;
	int cg, error, gen;

	*ap->a_vpp = NULL;
	if (fs->fs_cstotal.cs_nifree == 0)
		goto noinodes;
	if ((ap->a_mode & IFMT) == IFDIR)
		ipref = ffs_dirpref(fs, pip->i_ump);
	else
		ipref = pip->i_number;
	if (ipref >= (ino_t)(fs->fs_ncg * fs->fs_ipg))
		ipref = 0;
	cg = ino_to_cg(fs, ipref);
	ino = (ino_t)ffs_hashalloc(pip, cg, (long)ipref, ap->a_mode, (allocfcn_t)ffs_nodealloccg);
	if (ino == 0)
		goto noinodes;
	if ((error = VFS_VGET(pvp->v_mount, ino, &vp)) != 0) {
		VOP_VFREE(pvp, ino, ap->a_mode);
		return (error);
	}
	ip = VTOI(vp);
	if (ip->i_mode != 0) {
		/* The map said free, the inode says in use: trust neither. */
		log(LOG_ERR, "mode = 0%o, inum = %lu, fs = %s: dup alloc\n",
		    ip->i_mode, (u_long)ip->i_number, fs->fs_fsmnt);
		ip->i_mode = 0;
		ip->i_flag = (ip->i_flag & IN_LOCKED);
		vput(vp);
		return (EIO);
	}
	gen = ip->i_gen;
	bzero(&ip->i_din, sizeof(ip->i_din));
	ip->i_gen = gen + 1 + (int)(random() & 0xff);
	*ap->a_vpp = vp;
	return (0);
noinodes:
	ffs_fserr(fs, ap->a_cred->cr_uid, "out of inodes");
	return (ENOSPC);
}

/* The group for a new directory: fewest directories, enough free inodes. */
static ino_t
ffs_dirpref(struct fs *fs, struct ufsmount *ump)
{
	int cg, minndir, mincg, avgifree;

	avgifree = fs->fs_cstotal.cs_nifree / fs->fs_ncg;
	minndir = fs->fs_ipg;
	mincg = 0;
	for (cg = 0; cg < fs->fs_ncg; cg++)
		if (fs_cs(ump, cg).cs_ndir < minndir &&
		    fs_cs(ump, cg).cs_nifree >= avgifree) {
			mincg = cg;
			minndir = fs_cs(ump, cg).cs_ndir;
		}
	return ((ino_t)(fs->fs_ipg * mincg));
}

/*
 * Where block lbn of ip (entry indx of the pointer array bap) should go.
 */
daddr_t
ffs_blkpref(struct inode *ip, daddr_t lbn, int indx, daddr_t *bap)
{
	struct fs *fs = ip->i_fs;
	struct ufsmount *ump = ip->i_ump;
	int cg, startcg, avgbfree;

	if (indx % fs->fs_maxbpg == 0 || bap == NULL || bap[indx - 1] == 0) {
		if (lbn < NDADDR) {
			cg = ino_to_cg(fs, ip->i_number);
			return (fs->fs_fpg * cg + fs->fs_frag);
		}
		/* Start a new section of the file in a fresh group. */
		if (indx == 0 || bap == NULL || bap[indx - 1] == 0)
			startcg = ino_to_cg(fs, ip->i_number) + lbn / fs->fs_maxbpg;
		else
			startcg = dtog(fs, bap[indx - 1]) + 1;
		startcg %= fs->fs_ncg;
		avgbfree = fs->fs_cstotal.cs_nbfree / fs->fs_ncg;
		for (cg = startcg; cg < fs->fs_ncg; cg++)
			if (fs_cs(ump, cg).cs_nbfree >= avgbfree) {
				fs->fs_cgrotor = cg;
				return (fs->fs_fpg * cg + fs->fs_frag);
			}
		for (cg = 0; cg <= startcg; cg++)
			if (fs_cs(ump, cg).cs_nbfree >= avgbfree) {
				fs->fs_cgrotor = cg;
				return (fs->fs_fpg * cg + fs->fs_frag);
			}
		return (0);
	}
	/* Right after the previous block. */
	return (bap[indx - 1] + fs->fs_frag);
}

/*
 * Tries the preferred group, then a quadratic rehash, then every group.
 */
static u_long
ffs_hashalloc(struct inode *ip, int cg, long pref, int size, allocfcn_t allocator)
{
	struct fs *fs = ip->i_fs;
	long result;
	int i, icg = cg;

	if ((result = (*allocator)(ip, cg, pref, size)) != 0)
		return (result);
	for (i = 1; i < fs->fs_ncg; i *= 2) {
		cg += i;
		if (cg >= fs->fs_ncg)
			cg -= fs->fs_ncg;
		if ((result = (*allocator)(ip, cg, 0, size)) != 0)
			return (result);
	}
	cg = (icg + 2) % fs->fs_ncg;
	for (i = 2; i < fs->fs_ncg; i++) {
		if ((result = (*allocator)(ip, cg, 0, size)) != 0)
			return (result);
		cg++;
		if (cg == fs->fs_ncg)
			cg = 0;
	}
	return (0);
}

/* The fragment map bits of the block starting at fragment bbase. */
static int
blkmap(struct fs *fs, u_char *map, daddr_t bbase)
{
	int i, bits = 0;

	for (i = 0; i < fs->fs_frag; i++)
		if (isset(map, bbase + i))
			bits |= 1 << i;
	return (bits);
}

static void
csum_add(struct fs *fs, struct ufsmount *ump, struct cg *cgp,
    int ndir, int nbfree, int nifree, int nffree)
{
	struct csum *c[3];
	int i;

	c[0] = &cgp->cg_cs;
	c[1] = &fs->fs_cstotal;
	c[2] = &fs_cs(ump, cgp->cg_cgx);
	for (i = 0; i < 3; i++) {
		c[i]->cs_ndir += ndir;
		c[i]->cs_nbfree += nbfree;
		c[i]->cs_nifree += nifree;
		c[i]->cs_nffree += nffree;
	}
	fs->fs_fmod = 1;
}

/* Extends the fragment run at bprev from osize to nsize in place, or 0. */
static daddr_t
ffs_fragextend(struct inode *ip, int cg, long bprev, int osize, int nsize)
{
	struct fs *fs = ip->i_fs;
	struct cg *cgp;
	struct buf *bp;
	long bno;
	int frags, ofrags, bbase, i;

	if (fs_cs(ip->i_ump, cg).cs_nffree < numfrags(fs, nsize - osize))
		return (0);
	frags = numfrags(fs, nsize);
	ofrags = numfrags(fs, osize);
	bbase = fragnum(fs, bprev);
	if (bbase > fragnum(fs, (bprev + frags - 1)))
		return (0);		/* would cross a block boundary */
	if ((cgp = ffs_getcg(ip, cg, &bp)) == NULL)
		return (0);
	bno = dtogd(fs, bprev);
	for (i = ofrags; i < frags; i++)
		if (isclr(cg_blksfree(cgp), bno + i)) {
			brelse(bp);
			return (0);
		}
	/* The free run after the old end shrinks (or disappears). */
	for (i = frags; i < fs->fs_frag - bbase; i++)
		if (isclr(cg_blksfree(cgp), bno + i))
			break;
	cgp->cg_frsum[i - ofrags]--;
	if (i != frags)
		cgp->cg_frsum[i - frags]++;
	for (i = ofrags; i < frags; i++)
		clrbit(cg_blksfree(cgp), bno + i);
	csum_add(fs, ip->i_ump, cgp, 0, 0, 0, -(frags - ofrags));
	cgp->cg_time = (int32_t)time.tv_sec;
	bdwrite(bp);
	return (bprev);
}

/* Allocates a block or fragments in group cg, near bpref; 0 if none. */
static long
ffs_alloccg(struct inode *ip, int cg, daddr_t bpref, int size)
{
	struct fs *fs = ip->i_fs;
	struct cg *cgp;
	struct buf *bp;
	daddr_t bno, blkno;
	int i, frags, allocsiz;

	if (fs_cs(ip->i_ump, cg).cs_nbfree == 0 && size == fs->fs_bsize)
		return (0);
	if ((cgp = ffs_getcg(ip, cg, &bp)) == NULL)
		return (0);
	if (cgp->cg_cs.cs_nbfree == 0 && size == fs->fs_bsize) {
		brelse(bp);
		return (0);
	}
	cgp->cg_time = (int32_t)time.tv_sec;
	if (size == fs->fs_bsize) {
		blkno = ffs_alloccgblk(fs, ip->i_ump, cgp, bpref);
		if (blkno == 0) {
			brelse(bp);
			return (0);
		}
		bdwrite(bp);
		return ((long)blkno);
	}
	/* A run of fragments: the smallest free run that is big enough. */
	frags = numfrags(fs, size);
	for (allocsiz = frags; allocsiz < fs->fs_frag; allocsiz++)
		if (cgp->cg_frsum[allocsiz] != 0)
			break;
	if (allocsiz == fs->fs_frag) {
		/* None: break up a whole block. */
		if (cgp->cg_cs.cs_nbfree == 0) {
			brelse(bp);
			return (0);
		}
		blkno = ffs_alloccgblk(fs, ip->i_ump, cgp, bpref);
		if (blkno == 0) {
			brelse(bp);
			return (0);
		}
		bpref = dtogd(fs, blkno);
		for (i = frags; i < fs->fs_frag; i++)
			setbit(cg_blksfree(cgp), bpref + i);
		i = fs->fs_frag - frags;
		csum_add(fs, ip->i_ump, cgp, 0, 0, 0, i);
		cgp->cg_frsum[i]++;
		bdwrite(bp);
		return ((long)blkno);
	}
	bno = ffs_mapsearch(fs, cgp, bpref, allocsiz);
	if (bno < 0) {
		brelse(bp);
		return (0);
	}
	for (i = 0; i < frags; i++)
		clrbit(cg_blksfree(cgp), bno + i);
	csum_add(fs, ip->i_ump, cgp, 0, 0, 0, -frags);
	cgp->cg_frsum[allocsiz]--;
	if (frags != allocsiz)
		cgp->cg_frsum[allocsiz - frags]++;
	blkno = cg * fs->fs_fpg + bno;
	bdwrite(bp);
	return ((long)blkno);
}

/* Takes a whole free block of the group, preferably bpref; 0 if none. */
static daddr_t
ffs_alloccgblk(struct fs *fs, struct ufsmount *ump, struct cg *cgp, daddr_t bpref)
{
	daddr_t bno;

	if (bpref == 0 || dtog(fs, bpref) != cgp->cg_cgx) {
		bpref = cgp->cg_rotor;
	} else {
		bpref = blknum(fs, bpref);
		bpref = dtogd(fs, bpref);
		if (bpref + fs->fs_frag <= cgp->cg_ndblk &&
		    ffs_isblock(fs, cg_blksfree(cgp), fragstoblks(fs, bpref))) {
			bno = bpref;
			goto gotit;
		}
	}
	bno = ffs_mapsearch(fs, cgp, bpref, (int)fs->fs_frag);
	if (bno < 0)
		return (0);
	cgp->cg_rotor = bno;
gotit:
	ffs_clrblock(fs, cg_blksfree(cgp), fragstoblks(fs, bno));
	csum_add(fs, ump, cgp, 0, -1, 0, 0);
	return (cgp->cg_cgx * fs->fs_fpg + bno);
}

/*
 * Finds, from bpref on (wrapping round the group), a block whose free
 * map has a maximal run of exactly allocsiz fragments (allocsiz ==
 * fs_frag: a whole free block). Returns the run's fragment number in
 * the group, or -1 if the map has none (the counts lied).
 */
static daddr_t
ffs_mapsearch(struct fs *fs, struct cg *cgp, daddr_t bpref, int allocsiz)
{
	u_char *map = cg_blksfree(cgp);
	long nblks = cgp->cg_ndblk / fs->fs_frag, start, n, blk;
	int bits, i, run;

	if (bpref != 0 && dtog(fs, bpref) == cgp->cg_cgx)
		start = fragstoblks(fs, dtogd(fs, bpref));
	else
		start = fragstoblks(fs, cgp->cg_frotor);
	if (start < 0 || start >= nblks)
		start = 0;
	for (n = 0; n < nblks; n++) {
		blk = (start + n) % nblks;
		bits = blkmap(fs, map, blkstofrags(fs, blk));
		if (bits == 0)
			continue;
		for (i = 0, run = 0; i <= fs->fs_frag; i++) {
			if (i < fs->fs_frag && (bits & (1 << i))) {
				run++;
				continue;
			}
			if (run == allocsiz) {
				if (allocsiz < fs->fs_frag)
					cgp->cg_frotor = blkstofrags(fs, blk);
				return (blkstofrags(fs, blk) + i - run);
			}
			run = 0;
		}
	}
	log(LOG_ERR, "cg %d: free map has no run of %d\n", cgp->cg_cgx, allocsiz);
	return (-1);
}

/* Takes a free inode of group cg, preferably ipref; 0 if none. */
static long
ffs_nodealloccg(struct inode *ip, int cg, daddr_t ipref, int mode)
{
	struct fs *fs = ip->i_fs;
	struct cg *cgp;
	struct buf *bp;
	u_char *map;
	int i, start, len;

	if (fs_cs(ip->i_ump, cg).cs_nifree == 0)
		return (0);
	if ((cgp = ffs_getcg(ip, cg, &bp)) == NULL)
		return (0);
	if (cgp->cg_cs.cs_nifree == 0) {
		brelse(bp);
		return (0);
	}
	map = cg_inosused(cgp);
	if (ipref) {
		ipref %= fs->fs_ipg;
		if (isclr(map, ipref) && (cg != 0 || ipref > ROOTINO))
			goto gotit;
	}
	start = cgp->cg_irotor;
	if (start < 0 || start >= fs->fs_ipg)
		start = 0;
	len = fs->fs_ipg;
	for (i = 0; i < len; i++) {
		ipref = (start + i) % fs->fs_ipg;
		if (isclr(map, ipref) && (cg != 0 || ipref > ROOTINO))
			goto gotit;
	}
	brelse(bp);
	log(LOG_ERR, "cg %d: inode map has no free inode\n", cg);
	return (0);
gotit:
	setbit(map, ipref);
	cgp->cg_irotor = ipref;
	csum_add(fs, ip->i_ump, cgp, (mode & IFMT) == IFDIR ? 1 : 0, 0, -1, 0);
	cgp->cg_time = (int32_t)time.tv_sec;
	bdwrite(bp);
	return ((long)(cg * fs->fs_ipg + ipref));
}

/*
 * Frees size bytes at fragment bno. A pointer outside the file system or
 * a run that is already free is reported and ignored (a damaged image),
 * never trusted.
 */
void
ffs_blkfree(struct inode *ip, daddr_t bno, long size)
{
	struct fs *fs = ip->i_fs;
	struct cg *cgp;
	struct buf *bp;
	daddr_t blkno, bbase, cgbno;
	int i, frags, blk, cg;

	if ((u_long)size > (u_long)fs->fs_bsize || fragoff(fs, size) != 0 || size <= 0 ||
	    bno <= 0 || bno + numfrags(fs, size) > fs->fs_size ||
	    fragnum(fs, bno) + numfrags(fs, size) > fs->fs_frag) {
		log(LOG_ERR, "ino %lu: bad block %d, size %ld\n",
		    (u_long)ip->i_number, bno, size);
		return;
	}
	cg = dtog(fs, bno);
	if ((cgp = ffs_getcg(ip, cg, &bp)) == NULL)
		return;
	cgbno = dtogd(fs, bno);
	frags = numfrags(fs, size);
	for (i = 0; i < frags; i++)
		if (isset(cg_blksfree(cgp), cgbno + i)) {
			log(LOG_ERR, "ino %lu: freeing free fragment %d\n",
			    (u_long)ip->i_number, bno + i);
			brelse(bp);
			return;
		}
	cgp->cg_time = (int32_t)time.tv_sec;
	if (size == fs->fs_bsize) {
		blkno = fragstoblks(fs, cgbno);
		ffs_setblock(fs, cg_blksfree(cgp), blkno);
		csum_add(fs, ip->i_ump, cgp, 0, 1, 0, 0);
	} else {
		bbase = cgbno - fragnum(fs, cgbno);
		blk = blkmap(fs, cg_blksfree(cgp), bbase);
		ffs_fragacct(fs, blk, cgp->cg_frsum, -1);
		for (i = 0; i < frags; i++)
			setbit(cg_blksfree(cgp), cgbno + i);
		csum_add(fs, ip->i_ump, cgp, 0, 0, 0, frags);
		blk = blkmap(fs, cg_blksfree(cgp), bbase);
		ffs_fragacct(fs, blk, cgp->cg_frsum, 1);
		/* A whole block again: count it as a block, not as fragments. */
		if (ffs_isblock(fs, cg_blksfree(cgp), fragstoblks(fs, bbase)))
			csum_add(fs, ip->i_ump, cgp, 0, 1, 0, -fs->fs_frag);
	}
	bdwrite(bp);
}

/* Frees inode ino (of mode) of the file system pvp is on. */
int
ffs_vfree(void *v)
{
	struct vop_vfree_args *ap = v;
	struct inode *pip = VTOI(ap->a_pvp);
	struct fs *fs = pip->i_fs;
	struct cg *cgp;
	struct buf *bp;
	ino_t ino = ap->a_ino;
	int cg;

	if (ino < ROOTINO || ino >= (ino_t)(fs->fs_ipg * fs->fs_ncg)) {
		log(LOG_ERR, "ffs_vfree: bad inode %lu\n", (u_long)ino);
		return (0);
	}
	cg = ino_to_cg(fs, ino);
	if ((cgp = ffs_getcg(pip, cg, &bp)) == NULL)
		return (0);
	cgp->cg_time = (int32_t)time.tv_sec;
	ino %= fs->fs_ipg;
	if (isclr(cg_inosused(cgp), ino)) {
		log(LOG_ERR, "ino %lu on %s: freeing free inode\n",
		    (u_long)ap->a_ino, fs->fs_fsmnt);
		brelse(bp);
		return (0);
	}
	clrbit(cg_inosused(cgp), ino);
	if ((int)ino < cgp->cg_irotor)
		cgp->cg_irotor = ino;
	csum_add(fs, pip->i_ump, cgp, (ap->a_mode & IFMT) == IFDIR ? -1 : 0, 0, 1, 0);
	bdwrite(bp);
	return (0);
}
