/*
 * ip_var.h - IPv4 protocol state: the pseudo-header overlay used by
 * TCP and UDP checksums, the fragment reassembly queue, statistics.
 *
 * Reassembly (ip_input.c) keeps one struct ipq per datagram being
 * rebuilt, its fragments chained by m_nextpkt in offset order.  It is
 * bounded: at most ip_maxfragpackets datagrams and ip_maxfragsperpacket
 * fragments each; a datagram whose fragments overlap with different
 * extents is dropped whole (RFC 5722's rule, applied to IPv4).
 */
#ifndef _NETINET_IP_VAR_H_
#define _NETINET_IP_VAR_H_

#include <netinet/in.h>
#include <netinet/ip.h>

/*
 * Overlay for the IP header used by TCP/UDP to build the checksum
 * pseudo-header.  4.4BSD kept two list pointers in the first 8 bytes; on
 * a 64-bit host those would not fit, so the area is opaque padding.
 */
struct ipovly {
	u_char	ih_x1[9];		/* (unused) */
	u_char	ih_pr;			/* protocol */
	short	ih_len;			/* protocol length */
	struct	in_addr ih_src;		/* source internet address */
	struct	in_addr ih_dst;		/* destination internet address */
};

/* One datagram under reassembly. */
struct ipq {
	struct	ipq *ipq_next;		/* list of all datagrams being rebuilt */
	u_char	ipq_ttl;		/* time for reass q to live (slow ticks) */
	u_char	ipq_p;			/* protocol of this fragment */
	u_short	ipq_id;			/* sequence id for reassembly */
	struct	in_addr ipq_src, ipq_dst;
	struct	mbuf *ipq_frags;	/* fragments, by offset, via m_nextpkt */
	int	ipq_nfrags;		/* number of fragments held */
};

struct ipstat {
	u_long	ips_total;		/* total packets received */
	u_long	ips_badsum;		/* checksum bad */
	u_long	ips_tooshort;		/* packet too short */
	u_long	ips_toosmall;		/* not enough data */
	u_long	ips_badhlen;		/* ip header length < data size */
	u_long	ips_badlen;		/* ip length < ip header length */
	u_long	ips_fragments;		/* fragments received */
	u_long	ips_fragdropped;	/* frags dropped (dups, out of space, overlap) */
	u_long	ips_fragtimeout;	/* fragments timed out */
	u_long	ips_forward;		/* packets forwarded */
	u_long	ips_cantforward;	/* packets rcvd for unreachable dest */
	u_long	ips_redirectsent;	/* packets forwarded on same net */
	u_long	ips_noproto;		/* unknown or unsupported protocol */
	u_long	ips_delivered;		/* datagrams delivered to upper level */
	u_long	ips_localout;		/* total ip packets generated here */
	u_long	ips_odropped;		/* lost packets due to nobufs, etc. */
	u_long	ips_reassembled;	/* total packets reassembled ok */
	u_long	ips_fragmented;		/* datagrams successfully fragmented */
	u_long	ips_ofragments;		/* output fragments created */
	u_long	ips_cantfrag;		/* don't fragment flag was set, etc. */
	u_long	ips_badoptions;		/* error in option processing */
	u_long	ips_noroute;		/* packets discarded due to no route */
	u_long	ips_badvers;		/* ip version != 4 */
	u_long	ips_rawout;		/* total raw ip packets generated */
	u_long	ips_badaddr;		/* bad source or destination address */
	u_long	ips_notforus;		/* not addressed to us (and not forwarding) */
};

/* flags passed to ip_output as last parameter */
#define IP_FORWARDING		0x1		/* most of ip header exists */
#define IP_RAWOUTPUT		0x2		/* raw ip header exists */
#define IP_ROUTETOIF		SO_DONTROUTE	/* bypass routing tables */
#define IP_ALLOWBROADCAST	SO_BROADCAST	/* can send broadcast packets */

#ifdef _KERNEL
struct route;
struct socket;
extern struct ipstat ipstat;
extern u_short ip_id;
extern int ip_defttl;
extern int ipforwarding;
extern int ip_maxfragpackets, ip_maxfragsperpacket;
extern struct ipq *ipq_list;
extern struct protosw *ip_protox[IPPROTO_MAX];

void	ip_init(void);
void	ip_slowtimo(void);
void	ip_drain(void);
int	ip_output(struct mbuf *, struct mbuf *, struct route *, int, void *);
int	ip_ctloutput(int, struct socket *, int, int, struct mbuf **);
void	ip_stripoptions(struct mbuf *, struct mbuf *);
struct mbuf *ip_reass(struct mbuf *);
void	ip_freef(struct ipq *);
#endif

#endif /* !_NETINET_IP_VAR_H_ */
