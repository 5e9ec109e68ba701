/*
 * uipc_mbuf.c - mbuf and cluster allocation and chain operations (the
 * functions of Lite2's uipc_mbuf.c; later additions are in uipc_mbuf2.c).
 *
 * Design: mbufs come from the kernel malloc through MGET (sys/mbuf.h);
 * clusters from the cluster map, two to a page, onto the mclfree list,
 * where freed clusters return too (MCLFREE): the map is never given back,
 * as in Lite2.  When an allocation fails, m_retry asks every protocol to
 * drain (pr_drain) and tries once more.  m_copym and m_split share a
 * cluster by raising its count in mclrefcnt[].  Every routine here takes
 * and returns whole chains and never leaves a half-freed chain behind:
 * m_pullup and m_prepend free the chain when they fail, as Lite2 does.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#define MBTYPES
#include <sys/mbuf.h>
#include <sys/kernel.h>
#include <sys/syslog.h>
#include <sys/domain.h>
#include <sys/protosw.h>
#include <vm/vm.h>

struct mbuf *mbutl;		/* set up with the cluster map (vm_kern.c) */
char *mclrefcnt;

/* Start the cluster pool with a page of clusters. */
void
mbinit(void)
{
	int s = splimp();

	if (m_clalloc(MAX(4096 / CLBYTES, 1), M_DONTWAIT) == 0)
		panic("mbinit: no memory for the first clusters");
	splx(s);
}

/*
 * Take ncl pages of clusters from the cluster map and put them on the
 * free list; returns 0 when the map is full.  Called at splimp.
 */
int
m_clalloc(int ncl, int nowait)
{
	static int logged;
	caddr_t p;
	int i;

	p = (caddr_t)kmem_malloc(mb_map, ctob(ncl * CLSIZE), !nowait);
	if (p == NULL) {
		if (logged == 0) {
			logged++;
			log(LOG_ERR, "mb_map full\n");
		}
		mbstat.m_drops++;
		return 0;
	}
	ncl = ncl * CLBYTES / MCLBYTES;
	for (i = 0; i < ncl; i++, p += MCLBYTES) {
		((union mcluster *)p)->mcl_next = mclfree;
		mclfree = (union mcluster *)p;
		mbstat.m_clfree++;
	}
	mbstat.m_clusters += ncl;
	return 1;
}

/* MGET failed: drain the protocols and try once more (without retrying). */
struct mbuf *
m_retry(int how, int type)
{
	struct mbuf *m;

	m_reclaim();
#define m_retry(how, type)	((struct mbuf *)NULL)
	MGET(m, how, type);
#undef m_retry
	if (m == NULL)
		mbstat.m_drops++;
	return m;
}

/* The same for MGETHDR. */
struct mbuf *
m_retryhdr(int how, int type)
{
	struct mbuf *m;

	m_reclaim();
#define m_retryhdr(how, type)	((struct mbuf *)NULL)
	MGETHDR(m, how, type);
#undef m_retryhdr
	if (m == NULL)
		mbstat.m_drops++;
	return m;
}

/* Ask every protocol of every domain to give back what it can. */
void
m_reclaim(void)
{
	struct domain *dp;
	struct protosw *pr;
	int s = splimp();

	for (dp = domains; dp != NULL; dp = dp->dom_next)
		for (pr = dp->dom_protosw; pr < dp->dom_protoswNPROTOSW; pr++)
			if (pr->pr_drain)
				(*pr->pr_drain)();
	splx(s);
	mbstat.m_drain++;
}

/* Let n share m's cluster (one more reference). */
static void
m_sharecluster(struct mbuf *n, struct mbuf *m)
{
	if (m->m_ext.ext_free != NULL)
		panic("m_sharecluster: external storage with its own free routine");
	MBUFLOCK(mclrefcnt[mtocl(m->m_ext.ext_buf)]++;)
	n->m_ext = m->m_ext;
	n->m_flags |= M_EXT;
}

struct mbuf *
m_get(int how, int type)
{
	struct mbuf *m;

	MGET(m, how, type);
	return m;
}

struct mbuf *
m_gethdr(int how, int type)
{
	struct mbuf *m;

	MGETHDR(m, how, type);
	return m;
}

struct mbuf *
m_getclr(int how, int type)
{
	struct mbuf *m;

	MGET(m, how, type);
	if (m == NULL)
		return NULL;
	bzero(mtod(m, caddr_t), MLEN);
	return m;
}

/* Free one mbuf (and its cluster reference); return its successor. */
struct mbuf *
m_free(struct mbuf *m)
{
	struct mbuf *n;

	MFREE(m, n);
	return n;
}

void
m_freem(struct mbuf *m)
{
	while (m != NULL)
		m = m_free(m);
}

/*
 * The slow path of M_PREPEND: a new first mbuf holding len bytes (at its
 * end when they fit, so more can be prepended), taking over the packet
 * header.  The caller adjusts m_pkthdr.len.  Frees the chain on failure.
 */
struct mbuf *
m_prepend(struct mbuf *m, int len, int how)
{
	struct mbuf *mn;

	MGET(mn, how, m->m_type);
	if (mn == NULL) {
		m_freem(m);
		return NULL;
	}
	if (m->m_flags & M_PKTHDR) {
		M_COPY_PKTHDR(mn, m);
		m->m_flags &= ~M_PKTHDR;
	}
	mn->m_next = m;
	m = mn;
	if (len < (int)MHLEN)
		MH_ALIGN(m, len);
	m->m_len = len;
	return m;
}

/*
 * Copy len bytes (M_COPYALL: to the end) starting off0 bytes into the
 * chain m.  Cluster data is shared by reference, not copied.
 */
struct mbuf *
m_copym(struct mbuf *m, int off0, int len, int wait)
{
	struct mbuf *n, **np, *top;
	int off = off0;
	int copyhdr = 0;

	if (off < 0 || len < 0)
		panic("m_copym: bad offset or length");
	if (off == 0 && (m->m_flags & M_PKTHDR))
		copyhdr = 1;
	while (off > 0) {
		if (m == NULL)
			panic("m_copym: offset beyond chain");
		if (off < m->m_len)
			break;
		off -= m->m_len;
		m = m->m_next;
	}
	np = &top;
	top = NULL;
	while (len > 0) {
		if (m == NULL) {
			if (len != M_COPYALL)
				panic("m_copym: length beyond chain");
			break;
		}
		if ((n = m_get(wait, m->m_type)) == NULL)
			goto nospace;
		*np = n;
		if (copyhdr) {
			M_COPY_PKTHDR(n, m);
			if (len == M_COPYALL)
				n->m_pkthdr.len -= off0;
			else
				n->m_pkthdr.len = len;
			copyhdr = 0;
		}
		n->m_len = MIN(len, m->m_len - off);
		if (m->m_flags & M_EXT) {
			n->m_data = m->m_data + off;
			m_sharecluster(n, m);
		} else
			bcopy(mtod(m, caddr_t) + off, mtod(n, caddr_t), (unsigned)n->m_len);
		if (len != M_COPYALL)
			len -= n->m_len;
		off = 0;
		m = m->m_next;
		np = &n->m_next;
	}
	return top;
nospace:
	m_freem(top);
	return NULL;
}

/* Copy len bytes from offset off of the chain into the buffer cp. */
void
m_copydata(struct mbuf *m, int off, int len, caddr_t cp)
{
	unsigned count;

	if (off < 0 || len < 0)
		panic("m_copydata: bad offset or length");
	while (off > 0) {
		if (m == NULL)
			panic("m_copydata: offset beyond chain");
		if (off < m->m_len)
			break;
		off -= m->m_len;
		m = m->m_next;
	}
	while (len > 0) {
		if (m == NULL)
			panic("m_copydata: length beyond chain");
		count = MIN(m->m_len - off, len);
		bcopy(mtod(m, caddr_t) + off, cp, count);
		len -= count;
		cp += count;
		off = 0;
		m = m->m_next;
	}
}

/* Append chain n to chain m (packet headers of n are not merged). */
void
m_cat(struct mbuf *m, struct mbuf *n)
{
	while (m->m_next)
		m = m->m_next;
	while (n) {
		if ((m->m_flags & M_EXT) ||
		    m->m_data + m->m_len + n->m_len >= &m->m_dat[MLEN]) {
			m->m_next = n;
			return;
		}
		bcopy(mtod(n, caddr_t), mtod(m, caddr_t) + m->m_len, (u_int)n->m_len);
		m->m_len += n->m_len;
		n = m_free(n);
	}
}

/*
 * Trim req_len bytes from the head (req_len > 0) or the tail
 * (req_len < 0) of the chain, fixing the packet header length.
 */
void
m_adj(struct mbuf *mp, int req_len)
{
	int len = req_len;
	struct mbuf *m;
	int count;

	if ((m = mp) == NULL)
		return;
	if (len >= 0) {
		while (m != NULL && len > 0) {
			if (m->m_len <= len) {
				len -= m->m_len;
				m->m_len = 0;
				m = m->m_next;
			} else {
				m->m_len -= len;
				m->m_data += len;
				len = 0;
			}
		}
		if (mp->m_flags & M_PKTHDR)
			mp->m_pkthdr.len -= (req_len - len);
		return;
	}
	/* Trim from the tail: find the new length, then cut there. */
	len = -len;
	count = m_length(mp);
	if (len > count)
		len = count;
	count -= len;
	if (mp->m_flags & M_PKTHDR)
		mp->m_pkthdr.len = count;
	for (m = mp; m != NULL; m = m->m_next) {
		if (m->m_len >= count) {
			m->m_len = count;
			break;
		}
		count -= m->m_len;
	}
	if (m != NULL)
		for (m = m->m_next; m != NULL; m = m->m_next)
			m->m_len = 0;
}

/*
 * Rearrange the chain so that the first len bytes are contiguous in the
 * first mbuf (len <= MHLEN).  On failure the chain is freed and NULL is
 * returned, as callers expect.
 */
struct mbuf *
m_pullup(struct mbuf *n, int len)
{
	struct mbuf *m;
	int count, space;

	if ((n->m_flags & M_EXT) == 0 &&
	    n->m_data + len < &n->m_dat[MLEN] && n->m_next) {
		if (n->m_len >= len)
			return n;
		m = n;
		n = n->m_next;
		len -= m->m_len;
	} else {
		if (len > (int)MHLEN)
			goto bad;
		if ((m = m_get(M_DONTWAIT, n->m_type)) == NULL)
			goto bad;
		m->m_len = 0;
		if (n->m_flags & M_PKTHDR) {
			M_COPY_PKTHDR(m, n);
			n->m_flags &= ~M_PKTHDR;
		}
	}
	space = &m->m_dat[MLEN] - (m->m_data + m->m_len);
	do {
		count = MIN(MIN(MAX(len, max_protohdr), space), n->m_len);
		bcopy(mtod(n, caddr_t), mtod(m, caddr_t) + m->m_len, (unsigned)count);
		len -= count;
		m->m_len += count;
		n->m_len -= count;
		space -= count;
		if (n->m_len)
			n->m_data += count;
		else
			n = m_free(n);
	} while (len > 0 && n);
	if (len > 0) {
		(void)m_free(m);
		goto bad;
	}
	m->m_next = n;
	return m;
bad:
	m_freem(n);
	return NULL;
}

/*
 * Partition a chain in two pieces, returning the tail: everything from
 * offset len0 on.  On failure returns NULL and leaves m0 as it was.
 */
struct mbuf *
m_split(struct mbuf *m0, int len0, int wait)
{
	struct mbuf *m, *n;
	unsigned len = len0, remain;

	for (m = m0; m && (int)len > m->m_len; m = m->m_next)
		len -= m->m_len;
	if (m == NULL)
		return NULL;
	remain = m->m_len - len;
	if (m0->m_flags & M_PKTHDR) {
		if ((n = m_gethdr(wait, m0->m_type)) == NULL)
			return NULL;
		n->m_pkthdr.rcvif = m0->m_pkthdr.rcvif;
		n->m_pkthdr.len = m0->m_pkthdr.len - len0;
		m0->m_pkthdr.len = len0;
	} else if (remain == 0) {
		n = m->m_next;
		m->m_next = NULL;
		return n;
	} else if ((n = m_get(wait, m->m_type)) == NULL)
		return NULL;
	if (m->m_flags & M_EXT) {
		m_sharecluster(n, m);
		n->m_data = m->m_data + len;
	} else if (remain > (unsigned)M_TRAILINGSPACE(n) + n->m_len) {
		/* a packet header mbuf has less room; give it a cluster */
		MCLGET(n, wait);
		if ((n->m_flags & M_EXT) == 0) {
			(void)m_free(n);
			return NULL;
		}
		bcopy(mtod(m, caddr_t) + len, mtod(n, caddr_t), remain);
	} else
		bcopy(mtod(m, caddr_t) + len, mtod(n, caddr_t), remain);
	n->m_len = remain;
	m->m_len = len;
	n->m_next = m->m_next;
	m->m_next = NULL;
	return n;
}

/*
 * Copy totlen bytes of a received packet from a driver's buffer into a
 * new chain (clusters for large pieces), with Lite2's contract: buf holds
 * the packet after its link header; off0, if not 0, says the packet is
 * trailer-encapsulated: the data that belongs first starts off0 bytes in,
 * after a 4-byte type and length, and wraps around to buf at the end.
 * copy, if given, moves the bytes (for device memory).  A small first
 * piece is placed max_linkhdr into its mbuf, so a link header can be
 * prepended without another mbuf.  An empty packet gets NULL (Lite2's
 * would leak its header mbuf there; no caller passes one).
 */
struct mbuf *
m_devget(char *buf, int totlen, int off0, struct ifnet *ifp, void (*copy)())
{
	struct mbuf *m, *top = NULL, **mp = &top;
	char *cp = buf, *epkt = buf + totlen;
	int len, room;

	if (totlen <= 0 || off0 < 0 || off0 > totlen)
		return NULL;
	if (off0) {
		if (totlen < off0 + 2 * (int)sizeof(u_int16_t))
			return NULL;
		cp += off0 + 2 * sizeof(u_int16_t);
		totlen -= 2 * sizeof(u_int16_t);
	}
	MGETHDR(m, M_DONTWAIT, MT_DATA);
	if (m == NULL)
		return NULL;
	m->m_pkthdr.rcvif = ifp;
	m->m_pkthdr.len = totlen;
	room = MHLEN;
	while (totlen > 0) {
		if (top != NULL) {
			MGET(m, M_DONTWAIT, MT_DATA);
			if (m == NULL) {
				m_freem(top);
				return NULL;
			}
			room = MLEN;
		}
		len = MIN(totlen, epkt - cp);
		if (len >= MINCLSIZE) {
			MCLGET(m, M_DONTWAIT);
			if (m->m_flags & M_EXT)
				room = MCLBYTES;
		} else if (top == NULL && len + max_linkhdr <= room)
			m->m_data += max_linkhdr;
		len = MIN(len, room);
		m->m_len = len;
		if (copy)
			((void (*)(const void *, void *, u_int))copy)(cp, mtod(m, caddr_t), (u_int)len);
		else
			bcopy(cp, mtod(m, caddr_t), (u_int)len);
		cp += len;
		*mp = m;
		mp = &m->m_next;
		totlen -= len;
		if (cp == epkt)
			cp = buf;
	}
	return top;
}
