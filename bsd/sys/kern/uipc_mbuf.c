/*
 * uipc_mbuf.c - mbuf and cluster allocation and chain operations.
 *
 * Design: mbufs and clusters come from the kernel malloc (the shims map
 * it onto the platform's memory); there is no private free list, so a
 * leak shows up directly in mbstat.m_mbufs / m_clusters, which count
 * what is allocated right now.  A cluster carries its reference count in
 * a small header just before the MCLBYTES of data, so m_copym can share
 * it and the last m_free releases it.  Every routine here takes and
 * returns whole chains and never leaves a half-freed chain behind:
 * m_pullup and m_prepend free the chain when they fail, as 4.4BSD does.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>

struct mbstat mbstat;
int max_linkhdr = 16;		/* largest link-level header */
int max_protohdr = 40;		/* largest protocol header (IP + TCP) */
int max_hdr = 56;		/* largest link + protocol header */
int max_datalen = MHLEN - 56;	/* MHLEN - max_hdr */

/* A cluster: its reference count, then its data (kept long-aligned). */
struct mcluster {
	int	mc_refcnt;
	int	mc_pad;
	char	mc_data[MCLBYTES];
};

static int
malloc_flags(int how)
{
	return how == M_DONTWAIT ? M_NOWAIT : M_WAITOK;
}

struct mbuf *
m_get(int how, int type)
{
	struct mbuf *m;

	m = (struct mbuf *)malloc(MSIZE, M_MBUF, malloc_flags(how));
	if (m == NULL) {
		mbstat.m_drops++;
		return NULL;
	}
	mbstat.m_mbufs++;
	mbstat.m_mtypes[type]++;
	m->m_type = type;
	m->m_next = NULL;
	m->m_nextpkt = NULL;
	m->m_data = m->m_dat;
	m->m_len = 0;
	m->m_flags = 0;
	return m;
}

struct mbuf *
m_gethdr(int how, int type)
{
	struct mbuf *m;

	if ((m = m_get(how, type)) == NULL)
		return NULL;
	m->m_data = m->m_pktdat;
	m->m_flags = M_PKTHDR;
	m->m_pkthdr.rcvif = NULL;
	m->m_pkthdr.len = 0;
	return m;
}

struct mbuf *
m_getclr(int how, int type)
{
	struct mbuf *m;

	if ((m = m_get(how, type)) == NULL)
		return NULL;
	bzero(mtod(m, caddr_t), MLEN);
	return m;
}

/* Attach a fresh cluster to m; returns 1 on success (M_EXT set), else 0. */
int
m_clget(struct mbuf *m, int how)
{
	struct mcluster *mc;

	mc = (struct mcluster *)malloc(sizeof(*mc), M_MBUF, malloc_flags(how));
	if (mc == NULL) {
		mbstat.m_drops++;
		return 0;
	}
	mbstat.m_clusters++;
	mc->mc_refcnt = 1;
	m->m_ext.ext_buf = mc->mc_data;
	m->m_ext.ext_size = MCLBYTES;
	m->m_ext.ext_refcnt = &mc->mc_refcnt;
	m->m_data = m->m_ext.ext_buf;
	m->m_flags |= M_EXT;
	return 1;
}

static void
m_clrelease(struct mbuf *m)
{
	int *refcnt = m->m_ext.ext_refcnt;

	if (--*refcnt == 0) {
		/* the count is the first member of its struct mcluster */
		free(refcnt, M_MBUF);
		mbstat.m_clusters--;
	}
}

/* Free one mbuf (and its cluster reference); return its successor. */
struct mbuf *
m_free(struct mbuf *m)
{
	struct mbuf *n = m->m_next;

	if (m->m_flags & M_EXT)
		m_clrelease(m);
	mbstat.m_mtypes[m->m_type]--;
	mbstat.m_mbufs--;
	m->m_type = MT_FREE;
	free(m, M_MBUF);
	return n;
}

void
m_freem(struct mbuf *m)
{
	while (m != NULL)
		m = m_free(m);
}

/* Total bytes in a chain. */
int
m_length(struct mbuf *m)
{
	int len = 0;

	for (; m != NULL; m = m->m_next)
		len += m->m_len;
	return len;
}

/*
 * Lesser-used path for M_PREPEND: allocate a new mbuf to prepend to
 * the chain, copy the packet header over.  Frees the chain on failure.
 */
struct mbuf *
m_prepend(struct mbuf *m, int len, int how)
{
	struct mbuf *mn;

	if (M_LEADINGSPACE(m) >= len) {
		m->m_data -= len;
		m->m_len += len;
		if (m->m_flags & M_PKTHDR)
			m->m_pkthdr.len += len;
		return m;
	}
	if ((mn = m_get(how, m->m_type)) == NULL) {
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
	if (m->m_flags & M_PKTHDR)
		m->m_pkthdr.len += len;
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
			n->m_ext = m->m_ext;
			(*m->m_ext.ext_refcnt)++;
			n->m_flags |= M_EXT;
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

/*
 * Copy len bytes from cp into the chain at offset off, overwriting what
 * is there and extending the chain with fresh mbufs where it is short.
 */
void
m_copyback(struct mbuf *m0, int off, int len, caddr_t cp)
{
	struct mbuf *m = m0, *n;
	int mlen, totlen = 0;

	while (off > (mlen = m->m_len)) {
		off -= mlen;
		totlen += mlen;
		if (m->m_next == NULL) {
			if ((n = m_getclr(M_DONTWAIT, m->m_type)) == NULL)
				goto out;
			n->m_len = MIN(MLEN, len + off);
			m->m_next = n;
		}
		m = m->m_next;
	}
	while (len > 0) {
		mlen = MIN(m->m_len - off, len);
		bcopy(cp, off + mtod(m, caddr_t), (unsigned)mlen);
		cp += mlen;
		len -= mlen;
		mlen += off;
		off = 0;
		totlen += mlen;
		if (len == 0)
			break;
		if (m->m_next == NULL) {
			if ((n = m_get(M_DONTWAIT, m->m_type)) == NULL)
				break;
			n->m_len = MIN(MLEN, len);
			m->m_next = n;
		}
		m = m->m_next;
	}
out:
	if ((m = m0)->m_flags & M_PKTHDR && m->m_pkthdr.len < totlen)
		m->m_pkthdr.len = totlen;
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
		n->m_flags |= M_EXT;
		n->m_ext = m->m_ext;
		(*m->m_ext.ext_refcnt)++;
		n->m_data = m->m_data + len;
	} else if (remain > (unsigned)M_TRAILINGSPACE(n) + n->m_len) {
		/* a packet header mbuf has less room; give it a cluster */
		if (!m_clget(n, wait)) {
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
 * Copy a received frame of totlen bytes from a driver buffer into a new
 * chain (clusters for large frames), skipping the first off0 bytes.
 */
struct mbuf *
m_devget(char *buf, int totlen, int off0, struct ifnet *ifp, void (*copy)())
{
	struct mbuf *m, *top = NULL, **mp = &top;
	int len;
	char *cp = buf + off0;

	(void)copy;
	totlen -= off0;
	if (totlen < 0)
		return NULL;
	if ((m = m_gethdr(M_DONTWAIT, MT_DATA)) == NULL)
		return NULL;
	m->m_pkthdr.rcvif = ifp;
	m->m_pkthdr.len = totlen;
	len = MHLEN;
	/* leave room for a link header to be prepended, e.g. when reflecting */
	while (totlen > 0) {
		if (top != NULL) {
			if ((m = m_get(M_DONTWAIT, MT_DATA)) == NULL) {
				m_freem(top);
				return NULL;
			}
			len = MLEN;
		}
		if (totlen >= MINCLSIZE && m_clget(m, M_DONTWAIT))
			len = MCLBYTES;
		else if (top == NULL && totlen + max_linkhdr <= len) {
			m->m_data += max_linkhdr;
			len -= max_linkhdr;
		}
		m->m_len = len = MIN(totlen, len);
		bcopy(cp, mtod(m, caddr_t), (unsigned)len);
		cp += len;
		totlen -= len;
		*mp = m;
		mp = &m->m_next;
	}
	if (top == NULL)	/* an empty frame: keep the header mbuf */
		top = m;
	return top;
}
