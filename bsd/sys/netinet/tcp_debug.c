/*
 * tcp_debug.c - the TCP trace ring behind SO_DEBUG (Lite2's tcp_trace).
 *
 * tcp_trace() copies the segment and the connection after an event into
 * the next slot of tcp_debug[]; with tcpconsdebug set it also prints one
 * line per event.  Readers (a debugger, a test) walk the ring from
 * tcp_debx.  Protected by splnet, like the connections it records.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/socket.h>
#include <sys/socketvar.h>
#include <sys/protosw.h>
#include <net/route.h>
#include <net/if.h>
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
#include <netinet/tcp_debug.h>

struct tcp_debug tcp_debug[TCP_NDEBUG];
int tcp_debx;
int tcpconsdebug;

static const char *const tcp_actnames[] = { "input", "output", "user", "respond", "drop" };

void
tcp_trace(int act, int ostate, struct tcpcb *tp, struct tcpiphdr *ti, int req)
{
	struct tcp_debug *td = &tcp_debug[tcp_debx];

	if (++tcp_debx == TCP_NDEBUG)
		tcp_debx = 0;
	td->td_time = iptime();
	td->td_act = act;
	td->td_ostate = ostate;
	td->td_tcb = (caddr_t)tp;
	if (tp != NULL)
		td->td_cb = *tp;
	else
		bzero(&td->td_cb, sizeof(td->td_cb));
	if (ti != NULL)
		td->td_ti = *ti;
	else
		bzero(&td->td_ti, sizeof(td->td_ti));
	td->td_req = req;
	if (tcpconsdebug && act >= 0 && act <= TA_DROP)
		printf("tcp %p %s: state %d -> %d, seq %u ack %u len %d flags %x\n",
		    (void *)tp, tcp_actnames[act], ostate,
		    tp != NULL ? tp->t_state : -1,
		    ti != NULL ? (u_int)ti->ti_seq : 0,
		    ti != NULL ? (u_int)ti->ti_ack : 0,
		    ti != NULL ? (int)ti->ti_len : 0,
		    ti != NULL ? ti->ti_flags : 0);
}
