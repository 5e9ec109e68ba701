/*
 * socket.h - socket types, options, address families and addresses
 * (the 4.4BSD-Lite2 definitions; values match 4.4BSD, not Linux).
 */
#ifndef _SYS_SOCKET_H_
#define _SYS_SOCKET_H_

#include <sys/types.h>

#define SOCK_STREAM	1
#define SOCK_DGRAM	2
#define SOCK_RAW	3

/* option flags per socket (level SOL_SOCKET) */
#define SO_DEBUG	0x0001
#define SO_ACCEPTCONN	0x0002
#define SO_REUSEADDR	0x0004
#define SO_KEEPALIVE	0x0008
#define SO_DONTROUTE	0x0010
#define SO_BROADCAST	0x0020
#define SO_USELOOPBACK	0x0040		/* bypass hardware when possible */
#define SO_LINGER	0x0080
#define SO_OOBINLINE	0x0100
#define SO_REUSEPORT	0x0200
/* other options, not flags */
#define SO_SNDBUF	0x1001
#define SO_RCVBUF	0x1002
#define SO_SNDLOWAT	0x1003
#define SO_RCVLOWAT	0x1004
#define SO_ERROR	0x1007
#define SO_TYPE		0x1008
#define SO_SNDTIMEO	0x1005		/* send timeout (struct timeval) */
#define SO_RCVTIMEO	0x1006		/* receive timeout (struct timeval) */

struct linger {
	int	l_onoff;
	int	l_linger;
};

#define SOL_SOCKET	0xffff

#define AF_UNSPEC	0
#define AF_LOCAL	1
#define AF_INET		2
#define AF_LINK		18
#define AF_MAX		32
#define PF_UNSPEC	AF_UNSPEC
#define PF_INET		AF_INET

/* A generic address: 4.4BSD's length-prefixed form. */
struct sockaddr {
	u_char	sa_len;
	u_char	sa_family;
	char	sa_data[14];
};

/* protocol used for link level and routing messages */
struct sockproto {
	u_short	sp_family;
	u_short	sp_protocol;
};

#define SOMAXCONN	128

/* send/recv flags */
#define MSG_OOB		0x1
#define MSG_PEEK	0x2
#define MSG_DONTROUTE	0x4
#define MSG_EOR		0x8
#define MSG_TRUNC	0x10
#define MSG_CTRUNC	0x20
#define MSG_WAITALL	0x40
#define MSG_DONTWAIT	0x80

/*
 * Control data (ancillary data) of sendmsg/recvmsg: a sequence of
 * cmsghdrs, each followed by its data, aligned as CMSG_ALIGN says.
 */
struct cmsghdr {
	u_int	cmsg_len;		/* data byte count, including hdr */
	int	cmsg_level;		/* originating protocol */
	int	cmsg_type;		/* protocol-specific type */
/* followed by	u_char  cmsg_data[]; */
};

#define CMSG_ALIGN(n)	(((n) + sizeof(long) - 1) & ~(sizeof(long) - 1))
#define CMSG_DATA(cmsg)	((u_char *)(cmsg) + CMSG_ALIGN(sizeof(struct cmsghdr)))

#define SCM_RIGHTS	0x01		/* access rights (array of int) */

/* shutdown how */
#define SHUT_RD		0
#define SHUT_WR		1
#define SHUT_RDWR	2

#endif /* !_SYS_SOCKET_H_ */
