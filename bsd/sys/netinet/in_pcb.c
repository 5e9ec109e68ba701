/*
 * in_pcb.c - Internet protocol control blocks: allocation, binding to a
 * local address and port, connecting to a foreign one, lookup, and
 * notification of errors to the sockets concerned.
 *
 * Design: each protocol (UDP, TCP) keeps its PCBs on a circular list
 * whose head is a dummy inpcb.  Lookup walks the list and prefers the
 * most specific match (fewest wildcards).  Ephemeral ports are taken
 * from IPPORT_RESERVED..IPPORT_USERRESERVED, cycling, as 4.4BSD did.
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
#include <netinet/in_var.h>
#include <netinet/ip_var.h>

/* Does the socket of inp bypass routing (SO_DONTROUTE)? */
static int
so_dontroute(struct inpcb *inp)
{
	return (inp->inp_socket->so_options & SO_DONTROUTE) != 0;
}

int
in_pcballoc(struct socket *so, struct inpcb *head)
{
	struct inpcb *inp;

	MALLOC(inp, struct inpcb *, sizeof(*inp), M_PCB, M_WAITOK);
	if (inp == NULL)
		return ENOBUFS;
	bzero((caddr_t)inp, sizeof(*inp));
	inp->inp_head = head;
	inp->inp_socket = so;
	inp->inp_ip.ip_ttl = ip_defttl;
	/* insert after head */
	inp->inp_next = head->inp_next;
	inp->inp_prev = head;
	head->inp_next->inp_prev = inp;
	head->inp_next = inp;
	so->so_pcb = (caddr_t)inp;
	return 0;
}

/* The next ephemeral port not in use on this protocol's list. */
static u_short
in_pcb_anyport(struct inpcb *head, struct in_addr laddr, int wild)
{
	u_short lport;
	int tries;

	for (tries = 0; tries < IPPORT_USERRESERVED - IPPORT_RESERVED; tries++) {
		if (head->inp_lport++ < IPPORT_RESERVED ||
		    head->inp_lport > IPPORT_USERRESERVED)
			head->inp_lport = IPPORT_RESERVED;
		lport = htons(head->inp_lport);
		if (in_pcblookup(head, zeroin_addr, 0, laddr, lport, wild) == NULL)
			return lport;
	}
	return 0;
}

/* Bind inp to the local address in nam (or any address/port if NULL). */
int
in_pcbbind(struct inpcb *inp, struct mbuf *nam)
{
	struct socket *so = inp->inp_socket;
	struct inpcb *head = inp->inp_head;
	struct sockaddr_in *sin;
	u_short lport = 0;
	int wild = 0, reuseport = (so->so_options & SO_REUSEPORT);

	if (in_ifaddr == NULL)
		return EADDRNOTAVAIL;
	if (inp->inp_lport || inp->inp_laddr.s_addr != INADDR_ANY)
		return EINVAL;
	if ((so->so_options & (SO_REUSEADDR|SO_REUSEPORT)) == 0 &&
	    ((so->so_proto->pr_flags & PR_CONNREQUIRED) == 0 ||
	    (so->so_options & SO_ACCEPTCONN) == 0))
		wild = INPLOOKUP_WILDCARD;
	if (nam) {
		sin = mtod(nam, struct sockaddr_in *);
		if (nam->m_len != sizeof(*sin))
			return EINVAL;
		if (sin->sin_family != AF_INET)
			return EAFNOSUPPORT;
		lport = sin->sin_port;
		if (IN_MULTICAST(ntohl(sin->sin_addr.s_addr))) {
			if (so->so_options & SO_REUSEADDR)
				reuseport = SO_REUSEADDR|SO_REUSEPORT;
		} else if (sin->sin_addr.s_addr != INADDR_ANY) {
			sin->sin_port = 0;	/* match on the address alone */
			sin->sin_zero[0] = 0;
			if (ifa_ifwithaddr((struct sockaddr *)sin) == NULL)
				return EADDRNOTAVAIL;
		}
		if (lport) {
			struct inpcb *t;

			/*
			 * The port may be shared only if SO_REUSEADDR lets a
			 * listener and connections, or sockets on different local
			 * addresses, coexist.
			 */
			t = in_pcblookup(head, zeroin_addr, 0,
			    sin->sin_addr, lport, wild);
			if (t && (reuseport & t->inp_socket->so_options) == 0)
				return EADDRINUSE;
		}
		inp->inp_laddr = sin->sin_addr;
	}
	if (lport == 0 &&
	    (lport = in_pcb_anyport(head, inp->inp_laddr, wild)) == 0)
		return EADDRINUSE;
	inp->inp_lport = lport;
	return 0;
}

/*
 * Connect from a socket to a specified address.  Both address and port
 * must be specified.  If no local address was bound, the address of the
 * interface the route leaves by is taken.
 */
int
in_pcbconnect(struct inpcb *inp, struct mbuf *nam)
{
	struct in_ifaddr *ia;
	struct sockaddr_in *ifaddr = NULL;
	struct sockaddr_in *sin = mtod(nam, struct sockaddr_in *);

	if (nam->m_len != sizeof(*sin))
		return EINVAL;
	if (sin->sin_family != AF_INET)
		return EAFNOSUPPORT;
	if (sin->sin_port == 0)
		return EADDRNOTAVAIL;
	if (in_ifaddr) {
		/* connecting to INADDR_ANY means to ourselves (the primary address) */
		if (sin->sin_addr.s_addr == INADDR_ANY)
			sin->sin_addr = IA_SIN(in_ifaddr)->sin_addr;
	}
	if (inp->inp_laddr.s_addr == INADDR_ANY) {
		struct route *ro = &inp->inp_route;

		ia = NULL;
		if (ro->ro_rt &&
		    (((struct sockaddr_in *)&ro->ro_dst)->sin_addr.s_addr !=
		    sin->sin_addr.s_addr || (so_dontroute(inp)))) {
			RTFREE(ro->ro_rt);
			ro->ro_rt = NULL;
		}
		if (!so_dontroute(inp) && (ro->ro_rt == NULL || ro->ro_rt->rt_ifp == NULL)) {
			bzero(&ro->ro_dst, sizeof(ro->ro_dst));
			ro->ro_dst.sa_family = AF_INET;
			ro->ro_dst.sa_len = sizeof(struct sockaddr_in);
			((struct sockaddr_in *)&ro->ro_dst)->sin_addr = sin->sin_addr;
			rtalloc(ro);
		}
		if (ro->ro_rt && (ro->ro_rt->rt_ifp->if_flags & IFF_LOOPBACK) == 0)
			ia = ifatoia(ro->ro_rt->rt_ifa);
		if (ia == NULL) {
			u_short fport = sin->sin_port;

			sin->sin_port = 0;
			ia = ifatoia(ifa_ifwithdstaddr(sintosa(sin)));
			if (ia == NULL)
				ia = ifatoia(ifa_ifwithnet(sintosa(sin)));
			sin->sin_port = fport;
			if (ia == NULL && ro->ro_rt)
				ia = ifatoia(ro->ro_rt->rt_ifa);
			if (ia == NULL)
				ia = in_ifaddr;
			if (ia == NULL)
				return EADDRNOTAVAIL;
		}
		ifaddr = (struct sockaddr_in *)&ia->ia_addr;
	}
	if (in_pcblookup(inp->inp_head, sin->sin_addr, sin->sin_port,
	    inp->inp_laddr.s_addr ? inp->inp_laddr : ifaddr->sin_addr,
	    inp->inp_lport, 0))
		return EADDRINUSE;
	if (inp->inp_laddr.s_addr == INADDR_ANY) {
		if (inp->inp_lport == 0) {
			int error = in_pcbbind(inp, NULL);

			if (error)
				return error;
		}
		inp->inp_laddr = ifaddr->sin_addr;
	}
	inp->inp_faddr = sin->sin_addr;
	inp->inp_fport = sin->sin_port;
	return 0;
}

void
in_pcbdisconnect(struct inpcb *inp)
{
	inp->inp_faddr.s_addr = INADDR_ANY;
	inp->inp_fport = 0;
	if (inp->inp_socket->so_state & SS_NOFDREF)
		in_pcbdetach(inp);
}

int
in_pcbdetach(struct inpcb *inp)
{
	struct socket *so = inp->inp_socket;

	so->so_pcb = NULL;
	sofree(so);
	if (inp->inp_options)
		(void)m_free(inp->inp_options);
	if (inp->inp_route.ro_rt)
		rtfree(inp->inp_route.ro_rt);
	inp->inp_prev->inp_next = inp->inp_next;
	inp->inp_next->inp_prev = inp->inp_prev;
	FREE(inp, M_PCB);
	return 0;
}

static void
in_setaddr(struct mbuf *nam, struct in_addr addr, u_short port)
{
	struct sockaddr_in *sin;

	nam->m_len = sizeof(*sin);
	sin = mtod(nam, struct sockaddr_in *);
	bzero((caddr_t)sin, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_len = sizeof(*sin);
	sin->sin_port = port;
	sin->sin_addr = addr;
}

void
in_setsockaddr(struct inpcb *inp, struct mbuf *nam)
{
	in_setaddr(nam, inp->inp_laddr, inp->inp_lport);
}

void
in_setpeeraddr(struct inpcb *inp, struct mbuf *nam)
{
	in_setaddr(nam, inp->inp_faddr, inp->inp_fport);
}

/*
 * Pass an error (errno) to every connection to the foreign address in
 * dst (and port fport, if given), through notify.
 */
void
in_pcbnotify(struct inpcb *head, struct sockaddr *dst, u_int fport_arg,
    struct in_addr laddr, u_int lport_arg, int cmd,
    void (*notify)(struct inpcb *, int))
{
	extern u_char inetctlerrmap[];
	struct inpcb *inp, *oinp;
	struct in_addr faddr;
	u_short fport = fport_arg, lport = lport_arg;
	int errno_;

	if ((unsigned)cmd >= PRC_NCMDS || dst->sa_family != AF_INET)
		return;
	faddr = ((struct sockaddr_in *)dst)->sin_addr;
	if (faddr.s_addr == INADDR_ANY)
		return;
	/* redirects and quench only adjust routes; they raise no error */
	if (PRC_IS_REDIRECT(cmd) || cmd == PRC_HOSTDEAD) {
		fport = 0;
		lport = 0;
		laddr.s_addr = 0;
	}
	errno_ = inetctlerrmap[cmd];
	for (inp = head->inp_next; inp != head;) {
		if (inp->inp_faddr.s_addr != faddr.s_addr ||
		    inp->inp_socket == NULL ||
		    (lport && inp->inp_lport != lport) ||
		    (laddr.s_addr && inp->inp_laddr.s_addr != laddr.s_addr) ||
		    (fport && inp->inp_fport != fport)) {
			inp = inp->inp_next;
			continue;
		}
		oinp = inp;
		inp = inp->inp_next;
		if (notify)
			(*notify)(oinp, errno_);
	}
}

/* A connection's route may be bad: drop it so the next send looks again. */
void
in_losing(struct inpcb *inp)
{
	struct rtentry *rt;

	if ((rt = inp->inp_route.ro_rt) != NULL) {
		inp->inp_route.ro_rt = NULL;
		rtfree(rt);
	}
}

/* The route a connection's packets take, looked up if needed. */
struct rtentry *
in_pcbrtentry(struct inpcb *inp)
{
	struct route *ro = &inp->inp_route;

	if (ro->ro_rt == NULL && inp->inp_faddr.s_addr != INADDR_ANY) {
		bzero(&ro->ro_dst, sizeof(ro->ro_dst));
		ro->ro_dst.sa_family = AF_INET;
		ro->ro_dst.sa_len = sizeof(struct sockaddr_in);
		((struct sockaddr_in *)&ro->ro_dst)->sin_addr = inp->inp_faddr;
		rtalloc(ro);
	}
	return ro->ro_rt;
}

/*
 * Find the PCB for a (faddr, fport, laddr, lport) tuple.  With
 * INPLOOKUP_WILDCARD, PCBs with wildcard fields match too and the one
 * with the fewest wildcards wins.
 */
struct inpcb *
in_pcblookup(struct inpcb *head, struct in_addr faddr, u_int fport_arg,
    struct in_addr laddr, u_int lport_arg, int flags)
{
	struct inpcb *inp, *match = NULL;
	int matchwild = 3, wildcard;
	u_short fport = fport_arg, lport = lport_arg;

	for (inp = head->inp_next; inp != head; inp = inp->inp_next) {
		if (inp->inp_lport != lport)
			continue;
		wildcard = 0;
		if (inp->inp_laddr.s_addr != INADDR_ANY) {
			if (laddr.s_addr == INADDR_ANY)
				wildcard++;
			else if (inp->inp_laddr.s_addr != laddr.s_addr)
				continue;
		} else {
			if (laddr.s_addr != INADDR_ANY)
				wildcard++;
		}
		if (inp->inp_faddr.s_addr != INADDR_ANY) {
			if (faddr.s_addr == INADDR_ANY)
				wildcard++;
			else if (inp->inp_faddr.s_addr != faddr.s_addr ||
			    inp->inp_fport != fport)
				continue;
		} else {
			if (faddr.s_addr != INADDR_ANY)
				wildcard++;
		}
		if (wildcard && (flags & INPLOOKUP_WILDCARD) == 0)
			continue;
		if (wildcard < matchwild) {
			match = inp;
			matchwild = wildcard;
			if (matchwild == 0)
				break;
		}
	}
	return match;
}
