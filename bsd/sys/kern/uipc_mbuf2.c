/*
 * uipc_mbuf2.c - mbuf routines and data that are not in Lite2's
 * uipc_mbuf.c, kept apart so that a historic uipc_mbuf.c can replace that
 * file alone: the statistics and free list Lite2 defines in sys/mbuf.h
 * (we declare them extern there, for -fno-common), the link and protocol
 * header sizes, and m_clget, m_length and m_copyback, which Molt's code
 * and tools call.  Protected like the rest of the mbuf code (splimp; the
 * giant lock in every placement).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>

struct mbstat mbstat;
union mcluster *mclfree;
int max_linkhdr = 16;		/* largest link-level header */
int max_protohdr = 40;		/* largest protocol header (IP + TCP) */
int max_hdr = 56;		/* largest link + protocol header */
int max_datalen = MHLEN - 56;	/* MHLEN - max_hdr */

/* Attach a fresh cluster to m; returns 1 on success (M_EXT set), else 0. */
int
m_clget(struct mbuf *m, int how)
{
	MCLGET(m, how);
	return (m->m_flags & M_EXT) != 0;
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
