/*
 * mbuf.h - memory buffers for network data (the 4.4BSD-Lite2 interface).
 *
 * Design: an mbuf is MSIZE bytes: a header (m_hdr), optionally a packet
 * header (pkthdr, first mbuf of a packet only), then inline data; or the
 * data lives in an external cluster of MCLBYTES bytes, reference counted
 * so m_copym can share it.  Mbufs are chained by m_next into one packet
 * and packets by m_nextpkt into a queue.  Allocation goes through the
 * kernel malloc of the shims; mbstat counts what is in use so a test can
 * prove nothing leaked.  All fields are protected by splnet (the stack
 * runs under one lock in every placement).
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
	u_int		ext_size;	/* size of buffer */
	int		*ext_refcnt;	/* shared reference count */
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

/* allocation flags */
#define M_DONTWAIT	1
#define M_WAIT		0

#define M_COPYALL	1000000000

#define mtod(m, t)	((t)((m)->m_data))

/* Statistics: mbufs and clusters allocated, and failures. */
struct mbstat {
	u_long	m_mbufs;	/* mbufs in use */
	u_long	m_clusters;	/* clusters in use */
	u_long	m_drops;	/* times failed to find space */
	u_long	m_wait;		/* times waited for space */
	u_long	m_drain;	/* times drained protocols for space */
	u_long	m_mtypes[MT_NTYPES];	/* type specific mbuf allocations */
};

#ifdef _KERNEL
extern struct mbstat mbstat;
extern int max_linkhdr, max_protohdr, max_hdr, max_datalen;

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

/* Macro forms of the allocators, as 4.4BSD code expects them. */
#define MGET(m, how, type)	((m) = m_get((how), (type)))
#define MGETHDR(m, how, type)	((m) = m_gethdr((how), (type)))
#define MCLGET(m, how)		((void)m_clget((m), (how)))
#define MFREE(m, n)		((n) = m_free(m))
#define M_PREPEND(m, plen, how)	((m) = m_prepend((m), (plen), (how)))

/* Reserve room at the end of a fresh mbuf so len bytes sit there. */
#define M_ALIGN(m, len) \
	((m)->m_data += (MLEN - (len)) & ~(sizeof(long) - 1))
#define MH_ALIGN(m, len) \
	((m)->m_data += (MHLEN - (len)) & ~(sizeof(long) - 1))

/* Bytes free before m_data in this mbuf (0 for shared clusters). */
#define M_LEADINGSPACE(m) \
	((m)->m_flags & M_EXT ? \
	    (*(m)->m_ext.ext_refcnt == 1 ? (m)->m_data - (m)->m_ext.ext_buf : 0) : \
	 (m)->m_flags & M_PKTHDR ? (m)->m_data - (m)->m_pktdat : \
	 (m)->m_data - (m)->m_dat)
#define M_TRAILINGSPACE(m) \
	((m)->m_flags & M_EXT ? \
	    (*(m)->m_ext.ext_refcnt == 1 ? \
	     (m)->m_ext.ext_buf + (m)->m_ext.ext_size - ((m)->m_data + (m)->m_len) : 0) : \
	 &(m)->m_dat[MLEN] - ((m)->m_data + (m)->m_len))

#define M_COPY_PKTHDR(to, from) do { \
	(to)->m_pkthdr = (from)->m_pkthdr; \
	(to)->m_flags = (from)->m_flags & M_COPYFLAGS; \
	(to)->m_data = (to)->m_pktdat; \
} while (0)
#endif /* _KERNEL */

#endif /* !_SYS_MBUF_H_ */
