/*
 * param.h: system parameters and the small macros everything uses.
 */
#ifndef _SYS_PARAM_H_
#define _SYS_PARAM_H_

#define BSD	199506		/* 4.4BSD-Lite2 interface */
#define BSD4_4	1

#include <sys/types.h>
#include <sys/errno.h>
#include <sys/time.h>

#define MAXCOMLEN	16		/* command name length */
#define MAXINTERP	32
#define MAXLOGNAME	12
#define NGROUPS		16		/* groups per credential */
#define NOGROUP		65535
#define MAXHOSTNAMELEN	256
#define NOFILE		64
#define MAXPATHLEN	1024		/* longest path name */
#define MAXSYMLINKS	32		/* symlinks followed by one lookup */
#define MAXNAMLEN	255

#define NBBY		8		/* bits per byte */
#define NBPW		sizeof(int)
#define DEV_BSHIFT	9		/* log2(DEV_BSIZE) */
#define DEV_BSIZE	(1 << DEV_BSHIFT)
#define BLKDEV_IOSIZE	2048
#define MAXPHYS		(64 * 1024)
#define MAXBSIZE	65536		/* largest file-system block */
#define MAXFRAG		8

/* Pages and clusters of pages (one page to a cluster, as on i386). */
#define PGSHIFT		12
#define NBPG		(1 << PGSHIFT)	/* bytes per page */
#define PGOFSET		(NBPG - 1)	/* byte offset into a page */
#define CLSIZELOG2	0
#define CLSIZE		(1 << CLSIZELOG2)	/* pages per cluster */
#define CLBYTES		(CLSIZE * NBPG)
#define CLOFSET		(CLBYTES - 1)
#define ctob(x)		((x) << PGSHIFT)	/* pages to bytes */
#define btoc(x)		(((unsigned)(x) + PGOFSET) >> PGSHIFT)	/* bytes to pages */

/* Mbuf clusters the cluster map holds (sys/mbuf.h, vm/vm_kern.c). */
#ifndef NMBCLUSTERS
#define NMBCLUSTERS	8192		/* 16 MiB */
#endif

#define btodb(bytes)	((daddr_t)((bytes) >> DEV_BSHIFT))
#define dbtob(db)	((off_t)(db) << DEV_BSHIFT)

/* Sleep priorities; PCATCH lets signals interrupt a tsleep. */
#define PSWP		0
#define PVM		4
#define PINOD		8
#define PRIBIO		16
#define PVFS		20
#define PZERO		22
#define PSOCK		24
#define PWAIT		32
#define PLOCK		36
#define PPAUSE		40
#define PUSER		50
#define PRIMASK		0x0ff
#define PCATCH		0x100

/* Bit maps. */
#define setbit(a, i)	((a)[(i) / NBBY] |= 1 << ((i) % NBBY))
#define clrbit(a, i)	((a)[(i) / NBBY] &= ~(1 << ((i) % NBBY)))
#define isset(a, i)	((a)[(i) / NBBY] & (1 << ((i) % NBBY)))
#define isclr(a, i)	(((a)[(i) / NBBY] & (1 << ((i) % NBBY))) == 0)

#define howmany(x, y)	(((x) + ((y) - 1)) / (y))
#define roundup(x, y)	((((x) + ((y) - 1)) / (y)) * (y))
#define powerof2(x)	((((x) - 1) & (x)) == 0)
#define MIN(a, b)	(((a) < (b)) ? (a) : (b))
#define MAX(a, b)	(((a) > (b)) ? (a) : (b))

#define ALIGNBYTES	7
#define ALIGN(p)	(((u_long)(p) + ALIGNBYTES) & ~ALIGNBYTES)

/* What Lite2's param.h also brings in, for historic files that rely on it. */
#include <sys/resource.h>
#include <sys/ucred.h>
#include <sys/uio.h>
#include <sys/signal.h>
#include <machine/limits.h>

#endif /* !_SYS_PARAM_H_ */
