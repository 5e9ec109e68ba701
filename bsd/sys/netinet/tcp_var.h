/*
 * tcp_var.h - the TCP control block and statistics (4.4BSD-Lite2 field
 * names; additions: snd_recover for NewReno, t_segq for reassembly).
 * RFC 7323 timestamps are kept as Lite2 keeps them: ts_recent is the
 * peer's latest timestamp to echo, ts_recent_age the tcp_now it came at.
 *
 * One struct tcpcb per connection hangs off its inpcb (inp_ppcb).  The
 * send sequence space is snd_una <= snd_nxt <= snd_max; the receive
 * window starts at rcv_nxt.  t_srtt and t_rttvar are kept scaled (by
 * 8 and 4) in slow ticks, as Jacobson/Karels describe.  Out-of-order
 * segments wait on t_segq (struct tcpqent, ordered by sequence number,
 * at most TCP_REASS_MAX of them).  Protected by splnet.
 */
#ifndef _NETINET_TCP_VAR_H_
#define _NETINET_TCP_VAR_H_

#include <netinet/tcp.h>
#include <netinet/tcp_timer.h>
#include <netinet/tcpip.h>

/* An out-of-order segment waiting on a connection's reassembly queue. */
struct tcpqent {
	struct	tcpqent *tqe_next;	/* next, by sequence number */
	tcp_seq	tqe_seq;		/* sequence number of its first byte */
	int	tqe_len;		/* bytes of data */
	int	tqe_flags;		/* TH_FIN if it carried one */
	struct	mbuf *tqe_m;		/* the data (headers stripped) */
};

#define TCP_REASS_MAX	512		/* most segments queued per connection */

struct tcpcb {
	struct	tcpqent *t_segq;	/* out-of-order segments */
	int	t_segqlen;		/* entries on t_segq */
	short	t_state;		/* state of this connection */
	short	t_timer[TCPT_NTIMERS];	/* tcp timers */
	short	t_rxtshift;		/* log(2) of rexmt exp. backoff */
	short	t_rxtcur;		/* current retransmit value */
	short	t_dupacks;		/* consecutive dup acks recd */
	u_short	t_maxseg;		/* maximum segment size */
	char	t_force;		/* 1 if forcing out a byte */
	u_short	t_flags;
#define TF_ACKNOW	0x0001		/* ack peer immediately */
#define TF_DELACK	0x0002		/* ack, but try to delay it */
#define TF_NODELAY	0x0004		/* don't delay packets to coalesce */
#define TF_NOOPT	0x0008		/* don't use tcp options */
#define TF_SENTFIN	0x0010		/* have sent FIN */
#define TF_REQ_SCALE	0x0020		/* have/will request window scaling */
#define TF_RCVD_SCALE	0x0040		/* other side has requested scaling */
#define TF_INRECOVERY	0x0080		/* in NewReno fast recovery */
#define TF_REQ_TSTMP	0x0100		/* have/will request timestamps */
#define TF_RCVD_TSTMP	0x0200		/* a timestamp was received in SYN */
	struct	tcpiphdr *t_template;	/* skeletal packet for transmit */
	struct	inpcb *t_inpcb;		/* back pointer to internet pcb */
/* send sequence variables */
	tcp_seq	snd_una;		/* send unacknowledged */
	tcp_seq	snd_nxt;		/* send next */
	tcp_seq	snd_up;			/* send urgent pointer */
	tcp_seq	snd_wl1;		/* window update seg seq number */
	tcp_seq	snd_wl2;		/* window update seg ack number */
	tcp_seq	iss;			/* initial send sequence number */
	u_long	snd_wnd;		/* send window */
/* receive sequence variables */
	u_long	rcv_wnd;		/* receive window */
	tcp_seq	rcv_nxt;		/* receive next */
	tcp_seq	rcv_up;			/* receive urgent pointer */
	tcp_seq	irs;			/* initial receive sequence number */
	tcp_seq	rcv_adv;		/* advertised window */
/* retransmit variables */
	tcp_seq	snd_max;		/* highest sequence number sent */
	tcp_seq	snd_recover;		/* snd_max when fast recovery began (RFC 6582) */
/* congestion control (RFC 5681) */
	u_long	snd_cwnd;		/* congestion-controlled window */
	u_long	snd_ssthresh;		/* snd_cwnd size threshold for slow start */
/* transmit timing */
	short	t_idle;			/* inactivity time */
	short	t_rtt;			/* round trip time */
	tcp_seq	t_rtseq;		/* sequence number being timed */
	short	t_srtt;			/* smoothed round-trip time */
	short	t_rttvar;		/* variance in round-trip time */
	u_short	t_rttmin;		/* minimum rtt allowed */
	u_long	max_sndwnd;		/* largest window peer has offered */
/* out-of-band data: the urgent byte, held apart unless SO_OOBINLINE */
	char	t_oobflags;
#define TCPOOB_HAVEDATA	0x01		/* t_iobc holds an unread urgent byte */
#define TCPOOB_HADDATA	0x02		/* ... which has been read */
	char	t_iobc;
	short	t_softerror;		/* possible error not yet reported */
/* RFC 1323 window scaling */
	u_char	snd_scale;		/* window scaling for send window */
	u_char	rcv_scale;		/* window scaling for recv window */
	u_char	request_r_scale;	/* pending window scaling */
	u_char	requested_s_scale;
/* RFC 7323 timestamps */
	u_long	ts_recent;		/* timestamp to echo next */
	u_long	ts_recent_age;		/* tcp_now when ts_recent was last updated */
	tcp_seq	last_ack_sent;
};

/* A ts_recent older than this (24 days, in slow ticks) is invalid (RFC 7323 5.5). */
#define TCP_PAWS_IDLE	(24 * 24 * 60 * 60 * PR_SLOWHZ)

#define intotcpcb(ip)	((struct tcpcb *)(ip)->inp_ppcb)
#define sototcpcb(so)	(intotcpcb(sotoinpcb(so)))

/* RTT estimator scaling (Jacobson/Karels, as in 4.4BSD) */
#define TCP_RTT_SCALE		8	/* multiplier for srtt; 3 bits frac. */
#define TCP_RTT_SHIFT		3	/* shift for srtt; 3 bits frac. */
#define TCP_RTTVAR_SCALE	4	/* multiplier for rttvar; 2 bits */
#define TCP_RTTVAR_SHIFT	2	/* multiplier for rttvar; 2 bits */

/* RTO = srtt + 4*rttvar (RFC 6298 2.3), in ticks */
#define TCP_REXMTVAL(tp) \
	(((tp)->t_srtt >> TCP_RTT_SHIFT) + (tp)->t_rttvar)

struct tcpstat {
	u_long	tcps_connattempt;	/* connections initiated */
	u_long	tcps_accepts;		/* connections accepted */
	u_long	tcps_connects;		/* connections established */
	u_long	tcps_drops;		/* connections dropped */
	u_long	tcps_conndrops;		/* embryonic connections dropped */
	u_long	tcps_closed;		/* conn. closed (includes drops) */
	u_long	tcps_segstimed;		/* segs where we tried to get rtt */
	u_long	tcps_rttupdated;	/* times we succeeded */
	u_long	tcps_delack;		/* delayed acks sent */
	u_long	tcps_timeoutdrop;	/* conn. dropped in rxmt timeout */
	u_long	tcps_rexmttimeo;	/* retransmit timeouts */
	u_long	tcps_persisttimeo;	/* persist timeouts */
	u_long	tcps_persistdrop;	/* connections dropped in persist */
	u_long	tcps_keeptimeo;		/* keepalive timeouts */
	u_long	tcps_keepprobe;		/* keepalive probes sent */
	u_long	tcps_keepdrops;		/* connections dropped in keepalive */

	u_long	tcps_sndtotal;		/* total packets sent */
	u_long	tcps_sndpack;		/* data packets sent */
	u_long	tcps_sndbyte;		/* data bytes sent */
	u_long	tcps_sndrexmitpack;	/* data packets retransmitted */
	u_long	tcps_sndrexmitbyte;	/* data bytes retransmitted */
	u_long	tcps_sndacks;		/* ack-only packets sent */
	u_long	tcps_sndprobe;		/* window probes sent */
	u_long	tcps_sndwinup;		/* window update-only packets sent */
	u_long	tcps_sndctrl;		/* control (SYN|FIN|RST) packets sent */
	u_long	tcps_sndurg;		/* packets sent with URG only */
	u_long	tcps_fastrexmit;	/* fast retransmits */

	u_long	tcps_rcvtotal;		/* total packets received */
	u_long	tcps_rcvpack;		/* packets received in sequence */
	u_long	tcps_rcvbyte;		/* bytes received in sequence */
	u_long	tcps_rcvbadsum;		/* packets received with ccksum errs */
	u_long	tcps_rcvbadoff;		/* packets received with bad offset */
	u_long	tcps_rcvshort;		/* packets received too short */
	u_long	tcps_rcvduppack;	/* duplicate-only packets received */
	u_long	tcps_rcvdupbyte;	/* duplicate-only bytes received */
	u_long	tcps_rcvpartduppack;	/* packets with some duplicate data */
	u_long	tcps_rcvpartdupbyte;	/* dup. bytes in part-dup. packets */
	u_long	tcps_rcvoopack;		/* out-of-order packets received */
	u_long	tcps_rcvoobyte;		/* out-of-order bytes received */
	u_long	tcps_rcvpackafterwin;	/* packets with data after window */
	u_long	tcps_rcvbyteafterwin;	/* bytes rcvd after window */
	u_long	tcps_rcvafterclose;	/* packets rcvd after "close" */
	u_long	tcps_rcvwinprobe;	/* rcvd window probe packets */
	u_long	tcps_rcvdupack;		/* rcvd duplicate acks */
	u_long	tcps_rcvacktoomuch;	/* rcvd acks for unsent data */
	u_long	tcps_rcvackpack;	/* rcvd ack packets */
	u_long	tcps_rcvackbyte;	/* bytes acked by rcvd acks */
	u_long	tcps_rcvwinupd;		/* rcvd window update packets */
	u_long	tcps_rcvrst;		/* RSTs received and acted on */
	u_long	tcps_rcvbadrst;		/* RSTs ignored (out of window) */
	u_long	tcps_challengeack;	/* challenge ACKs sent (RFC 5961) */
	u_long	tcps_noport;		/* segments to a port with no listener */
	u_long	tcps_reassfull;		/* segments dropped: reassembly queue full */
	u_long	tcps_listendrop;	/* SYNs dropped: listen queue full */
	u_long	tcps_pawsdrop;		/* segments dropped: old timestamp (PAWS) */
	u_long	tcps_predack;		/* header prediction hits for ACKs */
	u_long	tcps_preddat;		/* header prediction hits for data */
	u_long	tcps_pcbcachemiss;	/* segments not matching the last pcb */
	u_long	tcps_badsyn;		/* bogus SYNs (e.g. with premature data) */
};

#ifdef _KERNEL
extern struct inpcb tcb;
extern struct tcpstat tcpstat;
extern u_long tcp_now;
extern tcp_seq tcp_iss;
extern int tcp_mssdflt, tcp_do_rfc1323;
extern u_long tcp_sendspace, tcp_recvspace;

struct socket;
struct tcpcb *tcp_close(struct tcpcb *);
void	tcp_ctlinput(int, struct sockaddr *, void *);
int	tcp_ctloutput(int, struct socket *, int, int, struct mbuf **);
struct tcpcb *tcp_disconnect(struct tcpcb *);
struct tcpcb *tcp_drop(struct tcpcb *, int);
void	tcp_dooptions(struct tcpcb *, u_char *, int, struct tcpiphdr *,
	    int *, u_long *, u_long *);
void	tcp_drain(void);
void	tcp_fasttimo(void);
void	tcp_init(void);
void	tcp_input(struct mbuf *, int);
int	tcp_mss(struct tcpcb *, u_int);
struct tcpcb *tcp_newtcpcb(struct inpcb *);
void	tcp_notify(struct inpcb *, int);
int	tcp_output(struct tcpcb *);
void	tcp_quench(struct inpcb *, int);
void	tcp_pulloutofband(struct socket *, struct tcpiphdr *, struct mbuf *);
int	tcp_reass(struct tcpcb *, tcp_seq, int, int, struct mbuf *);
void	tcp_respond(struct tcpcb *, struct tcpiphdr *, tcp_seq, tcp_seq, int);
void	tcp_setpersist(struct tcpcb *);
void	tcp_slowtimo(void);
struct tcpiphdr *tcp_template(struct tcpcb *);
struct tcpcb *tcp_timers(struct tcpcb *, int);
void	tcp_xmit_timer(struct tcpcb *, int);
struct tcpcb *tcp_usrclosed(struct tcpcb *);
int	tcp_usrreq(struct socket *, int, struct mbuf *, struct mbuf *, struct mbuf *);
int	tcp_attach(struct socket *);
void	tcp_canceltimers(struct tcpcb *);
#endif

#endif /* !_NETINET_TCP_VAR_H_ */
