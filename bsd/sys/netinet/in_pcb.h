/*
 * in_pcb.h - Internet protocol control blocks: the addresses and ports
 * that name one UDP or TCP endpoint, kept on one list per protocol
 * (the list head is a dummy inpcb, as in 4.4BSD).  Protected by splnet.
 */
#ifndef _NETINET_IN_PCB_H_
#define _NETINET_IN_PCB_H_

#include <net/route.h>
#include <netinet/in.h>
#include <netinet/ip.h>

struct inpcb {
	struct	inpcb *inp_next, *inp_prev;	/* list of all pcbs of a protocol */
	struct	inpcb *inp_head;		/* pointer back to the list head */
	struct	in_addr inp_faddr;		/* foreign host table entry */
	u_short	inp_fport;			/* foreign port */
	struct	in_addr inp_laddr;		/* local host table entry */
	u_short	inp_lport;			/* local port */
	struct	socket *inp_socket;		/* back pointer to socket */
	caddr_t	inp_ppcb;			/* pointer to per-protocol pcb */
	struct	route inp_route;		/* placeholder for routing entry */
	int	inp_flags;			/* generic IP/datagram flags */
	struct	ip inp_ip;			/* header prototype (ttl, tos) */
	struct	mbuf *inp_options;		/* IP options */
};

/* flags in inp_flags */
#define INP_RECVOPTS		0x01
#define INP_HDRINCL		0x08

#define INPLOOKUP_WILDCARD	1

#define sotoinpcb(so)	((struct inpcb *)(so)->so_pcb)

#ifdef _KERNEL
struct socket;
int	in_pcballoc(struct socket *, struct inpcb *);
int	in_pcbbind(struct inpcb *, struct mbuf *);
int	in_pcbconnect(struct inpcb *, struct mbuf *);
void	in_pcbdisconnect(struct inpcb *);
int	in_pcbdetach(struct inpcb *);
void	in_setsockaddr(struct inpcb *, struct mbuf *);
void	in_setpeeraddr(struct inpcb *, struct mbuf *);
struct inpcb *in_pcblookup(struct inpcb *, struct in_addr, u_int, struct in_addr, u_int, int);
void	in_pcbnotify(struct inpcb *, struct sockaddr *, u_int, struct in_addr, u_int, int, void (*)(struct inpcb *, int));
void	in_losing(struct inpcb *);
struct rtentry *in_pcbrtentry(struct inpcb *);
#endif

#endif /* !_NETINET_IN_PCB_H_ */
