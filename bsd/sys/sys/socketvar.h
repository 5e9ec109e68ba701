/*
 * socketvar.h - the kernel socket: its state, its send and receive
 * buffers (sockbufs) and the queues of a listening socket
 * (4.4BSD-Lite2 interface).
 *
 * A listening socket (SO_ACCEPTCONN) keeps half-made connections on
 * so_q0 and completed ones on so_q until accept() takes them.  Readiness
 * is reported by sopoll() (poll(2) bits); sleepers wait in sbwait() and
 * are woken by sowakeup(), which also calls the socket's upcall, if any,
 * so an event loop can learn of readiness without sleeping.  All fields
 * are protected by splnet.
 */
#ifndef _SYS_SOCKETVAR_H_
#define _SYS_SOCKETVAR_H_

#include <sys/types.h>
#include <sys/select.h>

struct mbuf;
struct protosw;
struct sockaddr;
struct uio;
struct proc;

struct sockbuf {
	u_long	sb_cc;		/* actual chars in buffer */
	u_long	sb_hiwat;	/* max actual char count */
	u_long	sb_mbcnt;	/* chars of mbufs used */
	u_long	sb_mbmax;	/* max chars of mbufs to use */
	long	sb_lowat;	/* low water mark */
	struct	mbuf *sb_mb;	/* the mbuf chain */
	struct	selinfo sb_sel;	/* process selecting read/write */
	short	sb_flags;	/* flags, see below */
	short	sb_timeo;	/* timeout for read/write */
};

#define SB_MAX		(256*1024)	/* default for max chars in sockbuf */
#define SB_LOCK		0x01		/* lock on data queue */
#define SB_WANT		0x02		/* someone is waiting to lock */
#define SB_WAIT		0x04		/* someone is waiting for data/space */
#define SB_SEL		0x08		/* someone is selecting */
#define SB_ASYNC	0x10		/* ASYNC I/O, need signals */
#define SB_NOINTR	0x40		/* operations not interruptible */

struct socket {
	short	so_type;		/* generic type, see socket.h */
	short	so_options;		/* from socket call, see socket.h */
	short	so_linger;		/* time to linger while closing */
	short	so_state;		/* internal state flags SS_*, below */
	void	*so_pcb;		/* protocol control block */
	struct	protosw *so_proto;	/* protocol handle */
	/* connection queues of a listening socket */
	struct	socket *so_head;	/* back pointer to accept socket */
	struct	socket *so_q0;		/* queue of partial connections */
	struct	socket *so_q;		/* queue of incoming connections */
	short	so_q0len;		/* partials on so_q0 */
	short	so_qlen;		/* number of connections on so_q */
	short	so_qlimit;		/* max number queued connections */
	short	so_timeo;		/* connection timeout */
	u_short	so_error;		/* error affecting connection */
	u_long	so_oobmark;		/* chars to oob mark (0: none, or at it) */
	pid_t	so_pgid;		/* pgid (< 0) or pid (> 0) for SIGIO/SIGURG */
	struct	sockbuf so_rcv, so_snd;
	/* called (with its argument) whenever the socket may have become ready */
	void	(*so_upcall)(struct socket *, void *, int);
	void	*so_upcallarg;
};

/* so_state */
#define SS_NOFDREF		0x001	/* no file table ref any more */
#define SS_ISCONNECTED		0x002	/* socket connected to a peer */
#define SS_ISCONNECTING		0x004	/* in process of connecting to peer */
#define SS_ISDISCONNECTING	0x008	/* in process of disconnecting */
#define SS_CANTSENDMORE		0x010	/* can't send more data to peer */
#define SS_CANTRCVMORE		0x020	/* can't receive more data from peer */
#define SS_RCVATMARK		0x040	/* at mark on input */
#define SS_PRIV			0x080	/* privileged for broadcast, raw... */
#define SS_NBIO			0x100	/* non-blocking ops */
#define SS_ASYNC		0x200	/* async i/o notify */
#define SS_ISCONFIRMING		0x400	/* deciding to accept connection req */

/* poll(2) event bits reported by sopoll() (the Linux/POSIX values);
 * POLLPRI: urgent data is pending or the reader is at its mark */
#define POLLIN		0x0001
#define POLLPRI		0x0002
#define POLLOUT		0x0004
#define POLLERR		0x0008
#define POLLHUP		0x0010

/* space free in a sockbuf, counting both bytes and mbuf storage */
#define sbspace(sb) \
	((long)MIN((long)((sb)->sb_hiwat - (sb)->sb_cc), \
		   (long)((sb)->sb_mbmax - (sb)->sb_mbcnt)))

/* do we have to send all at once on a socket? */
#define sosendallatonce(so) \
	((so)->so_proto->pr_flags & PR_ATOMIC)

/* can we read something from so? */
#define soreadable(so) \
	((so)->so_rcv.sb_cc >= (u_long)(so)->so_rcv.sb_lowat || \
	 ((so)->so_state & SS_CANTRCVMORE) || \
	 (so)->so_qlen || (so)->so_error)

/* can we write something to so? */
#define sowriteable(so) \
	((sbspace(&(so)->so_snd) >= (so)->so_snd.sb_lowat && \
	  (((so)->so_state & SS_ISCONNECTED) || \
	   ((so)->so_proto->pr_flags & PR_CONNREQUIRED) == 0)) || \
	 ((so)->so_state & SS_CANTSENDMORE) || \
	 (so)->so_error)

/* adjust counters in sb reflecting allocation of m */
#define sballoc(sb, m) do { \
	(sb)->sb_cc += (m)->m_len; \
	(sb)->sb_mbcnt += MSIZE; \
	if ((m)->m_flags & M_EXT) \
		(sb)->sb_mbcnt += (m)->m_ext.ext_size; \
} while (0)

/* adjust counters in sb reflecting freeing of m */
#define sbfree(sb, m) do { \
	(sb)->sb_cc -= (m)->m_len; \
	(sb)->sb_mbcnt -= MSIZE; \
	if ((m)->m_flags & M_EXT) \
		(sb)->sb_mbcnt -= (m)->m_ext.ext_size; \
} while (0)

/*
 * sblock(sb, wf): set the lock on sb, waiting for it (sb_lock) when wf is
 * M_WAITOK, else EWOULDBLOCK if it is held; 0 once it is ours.
 */
#define SBLOCKWAIT(f)	(((f) & MSG_DONTWAIT) ? M_NOWAIT : M_WAITOK)
#define sblock(sb, wf) ((sb)->sb_flags & SB_LOCK ? \
	(((wf) == M_WAITOK) ? sb_lock(sb) : EWOULDBLOCK) : \
	((sb)->sb_flags |= SB_LOCK, 0))

#define sorwakeup(so)	sowakeup((so), &(so)->so_rcv)
#define sowwakeup(so)	sowakeup((so), &(so)->so_snd)

#ifdef _KERNEL
extern u_long sb_max;
extern char netio[], netcon[], netcls[];	/* tsleep messages */

/* uipc_socket2.c: sockbuf and connection-state primitives */
void	soisconnecting(struct socket *);
void	soisconnected(struct socket *);
void	soisdisconnecting(struct socket *);
void	soisdisconnected(struct socket *);
struct socket *sonewconn1(struct socket *, int);
#define sonewconn(head, connstatus)	sonewconn1((head), (connstatus))
void	soqinsque(struct socket *, struct socket *, int);
int	soqremque(struct socket *, int);
void	socantsendmore(struct socket *);
void	socantrcvmore(struct socket *);
void	sowakeup(struct socket *, struct sockbuf *);
void	sohasoutofband(struct socket *);
int	sbwait(struct sockbuf *);
int	sb_lock(struct sockbuf *);
/* release the lock on sb and wake a thread waiting in sb_lock */
#define sbunlock(sb) do { \
	(sb)->sb_flags &= ~SB_LOCK; \
	if ((sb)->sb_flags & SB_WANT) { \
		(sb)->sb_flags &= ~SB_WANT; \
		wakeup((caddr_t)&(sb)->sb_flags); \
	} \
} while (0)
int	soreserve(struct socket *, u_long, u_long);
int	sbreserve(struct sockbuf *, u_long);
void	sbrelease(struct sockbuf *);
void	sbappend(struct sockbuf *, struct mbuf *);
void	sbappendrecord(struct sockbuf *, struct mbuf *);
int	sbappendaddr(struct sockbuf *, struct sockaddr *, struct mbuf *, struct mbuf *);
void	sbcompress(struct sockbuf *, struct mbuf *, struct mbuf *);
void	sbflush(struct sockbuf *);
void	sbdrop(struct sockbuf *, int);
void	sbdroprecord(struct sockbuf *);

/* uipc_socket.c: the socket operations */
int	socreate(int, struct socket **, int, int);
int	sobind(struct socket *, struct mbuf *);
int	solisten(struct socket *, int);
int	sofree(struct socket *);
int	soclose(struct socket *);
int	soabort(struct socket *);
int	soaccept(struct socket *, struct mbuf *);
int	soconnect(struct socket *, struct mbuf *);
int	soconnect2(struct socket *, struct socket *);
int	sodisconnect(struct socket *);
int	sosend(struct socket *, struct mbuf *, struct uio *, struct mbuf *, struct mbuf *, int);
int	soreceive(struct socket *, struct mbuf **, struct uio *, struct mbuf **, struct mbuf **, int *);
int	soshutdown(struct socket *, int);
void	sorflush(struct socket *);
int	sosetopt(struct socket *, int, int, struct mbuf *);
int	sogetopt(struct socket *, int, int, struct mbuf **);

/* sys_socket.c: readiness for the event loops of the placements */
int	sopoll(struct socket *, int);
#endif /* _KERNEL */

#endif /* !_SYS_SOCKETVAR_H_ */
