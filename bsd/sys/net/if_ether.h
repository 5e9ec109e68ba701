/*
 * net/if_ether.h - Ethernet framing (see also netinet/if_ether.h for ARP).
 */
#ifndef _NET_IF_ETHER_H_
#define _NET_IF_ETHER_H_

#include <sys/types.h>

#define ETHER_ADDR_LEN	6
#define ETHER_HDR_LEN	14
#define ETHERMTU	1500
#define ETHERMIN	(60 - 14)

struct ether_header {
	u_char	ether_dhost[ETHER_ADDR_LEN];
	u_char	ether_shost[ETHER_ADDR_LEN];
	u_short	ether_type;
};

#define ETHERTYPE_IP	0x0800
#define ETHERTYPE_ARP	0x0806

#endif /* !_NET_IF_ETHER_H_ */
