/*
 * buf.h: the buffer cache. A buf holds one block of a vnode: file data
 * named by logical block b_lblkno (b_blkno is the device address, in
 * DEV_BSIZE units, once mapped), or metadata of the device vnode.
 * B_BUSY owns a buffer; everything else is protected by the giant lock.
 */
#ifndef _SYS_BUF_H_
#define _SYS_BUF_H_
#include <sys/param.h>
#include <sys/queue.h>

struct buf;
struct vnode;
struct ucred;
struct proc;

struct buf {
	LIST_ENTRY(buf) b_hash;		/* hash chain */
	LIST_ENTRY(buf) b_vnbufs;	/* on its vnode's clean or dirty list */
	TAILQ_ENTRY(buf) b_freelist;	/* on a free list when not busy */
	int	b_qindex;		/* which free list (Molt: O(1) removal) */
	long	b_flags;		/* B_* */
	int	b_error;		/* errno when B_ERROR */
	long	b_bufsize;		/* allocated size of b_data */
	long	b_bcount;		/* valid bytes */
	long	b_resid;		/* bytes not transferred */
	dev_t	b_dev;			/* device of the I/O */
	caddr_t	b_data;			/* the memory */
	daddr_t	b_lblkno;		/* logical block number */
	daddr_t	b_blkno;		/* device block number */
	void	(*b_iodone)(struct buf *bp);
	struct	vnode *b_vp;		/* the vnode it belongs to */
	struct	proc *b_proc;
	struct	ucred *b_rcred;
	struct	ucred *b_wcred;
	int	b_dirtyoff;		/* dirty range within the buffer */
	int	b_dirtyend;
};

/* b_flags */
#define B_AGE		0x00000001	/* reuse soon */
#define B_ASYNC		0x00000004	/* do not wait for the I/O */
#define B_BUSY		0x00000010	/* owned */
#define B_CACHE		0x00000020	/* found in the cache */
#define B_CALL		0x00000040	/* call b_iodone */
#define B_DELWRI	0x00000080	/* dirty, written later */
#define B_DONE		0x00000200	/* I/O finished */
#define B_EINTR		0x00000400
#define B_ERROR		0x00000800	/* I/O failed */
#define B_INVAL		0x00002000	/* contents are not valid */
#define B_LOCKED	0x00004000
#define B_NOCACHE	0x00008000	/* do not keep after release */
#define B_PHYS		0x00040000
#define B_READ		0x00100000	/* a read (else a write) */
#define B_WANTED	0x00800000	/* someone waits for it */
#define B_WRITE		0x00000000
#define B_WRITEINPROG	0x01000000
#define B_SYNC		0x02000000	/* ffs_balloc: write new pointers at once */

#define clrbuf(bp) do {							\
	bzero((bp)->b_data, (u_int)(bp)->b_bcount);			\
	(bp)->b_resid = 0;						\
} while (0)

#ifdef _KERNEL
extern int nbuf;
void	bufinit(void);
int	bread(struct vnode *vp, daddr_t blkno, int size, struct ucred *cred, struct buf **bpp);
int	bwrite(struct buf *bp);
void	bdwrite(struct buf *bp);
void	bawrite(struct buf *bp);
void	brelse(struct buf *bp);
struct buf *getblk(struct vnode *vp, daddr_t blkno, int size, int slpflag, int slptimeo);
struct buf *geteblk(int size);
struct buf *incore(struct vnode *vp, daddr_t blkno);
void	allocbuf(struct buf *bp, int size);
int	biowait(struct buf *bp);
void	biodone(struct buf *bp);
void	bgetvp(struct vnode *vp, struct buf *bp);
void	brelvp(struct buf *bp);
void	reassignbuf(struct buf *bp, struct vnode *newvp);
int	vfs_bufstats(long *nbufs, long *ndirty);
#endif
#endif /* !_SYS_BUF_H_ */
