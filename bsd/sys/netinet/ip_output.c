/*
 * ip_output.c - IPv4 output: fill in the header, route, fragment to the
 * interface MTU, and hand to the interface.
 *
 * Design: the caller passes a datagram whose ip_len and ip_off are in
 * host order (4.4BSD's convention); ip_output converts them, computes
 * the header checksum and calls if_output.  A datagram larger than the
 * MTU is cut into fragments of 8-byte-aligned payload, each with a copy
 * of the header, unless IP_DF forbids it (EMSGSIZE).  ro caches the
 * route for the caller; without one a local route structure is used and
 * released.  The chain m is consumed in every case.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/socket.h>
#include <sys/socketvar.h>
#include <sys/protosw.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/in_systm.h>
#include <netinet/ip.h>
#include <netinet/in_pcb.h>
#include <netinet/in_var.h>
#include <netinet/ip_var.h>

static int ip_fragment(struct mbuf *, struct ifnet *, int, struct sockaddr *, struct rtentry *);

int
ip_output(struct mbuf *m0, struct mbuf *opt, struct route *ro, int flags,
    void *imo)
{
	struct ip *ip;
	struct ifnet *ifp;
	struct mbuf *m = m0;
	int hlen = sizeof(struct ip);
	int len, error = 0;
	struct route iproute;
	struct sockaddr_in *dst;
	struct in_ifaddr *ia;

	(void)opt;
	(void)imo;
	if ((m->m_flags & M_PKTHDR) == 0)
		panic("ip_output no HDR");
	ip = mtod(m, struct ip *);
	/* fill in the fields the caller leaves to us */
	if ((flags & (IP_FORWARDING|IP_RAWOUTPUT)) == 0) {
		ip->ip_v = IPVERSION;
		ip->ip_off &= IP_DF;
		ip->ip_id = htons(ip_id++);
		ip->ip_hl = hlen >> 2;
		ipstat.ips_localout++;
	} else
		hlen = ip->ip_hl << 2;

	if (ro == NULL) {
		ro = &iproute;
		bzero((caddr_t)ro, sizeof(*ro));
	}
	dst = (struct sockaddr_in *)&ro->ro_dst;
	/* a cached route to another destination is stale */
	if (ro->ro_rt && ((ro->ro_rt->rt_flags & RTF_UP) == 0 ||
	    dst->sin_addr.s_addr != ip->ip_dst.s_addr)) {
		RTFREE(ro->ro_rt);
		ro->ro_rt = NULL;
	}
	if (ro->ro_rt == NULL) {
		dst->sin_family = AF_INET;
		dst->sin_len = sizeof(*dst);
		dst->sin_addr = ip->ip_dst;
	}
	if (flags & IP_ROUTETOIF) {
		/* bypass the routing table: the destination must be on a link */
		if ((ia = ifatoia(ifa_ifwithdstaddr(sintosa(dst)))) == NULL &&
		    (ia = ifatoia(ifa_ifwithnet(sintosa(dst)))) == NULL) {
			ipstat.ips_noroute++;
			error = ENETUNREACH;
			goto bad;
		}
		ifp = ia->ia_ifp;
		ip->ip_ttl = 1;
	} else {
		if (ro->ro_rt == NULL)
			rtalloc(ro);
		if (ro->ro_rt == NULL) {
			ipstat.ips_noroute++;
			error = EHOSTUNREACH;
			goto bad;
		}
		ia = ifatoia(ro->ro_rt->rt_ifa);
		ifp = ro->ro_rt->rt_ifp;
		ro->ro_rt->rt_use++;
		if (ro->ro_rt->rt_flags & RTF_GATEWAY)
			dst = (struct sockaddr_in *)ro->ro_rt->rt_gateway;
	}
	/* an unbound source takes the outgoing interface's address */
	if (ip->ip_src.s_addr == INADDR_ANY && ia)
		ip->ip_src = IA_SIN(ia)->sin_addr;
	/* sending to a broadcast address must be allowed explicitly */
	if (in_broadcast(dst->sin_addr, ifp)) {
		if ((ifp->if_flags & IFF_BROADCAST) == 0) {
			error = EADDRNOTAVAIL;
			goto bad;
		}
		if ((flags & IP_ALLOWBROADCAST) == 0) {
			error = EACCES;
			goto bad;
		}
		if ((u_short)ip->ip_len > ifp->if_mtu) {
			error = EMSGSIZE;
			goto bad;
		}
		m->m_flags |= M_BCAST;
	} else
		m->m_flags &= ~M_BCAST;

	len = (u_short)ip->ip_len;
	if (len <= (int)ifp->if_mtu) {
		ip->ip_len = htons((u_short)ip->ip_len);
		ip->ip_off = htons((u_short)ip->ip_off);
		ip->ip_sum = 0;
		ip->ip_sum = in_cksum(m, hlen);
		error = (*ifp->if_output)(ifp, m, (struct sockaddr *)dst, ro->ro_rt);
		goto done;
	}
	if (ip->ip_off & IP_DF) {
		error = EMSGSIZE;
		ipstat.ips_cantfrag++;
		goto bad;
	}
	error = ip_fragment(m, ifp, hlen, (struct sockaddr *)dst, ro->ro_rt);
done:
	if (ro == &iproute && ro->ro_rt)
		RTFREE(ro->ro_rt);
	return error;
bad:
	m_freem(m);
	goto done;
}

/*
 * Send m (ip_len/ip_off host order) as fragments that fit ifp's MTU.
 * The first fragment reuses m's mbufs; the others are new chains with
 * a copied header and a reference to their piece of the data.
 */
static int
ip_fragment(struct mbuf *m, struct ifnet *ifp, int hlen, struct sockaddr *dst,
    struct rtentry *rt)
{
	struct ip *ip = mtod(m, struct ip *), *mhip;
	struct mbuf *m0 = m, *first_rest, **mnext;
	int len, off, error = 0, total = (u_short)ip->ip_len;
	int mhlen = sizeof(struct ip);

	len = (ifp->if_mtu - hlen) & ~7;
	if (len < 8) {
		m_freem(m);
		return EMSGSIZE;
	}
	mnext = &m->m_nextpkt;
	/* build fragments 2..n; then trim m to be fragment 1 */
	for (off = hlen + len; off < total; off += len) {
		struct mbuf *mh;

		MGETHDR(mh, M_DONTWAIT, MT_HEADER);
		if (mh == NULL) {
			error = ENOBUFS;
			ipstat.ips_odropped++;
			goto sendorfree;
		}
		mh->m_data += max_linkhdr;
		mhip = mtod(mh, struct ip *);
		*mhip = *ip;
		mhip->ip_hl = mhlen >> 2;
		mh->m_len = mhlen;
		mhip->ip_off = ((off - hlen) >> 3) + (ip->ip_off & ~IP_MF);
		if (ip->ip_off & IP_MF)
			mhip->ip_off |= IP_MF;
		if (off + len >= total)
			len = total - off;
		else
			mhip->ip_off |= IP_MF;
		mhip->ip_len = htons((u_short)(len + mhlen));
		mh->m_next = m_copym(m0, off, len, M_DONTWAIT);
		if (mh->m_next == NULL) {
			(void)m_free(mh);
			error = ENOBUFS;
			ipstat.ips_odropped++;
			goto sendorfree;
		}
		mh->m_pkthdr.len = mhlen + len;
		mh->m_pkthdr.rcvif = NULL;
		mhip->ip_off = htons((u_short)mhip->ip_off);
		mhip->ip_sum = 0;
		mhip->ip_sum = in_cksum(mh, mhlen);
		*mnext = mh;
		mnext = &mh->m_nextpkt;
		ipstat.ips_ofragments++;
	}
	/* the first fragment: trim the tail of the original */
	len = (ifp->if_mtu - hlen) & ~7;
	m_adj(m, hlen + len - total);
	m->m_pkthdr.len = hlen + len;
	ip->ip_len = htons((u_short)m->m_pkthdr.len);
	ip->ip_off = htons((u_short)(ip->ip_off | IP_MF));
	ip->ip_sum = 0;
	ip->ip_sum = in_cksum(m, hlen);
	ipstat.ips_fragmented++;
sendorfree:
	for (m = m0; m; m = first_rest) {
		first_rest = m->m_nextpkt;
		m->m_nextpkt = NULL;
		if (error == 0)
			error = (*ifp->if_output)(ifp, m, dst, rt);
		else
			m_freem(m);
	}
	return error;
}

/* IP-level socket options: TTL and TOS. */
int
ip_ctloutput(int op, struct socket *so, int level, int optname, struct mbuf **mp)
{
	struct inpcb *inp = sotoinpcb(so);
	struct mbuf *m = *mp;
	int error = 0, optval;

	if (level != IPPROTO_IP) {
		error = EINVAL;
		if (op == PRCO_SETOPT && m)
			(void)m_free(m);
		return error;
	}
	switch (op) {
	case PRCO_SETOPT:
		switch (optname) {
		case IP_TOS:
		case IP_TTL:
			if (m == NULL || m->m_len != sizeof(int)) {
				error = EINVAL;
				break;
			}
			optval = *mtod(m, int *);
			if (optval < 0 || optval > 255) {
				error = EINVAL;
				break;
			}
			if (optname == IP_TOS)
				inp->inp_ip.ip_tos = optval;
			else
				inp->inp_ip.ip_ttl = optval;
			break;
		default:
			error = ENOPROTOOPT;
			break;
		}
		if (m)
			(void)m_free(m);
		break;
	case PRCO_GETOPT:
		switch (optname) {
		case IP_TOS:
		case IP_TTL:
			*mp = m = m_get(M_WAIT, MT_SOOPTS);
			if (m == NULL)
				return ENOBUFS;
			m->m_len = sizeof(int);
			*mtod(m, int *) = optname == IP_TOS ?
			    inp->inp_ip.ip_tos : inp->inp_ip.ip_ttl;
			break;
		default:
			error = ENOPROTOOPT;
			break;
		}
		break;
	}
	return error;
}
