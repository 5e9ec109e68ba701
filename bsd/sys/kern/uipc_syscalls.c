/*
 * uipc_syscalls.c - the socket API (sys/net_api.h): socket, bind,
 * listen, accept, connect, send/recv, sendto/recvfrom, shutdown, close,
 * options and poll-style readiness, over the so* operations.
 *
 * Design: a table maps small integers to struct socket pointers, the
 * way a process's file table does.  Each call checks its descriptor and
 * arguments (lengths, families) before touching the socket, copies
 * addresses into mbufs as the 4.4BSD system calls do, and returns a
 * negated errno on failure.  Data moves through a uio in system space.
 * The caller holds the giant lock.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/protosw.h>
#include <sys/socket.h>
#include <sys/socketvar.h>
#include <sys/uio.h>
#include <sys/net_api.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/in_pcb.h>
#include <netinet/tcp.h>
#include <netinet/tcp_fsm.h>
#include <netinet/tcp_timer.h>
#include <netinet/tcp_var.h>

static struct socket *sockets[NET_MAXSOCK];

static struct socket *
getsock(int s)
{
	if (s < 0 || s >= NET_MAXSOCK)
		return NULL;
	return sockets[s];
}

static int
fdalloc(struct socket *so)
{
	int s;

	for (s = 0; s < NET_MAXSOCK; s++)
		if (sockets[s] == NULL) {
			sockets[s] = so;
			return s;
		}
	return -EMFILE;
}

/* Copy a caller's sockaddr_in into an MT_SONAME mbuf. */
static int
sockargs(struct mbuf **mp, const struct sockaddr *addr, int len)
{
	struct mbuf *m;
	struct sockaddr *sa;

	if (addr == NULL || len < (int)sizeof(struct sockaddr_in) ||
	    len > (int)MLEN)
		return EINVAL;
	len = sizeof(struct sockaddr_in);
	m = m_get(M_WAIT, MT_SONAME);
	if (m == NULL)
		return ENOBUFS;
	m->m_len = len;
	bcopy(addr, mtod(m, caddr_t), len);
	sa = mtod(m, struct sockaddr *);
	sa->sa_len = len;
	*mp = m;
	return 0;
}

/* Copy an MT_SONAME mbuf out to a caller's buffer of *lenp bytes. */
static void
sockaddr_out(struct mbuf *nam, struct sockaddr *addr, int *lenp)
{
	int len;

	if (addr == NULL || lenp == NULL)
		return;
	len = MIN(*lenp, nam ? nam->m_len : 0);
	if (len > 0)
		bcopy(mtod(nam, caddr_t), addr, len);
	*lenp = len;
}

int
net_socket(int domain, int type, int protocol)
{
	struct socket *so;
	int s, error;

	error = socreate(domain, &so, type, protocol);
	if (error)
		return -error;
	s = fdalloc(so);
	if (s < 0)
		(void)soclose(so);
	return s;
}

int
net_bind(int s, const struct sockaddr *addr, int addrlen)
{
	struct socket *so = getsock(s);
	struct mbuf *nam;
	int error;

	if (so == NULL)
		return -EBADF;
	if ((error = sockargs(&nam, addr, addrlen)) != 0)
		return -error;
	error = sobind(so, nam);
	m_freem(nam);
	return -error;
}

int
net_listen(int s, int backlog)
{
	struct socket *so = getsock(s);

	if (so == NULL)
		return -EBADF;
	return -solisten(so, backlog);
}

/* Take a completed connection off a listening socket's queue. */
int
net_accept(int s, struct sockaddr *addr, int *addrlen)
{
	struct socket *head = getsock(s), *so;
	struct mbuf *nam;
	int error, ns;

	if (head == NULL)
		return -EBADF;
	if ((head->so_options & SO_ACCEPTCONN) == 0)
		return -EINVAL;
	while (head->so_qlen == 0 && head->so_error == 0) {
		if (head->so_state & SS_CANTRCVMORE) {
			head->so_error = ECONNABORTED;
			break;
		}
		if (head->so_state & SS_NBIO)
			return -EWOULDBLOCK;
		if (netisr) {		/* queued input first: it may complete one */
			netisr_run();
			continue;
		}
		if ((error = tsleep(&head->so_timeo, PSOCK | PCATCH, netcon, 0)) != 0)
			return -error;
	}
	if (head->so_error) {
		error = head->so_error;
		head->so_error = 0;
		return -error;
	}
	so = head->so_q;
	if (soqremque(so, 1) == 0)
		panic("accept");
	ns = fdalloc(so);
	if (ns < 0) {
		/* no descriptor: the connection is dropped, as on a full table */
		(void)soabort(so);
		return ns;
	}
	nam = m_get(M_WAIT, MT_SONAME);
	if (nam == NULL) {
		sockets[ns] = NULL;
		(void)soabort(so);
		return -ENOBUFS;
	}
	(void)soaccept(so, nam);
	sockaddr_out(nam, addr, addrlen);
	m_freem(nam);
	return ns;
}

/*
 * Start a connection.  A non-blocking socket returns EINPROGRESS and
 * reports completion through net_poll (POLLOUT) and SO_ERROR.
 */
int
net_connect(int s, const struct sockaddr *addr, int addrlen)
{
	struct socket *so = getsock(s);
	struct mbuf *nam;
	int error;

	if (so == NULL)
		return -EBADF;
	if ((so->so_state & SS_NBIO) && (so->so_state & SS_ISCONNECTING))
		return -EALREADY;
	if ((error = sockargs(&nam, addr, addrlen)) != 0)
		return -error;
	error = soconnect(so, nam);
	m_freem(nam);
	if (error)
		return -error;
	if ((so->so_state & SS_NBIO) && (so->so_state & SS_ISCONNECTING))
		return -EINPROGRESS;
	while ((so->so_state & SS_ISCONNECTING) && so->so_error == 0) {
		if (netisr) {		/* queued input first: it may be the answer */
			netisr_run();
			continue;
		}
		if ((error = tsleep(&so->so_timeo, PSOCK | PCATCH, netcon, 0)) != 0)
			return -error;
	}
	error = so->so_error;
	so->so_error = 0;
	return -error;
}

static long
sendit(struct socket *so, const void *buf, size_t len, int flags, struct mbuf *to)
{
	struct iovec iov;
	struct uio uio;
	int error;

	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	bzero(&uio, sizeof(uio));
	uio.uio_iov = &iov;
	uio.uio_iovcnt = 1;
	uio.uio_resid = len;
	uio.uio_segflg = UIO_SYSSPACE;
	uio.uio_rw = UIO_WRITE;
	error = sosend(so, to, &uio, NULL, NULL, flags);
	/* a partial send is a success: report what went */
	if (error && uio.uio_resid != (long)len &&
	    (error == EWOULDBLOCK || error == EINTR))
		error = 0;
	if (error)
		return -error;
	return len - uio.uio_resid;
}

long
net_send(int s, const void *buf, size_t len, int flags)
{
	struct socket *so = getsock(s);

	if (so == NULL)
		return -EBADF;
	return sendit(so, buf, len, flags, NULL);
}

long
net_sendto(int s, const void *buf, size_t len, int flags,
    const struct sockaddr *to, int tolen)
{
	struct socket *so = getsock(s);
	struct mbuf *nam = NULL;
	long r;
	int error;

	if (so == NULL)
		return -EBADF;
	if (to && (error = sockargs(&nam, to, tolen)) != 0)
		return -error;
	r = sendit(so, buf, len, flags, nam);
	if (nam)
		m_freem(nam);
	return r;
}

long
net_recvfrom(int s, void *buf, size_t len, int flags,
    struct sockaddr *from, int *fromlen)
{
	struct socket *so = getsock(s);
	struct iovec iov;
	struct uio uio;
	struct mbuf *from_m = NULL;
	int error;

	if (so == NULL)
		return -EBADF;
	iov.iov_base = buf;
	iov.iov_len = len;
	bzero(&uio, sizeof(uio));
	uio.uio_iov = &iov;
	uio.uio_iovcnt = 1;
	uio.uio_resid = len;
	uio.uio_segflg = UIO_SYSSPACE;
	uio.uio_rw = UIO_READ;
	error = soreceive(so, from ? &from_m : NULL, &uio, NULL, NULL, &flags);
	if (error && uio.uio_resid != (long)len &&
	    (error == EWOULDBLOCK || error == EINTR))
		error = 0;
	if (from_m) {
		sockaddr_out(from_m, from, fromlen);
		m_freem(from_m);
	} else if (fromlen)
		*fromlen = 0;
	if (error)
		return -error;
	return len - uio.uio_resid;
}

long
net_recv(int s, void *buf, size_t len, int flags)
{
	return net_recvfrom(s, buf, len, flags, NULL, NULL);
}

int
net_shutdown(int s, int how)
{
	struct socket *so = getsock(s);

	if (so == NULL)
		return -EBADF;
	return -soshutdown(so, how);
}

int
net_close(int s)
{
	struct socket *so = getsock(s);

	if (so == NULL)
		return -EBADF;
	sockets[s] = NULL;
	return -soclose(so);
}

int
net_setsockopt(int s, int level, int name, const void *val, int len)
{
	struct socket *so = getsock(s);
	struct mbuf *m = NULL;

	if (so == NULL)
		return -EBADF;
	if (len < 0 || len > (int)MLEN || (len && val == NULL))
		return -EINVAL;
	if (val) {
		m = m_get(M_WAIT, MT_SOOPTS);
		if (m == NULL)
			return -ENOBUFS;
		bcopy(val, mtod(m, caddr_t), len);
		m->m_len = len;
	}
	return -sosetopt(so, level, name, m);
}

int
net_getsockopt(int s, int level, int name, void *val, int *len)
{
	struct socket *so = getsock(s);
	struct mbuf *m = NULL;
	int error, n;

	if (so == NULL)
		return -EBADF;
	if (val == NULL || len == NULL || *len < 0)
		return -EINVAL;
	if ((error = sogetopt(so, level, name, &m)) != 0)
		return -error;
	n = MIN(*len, m ? m->m_len : 0);
	if (n)
		bcopy(mtod(m, caddr_t), val, n);
	*len = n;
	if (m)
		m_freem(m);
	return 0;
}

static int
getname(int s, struct sockaddr *addr, int *addrlen, int req)
{
	struct socket *so = getsock(s);
	struct mbuf *m;
	int error;

	if (so == NULL)
		return -EBADF;
	if (req == PRU_PEERADDR && (so->so_state & SS_ISCONNECTED) == 0)
		return -ENOTCONN;
	m = m_getclr(M_WAIT, MT_SONAME);
	if (m == NULL)
		return -ENOBUFS;
	error = (*so->so_proto->pr_usrreq)(so, req, NULL, m, NULL);
	if (error == 0)
		sockaddr_out(m, addr, addrlen);
	m_freem(m);
	return -error;
}

int
net_getsockname(int s, struct sockaddr *addr, int *addrlen)
{
	return getname(s, addr, addrlen, PRU_SOCKADDR);
}

int
net_getpeername(int s, struct sockaddr *addr, int *addrlen)
{
	return getname(s, addr, addrlen, PRU_PEERADDR);
}

int
net_setnonblock(int s, int on)
{
	struct socket *so = getsock(s);

	if (so == NULL)
		return -EBADF;
	if (on)
		so->so_state |= SS_NBIO;
	else
		so->so_state &= ~SS_NBIO;
	return 0;
}

/* Readiness of each descriptor now; returns how many have any revents. */
int
net_poll(struct net_pollfd *fds, int nfds)
{
	int i, n = 0;
	struct socket *so;

	if (nfds < 0 || (nfds && fds == NULL))
		return -EINVAL;
	for (i = 0; i < nfds; i++) {
		so = getsock(fds[i].fd);
		if (so == NULL)
			fds[i].revents = 0x20;	/* POLLNVAL */
		else
			fds[i].revents = sopoll(so, fds[i].events);
		if (fds[i].revents)
			n++;
	}
	return n;
}

/* Is the reader at the urgent mark (SIOCATMARK)? */
int
net_atmark(int s)
{
	struct socket *so = getsock(s);

	if (so == NULL)
		return -EBADF;
	return (so->so_state & SS_RCVATMARK) != 0;
}

/* The TCP state of a stream socket (TCPS_*), or -1 if it has none. */
int
net_tcp_state(int s)
{
	struct socket *so = getsock(s);
	struct inpcb *inp;

	if (so == NULL || so->so_proto->pr_protocol != IPPROTO_TCP)
		return -EBADF;
	inp = sotoinpcb(so);
	if (inp == NULL || inp->inp_ppcb == NULL)
		return TCPS_CLOSED;
	return ((struct tcpcb *)inp->inp_ppcb)->t_state;
}
