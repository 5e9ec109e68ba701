/*
 * tcp_timer.h - TCP timers, counted in slow ticks (PR_SLOWHZ a second).
 *
 * Each connection has TCPT_NTIMERS count-down timers, decremented by
 * tcp_slowtimo(); tcp_timers() runs the one that reaches zero.  Values
 * follow RFC 6298 where it differs from 4.4BSD-Lite2: the initial RTO is
 * 1 s (Lite2: 6 s) and the minimum RTO is 1 s.
 */
#ifndef _NETINET_TCP_TIMER_H_
#define _NETINET_TCP_TIMER_H_

#define TCPT_NTIMERS	4

#define TCPT_REXMT	0		/* retransmit */
#define TCPT_PERSIST	1		/* retransmit persistence */
#define TCPT_KEEP	2		/* keep alive */
#define TCPT_2MSL	3		/* 2*msl quiet time timer */

#define TCPTV_MSL	( 30*PR_SLOWHZ)		/* max seg lifetime */
#define TCPTV_SRTTBASE	0			/* base roundtrip time; if 0, no idea yet */
#define TCPTV_RTOBASE	(  1*PR_SLOWHZ)		/* RFC 6298 2.1: initial RTO of 1 s */
#define TCPTV_PERSMIN	(  5*PR_SLOWHZ)		/* retransmit persistence */
#define TCPTV_PERSMAX	( 60*PR_SLOWHZ)		/* maximum persist interval */
#define TCPTV_KEEP_INIT	( 75*PR_SLOWHZ)		/* initial connect keep alive */
#define TCPTV_KEEP_IDLE	(120*60*PR_SLOWHZ)	/* dflt time before probing */
#define TCPTV_KEEPINTVL	( 75*PR_SLOWHZ)		/* default probe interval */
#define TCPTV_KEEPCNT	8			/* max probes before drop */
#define TCPTV_MIN	(  1*PR_SLOWHZ)		/* RFC 6298 2.4: minimum RTO of 1 s */
#define TCPTV_REXMTMAX	( 64*PR_SLOWHZ)		/* max allowable REXMT value */

#define TCP_LINGERTIME	120			/* linger at most 2 minutes */
#define TCP_MAXRXTSHIFT	12			/* maximum retransmits */

/* Force a time value to be in a certain range. */
#define TCPT_RANGESET(tv, value, tvmin, tvmax) do { \
	(tv) = (value); \
	if ((tv) < (tvmin)) \
		(tv) = (tvmin); \
	else if ((tv) > (tvmax)) \
		(tv) = (tvmax); \
} while (0)

#ifdef _KERNEL
extern int tcp_keepidle, tcp_keepintvl, tcp_keepcnt, tcp_maxidle, tcp_msl;
extern int tcp_backoff[];
#endif

#endif /* !_NETINET_TCP_TIMER_H_ */
