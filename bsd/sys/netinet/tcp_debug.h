/*
 * tcp_debug.h - the TCP trace ring (Lite2's interface).
 *
 * A connection with SO_DEBUG set records each input, output, user request,
 * response and drop in tcp_debug[], a ring of TCP_NDEBUG records indexed
 * by tcp_debx, through tcp_trace().  Unlike Lite2 the ring is declared
 * here and defined once in tcp_debug.c, so the header can be included by
 * several files under -fno-common.
 */
#ifndef _NETINET_TCP_DEBUG_H_
#define _NETINET_TCP_DEBUG_H_

struct tcp_debug {
	n_time	td_time;		/* iptime() of the event */
	short	td_act;			/* TA_* */
	short	td_ostate;		/* state before the event */
	caddr_t	td_tcb;			/* the connection */
	struct	tcpiphdr td_ti;		/* the segment, if any */
	short	td_req;			/* the user request (TA_USER) */
	struct	tcpcb td_cb;		/* the connection after the event */
};

#define TA_INPUT	0
#define TA_OUTPUT	1
#define TA_USER		2
#define TA_RESPOND	3
#define TA_DROP		4

#define TCP_NDEBUG	100

extern struct tcp_debug tcp_debug[TCP_NDEBUG];
extern int tcp_debx;
extern int tcpconsdebug;	/* also print each record on the console */

void	tcp_trace(int act, int ostate, struct tcpcb *tp, struct tcpiphdr *ti, int req);

#endif /* _NETINET_TCP_DEBUG_H_ */
