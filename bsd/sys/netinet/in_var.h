/*
 * in_var.h - an IPv4 address of an interface.  The struct ifaddr comes
 * first so a struct in_ifaddr * is also a struct ifaddr *.  All of them
 * are on the list in_ifaddr.  Protected by splnet.
 */
#ifndef _NETINET_IN_VAR_H_
#define _NETINET_IN_VAR_H_

#include <net/if.h>
#include <netinet/in.h>

struct in_ifaddr {
	struct	ifaddr ia_ifa;		/* protocol-independent info */
#define ia_ifp		ia_ifa.ifa_ifp
#define ia_flags	ia_ifa.ifa_flags
	u_int32_t ia_net;		/* network number of interface */
	u_int32_t ia_netmask;		/* mask of net part */
	u_int32_t ia_subnet;		/* subnet number, including net */
	u_int32_t ia_subnetmask;	/* mask of subnet part */
	struct	in_addr ia_netbroadcast; /* to recognize net broadcasts */
	struct	in_ifaddr *ia_next;	/* next in list of internet addresses */
	struct	sockaddr_in ia_addr;	/* reserve space for interface name */
	struct	sockaddr_in ia_dstaddr;	/* reserve space for broadcast addr */
#define ia_broadaddr	ia_dstaddr
	struct	sockaddr_in ia_sockmask; /* reserve space for general netmask */
};

#define IA_SIN(ia)	(&(((struct in_ifaddr *)(ia))->ia_addr))
#define ifatoia(ifa)	((struct in_ifaddr *)(ifa))
#define sintosa(sin)	((struct sockaddr *)(sin))

#ifdef _KERNEL
struct socket;
extern struct in_ifaddr *in_ifaddr;
extern struct ifqueue ipintrq;
/* Find the internet address of an interface, if any. */
struct in_ifaddr *in_ifaddr_of(struct ifnet *);
int	in_control(struct socket *, u_long, caddr_t, struct ifnet *);
int	in_ifinit(struct ifnet *, struct in_ifaddr *, struct sockaddr_in *, int);
int	in_setifaddr(struct ifnet *, u_int32_t addr, u_int32_t mask);
#endif

#endif /* !_NETINET_IN_VAR_H_ */
