/*
 * ip.h - the IPv4 header (RFC 791), laid out for a little-endian host.
 */
#ifndef _NETINET_IP_H_
#define _NETINET_IP_H_

#include <netinet/in.h>

#define IPVERSION	4

struct ip {
	u_char	ip_hl:4,		/* header length, in 32-bit words */
		ip_v:4;			/* version */
	u_char	ip_tos;			/* type of service */
	short	ip_len;			/* total length */
	u_short	ip_id;			/* identification */
	short	ip_off;			/* fragment offset field */
#define IP_RF		0x8000		/* reserved fragment flag */
#define IP_DF		0x4000		/* dont fragment flag */
#define IP_MF		0x2000		/* more fragments flag */
#define IP_OFFMASK	0x1fff		/* mask for fragmenting bits */
	u_char	ip_ttl;			/* time to live */
	u_char	ip_p;			/* protocol */
	u_short	ip_sum;			/* checksum */
	struct	in_addr ip_src, ip_dst;	/* source and dest address */
};

#define IP_MAXPACKET	65535		/* maximum packet size */
#define IPTOS_LOWDELAY		0x10
#define IPTOS_THROUGHPUT	0x08

#define MAXTTL		255		/* maximum time to live (seconds) */
#define IPDEFTTL	64		/* default ttl, from RFC 1340 */
#define IPFRAGTTL	120		/* reassembly time limit, slow ticks: 60 s (RFC 1122 3.3.2; Lite2: 30 s) */
#define IPTTLDEC	1		/* subtracted when forwarding */
#define IP_MSS		576		/* default maximum segment size */

/* option types (only their skipping is implemented) */
#define IPOPT_EOL	0
#define IPOPT_NOP	1
#define IPOPT_OPTVAL	0
#define IPOPT_OLEN	1

#endif /* !_NETINET_IP_H_ */
