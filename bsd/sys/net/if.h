/*
 * if.h - network interfaces (4.4BSD-Lite2 interface).
 *
 * Each interface is a struct ifnet on the list `ifnet`, with its
 * addresses (struct ifaddr) on if_addrlist, an output queue if_snd that
 * if_output fills and if_start drains, and counters.  Protocol input
 * queues (ipintrq, arpintrq) are struct ifqueue too; a driver enqueues
 * and calls schednetisr(), and the platform's network thread runs
 * netisr_run() to process them.  Protected by splnet.
 */
#ifndef _NET_IF_H_
#define _NET_IF_H_

#include <sys/types.h>
#include <sys/socket.h>

struct mbuf;
struct rtentry;

struct ifqueue {
	struct	mbuf *ifq_head;
	struct	mbuf *ifq_tail;
	int	ifq_len;
	int	ifq_maxlen;
	int	ifq_drops;
};

struct ifnet {
	char	*if_name;		/* name, e.g. ``en'' or ``lo'' */
	struct	ifnet *if_next;		/* all struct ifnets are chained */
	struct	ifaddr *if_addrlist;	/* linked list of addresses per if */
	short	if_unit;		/* sub-unit for lower level driver */
	short	if_index;		/* numeric abbreviation for this if */
	short	if_flags;		/* up/down, broadcast, etc. */
	short	if_timer;		/* time 'til if_watchdog called */
	u_char	if_type;		/* ethernet, loopback, ... */
	u_char	if_addrlen;		/* media address length */
	u_char	if_hdrlen;		/* media header length */
	u_long	if_mtu;			/* maximum transmission unit */
	u_long	if_metric;
	u_long	if_ipackets;		/* packets received on interface */
	u_long	if_ierrors;		/* input errors on interface */
	u_long	if_opackets;		/* packets sent on interface */
	u_long	if_oerrors;		/* output errors on interface */
	u_long	if_collisions;
	u_long	if_ibytes;		/* total number of octets received */
	u_long	if_obytes;		/* total number of octets sent */
	u_long	if_imcasts;		/* packets received via multicast */
	u_long	if_omcasts;		/* packets sent via multicast */
	u_long	if_iqdrops;		/* dropped on input, this interface */
	u_long	if_noproto;		/* destined for unsupported protocol */
	/* procedure handles */
	int	(*if_output)(struct ifnet *, struct mbuf *, struct sockaddr *, struct rtentry *);
	void	(*if_start)(struct ifnet *);
	int	(*if_ioctl)(struct ifnet *, u_long, caddr_t);
	void	(*if_watchdog)(int);
	struct	ifqueue if_snd;		/* output queue */
	void	*if_softc;		/* driver's private state */
};

#define IFF_UP		0x1		/* interface is up */
#define IFF_BROADCAST	0x2		/* broadcast address valid */
#define IFF_DEBUG	0x4
#define IFF_LOOPBACK	0x8		/* is a loopback net */
#define IFF_POINTOPOINT	0x10
#define IFF_RUNNING	0x40		/* resources allocated */
#define IFF_NOARP	0x80		/* no address resolution protocol */
#define IFF_OACTIVE	0x400		/* transmission in progress */
#define IFF_SIMPLEX	0x800		/* can't hear own transmissions */
#define IFF_MULTICAST	0x8000

#define IFQ_MAXLEN	256

#define IF_QFULL(ifq)		((ifq)->ifq_len >= (ifq)->ifq_maxlen)
#define IF_DROP(ifq)		((ifq)->ifq_drops++)
#define IF_ENQUEUE(ifq, m) do { \
	(m)->m_nextpkt = 0; \
	if ((ifq)->ifq_tail == 0) \
		(ifq)->ifq_head = m; \
	else \
		(ifq)->ifq_tail->m_nextpkt = m; \
	(ifq)->ifq_tail = m; \
	(ifq)->ifq_len++; \
} while (0)
#define IF_PREPEND(ifq, m) do { \
	(m)->m_nextpkt = (ifq)->ifq_head; \
	if ((ifq)->ifq_tail == 0) \
		(ifq)->ifq_tail = (m); \
	(ifq)->ifq_head = (m); \
	(ifq)->ifq_len++; \
} while (0)
#define IF_DEQUEUE(ifq, m) do { \
	(m) = (ifq)->ifq_head; \
	if (m) { \
		if (((ifq)->ifq_head = (m)->m_nextpkt) == 0) \
			(ifq)->ifq_tail = 0; \
		(m)->m_nextpkt = 0; \
		(ifq)->ifq_len--; \
	} \
} while (0)

/* An address of an interface, one per protocol family. */
struct ifaddr {
	struct	sockaddr *ifa_addr;	/* address of interface */
	struct	sockaddr *ifa_dstaddr;	/* other end of p-to-p link */
#define ifa_broadaddr	ifa_dstaddr	/* broadcast address interface */
	struct	sockaddr *ifa_netmask;	/* used to determine subnet */
	struct	ifnet *ifa_ifp;		/* back-pointer to interface */
	struct	ifaddr *ifa_next;	/* next address for interface */
	u_short	ifa_flags;
	short	ifa_refcnt;
	int	ifa_metric;
};

/* software interrupts: the bits of netisr */
#define NETISR_IP	2
#define NETISR_ARP	18

#ifdef _KERNEL
extern struct ifnet *ifnet;
extern int netisr;
extern struct ifqueue ipintrq, arpintrq;

#define schednetisr(anisr)	(netisr |= 1 << (anisr))

void	if_attach(struct ifnet *);
void	if_detach(struct ifnet *);
void	if_up(struct ifnet *);
void	if_down(struct ifnet *);
void	if_qflush(struct ifqueue *);
struct ifnet *ifunit(char *);
struct ifaddr *ifa_ifwithaddr(struct sockaddr *);
struct ifaddr *ifa_ifwithnet(struct sockaddr *);
struct ifaddr *ifa_ifwithdstaddr(struct sockaddr *);
struct ifaddr *ifaof_ifpforaddr(struct sockaddr *, struct ifnet *);
void	netisr_run(void);
void	ipintr(void);
void	arpintr(void);
#endif

#endif /* !_NET_IF_H_ */
