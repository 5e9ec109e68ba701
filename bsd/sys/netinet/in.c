/*
 * in.c - IPv4 addresses of interfaces: assigning them (with the
 * interface route that follows), and classifying addresses (local,
 * broadcast, forwardable).
 *
 * Design: each interface has at most one in_ifaddr here, kept on the
 * global list in_ifaddr.  Assigning an address installs the route to
 * its subnet through the interface.  Protected by splnet.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/socket.h>
#include <sys/socketvar.h>
#include <sys/sockio.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/if_ether.h>

struct in_ifaddr *in_ifaddr;
struct in_addr zeroin_addr;

struct in_ifaddr *
in_ifaddr_of(struct ifnet *ifp)
{
	struct in_ifaddr *ia;

	for (ia = in_ifaddr; ia; ia = ia->ia_next)
		if (ia->ia_ifp == ifp)
			return ia;
	return NULL;
}

/* Is addr on a directly connected subnet? */
int
in_localaddr(struct in_addr in)
{
	u_int32_t i = ntohl(in.s_addr);
	struct in_ifaddr *ia;

	for (ia = in_ifaddr; ia; ia = ia->ia_next)
		if ((i & ia->ia_subnetmask) == ia->ia_subnet)
			return 1;
	return 0;
}

/* May a packet to this address be forwarded (RFC 1812 4.2.2.11)? */
int
in_canforward(struct in_addr in)
{
	u_int32_t i = ntohl(in.s_addr);

	if (IN_EXPERIMENTAL(i) || IN_MULTICAST(i))
		return 0;
	if (IN_CLASSA(i) && ((i & IN_CLASSA_NET) == 0 ||
	    (i >> 24) == IN_LOOPBACKNET))
		return 0;
	return 1;
}

/* Is this a broadcast address on interface ifp (or any, if NULL)? */
int
in_broadcast(struct in_addr in, struct ifnet *ifp)
{
	struct in_ifaddr *ia;
	u_int32_t t = ntohl(in.s_addr);

	if (in.s_addr == INADDR_BROADCAST || in.s_addr == INADDR_ANY)
		return 1;
	for (ia = in_ifaddr; ia; ia = ia->ia_next) {
		if (ifp && ia->ia_ifp != ifp)
			continue;
		if ((ia->ia_ifp->if_flags & IFF_BROADCAST) == 0)
			continue;
		if (in.s_addr == ia->ia_broadaddr.sin_addr.s_addr ||
		    in.s_addr == ia->ia_netbroadcast.s_addr ||
		    t == ia->ia_subnet || t == ia->ia_net)
			return 1;
	}
	return 0;
}

static void
sin_init(struct sockaddr_in *sin, u_int32_t addr)
{
	bzero(sin, sizeof(*sin));
	sin->sin_len = sizeof(*sin);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = addr;
}

/*
 * Initialize an interface's internet address and the route to its
 * subnet; addr and mask are in network order.
 */
int
in_ifinit(struct ifnet *ifp, struct in_ifaddr *ia, struct sockaddr_in *sin,
    int scrub)
{
	u_int32_t i = ntohl(sin->sin_addr.s_addr);
	int error;

	if (scrub && ia->ia_addr.sin_addr.s_addr != INADDR_ANY)
		(void)rtinit(&ia->ia_ifa, RTM_DELETE, 0);
	ia->ia_addr = *sin;
	if (IN_CLASSA(i))
		ia->ia_netmask = IN_CLASSA_NET;
	else if (IN_CLASSB(i))
		ia->ia_netmask = IN_CLASSB_NET;
	else
		ia->ia_netmask = IN_CLASSC_NET;
	if (ia->ia_subnetmask == 0) {
		ia->ia_subnetmask = ia->ia_netmask;
		sin_init(&ia->ia_sockmask, htonl(ia->ia_subnetmask));
	} else
		ia->ia_netmask &= ia->ia_subnetmask;
	ia->ia_net = i & ia->ia_netmask;
	ia->ia_subnet = i & ia->ia_subnetmask;
	ia->ia_netbroadcast.s_addr = htonl(ia->ia_net | ~ia->ia_netmask);
	if (ifp->if_flags & IFF_BROADCAST)
		sin_init(&ia->ia_broadaddr, htonl(ia->ia_subnet | ~ia->ia_subnetmask));
	if (ifp->if_ioctl &&
	    (error = (*ifp->if_ioctl)(ifp, SIOCSIFADDR, (caddr_t)ia)) != 0)
		return error;
	error = rtinit(&ia->ia_ifa, RTM_ADD, 0);
	if (error == EEXIST)
		error = 0;
	return error;
}

/*
 * Give ifp the address addr with netmask mask (both network order),
 * replacing any it had; used by the platform setup and by lo0.
 */
int
in_setifaddr(struct ifnet *ifp, u_int32_t addr, u_int32_t mask)
{
	struct in_ifaddr *ia, **pp;
	struct sockaddr_in sin;

	if ((ia = in_ifaddr_of(ifp)) == NULL) {
		MALLOC(ia, struct in_ifaddr *, sizeof(*ia), M_IFADDR, M_WAITOK);
		if (ia == NULL)
			return ENOBUFS;
		bzero(ia, sizeof(*ia));
		for (pp = &in_ifaddr; *pp; pp = &(*pp)->ia_next)
			;
		*pp = ia;
		ia->ia_ifa.ifa_next = ifp->if_addrlist;
		ifp->if_addrlist = &ia->ia_ifa;
		ia->ia_ifa.ifa_addr = sintosa(&ia->ia_addr);
		ia->ia_ifa.ifa_dstaddr = sintosa(&ia->ia_dstaddr);
		ia->ia_ifa.ifa_netmask = sintosa(&ia->ia_sockmask);
		ia->ia_ifp = ifp;
	}
	ia->ia_subnetmask = ntohl(mask);
	sin_init(&ia->ia_sockmask, mask);
	sin_init(&sin, addr);
	return in_ifinit(ifp, ia, &sin, 1);
}

/* Interface address requests (SIOC[GS]IF*) on an AF_INET socket. */
int
in_control(struct socket *so, u_long cmd, caddr_t data, struct ifnet *ifp)
{
	struct in_ifaddr *ia;

	(void)so;
	if (ifp == NULL)
		return EADDRNOTAVAIL;
	ia = in_ifaddr_of(ifp);
	switch (cmd) {
	case SIOCGIFADDR:
		if (ia == NULL)
			return EADDRNOTAVAIL;
		*(struct sockaddr_in *)data = ia->ia_addr;
		return 0;
	case SIOCGIFNETMASK:
		if (ia == NULL)
			return EADDRNOTAVAIL;
		*(struct sockaddr_in *)data = ia->ia_sockmask;
		return 0;
	case SIOCSIFADDR:
		return in_setifaddr(ifp, ((struct sockaddr_in *)data)->sin_addr.s_addr,
		    ia ? htonl(ia->ia_subnetmask) : 0);
	default:
		return EOPNOTSUPP;
	}
}
