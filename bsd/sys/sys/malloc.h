/*
 * malloc.h: the kernel memory allocator interface.
 * malloc(size, type, flags) charges the allocation to a malloc type; the
 * shims keep a struct kmemstats per type (see shims/src/services/malloc.rs).
 * M_WAITOK never returns NULL; M_NOWAIT may.
 */
#ifndef _SYS_MALLOC_H_
#define _SYS_MALLOC_H_
#include <sys/types.h>

#define M_WAITOK	0x0000
#define M_NOWAIT	0x0001

/* Malloc types (4.4BSD-Lite2 numbering where it has the type). */
#define M_FREE		0
#define M_MBUF		1
#define M_DEVBUF	2
#define M_SOCKET	3
#define M_PCB		4
#define M_RTABLE	5
#define M_HTABLE	6
#define M_FTABLE	7
#define M_ZOMBIE	8
#define M_IFADDR	9
#define M_SOOPTS	10
#define M_SONAME	11
#define M_NAMEI		12
#define M_GPROF		13
#define M_IOCTLOPS	14
#define M_MAPMEM	15
#define M_CRED		16
#define M_PGRP		17
#define M_SESSION	18
#define M_IOV		19
#define M_MOUNT		20
#define M_FHANDLE	21
#define M_VNODE		25
#define M_CACHE		26
#define M_UFSMNT	28
#define M_FFSNODE	29
#define M_IPMOPTS	30
#define M_IPMADDR	31
#define M_IFMADDR	32
#define M_BUFFER	33
#define M_PROC		34
#define M_VFS		35
#define M_FILE		36
#define M_FILEDESC	37
#define M_TEMP		74
#define M_LAST		75

/* One line of per-type statistics (what vmstat -m prints). */
struct kmemstats {
	long	ks_inuse;	/* allocations of this type now live */
	long	ks_calls;	/* total calls to allocate this type */
	long	ks_memuse;	/* bytes of this type now live */
	u_short	ks_limblocks;	/* times blocked for hitting the limit */
	u_short	ks_mapblocks;	/* times blocked for kernel map space */
	long	ks_maxused;	/* largest ks_memuse seen */
	long	ks_limit;	/* most bytes this type may hold */
	long	ks_size;	/* sizes of this type that were allocated (bit map) */
	long	ks_spare;
};

#ifdef _KERNEL
void	*malloc(unsigned long size, int type, int flags);
void	free(void *addr, int type);
#define MALLOC(space, cast, size, type, flags) \
	(space) = (cast)malloc((u_long)(size), type, flags)
#define FREE(addr, type) free((void *)(addr), type)
#endif
#endif /* !_SYS_MALLOC_H_ */
