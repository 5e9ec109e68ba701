/*
 * vfs_bio.c: the buffer cache.
 *
 * A buffer caches one block of one vnode, named (b_vp, b_lblkno) and
 * found through a hash table. A buffer is either B_BUSY (owned by whoever
 * got it from getblk/bread) or on a free list: LRU (valid data, reused
 * last), AGE (reuse soon) or EMPTY (no data). Dirty buffers (B_DELWRI)
 * are on their vnode's v_dirtyblkhd and are written when their vnode is
 * synced or when their buffer is reused; clean ones on v_cleanblkhd.
 * I/O goes through VOP_STRATEGY, which completes it with biodone().
 * All of it is protected by the giant lock; nobody sleeps holding a busy
 * buffer except in biowait().
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/malloc.h>
#include <sys/vnode.h>
#include <sys/mount.h>
#include <sys/buf.h>
#include <miscfs/specfs/specdev.h>

int nbuf = 4096;			/* buffer headers */
static long bufspace;			/* bytes of b_data allocated */
static long maxbufspace = 48L * 1024 * 1024;
static long numdirty;

#define BUFHSZ	4096
static LIST_HEAD(bufhashhdr, buf) bufhashtbl[BUFHSZ];
#define BUFHASH(vp, bn)	\
	(&bufhashtbl[(((u_long)(vp) >> 6) + (u_long)(bn)) & (BUFHSZ - 1)])

#define QUEUE_EMPTY	0
#define QUEUE_LRU	1
#define QUEUE_AGE	2
#define BQUEUES		3
static TAILQ_HEAD(bqueue, buf) bufqueues[BQUEUES];
static struct buf *bufs;

#define QUEUE_NONE	(-1)

static void
binsheadfree(struct buf *bp, int q)
{
	TAILQ_INSERT_HEAD(&bufqueues[q], bp, b_freelist);
	bp->b_qindex = q;
}

static void
binstailfree(struct buf *bp, int q)
{
	TAILQ_INSERT_TAIL(&bufqueues[q], bp, b_freelist);
	bp->b_qindex = q;
}

/* Takes bp off the free list it is on. */
static void
bremfree(struct buf *bp)
{
	if (bp->b_qindex == QUEUE_NONE)
		panic("bremfree: not on a free list");
	TAILQ_REMOVE(&bufqueues[bp->b_qindex], bp, b_freelist);
	bp->b_qindex = QUEUE_NONE;
}

void
bufinit(void)
{
	int i;

	for (i = 0; i < BUFHSZ; i++)
		LIST_INIT(&bufhashtbl[i]);
	for (i = 0; i < BQUEUES; i++)
		TAILQ_INIT(&bufqueues[i]);
	bufs = malloc(sizeof(struct buf) * nbuf, M_BUFFER, M_WAITOK);
	bzero(bufs, sizeof(struct buf) * nbuf);
	for (i = 0; i < nbuf; i++) {
		bufs[i].b_dev = NODEV;
		bufs[i].b_flags = B_INVAL;
		binstailfree(&bufs[i], QUEUE_EMPTY);
	}
}

/* Associates bp with vp (on its clean list). */
void
bgetvp(struct vnode *vp, struct buf *bp)
{
	if (bp->b_vp)
		panic("bgetvp: not free");
	vhold(vp);
	bp->b_vp = vp;
	bp->b_dev = (vp->v_type == VBLK || vp->v_type == VCHR) ? vp->v_rdev : NODEV;
	LIST_INSERT_HEAD(&vp->v_cleanblkhd, bp, b_vnbufs);
}

void
brelvp(struct buf *bp)
{
	if (bp->b_vp == NULL)
		panic("brelvp: NULL");
	LIST_REMOVE(bp, b_vnbufs);
	holdrele(bp->b_vp);
	bp->b_vp = NULL;
}

/* Moves bp to its vnode's dirty or clean list, by B_DELWRI. */
void
reassignbuf(struct buf *bp, struct vnode *newvp)
{
	LIST_REMOVE(bp, b_vnbufs);
	if (bp->b_flags & B_DELWRI)
		LIST_INSERT_HEAD(&newvp->v_dirtyblkhd, bp, b_vnbufs);
	else
		LIST_INSERT_HEAD(&newvp->v_cleanblkhd, bp, b_vnbufs);
}

/* Resizes bp's memory to size, keeping the contents that still fit. */
void
allocbuf(struct buf *bp, int size)
{
	caddr_t data;

	if (size > bp->b_bufsize || size < bp->b_bufsize / 2 || size == 0) {
		data = size > 0 ? malloc(size, M_BUFFER, M_WAITOK) : NULL;
		if (bp->b_data != NULL) {
			if (data != NULL)
				bcopy(bp->b_data, data, MIN(size, bp->b_bcount));
			free(bp->b_data, M_BUFFER);
		}
		bufspace += size - bp->b_bufsize;
		bp->b_data = data;
		bp->b_bufsize = size;
	}
	if (size > bp->b_bcount)
		bzero(bp->b_data + bp->b_bcount, size - bp->b_bcount);
	bp->b_bcount = size;
}

struct buf *
incore(struct vnode *vp, daddr_t blkno)
{
	struct buf *bp;

	LIST_FOREACH(bp, BUFHASH(vp, blkno), b_hash)
		if (bp->b_lblkno == blkno && bp->b_vp == vp &&
		    (bp->b_flags & B_INVAL) == 0)
			return (bp);
	return (NULL);
}

/* Drops a buffer's identity (hash, vnode) and data. */
static void
bdisown(struct buf *bp)
{
	if (bp->b_vp != NULL) {
		LIST_REMOVE(bp, b_hash);
		brelvp(bp);
	}
	bp->b_flags = B_BUSY;
	bp->b_error = 0;
	bp->b_resid = 0;
	bp->b_dirtyoff = bp->b_dirtyend = 0;
	bp->b_iodone = NULL;
	bp->b_dev = NODEV;
}

/* Finds a buffer to reuse, writing it first if it is dirty. */
static struct buf *
getnewbuf(void)
{
	struct buf *bp;
	int q;

	for (;;) {
		bp = NULL;
		if (bufspace < maxbufspace)
			bp = TAILQ_FIRST(&bufqueues[QUEUE_EMPTY]);
		for (q = QUEUE_AGE; bp == NULL && q >= QUEUE_LRU; q--)
			bp = TAILQ_FIRST(&bufqueues[q]);
		if (bp == NULL)
			bp = TAILQ_FIRST(&bufqueues[QUEUE_EMPTY]);
		if (bp == NULL)
			panic("getnewbuf: every buffer is busy");
		bremfree(bp);
		bp->b_flags |= B_BUSY;
		if (bp->b_flags & B_DELWRI) {
			(void)bwrite(bp);
			continue;
		}
		bdisown(bp);
		if (bufspace >= maxbufspace && bp->b_bufsize > 0)
			allocbuf(bp, 0);
		return (bp);
	}
}

/* Gets the buffer of (vp, blkno), busy, sized size; found ones are B_CACHE. */
struct buf *
getblk(struct vnode *vp, daddr_t blkno, int size, int slpflag, int slptimeo)
{
	struct buf *bp;

	for (;;) {
		if ((bp = incore(vp, blkno)) != NULL) {
			if (bp->b_flags & B_BUSY) {
				bp->b_flags |= B_WANTED;
				tsleep(bp, PRIBIO + 1, "getblk", 0);
				continue;
			}
			bremfree(bp);
			bp->b_flags |= B_BUSY | B_CACHE;
			if (bp->b_bcount != size)
				allocbuf(bp, size);
			return (bp);
		}
		bp = getnewbuf();
		bp->b_blkno = bp->b_lblkno = blkno;
		bgetvp(vp, bp);
		LIST_INSERT_HEAD(BUFHASH(vp, blkno), bp, b_hash);
		bp->b_bcount = 0;
		allocbuf(bp, size);
		return (bp);
	}
}

/* A buffer belonging to no vnode. */
struct buf *
geteblk(int size)
{
	struct buf *bp = getnewbuf();

	bp->b_flags |= B_INVAL;
	bp->b_bcount = 0;
	allocbuf(bp, size);
	return (bp);
}

int
bread(struct vnode *vp, daddr_t blkno, int size, struct ucred *cred, struct buf **bpp)
{
	struct buf *bp;

	*bpp = bp = getblk(vp, blkno, size, 0, 0);
	if (bp->b_flags & (B_DONE | B_DELWRI))
		return (0);
	bp->b_flags |= B_READ;
	bp->b_flags &= ~(B_DONE | B_ERROR | B_INVAL);
	VOP_STRATEGY(bp);
	return (biowait(bp));
}

int
bwrite(struct buf *bp)
{
	int error, async = bp->b_flags & B_ASYNC;

	if (bp->b_flags & B_DELWRI) {
		bp->b_flags &= ~B_DELWRI;
		numdirty--;
		reassignbuf(bp, bp->b_vp);
	}
	bp->b_flags &= ~(B_READ | B_DONE | B_ERROR);
	bp->b_vp->v_numoutput++;
	VOP_STRATEGY(bp);
	if (async)
		return (0);
	error = biowait(bp);
	brelse(bp);
	return (error);
}

void
bdwrite(struct buf *bp)
{
	if ((bp->b_flags & B_DELWRI) == 0) {
		bp->b_flags |= B_DELWRI;
		numdirty++;
		reassignbuf(bp, bp->b_vp);
	}
	bp->b_flags |= B_DONE;
	bp->b_flags &= ~B_ERROR;
	brelse(bp);
}

void
bawrite(struct buf *bp)
{
	bp->b_flags |= B_ASYNC;
	(void)bwrite(bp);
}

void
brelse(struct buf *bp)
{
	if (bp->b_flags & B_WANTED)
		wakeup(bp);
	if (bp->b_flags & (B_ERROR | B_NOCACHE))
		bp->b_flags |= B_INVAL;
	if (bp->b_flags & B_INVAL) {
		if (bp->b_flags & B_DELWRI) {
			bp->b_flags &= ~B_DELWRI;
			numdirty--;
			reassignbuf(bp, bp->b_vp);
		}
		if (bp->b_vp != NULL) {
			LIST_REMOVE(bp, b_hash);
			brelvp(bp);
		}
		bp->b_flags = B_INVAL;
		binsheadfree(bp, bp->b_bufsize > 0 ? QUEUE_AGE : QUEUE_EMPTY);
		return;
	}
	if (bp->b_flags & B_AGE)
		binstailfree(bp, QUEUE_AGE);
	else
		binstailfree(bp, QUEUE_LRU);
	bp->b_flags &= ~(B_WANTED | B_BUSY | B_ASYNC | B_AGE | B_NOCACHE);
}

int
biowait(struct buf *bp)
{
	while ((bp->b_flags & B_DONE) == 0)
		tsleep(bp, PRIBIO, "biowait", 0);
	if (bp->b_flags & B_ERROR)
		return (bp->b_error ? bp->b_error : EIO);
	return (0);
}

void
biodone(struct buf *bp)
{
	if (bp->b_flags & B_DONE)
		panic("biodone: already done");
	bp->b_flags |= B_DONE;
	if ((bp->b_flags & B_READ) == 0)
		vwakeup(bp);
	if (bp->b_flags & B_CALL) {
		bp->b_flags &= ~B_CALL;
		(*bp->b_iodone)(bp);
		return;
	}
	if (bp->b_flags & B_ASYNC)
		brelse(bp);
	else
		wakeup(bp);
}

/* A write finished: one less output in progress on the vnode. */
void
vwakeup(struct buf *bp)
{
	struct vnode *vp = bp->b_vp;

	if (vp != NULL && --vp->v_numoutput <= 0) {
		vp->v_numoutput = 0;
		if (vp->v_flag & VBWAIT) {
			vp->v_flag &= ~VBWAIT;
			wakeup(&vp->v_numoutput);
		}
	}
}

/*
 * Drops every buffer of vp; with V_SAVE, writes the dirty ones first.
 */
int
vinvalbuf(struct vnode *vp, int flags, struct ucred *cred, struct proc *p, int slpflag, int slptimeo)
{
	struct buf *bp;
	int error;

	if ((flags & V_SAVE) && LIST_FIRST(&vp->v_dirtyblkhd) != NULL) {
		if ((error = VOP_FSYNC(vp, cred, MNT_WAIT, p)) != 0)
			return (error);
	}
	for (;;) {
		if ((bp = LIST_FIRST(&vp->v_cleanblkhd)) == NULL &&
		    (bp = LIST_FIRST(&vp->v_dirtyblkhd)) == NULL)
			break;
		if (bp->b_flags & B_BUSY)
			panic("vinvalbuf: busy buffer");
		bremfree(bp);
		bp->b_flags |= B_BUSY | B_INVAL;
		brelse(bp);
	}
	return (0);
}

/* Buffer-cache figures, for tests and statistics. */
int
vfs_bufstats(long *nbufs, long *ndirty)
{
	*nbufs = bufspace;
	*ndirty = numdirty;
	return (0);
}
