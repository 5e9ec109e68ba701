/*
 * if_loop.c - the loopback interface lo0: every packet sent is queued
 * straight back on the protocol's input queue.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/socket.h>
#include <sys/sockio.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/in_var.h>

#define LOMTU	(1024 + 512)

struct ifnet loif;

static int
looutput(struct ifnet *ifp, struct mbuf *m, struct sockaddr *dst,
    struct rtentry *rt)
{
	int s;
	struct ifqueue *ifq;

	if ((m->m_flags & M_PKTHDR) == 0)
		panic("looutput no HDR");
	if (rt && (rt->rt_flags & RTF_REJECT)) {
		m_freem(m);
		return (rt->rt_flags & RTF_HOST) ? EHOSTUNREACH : ENETUNREACH;
	}
	ifp->if_opackets++;
	ifp->if_obytes += m->m_pkthdr.len;
	m->m_pkthdr.rcvif = ifp;
	switch (dst->sa_family) {
	case AF_INET:
		ifq = &ipintrq;
		schednetisr(NETISR_IP);
		break;
	default:
		printf("lo%d: can't handle af%d\n", ifp->if_unit, dst->sa_family);
		m_freem(m);
		return EAFNOSUPPORT;
	}
	s = splimp();
	if (IF_QFULL(ifq)) {
		IF_DROP(ifq);
		m_freem(m);
		splx(s);
		return ENOBUFS;
	}
	IF_ENQUEUE(ifq, m);
	ifp->if_ipackets++;
	ifp->if_ibytes += m->m_pkthdr.len;
	splx(s);
	return 0;
}

static int
loioctl(struct ifnet *ifp, u_long cmd, caddr_t data)
{
	(void)data;
	switch (cmd) {
	case SIOCSIFADDR:
		ifp->if_flags |= IFF_UP | IFF_RUNNING;
		return 0;
	case SIOCSIFFLAGS:
		return 0;
	default:
		return EINVAL;
	}
}

/* Attach lo0 and give it 127.0.0.1/8. */
void
loopattach(int n)
{
	struct ifnet *ifp = &loif;

	(void)n;
	bzero(ifp, sizeof(*ifp));
	ifp->if_name = "lo";
	ifp->if_mtu = LOMTU;
	ifp->if_flags = IFF_LOOPBACK;
	ifp->if_ioctl = loioctl;
	ifp->if_output = looutput;
	ifp->if_type = 24;	/* IFT_LOOP */
	if_attach(ifp);
	(void)in_setifaddr(ifp, htonl(INADDR_LOOPBACK), htonl(IN_CLASSA_NET));
}
