/*
 * ip_icmp.c - ICMP (RFC 792): answer echo, timestamp and mask requests;
 * pass errors (unreachable, time exceeded, source quench, parameter
 * problem) to the transport protocol they concern; and generate errors
 * for datagrams we cannot deliver.
 *
 * Design: icmp_error() builds the error from the offending datagram (its
 * header and first 8 bytes, RFC 792), never in reply to an ICMP error,
 * a fragment other than the first, or a broadcast (RFC 1122 3.2.2).
 * Replies are built in place by icmp_reflect(), which swaps the
 * addresses and sends the datagram back.  Malformed messages are
 * counted in icmpstat and dropped.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/time.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/protosw.h>
#include <sys/socket.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/in_systm.h>
#include <netinet/in_var.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp_var.h>
#include <netinet/ip_var.h>

struct icmpstat icmpstat;
static void icmp_reflect(struct mbuf *);
static void icmp_send(struct mbuf *);

/*
 * Generate an error packet of type and code in answer to the datagram n
 * (ip_len/ip_off host order, ip_len without the header, as ip_input left
 * them).  n is consumed.
 */
void
icmp_error(struct mbuf *n, int type, int code, n_long dest, struct ifnet *destifp)
{
	struct ip *oip = mtod(n, struct ip *), *nip;
	unsigned oiplen = oip->ip_hl << 2;
	struct icmp *icp;
	struct mbuf *m;
	unsigned icmplen;

	(void)dest;
	icmpstat.icps_error++;
	if (type != ICMP_REDIRECT && ipforwarding == 0 && type != ICMP_UNREACH &&
	    type != ICMP_TIMXCEED && type != ICMP_PARAMPROB)
		goto freeit;
	/* only for the first fragment */
	if (oip->ip_off & IP_OFFMASK)
		goto freeit;
	if (oip->ip_p == IPPROTO_ICMP && type != ICMP_REDIRECT &&
	    n->m_len >= (int)(oiplen + ICMP_MINLEN) &&
	    !ICMP_INFOTYPE(((struct icmp *)((caddr_t)oip + oiplen))->icmp_type)) {
		icmpstat.icps_oldicmp++;
		goto freeit;
	}
	/* never in reply to a broadcast or multicast */
	if ((n->m_flags & (M_BCAST|M_MCAST)) ||
	    in_broadcast(oip->ip_dst, NULL) ||
	    IN_MULTICAST(ntohl(oip->ip_dst.s_addr)))
		goto freeit;
	if (oip->ip_src.s_addr == INADDR_ANY) {
		icmpstat.icps_oldshort++;
		goto freeit;
	}
	icmplen = oiplen + MIN(8, oip->ip_len);
	if (n->m_pkthdr.len < (int)icmplen) {
		icmpstat.icps_oldshort++;
		goto freeit;
	}
	m = m_gethdr(M_DONTWAIT, MT_HEADER);
	if (m == NULL)
		goto freeit;
	m->m_len = icmplen + ICMP_MINLEN;
	if (m->m_len + sizeof(struct ip) > MHLEN) {
		(void)m_free(m);
		goto freeit;
	}
	MH_ALIGN(m, m->m_len);
	icp = mtod(m, struct icmp *);
	if ((u_int)type > ICMP_MAXTYPE)
		panic("icmp_error");
	icmpstat.icps_outhist[type]++;
	icp->icmp_type = type;
	if (type == ICMP_REDIRECT)
		icp->icmp_gwaddr.s_addr = dest;
	else {
		icp->icmp_void = 0;
		if (type == ICMP_PARAMPROB) {
			icp->icmp_pptr = code;
			code = 0;
		} else if (type == ICMP_UNREACH && code == ICMP_UNREACH_NEEDFRAG &&
		    destifp)
			icp->icmp_nextmtu = htons(destifp->if_mtu);
	}
	icp->icmp_code = code;
	/* the offending header goes back in network order */
	m_copydata(n, 0, icmplen, (caddr_t)&icp->icmp_ip);
	nip = &icp->icmp_ip;
	nip->ip_len = htons((u_short)(nip->ip_len + oiplen));
	nip->ip_id = htons(nip->ip_id);
	nip->ip_off = htons((u_short)nip->ip_off);

	/* prepend a copy of the original header, then reflect it */
	m->m_data -= sizeof(struct ip);
	m->m_len += sizeof(struct ip);
	m->m_pkthdr.len = m->m_len;
	m->m_pkthdr.rcvif = n->m_pkthdr.rcvif;
	nip = mtod(m, struct ip *);
	bcopy((caddr_t)oip, (caddr_t)nip, sizeof(struct ip));
	nip->ip_len = m->m_len;
	nip->ip_hl = sizeof(struct ip) >> 2;
	nip->ip_p = IPPROTO_ICMP;
	nip->ip_tos = 0;
	icmp_reflect(m);
freeit:
	m_freem(n);
}

static struct sockaddr_in icmpsrc = { sizeof(struct sockaddr_in), AF_INET, 0, {0}, {0} };

/* Process a received ICMP message (ip_len is the ICMP length). */
void
icmp_input(struct mbuf *m, int hlen)
{
	struct icmp *icp;
	struct ip *ip = mtod(m, struct ip *);
	int icmplen = ip->ip_len;
	int i, code;
	void (*ctlfunc)(int, struct sockaddr *, void *);

	if (icmplen < ICMP_MINLEN) {
		icmpstat.icps_tooshort++;
		goto freeit;
	}
	i = hlen + MIN(icmplen, ICMP_ADVLENMIN);
	if (i > m->m_pkthdr.len) {
		icmpstat.icps_tooshort++;
		goto freeit;
	}
	if (m->m_len < i && (m = m_pullup(m, i)) == NULL) {
		icmpstat.icps_tooshort++;
		return;
	}
	ip = mtod(m, struct ip *);
	m->m_len -= hlen;
	m->m_data += hlen;
	icp = mtod(m, struct icmp *);
	if (in_cksum(m, icmplen)) {
		icmpstat.icps_checksum++;
		goto freeit;
	}
	m->m_len += hlen;
	m->m_data -= hlen;

	if (icp->icmp_type > ICMP_MAXTYPE)
		goto raw;
	icmpstat.icps_inhist[icp->icmp_type]++;
	code = icp->icmp_code;
	switch (icp->icmp_type) {
	case ICMP_UNREACH:
		switch (code) {
		case ICMP_UNREACH_NET:
		case ICMP_UNREACH_HOST:
		case ICMP_UNREACH_PROTOCOL:
		case ICMP_UNREACH_PORT:
		case ICMP_UNREACH_SRCFAIL:
			code += PRC_UNREACH_NET;
			break;
		case ICMP_UNREACH_NEEDFRAG:
			code = PRC_MSGSIZE;
			break;
		default:
			code = PRC_UNREACH_HOST;
			break;
		}
		goto deliver;
	case ICMP_TIMXCEED:
		if (code > 1)
			goto badcode;
		code += PRC_TIMXCEED_INTRANS;
		goto deliver;
	case ICMP_PARAMPROB:
		if (code > 1)
			goto badcode;
		code = PRC_PARAMPROB;
		goto deliver;
	case ICMP_SOURCEQUENCH:
		if (code)
			goto badcode;
		/* RFC 6633: source quench is deprecated; hosts ignore it */
		break;
	deliver:
		/* the quoted datagram must be there and sane */
		if (icmplen < ICMP_ADVLENMIN || icmplen < ICMP_ADVLEN(icp) ||
		    icp->icmp_ip.ip_hl < (sizeof(struct ip) >> 2) ||
		    m->m_len < hlen + ICMP_ADVLEN(icp)) {
			icmpstat.icps_badlen++;
			goto freeit;
		}
		NTOHS(icp->icmp_ip.ip_len);
		icmpsrc.sin_addr = icp->icmp_ip.ip_dst;
		ctlfunc = NULL;
		if (ip_protox[icp->icmp_ip.ip_p])
			ctlfunc = ip_protox[icp->icmp_ip.ip_p]->pr_ctlinput;
		if (ctlfunc)
			(*ctlfunc)(code, (struct sockaddr *)&icmpsrc, &icp->icmp_ip);
		break;
	badcode:
		icmpstat.icps_badcode++;
		break;

	case ICMP_ECHO:
		if (m->m_flags & (M_BCAST|M_MCAST))
			break;	/* RFC 1122 3.2.2.6 allows not answering these */
		icp->icmp_type = ICMP_ECHOREPLY;
		goto reflect;

	case ICMP_TSTAMP:
		if (icmplen < (int)ICMP_TSLEN) {
			icmpstat.icps_badlen++;
			break;
		}
		icp->icmp_type = ICMP_TSTAMPREPLY;
		icp->icmp_rtime = iptime();
		icp->icmp_ttime = icp->icmp_rtime;
		goto reflect;

	case ICMP_MASKREQ:
		{
			struct in_ifaddr *ia;

			if (icmplen < ICMP_MASKLEN || m->m_pkthdr.rcvif == NULL ||
			    (ia = in_ifaddr_of(m->m_pkthdr.rcvif)) == NULL)
				break;
			icp->icmp_type = ICMP_MASKREPLY;
			icp->icmp_mask = htonl(ia->ia_subnetmask);
		}
		goto reflect;

	reflect:
		ip->ip_len += hlen;	/* since ip_input deducts this */
		icmpstat.icps_reflect++;
		icmpstat.icps_outhist[icp->icmp_type]++;
		icmp_reflect(m);
		return;

	case ICMP_REDIRECT:
		/* a host may ignore redirects; rtredirect counts them */
		rtredirect(NULL, NULL, NULL, 0, NULL, NULL);
		break;

	default:
		break;
	}
raw:
freeit:
	m_freem(m);
}

/*
 * Send an ICMP packet back to the IP source, from the address it was
 * sent to (or, for an error, the address of the arrival interface).
 */
static void
icmp_reflect(struct mbuf *m)
{
	struct ip *ip = mtod(m, struct ip *);
	struct in_ifaddr *ia;
	struct in_addr t;
	int optlen = (ip->ip_hl << 2) - sizeof(struct ip);

	if (!in_canforward(ip->ip_src) &&
	    (ntohl(ip->ip_src.s_addr) & IN_CLASSA_NET) != (IN_LOOPBACKNET << 24)) {
		m_freem(m);	/* bad return address */
		return;
	}
	t = ip->ip_dst;
	ip->ip_dst = ip->ip_src;
	/* reply from the address the request was sent to, if it is ours */
	for (ia = in_ifaddr; ia; ia = ia->ia_next)
		if (t.s_addr == IA_SIN(ia)->sin_addr.s_addr)
			break;
	if (ia == NULL && m->m_pkthdr.rcvif)
		ia = in_ifaddr_of(m->m_pkthdr.rcvif);
	if (ia == NULL)
		ia = in_ifaddr;
	if (ia == NULL) {
		m_freem(m);
		return;
	}
	t = IA_SIN(ia)->sin_addr;
	ip->ip_src = t;
	ip->ip_ttl = MAXTTL;
	if (optlen > 0) {
		/* options are not reflected */
		ip->ip_len -= optlen;
		ip_stripoptions(m, NULL);
	}
	m->m_flags &= ~(M_BCAST|M_MCAST);
	icmp_send(m);
}

/* Checksum the ICMP part and send. */
static void
icmp_send(struct mbuf *m)
{
	struct ip *ip = mtod(m, struct ip *);
	int hlen = ip->ip_hl << 2;
	struct icmp *icp;

	m->m_data += hlen;
	m->m_len -= hlen;
	icp = mtod(m, struct icmp *);
	icp->icmp_cksum = 0;
	icp->icmp_cksum = in_cksum(m, ip->ip_len - hlen);
	m->m_data -= hlen;
	m->m_len += hlen;
	(void)ip_output(m, NULL, NULL, 0, NULL);
}

/* Milliseconds since midnight UT, for timestamp replies. */
n_time
iptime(void)
{
	struct timeval atv;
	u_long t;

	microtime(&atv);
	t = (atv.tv_sec % (24*60*60)) * 1000 + atv.tv_usec / 1000;
	return htonl(t);
}

/*
 * Send an ICMP echo request of datalen data bytes (a pattern) to dst,
 * with the given identifier and sequence number (host order): what ping
 * does through a raw socket, which this stack does not have.  Replies
 * are counted in icmpstat.icps_inhist[ICMP_ECHOREPLY].
 */
int
icmp_echo_request(u_int32_t dst, u_short id, u_short seq, int datalen)
{
	struct mbuf *m;
	struct ip *ip;
	struct icmp *icp;
	int i, len = sizeof(struct ip) + ICMP_MINLEN + datalen;

	if (datalen < 0 || len > IP_MAXPACKET)
		return EINVAL;
	m = m_gethdr(M_DONTWAIT, MT_HEADER);
	if (m == NULL)
		return ENOBUFS;
	if (len + max_linkhdr > (int)MHLEN && !m_clget(m, M_DONTWAIT)) {
		(void)m_free(m);
		return ENOBUFS;
	}
	m->m_data += max_linkhdr;
	if (len + max_linkhdr <= (int)M_TRAILINGSPACE(m) + max_linkhdr &&
	    len + max_linkhdr <= ((m->m_flags & M_EXT) ? MCLBYTES : (int)MHLEN)) {
		m->m_len = len;
		for (i = 0; i < datalen; i++)
			mtod(m, char *)[sizeof(struct ip) + ICMP_MINLEN + i] = (char)i;
	} else {
		/* a large echo: the data goes in a chain of clusters */
		struct mbuf *n, **mp = &m->m_next;
		int left = datalen, k = 0, j;

		m->m_len = sizeof(struct ip) + ICMP_MINLEN;
		while (left > 0) {
			if ((n = m_get(M_DONTWAIT, MT_DATA)) == NULL ||
			    !m_clget(n, M_DONTWAIT)) {
				if (n)
					(void)m_free(n);
				m_freem(m);
				return ENOBUFS;
			}
			n->m_len = MIN(left, MCLBYTES);
			for (j = 0; j < n->m_len; j++)
				mtod(n, char *)[j] = (char)k++;
			left -= n->m_len;
			*mp = n;
			mp = &n->m_next;
		}
	}
	if (m_length(m) != len) {
		m_freem(m);
		return ENOBUFS;
	}
	m->m_pkthdr.len = len;
	ip = mtod(m, struct ip *);
	bzero(ip, sizeof(*ip));
	ip->ip_dst.s_addr = dst;
	ip->ip_p = IPPROTO_ICMP;
	ip->ip_ttl = ip_defttl;
	ip->ip_len = len;
	ip->ip_hl = sizeof(struct ip) >> 2;
	icp = (struct icmp *)(ip + 1);
	icp->icmp_type = ICMP_ECHO;
	icp->icmp_code = 0;
	icp->icmp_id = htons(id);
	icp->icmp_seq = htons(seq);
	icmpstat.icps_outhist[ICMP_ECHO]++;
	/* ip_output fills in the source; the checksum needs only ICMP bytes */
	m->m_data += sizeof(struct ip);
	m->m_len -= sizeof(struct ip);
	icp->icmp_cksum = 0;
	icp->icmp_cksum = in_cksum(m, len - sizeof(struct ip));
	m->m_data -= sizeof(struct ip);
	m->m_len += sizeof(struct ip);
	return ip_output(m, NULL, NULL, 0, NULL);
}
