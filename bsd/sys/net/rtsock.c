/*
 * rtsock.c - routing messages: what the routing code tells routing
 * sockets (PF_ROUTE) about misses, interface changes and new addresses.
 *
 * This tree has no routing socket domain yet, so route_cb counts no
 * listeners and, as Lite2's rtsock.c does when route_cb.any_count is 0,
 * each message is dropped at once; rt_msgs_unheard counts them, so a test
 * or a debugger can see the routing code speak.  Protected by splnet.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/socket.h>
#include <net/if.h>
#include <net/route.h>

struct route_cb route_cb;
u_long rt_msgs_unheard;

static void
rt_dispatch(void)
{
	if (route_cb.any_count == 0)
		rt_msgs_unheard++;
}

void
rt_missmsg(int type, struct rt_addrinfo *info, int flags, int error)
{
	(void)type, (void)info, (void)flags, (void)error;
	rt_dispatch();
}

void
rt_ifmsg(struct ifnet *ifp)
{
	(void)ifp;
	rt_dispatch();
}

void
rt_newaddrmsg(int cmd, struct ifaddr *ifa, int error, struct rtentry *rt)
{
	(void)cmd, (void)ifa, (void)error, (void)rt;
	rt_dispatch();
}
