/*
 * uipc_socket.c - the socket operations: create, bind, listen, accept,
 * connect, send, receive, shutdown, close, options and readiness.
 *
 * Design: each operation checks the socket's state, then hands the work
 * to the protocol through pr_usrreq (PRU_*).  sosend() and soreceive()
 * move data between a uio and the sockbufs; they sleep in sbwait() when
 * a blocking socket must wait, and return EWOULDBLOCK instead on a
 * non-blocking socket (SS_NBIO) or with MSG_DONTWAIT.  sopoll() reports
 * readiness as poll(2) bits.  All work runs at splnet.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/domain.h>
#include <sys/protosw.h>
#include <sys/socket.h>
#include <sys/socketvar.h>
#include <sys/signal.h>
#include <sys/kernel.h>
#include <sys/uio.h>

int somaxconn = SOMAXCONN;

/* Create a socket of the given domain, type and protocol. */
int
socreate(int dom, struct socket **aso, int type, int proto)
{
	struct protosw *prp;
	struct socket *so;
	int error;

	if (proto)
		prp = pffindproto(dom, proto, type);
	else
		prp = pffindtype(dom, type);
	if (prp == NULL || prp->pr_usrreq == NULL)
		return EPROTONOSUPPORT;
	if (prp->pr_type != type)
		return EPROTOTYPE;
	MALLOC(so, struct socket *, sizeof(*so), M_SOCKET, M_WAITOK);
	if (so == NULL)
		return ENOBUFS;
	bzero((caddr_t)so, sizeof(*so));
	so->so_type = type;
	so->so_state = SS_PRIV;
	so->so_proto = prp;
	error = (*prp->pr_usrreq)(so, PRU_ATTACH, NULL,
	    (struct mbuf *)(long)proto, NULL);
	if (error) {
		so->so_state |= SS_NOFDREF;
		sofree(so);
		return error;
	}
	*aso = so;
	return 0;
}

int
sobind(struct socket *so, struct mbuf *nam)
{
	int s = splnet();
	int error;

	error = (*so->so_proto->pr_usrreq)(so, PRU_BIND, NULL, nam, NULL);
	splx(s);
	return error;
}

int
solisten(struct socket *so, int backlog)
{
	int s = splnet(), error;

	error = (*so->so_proto->pr_usrreq)(so, PRU_LISTEN, NULL, NULL, NULL);
	if (error) {
		splx(s);
		return error;
	}
	if (so->so_q == NULL)
		so->so_options |= SO_ACCEPTCONN;
	if (backlog < 0 || backlog > somaxconn)
		backlog = somaxconn;
	so->so_qlimit = backlog;
	splx(s);
	return 0;
}

/*
 * Free the socket when both the user (SS_NOFDREF) and the protocol
 * (so_pcb) have let go of it.  A socket still on a listen queue is freed
 * only by its head.  Returns 0 (Lite2's int, which no caller reads).
 */
int
sofree(struct socket *so)
{
	if (so->so_pcb || (so->so_state & SS_NOFDREF) == 0)
		return 0;
	if (so->so_head) {
		if (!soqremque(so, 0) && !soqremque(so, 1))
			panic("sofree dq");
		so->so_head = NULL;
	}
	sbrelease(&so->so_snd);
	sorflush(so);
	FREE(so, M_SOCKET);
	return 0;
}

/*
 * Close a socket on last user reference: abort pending connections of a
 * listener, start a disconnect (lingering if asked and allowed to
 * block), then detach the protocol and free the socket.
 */
int
soclose(struct socket *so)
{
	int s = splnet();
	int error = 0;

	if (so->so_options & SO_ACCEPTCONN) {
		while (so->so_q0)
			(void)soabort(so->so_q0);
		while (so->so_q)
			(void)soabort(so->so_q);
	}
	if (so->so_pcb == NULL)
		goto discard;
	if (so->so_state & SS_ISCONNECTED) {
		if ((so->so_state & SS_ISDISCONNECTING) == 0) {
			error = sodisconnect(so);
			if (error)
				goto drop;
		}
		if (so->so_options & SO_LINGER) {
			if ((so->so_state & SS_ISDISCONNECTING) &&
			    (so->so_state & SS_NBIO))
				goto drop;
			while (so->so_state & SS_ISCONNECTED)
				if ((error = tsleep((caddr_t)&so->so_timeo,
				    PSOCK | PCATCH, netcls, so->so_linger)) != 0)
					break;
		}
	}
drop:
	if (so->so_pcb) {
		int error2 = (*so->so_proto->pr_usrreq)(so, PRU_DETACH,
		    NULL, NULL, NULL);
		if (error == 0)
			error = error2;
	}
discard:
	if (so->so_state & SS_NOFDREF)
		panic("soclose: NOFDREF");
	so->so_state |= SS_NOFDREF;
	sofree(so);
	splx(s);
	return error;
}

/* Must be called at splnet. */
int
soabort(struct socket *so)
{
	return (*so->so_proto->pr_usrreq)(so, PRU_ABORT, NULL, NULL, NULL);
}

int
soaccept(struct socket *so, struct mbuf *nam)
{
	int s = splnet();
	int error;

	if ((so->so_state & SS_NOFDREF) == 0)
		panic("soaccept: !NOFDREF");
	so->so_state &= ~SS_NOFDREF;
	error = (*so->so_proto->pr_usrreq)(so, PRU_ACCEPT, NULL, nam, NULL);
	splx(s);
	return error;
}

int
soconnect(struct socket *so, struct mbuf *nam)
{
	int s;
	int error;

	if (so->so_options & SO_ACCEPTCONN)
		return EOPNOTSUPP;
	s = splnet();
	/*
	 * A connected datagram socket may reconnect elsewhere (dissolving
	 * the old association first); a stream socket connects only once.
	 */
	if (so->so_state & (SS_ISCONNECTED|SS_ISCONNECTING) &&
	    ((so->so_proto->pr_flags & PR_CONNREQUIRED) ||
	    (error = sodisconnect(so))))
		error = EISCONN;
	else
		error = (*so->so_proto->pr_usrreq)(so, PRU_CONNECT, NULL, nam, NULL);
	splx(s);
	return error;
}

/* Connect two sockets of the same protocol to each other (socketpair). */
int
soconnect2(struct socket *so1, struct socket *so2)
{
	int s = splnet();
	int error;

	error = (*so1->so_proto->pr_usrreq)(so1, PRU_CONNECT2, NULL,
	    (struct mbuf *)so2, NULL);
	splx(s);
	return error;
}

int
sodisconnect(struct socket *so)
{
	int s = splnet();
	int error;

	if ((so->so_state & SS_ISCONNECTED) == 0) {
		error = ENOTCONN;
		goto bad;
	}
	if (so->so_state & SS_ISDISCONNECTING) {
		error = EALREADY;
		goto bad;
	}
	error = (*so->so_proto->pr_usrreq)(so, PRU_DISCONNECT, NULL, NULL, NULL);
bad:
	splx(s);
	return error;
}


static int
sblock_for(struct sockbuf *sb, int flags, struct socket *so)
{
	if ((sb->sb_flags & SB_LOCK) == 0) {
		sb->sb_flags |= SB_LOCK;
		return 0;
	}
	if ((flags & MSG_DONTWAIT) || (so->so_state & SS_NBIO))
		return EWOULDBLOCK;
	return sb_lock(sb);
}

/*
 * Send on a socket.  Data comes from uio (or the chain top); addr is the
 * destination for unconnected datagram sockets.  Atomic protocols
 * (PR_ATOMIC) take the whole message at once or fail with EMSGSIZE;
 * stream protocols take what fits, waiting for space unless
 * non-blocking, in which case the bytes taken so far are reported
 * through the uio and EWOULDBLOCK only when nothing was taken.
 */
int
sosend(struct socket *so, struct mbuf *addr, struct uio *uio,
    struct mbuf *top, struct mbuf *control, int flags)
{
	struct mbuf **mp;
	struct mbuf *m;
	long space, len, resid;
	int clen = 0, error, s, dontroute, mlen;
	int atomic = sosendallatonce(so) || top;

	if (uio)
		resid = uio->uio_resid;
	else
		resid = top->m_pkthdr.len;
	if (resid < 0) {
		error = EINVAL;
		goto out;
	}
	dontroute = (flags & MSG_DONTROUTE) && (so->so_options & SO_DONTROUTE) == 0 &&
	    (so->so_proto->pr_flags & PR_ATOMIC);
	if (control)
		clen = control->m_len;
#define snderr(errno)	{ error = errno; splx(s); goto release; }

restart:
	if ((error = sblock_for(&so->so_snd, flags, so)) != 0)
		goto out;
	do {
		s = splnet();
		if (so->so_state & SS_CANTSENDMORE)
			snderr(EPIPE);
		if (so->so_error) {
			error = so->so_error;
			so->so_error = 0;
			splx(s);
			goto release;
		}
		if ((so->so_state & SS_ISCONNECTED) == 0) {
			if (so->so_proto->pr_flags & PR_CONNREQUIRED) {
				if ((so->so_state & SS_ISCONFIRMING) == 0 &&
				    !(resid == 0 && clen != 0))
					snderr(ENOTCONN);
			} else if (addr == NULL)
				snderr(EDESTADDRREQ);
		}
		space = sbspace(&so->so_snd);
		if (flags & MSG_OOB)
			space += 1024;
		if ((atomic && resid > (long)so->so_snd.sb_hiwat) ||
		    clen > (long)so->so_snd.sb_hiwat)
			snderr(EMSGSIZE);
		if (space < resid + clen &&
		    (atomic || space < so->so_snd.sb_lowat || space < clen)) {
			if ((so->so_state & SS_NBIO) || (flags & MSG_DONTWAIT))
				snderr(EWOULDBLOCK);
			sbunlock(&so->so_snd);
			error = sbwait(&so->so_snd);
			splx(s);
			if (error)
				goto out;
			goto restart;
		}
		splx(s);
		mp = &top;
		space -= clen;
		do {
			if (uio == NULL) {
				/* data supplied as an mbuf chain: send it whole */
				resid = 0;
				if (flags & MSG_EOR)
					top->m_flags |= M_EOR;
			} else do {
				if (top == NULL) {
					MGETHDR(m, M_WAIT, MT_DATA);
					if (m == NULL) {
						error = ENOBUFS;
						goto release;
					}
					mlen = MHLEN;
					m->m_pkthdr.len = 0;
					m->m_pkthdr.rcvif = NULL;
				} else {
					MGET(m, M_WAIT, MT_DATA);
					if (m == NULL) {
						error = ENOBUFS;
						goto release;
					}
					mlen = MLEN;
				}
				if (resid >= MINCLSIZE && space >= MCLBYTES &&
				    m_clget(m, M_WAIT)) {
					len = MIN(MCLBYTES, resid);
					space -= MCLBYTES;
				} else {
					len = MIN(MIN(mlen, resid), space);
					space -= len;
					/* leave room for protocol headers in a first mbuf */
					if (atomic && top == NULL && len < mlen)
						MH_ALIGN(m, len);
				}
				error = uiomove(mtod(m, caddr_t), (int)len, uio);
				resid = uio->uio_resid;
				m->m_len = len;
				*mp = m;
				top->m_pkthdr.len += len;
				if (error)
					goto release;
				mp = &m->m_next;
				if (resid <= 0) {
					if (flags & MSG_EOR)
						top->m_flags |= M_EOR;
					break;
				}
			} while (space > 0 && atomic);
			if (dontroute)
				so->so_options |= SO_DONTROUTE;
			s = splnet();
			error = (*so->so_proto->pr_usrreq)(so,
			    (flags & MSG_OOB) ? PRU_SENDOOB : PRU_SEND,
			    top, addr, control);
			splx(s);
			if (dontroute)
				so->so_options &= ~SO_DONTROUTE;
			clen = 0;
			control = NULL;
			top = NULL;
			mp = &top;
			if (error)
				goto release;
		} while (resid && space > 0);
	} while (resid);

release:
	sbunlock(&so->so_snd);
out:
	if (top)
		m_freem(top);
	if (control)
		m_freem(control);
	return error;
}

/*
 * Receive from a socket into uio.  For datagram sockets the sender's
 * address is returned in *paddr and one record is consumed per call
 * (MSG_TRUNC reports a truncated datagram).  For streams, data is taken
 * up to the uio's size; MSG_WAITALL keeps waiting until it is full, and
 * MSG_PEEK leaves the data in place.  Non-blocking sockets return
 * EWOULDBLOCK when nothing is there.
 */
int
soreceive(struct socket *so, struct mbuf **paddr, struct uio *uio,
    struct mbuf **mp0, struct mbuf **controlp, int *flagsp)
{
	struct mbuf *m, *nextrecord;
	int flags, len, error, s, offset;
	struct protosw *pr = so->so_proto;
	int moff, type = 0;
	int orig_resid = uio->uio_resid;

	(void)mp0;
	if (paddr)
		*paddr = NULL;
	if (controlp)
		*controlp = NULL;
	flags = flagsp ? *flagsp & ~MSG_EOR : 0;
	if (flags & MSG_OOB) {
		/* the protocol holds the urgent byte apart (PRU_RCVOOB) */
		m = m_get(M_WAIT, MT_DATA);
		if (m == NULL)
			return ENOBUFS;
		error = (*pr->pr_usrreq)(so, PRU_RCVOOB, m,
		    (struct mbuf *)(long)(flags & MSG_PEEK), NULL);
		if (error == 0)
			error = uiomove(mtod(m, caddr_t),
			    (int)MIN((long)uio->uio_resid, (long)m->m_len), uio);
		m_freem(m);
		return error;
	}

restart:
	if ((error = sblock_for(&so->so_rcv, flags, so)) != 0)
		return error;
	s = splnet();

	m = so->so_rcv.sb_mb;
	/*
	 * Wait unless: data (or a record) is there and enough of it, or an
	 * error or EOF is pending, or the caller asked not to block.
	 */
	if (m == NULL || (((flags & MSG_DONTWAIT) == 0 &&
	    so->so_rcv.sb_cc < (u_long)uio->uio_resid) &&
	    (so->so_rcv.sb_cc < (u_long)so->so_rcv.sb_lowat ||
	    ((flags & MSG_WAITALL) && uio->uio_resid <= (long)so->so_rcv.sb_hiwat)) &&
	    m->m_nextpkt == NULL && (pr->pr_flags & PR_ATOMIC) == 0)) {
		if (so->so_error) {
			if (m)
				goto dontblock;
			error = so->so_error;
			if ((flags & MSG_PEEK) == 0)
				so->so_error = 0;
			goto release;
		}
		if (so->so_state & SS_CANTRCVMORE) {
			if (m)
				goto dontblock;
			else
				goto release;
		}
		for (; m; m = m->m_next)
			if (m->m_type == MT_OOBDATA || (m->m_flags & M_EOR)) {
				m = so->so_rcv.sb_mb;
				goto dontblock;
			}
		if ((so->so_state & (SS_ISCONNECTED|SS_ISCONNECTING)) == 0 &&
		    (so->so_proto->pr_flags & PR_CONNREQUIRED)) {
			error = ENOTCONN;
			goto release;
		}
		if (uio->uio_resid == 0)
			goto release;
		if ((so->so_state & SS_NBIO) || (flags & MSG_DONTWAIT)) {
			error = EWOULDBLOCK;
			goto release;
		}
		sbunlock(&so->so_rcv);
		error = sbwait(&so->so_rcv);
		splx(s);
		if (error)
			return error;
		goto restart;
	}
dontblock:
	nextrecord = m->m_nextpkt;
	if (pr->pr_flags & PR_ADDR) {
		/* the record starts with the sender's address */
		if (m->m_type != MT_SONAME)
			panic("soreceive: no address");
		orig_resid = 0;
		if (flags & MSG_PEEK) {
			if (paddr)
				*paddr = m_copym(m, 0, m->m_len, M_DONTWAIT);
			m = m->m_next;
		} else {
			sbfree(&so->so_rcv, m);
			if (paddr) {
				*paddr = m;
				so->so_rcv.sb_mb = m->m_next;
				m->m_next = NULL;
				m = so->so_rcv.sb_mb;
			} else {
				MFREE(m, so->so_rcv.sb_mb);
				m = so->so_rcv.sb_mb;
			}
		}
	}
	while (m && m->m_type == MT_CONTROL && error == 0) {
		/* no control data is generated by these protocols: drop it */
		if (flags & MSG_PEEK)
			m = m->m_next;
		else {
			sbfree(&so->so_rcv, m);
			MFREE(m, so->so_rcv.sb_mb);
			m = so->so_rcv.sb_mb;
		}
	}
	if (m) {
		if ((flags & MSG_PEEK) == 0)
			m->m_nextpkt = nextrecord;
		type = m->m_type;
		if (type == MT_OOBDATA)
			flags |= MSG_OOB;
	}
	moff = 0;
	offset = 0;
	while (m && uio->uio_resid > 0 && error == 0) {
		if (m->m_type == MT_OOBDATA) {
			if (type != MT_OOBDATA)
				break;
		} else if (type == MT_OOBDATA)
			break;
		so->so_state &= ~SS_RCVATMARK;
		len = uio->uio_resid;
		/* never read past the urgent mark in one call */
		if (so->so_oobmark && len > (long)so->so_oobmark - offset)
			len = so->so_oobmark - offset;
		if (len > m->m_len - moff)
			len = m->m_len - moff;
		splx(s);
		error = uiomove(mtod(m, caddr_t) + moff, (int)len, uio);
		s = splnet();
		if (len == m->m_len - moff) {
			if (m->m_flags & M_EOR)
				flags |= MSG_EOR;
			if (flags & MSG_PEEK) {
				m = m->m_next;
				moff = 0;
			} else {
				nextrecord = m->m_nextpkt;
				sbfree(&so->so_rcv, m);
				MFREE(m, so->so_rcv.sb_mb);
				m = so->so_rcv.sb_mb;
				if (m)
					m->m_nextpkt = nextrecord;
			}
		} else {
			if (flags & MSG_PEEK)
				moff += len;
			else {
				m->m_data += len;
				m->m_len -= len;
				so->so_rcv.sb_cc -= len;
			}
		}
		if (so->so_oobmark) {
			if ((flags & MSG_PEEK) == 0) {
				so->so_oobmark -= len;
				if (so->so_oobmark == 0) {
					so->so_state |= SS_RCVATMARK;
					break;
				}
			} else {
				offset += len;
				if (offset == (long)so->so_oobmark)
					break;
			}
		}
		if (flags & MSG_EOR)
			break;
		/*
		 * MSG_WAITALL: keep waiting until the request is satisfied,
		 * unless an error, EOF or a record boundary stops us.
		 */
		while ((flags & MSG_WAITALL) && m == NULL && uio->uio_resid > 0 &&
		    !sosendallatonce(so) && nextrecord == NULL) {
			if (so->so_error || (so->so_state & SS_CANTRCVMORE))
				break;
			if (so->so_state & SS_NBIO)
				break;
			error = sbwait(&so->so_rcv);
			if (error) {
				sbunlock(&so->so_rcv);
				splx(s);
				return 0;
			}
			if ((m = so->so_rcv.sb_mb) != NULL)
				nextrecord = m->m_nextpkt;
		}
	}

	if (m && (pr->pr_flags & PR_ATOMIC)) {
		flags |= MSG_TRUNC;
		if ((flags & MSG_PEEK) == 0)
			(void)sbdroprecord(&so->so_rcv);
	}
	if ((flags & MSG_PEEK) == 0) {
		if (m == NULL)
			so->so_rcv.sb_mb = nextrecord;
		if ((pr->pr_flags & PR_WANTRCVD) && so->so_pcb)
			(*pr->pr_usrreq)(so, PRU_RCVD, NULL, (struct mbuf *)(long)flags, NULL);
	}
	if (orig_resid == uio->uio_resid && orig_resid &&
	    (flags & MSG_EOR) == 0 && (so->so_state & SS_CANTRCVMORE) == 0) {
		sbunlock(&so->so_rcv);
		splx(s);
		goto restart;
	}
	if (flagsp)
		*flagsp |= flags;
release:
	sbunlock(&so->so_rcv);
	splx(s);
	return error;
}

int
soshutdown(struct socket *so, int how)
{
	struct protosw *pr = so->so_proto;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return EINVAL;
	if (how != SHUT_WR)
		sorflush(so);
	if (how != SHUT_RD)
		return (*pr->pr_usrreq)(so, PRU_SHUTDOWN, NULL, NULL, NULL);
	return 0;
}

/* Discard what is in the receive buffer and refuse more. */
void
sorflush(struct socket *so)
{
	struct sockbuf *sb = &so->so_rcv;
	int s;

	sb->sb_flags |= SB_NOINTR;
	s = splimp();
	socantrcvmore(so);
	sb->sb_flags &= ~SB_LOCK;
	sbflush(sb);
	so->so_oobmark = 0;
	so->so_state &= ~SS_RCVATMARK;
	sb->sb_flags &= ~SB_NOINTR;
	splx(s);
}

static int
sooptint(struct mbuf *m, int *val)
{
	if (m == NULL || m->m_len < (int)sizeof(int))
		return EINVAL;
	*val = *mtod(m, int *);
	return 0;
}

/*
 * Set a socket option.  Options at SOL_SOCKET are handled here; others go
 * to the protocol's pr_ctloutput.  The option mbuf m0 is consumed.
 */
int
sosetopt(struct socket *so, int level, int optname, struct mbuf *m0)
{
	int error = 0, val;
	struct mbuf *m = m0;

	if (level != SOL_SOCKET) {
		if (so->so_proto && so->so_proto->pr_ctloutput)
			return (*so->so_proto->pr_ctloutput)(PRCO_SETOPT, so,
			    level, optname, &m0);
		error = ENOPROTOOPT;
		goto bad;
	}
	switch (optname) {
	case SO_LINGER:
		if (m == NULL || m->m_len != sizeof(struct linger)) {
			error = EINVAL;
			goto bad;
		}
		so->so_linger = mtod(m, struct linger *)->l_linger;
		if (mtod(m, struct linger *)->l_onoff)
			so->so_options |= SO_LINGER;
		else
			so->so_options &= ~SO_LINGER;
		break;
	case SO_DEBUG:
	case SO_KEEPALIVE:
	case SO_DONTROUTE:
	case SO_USELOOPBACK:
	case SO_BROADCAST:
	case SO_REUSEADDR:
	case SO_REUSEPORT:
	case SO_OOBINLINE:
		if ((error = sooptint(m, &val)) != 0)
			goto bad;
		if (val)
			so->so_options |= optname;
		else
			so->so_options &= ~optname;
		break;
	case SO_SNDBUF:
	case SO_RCVBUF:
	case SO_SNDLOWAT:
	case SO_RCVLOWAT:
		if ((error = sooptint(m, &val)) != 0)
			goto bad;
		if (val <= 0) {
			error = EINVAL;
			goto bad;
		}
		switch (optname) {
		case SO_SNDBUF:
		case SO_RCVBUF:
			if (sbreserve(optname == SO_SNDBUF ?
			    &so->so_snd : &so->so_rcv, (u_long)val) == 0) {
				error = ENOBUFS;
				goto bad;
			}
			break;
		case SO_SNDLOWAT:
			so->so_snd.sb_lowat = MIN((u_long)val, so->so_snd.sb_hiwat);
			break;
		case SO_RCVLOWAT:
			so->so_rcv.sb_lowat = MIN((u_long)val, so->so_rcv.sb_hiwat);
			break;
		}
		break;
	case SO_SNDTIMEO:
	case SO_RCVTIMEO: {
		struct timeval *tv;
		long ticks;

		if (m == NULL || m->m_len < (int)sizeof(*tv)) {
			error = EINVAL;
			goto bad;
		}
		tv = mtod(m, struct timeval *);
		if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000) {
			error = EINVAL;
			goto bad;
		}
		/* in ticks, which sb_timeo (a short) must hold */
		if (tv->tv_sec > SHRT_MAX / hz) {
			error = EDOM;
			goto bad;
		}
		ticks = tv->tv_sec * hz + tv->tv_usec / tick;
		if (ticks > SHRT_MAX) {
			error = EDOM;
			goto bad;
		}
		if (optname == SO_SNDTIMEO)
			so->so_snd.sb_timeo = ticks;
		else
			so->so_rcv.sb_timeo = ticks;
		break;
	}
	default:
		error = ENOPROTOOPT;
		break;
	}
bad:
	if (m)
		(void)m_free(m);
	return error;
}

/* Get a socket option into a fresh mbuf *mp. */
int
sogetopt(struct socket *so, int level, int optname, struct mbuf **mp)
{
	struct mbuf *m;

	if (level != SOL_SOCKET) {
		if (so->so_proto && so->so_proto->pr_ctloutput)
			return (*so->so_proto->pr_ctloutput)(PRCO_GETOPT, so,
			    level, optname, mp);
		return ENOPROTOOPT;
	}
	m = m_get(M_WAIT, MT_SOOPTS);
	if (m == NULL)
		return ENOBUFS;
	m->m_len = sizeof(int);
	switch (optname) {
	case SO_LINGER:
		m->m_len = sizeof(struct linger);
		mtod(m, struct linger *)->l_onoff = so->so_options & SO_LINGER;
		mtod(m, struct linger *)->l_linger = so->so_linger;
		break;
	case SO_DEBUG:
	case SO_KEEPALIVE:
	case SO_REUSEADDR:
	case SO_REUSEPORT:
	case SO_BROADCAST:
	case SO_OOBINLINE:
	case SO_DONTROUTE:
	case SO_USELOOPBACK:
		*mtod(m, int *) = (so->so_options & optname) != 0;
		break;
	case SO_TYPE:
		*mtod(m, int *) = so->so_type;
		break;
	case SO_ERROR:
		*mtod(m, int *) = so->so_error;
		so->so_error = 0;
		break;
	case SO_SNDBUF:
		*mtod(m, int *) = so->so_snd.sb_hiwat;
		break;
	case SO_RCVBUF:
		*mtod(m, int *) = so->so_rcv.sb_hiwat;
		break;
	case SO_SNDLOWAT:
		*mtod(m, int *) = so->so_snd.sb_lowat;
		break;
	case SO_RCVLOWAT:
		*mtod(m, int *) = so->so_rcv.sb_lowat;
		break;
	case SO_SNDTIMEO:
	case SO_RCVTIMEO: {
		int ticks = optname == SO_SNDTIMEO ?
		    so->so_snd.sb_timeo : so->so_rcv.sb_timeo;

		m->m_len = sizeof(struct timeval);
		mtod(m, struct timeval *)->tv_sec = ticks / hz;
		mtod(m, struct timeval *)->tv_usec = (ticks % hz) * tick;
		break;
	}
	default:
		(void)m_free(m);
		return ENOPROTOOPT;
	}
	*mp = m;
	return 0;
}

/*
 * Urgent data is on its way: signal the owner (SIGURG to the process or
 * group in so_pgid), wake readers and selectors, and call the upcall.
 */
void
sohasoutofband(struct socket *so)
{
	struct proc *p;

	if (so->so_pgid < 0)
		gsignal(-so->so_pgid, SIGURG);
	else if (so->so_pgid > 0 && (p = pfind(so->so_pgid)) != NULL)
		psignal(p, SIGURG);
	selwakeup(&so->so_rcv.sb_sel);
	wakeup((caddr_t)&so->so_rcv.sb_cc);
	if (so->so_upcall)
		(*so->so_upcall)(so, so->so_upcallarg, M_DONTWAIT);
}
