/*
 * if_pkt.c - an Ethernet interface on the platform's packet I/O (a TAP
 * device or an in-memory wire, hosted; a NIC driver in a server), and
 * the start-up of the whole stack.
 *
 * Design: pkt_start() drains the interface queue, flattening each frame
 * into a buffer and handing it to molt_pkt_send() (the platform);
 * net_ether_input() is called by the platform's receive path with one
 * frame, which is checked for length, copied into mbufs and given to
 * ether_input().  Runt and oversized frames are counted in if_ierrors
 * and dropped.  The caller holds the giant lock.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/socket.h>
#include <sys/sockio.h>
#include <sys/domain.h>
#include <sys/protosw.h>
#include <sys/net_api.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/if_ether.h>

/* The platform's frame output (molt-net's packet backend). */
int	molt_pkt_send(int handle, const char *frame, int len);
void	loopattach(int);

#define PKT_MAXFRAME	(ETHER_HDR_LEN + ETHERMTU)

struct pkt_softc {
	struct	arpcom sc_ac;		/* must be first */
	int	sc_handle;		/* platform packet handle */
	char	sc_name[8];
	char	sc_frame[PKT_MAXFRAME];	/* transmit staging buffer */
};

static void
pkt_start(struct ifnet *ifp)
{
	struct pkt_softc *sc = (struct pkt_softc *)ifp;
	struct mbuf *m;
	int len;

	for (;;) {
		IF_DEQUEUE(&ifp->if_snd, m);
		if (m == NULL)
			break;
		len = m->m_pkthdr.len;
		if (len > PKT_MAXFRAME) {
			ifp->if_oerrors++;
			m_freem(m);
			continue;
		}
		m_copydata(m, 0, len, sc->sc_frame);
		m_freem(m);
		/* pad to the Ethernet minimum */
		if (len < ETHERMIN + ETHER_HDR_LEN) {
			bzero(sc->sc_frame + len, ETHERMIN + ETHER_HDR_LEN - len);
			len = ETHERMIN + ETHER_HDR_LEN;
		}
		if (molt_pkt_send(sc->sc_handle, sc->sc_frame, len) != 0)
			ifp->if_oerrors++;
		else
			ifp->if_opackets++;
	}
}

static int
pkt_ioctl(struct ifnet *ifp, u_long cmd, caddr_t data)
{
	struct ifaddr *ifa = (struct ifaddr *)data;

	switch (cmd) {
	case SIOCSIFADDR:
		ifp->if_flags |= IFF_UP | IFF_RUNNING;
		if (ifa->ifa_addr->sa_family == AF_INET)
			arp_ifinit((struct arpcom *)ifp, ifa);
		return 0;
	case SIOCSIFFLAGS:
		return 0;
	default:
		return EINVAL;
	}
}

/*
 * Attach an Ethernet interface name<unit> with station address mac on
 * platform handle, give it addr/mask (network order) and, if gateway is
 * nonzero, a default route through it.
 */
struct ifnet *
net_ether_attach(const char *name, int unit, const u_char *mac, int handle,
    u_int32_t addr, u_int32_t mask, u_int32_t gateway)
{
	struct pkt_softc *sc;
	struct ifnet *ifp;
	struct sockaddr_in dst, gw, msk;

	MALLOC(sc, struct pkt_softc *, sizeof(*sc), M_DEVBUF, M_WAITOK);
	bzero(sc, sizeof(*sc));
	ifp = &sc->sc_ac.ac_if;
	strncpy(sc->sc_name, name, sizeof(sc->sc_name) - 1);
	ifp->if_name = sc->sc_name;
	ifp->if_unit = unit;
	ifp->if_start = pkt_start;
	ifp->if_ioctl = pkt_ioctl;
	ifp->if_softc = sc;
	sc->sc_handle = handle;
	bcopy(mac, sc->sc_ac.ac_enaddr, 6);
	ether_ifattach(ifp);
	if_attach(ifp);
	if (in_setifaddr(ifp, addr, mask) != 0)
		printf("%s%d: cannot set address\n", name, unit);
	if (gateway) {
		bzero(&dst, sizeof(dst));
		dst.sin_len = sizeof(dst);
		dst.sin_family = AF_INET;
		gw = dst;
		gw.sin_addr.s_addr = gateway;
		msk = dst;
		(void)rtrequest(RTM_ADD, (struct sockaddr *)&dst,
		    (struct sockaddr *)&gw, (struct sockaddr *)&msk,
		    RTF_GATEWAY | RTF_STATIC, NULL);
	}
	return ifp;
}

/* One frame arrived from the platform: into mbufs and up the stack. */
void
net_ether_input(struct ifnet *ifp, const char *frame, int len)
{
	struct ether_header eh;
	struct mbuf *m;

	ifp->if_ipackets++;
	/* a frame must carry a payload: m_devget is never asked for 0 bytes */
	if (len <= ETHER_HDR_LEN || len > PKT_MAXFRAME + 4) {
		ifp->if_ierrors++;
		return;
	}
	bcopy(frame, &eh, sizeof(eh));
	m = m_devget((char *)frame + ETHER_HDR_LEN, len - ETHER_HDR_LEN, 0, ifp, NULL);
	if (m == NULL) {
		ifp->if_iqdrops++;
		return;
	}
	ether_input(ifp, &eh, m);
	netisr_run();
}

static int net_started;

/* Start the stack: protocols, loopback. */
void
net_init(void)
{
	if (net_started++)
		return;
	mbinit();
	domaininit();
	loopattach(1);
}

void
net_slowtimo(void)
{
	pfslowtimo();
	arp_slowtimo();
	netisr_run();
}

void
net_fasttimo(void)
{
	pffasttimo();
	netisr_run();
}
