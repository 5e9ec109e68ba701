/*
 * tcp_input.c - TCP segment arrival (RFC 793 3.9 "SEGMENT ARRIVES"),
 * with the RFC 1122 corrections and these later RFCs, which win where
 * 4.4BSD-Lite2 differs:
 *  - RFC 5961: a RST is accepted only if its sequence number is exactly
 *    rcv_nxt; one elsewhere in the window, or a SYN in a synchronized
 *    state, draws a "challenge ACK" instead (Lite2 reset on any in-window
 *    RST, and on an in-window SYN);
 *  - RFC 5681 / RFC 6582: fast retransmit on the third duplicate ACK,
 *    then NewReno fast recovery, which retransmits on each partial ACK
 *    instead of waiting for a timeout (Lite2: Reno);
 *  - RFC 5681 3.1: congestion avoidance grows cwnd by SMSS*SMSS/cwnd per
 *    ACK (Lite2 added an extra SMSS/8);
 *  - RFC 1122 4.2.3.2 / RFC 5681 4.2: an ACK is sent for at least every
 *    second full-sized segment, even if the application has not read.
 *  - RFC 7323: the window-scale option is honoured only on a SYN, and
 *    scaling starts once both sides have offered it.
 * Urgent data keeps 4.4BSD's reading of the urgent pointer (one past
 * the urgent byte, as Linux does too; see RFC 6093).
 *
 * Design: checks first (length, checksum, offset; every failure counted
 * in tcpstat and dropped), then PCB lookup, then the state machine.
 * Segments that arrive out of order wait on the connection's reassembly
 * queue (tcp_reass), bounded by TCP_REASS_MAX entries.  After this file
 * runs, the mbuf is either queued on a socket or freed.  Protected by
 * splnet.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/protosw.h>
#include <sys/socket.h>
#include <sys/socketvar.h>
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
#include <netinet/tcp_debug.h>

int tcprexmtthresh = 3;		/* duplicate ACKs that trigger fast retransmit */

/* ACK at least every second segment (RFC 1122 4.2.3.2): delay one only. */
#define DELAY_ACK(tp) do { \
	if ((tp)->t_flags & TF_DELACK) \
		(tp)->t_flags |= TF_ACKNOW; \
	else \
		(tp)->t_flags |= TF_DELACK; \
} while (0)

/*
 * Insert a segment (seq, len, flags, data m) into the reassembly queue
 * and deliver whatever has become contiguous with rcv_nxt.  A call with
 * m == NULL only delivers.  Returns TH_FIN if a FIN was delivered.
 */
int
tcp_reass(struct tcpcb *tp, tcp_seq seq, int len, int flags, struct mbuf *m)
{
	struct tcpqent *q, **qp, *nq;
	struct socket *so = tp->t_inpcb->inp_socket;
	int i;

	if (m == NULL)
		goto present;
	if (tp->t_segqlen >= TCP_REASS_MAX) {
		tcpstat.tcps_reassfull++;
		m_freem(m);
		return 0;
	}
	/* find the first entry that begins after seq */
	for (qp = &tp->t_segq; (q = *qp) != NULL; qp = &q->tqe_next)
		if (SEQ_GT(q->tqe_seq, seq))
			break;
	/* trim what the preceding entry already covers */
	if (qp != &tp->t_segq) {
		struct tcpqent *p = (struct tcpqent *)((caddr_t)qp -
		    __builtin_offsetof(struct tcpqent, tqe_next));

		i = p->tqe_seq + p->tqe_len - seq;
		if (i > 0) {
			if (i >= len && !(flags & TH_FIN && !(p->tqe_flags & TH_FIN))) {
				tcpstat.tcps_rcvduppack++;
				tcpstat.tcps_rcvdupbyte += len;
				m_freem(m);
				return 0;
			}
			if (i > len)
				i = len;
			m_adj(m, i);
			len -= i;
			seq += i;
		}
	}
	tcpstat.tcps_rcvoopack++;
	tcpstat.tcps_rcvoobyte += len;
	/* trim or drop the following entries that this one covers */
	while (q) {
		i = (seq + len) - q->tqe_seq;
		if (i <= 0)
			break;
		if (i < q->tqe_len) {
			q->tqe_seq += i;
			q->tqe_len -= i;
			m_adj(q->tqe_m, i);
			break;
		}
		nq = q->tqe_next;
		flags |= q->tqe_flags & TH_FIN;
		m_freem(q->tqe_m);
		FREE(q, M_PCB);
		tp->t_segqlen--;
		q = nq;
	}
	MALLOC(nq, struct tcpqent *, sizeof(*nq), M_PCB, M_NOWAIT);
	if (nq == NULL) {
		*qp = q;
		m_freem(m);
		return 0;
	}
	nq->tqe_seq = seq;
	nq->tqe_len = len;
	nq->tqe_flags = flags & TH_FIN;
	nq->tqe_m = m;
	nq->tqe_next = q;
	*qp = nq;
	tp->t_segqlen++;

present:
	/* deliver the segments now in order, if the connection can take data */
	if (!TCPS_HAVERCVDSYN(tp->t_state) || tp->t_state == TCPS_SYN_RECEIVED)
		return 0;
	flags = 0;
	while ((q = tp->t_segq) != NULL && q->tqe_seq == tp->rcv_nxt) {
		tp->rcv_nxt += q->tqe_len;
		flags = q->tqe_flags & TH_FIN;
		tp->t_segq = q->tqe_next;
		tp->t_segqlen--;
		if (so->so_state & SS_CANTRCVMORE)
			m_freem(q->tqe_m);
		else
			sbappend(&so->so_rcv, q->tqe_m);
		FREE(q, M_PCB);
		if (flags)
			break;
	}
	sorwakeup(so);
	return flags;
}

/*
 * Take the urgent byte (at offset ti_urp - 1 of the segment's data m)
 * out of the stream and keep it in t_iobc for PRU_RCVOOB.
 */
void
tcp_pulloutofband(struct socket *so, struct tcpiphdr *ti, struct mbuf *m)
{
	int cnt = ti->ti_urp - 1;
	struct tcpcb *tp = sototcpcb(so);
	struct mbuf *head = m;

	/* (the caller checked ti_urp <= ti_len, so the byte is there) */
	for (; m; m = m->m_next) {
		if (m->m_len > cnt) {
			char *cp = mtod(m, caddr_t) + cnt;

			tp->t_iobc = *cp;
			tp->t_oobflags |= TCPOOB_HAVEDATA;
			bcopy(cp + 1, cp, (unsigned)(m->m_len - cnt - 1));
			m->m_len--;
			if (head->m_flags & M_PKTHDR)
				head->m_pkthdr.len--;
			/* ti_len stays: the byte still takes its sequence number */
			return;
		}
		cnt -= m->m_len;
	}
}

/*
 * Parse the options of a segment, with Lite2's interface: an MSS offer on
 * a SYN goes to tcp_mss(), a window scale on a SYN is recorded, and a
 * timestamp is returned in *ts_present, *ts_val and *ts_ecr (on a SYN it
 * also turns timestamps on for the connection, RFC 7323 3.2).  Other
 * options are skipped; a malformed list ends the parse.
 */
void
tcp_dooptions(struct tcpcb *tp, u_char *cp, int cnt, struct tcpiphdr *ti,
    int *ts_present, u_long *ts_val, u_long *ts_ecr)
{
	u_short mss;
	u_int32_t ts;
	int opt, optlen;

	*ts_present = 0;
	for (; cnt > 0; cnt -= optlen, cp += optlen) {
		opt = cp[0];
		if (opt == TCPOPT_EOL)
			break;
		if (opt == TCPOPT_NOP)
			optlen = 1;
		else {
			if (cnt < 2)
				break;
			optlen = cp[1];
			if (optlen < 2 || optlen > cnt)
				break;
		}
		switch (opt) {
		case TCPOPT_MAXSEG:
			if (optlen != TCPOLEN_MAXSEG || !(ti->ti_flags & TH_SYN))
				continue;
			bcopy(cp + 2, &mss, sizeof(mss));
			(void)tcp_mss(tp, ntohs(mss));
			break;
		case TCPOPT_WINDOW:
			if (optlen != TCPOLEN_WINDOW || !(ti->ti_flags & TH_SYN))
				continue;
			tp->t_flags |= TF_RCVD_SCALE;
			tp->requested_s_scale = MIN(cp[2], TCP_MAX_WINSHIFT);
			break;
		case TCPOPT_TIMESTAMP:
			if (optlen != TCPOLEN_TIMESTAMP)
				continue;
			*ts_present = 1;
			bcopy(cp + 2, &ts, sizeof(ts));
			*ts_val = ntohl(ts);
			bcopy(cp + 6, &ts, sizeof(ts));
			*ts_ecr = ntohl(ts);
			if (ti->ti_flags & TH_SYN) {
				tp->t_flags |= TF_RCVD_TSTMP;
				tp->ts_recent = *ts_val;
				tp->ts_recent_age = tcp_now;
			}
			break;
		default:
			break;
		}
	}
}

/*
 * Collect a new round-trip time sample of rtt slow ticks (counted from
 * 1) into the smoothed estimators (Jacobson/Karels; RFC 6298 2.2-2.3),
 * and recompute the retransmit timeout.
 */
void
tcp_xmit_timer(struct tcpcb *tp, int rtt)
{
	int delta;

	tcpstat.tcps_rttupdated++;
	if (tp->t_srtt != 0) {
		/* srtt += (R - srtt) / 8, in units of 1/8 tick */
		delta = rtt - 1 - (tp->t_srtt >> TCP_RTT_SHIFT);
		if ((tp->t_srtt += delta) <= 0)
			tp->t_srtt = 1;
		/* rttvar += (|R - srtt| - rttvar) / 4, in units of 1/4 tick */
		if (delta < 0)
			delta = -delta;
		delta -= (tp->t_rttvar >> TCP_RTTVAR_SHIFT);
		if ((tp->t_rttvar += delta) <= 0)
			tp->t_rttvar = 1;
	} else {
		/* first sample: srtt = R, rttvar = R / 2 */
		tp->t_srtt = rtt << TCP_RTT_SHIFT;
		tp->t_rttvar = rtt << (TCP_RTTVAR_SHIFT - 1);
	}
	tp->t_rtt = 0;
	tp->t_rxtshift = 0;
	TCPT_RANGESET(tp->t_rxtcur, TCP_REXMTVAL(tp), tp->t_rttmin, TCPTV_REXMTMAX);
	tp->t_softerror = 0;
}

/* Start window scaling once both SYNs carried the option (RFC 7323 2.2). */
static void
tcp_startscaling(struct tcpcb *tp)
{
	if ((tp->t_flags & (TF_RCVD_SCALE|TF_REQ_SCALE)) ==
	    (TF_RCVD_SCALE|TF_REQ_SCALE)) {
		tp->snd_scale = tp->requested_s_scale;
		tp->rcv_scale = tp->request_r_scale;
	}
}

/* The window scale to request: the smallest that covers the buffer. */
static void
tcp_choose_rscale(struct tcpcb *tp, struct socket *so)
{
	while (tp->request_r_scale < TCP_MAX_WINSHIFT &&
	    ((u_long)TCP_MAXWIN << tp->request_r_scale) < so->so_rcv.sb_hiwat)
		tp->request_r_scale++;
}

/*
 * Process an ACK that acknowledges new data; returns 1 if our FIN is
 * acked.  ts_ecr is the echoed timestamp of the segment (0: none).
 */
static int
tcp_newack(struct tcpcb *tp, struct socket *so, tcp_seq ack, u_long ts_ecr)
{
	u_long acked = ack - tp->snd_una;
	int ourfinisacked, partial = 0;
	u_int cw, incr;
	tcp_seq onxt;

	tcpstat.tcps_rcvackpack++;
	tcpstat.tcps_rcvackbyte += acked;

	/*
	 * An RTT sample: from the echoed timestamp when there is one (RFC
	 * 7323 4.1), else if the timed segment is covered (Karn's rule).
	 */
	if (ts_ecr && (tp->t_flags & TF_RCVD_TSTMP) &&
	    (int)(tcp_now - ts_ecr) >= 0)
		tcp_xmit_timer(tp, tcp_now - ts_ecr + 1);
	else if (tp->t_rtt && SEQ_GT(ack, tp->t_rtseq))
		tcp_xmit_timer(tp, tp->t_rtt);

	/* all acked: stop the timer; else restart it (RFC 6298 5.3) */
	if (ack == tp->snd_max)
		tp->t_timer[TCPT_REXMT] = 0;
	else if (tp->t_timer[TCPT_PERSIST] == 0)
		tp->t_timer[TCPT_REXMT] = tp->t_rxtcur;

	if (tp->t_flags & TF_INRECOVERY) {
		if (SEQ_GEQ(ack, tp->snd_recover)) {
			/* full ACK: leave recovery (RFC 6582 3.2 step 3) */
			u_long flight = tp->snd_max - ack;

			tp->t_flags &= ~TF_INRECOVERY;
			tp->snd_cwnd = MIN(tp->snd_ssthresh,
			    MAX(flight, (u_long)tp->t_maxseg) + tp->t_maxseg);
			tp->t_dupacks = 0;
		} else
			partial = 1;
	} else {
		tp->t_dupacks = 0;
		/* slow start below ssthresh, else congestion avoidance */
		cw = tp->snd_cwnd;
		incr = tp->t_maxseg;
		if (cw > tp->snd_ssthresh)
			incr = MAX(1, incr * incr / cw);
		tp->snd_cwnd = MIN(cw + incr, (u_long)TCP_MAXWIN << tp->snd_scale);
	}

	if (acked > so->so_snd.sb_cc) {
		tp->snd_wnd -= MIN(so->so_snd.sb_cc, tp->snd_wnd);
		sbdrop(&so->so_snd, (int)so->so_snd.sb_cc);
		ourfinisacked = 1;
	} else {
		sbdrop(&so->so_snd, (int)acked);
		tp->snd_wnd -= MIN(acked, tp->snd_wnd);
		ourfinisacked = 0;
	}
	sowwakeup(so);
	tp->snd_una = ack;
	if (SEQ_LT(tp->snd_nxt, tp->snd_una))
		tp->snd_nxt = tp->snd_una;
	/* keep the recovery point near snd_una so it never wraps around */
	if ((tp->t_flags & TF_INRECOVERY) == 0 && SEQ_LT(tp->snd_recover, ack))
		tp->snd_recover = ack;
	if (partial) {
		/*
		 * Partial ACK: retransmit the next hole now, deflate cwnd by
		 * the amount acked and add back one SMSS, restart the timer
		 * (RFC 6582 3.2 step 4).
		 */
		cw = tp->snd_cwnd;
		onxt = tp->snd_nxt;
		tp->t_timer[TCPT_REXMT] = 0;
		tp->t_rtt = 0;
		tp->snd_nxt = ack;
		tp->snd_cwnd = tp->t_maxseg;
		(void)tcp_output(tp);
		if (SEQ_GT(onxt, tp->snd_nxt))
			tp->snd_nxt = onxt;
		tp->snd_cwnd = cw > acked ? cw - acked + tp->t_maxseg : tp->t_maxseg;
	}
	return ourfinisacked;
}

/* The third duplicate ACK, or one after it. */
static void
tcp_dupack(struct tcpcb *tp)
{
	u_long win;
	tcp_seq onxt;

	if (tp->t_flags & TF_INRECOVERY) {
		/* RFC 5681 3.2 step 4: inflate by one segment per dup ACK */
		tp->snd_cwnd += tp->t_maxseg;
		(void)tcp_output(tp);
		return;
	}
	if (++tp->t_dupacks != tcprexmtthresh)
		return;
	/*
	 * RFC 6582 3.2 step 2: only enter recovery if this loss is after the
	 * previous recovery point, or the same loss is being counted again.
	 */
	if (SEQ_LT(tp->snd_una, tp->snd_recover))
		return;
	tcpstat.tcps_fastrexmit++;
	win = MIN(tp->snd_wnd, tp->snd_cwnd) / 2;
	if (win < 2 * (u_long)tp->t_maxseg)
		win = 2 * tp->t_maxseg;
	tp->snd_ssthresh = win;
	tp->snd_recover = tp->snd_max;
	tp->t_flags |= TF_INRECOVERY;
	onxt = tp->snd_nxt;
	tp->t_timer[TCPT_REXMT] = 0;
	tp->t_rtt = 0;
	tp->snd_nxt = tp->snd_una;
	tp->snd_cwnd = tp->t_maxseg;
	(void)tcp_output(tp);
	tp->snd_cwnd = tp->snd_ssthresh + tcprexmtthresh * tp->t_maxseg;
	if (SEQ_GT(onxt, tp->snd_nxt))
		tp->snd_nxt = onxt;
}

/*
 * A LISTEN socket got a SYN: make the embryonic connection (SYN_RECEIVED)
 * on its partial queue.  Returns the new tcpcb, or NULL (segment dropped).
 */
static struct tcpcb *
tcp_passive_open(struct socket *so, struct tcpiphdr *ti, u_char *optp, int optlen,
    int *ts_present, u_long *ts_val, u_long *ts_ecr)
{
	struct socket *so2;
	struct inpcb *inp;
	struct tcpcb *tp;
	struct mbuf *am;
	struct sockaddr_in *sin;

	so2 = sonewconn(so, 0);
	if (so2 == NULL) {
		tcpstat.tcps_listendrop++;
		return NULL;
	}
	inp = sotoinpcb(so2);
	inp->inp_laddr = ti->ti_dst;
	inp->inp_lport = ti->ti_dport;
	am = m_get(M_DONTWAIT, MT_SONAME);
	if (am == NULL)
		goto fail;
	am->m_len = sizeof(struct sockaddr_in);
	sin = mtod(am, struct sockaddr_in *);
	bzero(sin, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_len = sizeof(*sin);
	sin->sin_addr = ti->ti_src;
	sin->sin_port = ti->ti_sport;
	if (in_pcbconnect(inp, am)) {
		(void)m_free(am);
		goto fail;
	}
	(void)m_free(am);
	tp = intotcpcb(inp);
	tp->t_template = tcp_template(tp);
	if (tp->t_template == NULL)
		goto fail;
	tcp_choose_rscale(tp, so2);
	(void)tcp_mss(tp, 0);
	if (optp)
		tcp_dooptions(tp, optp, optlen, ti, ts_present, ts_val, ts_ecr);
	tp->iss = (tcp_seq)random();
	tp->irs = ti->ti_seq;
	tcp_sendseqinit(tp);
	tcp_rcvseqinit(tp);
	tp->t_flags |= TF_ACKNOW;
	tp->t_state = TCPS_SYN_RECEIVED;
	tp->t_timer[TCPT_KEEP] = TCPTV_KEEP_INIT;
	tcpstat.tcps_accepts++;
	return tp;
fail:
	/* the new socket is still on the partial queue: abort frees it */
	(void)soabort(so2);
	return NULL;
}

void
tcp_input(struct mbuf *m, int iphlen)
{
	struct tcpiphdr tih, *ti = &tih;	/* the header, host-order fields */
	u_char optbuf[40], *optp = NULL;
	int optlen = 0;
	struct inpcb *inp;
	int len, tlen, off;
	struct tcpcb *tp = NULL;
	int tiflags;
	struct socket *so = NULL;
	int todrop, ourfinisacked, needoutput = 0;
	u_long tiwin;
	int ostate = 0;			/* the state before this segment (SO_DEBUG) */
	int ts_present = 0;		/* the segment's timestamp option */
	u_long ts_val = 0, ts_ecr = 0;
	int seglen;			/* data length as received, before trimming */

	tcpstat.tcps_rcvtotal++;
	/* strip IP options: the tcpiphdr overlay assumes a plain IP header */
	if (iphlen > (int)sizeof(struct ip)) {
		ip_stripoptions(m, NULL);
		iphlen = sizeof(struct ip);
	}
	if (m->m_pkthdr.len < (int)sizeof(struct tcpiphdr)) {
		tcpstat.tcps_rcvshort++;
		goto drop;
	}
	if (m->m_len < (int)sizeof(struct tcpiphdr) &&
	    (m = m_pullup(m, sizeof(struct tcpiphdr))) == NULL) {
		tcpstat.tcps_rcvshort++;
		return;
	}

	/* checksum over pseudo-header and segment */
	{
		struct tcpiphdr *hp = mtod(m, struct tcpiphdr *);

		tlen = ((struct ip *)hp)->ip_len;
		if (tlen + (int)sizeof(struct ip) > m->m_pkthdr.len) {
			tcpstat.tcps_rcvshort++;
			goto drop;
		}
		len = sizeof(struct ip) + tlen;
		bzero(hp->ti_x1, sizeof(hp->ti_x1));
		hp->ti_len = htons((u_short)tlen);
		if (in_cksum(m, len) != 0) {
			tcpstat.tcps_rcvbadsum++;
			goto drop;
		}
		/* data offset: at least the header, at most the segment */
		off = hp->ti_off << 2;
		if (off < (int)sizeof(struct tcphdr) || off > tlen) {
			tcpstat.tcps_rcvbadoff++;
			goto drop;
		}
	}
	/* copy the header and options out, and leave only the data in m */
	m_copydata(m, 0, sizeof(struct tcpiphdr), (caddr_t)ti);
	optlen = off - sizeof(struct tcphdr);
	if (optlen > 0) {
		m_copydata(m, sizeof(struct tcpiphdr), optlen, (caddr_t)optbuf);
		optp = optbuf;
	}
	m_adj(m, sizeof(struct ip) + off);
	tlen -= off;
	ti->ti_len = tlen;
	seglen = tlen;
	tiflags = ti->ti_flags;

	NTOHL(ti->ti_seq);
	NTOHL(ti->ti_ack);
	NTOHS(ti->ti_win);
	NTOHS(ti->ti_urp);

	/* no TCP to or from broadcast or multicast addresses */
	if ((m->m_flags & (M_BCAST|M_MCAST)) ||
	    in_broadcast(ti->ti_dst, m->m_pkthdr.rcvif) ||
	    IN_MULTICAST(ntohl(ti->ti_dst.s_addr)) ||
	    in_broadcast(ti->ti_src, NULL) ||
	    IN_MULTICAST(ntohl(ti->ti_src.s_addr)))
		goto drop;

findpcb:
	inp = in_pcblookup(&tcb, ti->ti_src, ti->ti_sport,
	    ti->ti_dst, ti->ti_dport, INPLOOKUP_WILDCARD);
	if (inp == NULL) {
		tcpstat.tcps_noport++;
		goto dropwithreset;
	}
	tp = intotcpcb(inp);
	if (tp == NULL)
		goto dropwithreset;
	if (tp->t_state == TCPS_CLOSED)
		goto drop;
	ostate = tp->t_state;

	/* the window field is scaled except on a SYN (RFC 7323 2.2) */
	if (tiflags & TH_SYN)
		tiwin = ti->ti_win;
	else
		tiwin = (u_long)ti->ti_win << tp->snd_scale;

	so = inp->inp_socket;
	if (so->so_options & SO_ACCEPTCONN) {
		/* LISTEN: only a SYN without ACK or RST makes a connection */
		if (tiflags & TH_RST)
			goto drop;
		if (tiflags & TH_ACK)
			goto dropwithreset;
		if ((tiflags & TH_SYN) == 0)
			goto drop;
		tp = tcp_passive_open(so, ti, optp, optlen, &ts_present, &ts_val, &ts_ecr);
		if (tp == NULL)
			goto drop;
		inp = tp->t_inpcb;
		so = inp->inp_socket;
		tp->rcv_wnd = MAX(sbspace(&so->so_rcv), 0);
		goto trimthenstep6;
	}

	if (optp)
		tcp_dooptions(tp, optp, optlen, ti, &ts_present, &ts_val, &ts_ecr);

	/* Any segment resets the idle and keepalive clocks. */
	tp->t_idle = 0;
	if (tp->t_state >= TCPS_ESTABLISHED)
		tp->t_timer[TCPT_KEEP] = tcp_keepidle;

	/* the receive window: what the socket can take, never less than advertised */
	{
		long win = sbspace(&so->so_rcv);

		if (win < 0)
			win = 0;
		tp->rcv_wnd = MAX((u_long)win, tp->rcv_adv - tp->rcv_nxt);
	}

	switch (tp->t_state) {
	/*
	 * SYN_SENT: expect a SYN (and an ACK of ours).  An unacceptable ACK
	 * draws a RST; a RST with an acceptable ACK means refused.
	 */
	case TCPS_SYN_SENT:
		if ((tiflags & TH_ACK) &&
		    (SEQ_LEQ(ti->ti_ack, tp->iss) || SEQ_GT(ti->ti_ack, tp->snd_max)))
			goto dropwithreset;
		if (tiflags & TH_RST) {
			if (tiflags & TH_ACK) {
				tcpstat.tcps_rcvrst++;
				tp = tcp_drop(tp, ECONNREFUSED);
			}
			goto drop;
		}
		if ((tiflags & TH_SYN) == 0)
			goto drop;
		(void)tcp_mss(tp, 0);
		if (tiflags & TH_ACK) {
			tp->snd_una = ti->ti_ack;
			if (SEQ_LT(tp->snd_nxt, tp->snd_una))
				tp->snd_nxt = tp->snd_una;
		}
		tp->t_timer[TCPT_REXMT] = 0;
		tp->irs = ti->ti_seq;
		tcp_rcvseqinit(tp);
		tp->t_flags |= TF_ACKNOW;
		if ((tiflags & TH_ACK) && SEQ_GT(tp->snd_una, tp->iss)) {
			tcpstat.tcps_connects++;
			soisconnected(so);
			tp->t_state = TCPS_ESTABLISHED;
			tp->t_timer[TCPT_KEEP] = tcp_keepidle;
			tcp_startscaling(tp);
			(void)tcp_reass(tp, 0, 0, 0, NULL);
			/* the SYN's RTT, unless it was retransmitted */
			if (tp->t_rtt)
				tcp_xmit_timer(tp, tp->t_rtt);
		} else
			tp->t_state = TCPS_SYN_RECEIVED;	/* simultaneous open */

trimthenstep6:
		/* the SYN takes one sequence number; data beyond the window goes */
		ti->ti_seq++;
		if ((u_long)ti->ti_len > tp->rcv_wnd) {
			todrop = ti->ti_len - tp->rcv_wnd;
			m_adj(m, -todrop);
			ti->ti_len = tp->rcv_wnd;
			tiflags &= ~TH_FIN;
			tcpstat.tcps_rcvpackafterwin++;
			tcpstat.tcps_rcvbyteafterwin += todrop;
		}
		tp->snd_wl1 = ti->ti_seq - 1;
		tp->rcv_up = ti->ti_seq;
		goto step6;
	}

	/*
	 * RFC 5961 3.2: a RST is acted on only if it is exactly at rcv_nxt;
	 * elsewhere in the window it gets a challenge ACK; outside, nothing.
	 */
	if (tiflags & TH_RST) {
		if (ti->ti_seq == tp->rcv_nxt) {
			tcpstat.tcps_rcvrst++;
			switch (tp->t_state) {
			case TCPS_SYN_RECEIVED:
				so->so_error = ECONNREFUSED;
				goto close;
			case TCPS_ESTABLISHED:
			case TCPS_FIN_WAIT_1:
			case TCPS_FIN_WAIT_2:
			case TCPS_CLOSE_WAIT:
				so->so_error = ECONNRESET;
			close:
				tp->t_state = TCPS_CLOSED;
				tp = tcp_close(tp);
				goto drop;
			case TCPS_CLOSING:
			case TCPS_LAST_ACK:
			case TCPS_TIME_WAIT:
				tp = tcp_close(tp);
				goto drop;
			}
		} else if (SEQ_GT(ti->ti_seq, tp->rcv_nxt) &&
		    SEQ_LT(ti->ti_seq, tp->rcv_nxt + MAX(tp->rcv_wnd, 1))) {
			tcpstat.tcps_challengeack++;
			tcp_respond(tp, ti, tp->rcv_nxt, tp->snd_nxt, TH_ACK);
		} else
			tcpstat.tcps_rcvbadrst++;
		goto drop;
	}

	/*
	 * PAWS (RFC 7323 5.3): a segment whose timestamp is older than the
	 * last one accepted is an old duplicate; ACK and drop it, unless
	 * ts_recent has been idle for so long that it is no longer valid.
	 */
	if (ts_present && (tp->t_flags & TF_RCVD_TSTMP) && tp->ts_recent &&
	    TSTMP_LT(ts_val, tp->ts_recent)) {
		if ((int)(tcp_now - tp->ts_recent_age) > TCP_PAWS_IDLE)
			tp->ts_recent = 0;
		else {
			tcpstat.tcps_rcvduppack++;
			tcpstat.tcps_rcvdupbyte += ti->ti_len;
			tcpstat.tcps_pawsdrop++;
			goto dropafterack;
		}
	}

	/* Trim what precedes the window (duplicates). */
	todrop = tp->rcv_nxt - ti->ti_seq;
	if (todrop > 0) {
		if (tiflags & TH_SYN) {
			tiflags &= ~TH_SYN;
			ti->ti_seq++;
			if (ti->ti_urp > 1)
				ti->ti_urp--;
			else
				tiflags &= ~TH_URG;
			todrop--;
		}
		if (todrop > ti->ti_len ||
		    (todrop == ti->ti_len && (tiflags & TH_FIN) == 0)) {
			/*
			 * Wholly duplicate: ACK it at once (the peer may have
			 * missed our ACK), and drop a duplicate FIN too.
			 */
			tcpstat.tcps_rcvduppack++;
			tcpstat.tcps_rcvdupbyte += ti->ti_len;
			tiflags &= ~TH_FIN;
			tp->t_flags |= TF_ACKNOW;
			todrop = ti->ti_len;
		} else {
			tcpstat.tcps_rcvpartduppack++;
			tcpstat.tcps_rcvpartdupbyte += todrop;
		}
		m_adj(m, todrop);
		ti->ti_seq += todrop;
		ti->ti_len -= todrop;
		if (ti->ti_urp > todrop)
			ti->ti_urp -= todrop;
		else {
			tiflags &= ~TH_URG;
			ti->ti_urp = 0;
		}
	}

	/* Data after the user closed: the peer must learn, with a RST. */
	if ((so->so_state & SS_NOFDREF) &&
	    tp->t_state > TCPS_CLOSE_WAIT && ti->ti_len) {
		tp = tcp_close(tp);
		tcpstat.tcps_rcvafterclose++;
		goto dropwithreset;
	}

	/* Trim what lies beyond the window. */
	todrop = (ti->ti_seq + ti->ti_len) - (tp->rcv_nxt + tp->rcv_wnd);
	if (todrop > 0) {
		tcpstat.tcps_rcvpackafterwin++;
		if (todrop >= ti->ti_len) {
			tcpstat.tcps_rcvbyteafterwin += ti->ti_len;
			/*
			 * A new SYN for a connection in TIME_WAIT may start a new
			 * incarnation (RFC 1122 4.2.2.13) if it is beyond the old
			 * sequence space.
			 */
			if ((tiflags & TH_SYN) && tp->t_state == TCPS_TIME_WAIT &&
			    SEQ_GT(ti->ti_seq, tp->rcv_nxt)) {
				tp = tcp_close(tp);
				goto findpcb;
			}
			/* a zero-window probe: ACK it */
			if (tp->rcv_wnd == 0 && ti->ti_seq == tp->rcv_nxt) {
				tp->t_flags |= TF_ACKNOW;
				tcpstat.tcps_rcvwinprobe++;
			} else
				goto dropafterack;
		} else
			tcpstat.tcps_rcvbyteafterwin += todrop;
		m_adj(m, -todrop);
		ti->ti_len -= todrop;
		tiflags &= ~(TH_PUSH|TH_FIN);
	}

	/*
	 * Remember the timestamp to echo: the segment's, if it covers the
	 * last ACK we sent (RFC 7323 4.3).
	 */
	if (ts_present && SEQ_LEQ(ti->ti_seq, tp->last_ack_sent) &&
	    SEQ_LT(tp->last_ack_sent, ti->ti_seq + ti->ti_len +
	    ((tiflags & (TH_SYN|TH_FIN)) != 0))) {
		tp->ts_recent_age = tcp_now;
		tp->ts_recent = ts_val;
	}

	/* RFC 5961 4.2: a SYN in a synchronized state gets a challenge ACK. */
	if (tiflags & TH_SYN) {
		tcpstat.tcps_challengeack++;
		goto dropafterack;
	}

	if ((tiflags & TH_ACK) == 0)
		goto drop;

	/* ACK processing */
	switch (tp->t_state) {
	case TCPS_SYN_RECEIVED:
		if (SEQ_GT(tp->snd_una, ti->ti_ack) || SEQ_GT(ti->ti_ack, tp->snd_max))
			goto dropwithreset;
		tcpstat.tcps_connects++;
		soisconnected(so);
		tp->t_state = TCPS_ESTABLISHED;
		tp->t_timer[TCPT_KEEP] = tcp_keepidle;
		tcp_startscaling(tp);
		tiwin = (u_long)ti->ti_win << tp->snd_scale;
		(void)tcp_reass(tp, 0, 0, 0, NULL);
		tp->snd_wl1 = ti->ti_seq - 1;
		/* FALLTHROUGH */

	case TCPS_ESTABLISHED:
	case TCPS_FIN_WAIT_1:
	case TCPS_FIN_WAIT_2:
	case TCPS_CLOSE_WAIT:
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
	case TCPS_TIME_WAIT:
		if (SEQ_LEQ(ti->ti_ack, tp->snd_una)) {
			/* a duplicate ACK: no data, same window, data outstanding */
			if (seglen == 0 && tiwin == tp->snd_wnd &&
			    ti->ti_ack == tp->snd_una &&
			    tp->t_timer[TCPT_REXMT] != 0 &&
			    (tiflags & TH_FIN) == 0) {
				tcpstat.tcps_rcvdupack++;
				tcp_dupack(tp);
				goto drop;
			}
			if ((tp->t_flags & TF_INRECOVERY) == 0)
				tp->t_dupacks = 0;
			break;
		}
		if (SEQ_GT(ti->ti_ack, tp->snd_max)) {
			tcpstat.tcps_rcvacktoomuch++;
			goto dropafterack;
		}
		ourfinisacked = tcp_newack(tp, so, ti->ti_ack, ts_present ? ts_ecr : 0);
		needoutput = 1;

		switch (tp->t_state) {
		case TCPS_FIN_WAIT_1:
			/*
			 * Our FIN is acked: FIN_WAIT_2.  If the user can receive no
			 * more, do not wait forever for the peer's FIN.
			 */
			if (ourfinisacked) {
				if (so->so_state & SS_CANTRCVMORE) {
					soisdisconnected(so);
					tp->t_timer[TCPT_2MSL] = tcp_maxidle;
				}
				tp->t_state = TCPS_FIN_WAIT_2;
			}
			break;
		case TCPS_CLOSING:
			if (ourfinisacked) {
				tp->t_state = TCPS_TIME_WAIT;
				tcp_canceltimers(tp);
				tp->t_timer[TCPT_2MSL] = 2 * tcp_msl;
				soisdisconnected(so);
			}
			break;
		case TCPS_LAST_ACK:
			if (ourfinisacked) {
				tp = tcp_close(tp);
				goto drop;
			}
			break;
		case TCPS_TIME_WAIT:
			/* only a retransmitted FIN arrives here: ACK, restart 2MSL */
			tp->t_timer[TCPT_2MSL] = 2 * tcp_msl;
			goto dropafterack;
		}
	}

step6:
	/* Window update, from a segment not older than the last one used. */
	if ((tiflags & TH_ACK) &&
	    (SEQ_LT(tp->snd_wl1, ti->ti_seq) ||
	    (tp->snd_wl1 == ti->ti_seq && (SEQ_LT(tp->snd_wl2, ti->ti_ack) ||
	    (tp->snd_wl2 == ti->ti_ack && tiwin > tp->snd_wnd))))) {
		if (ti->ti_len == 0 && tp->snd_wl2 == ti->ti_ack && tiwin > tp->snd_wnd)
			tcpstat.tcps_rcvwinupd++;
		tp->snd_wnd = tiwin;
		tp->snd_wl1 = ti->ti_seq;
		tp->snd_wl2 = ti->ti_ack;
		if (tp->snd_wnd > tp->max_sndwnd)
			tp->max_sndwnd = tp->snd_wnd;
		needoutput = 1;
	}

	/*
	 * Urgent data (RFC 793, RFC 1122 4.2.2.4): note where the urgent
	 * byte is (so_oobmark counts the bytes before it) and, unless
	 * SO_OOBINLINE, take it out of the stream into t_iobc.  A pointer
	 * that would reach past what the socket could ever hold is ignored.
	 */
	if ((tiflags & TH_URG) && ti->ti_urp && !TCPS_HAVERCVDFIN(tp->t_state)) {
		if ((u_long)ti->ti_urp + so->so_rcv.sb_cc > sb_max) {
			ti->ti_urp = 0;
			tiflags &= ~TH_URG;
		} else {
			if (SEQ_GT(ti->ti_seq + ti->ti_urp, tp->rcv_up)) {
				tp->rcv_up = ti->ti_seq + ti->ti_urp;
				so->so_oobmark = so->so_rcv.sb_cc +
				    (tp->rcv_up - tp->rcv_nxt) - 1;
				if (so->so_oobmark == 0)
					so->so_state |= SS_RCVATMARK;
				sohasoutofband(so);
				tp->t_oobflags &= ~(TCPOOB_HAVEDATA | TCPOOB_HADDATA);
			}
			/* the urgent byte is in this segment: pull it out */
			if (ti->ti_urp <= ti->ti_len &&
			    (so->so_options & SO_OOBINLINE) == 0)
				tcp_pulloutofband(so, ti, m);
		}
	} else if (SEQ_GT(tp->rcv_nxt, tp->rcv_up))
		tp->rcv_up = tp->rcv_nxt;

	/*
	 * Data: in order with an empty reassembly queue goes straight to the
	 * socket (ACK delayed); otherwise through tcp_reass (ACK now, so the
	 * sender sees duplicate ACKs for the hole).
	 */
	if ((ti->ti_len || (tiflags & TH_FIN)) && !TCPS_HAVERCVDFIN(tp->t_state)) {
		if (ti->ti_seq == tp->rcv_nxt && tp->t_segq == NULL &&
		    tp->t_state == TCPS_ESTABLISHED) {
			DELAY_ACK(tp);
			tp->rcv_nxt += ti->ti_len;
			tiflags &= TH_FIN;
			tcpstat.tcps_rcvpack++;
			tcpstat.tcps_rcvbyte += ti->ti_len;
			if (so->so_state & SS_CANTRCVMORE)
				m_freem(m);
			else
				sbappend(&so->so_rcv, m);
			sorwakeup(so);
		} else {
			tiflags = tcp_reass(tp, ti->ti_seq, ti->ti_len, tiflags & TH_FIN, m);
			tp->t_flags |= TF_ACKNOW;
		}
	} else {
		m_freem(m);
		tiflags &= ~TH_FIN;
	}
	m = NULL;

	/* FIN: the peer will send no more. */
	if (tiflags & TH_FIN) {
		if (!TCPS_HAVERCVDFIN(tp->t_state)) {
			socantrcvmore(so);
			tp->t_flags |= TF_ACKNOW;
			tp->rcv_nxt++;
		}
		switch (tp->t_state) {
		case TCPS_SYN_RECEIVED:
		case TCPS_ESTABLISHED:
			tp->t_state = TCPS_CLOSE_WAIT;
			break;
		case TCPS_FIN_WAIT_1:
			tp->t_state = TCPS_CLOSING;
			break;
		case TCPS_FIN_WAIT_2:
			tp->t_state = TCPS_TIME_WAIT;
			tcp_canceltimers(tp);
			tp->t_timer[TCPT_2MSL] = 2 * tcp_msl;
			soisdisconnected(so);
			break;
		case TCPS_TIME_WAIT:
			tp->t_timer[TCPT_2MSL] = 2 * tcp_msl;
			break;
		}
	}

	if (so->so_options & SO_DEBUG)
		tcp_trace(TA_INPUT, ostate, tp, ti, 0);
	if (needoutput || (tp->t_flags & TF_ACKNOW))
		(void)tcp_output(tp);
	return;

dropafterack:
	/* Drop the segment but ACK it (unless it is a RST). */
	if (tiflags & TH_RST)
		goto drop;
	m_freem(m);
	tp->t_flags |= TF_ACKNOW;
	(void)tcp_output(tp);
	return;

dropwithreset:
	/*
	 * Answer with a RST (RFC 793 "reset generation"), never to a RST and
	 * never to a broadcast.  The reply is built from the header copy.
	 */
	if ((tiflags & TH_RST) || (m->m_flags & (M_BCAST|M_MCAST)))
		goto drop;
	m_freem(m);
	if (tiflags & TH_ACK)
		tcp_respond(NULL, ti, (tcp_seq)0, ti->ti_ack, TH_RST);
	else {
		if (tiflags & TH_SYN)
			ti->ti_len++;
		if (tiflags & TH_FIN)
			ti->ti_len++;
		tcp_respond(NULL, ti, ti->ti_seq + ti->ti_len, (tcp_seq)0,
		    TH_RST|TH_ACK);
	}
	return;

drop:
	if (m)
		m_freem(m);
}
