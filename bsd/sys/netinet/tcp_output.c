/*
 * tcp_output.c - decide whether a segment should be sent now, and build
 * and send it.
 *
 * Design (4.4BSD's structure): compute what may be sent (the smaller of
 * the peer's window and the congestion window, less what is in flight),
 * then send if there is a full segment, if Nagle's rule (RFC 896, RFC
 * 1122 4.2.3.4) allows a short one (nothing unacknowledged, or
 * TCP_NODELAY), if a window update is worth sending (RFC 1122 4.2.3.3:
 * at least two segments or half the buffer), if an ACK is owed, or if a
 * SYN, FIN or RST is due.  Otherwise, with data queued but nothing in
 * flight, the persist timer probes a zero window.  SYN segments carry
 * the MSS option and, when requested, the window-scale option (RFC 7323).
 * Protected by splnet.
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
#include <netinet/ip_var.h>
#include <netinet/tcp.h>
#define TCPOUTFLAGS
#include <netinet/tcp_fsm.h>
#include <netinet/tcp_seq.h>
#include <netinet/tcp_timer.h>
#include <netinet/tcp_var.h>
#include <netinet/tcpip.h>
#include <netinet/tcp_debug.h>

#define MAX_TCPOPTLEN	20	/* MSS (4) + NOP, window scale (4) + timestamps (12) */

int
tcp_output(struct tcpcb *tp)
{
	struct socket *so = tp->t_inpcb->inp_socket;
	long len, win;
	int off, flags, error;
	struct mbuf *m;
	struct tcpiphdr *ti;
	u_char opt[MAX_TCPOPTLEN];
	unsigned optlen, hdrlen;
	int idle, sendalot;

	/*
	 * RFC 5681 4.1: after an idle period longer than the RTO, restart
	 * from the initial window rather than bursting a stale cwnd.
	 */
	idle = (tp->snd_max == tp->snd_una);
	if (idle && tp->t_idle >= tp->t_rxtcur)
		tp->snd_cwnd = MIN(tp->snd_cwnd,
		    MIN(4 * tp->t_maxseg, MAX(2 * tp->t_maxseg, 4380)));
again:
	sendalot = 0;
	off = tp->snd_nxt - tp->snd_una;
	win = MIN(tp->snd_wnd, tp->snd_cwnd);
	flags = tcp_outflags[tp->t_state];

	/* A forced probe sends one byte into a zero window (or a FIN). */
	if (tp->t_force) {
		if (win == 0) {
			if (off < (long)so->so_snd.sb_cc)
				flags &= ~TH_FIN;
			win = 1;
		} else {
			tp->t_timer[TCPT_PERSIST] = 0;
			tp->t_rxtshift = 0;
		}
	}

	len = MIN((long)so->so_snd.sb_cc, win) - off;
	if (len < 0) {
		/*
		 * The window shrank below what was sent: send nothing new,
		 * and if it is closed, pull snd_nxt back and let persist run.
		 */
		len = 0;
		if (win == 0) {
			tp->t_timer[TCPT_REXMT] = 0;
			tp->snd_nxt = tp->snd_una;
		}
	}
	if (len > tp->t_maxseg) {
		len = tp->t_maxseg;
		sendalot = 1;
	}
	if (SEQ_LT(tp->snd_nxt + len, tp->snd_una + so->so_snd.sb_cc))
		flags &= ~TH_FIN;

	win = sbspace(&so->so_rcv);

	/* Send data?  A full segment, or what Nagle's rule lets go. */
	if (len) {
		if (len == tp->t_maxseg)
			goto send;
		if ((idle || (tp->t_flags & TF_NODELAY)) &&
		    len + off >= (long)so->so_snd.sb_cc)
			goto send;
		if (tp->t_force)
			goto send;
		if (len >= (long)tp->max_sndwnd / 2 && tp->max_sndwnd > 0)
			goto send;
		if (SEQ_LT(tp->snd_nxt, tp->snd_max))
			goto send;
	}

	/* A window update worth sending? */
	if (win > 0) {
		long adv = MIN(win, (long)TCP_MAXWIN << tp->rcv_scale) -
		    (long)(tp->rcv_adv - tp->rcv_nxt);

		if (adv >= (long)(2 * tp->t_maxseg))
			goto send;
		if (2 * adv >= (long)so->so_rcv.sb_hiwat)
			goto send;
	}

	if (tp->t_flags & TF_ACKNOW)
		goto send;
	if (flags & (TH_SYN|TH_RST))
		goto send;
	/* urgent data to announce */
	if (SEQ_GT(tp->snd_up, tp->snd_una))
		goto send;
	/* a FIN not yet sent, or one to retransmit */
	if ((flags & TH_FIN) &&
	    ((tp->t_flags & TF_SENTFIN) == 0 || tp->snd_nxt == tp->snd_una))
		goto send;

	/*
	 * Data waits but nothing is in flight and no timer runs: the peer's
	 * window is closed, so probe it with the persist timer.
	 */
	if (so->so_snd.sb_cc && tp->t_timer[TCPT_REXMT] == 0 &&
	    tp->t_timer[TCPT_PERSIST] == 0) {
		tp->t_rxtshift = 0;
		tcp_setpersist(tp);
	}
	return 0;

send:
	optlen = 0;
	hdrlen = sizeof(struct tcpiphdr);
	if (flags & TH_SYN) {
		tp->snd_nxt = tp->iss;
		if ((tp->t_flags & TF_NOOPT) == 0) {
			u_short mss;

			mss = htons((u_short)tcp_mss(tp, 0));
			opt[0] = TCPOPT_MAXSEG;
			opt[1] = TCPOLEN_MAXSEG;
			bcopy(&mss, opt + 2, sizeof(mss));
			optlen = 4;
			/* offer window scaling in our SYN, or accept the peer's */
			if ((tp->t_flags & TF_REQ_SCALE) &&
			    ((flags & TH_ACK) == 0 || (tp->t_flags & TF_RCVD_SCALE))) {
				opt[optlen++] = TCPOPT_NOP;
				opt[optlen++] = TCPOPT_WINDOW;
				opt[optlen++] = TCPOLEN_WINDOW;
				opt[optlen++] = tp->request_r_scale;
			}
		}
	}
	/*
	 * Timestamps (RFC 7323 3.2): offered in our SYN when we want them,
	 * and on every other segment once the peer's SYN carried them too.
	 */
	if ((tp->t_flags & (TF_REQ_TSTMP|TF_NOOPT)) == TF_REQ_TSTMP &&
	    (flags & TH_RST) == 0 &&
	    ((flags & (TH_SYN|TH_ACK)) == TH_SYN || (tp->t_flags & TF_RCVD_TSTMP))) {
		u_int32_t ts[3];

		ts[0] = htonl(TCPOPT_TSTAMP_HDR);
		ts[1] = htonl((u_int32_t)tcp_now);
		ts[2] = htonl((u_int32_t)tp->ts_recent);
		bcopy(ts, opt + optlen, sizeof(ts));
		optlen += TCPOLEN_TSTAMP_APPA;
	}
	hdrlen += optlen;
	if (len > tp->t_maxseg - (long)optlen) {
		len = tp->t_maxseg - optlen;
		sendalot = 1;
		flags &= ~TH_FIN;
	}

	if (len) {
		if (tp->t_force && len == 1)
			tcpstat.tcps_sndprobe++;
		else if (SEQ_LT(tp->snd_nxt, tp->snd_max)) {
			tcpstat.tcps_sndrexmitpack++;
			tcpstat.tcps_sndrexmitbyte += len;
		} else {
			tcpstat.tcps_sndpack++;
			tcpstat.tcps_sndbyte += len;
		}
	} else if (tp->t_flags & TF_ACKNOW)
		tcpstat.tcps_sndacks++;
	else if (flags & (TH_SYN|TH_FIN|TH_RST))
		tcpstat.tcps_sndctrl++;
	else if (SEQ_GT(tp->snd_up, tp->snd_una))
		tcpstat.tcps_sndurg++;
	else
		tcpstat.tcps_sndwinup++;

	MGETHDR(m, M_DONTWAIT, MT_HEADER);
	if (m == NULL) {
		error = ENOBUFS;
		goto out;
	}
	m->m_data += max_linkhdr;
	m->m_len = hdrlen;
	if (len) {
		if (len <= (long)MHLEN - (long)hdrlen - max_linkhdr) {
			m_copydata(so->so_snd.sb_mb, off, (int)len,
			    mtod(m, caddr_t) + hdrlen);
			m->m_len += len;
		} else {
			m->m_next = m_copym(so->so_snd.sb_mb, off, (int)len, M_DONTWAIT);
			if (m->m_next == NULL) {
				(void)m_free(m);
				error = ENOBUFS;
				goto out;
			}
		}
		/* push when this segment empties the send buffer */
		if (off + len == (long)so->so_snd.sb_cc)
			flags |= TH_PUSH;
	}
	m->m_pkthdr.rcvif = NULL;
	ti = mtod(m, struct tcpiphdr *);
	if (tp->t_template == NULL)
		panic("tcp_output");
	bcopy(tp->t_template, ti, sizeof(struct tcpiphdr));

	/* retransmitting a FIN: it occupies the sequence number before snd_max */
	if ((flags & TH_FIN) && (tp->t_flags & TF_SENTFIN) &&
	    tp->snd_nxt == tp->snd_max)
		tp->snd_nxt--;
	/* a pure ACK or window probe carries snd_max unless persisting */
	if (len || (flags & (TH_SYN|TH_FIN)) || tp->t_timer[TCPT_PERSIST])
		ti->ti_seq = htonl(tp->snd_nxt);
	else
		ti->ti_seq = htonl(tp->snd_max);
	ti->ti_ack = htonl(tp->rcv_nxt);
	if (optlen) {
		bcopy(opt, ti + 1, optlen);
		ti->ti_off = (sizeof(struct tcphdr) + optlen) >> 2;
	}
	ti->ti_flags = flags;

	/*
	 * The window to advertise: avoid silly windows (RFC 1122 4.2.3.3),
	 * never shrink what was advertised, scale it (RFC 7323 2.3).
	 */
	if (win < (long)(so->so_rcv.sb_hiwat / 4) && win < (long)tp->t_maxseg)
		win = 0;
	if (win > (long)TCP_MAXWIN << tp->rcv_scale)
		win = (long)TCP_MAXWIN << tp->rcv_scale;
	if (win < (long)(tp->rcv_adv - tp->rcv_nxt))
		win = (long)(tp->rcv_adv - tp->rcv_nxt);
	if (flags & TH_SYN)
		ti->ti_win = htons((u_short)MIN(win, TCP_MAXWIN));	/* never scaled */
	else
		ti->ti_win = htons((u_short)(win >> tp->rcv_scale));
	/*
	 * Urgent pointer: one past the last urgent byte, as 4.4BSD and
	 * Linux place it (RFC 6093 describes the two readings of RFC 793);
	 * a pointer too far for 16 bits is sent as far as it reaches.
	 */
	if (SEQ_GT(tp->snd_up, tp->snd_nxt)) {
		u_long up = tp->snd_up - tp->snd_nxt;

		ti->ti_urp = htons((u_short)MIN(up, 0xffff));
		ti->ti_flags |= TH_URG;
	} else
		tp->snd_up = tp->snd_una;	/* drag it along */

	/* checksum over the pseudo-header, header, options and data */
	if (len + optlen)
		ti->ti_len = htons((u_short)(sizeof(struct tcphdr) + optlen + len));
	m->m_pkthdr.len = hdrlen + len;
	ti->ti_sum = in_cksum(m, (int)(hdrlen + len));

	/* advance the send sequence and start the timers */
	if (tp->t_force == 0 || tp->t_timer[TCPT_PERSIST] == 0) {
		tcp_seq startseq = tp->snd_nxt;

		if (flags & (TH_SYN|TH_FIN)) {
			if (flags & TH_SYN)
				tp->snd_nxt++;
			if (flags & TH_FIN) {
				tp->snd_nxt++;
				tp->t_flags |= TF_SENTFIN;
			}
		}
		tp->snd_nxt += len;
		if (SEQ_GT(tp->snd_nxt, tp->snd_max)) {
			tp->snd_max = tp->snd_nxt;
			/* time this segment if nothing is being timed */
			if (tp->t_rtt == 0) {
				tp->t_rtt = 1;
				tp->t_rtseq = startseq;
				tcpstat.tcps_segstimed++;
			}
		}
		if (tp->t_timer[TCPT_REXMT] == 0 && tp->snd_nxt != tp->snd_una) {
			tp->t_timer[TCPT_REXMT] = tp->t_rxtcur;
			if (tp->t_timer[TCPT_PERSIST]) {
				tp->t_timer[TCPT_PERSIST] = 0;
				tp->t_rxtshift = 0;
			}
		}
	} else if (SEQ_GT(tp->snd_nxt + len, tp->snd_max))
		tp->snd_max = tp->snd_nxt + len;

	((struct ip *)ti)->ip_len = m->m_pkthdr.len;
	((struct ip *)ti)->ip_ttl = tp->t_inpcb->inp_ip.ip_ttl;
	((struct ip *)ti)->ip_tos = tp->t_inpcb->inp_ip.ip_tos;
	((struct ip *)ti)->ip_off = 0;
	if (so->so_options & SO_DEBUG)
		tcp_trace(TA_OUTPUT, tp->t_state, tp, ti, 0);
	error = ip_output(m, tp->t_inpcb->inp_options, &tp->t_inpcb->inp_route,
	    so->so_options & SO_DONTROUTE, NULL);
	if (error) {
out:
		if (error == ENOBUFS) {
			/* local congestion: back off to one segment */
			tp->snd_cwnd = tp->t_maxseg;
			return 0;
		}
		if ((error == EHOSTUNREACH || error == ENETDOWN) &&
		    TCPS_HAVERCVDSYN(tp->t_state)) {
			tp->t_softerror = error;
			return 0;
		}
		return error;
	}
	tcpstat.tcps_sndtotal++;

	if (win > 0 && SEQ_GT(tp->rcv_nxt + win, tp->rcv_adv))
		tp->rcv_adv = tp->rcv_nxt + win;
	tp->last_ack_sent = tp->rcv_nxt;
	tp->t_flags &= ~(TF_ACKNOW|TF_DELACK);
	if (sendalot)
		goto again;
	return 0;
}

/* Arm the persist timer, backing off like the retransmit timer. */
void
tcp_setpersist(struct tcpcb *tp)
{
	int t = ((tp->t_srtt >> 2) + tp->t_rttvar) >> 1;

	if (tp->t_timer[TCPT_REXMT])
		panic("tcp_output REXMT");
	TCPT_RANGESET(tp->t_timer[TCPT_PERSIST], t * tcp_backoff[tp->t_rxtshift],
	    TCPTV_PERSMIN, TCPTV_PERSMAX);
	if (tp->t_rxtshift < TCP_MAXRXTSHIFT)
		tp->t_rxtshift++;
}
