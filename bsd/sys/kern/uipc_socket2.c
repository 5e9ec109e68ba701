/*
 * uipc_socket2.c - the primitives protocols use on sockets: connection
 * state changes, the listen queues, wakeups, and sockbuf management.
 *
 * Design: a sockbuf holds a chain of mbufs; for stream sockets one
 * record, for datagram sockets one record per datagram (linked by
 * m_nextpkt), each led by its MT_SONAME address mbuf.  sb_cc counts data
 * bytes, sb_mbcnt the storage, and both are bounded by soreserve().
 * sowakeup() wakes sleepers (tsleep on &sb->sb_cc) and calls the
 * socket's upcall, which is how a poll-style event loop learns that a
 * socket may have become ready.  Everything runs at splnet.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/protosw.h>
#include <sys/socket.h>
#include <sys/socketvar.h>
#include <sys/proc.h>
#include <sys/signal.h>
#include <net/if.h>

u_long sb_max = SB_MAX;		/* patchable */
char netio[] = "netio";		/* tsleep messages: waiting for data or space, */
char netcon[] = "netcon";	/* for a connection, */
char netcls[] = "netcls";	/* for a lingering close */

/*
 * Procedures to manipulate state flags of socket and do appropriate
 * wakeups.  A connection moves: soisconnecting -> soisconnected ->
 * soisdisconnecting -> soisdisconnected.
 */
void
soisconnecting(struct socket *so)
{
	so->so_state &= ~(SS_ISCONNECTED|SS_ISDISCONNECTING);
	so->so_state |= SS_ISCONNECTING;
}

void
soisconnected(struct socket *so)
{
	struct socket *head = so->so_head;

	so->so_state &= ~(SS_ISCONNECTING|SS_ISDISCONNECTING|SS_ISCONFIRMING);
	so->so_state |= SS_ISCONNECTED;
	if (head && soqremque(so, 0)) {
		/* move from the partial queue to the completed queue */
		soqinsque(head, so, 1);
		sorwakeup(head);
		wakeup((caddr_t)&head->so_timeo);
	} else {
		wakeup((caddr_t)&so->so_timeo);
		sorwakeup(so);
		sowwakeup(so);
	}
}

void
soisdisconnecting(struct socket *so)
{
	so->so_state &= ~SS_ISCONNECTING;
	so->so_state |= (SS_ISDISCONNECTING|SS_CANTRCVMORE|SS_CANTSENDMORE);
	wakeup((caddr_t)&so->so_timeo);
	sowwakeup(so);
	sorwakeup(so);
}

void
soisdisconnected(struct socket *so)
{
	so->so_state &= ~(SS_ISCONNECTING|SS_ISCONNECTED|SS_ISDISCONNECTING);
	so->so_state |= (SS_CANTRCVMORE|SS_CANTSENDMORE);
	wakeup((caddr_t)&so->so_timeo);
	sowwakeup(so);
	sorwakeup(so);
}

/*
 * A connection request arrived on the listening socket head: make a new
 * socket for it, on the partial queue (connstatus 0) or the completed
 * queue.  Returns NULL when the queues are full (the SYN is dropped) or
 * memory is short.
 */
struct socket *
sonewconn1(struct socket *head, int connstatus)
{
	struct socket *so;
	int soqueue = connstatus ? 1 : 0;

	if (head->so_qlen + head->so_q0len > 3 * head->so_qlimit / 2)
		return NULL;
	MALLOC(so, struct socket *, sizeof(*so), M_SOCKET, M_DONTWAIT);
	if (so == NULL)
		return NULL;
	bzero((caddr_t)so, sizeof(*so));
	so->so_type = head->so_type;
	so->so_options = head->so_options &~ SO_ACCEPTCONN;
	so->so_linger = head->so_linger;
	so->so_state = head->so_state | SS_NOFDREF;
	so->so_proto = head->so_proto;
	so->so_timeo = head->so_timeo;
	so->so_upcall = head->so_upcall;
	so->so_upcallarg = head->so_upcallarg;
	(void)soreserve(so, head->so_snd.sb_hiwat, head->so_rcv.sb_hiwat);
	soqinsque(head, so, soqueue);
	if ((*so->so_proto->pr_usrreq)(so, PRU_ATTACH, NULL, NULL, NULL)) {
		(void)soqremque(so, soqueue);
		FREE(so, M_SOCKET);
		return NULL;
	}
	if (connstatus) {
		sorwakeup(head);
		wakeup((caddr_t)&head->so_timeo);
		so->so_state |= connstatus;
	}
	return so;
}

/* Put so on head's partial (q 0) or completed (q 1) queue, at the tail. */
void
soqinsque(struct socket *head, struct socket *so, int q)
{
	struct socket **prev;

	so->so_head = head;
	if (q == 0) {
		head->so_q0len++;
		so->so_q0 = NULL;
		for (prev = &head->so_q0; *prev; )
			prev = &(*prev)->so_q0;
	} else {
		head->so_qlen++;
		so->so_q = NULL;
		for (prev = &head->so_q; *prev; )
			prev = &(*prev)->so_q;
	}
	*prev = so;
}

/* Take so off its head's queue q; returns 0 if it was not there. */
int
soqremque(struct socket *so, int q)
{
	struct socket *head, *prev, *next;

	head = so->so_head;
	if (head == NULL)
		return 0;
	prev = head;
	for (;;) {
		next = q ? prev->so_q : prev->so_q0;
		if (next == so)
			break;
		if (next == NULL)
			return 0;
		prev = next;
	}
	if (q == 0) {
		prev->so_q0 = next->so_q0;
		head->so_q0len--;
	} else {
		prev->so_q = next->so_q;
		head->so_qlen--;
	}
	next->so_q0 = next->so_q = NULL;
	next->so_head = NULL;
	return 1;
}

void
socantsendmore(struct socket *so)
{
	so->so_state |= SS_CANTSENDMORE;
	sowwakeup(so);
}

void
socantrcvmore(struct socket *so)
{
	so->so_state |= SS_CANTRCVMORE;
	sorwakeup(so);
}

/*
 * Wait for data to arrive at/drain from a socket buffer.  Protocol input
 * that is already queued (lo0 queues it) runs first, instead of the
 * sleep: it may be what the caller is waiting for, and callers re-check.
 */
int
sbwait(struct sockbuf *sb)
{
	if (netisr) {
		netisr_run();
		return 0;
	}
	sb->sb_flags |= SB_WAIT;
	return tsleep((caddr_t)&sb->sb_cc,
	    (sb->sb_flags & SB_NOINTR) ? PSOCK : PSOCK | PCATCH, netio,
	    sb->sb_timeo);
}

/* Lock a sockbuf already known to be locked; return any error. */
int
sb_lock(struct sockbuf *sb)
{
	int error;

	while (sb->sb_flags & SB_LOCK) {
		sb->sb_flags |= SB_WANT;
		error = tsleep((caddr_t)&sb->sb_flags,
		    (sb->sb_flags & SB_NOINTR) ? PSOCK : PSOCK|PCATCH, "netlck", 0);
		if (error)
			return error;
	}
	sb->sb_flags |= SB_LOCK;
	return 0;
}

/* Wake up processes waiting on a socket buffer, and the socket's upcall. */
void
sowakeup(struct socket *so, struct sockbuf *sb)
{
	struct proc *p;

	selwakeup(&sb->sb_sel);
	sb->sb_flags &= ~SB_SEL;
	if (sb->sb_flags & SB_WAIT) {
		sb->sb_flags &= ~SB_WAIT;
		wakeup((caddr_t)&sb->sb_cc);
	}
	if (so->so_state & SS_ASYNC) {
		if (so->so_pgid < 0)
			gsignal(-so->so_pgid, SIGIO);
		else if (so->so_pgid > 0 && (p = pfind(so->so_pgid)) != NULL)
			psignal(p, SIGIO);
	}
	if (so->so_upcall)
		(*so->so_upcall)(so, so->so_upcallarg, M_DONTWAIT);
}

/* Reserve buffer space for a socket's send and receive sockbufs. */
int
soreserve(struct socket *so, u_long sndcc, u_long rcvcc)
{
	if (sbreserve(&so->so_snd, sndcc) == 0)
		goto bad;
	if (sbreserve(&so->so_rcv, rcvcc) == 0)
		goto bad2;
	if (so->so_rcv.sb_lowat == 0)
		so->so_rcv.sb_lowat = 1;
	if (so->so_snd.sb_lowat == 0)
		so->so_snd.sb_lowat = MCLBYTES;
	if (so->so_snd.sb_lowat > (long)so->so_snd.sb_hiwat)
		so->so_snd.sb_lowat = so->so_snd.sb_hiwat;
	return 0;
bad2:
	sbrelease(&so->so_snd);
bad:
	return ENOBUFS;
}

/* Allot mbufs to a sockbuf; returns 0 when cc exceeds sb_max. */
int
sbreserve(struct sockbuf *sb, u_long cc)
{
	if (cc == 0 || cc > sb_max * MCLBYTES / (MSIZE + MCLBYTES))
		return 0;
	sb->sb_hiwat = cc;
	sb->sb_mbmax = MIN(cc * 2, sb_max);
	if (sb->sb_lowat > (long)sb->sb_hiwat)
		sb->sb_lowat = sb->sb_hiwat;
	return 1;
}

/* Free mbufs held by a socket, and reserved mbuf space. */
void
sbrelease(struct sockbuf *sb)
{
	sbflush(sb);
	sb->sb_hiwat = sb->sb_mbmax = 0;
}

/*
 * Append mbuf chain m to the last record in the socket buffer sb (a
 * stream socket has just one record).
 */
void
sbappend(struct sockbuf *sb, struct mbuf *m)
{
	struct mbuf *n;

	if (m == NULL)
		return;
	if ((n = sb->sb_mb) != NULL) {
		while (n->m_nextpkt)
			n = n->m_nextpkt;
		do {
			if (n->m_flags & M_EOR) {
				sbappendrecord(sb, m);
				return;
			}
		} while (n->m_next && (n = n->m_next));
	}
	sbcompress(sb, m, n);
}

/* Append the chain m as a new record. */
void
sbappendrecord(struct sockbuf *sb, struct mbuf *m0)
{
	struct mbuf *m;

	if (m0 == NULL)
		return;
	if ((m = sb->sb_mb) != NULL)
		while (m->m_nextpkt)
			m = m->m_nextpkt;
	sballoc(sb, m0);
	if (m)
		m->m_nextpkt = m0;
	else
		sb->sb_mb = m0;
	m = m0->m_next;
	m0->m_next = NULL;
	if (m && (m0->m_flags & M_EOR)) {
		m0->m_flags &= ~M_EOR;
		m->m_flags |= M_EOR;
	}
	sbcompress(sb, m, m0);
}

/*
 * Append a datagram with its sender's address asa (and control data) as
 * a new record.  Returns 0 if there is no space in the sockbuf.
 */
int
sbappendaddr(struct sockbuf *sb, struct sockaddr *asa, struct mbuf *m0,
    struct mbuf *control)
{
	struct mbuf *m, *n;
	int space = asa->sa_len;

	if (m0 && (m0->m_flags & M_PKTHDR) == 0)
		panic("sbappendaddr");
	if (m0)
		space += m0->m_pkthdr.len;
	for (n = control; n; n = n->m_next) {
		space += n->m_len;
		if (n->m_next == NULL)	/* keep pointer to last control buf */
			break;
	}
	if (space > sbspace(sb))
		return 0;
	if (asa->sa_len > MLEN)
		return 0;
	MGET(m, M_DONTWAIT, MT_SONAME);
	if (m == NULL)
		return 0;
	m->m_len = asa->sa_len;
	bcopy((caddr_t)asa, mtod(m, caddr_t), asa->sa_len);
	if (n)
		n->m_next = m0;		/* concatenate data to control */
	else
		control = m0;
	m->m_next = control;
	for (n = m; n; n = n->m_next)
		sballoc(sb, n);
	if ((n = sb->sb_mb) != NULL) {
		while (n->m_nextpkt)
			n = n->m_nextpkt;
		n->m_nextpkt = m;
	} else
		sb->sb_mb = m;
	return 1;
}

/*
 * Append m to the record whose last mbuf is n, merging small mbufs into
 * the free space of their predecessors so a stream of tiny segments does
 * not eat the sockbuf's storage.
 */
void
sbcompress(struct sockbuf *sb, struct mbuf *m, struct mbuf *n)
{
	int eor = 0;
	struct mbuf *o;

	while (m) {
		eor |= m->m_flags & M_EOR;
		if (m->m_len == 0 &&
		    (eor == 0 || (((o = m->m_next) || (o = n)) &&
		    o->m_type == m->m_type))) {
			m = m_free(m);
			continue;
		}
		if (n && (n->m_flags & (M_EXT | M_EOR)) == 0 &&
		    (n->m_data + n->m_len + m->m_len) < &n->m_dat[MLEN] &&
		    n->m_type == m->m_type) {
			bcopy(mtod(m, caddr_t), mtod(n, caddr_t) + n->m_len,
			    (unsigned)m->m_len);
			n->m_len += m->m_len;
			sb->sb_cc += m->m_len;
			m = m_free(m);
			continue;
		}
		if (n)
			n->m_next = m;
		else
			sb->sb_mb = m;
		sballoc(sb, m);
		n = m;
		m->m_flags &= ~M_EOR;
		m = m->m_next;
		n->m_next = NULL;
	}
	if (eor) {
		if (n)
			n->m_flags |= eor;
		else
			printf("sbcompress: end of record but no mbuf to mark\n");
	}
}

/* Free all mbufs in a sockbuf. */
void
sbflush(struct sockbuf *sb)
{
	if (sb->sb_flags & SB_LOCK)
		panic("sbflush");
	while (sb->sb_mbcnt)
		sbdrop(sb, (int)sb->sb_cc);
	if (sb->sb_cc || sb->sb_mb)
		panic("sbflush 2");
}

/* Drop len bytes of data from the head of the sockbuf. */
void
sbdrop(struct sockbuf *sb, int len)
{
	struct mbuf *m, *mn;
	struct mbuf *next;

	next = (m = sb->sb_mb) ? m->m_nextpkt : NULL;
	while (len > 0) {
		if (m == NULL) {
			if (next == NULL)
				panic("sbdrop");
			m = next;
			next = m->m_nextpkt;
			continue;
		}
		if (m->m_len > len) {
			m->m_len -= len;
			m->m_data += len;
			sb->sb_cc -= len;
			break;
		}
		len -= m->m_len;
		sbfree(sb, m);
		MFREE(m, mn);
		m = mn;
	}
	while (m && m->m_len == 0) {
		sbfree(sb, m);
		MFREE(m, mn);
		m = mn;
	}
	if (m) {
		sb->sb_mb = m;
		m->m_nextpkt = next;
	} else
		sb->sb_mb = next;
}

/* Drop the first record of a sockbuf. */
void
sbdroprecord(struct sockbuf *sb)
{
	struct mbuf *m, *mn;

	m = sb->sb_mb;
	if (m) {
		sb->sb_mb = m->m_nextpkt;
		do {
			sbfree(sb, m);
			MFREE(m, mn);
		} while ((m = mn) != NULL);
	}
}
