/*
 * ip_input.c - IPv4 input: header checks, delivery to the transport
 * protocol, fragment reassembly, and the reassembly timer.
 *
 * Design: ipintr() drains ipintrq.  Each datagram is checked in the
 * order RFC 1122 3.2.1 lists (version, header length, checksum, total
 * length against the frame) and every failure is counted in ipstat and
 * dropped.  Datagrams not for one of our addresses are dropped too: a
 * host does not forward (RFC 1122 3.3.1).  After the checks ip_len and
 * ip_off are in host order and ip_len no longer counts the header, the
 * convention TCP, UDP and ICMP expect (4.4BSD's).
 *
 * Reassembly is bounded (see ip_var.h): ip_maxfragpackets datagrams,
 * ip_maxfragsperpacket fragments each, IPFRAGTTL slow ticks to complete.
 * Exact duplicates are dropped alone; fragments that overlap otherwise
 * make the whole datagram be dropped (as RFC 5722 requires for IPv6),
 * which defeats overlap-based evasion and is never wrong for an honest
 * sender.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/domain.h>
#include <sys/protosw.h>
#include <sys/socket.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/in_systm.h>
#include <netinet/ip.h>
#include <netinet/in_pcb.h>
#include <netinet/in_var.h>
#include <netinet/ip_var.h>
#include <netinet/ip_icmp.h>

int ip_defttl = IPDEFTTL;
int ipforwarding = 0;
int ip_maxfragpackets = 64;
int ip_maxfragsperpacket = 64;
struct ipstat ipstat;
u_short ip_id;
struct protosw *ip_protox[IPPROTO_MAX];
struct ipq *ipq_list;
static int ipq_count;

/* Fill the protocol switch table, by protocol number, from inetdomain. */
void
ip_init(void)
{
	struct protosw *pr;
	int i;

	pr = pffindproto(PF_INET, IPPROTO_RAW, SOCK_RAW);
	for (i = 0; i < IPPROTO_MAX; i++)
		ip_protox[i] = pr;
	for (pr = inetdomain.dom_protosw; pr < inetdomain.dom_protoswNPROTOSW; pr++)
		if (pr->pr_domain->dom_family == PF_INET &&
		    pr->pr_protocol && pr->pr_protocol != IPPROTO_RAW)
			ip_protox[pr->pr_protocol] = pr;
	ip_id = 1;
	ipq_list = NULL;
	ipq_count = 0;
}

/* Is dst one of our addresses (or a broadcast on the arrival interface)? */
static int
ip_ours(struct in_addr dst, struct ifnet *ifp)
{
	struct in_ifaddr *ia;

	for (ia = in_ifaddr; ia; ia = ia->ia_next) {
		if (ia->ia_addr.sin_addr.s_addr == dst.s_addr)
			return 1;
		if (ia->ia_ifp == ifp && (ifp->if_flags & IFF_BROADCAST) &&
		    (dst.s_addr == ia->ia_broadaddr.sin_addr.s_addr ||
		    dst.s_addr == ia->ia_netbroadcast.s_addr ||
		    ntohl(dst.s_addr) == ia->ia_subnet ||
		    ntohl(dst.s_addr) == ia->ia_net))
			return 1;
	}
	return dst.s_addr == INADDR_BROADCAST || dst.s_addr == INADDR_ANY;
}

/* Check and deliver one datagram. */
static void
ip_input1(struct mbuf *m)
{
	struct ip *ip;
	int hlen, len;

	if ((m->m_flags & M_PKTHDR) == 0)
		panic("ipintr no HDR");
	ipstat.ips_total++;
	if (m->m_pkthdr.len < (int)sizeof(struct ip)) {
		ipstat.ips_tooshort++;
		goto bad;
	}
	if (m->m_len < (int)sizeof(struct ip) &&
	    (m = m_pullup(m, sizeof(struct ip))) == NULL) {
		ipstat.ips_toosmall++;
		return;
	}
	ip = mtod(m, struct ip *);
	if (ip->ip_v != IPVERSION) {
		ipstat.ips_badvers++;
		goto bad;
	}
	hlen = ip->ip_hl << 2;
	if (hlen < (int)sizeof(struct ip)) {
		ipstat.ips_badhlen++;
		goto bad;
	}
	if (hlen > m->m_pkthdr.len) {
		ipstat.ips_badhlen++;
		goto bad;
	}
	if (hlen > m->m_len) {
		if ((m = m_pullup(m, hlen)) == NULL) {
			ipstat.ips_badhlen++;
			return;
		}
		ip = mtod(m, struct ip *);
	}
	if (in_cksum(m, hlen) != 0) {
		ipstat.ips_badsum++;
		goto bad;
	}
	NTOHS(ip->ip_len);
	NTOHS(ip->ip_id);
	NTOHS(ip->ip_off);
	len = (u_short)ip->ip_len;
	if (len < hlen) {
		ipstat.ips_badlen++;
		goto bad;
	}
	/* the frame must hold the datagram; Ethernet padding is trimmed */
	if (m->m_pkthdr.len < len) {
		ipstat.ips_tooshort++;
		goto bad;
	}
	if (m->m_pkthdr.len > len)
		m_adj(m, len - m->m_pkthdr.len);
	/* RFC 1122 3.2.1.3: martian sources are discarded */
	if (IN_MULTICAST(ntohl(ip->ip_src.s_addr)) ||
	    ip->ip_src.s_addr == INADDR_BROADCAST ||
	    (ntohl(ip->ip_src.s_addr) >> 24 == IN_LOOPBACKNET &&
	    (m->m_pkthdr.rcvif == NULL ||
	    (m->m_pkthdr.rcvif->if_flags & IFF_LOOPBACK) == 0))) {
		ipstat.ips_badaddr++;
		goto bad;
	}
	if (!ip_ours(ip->ip_dst, m->m_pkthdr.rcvif)) {
		ipstat.ips_notforus++;
		ipstat.ips_cantforward++;
		goto bad;
	}
	/* IP options are not interpreted; a host may ignore them (RFC 1122 3.2.1.8) */

	if (ip->ip_off & ~(IP_DF | IP_RF)) {
		ipstat.ips_fragments++;
		if ((m = ip_reass(m)) == NULL)
			return;
		ipstat.ips_reassembled++;
		ip = mtod(m, struct ip *);
		hlen = ip->ip_hl << 2;	/* the first fragment's header */
	}
	ip->ip_len -= hlen;
	ipstat.ips_delivered++;
	(*ip_protox[ip->ip_p]->pr_input)(m, hlen);
	return;
bad:
	m_freem(m);
}

/* Software interrupt: process every datagram queued for IP. */
void
ipintr(void)
{
	struct mbuf *m;
	int s;

	for (;;) {
		s = splimp();
		IF_DEQUEUE(&ipintrq, m);
		splx(s);
		if (m == NULL)
			return;
		ip_input1(m);
	}
}

/* Fragment geometry, in bytes, of a fragment whose header is host order. */
#define FRAG_OFF(ip)	(((ip)->ip_off & IP_OFFMASK) << 3)
#define FRAG_END(ip)	(FRAG_OFF(ip) + (ip)->ip_len - ((ip)->ip_hl << 2))

/*
 * Take in one fragment (ip_len still counts its header).  Returns the
 * whole datagram when this fragment completes it, else NULL (the
 * fragment is kept, or dropped and counted).
 */
struct mbuf *
ip_reass(struct mbuf *m)
{
	struct ip *ip = mtod(m, struct ip *);
	struct ipq *fp;
	struct mbuf *q, **qp, *t;
	int off, end, next, total;

	off = FRAG_OFF(ip);
	end = FRAG_END(ip);
	/* a non-final fragment carries a multiple of 8 bytes, and none is empty */
	if (end <= off || ((ip->ip_off & IP_MF) && ((end - off) & 7)) ||
	    end > IP_MAXPACKET) {
		ipstat.ips_badlen++;
		goto drop;
	}
	for (fp = ipq_list; fp; fp = fp->ipq_next)
		if (ip->ip_id == fp->ipq_id &&
		    ip->ip_src.s_addr == fp->ipq_src.s_addr &&
		    ip->ip_dst.s_addr == fp->ipq_dst.s_addr &&
		    ip->ip_p == fp->ipq_p)
			break;
	if (fp == NULL) {
		if (ipq_count >= ip_maxfragpackets)
			goto drop;
		MALLOC(fp, struct ipq *, sizeof(*fp), M_FTABLE, M_NOWAIT);
		if (fp == NULL)
			goto drop;
		bzero(fp, sizeof(*fp));
		fp->ipq_ttl = IPFRAGTTL;
		fp->ipq_p = ip->ip_p;
		fp->ipq_id = ip->ip_id;
		fp->ipq_src = ip->ip_src;
		fp->ipq_dst = ip->ip_dst;
		fp->ipq_next = ipq_list;
		ipq_list = fp;
		ipq_count++;
	}
	if (fp->ipq_nfrags >= ip_maxfragsperpacket) {
		ip_freef(fp);
		goto drop;
	}
	/* find the place by offset; check the neighbours for overlap */
	for (qp = &fp->ipq_frags; (q = *qp) != NULL; qp = &q->m_nextpkt) {
		struct ip *qip = mtod(q, struct ip *);

		if (FRAG_OFF(qip) == off && FRAG_END(qip) == end &&
		    (qip->ip_off & IP_MF) == (ip->ip_off & IP_MF))
			goto drop;	/* exact duplicate */
		if (FRAG_OFF(qip) >= end)
			break;
		if (FRAG_END(qip) > off) {
			/* overlapping, different extents: drop the datagram */
			ip_freef(fp);
			goto drop;
		}
	}
	/* a last fragment fixes the length: nothing may lie beyond it */
	for (t = fp->ipq_frags; t; t = t->m_nextpkt) {
		struct ip *tip = mtod(t, struct ip *);

		if (((ip->ip_off & IP_MF) == 0 && FRAG_END(tip) > end) ||
		    ((tip->ip_off & IP_MF) == 0 && end > FRAG_END(tip))) {
			ip_freef(fp);
			goto drop;
		}
	}
	m->m_nextpkt = q;
	*qp = m;
	fp->ipq_nfrags++;

	/* complete when contiguous from 0 up to a final fragment */
	next = 0;
	for (q = fp->ipq_frags; q; q = q->m_nextpkt) {
		struct ip *qip = mtod(q, struct ip *);

		if (FRAG_OFF(qip) != next)
			return NULL;
		next = FRAG_END(qip);
		if ((qip->ip_off & IP_MF) == 0)
			break;
	}
	if (q == NULL)
		return NULL;
	total = next + (mtod(fp->ipq_frags, struct ip *)->ip_hl << 2);
	if (total > IP_MAXPACKET) {
		ip_freef(fp);
		ipstat.ips_badlen++;
		return NULL;
	}
	/* join: the first fragment keeps its header, the rest lose theirs */
	m = fp->ipq_frags;
	q = m->m_nextpkt;
	m->m_nextpkt = NULL;
	while (q) {
		struct mbuf *nq = q->m_nextpkt;

		q->m_nextpkt = NULL;
		m_adj(q, mtod(q, struct ip *)->ip_hl << 2);
		q->m_flags &= ~M_PKTHDR;
		m_cat(m, q);
		q = nq;
	}
	ip = mtod(m, struct ip *);
	ip->ip_len = total;
	ip->ip_off = 0;
	m->m_pkthdr.len = total;
	/* unlink and free the descriptor */
	fp->ipq_frags = NULL;
	ip_freef(fp);
	return m;
drop:
	ipstat.ips_fragdropped++;
	m_freem(m);
	return NULL;
}

/* Free a reassembly descriptor and all fragments it holds. */
void
ip_freef(struct ipq *fp)
{
	struct ipq **pp;
	struct mbuf *q;

	for (pp = &ipq_list; *pp; pp = &(*pp)->ipq_next)
		if (*pp == fp) {
			*pp = fp->ipq_next;
			break;
		}
	while ((q = fp->ipq_frags) != NULL) {
		fp->ipq_frags = q->m_nextpkt;
		q->m_nextpkt = NULL;
		m_freem(q);
		ipstat.ips_fragdropped++;
	}
	ipq_count--;
	FREE(fp, M_FTABLE);
}

/* Slow timeout: expire datagrams whose fragments did not all come. */
void
ip_slowtimo(void)
{
	struct ipq *fp, *next;
	int s = splnet();

	for (fp = ipq_list; fp; fp = next) {
		next = fp->ipq_next;
		if (--fp->ipq_ttl == 0) {
			ipstat.ips_fragtimeout++;
			ip_freef(fp);
		}
	}
	splx(s);
}

/* Drain: drop all fragments (memory is short). */
void
ip_drain(void)
{
	while (ipq_list)
		ip_freef(ipq_list);
}

/* Remove the options of a datagram whose header is at the start of m. */
void
ip_stripoptions(struct mbuf *m, struct mbuf *mopt)
{
	struct ip *ip = mtod(m, struct ip *);
	int olen = (ip->ip_hl << 2) - sizeof(struct ip);
	caddr_t opts = (caddr_t)(ip + 1);

	(void)mopt;
	if (olen <= 0)
		return;
	bcopy(opts + olen, opts, (unsigned)(m->m_len - sizeof(struct ip) - olen));
	m->m_len -= olen;
	if (m->m_flags & M_PKTHDR)
		m->m_pkthdr.len -= olen;
	ip->ip_hl = sizeof(struct ip) >> 2;
}
