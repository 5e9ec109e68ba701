/*
 * udp_var.h - UDP kernel structures and statistics.
 */
#ifndef _NETINET_UDP_VAR_H_
#define _NETINET_UDP_VAR_H_

#include <netinet/ip_var.h>
#include <netinet/udp.h>

/* UDP header overlaid with the IP pseudo-header. */
struct udpiphdr {
	struct	ipovly ui_i;		/* overlaid ip structure */
	struct	udphdr ui_u;		/* udp header */
};
#define ui_x1		ui_i.ih_x1
#define ui_pr		ui_i.ih_pr
#define ui_len		ui_i.ih_len
#define ui_src		ui_i.ih_src
#define ui_dst		ui_i.ih_dst
#define ui_sport	ui_u.uh_sport
#define ui_dport	ui_u.uh_dport
#define ui_ulen		ui_u.uh_ulen
#define ui_sum		ui_u.uh_sum

struct udpstat {
	u_long	udps_ipackets;		/* total input packets */
	u_long	udps_hdrops;		/* packet shorter than header */
	u_long	udps_badsum;		/* checksum error */
	u_long	udps_badlen;		/* data length larger than packet */
	u_long	udps_noport;		/* no socket on port */
	u_long	udps_noportbcast;	/* of above, arrived as broadcast */
	u_long	udps_fullsock;		/* not delivered, input socket full */
	u_long	udps_opackets;		/* total output packets */
};

#define UDP_TTL		30		/* deflt time to live for UDP packets */

#ifdef _KERNEL
struct socket;
extern struct udpstat udpstat;
extern struct inpcb udb;
void	udp_init(void);
void	udp_input(struct mbuf *, int);
void	udp_ctlinput(int, struct sockaddr *, void *);
int	udp_usrreq(struct socket *, int, struct mbuf *, struct mbuf *, struct mbuf *);
#endif

#endif /* !_NETINET_UDP_VAR_H_ */
