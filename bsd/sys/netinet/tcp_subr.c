/*
 * tcp_subr.c - TCP control blocks: creation, teardown, the header
 * template, sending bare control segments (ACK, RST), the MSS choice,
 * and reactions to ICMP errors.
 *
 * Where 4.4BSD-Lite2 and later RFCs differ, the RFC wins:
 *  - the initial sequence number is random per connection (RFC 6528
 *    asks for unpredictable ISNs; Lite2 used a global counter);
 *  - the initial congestion window is min(4*MSS, max(2*MSS, 4380 bytes))
 *    (RFC 5681 3.1; Lite2 used one segment);
 *  - ICMP source quench is ignored (RFC 6633).
 * Protected by splnet.
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
#include <netinet/ip_var.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <netinet/tcp_fsm.h>
#include <netinet/tcp_seq.h>
#include <netinet/tcp_timer.h>
#include <netinet/tcp_var.h>
#include <netinet/tcpip.h>

int tcp_mssdflt = 536;		/* RFC 1122 4.2.2.6: default send MSS */
int tcp_do_rfc1323 = 1;		/* request window scaling */
u_long tcp_now;			/* slow ticks since start */
tcp_seq tcp_iss;
struct inpcb tcb;
struct tcpstat tcpstat;
u_long tcp_sendspace = 1024 * 128;
u_long tcp_recvspace = 1024 * 128;

void
tcp_init(void)
{
	tcp_iss = (tcp_seq)random();
	tcb.inp_next = tcb.inp_prev = &tcb;
	if (max_protohdr < (int)sizeof(struct tcpiphdr))
		max_protohdr = sizeof(struct tcpiphdr);
}

/*
 * Build the header every segment of this connection starts with: the
 * pseudo-header overlay and TCP header, ports and addresses filled in.
 */
struct tcpiphdr *
tcp_template(struct tcpcb *tp)
{
	struct inpcb *inp = tp->t_inpcb;
	struct tcpiphdr *n;

	if ((n = tp->t_template) == NULL) {
		MALLOC(n, struct tcpiphdr *, sizeof(*n), M_PCB, M_NOWAIT);
		if (n == NULL)
			return NULL;
	}
	bzero(n, sizeof(*n));
	n->ti_pr = IPPROTO_TCP;
	n->ti_len = htons(sizeof(struct tcpiphdr) - sizeof(struct ip));
	n->ti_src = inp->inp_laddr;
	n->ti_dst = inp->inp_faddr;
	n->ti_sport = inp->inp_lport;
	n->ti_dport = inp->inp_fport;
	n->ti_off = 5;
	return n;
}

/*
 * Send a bare control segment (no data): an ACK, a keepalive probe or a
 * RST.  The addresses and ports come from ti, a TCP/IP header in host
 * layout (tcp_input's view of a received segment, or a template); ack
 * and seq are in host order.  For a received segment the ends are
 * swapped, so the segment goes back where ti came from.  tp may be NULL
 * (a RST for a segment that matched no connection).
 */
void
tcp_respond(struct tcpcb *tp, struct tcpiphdr *ti, tcp_seq ack, tcp_seq seq,
    int flags)
{
	struct tcpiphdr *nti;
	struct mbuf *m;
	int win = 0;
	struct route *ro = NULL;
	int swap = (tp == NULL || ti != tp->t_template);

	if (tp) {
		win = sbspace(&tp->t_inpcb->inp_socket->so_rcv);
		ro = &tp->t_inpcb->inp_route;
	}
	m = m_gethdr(M_DONTWAIT, MT_HEADER);
	if (m == NULL)
		return;
	m->m_data += max_linkhdr;
	nti = mtod(m, struct tcpiphdr *);
	bzero(nti, sizeof(*nti));
	nti->ti_pr = IPPROTO_TCP;
	if (swap) {
		nti->ti_src = ti->ti_dst;
		nti->ti_dst = ti->ti_src;
		nti->ti_sport = ti->ti_dport;
		nti->ti_dport = ti->ti_sport;
	} else {
		nti->ti_src = ti->ti_src;
		nti->ti_dst = ti->ti_dst;
		nti->ti_sport = ti->ti_sport;
		nti->ti_dport = ti->ti_dport;
	}
	m->m_len = sizeof(struct tcpiphdr);
	m->m_pkthdr.len = sizeof(struct tcpiphdr);
	m->m_pkthdr.rcvif = NULL;
	nti->ti_len = htons((u_short)sizeof(struct tcphdr));
	nti->ti_seq = htonl(seq);
	nti->ti_ack = htonl(ack);
	nti->ti_off = sizeof(struct tcphdr) >> 2;
	nti->ti_flags = flags;
	if (tp)
		nti->ti_win = htons((u_short)(MIN(win, (long)TCP_MAXWIN << tp->rcv_scale) >> tp->rcv_scale));
	else
		nti->ti_win = 0;
	nti->ti_sum = in_cksum(m, sizeof(struct tcpiphdr));
	((struct ip *)nti)->ip_len = sizeof(struct tcpiphdr);
	((struct ip *)nti)->ip_ttl = ip_defttl;
	((struct ip *)nti)->ip_tos = 0;
	((struct ip *)nti)->ip_off = 0;
	tcpstat.tcps_sndtotal++;
	if (flags & TH_RST)
		tcpstat.tcps_sndctrl++;
	else
		tcpstat.tcps_sndacks++;
	(void)ip_output(m, NULL, ro, 0, NULL);
}

/* Create a control block for a new connection of inp. */
struct tcpcb *
tcp_newtcpcb(struct inpcb *inp)
{
	struct tcpcb *tp;

	MALLOC(tp, struct tcpcb *, sizeof(*tp), M_PCB, M_NOWAIT);
	if (tp == NULL)
		return NULL;
	bzero((char *)tp, sizeof(struct tcpcb));
	tp->t_maxseg = tcp_mssdflt;
	tp->t_flags = tcp_do_rfc1323 ? (TF_REQ_SCALE|TF_REQ_TSTMP) : 0;
	tp->t_inpcb = inp;
	/* RFC 6298 2.1: no RTT sample yet, so RTO = 1 s (srtt 0, 4*rttvar = 1 s) */
	tp->t_srtt = TCPTV_SRTTBASE;
	tp->t_rttvar = TCPTV_RTOBASE;
	tp->t_rttmin = TCPTV_MIN;
	TCPT_RANGESET(tp->t_rxtcur, TCP_REXMTVAL(tp), TCPTV_MIN, TCPTV_REXMTMAX);
	tp->snd_cwnd = TCP_MAXWIN << TCP_MAX_WINSHIFT;
	tp->snd_ssthresh = TCP_MAXWIN << TCP_MAX_WINSHIFT;
	inp->inp_ip.ip_ttl = ip_defttl;
	inp->inp_ppcb = (caddr_t)tp;
	return tp;
}

/*
 * Drop a connection, reporting errno to the user.  If the peer knows of
 * it (we have seen its SYN), a RST is sent.
 */
struct tcpcb *
tcp_drop(struct tcpcb *tp, int errno_)
{
	struct socket *so = tp->t_inpcb->inp_socket;

	if (TCPS_HAVERCVDSYN(tp->t_state)) {
		tp->t_state = TCPS_CLOSED;
		(void)tcp_output(tp);
		tcpstat.tcps_drops++;
	} else
		tcpstat.tcps_conndrops++;
	if (errno_ == ETIMEDOUT && tp->t_softerror)
		errno_ = tp->t_softerror;
	so->so_error = errno_;
	return tcp_close(tp);
}

/* Free the reassembly queue of a connection. */
static void
tcp_freeq(struct tcpcb *tp)
{
	struct tcpqent *q;

	while ((q = tp->t_segq) != NULL) {
		tp->t_segq = q->tqe_next;
		m_freem(q->tqe_m);
		FREE(q, M_PCB);
	}
	tp->t_segqlen = 0;
}

/*
 * Close a connection: free its control block, detach the PCB and tell
 * the socket it is disconnected.  Returns NULL.
 */
struct tcpcb *
tcp_close(struct tcpcb *tp)
{
	struct inpcb *inp = tp->t_inpcb;
	struct socket *so = inp->inp_socket;

	tcp_freeq(tp);
	if (tp->t_template)
		FREE(tp->t_template, M_PCB);
	FREE(tp, M_PCB);
	inp->inp_ppcb = NULL;
	soisdisconnected(so);
	in_pcbdetach(inp);
	tcpstat.tcps_closed++;
	return NULL;
}

void
tcp_drain(void)
{
}

/*
 * Report an error from ICMP.  A connection being opened is dropped on a
 * hard error; otherwise the error is noted (RFC 1122 4.2.3.9: ICMP
 * unreachables are soft errors for an established connection).
 */
void
tcp_notify(struct inpcb *inp, int error)
{
	struct tcpcb *tp = (struct tcpcb *)inp->inp_ppcb;
	struct socket *so = inp->inp_socket;

	if (tp == NULL)
		return;
	if (tp->t_state == TCPS_ESTABLISHED &&
	    (error == EHOSTUNREACH || error == ENETUNREACH || error == EHOSTDOWN))
		return;
	if (tp->t_state < TCPS_ESTABLISHED && tp->t_rxtshift > 3 && tp->t_softerror)
		so->so_error = error;
	else
		tp->t_softerror = error;
	sorwakeup(so);
	sowwakeup(so);
}

void
tcp_ctlinput(int cmd, struct sockaddr *sa, void *vip)
{
	struct ip *ip = vip;
	struct tcphdr *th;
	extern u_char inetctlerrmap[];

	if ((unsigned)cmd >= PRC_NCMDS || cmd == PRC_QUENCH)
		return;		/* RFC 6633: ignore source quench */
	if (!PRC_IS_REDIRECT(cmd) && inetctlerrmap[cmd] == 0)
		return;
	if (ip) {
		th = (struct tcphdr *)((caddr_t)ip + (ip->ip_hl << 2));
		in_pcbnotify(&tcb, sa, th->th_dport, ip->ip_src, th->th_sport,
		    cmd, tcp_notify);
	} else
		in_pcbnotify(&tcb, sa, 0, zeroin_addr, 0, cmd, tcp_notify);
}

void
tcp_quench(struct inpcb *inp, int errno_)
{
	(void)inp;
	(void)errno_;
}

/*
 * Choose the MSS for a connection from the interface MTU of its route
 * and the peer's offer (0: none yet), set t_maxseg, the send buffer and
 * the initial congestion window, and return the MSS to advertise.
 */
int
tcp_mss(struct tcpcb *tp, u_int offer)
{
	struct inpcb *inp = tp->t_inpcb;
	struct rtentry *rt;
	struct ifnet *ifp;
	struct socket *so = inp->inp_socket;
	int mss;
	u_long bufsize;

	rt = in_pcbrtentry(inp);
	if (rt == NULL || (ifp = rt->rt_ifp) == NULL)
		return tcp_mssdflt;
	mss = ifp->if_mtu - sizeof(struct tcpiphdr);
	if (rt->rt_rmx.rmx_mtu && (int)rt->rt_rmx.rmx_mtu - (int)sizeof(struct tcpiphdr) < mss)
		mss = rt->rt_rmx.rmx_mtu - sizeof(struct tcpiphdr);
	if (mss > MCLBYTES)
		mss &= ~(MCLBYTES - 1);
	/* RFC 1122 4.2.2.6: without an MSS option assume 536 */
	if (offer)
		mss = MIN(mss, (int)offer);
	else if (TCPS_HAVERCVDSYN(tp->t_state))
		mss = MIN(mss, tcp_mssdflt);
	mss = MAX(mss, 64);
	if (mss < tp->t_maxseg || offer != 0) {
		bufsize = so->so_snd.sb_hiwat;
		if (bufsize < (u_long)mss)
			mss = bufsize;
		tp->t_maxseg = mss;
	}
	/* RFC 5681 3.1: initial window */
	tp->snd_cwnd = MIN(4 * tp->t_maxseg, MAX(2 * tp->t_maxseg, 4380));
	return ifp->if_mtu - sizeof(struct tcpiphdr);
}
