/*
 * netinet/if_ether.h - ARP over Ethernet (RFC 826).
 *
 * struct arpcom is the common head of every Ethernet driver's softc: the
 * ifnet, then the station address.  The ARP cache (if_ether.c) is a small
 * table of struct llinfo_arp: an entry is resolved or pending (holding
 * up to ARP_MAXHOLD packets waiting for the reply, the oldest dropped
 * first: RFC 1122 2.3.2.2 asks for at least the newest), and
 * expires arpt_keep slow ticks after it resolved; an unanswered request
 * is retried every second and given up after arp_maxtries.
 */
#ifndef _NETINET_IF_ETHER_H_
#define _NETINET_IF_ETHER_H_

#include <net/if.h>
#include <net/if_ether.h>
#include <netinet/in.h>

struct arphdr {
	u_short	ar_hrd;		/* format of hardware address */
#define ARPHRD_ETHER	1
	u_short	ar_pro;		/* format of protocol address */
	u_char	ar_hln;		/* length of hardware address */
	u_char	ar_pln;		/* length of protocol address */
	u_short	ar_op;		/* one of: */
#define ARPOP_REQUEST	1
#define ARPOP_REPLY	2
};

struct ether_arp {
	struct	arphdr ea_hdr;		/* fixed-size header */
	u_char	arp_sha[6];		/* sender hardware address */
	u_char	arp_spa[4];		/* sender protocol address */
	u_char	arp_tha[6];		/* target hardware address */
	u_char	arp_tpa[4];		/* target protocol address */
} __attribute__((packed));
#define arp_hrd	ea_hdr.ar_hrd
#define arp_pro	ea_hdr.ar_pro
#define arp_hln	ea_hdr.ar_hln
#define arp_pln	ea_hdr.ar_pln
#define arp_op	ea_hdr.ar_op

/* The head of every Ethernet driver's state. */
struct arpcom {
	struct	ifnet ac_if;		/* network-visible interface */
	u_char	ac_enaddr[6];		/* ethernet hardware address */
	struct	in_addr ac_ipaddr;	/* copy of ip address */
};

struct llinfo_arp {
	struct	in_addr la_addr;	/* the IP address (0: slot free) */
	u_char	la_enaddr[6];		/* its Ethernet address, once resolved */
	u_char	la_resolved;		/* la_enaddr is valid */
	u_char	la_asked;		/* requests sent while unresolved */
	struct	ifnet *la_ifp;		/* interface it was learned on */
	struct	mbuf *la_hold;		/* packets waiting for the answer (m_nextpkt) */
	int	la_holdlen;		/* how many */
	long	la_expire;		/* slow tick when the entry expires */
	long	la_retry;		/* slow tick of the next request */
};

struct arpstat {
	u_long	as_reqsent;		/* requests sent */
	u_long	as_repsent;		/* replies sent */
	u_long	as_received;		/* valid ARP packets received */
	u_long	as_badlen;		/* too short or wrong sizes */
	u_long	as_badaddr;		/* bogus sender or target address */
	u_long	as_dupaddr;		/* someone else claims our address */
	u_long	as_expired;		/* entries that timed out */
	u_long	as_dropped;		/* held packets lost */
	u_long	as_tablefull;		/* no free entry */
};

#define ARP_TABLESIZE	64
#define ARP_MAXHOLD	16

#ifdef _KERNEL
extern u_char etherbroadcastaddr[6];
extern struct arpstat arpstat;
extern int arpt_keep, arp_maxtries;
extern long arp_ticks;
struct rtentry;
int	arpresolve(struct arpcom *, struct rtentry *, struct mbuf *, struct sockaddr *, u_char *);
void	arpwhohas(struct arpcom *, struct in_addr *);
void	arp_ifinit(struct arpcom *, struct ifaddr *);
void	arp_slowtimo(void);
struct llinfo_arp *arp_lookup(u_int32_t addr);
void	arp_flush(void);
int	ether_output(struct ifnet *, struct mbuf *, struct sockaddr *, struct rtentry *);
void	ether_input(struct ifnet *, struct ether_header *, struct mbuf *);
void	ether_ifattach(struct ifnet *);
#endif

#endif /* !_NETINET_IF_ETHER_H_ */
