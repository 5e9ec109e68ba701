/*
 * if_ethersubr.c - Ethernet framing: ether_output() adds the header
 * (resolving the next hop with ARP) and queues the frame on the
 * interface; ether_input() checks and strips it and hands the payload
 * to IP or ARP.
 *
 * Frames shorter than a header, or of an unknown type, are counted
 * (if_ierrors, if_noproto) and dropped.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/socket.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/if_ether.h>

#define senderr(e)	do { error = (e); goto bad; } while (0)

u_char etherbroadcastaddr[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/*
 * Ethernet output: resolve dst's link address, prepend the header and
 * queue the frame.  The chain m is consumed in every case.
 */
int
ether_output(struct ifnet *ifp, struct mbuf *m0, struct sockaddr *dst,
    struct rtentry *rt0)
{
	u_short type;
	int s, error = 0;
	u_char edst[6];
	struct mbuf *m = m0;
	struct rtentry *rt = rt0;
	struct ether_header *eh;
	int len;
	struct arpcom *ac = (struct arpcom *)ifp;

	if ((ifp->if_flags & (IFF_UP|IFF_RUNNING)) != (IFF_UP|IFF_RUNNING))
		senderr(ENETDOWN);
	switch (dst->sa_family) {
	case AF_INET:
		/* a gatewayed route sends to its gateway, not to dst */
		if (rt && (rt->rt_flags & RTF_GATEWAY))
			dst = rt->rt_gateway;
		if (!arpresolve(ac, rt, m, dst, edst))
			return 0;	/* held until ARP answers, or freed */
		type = ETHERTYPE_IP;
		break;
	case AF_UNSPEC:
		/* the caller supplies a whole Ethernet header (ARP does) */
		eh = (struct ether_header *)dst->sa_data;
		bcopy(eh->ether_dhost, edst, sizeof(edst));
		type = ntohs(eh->ether_type);
		break;
	default:
		printf("%s%d: can't handle af%d\n", ifp->if_name, ifp->if_unit,
		    dst->sa_family);
		senderr(EAFNOSUPPORT);
	}
	M_PREPEND(m, sizeof(struct ether_header), M_DONTWAIT);
	if (m == NULL)
		senderr(ENOBUFS);
	eh = mtod(m, struct ether_header *);
	eh->ether_type = htons(type);
	bcopy(edst, eh->ether_dhost, sizeof(edst));
	bcopy(ac->ac_enaddr, eh->ether_shost, sizeof(eh->ether_shost));
	len = m->m_pkthdr.len;
	s = splimp();
	if (IF_QFULL(&ifp->if_snd)) {
		IF_DROP(&ifp->if_snd);
		splx(s);
		senderr(ENOBUFS);
	}
	IF_ENQUEUE(&ifp->if_snd, m);
	if ((ifp->if_flags & IFF_OACTIVE) == 0)
		(*ifp->if_start)(ifp);
	splx(s);
	ifp->if_obytes += len;
	if (bcmp(edst, etherbroadcastaddr, sizeof(edst)) == 0)
		ifp->if_omcasts++;
	return error;
bad:
	if (m)
		m_freem(m);
	return error;
}

/*
 * Process a received Ethernet frame: eh is its header (already removed
 * from m, which holds the payload).  Queue it for IP or ARP.
 */
void
ether_input(struct ifnet *ifp, struct ether_header *eh, struct mbuf *m)
{
	struct ifqueue *inq;
	u_short etype;
	int s;
	struct arpcom *ac = (struct arpcom *)ifp;

	if ((ifp->if_flags & IFF_UP) == 0) {
		m_freem(m);
		return;
	}
	ifp->if_ibytes += m->m_pkthdr.len + sizeof(*eh);
	if (bcmp(etherbroadcastaddr, eh->ether_dhost, sizeof(etherbroadcastaddr)) == 0)
		m->m_flags |= M_BCAST;
	else if (eh->ether_dhost[0] & 1)
		m->m_flags |= M_MCAST;
	else if (bcmp(ac->ac_enaddr, eh->ether_dhost, 6) != 0) {
		/* unicast for another station (a shared link): not ours */
		ifp->if_iqdrops++;
		m_freem(m);
		return;
	}
	if (m->m_flags & (M_BCAST|M_MCAST))
		ifp->if_imcasts++;

	etype = ntohs(eh->ether_type);
	switch (etype) {
	case ETHERTYPE_IP:
		schednetisr(NETISR_IP);
		inq = &ipintrq;
		break;
	case ETHERTYPE_ARP:
		schednetisr(NETISR_ARP);
		inq = &arpintrq;
		break;
	default:
		ifp->if_noproto++;
		m_freem(m);
		return;
	}
	s = splimp();
	if (IF_QFULL(inq)) {
		IF_DROP(inq);
		ifp->if_iqdrops++;
		m_freem(m);
	} else
		IF_ENQUEUE(inq, m);
	splx(s);
}

/* Fill in the generic fields of an Ethernet interface. */
void
ether_ifattach(struct ifnet *ifp)
{
	ifp->if_type = 6;	/* IFT_ETHER */
	ifp->if_addrlen = 6;
	ifp->if_hdrlen = 14;
	ifp->if_mtu = ETHERMTU;
	ifp->if_output = ether_output;
	ifp->if_flags |= IFF_BROADCAST | IFF_SIMPLEX;
}
