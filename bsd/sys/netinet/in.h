/*
 * in.h - Internet (IPv4) addresses, ports and protocol numbers
 * (4.4BSD-Lite2 definitions), and the byte-order helpers.
 */
#ifndef _NETINET_IN_H_
#define _NETINET_IN_H_

#include <sys/types.h>

#define IPPROTO_IP	0
#define IPPROTO_ICMP	1
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define IPPROTO_RAW	255
#define IPPROTO_MAX	256

#define IPPORT_RESERVED		1024
#define IPPORT_USERRESERVED	5000

struct in_addr {
	u_int32_t s_addr;
};

#define IN_CLASSA(i)		(((u_int32_t)(i) & 0x80000000) == 0)
#define IN_CLASSA_NET		0xff000000
#define IN_CLASSB(i)		(((u_int32_t)(i) & 0xc0000000) == 0x80000000)
#define IN_CLASSB_NET		0xffff0000
#define IN_CLASSC_NET		0xffffff00
#define IN_CLASSD(i)		(((u_int32_t)(i) & 0xf0000000) == 0xe0000000)
#define IN_MULTICAST(i)		IN_CLASSD(i)
#define IN_EXPERIMENTAL(i)	(((u_int32_t)(i) & 0xf0000000) == 0xf0000000)
#define IN_BADCLASS(i)		IN_EXPERIMENTAL(i)

#define INADDR_ANY		(u_int32_t)0x00000000
#define INADDR_BROADCAST	(u_int32_t)0xffffffff
#define INADDR_NONE		0xffffffff
#define INADDR_LOOPBACK		(u_int32_t)0x7f000001
#define IN_LOOPBACKNET		127

struct sockaddr_in {
	u_char	sin_len;
	u_char	sin_family;
	u_short	sin_port;
	struct	in_addr sin_addr;
	char	sin_zero[8];
};

/* options for use with [gs]etsockopt at the IP level */
#define IP_OPTIONS	1
#define IP_HDRINCL	2
#define IP_TOS		3
#define IP_TTL		4

/* Byte order: the stack runs on little-endian x86_64 only. */
#define htons(x)	((u_int16_t)__builtin_bswap16((u_int16_t)(x)))
#define ntohs(x)	((u_int16_t)__builtin_bswap16((u_int16_t)(x)))
#define htonl(x)	((u_int32_t)__builtin_bswap32((u_int32_t)(x)))
#define ntohl(x)	((u_int32_t)__builtin_bswap32((u_int32_t)(x)))
#define NTOHL(x)	((x) = ntohl((u_int32_t)(x)))
#define NTOHS(x)	((x) = ntohs((u_int16_t)(x)))
#define HTONL(x)	((x) = htonl((u_int32_t)(x)))
#define HTONS(x)	((x) = htons((u_int16_t)(x)))

#ifdef _KERNEL
struct ifnet;
struct mbuf;
struct protosw;
extern struct domain inetdomain;
extern struct in_addr zeroin_addr;
int	in_broadcast(struct in_addr, struct ifnet *);
int	in_canforward(struct in_addr);
int	in_cksum(struct mbuf *, int);
int	in_localaddr(struct in_addr);
#endif

#endif /* !_NETINET_IN_H_ */
