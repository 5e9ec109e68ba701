/*
 * protosw.h - the protocol switch: how the socket layer and the protocol
 * layers call each other (4.4BSD-Lite2 interface).  pr_usrreq takes one of
 * the PRU_* requests; pr_ctlinput takes PRC_* notices from below.
 */
#ifndef _SYS_PROTOSW_H_
#define _SYS_PROTOSW_H_

struct mbuf;
struct socket;
struct sockaddr;
struct domain;

struct protosw {
	short	pr_type;		/* socket type used for */
	struct	domain *pr_domain;	/* domain protocol a member of */
	short	pr_protocol;		/* protocol number */
	short	pr_flags;		/* see below */
	/* protocol-protocol hooks */
	void	(*pr_input)(struct mbuf *, int);	/* input to protocol (from below) */
	int	(*pr_output)();		/* output to protocol (from above) */
	void	(*pr_ctlinput)(int, struct sockaddr *, void *);
	int	(*pr_ctloutput)(int, struct socket *, int, int, struct mbuf **);
	/* user-protocol hook */
	/*
	 * user request: (so, req, m, nam, control).  Unprototyped, as in
	 * Lite2, whose soreceive passes a sixth argument with PRU_RCVD.
	 */
	int	(*pr_usrreq)();
	/* utility hooks */
	void	(*pr_init)(void);	/* initialization hook */
	void	(*pr_fasttimo)(void);	/* fast timeout (200ms) */
	void	(*pr_slowtimo)(void);	/* slow timeout (500ms) */
	void	(*pr_drain)(void);	/* flush any excess space possible */
};

#define PR_SLOWHZ	2		/* 2 slow timeouts per second */
#define PR_FASTHZ	5		/* 5 fast timeouts per second */

/* pr_flags */
#define PR_ATOMIC	0x01		/* exchange atomic messages only */
#define PR_ADDR		0x02		/* addresses given with messages */
#define PR_CONNREQUIRED	0x04		/* connection required by protocol */
#define PR_WANTRCVD	0x08		/* want PRU_RCVD calls */
#define PR_RIGHTS	0x10		/* passes capabilities */

/* user requests */
#define PRU_ATTACH		0
#define PRU_DETACH		1
#define PRU_BIND		2
#define PRU_LISTEN		3
#define PRU_CONNECT		4
#define PRU_ACCEPT		5
#define PRU_DISCONNECT		6
#define PRU_SHUTDOWN		7
#define PRU_RCVD		8
#define PRU_SEND		9
#define PRU_ABORT		10
#define PRU_CONTROL		11
#define PRU_SENSE		12
#define PRU_RCVOOB		13
#define PRU_SENDOOB		14
#define PRU_SOCKADDR		15
#define PRU_PEERADDR		16
#define PRU_CONNECT2		17
/* protocol internal requests */
#define PRU_FASTTIMO		18
#define PRU_SLOWTIMO		19
#define PRU_PROTORCV		20
#define PRU_PROTOSEND		21
#define PRU_NREQ		21

/* control input notices */
#define PRC_IFDOWN		0
#define PRC_ROUTEDEAD		1
#define PRC_QUENCH2		3
#define PRC_QUENCH		4
#define PRC_MSGSIZE		5
#define PRC_HOSTDEAD		6
#define PRC_HOSTUNREACH		7
#define PRC_UNREACH_NET		8
#define PRC_UNREACH_HOST	9
#define PRC_UNREACH_PROTOCOL	10
#define PRC_UNREACH_PORT	11
#define PRC_UNREACH_SRCFAIL	13
#define PRC_REDIRECT_NET	14
#define PRC_REDIRECT_HOST	15
#define PRC_REDIRECT_TOSNET	16
#define PRC_REDIRECT_TOSHOST	17
#define PRC_TIMXCEED_INTRANS	18
#define PRC_TIMXCEED_REASS	19
#define PRC_PARAMPROB		20
#define PRC_NCMDS		21

#define PRC_IS_REDIRECT(cmd) \
	((cmd) >= PRC_REDIRECT_NET && (cmd) <= PRC_REDIRECT_TOSHOST)

/* control output (socket option) requests */
#define PRCO_GETOPT	0
#define PRCO_SETOPT	1

#ifdef _KERNEL
struct protosw *pffindproto(int family, int protocol, int type);
struct protosw *pffindtype(int family, int type);
void	pfctlinput(int cmd, struct sockaddr *sa);
#endif

#endif /* !_SYS_PROTOSW_H_ */
