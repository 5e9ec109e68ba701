/*
 * tcp.h - the TCP header (RFC 793) and options.
 */
#ifndef _NETINET_TCP_H_
#define _NETINET_TCP_H_

typedef u_int32_t tcp_seq;

struct tcphdr {
	u_short	th_sport;		/* source port */
	u_short	th_dport;		/* destination port */
	tcp_seq	th_seq;			/* sequence number */
	tcp_seq	th_ack;			/* acknowledgement number */
	u_char	th_x2:4,		/* (unused) */
		th_off:4;		/* data offset */
	u_char	th_flags;
#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PUSH	0x08
#define TH_ACK	0x10
#define TH_URG	0x20
	u_short	th_win;			/* window */
	u_short	th_sum;			/* checksum */
	u_short	th_urp;			/* urgent pointer */
};

#define TCPOPT_EOL		0
#define TCPOPT_NOP		1
#define TCPOPT_MAXSEG		2
#define TCPOLEN_MAXSEG		4
#define TCPOPT_WINDOW		3
#define TCPOLEN_WINDOW		3
#define TCPOPT_TIMESTAMP	8		/* RFC 7323 3.2 */
#define TCPOLEN_TIMESTAMP	10
#define TCPOLEN_TSTAMP_APPA	(TCPOLEN_TIMESTAMP+2)	/* with two NOPs before */

/* The timestamp option as it is sent: NOP, NOP, kind, length (RFC 7323 App. A). */
#define TCPOPT_TSTAMP_HDR	\
    (TCPOPT_NOP<<24|TCPOPT_NOP<<16|TCPOPT_TIMESTAMP<<8|TCPOLEN_TIMESTAMP)

#define TCP_MSS		512		/* default maximum segment size */
#define TCP_MAXWIN	65535		/* largest value for (unscaled) window */
#define TCP_MAX_WINSHIFT 14		/* maximum window shift */

/* user-settable options (level IPPROTO_TCP) */
#define TCP_NODELAY	0x01		/* don't delay send to coalesce packets */
#define TCP_MAXSEG	0x02		/* set maximum segment size */

#endif /* !_NETINET_TCP_H_ */
