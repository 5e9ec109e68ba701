/*
 * route.h - the IPv4 routing table (4.4BSD-Lite2 interface names; the
 * table itself is a list searched for the longest prefix, not a radix
 * tree: a hosted or server stack holds a handful of routes).
 *
 * A route names a destination and mask, the interface that reaches it
 * and, for RTF_GATEWAY routes, the next hop.  A `struct route` caches a
 * looked-up rtentry for a PCB; rtalloc() fills it, rtfree() drops the
 * reference.  An entry deleted while referenced lives until its last
 * rtfree().  Protected by splnet.
 */
#ifndef _NET_ROUTE_H_
#define _NET_ROUTE_H_

#include <sys/types.h>
#include <sys/socket.h>

struct ifnet;
struct ifaddr;

struct rt_metrics {
	u_long	rmx_locks;
	u_long	rmx_mtu;	/* MTU for this path */
	u_long	rmx_hopcount;
	u_long	rmx_expire;
	u_long	rmx_recvpipe;
	u_long	rmx_sendpipe;
	u_long	rmx_ssthresh;
	u_long	rmx_rtt;
	u_long	rmx_rttvar;
	u_long	rmx_pksent;
};


struct rtentry {
	struct	rtentry *rt_next;	/* the table is a list */
	struct	sockaddr rt_dstbuf;	/* destination */
	struct	sockaddr rt_maskbuf;	/* mask (all ones for host routes) */
	struct	sockaddr rt_gwbuf;	/* gateway, for RTF_GATEWAY */
	struct	sockaddr *rt_gateway;	/* points at rt_gwbuf */
	short	rt_flags;		/* up/down?, host/net */
	short	rt_refcnt;		/* # held references */
	u_long	rt_use;			/* raw # packets forwarded */
	struct	ifnet *rt_ifp;		/* the answer: interface to use */
	struct	ifaddr *rt_ifa;		/* the answer: interface address to use */
	struct	rt_metrics rt_rmx;	/* metrics used by rx'ing protocols */
};
#define rt_key(r)	(&(r)->rt_dstbuf)
#define rt_mask(r)	(&(r)->rt_maskbuf)

/* a route cached in a PCB */
struct route {
	struct	rtentry *ro_rt;
	struct	sockaddr ro_dst;
};

#define RTF_UP		0x1		/* route usable */
#define RTF_GATEWAY	0x2		/* destination is a gateway */
#define RTF_HOST	0x4		/* host entry (net otherwise) */
#define RTF_REJECT	0x8		/* host or net unreachable */
#define RTF_DYNAMIC	0x10		/* created dynamically (by redirect) */
#define RTF_MODIFIED	0x20
#define RTF_DONE	0x40
#define RTF_STATIC	0x800		/* manually added */
#define RTF_DELETED	0x4000		/* removed from the table, awaiting last rtfree */

#define RTM_ADD		0x1
#define RTM_DELETE	0x2

struct rtstat {
	short	rts_badredirect;
	short	rts_dynamic;
	short	rts_newgateway;
	short	rts_unreach;	/* lookups which failed */
	short	rts_wildcard;
};

#define RTFREE(rt) do { \
	if ((rt)->rt_refcnt <= 1) \
		rtfree(rt); \
	else \
		(rt)->rt_refcnt--; \
} while (0)

#ifdef _KERNEL
extern struct rtstat rtstat;
void	rtalloc(struct route *);
struct rtentry *rtalloc1(struct sockaddr *, int);
void	rtfree(struct rtentry *);
int	rtrequest(int, struct sockaddr *, struct sockaddr *, struct sockaddr *, int, struct rtentry **);
int	rtinit(struct ifaddr *, int, int);

/* Routing messages (rtsock.c): the addresses a message carries. */
#define RTAX_DST	0	/* destination sockaddr present */
#define RTAX_GATEWAY	1	/* gateway sockaddr present */
#define RTAX_NETMASK	2	/* netmask sockaddr present */
#define RTAX_GENMASK	3	/* cloning mask sockaddr present */
#define RTAX_IFP	4	/* interface name sockaddr present */
#define RTAX_IFA	5	/* interface addr sockaddr present */
#define RTAX_AUTHOR	6	/* sockaddr for author of redirect */
#define RTAX_BRD	7	/* for NEWADDR, broadcast or p-p dest addr */
#define RTAX_MAX	8	/* size of array to allocate */

struct rt_addrinfo {
	int	rti_addrs;
	struct	sockaddr *rti_info[RTAX_MAX];
};

/* Routing sockets open, by family (none: there is no routing domain). */
struct route_cb {
	int	ip_count;
	int	ns_count;
	int	iso_count;
	int	any_count;
};
extern struct route_cb route_cb;
extern u_long rt_msgs_unheard;	/* messages with no routing socket to hear them */

void	rt_missmsg(int type, struct rt_addrinfo *info, int flags, int error);
void	rt_ifmsg(struct ifnet *ifp);
void	rt_newaddrmsg(int cmd, struct ifaddr *ifa, int error, struct rtentry *rt);
void	rtredirect(struct sockaddr *, struct sockaddr *, struct sockaddr *, int, struct sockaddr *, struct rtentry **);
void	rt_flush_all(void);
#endif

#endif /* !_NET_ROUTE_H_ */
