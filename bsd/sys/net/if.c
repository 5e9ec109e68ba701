/*
 * if.c - the list of network interfaces, address lookup, output and
 * input queues, and the software-interrupt dispatcher.
 *
 * Design: drivers call if_attach() once; protocols find interfaces and
 * addresses through the ifa_* lookups.  A driver's input routine
 * enqueues on a protocol queue (ipintrq, arpintrq) and calls
 * schednetisr(); the platform calls netisr_run() after feeding frames,
 * which drains those queues (the hosted analogue of the softnet
 * interrupt).  Everything runs at splnet.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/socket.h>
#include <net/if.h>

struct ifnet *ifnet;
int if_index;
int netisr;
struct ifqueue ipintrq = { 0, 0, 0, IFQ_MAXLEN, 0 };
struct ifqueue arpintrq = { 0, 0, 0, 50, 0 };

/* Add an interface to the list of all interfaces. */
void
if_attach(struct ifnet *ifp)
{
	struct ifnet **p = &ifnet;

	while (*p)
		p = &(*p)->if_next;
	*p = ifp;
	ifp->if_next = NULL;
	ifp->if_index = ++if_index;
	if (ifp->if_snd.ifq_maxlen == 0)
		ifp->if_snd.ifq_maxlen = IFQ_MAXLEN;
}

/* Remove an interface from the list (its addresses are the caller's). */
void
if_detach(struct ifnet *ifp)
{
	struct ifnet **p;

	for (p = &ifnet; *p; p = &(*p)->if_next)
		if (*p == ifp) {
			*p = ifp->if_next;
			break;
		}
	if_qflush(&ifp->if_snd);
}

static int
sa_equal(struct sockaddr *a, struct sockaddr *b)
{
	return a->sa_len == b->sa_len && bcmp(a, b, a->sa_len) == 0;
}

/* Locate an interface given its exact address. */
struct ifaddr *
ifa_ifwithaddr(struct sockaddr *addr)
{
	struct ifnet *ifp;
	struct ifaddr *ifa;

	for (ifp = ifnet; ifp; ifp = ifp->if_next)
		for (ifa = ifp->if_addrlist; ifa; ifa = ifa->ifa_next) {
			if (ifa->ifa_addr->sa_family != addr->sa_family)
				continue;
			if (sa_equal(addr, ifa->ifa_addr))
				return ifa;
			if ((ifp->if_flags & IFF_BROADCAST) && ifa->ifa_broadaddr &&
			    sa_equal(ifa->ifa_broadaddr, addr))
				return ifa;
		}
	return NULL;
}

/* Locate the point-to-point interface with a given destination address. */
struct ifaddr *
ifa_ifwithdstaddr(struct sockaddr *addr)
{
	struct ifnet *ifp;
	struct ifaddr *ifa;

	for (ifp = ifnet; ifp; ifp = ifp->if_next)
		if (ifp->if_flags & IFF_POINTOPOINT)
			for (ifa = ifp->if_addrlist; ifa; ifa = ifa->ifa_next)
				if (ifa->ifa_addr->sa_family == addr->sa_family &&
				    ifa->ifa_dstaddr && sa_equal(addr, ifa->ifa_dstaddr))
					return ifa;
	return NULL;
}

/* Does addr, masked by mask, equal net masked the same way? */
static int
sa_netmatch(struct sockaddr *addr, struct sockaddr *net, struct sockaddr *mask)
{
	char *a = addr->sa_data, *n = net->sa_data, *m = mask->sa_data;
	char *lim = (char *)mask + mask->sa_len;

	for (; m < lim; a++, n++, m++)
		if ((*a ^ *n) & *m)
			return 0;
	return 1;
}

static int
bits_set(u_int x)
{
	int n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

/*
 * Find an interface on the network of addr: the one whose address,
 * under its netmask, matches addr with the longest mask.
 */
struct ifaddr *
ifa_ifwithnet(struct sockaddr *addr)
{
	struct ifnet *ifp;
	struct ifaddr *ifa, *best = NULL;
	int bestlen = -1, len;
	char *m;

	for (ifp = ifnet; ifp; ifp = ifp->if_next)
		for (ifa = ifp->if_addrlist; ifa; ifa = ifa->ifa_next) {
			if (ifa->ifa_addr->sa_family != addr->sa_family ||
			    ifa->ifa_netmask == NULL)
				continue;
			if (!sa_netmatch(addr, ifa->ifa_addr, ifa->ifa_netmask))
				continue;
			len = 0;
			for (m = ifa->ifa_netmask->sa_data;
			    m < (char *)ifa->ifa_netmask + ifa->ifa_netmask->sa_len; m++)
				len += bits_set((u_char)*m);
			if (len > bestlen) {
				best = ifa;
				bestlen = len;
			}
		}
	return best;
}

/* Find the address of interface ifp best suited to reach addr. */
struct ifaddr *
ifaof_ifpforaddr(struct sockaddr *addr, struct ifnet *ifp)
{
	struct ifaddr *ifa, *maybe = NULL;

	for (ifa = ifp->if_addrlist; ifa; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr->sa_family != addr->sa_family)
			continue;
		if (maybe == NULL)
			maybe = ifa;
		if (ifa->ifa_netmask && sa_netmatch(addr, ifa->ifa_addr, ifa->ifa_netmask))
			return ifa;
	}
	return maybe;
}

/* Mark an interface down and flush its queue. */
void
if_down(struct ifnet *ifp)
{
	ifp->if_flags &= ~IFF_UP;
	if_qflush(&ifp->if_snd);
}

void
if_up(struct ifnet *ifp)
{
	ifp->if_flags |= IFF_UP;
}

/* Free every packet on a queue. */
void
if_qflush(struct ifqueue *ifq)
{
	struct mbuf *m;

	for (;;) {
		IF_DEQUEUE(ifq, m);
		if (m == NULL)
			break;
		m_freem(m);
	}
}

/* Map an interface name ("en0") to its ifnet. */
struct ifnet *
ifunit(char *name)
{
	struct ifnet *ifp;
	int len, unit;
	char *cp;

	for (cp = name; *cp && (*cp < '0' || *cp > '9'); cp++)
		;
	len = cp - name;
	if (*cp == '\0')
		return NULL;
	for (unit = 0; *cp >= '0' && *cp <= '9'; cp++)
		unit = unit * 10 + (*cp - '0');
	if (*cp)
		return NULL;
	for (ifp = ifnet; ifp; ifp = ifp->if_next) {
		if (bcmp(ifp->if_name, name, len) || ifp->if_name[len] != '\0')
			continue;
		if (unit == ifp->if_unit)
			return ifp;
	}
	return NULL;
}

/* Run the pending software interrupts until no protocol queue has work. */
void
netisr_run(void)
{
	int bits;

	while ((bits = netisr) != 0) {
		netisr = 0;
		if (bits & (1 << NETISR_ARP))
			arpintr();
		if (bits & (1 << NETISR_IP))
			ipintr();
	}
}
