/*
 * tcp_timer.c - the TCP timers: delayed ACK (fast timeout, 200 ms),
 * and retransmission, persist, keepalive and 2MSL (slow timeout, 500 ms).
 *
 * Retransmission follows RFC 6298 (exponential backoff from an RTO of
 * at least 1 s, Karn's rule: no RTT sample from a retransmitted segment)
 * and RFC 5681 3.1 on a timeout (ssthresh = max(FlightSize/2, 2*SMSS),
 * cwnd = 1 SMSS).  Keepalive follows RFC 1122 4.2.3.6: off unless
 * SO_KEEPALIVE, probes after tcp_keepidle of silence, every
 * tcp_keepintvl, dropping the connection after tcp_keepcnt unanswered.
 * Protected by splnet.
 */
#include <sys/param.h>
#include <sys/systm.h>
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
#include <netinet/tcp.h>
#include <netinet/tcp_fsm.h>
#include <netinet/tcp_seq.h>
#include <netinet/tcp_timer.h>
#include <netinet/tcp_var.h>
#include <netinet/tcpip.h>

int tcp_keepidle = TCPTV_KEEP_IDLE;
int tcp_keepintvl = TCPTV_KEEPINTVL;
int tcp_keepcnt = TCPTV_KEEPCNT;
int tcp_maxidle = TCPTV_KEEPCNT * TCPTV_KEEPINTVL;
int tcp_msl = TCPTV_MSL;

int tcp_backoff[TCP_MAXRXTSHIFT + 1] =
    { 1, 2, 4, 8, 16, 32, 64, 64, 64, 64, 64, 64, 64 };

/* Fast timeout: send the ACKs that were being delayed. */
void
tcp_fasttimo(void)
{
	struct inpcb *inp;
	struct tcpcb *tp;
	int s = splnet();

	for (inp = tcb.inp_next; inp != &tcb; inp = inp->inp_next) {
		if ((tp = (struct tcpcb *)inp->inp_ppcb) != NULL &&
		    (tp->t_flags & TF_DELACK)) {
			tp->t_flags &= ~TF_DELACK;
			tp->t_flags |= TF_ACKNOW;
			tcpstat.tcps_delack++;
			(void)tcp_output(tp);
		}
	}
	splx(s);
}

/*
 * Slow timeout: count down every connection's timers and run those that
 * expire; advance the idle and RTT counters.
 */
void
tcp_slowtimo(void)
{
	struct inpcb *ip, *ipnxt;
	struct tcpcb *tp;
	int s = splnet();
	int i;

	tcp_maxidle = tcp_keepcnt * tcp_keepintvl;
	ip = tcb.inp_next;
	if (ip == NULL) {
		splx(s);
		return;
	}
	for (; ip != &tcb; ip = ipnxt) {
		ipnxt = ip->inp_next;
		tp = intotcpcb(ip);
		if (tp == NULL)
			continue;
		for (i = 0; i < TCPT_NTIMERS; i++) {
			if (tp->t_timer[i] && --tp->t_timer[i] == 0) {
				(void)tcp_usrreq(tp->t_inpcb->inp_socket,
				    PRU_SLOWTIMO, NULL, (struct mbuf *)(long)i, NULL);
				/* the connection (and ipnxt's predecessor) may be gone */
				if (ipnxt->inp_prev != ip)
					goto tpgone;
			}
		}
		tp->t_idle++;
		if (tp->t_rtt)
			tp->t_rtt++;
tpgone:
		;
	}
	tcp_now++;
	splx(s);
}

/* Cancel all timers of a connection. */
void
tcp_canceltimers(struct tcpcb *tp)
{
	int i;

	for (i = 0; i < TCPT_NTIMERS; i++)
		tp->t_timer[i] = 0;
}

/* A timer of tp expired: act on it.  Returns tp, or NULL if it closed. */
struct tcpcb *
tcp_timers(struct tcpcb *tp, int timer)
{
	int rexmt;
	u_long flight, win;

	switch (timer) {
	/*
	 * 2MSL timeout: close a TIME_WAIT connection; in FIN_WAIT_2, keep
	 * waiting while the peer stays active, else give up.
	 */
	case TCPT_2MSL:
		if (tp->t_state != TCPS_TIME_WAIT && tp->t_idle <= tcp_maxidle)
			tp->t_timer[TCPT_2MSL] = tcp_keepintvl;
		else
			tp = tcp_close(tp);
		break;

	/* Retransmission timeout: back off and resend from snd_una. */
	case TCPT_REXMT:
		if (++tp->t_rxtshift > TCP_MAXRXTSHIFT) {
			tp->t_rxtshift = TCP_MAXRXTSHIFT;
			tcpstat.tcps_timeoutdrop++;
			tp = tcp_drop(tp, tp->t_softerror ? tp->t_softerror : ETIMEDOUT);
			break;
		}
		tcpstat.tcps_rexmttimeo++;
		rexmt = TCP_REXMTVAL(tp) * tcp_backoff[tp->t_rxtshift];
		TCPT_RANGESET(tp->t_rxtcur, rexmt, tp->t_rttmin, TCPTV_REXMTMAX);
		tp->t_timer[TCPT_REXMT] = tp->t_rxtcur;
		/*
		 * After several backoffs the route may be bad: look it up
		 * again, and forget the RTT estimate (RFC 6298 5.7 allows it).
		 */
		if (tp->t_rxtshift > TCP_MAXRXTSHIFT / 4) {
			in_losing(tp->t_inpcb);
			tp->t_rttvar += (tp->t_srtt >> TCP_RTT_SHIFT);
			tp->t_srtt = 0;
		}
		tp->snd_nxt = tp->snd_una;
		/* Karn: do not time a retransmitted segment */
		tp->t_rtt = 0;
		/* RFC 5681 (4): ssthresh = max(FlightSize / 2, 2*SMSS), cwnd = LW */
		flight = tp->snd_max - tp->snd_una;
		win = MIN(tp->snd_wnd, flight) / 2;
		if (win < 2 * (u_long)tp->t_maxseg)
			win = 2 * tp->t_maxseg;
		tp->snd_ssthresh = win;
		tp->snd_cwnd = tp->t_maxseg;
		tp->t_dupacks = 0;
		tp->t_flags &= ~TF_INRECOVERY;
		tp->snd_recover = tp->snd_max;	/* RFC 6582 4.2 */
		(void)tcp_output(tp);
		break;

	/* Persist timeout: probe a zero window with one byte. */
	case TCPT_PERSIST:
		tcpstat.tcps_persisttimeo++;
		tcp_setpersist(tp);
		tp->t_force = 1;
		(void)tcp_output(tp);
		tp->t_force = 0;
		break;

	/* Keepalive, or connection-establishment, timeout. */
	case TCPT_KEEP:
		tcpstat.tcps_keeptimeo++;
		if (tp->t_state < TCPS_ESTABLISHED)
			goto dropit;
		if ((tp->t_inpcb->inp_socket->so_options & SO_KEEPALIVE) &&
		    tp->t_state <= TCPS_CLOSE_WAIT) {
			if (tp->t_idle >= tcp_keepidle + tcp_maxidle)
				goto dropit;
			/*
			 * Probe with a segment the peer must ACK: sequence
			 * snd_una - 1 and no data (RFC 1122 4.2.3.6 permits it).
			 */
			tcpstat.tcps_keepprobe++;
			tcp_respond(tp, tp->t_template, tp->rcv_nxt,
			    tp->snd_una - 1, TH_ACK);
			tp->t_timer[TCPT_KEEP] = tcp_keepintvl;
		} else
			tp->t_timer[TCPT_KEEP] = tcp_keepidle;
		break;
	dropit:
		tcpstat.tcps_keepdrops++;
		tp = tcp_drop(tp, ETIMEDOUT);
		break;
	}
	return tp;
}
