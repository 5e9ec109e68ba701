/*
 * tcp_usrreq.c - the user requests of TCP (PRU_*), socket options, and
 * the close sequence.
 *
 * Design: each request maps onto the state machine: PRU_CONNECT sends
 * a SYN, PRU_SEND appends to the send buffer and calls tcp_output,
 * PRU_SHUTDOWN and PRU_DISCONNECT go through tcp_usrclosed(), which
 * moves the state forward as RFC 793's CLOSE call says.  Options:
 * TCP_NODELAY (turns Nagle off) and TCP_MAXSEG at IPPROTO_TCP; IP-level
 * options go to ip_ctloutput.  Protected by splnet.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/socket.h>
#include <sys/socketvar.h>
#include <sys/protosw.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/in_systm.h>
#include <netinet/ip.h>
#include <netinet/in_pcb.h>
#include <netinet/in_var.h>
#include <netinet/ip_var.h>
#include <netinet/tcp.h>
#include <netinet/tcp_fsm.h>
#include <netinet/tcp_seq.h>
#include <netinet/tcp_timer.h>
#include <netinet/tcp_var.h>
#include <netinet/tcpip.h>

/* Open an active connection to the address in nam: send a SYN. */
static int
tcp_connect(struct tcpcb *tp, struct mbuf *nam)
{
	struct inpcb *inp = tp->t_inpcb;
	struct socket *so = inp->inp_socket;
	int error;

	if (inp->inp_lport == 0 && (error = in_pcbbind(inp, NULL)) != 0)
		return error;
	if ((error = in_pcbconnect(inp, nam)) != 0)
		return error;
	tp->t_template = tcp_template(tp);
	if (tp->t_template == NULL) {
		in_pcbdisconnect(inp);
		return ENOBUFS;
	}
	while (tp->request_r_scale < TCP_MAX_WINSHIFT &&
	    ((u_long)TCP_MAXWIN << tp->request_r_scale) < so->so_rcv.sb_hiwat)
		tp->request_r_scale++;
	soisconnecting(so);
	tcpstat.tcps_connattempt++;
	tp->t_state = TCPS_SYN_SENT;
	tp->t_timer[TCPT_KEEP] = TCPTV_KEEP_INIT;
	tp->iss = (tcp_seq)random();
	tcp_sendseqinit(tp);
	return tcp_output(tp);
}

int
tcp_usrreq(struct socket *so, int req, struct mbuf *m, struct mbuf *nam,
    struct mbuf *control)
{
	struct inpcb *inp;
	struct tcpcb *tp = NULL;
	int s;
	int error = 0;

	if (req == PRU_CONTROL)
		return in_control(so, (u_long)m, (caddr_t)nam, (struct ifnet *)control);
	if (control && control->m_len) {
		m_freem(control);
		if (m)
			m_freem(m);
		return EINVAL;
	}
	s = splnet();
	inp = sotoinpcb(so);
	/* a request on a socket whose connection is gone is refused */
	if (inp == NULL && req != PRU_ATTACH) {
		splx(s);
		if (req == PRU_SEND && m)
			m_freem(m);
		return EINVAL;
	}
	if (inp) {
		tp = intotcpcb(inp);
		if (tp == NULL) {
			splx(s);
			if (req == PRU_SEND && m)
				m_freem(m);
			return EINVAL;
		}
	}
	switch (req) {
	case PRU_ATTACH:
		if (inp) {
			error = EISCONN;
			break;
		}
		error = tcp_attach(so);
		if (error)
			break;
		if ((so->so_options & SO_LINGER) && so->so_linger == 0)
			so->so_linger = TCP_LINGERTIME;
		tp = sototcpcb(so);
		break;

	/* detach: a connected socket disconnects first (gracefully) */
	case PRU_DETACH:
		if (tp->t_state > TCPS_LISTEN)
			tp = tcp_disconnect(tp);
		else
			tp = tcp_close(tp);
		break;

	case PRU_BIND:
		error = in_pcbbind(inp, nam);
		break;

	case PRU_LISTEN:
		if (inp->inp_lport == 0)
			error = in_pcbbind(inp, NULL);
		if (error == 0)
			tp->t_state = TCPS_LISTEN;
		break;

	case PRU_CONNECT:
		error = tcp_connect(tp, nam);
		break;

	case PRU_CONNECT2:
		error = EOPNOTSUPP;
		break;

	case PRU_DISCONNECT:
		tp = tcp_disconnect(tp);
		break;

	case PRU_ACCEPT:
		in_setpeeraddr(inp, nam);
		break;

	/* no more data will be sent: a FIN follows what is queued */
	case PRU_SHUTDOWN:
		socantsendmore(so);
		tp = tcp_usrclosed(tp);
		if (tp)
			error = tcp_output(tp);
		break;

	/* the user took data: maybe a window update is due */
	case PRU_RCVD:
		(void)tcp_output(tp);
		break;

	case PRU_SEND:
		sbappend(&so->so_snd, m);
		error = tcp_output(tp);
		break;

	case PRU_ABORT:
		tp = tcp_drop(tp, ECONNABORTED);
		break;

	case PRU_SENSE:
		splx(s);
		return 0;

	/* hand the held urgent byte to the user (m has room for it) */
	case PRU_RCVOOB:
		if ((so->so_oobmark == 0 && (so->so_state & SS_RCVATMARK) == 0) ||
		    (so->so_options & SO_OOBINLINE) ||
		    (tp->t_oobflags & TCPOOB_HADDATA)) {
			error = EINVAL;
			break;
		}
		if ((tp->t_oobflags & TCPOOB_HAVEDATA) == 0) {
			error = EWOULDBLOCK;
			break;
		}
		m->m_len = 1;
		*mtod(m, caddr_t) = tp->t_iobc;
		if (((long)nam & MSG_PEEK) == 0)
			tp->t_oobflags ^= (TCPOOB_HAVEDATA | TCPOOB_HADDATA);
		break;

	/* send data whose last byte is urgent */
	case PRU_SENDOOB:
		if (sbspace(&so->so_snd) < -512) {
			m_freem(m);
			error = ENOBUFS;
			break;
		}
		sbappend(&so->so_snd, m);
		tp->snd_up = tp->snd_una + so->so_snd.sb_cc;
		tp->t_force = 1;
		error = tcp_output(tp);
		tp->t_force = 0;
		break;

	case PRU_SOCKADDR:
		in_setsockaddr(inp, nam);
		break;

	case PRU_PEERADDR:
		in_setpeeraddr(inp, nam);
		break;

	/* a timer went off: nam carries which one */
	case PRU_SLOWTIMO:
		tp = tcp_timers(tp, (int)(long)nam);
		break;

	default:
		panic("tcp_usrreq");
	}
	splx(s);
	return error;
}

/* TCP and IP level socket options. */
int
tcp_ctloutput(int op, struct socket *so, int level, int optname,
    struct mbuf **mp)
{
	int error = 0, s;
	struct inpcb *inp;
	struct tcpcb *tp;
	struct mbuf *m;
	int i;

	s = splnet();
	inp = sotoinpcb(so);
	if (inp == NULL) {
		splx(s);
		if (op == PRCO_SETOPT && *mp)
			(void)m_free(*mp);
		return ECONNRESET;
	}
	if (level != IPPROTO_TCP) {
		error = ip_ctloutput(op, so, level, optname, mp);
		splx(s);
		return error;
	}
	tp = intotcpcb(inp);
	switch (op) {
	case PRCO_SETOPT:
		m = *mp;
		if (m == NULL || m->m_len < (int)sizeof(int)) {
			error = EINVAL;
		} else switch (optname) {
		case TCP_NODELAY:
			if (*mtod(m, int *))
				tp->t_flags |= TF_NODELAY;
			else
				tp->t_flags &= ~TF_NODELAY;
			break;
		case TCP_MAXSEG:
			i = *mtod(m, int *);
			if (i > 0 && i <= tp->t_maxseg)
				tp->t_maxseg = i;
			else
				error = EINVAL;
			break;
		default:
			error = ENOPROTOOPT;
			break;
		}
		if (m)
			(void)m_free(m);
		break;

	case PRCO_GETOPT:
		*mp = m = m_get(M_WAIT, MT_SOOPTS);
		if (m == NULL) {
			error = ENOBUFS;
			break;
		}
		m->m_len = sizeof(int);
		switch (optname) {
		case TCP_NODELAY:
			*mtod(m, int *) = (tp->t_flags & TF_NODELAY) != 0;
			break;
		case TCP_MAXSEG:
			*mtod(m, int *) = tp->t_maxseg;
			break;
		default:
			error = ENOPROTOOPT;
			(void)m_free(m);
			*mp = NULL;
			break;
		}
		break;
	}
	splx(s);
	return error;
}

/* Attach TCP to a socket: buffers, a PCB and a control block. */
int
tcp_attach(struct socket *so)
{
	struct tcpcb *tp;
	struct inpcb *inp;
	int error;

	if (so->so_snd.sb_hiwat == 0 || so->so_rcv.sb_hiwat == 0) {
		error = soreserve(so, tcp_sendspace, tcp_recvspace);
		if (error)
			return error;
	}
	error = in_pcballoc(so, &tcb);
	if (error)
		return error;
	inp = sotoinpcb(so);
	tp = tcp_newtcpcb(inp);
	if (tp == NULL) {
		/* undo the PCB, but leave freeing the socket to the caller */
		int nofd = so->so_state & SS_NOFDREF;

		so->so_state &= ~SS_NOFDREF;
		in_pcbdetach(inp);
		so->so_state |= nofd;
		return ENOBUFS;
	}
	tp->t_state = TCPS_CLOSED;
	return 0;
}

/*
 * Start closing a connection: one never synchronized is closed at
 * once; with SO_LINGER and a zero timeout it is dropped (RST); otherwise
 * the receive side is flushed and a FIN goes after the queued data.
 */
struct tcpcb *
tcp_disconnect(struct tcpcb *tp)
{
	struct socket *so = tp->t_inpcb->inp_socket;

	if (tp->t_state < TCPS_ESTABLISHED)
		tp = tcp_close(tp);
	else if ((so->so_options & SO_LINGER) && so->so_linger == 0)
		tp = tcp_drop(tp, 0);
	else {
		soisdisconnecting(so);
		sbflush(&so->so_rcv);
		tp = tcp_usrclosed(tp);
		if (tp)
			(void)tcp_output(tp);
	}
	return tp;
}

/*
 * The user will send no more (RFC 793 CLOSE): move to the state that
 * sends our FIN, or close if nothing was ever synchronized.
 */
struct tcpcb *
tcp_usrclosed(struct tcpcb *tp)
{
	switch (tp->t_state) {
	case TCPS_CLOSED:
	case TCPS_LISTEN:
	case TCPS_SYN_SENT:
		tp->t_state = TCPS_CLOSED;
		tp = tcp_close(tp);
		break;
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
		tp->t_state = TCPS_FIN_WAIT_1;
		break;
	case TCPS_CLOSE_WAIT:
		tp->t_state = TCPS_LAST_ACK;
		break;
	}
	if (tp && tp->t_state >= TCPS_FIN_WAIT_2) {
		soisdisconnected(tp->t_inpcb->inp_socket);
		/* don't wait forever in FIN_WAIT_2 (4.4BSD's timeout) */
		if (tp->t_state == TCPS_FIN_WAIT_2)
			tp->t_timer[TCPT_2MSL] = tcp_maxidle;
	}
	return tp;
}
