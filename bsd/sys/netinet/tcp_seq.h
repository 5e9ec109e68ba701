/*
 * tcp_seq.h - sequence number arithmetic modulo 2^32 (RFC 793 3.3).
 */
#ifndef _NETINET_TCP_SEQ_H_
#define _NETINET_TCP_SEQ_H_

#define SEQ_LT(a,b)	((int)((a)-(b)) < 0)
#define SEQ_LEQ(a,b)	((int)((a)-(b)) <= 0)
#define SEQ_GT(a,b)	((int)((a)-(b)) > 0)
#define SEQ_GEQ(a,b)	((int)((a)-(b)) >= 0)

/* Timestamp values compare modulo 2^32 too (RFC 7323 5.2). */
#define TSTMP_LT(a,b)	((int)((a)-(b)) < 0)
#define TSTMP_GEQ(a,b)	((int)((a)-(b)) >= 0)

/* Initialize the send and receive sequence numbers of a new connection. */
#define tcp_rcvseqinit(tp) \
	(tp)->rcv_adv = (tp)->rcv_nxt = (tp)->irs + 1
#define tcp_sendseqinit(tp) \
	(tp)->snd_una = (tp)->snd_nxt = (tp)->snd_max = (tp)->snd_up = \
	    (tp)->snd_recover = (tp)->iss

#endif /* !_NETINET_TCP_SEQ_H_ */
