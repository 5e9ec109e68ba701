/*
 * mbuf.h - memory buffers for network data (the 4.4BSD-Lite2 interface).
 *
 * Design: an mbuf is MSIZE bytes: a header (m_hdr), optionally a packet
 * header (pkthdr, first mbuf of a packet only), then inline data; or the
 * data lives in an external cluster of MCLBYTES bytes.  Mbufs are chained
 * by m_next into one packet and packets by m_nextpkt into a queue.
 *
 * Allocation is Lite2's, macros and all, so historic code that expands
 * MGET or MCLGET inline works unchanged: mbufs come from the kernel
 * malloc (MALLOC with mbtypes[type]); clusters come from the cluster map
 * (mb_map, NMBCLUSTERS clusters starting at mbutl, see vm/vm_kern.c),
 * are kept on the mclfree list once obtained, and are shared by
 * m_copym through the per-cluster reference counts mclrefcnt[mtocl(p)].
 * mbstat.m_mtypes[] counts the mbufs in use by type; m_clusters counts
 * the clusters taken from the map and m_clfree those on the free list, so
 * a test can prove nothing leaked.  All fields are protected by splimp
 * (MBUFLOCK) in Lite2; here the giant lock covers the stack in every
 * placement.
 */
#ifndef _SYS_MBUF_H_
#define _SYS_MBUF_H_

#include <sys/types.h>

#define MSIZE		256		/* size of an mbuf */
#define MCLSHIFT	11
#define MCLBYTES	(1 << MCLSHIFT)	/* size of a cluster */
#define MINCLSIZE	(MHLEN + 1)	/* smallest amount to put in a cluster */
#define M_MAXCOMPRESS	(MHLEN / 2)

struct ifnet;

struct m_hdr {
	struct mbuf	*mh_next;	/* next buffer in chain */
	struct mbuf	*mh_nextpkt;	/* next chain in queue/record */
	caddr_t		mh_data;	/* location of data */
	int		mh_len;		/* amount of data in this mbuf */
	short		mh_type;	/* type of data in this mbuf */
	short		mh_flags;	/* flags; see below */
};

struct pkthdr {
	struct ifnet	*rcvif;		/* receiving interface */
	int		len;		/* total packet length */
};

struct m_ext {
	caddr_t		ext_buf;	/* start of buffer */
	void		(*ext_free)();	/* free routine if not the usual */
	u_int		ext_size;	/* size of buffer, for ext_free */
};

#define MLEN		(MSIZE - sizeof(struct m_hdr))
#define MHLEN		(MLEN - sizeof(struct pkthdr))

struct mbuf {
	struct m_hdr m_hdr;
	union {
		struct {
			struct pkthdr MH_pkthdr;
			union {
				struct m_ext MH_ext;
				char	MH_databuf[MHLEN];
			} MH_dat;
		} MH;
		char	M_databuf[MLEN];
	} M_dat;
};
#define m_next		m_hdr.mh_next
#define m_len		m_hdr.mh_len
#define m_data		m_hdr.mh_data
#define m_type		m_hdr.mh_type
#define m_flags		m_hdr.mh_flags
#define m_nextpkt	m_hdr.mh_nextpkt
#define m_act		m_nextpkt
#define m_pkthdr	M_dat.MH.MH_pkthdr
#define m_ext		M_dat.MH.MH_dat.MH_ext
#define m_pktdat	M_dat.MH.MH_dat.MH_databuf
#define m_dat		M_dat.M_databuf

/* m_flags */
#define M_EXT		0x0001	/* has associated external storage */
#define M_PKTHDR	0x0002	/* start of record */
#define M_EOR		0x0004	/* end of record */
#define M_BCAST		0x0100	/* sent/received as link-level broadcast */
#define M_MCAST		0x0200	/* sent/received as link-level multicast */
#define M_COPYFLAGS	(M_PKTHDR|M_EOR|M_BCAST|M_MCAST)

/* m_type */
#define MT_FREE		0
#define MT_DATA		1
#define MT_HEADER	2
#define MT_SOCKET	3
#define MT_PCB		4
#define MT_RTABLE	5
#define MT_HTABLE	6
#define MT_ATABLE	7
#define MT_SONAME	8
#define MT_SOOPTS	10
#define MT_FTABLE	11
#define MT_RIGHTS	12
#define MT_IFADDR	13
#define MT_CONTROL	14
#define MT_OOBDATA	15
#define MT_NTYPES	16

/* allocation flags: the malloc flags' values (M_NOWAIT, M_WAITOK) */
#define M_DONTWAIT	1
#define M_WAIT		0

#define M_COPYALL	1000000000

#define mtod(m, t)	((t)((m)->m_data))

/* Statistics (Lite2's): in use = the sum of m_mtypes; free clusters. */
struct mbstat {
	u_long	m_mbufs;	/* mbufs obtained from page pool (unused: malloc) */
	u_long	m_clusters;	/* clusters obtained from the cluster map */
	u_long	m_spare;	/* spare field */
	u_long	m_clfree;	/* free clusters */
	u_long	m_drops;	/* times failed to find space */
	u_long	m_wait;		/* times waited for space */
	u_long	m_drain;	/* times drained protocols for space */
	u_short	m_mtypes[256];	/* type specific mbuf allocations */
};

/* A free cluster's first word links the free list. */
union mcluster {
	union	mcluster *mcl_next;
	char	mcl_buf[MCLBYTES];
};

#ifdef _KERNEL
#include <sys/malloc.h>

extern struct mbstat mbstat;
extern int max_linkhdr, max_protohdr, max_hdr, max_datalen;
extern struct mbuf *mbutl;	/* the cluster map's first byte */
extern char *mclrefcnt;		/* references to each cluster */
extern union mcluster *mclfree;	/* free clusters */
extern int nmbclusters;		/* clusters the map holds */

/* The malloc type of each mbuf type (all are charged to M_MBUF). */
#ifdef MBTYPES
int mbtypes[MT_NTYPES] = {
	M_FREE, M_MBUF, M_MBUF, M_MBUF, M_MBUF, M_MBUF, M_MBUF, M_MBUF,
	M_MBUF, M_MBUF, M_MBUF, M_MBUF, M_MBUF, M_MBUF, M_MBUF, M_MBUF,
};
#else
extern int mbtypes[MT_NTYPES];
#endif

/* Cluster index from an address in the map, and back. */
#define mtocl(x)	(((u_long)(x) - (u_long)mbutl) >> MCLSHIFT)
#define cltom(x)	((caddr_t)((u_long)mbutl + ((u_long)(x) << MCLSHIFT)))

/* Run code at splimp: the level that blocks the network interrupts. */
#define MBUFLOCK(code) \
	{ int ms = splimp(); \
	  { code } \
	  splx(ms); \
	}

struct mbuf *m_get(int, int);
struct mbuf *m_gethdr(int, int);
struct mbuf *m_getclr(int, int);
struct mbuf *m_free(struct mbuf *);
void	m_freem(struct mbuf *);
int	m_clget(struct mbuf *, int);
struct mbuf *m_copym(struct mbuf *, int, int, int);
#define m_copy(m, o, l)	m_copym((m), (o), (l), M_DONTWAIT)	/* Lite2's name */
void	m_copydata(struct mbuf *, int, int, caddr_t);
void	m_copyback(struct mbuf *, int, int, caddr_t);
struct mbuf *m_pullup(struct mbuf *, int);
void	m_adj(struct mbuf *, int);
struct mbuf *m_prepend(struct mbuf *, int, int);
void	m_cat(struct mbuf *, struct mbuf *);
struct mbuf *m_split(struct mbuf *, int, int);
struct mbuf *m_devget(char *, int, int, struct ifnet *, void (*)());
int	m_length(struct mbuf *);

struct mbuf *m_retry(int, int);
struct mbuf *m_retryhdr(int, int);
int	m_clalloc(int, int);
void	m_reclaim(void);
void	mbinit(void);

/*
 * MGET(struct mbuf *m, int how, int type) allocates an mbuf and
 * initializes it to contain internal data; MGETHDR a packet header.
 * On failure they ask the protocols to drain and try once more (m_retry,
 * m_retryhdr, which expand MGET and MGETHDR with retry disabled).  Unlike
 * Lite2's they also clear m_len and the packet header (no caller relies
 * on the garbage).  MBUF_ALLOC is their common part.
 */
#define MBUF_ALLOC(m, how, type, retry) { \
	MALLOC((m), struct mbuf *, MSIZE, mbtypes[type], (how)); \
	if (m) { \
		(m)->m_type = (type); \
		MBUFLOCK(mbstat.m_mtypes[type]++;) \
		(m)->m_next = (m)->m_nextpkt = (struct mbuf *)NULL; \
		(m)->m_len = 0; \
	} else \
		(m) = retry((how), (type)); \
}

#define MGET(m, how, type) { \
	MBUF_ALLOC(m, how, type, m_retry); \
	if (m) { \
		(m)->m_data = (m)->m_dat; \
		(m)->m_flags = 0; \
	} \
}

#define MGETHDR(m, how, type) { \
	MBUF_ALLOC(m, how, type, m_retryhdr); \
	if (m) { \
		(m)->m_data = (m)->m_pktdat; \
		(m)->m_flags = M_PKTHDR; \
		(m)->m_pkthdr.rcvif = NULL; \
		(m)->m_pkthdr.len = 0; \
	} \
}

/*
 * MCLALLOC(caddr_t p, int how) takes a cluster from the free list,
 * refilling it from the cluster map when empty; MCLGET attaches one to
 * an mbuf (M_EXT is set on success); MCLFREE drops a reference and puts
 * the cluster back on the free list with the last one.
 */
#define MCLALLOC(p, how) \
	MBUFLOCK( \
	  if (mclfree == NULL) \
		(void)m_clalloc(1, (how)); \
	  if (((p) = (caddr_t)mclfree) != NULL) { \
		++mclrefcnt[mtocl(p)]; \
		mbstat.m_clfree--; \
		mclfree = ((union mcluster *)(p))->mcl_next; \
	  } \
	)

#define MCLGET(m, how) \
	{ MCLALLOC((m)->m_ext.ext_buf, (how)); \
	  if ((m)->m_ext.ext_buf != NULL) { \
		(m)->m_data = (m)->m_ext.ext_buf; \
		(m)->m_flags |= M_EXT; \
		(m)->m_ext.ext_size = MCLBYTES; \
		(m)->m_ext.ext_free = NULL; \
	  } \
	}

#define MCLFREE(p) \
	MBUFLOCK( \
	  if (--mclrefcnt[mtocl(p)] == 0) { \
		((union mcluster *)(p))->mcl_next = mclfree; \
		mclfree = (union mcluster *)(p); \
		mbstat.m_clfree++; \
	  } \
	)

/* Whether an mbuf's cluster is shared with another mbuf (not writable). */
#define M_CLUSTER_SHARED(m) \
	((m)->m_ext.ext_free == NULL && mclrefcnt[mtocl((m)->m_ext.ext_buf)] > 1)

/*
 * MFREE(struct mbuf *m, struct mbuf *n) frees one mbuf and its external
 * storage (through ext_free when it has its own), and puts the successor
 * in n.
 */
#define MFREE(m, nn) \
	{ MBUFLOCK(mbstat.m_mtypes[(m)->m_type]--;) \
	  if ((m)->m_flags & M_EXT) { \
		if ((m)->m_ext.ext_free) \
			(*((m)->m_ext.ext_free))((m)->m_ext.ext_buf, \
			    (m)->m_ext.ext_size); \
		else \
			MCLFREE((m)->m_ext.ext_buf); \
	  } \
	  (nn) = (m)->m_next; \
	  (m)->m_type = MT_FREE; \
	  FREE((m), mbtypes[MT_DATA]); \
	}

/*
 * M_PREPEND(m, plen, how) makes room for plen bytes in front of the data:
 * in place when there is leading space, else in a new first mbuf
 * (m_prepend); the packet header's length grows by plen.  m is NULL if
 * that failed (the chain is freed).
 */
#define M_PREPEND(m, plen, how) { \
	if (M_LEADINGSPACE(m) >= (plen)) { \
		(m)->m_data -= (plen); \
		(m)->m_len += (plen); \
	} else \
		(m) = m_prepend((m), (plen), (how)); \
	if ((m) && (m)->m_flags & M_PKTHDR) \
		(m)->m_pkthdr.len += (plen); \
}

/* Reserve room at the end of a fresh mbuf so len bytes sit there. */
#define M_ALIGN(m, len) \
	((m)->m_data += (MLEN - (len)) & ~(sizeof(long) - 1))
#define MH_ALIGN(m, len) \
	((m)->m_data += (MHLEN - (len)) & ~(sizeof(long) - 1))

/*
 * Bytes free before m_data and after the data in this mbuf; none in a
 * shared cluster (Lite2 reports a shared cluster's trailing space, which
 * a writer would scribble into the other mbuf's data).
 */
#define M_LEADINGSPACE(m) \
	((m)->m_flags & M_EXT ? \
	    (M_CLUSTER_SHARED(m) ? 0 : (m)->m_data - (m)->m_ext.ext_buf) : \
	 (m)->m_flags & M_PKTHDR ? (m)->m_data - (m)->m_pktdat : \
	 (m)->m_data - (m)->m_dat)
#define M_TRAILINGSPACE(m) \
	((m)->m_flags & M_EXT ? \
	    (M_CLUSTER_SHARED(m) ? 0 : \
	     (m)->m_ext.ext_buf + (m)->m_ext.ext_size - ((m)->m_data + (m)->m_len)) : \
	 &(m)->m_dat[MLEN] - ((m)->m_data + (m)->m_len))

#define M_COPY_PKTHDR(to, from) do { \
	(to)->m_pkthdr = (from)->m_pkthdr; \
	(to)->m_flags = (from)->m_flags & M_COPYFLAGS; \
	(to)->m_data = (to)->m_pktdat; \
} while (0)
#endif /* _KERNEL */

#endif /* !_SYS_MBUF_H_ */
