/*
 * in_proto.c - the Internet domain: its protocol switch table (IP, ICMP,
 * UDP, TCP) and the map from control notices to errors.
 *
 * Protocols with no handler here (any IP protocol number other than
 * ICMP, UDP and TCP) reach ip_noproto_input(), which answers with ICMP
 * protocol unreachable (RFC 1122 3.2.2.1) and counts the datagram.
 * There are no raw sockets: the SOCK_RAW entry has no user requests.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/socket.h>
#include <sys/protosw.h>
#include <sys/domain.h>
#include <sys/mbuf.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/in_systm.h>
#include <netinet/ip.h>
#include <netinet/ip_var.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <netinet/udp_var.h>
#include <netinet/tcp.h>
#include <netinet/tcp_fsm.h>
#include <netinet/tcp_seq.h>
#include <netinet/tcp_timer.h>
#include <netinet/tcp_var.h>

/* A datagram for a protocol we do not speak. */
static void
ip_noproto_input(struct mbuf *m, int hlen)
{
	struct ip *ip = mtod(m, struct ip *);

	ipstat.ips_noproto++;
	ipstat.ips_delivered--;
	ip->ip_len += hlen;	/* icmp_error wants the whole datagram length */
	icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_PROTOCOL, 0, NULL);
}

struct protosw inetsw[] = {
{ 0,		&inetdomain,	0,		0,
  0,		ip_output,	0,		0,
  0,
  ip_init,	0,		ip_slowtimo,	ip_drain,
},
{ SOCK_DGRAM,	&inetdomain,	IPPROTO_UDP,	PR_ATOMIC|PR_ADDR,
  udp_input,	0,		udp_ctlinput,	ip_ctloutput,
  udp_usrreq,
  udp_init,	0,		0,		0,
},
{ SOCK_STREAM,	&inetdomain,	IPPROTO_TCP,	PR_CONNREQUIRED|PR_WANTRCVD,
  tcp_input,	0,		tcp_ctlinput,	tcp_ctloutput,
  tcp_usrreq,
  tcp_init,	tcp_fasttimo,	tcp_slowtimo,	tcp_drain,
},
{ SOCK_RAW,	&inetdomain,	IPPROTO_ICMP,	PR_ATOMIC|PR_ADDR,
  icmp_input,	0,		0,		0,
  0,
  0,		0,		0,		0,
},
{ SOCK_RAW,	&inetdomain,	IPPROTO_RAW,	PR_ATOMIC|PR_ADDR,
  ip_noproto_input, 0,		0,		0,
  0,
  0,		0,		0,		0,
},
};

struct domain inetdomain = {
	AF_INET, "internet", 0, 0, 0,
	inetsw, &inetsw[sizeof(inetsw)/sizeof(inetsw[0])], 0,
	0, 0, 0
};

/* errno for each PRC_* notice (0: not an error for the socket) */
u_char inetctlerrmap[PRC_NCMDS] = {
	0,		0,		0,		0,
	0,		EMSGSIZE,	EHOSTDOWN,	EHOSTUNREACH,
	EHOSTUNREACH,	EHOSTUNREACH,	ECONNREFUSED,	ECONNREFUSED,
	EMSGSIZE,	EHOSTUNREACH,	0,		0,
	0,		0,		0,		0,
	ENOPROTOOPT
};
