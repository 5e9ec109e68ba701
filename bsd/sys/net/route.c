/*
 * route.c - the IPv4 routing table: lookup, add, delete, and the
 * interface routes that come with an interface address.
 *
 * Design: a list of rtentry searched for the longest matching prefix
 * (host routes have an all-ones mask); a default route is the entry with
 * a zero mask.  A lookup takes a reference (rt_refcnt); rtfree() drops
 * it, and frees an entry that was deleted from the table once no one
 * holds it.  Only AF_INET addresses are routed.  Protected by splnet.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/socket.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/in_var.h>

struct rtstat rtstat;
static struct rtentry *rt_table;

static u_int32_t
sin_addr_of(struct sockaddr *sa)
{
	return ((struct sockaddr_in *)sa)->sin_addr.s_addr;
}

/* The number of one bits of a netmask (its prefix length). */
static int
mask_len(u_int32_t netmask)
{
	int n = 0;

	for (; netmask; netmask &= netmask - 1)
		n++;
	return n;
}

/* Look up the route to dst; with report, count a failure. */
struct rtentry *
rtalloc1(struct sockaddr *dst, int report)
{
	struct rtentry *rt, *best = NULL;
	u_int32_t addr;

	if (dst->sa_family != AF_INET) {
		if (report)
			rtstat.rts_unreach++;
		return NULL;
	}
	addr = sin_addr_of(dst);
	for (rt = rt_table; rt; rt = rt->rt_next) {
		u_int32_t mask = sin_addr_of(rt_mask(rt));

		if ((rt->rt_flags & RTF_UP) == 0)
			continue;
		if (((addr ^ sin_addr_of(rt_key(rt))) & mask) != 0)
			continue;
		if (best == NULL || mask_len(mask) > mask_len(sin_addr_of(rt_mask(best))))
			best = rt;
	}
	if (best == NULL) {
		if (report)
			rtstat.rts_unreach++;
		return NULL;
	}
	best->rt_refcnt++;
	return best;
}

/* Fill ro->ro_rt from ro->ro_dst unless it already holds a live route. */
void
rtalloc(struct route *ro)
{
	if (ro->ro_rt && ro->ro_rt->rt_ifp && (ro->ro_rt->rt_flags & RTF_UP))
		return;
	if (ro->ro_rt) {
		rtfree(ro->ro_rt);
		ro->ro_rt = NULL;
	}
	ro->ro_rt = rtalloc1(&ro->ro_dst, 1);
}

void
rtfree(struct rtentry *rt)
{
	if (rt == NULL)
		panic("rtfree");
	rt->rt_refcnt--;
	if (rt->rt_refcnt <= 0 && (rt->rt_flags & RTF_UP) == 0) {
		if (rt->rt_refcnt < 0) {
			printf("rtfree: %p not freed (neg refs)\n", (void *)rt);
			return;
		}
		if ((rt->rt_flags & RTF_DELETED) == 0)
			panic("rtfree: freeing a route still in the table");
		FREE(rt, M_RTABLE);
	}
}

static void
sin_store(struct sockaddr *to, u_int32_t addr)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)to;

	bzero(sin, sizeof(*sin));
	sin->sin_len = sizeof(*sin);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = addr;
}

/*
 * Add or delete a route.  For RTM_ADD, the route leaves through the
 * interface that owns gateway (for RTF_GATEWAY routes: the interface on
 * the gateway's network).  A host route is made when netmask is NULL.
 */
int
rtrequest(int req, struct sockaddr *dst, struct sockaddr *gateway,
    struct sockaddr *netmask, int flags, struct rtentry **ret_nrt)
{
	struct rtentry *rt, **prev;
	struct ifaddr *ifa;
	u_int32_t mask, net;

	if (dst->sa_family != AF_INET)
		return EAFNOSUPPORT;
	mask = netmask ? sin_addr_of(netmask) : 0xffffffff;
	if (netmask == NULL)
		flags |= RTF_HOST;
	net = sin_addr_of(dst) & mask;

	switch (req) {
	case RTM_DELETE:
		for (prev = &rt_table; (rt = *prev) != NULL; prev = &rt->rt_next)
			if (sin_addr_of(rt_key(rt)) == net &&
			    sin_addr_of(rt_mask(rt)) == mask)
				break;
		if (rt == NULL)
			return ESRCH;
		*prev = rt->rt_next;
		rt->rt_flags &= ~RTF_UP;
		rt->rt_flags |= RTF_DELETED;
		if (ret_nrt) {
			*ret_nrt = rt;
			rt->rt_refcnt++;
		}
		if (rt->rt_refcnt <= 0) {
			rt->rt_refcnt++;
			rtfree(rt);
		}
		return 0;

	case RTM_ADD:
		if (flags & RTF_GATEWAY)
			ifa = ifa_ifwithnet(gateway);
		else if ((ifa = ifa_ifwithaddr(gateway)) == NULL)
			ifa = ifa_ifwithnet(gateway);
		if (ifa == NULL)
			return ENETUNREACH;
		for (rt = rt_table; rt; rt = rt->rt_next)
			if (sin_addr_of(rt_key(rt)) == net &&
			    sin_addr_of(rt_mask(rt)) == mask)
				return EEXIST;
		MALLOC(rt, struct rtentry *, sizeof(*rt), M_RTABLE, M_NOWAIT);
		if (rt == NULL)
			return ENOBUFS;
		bzero(rt, sizeof(*rt));
		sin_store(&rt->rt_dstbuf, net);
		sin_store(&rt->rt_maskbuf, mask);
		sin_store(&rt->rt_gwbuf, sin_addr_of(gateway));
		rt->rt_gateway = &rt->rt_gwbuf;
		rt->rt_flags = RTF_UP | flags;
		rt->rt_ifa = ifa;
		rt->rt_ifp = ifa->ifa_ifp;
		rt->rt_rmx.rmx_mtu = ifa->ifa_ifp->if_mtu;
		rt->rt_next = rt_table;
		rt_table = rt;
		if (ret_nrt) {
			*ret_nrt = rt;
			rt->rt_refcnt++;
		}
		return 0;
	}
	return EOPNOTSUPP;
}

/* Add (RTM_ADD) or delete the network route of an interface address. */
int
rtinit(struct ifaddr *ifa, int cmd, int flags)
{
	struct sockaddr *dst;

	dst = (flags & RTF_HOST) ? ifa->ifa_dstaddr : ifa->ifa_addr;
	return rtrequest(cmd, dst, ifa->ifa_addr,
	    (flags & RTF_HOST) ? NULL : ifa->ifa_netmask, flags, NULL);
}

/*
 * Redirects are not acted on: a host following RFC 1122 3.3.1.2 may
 * ignore them, and this stack has no use for the dynamic routes they
 * would make.  They are counted as bad.
 */
void
rtredirect(struct sockaddr *dst, struct sockaddr *gateway,
    struct sockaddr *netmask, int flags, struct sockaddr *src,
    struct rtentry **rtp)
{
	(void)dst; (void)gateway; (void)netmask; (void)flags; (void)src;
	if (rtp)
		*rtp = NULL;
	rtstat.rts_badredirect++;
}

/* Delete every route (used when a stack is torn down). */
void
rt_flush_all(void)
{
	struct rtentry *rt;

	while ((rt = rt_table) != NULL) {
		rt_table = rt->rt_next;
		rt->rt_flags &= ~RTF_UP;
		rt->rt_flags |= RTF_DELETED;
		if (rt->rt_refcnt <= 0) {
			rt->rt_refcnt++;
			rtfree(rt);
		}
	}
}
