/*
 * udp_usrreq.c - UDP (RFC 768): datagram input with checksum and
 * length checks, demultiplexing to sockets, output, and the user
 * requests.
 *
 * Design: udp_input() checks the datagram (length fields must agree
 * with IP's; a nonzero checksum must verify, RFC 1122 4.1.3.4), finds
 * the socket by in_pcblookup and appends the data with the sender's
 * address.  With no socket, ICMP port unreachable goes back (not for
 * broadcasts).  Checksums are always generated on output.  Every drop
 * is counted in udpstat.  Protected by splnet.
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
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <netinet/udp_var.h>

struct inpcb udb;
struct udpstat udpstat;
int udpcksum = 1;
u_long udp_sendspace = 9216;		/* really max datagram size */
u_long udp_recvspace = 40 * (1024 + sizeof(struct sockaddr_in));

static struct sockaddr_in udp_in = { sizeof(udp_in), AF_INET, 0, {0}, {0} };
static struct inpcb *udp_last_inpcb = &udb;

static int udp_output(struct inpcb *, struct mbuf *, struct mbuf *, struct mbuf *);

void
udp_init(void)
{
	udb.inp_next = udb.inp_prev = &udb;
	udp_last_inpcb = &udb;
}

void
udp_input(struct mbuf *m, int iphlen)
{
	struct ip *ip;
	struct udpiphdr *ui;
	struct inpcb *inp;
	struct ip save_ip;
	int len;

	udpstat.udps_ipackets++;
	/* strip options: the udpiphdr overlay needs a plain header */
	if (iphlen > (int)sizeof(struct ip)) {
		ip_stripoptions(m, NULL);
		iphlen = sizeof(struct ip);
	}
	if (m->m_pkthdr.len < iphlen + (int)sizeof(struct udphdr)) {
		udpstat.udps_hdrops++;
		goto bad;
	}
	if (m->m_len < iphlen + (int)sizeof(struct udphdr) &&
	    (m = m_pullup(m, iphlen + sizeof(struct udphdr))) == NULL) {
		udpstat.udps_hdrops++;
		return;
	}
	ip = mtod(m, struct ip *);
	ui = mtod(m, struct udpiphdr *);
	/* the UDP length must fit what IP delivered; trim IP padding after it */
	len = ntohs((u_short)ui->ui_ulen);
	if (len < (int)sizeof(struct udphdr) || ip->ip_len < len) {
		udpstat.udps_badlen++;
		goto bad;
	}
	if (ip->ip_len != len) {
		m_adj(m, len - ip->ip_len);
		ip->ip_len = len;
	}
	save_ip = *ip;
	if (udpcksum && ui->ui_sum) {
		bzero(ui->ui_x1, sizeof(ui->ui_x1));
		ui->ui_len = ui->ui_ulen;
		if (in_cksum(m, len + sizeof(struct ip)) != 0) {
			udpstat.udps_badsum++;
			goto bad;
		}
	}
	/* (broadcast delivery to several sockets is not implemented: first match) */
	inp = udp_last_inpcb;
	if (inp->inp_lport != ui->ui_dport || inp->inp_fport != ui->ui_sport ||
	    inp->inp_faddr.s_addr != ui->ui_src.s_addr ||
	    inp->inp_laddr.s_addr != ui->ui_dst.s_addr) {
		inp = in_pcblookup(&udb, ui->ui_src, ui->ui_sport,
		    ui->ui_dst, ui->ui_dport, INPLOOKUP_WILDCARD);
		if (inp)
			udp_last_inpcb = inp;
	}
	if (inp == NULL || inp == &udb) {
		udpstat.udps_noport++;
		if (m->m_flags & (M_BCAST|M_MCAST)) {
			udpstat.udps_noportbcast++;
			goto bad;
		}
		*ip = save_ip;
		ip->ip_len += iphlen;
		icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_PORT, 0, NULL);
		return;
	}
	udp_in.sin_port = ui->ui_sport;
	udp_in.sin_addr = ui->ui_src;
	iphlen += sizeof(struct udphdr);
	m->m_len -= iphlen;
	m->m_pkthdr.len -= iphlen;
	m->m_data += iphlen;
	if (sbappendaddr(&inp->inp_socket->so_rcv, (struct sockaddr *)&udp_in,
	    m, NULL) == 0) {
		udpstat.udps_fullsock++;
		goto bad;
	}
	sorwakeup(inp->inp_socket);
	return;
bad:
	m_freem(m);
}

/* Report an error to a socket, as from ICMP. */
static void
udp_notify(struct inpcb *inp, int errno_)
{
	inp->inp_socket->so_error = errno_;
	sorwakeup(inp->inp_socket);
	sowwakeup(inp->inp_socket);
}

void
udp_ctlinput(int cmd, struct sockaddr *sa, void *vip)
{
	struct ip *ip = vip;
	struct udphdr *uh;
	extern u_char inetctlerrmap[];

	if ((unsigned)cmd >= PRC_NCMDS || inetctlerrmap[cmd] == 0)
		return;
	if (ip) {
		uh = (struct udphdr *)((caddr_t)ip + (ip->ip_hl << 2));
		in_pcbnotify(&udb, sa, uh->uh_dport, ip->ip_src, uh->uh_sport,
		    cmd, udp_notify);
	} else
		in_pcbnotify(&udb, sa, 0, zeroin_addr, 0, cmd, udp_notify);
}

/*
 * Send m to addr (or to the connected peer when addr is NULL).  A
 * temporary connect gives an unconnected socket its source address.
 */
static int
udp_output(struct inpcb *inp, struct mbuf *m, struct mbuf *addr,
    struct mbuf *control)
{
	struct udpiphdr *ui;
	int len = m->m_pkthdr.len;
	struct in_addr laddr = inp->inp_laddr;
	int s = 0, error = 0;

	if (control)
		m_freem(control);
	if (addr) {
		laddr = inp->inp_laddr;
		if (inp->inp_faddr.s_addr != INADDR_ANY) {
			error = EISCONN;
			goto release;
		}
		s = splnet();
		error = in_pcbconnect(inp, addr);
		if (error) {
			splx(s);
			goto release;
		}
	} else {
		if (inp->inp_faddr.s_addr == INADDR_ANY) {
			error = ENOTCONN;
			goto release;
		}
	}
	if (len + sizeof(struct udpiphdr) > IP_MAXPACKET) {
		error = EMSGSIZE;
		goto disconnect;
	}
	M_PREPEND(m, sizeof(struct udpiphdr), M_DONTWAIT);
	if (m == NULL) {
		error = ENOBUFS;
		goto disconnect;
	}
	ui = mtod(m, struct udpiphdr *);
	bzero(ui->ui_x1, sizeof(ui->ui_x1));
	ui->ui_pr = IPPROTO_UDP;
	ui->ui_len = htons((u_short)len + sizeof(struct udphdr));
	ui->ui_src = inp->inp_laddr;
	ui->ui_dst = inp->inp_faddr;
	ui->ui_sport = inp->inp_lport;
	ui->ui_dport = inp->inp_fport;
	ui->ui_ulen = ui->ui_len;
	ui->ui_sum = 0;
	if (udpcksum) {
		if ((ui->ui_sum = in_cksum(m, sizeof(struct udpiphdr) + len)) == 0)
			ui->ui_sum = 0xffff;
	}
	((struct ip *)ui)->ip_len = sizeof(struct udpiphdr) + len;
	((struct ip *)ui)->ip_ttl = inp->inp_ip.ip_ttl;
	((struct ip *)ui)->ip_tos = inp->inp_ip.ip_tos;
	((struct ip *)ui)->ip_off = 0;
	udpstat.udps_opackets++;
	error = ip_output(m, inp->inp_options, &inp->inp_route,
	    inp->inp_socket->so_options & (SO_DONTROUTE | SO_BROADCAST), NULL);
	m = NULL;
disconnect:
	if (addr) {
		in_pcbdisconnect(inp);
		inp->inp_laddr = laddr;
		splx(s);
	}
release:
	if (m)
		m_freem(m);
	return error;
}

int
udp_usrreq(struct socket *so, int req, struct mbuf *m, struct mbuf *addr,
    struct mbuf *control)
{
	struct inpcb *inp = sotoinpcb(so);
	int error = 0;
	int s;

	if (req == PRU_CONTROL)
		return in_control(so, (u_long)m, (caddr_t)addr, (struct ifnet *)control);
	if (inp == NULL && req != PRU_ATTACH) {
		error = EINVAL;
		goto release;
	}
	switch (req) {
	case PRU_ATTACH:
		if (inp != NULL) {
			error = EINVAL;
			break;
		}
		s = splnet();
		error = in_pcballoc(so, &udb);
		splx(s);
		if (error)
			break;
		error = soreserve(so, udp_sendspace, udp_recvspace);
		if (error)
			break;
		((struct inpcb *)so->so_pcb)->inp_ip.ip_ttl = ip_defttl;
		break;
	case PRU_DETACH:
		s = splnet();
		if (inp == udp_last_inpcb)
			udp_last_inpcb = &udb;
		in_pcbdetach(inp);
		splx(s);
		break;
	case PRU_BIND:
		s = splnet();
		error = in_pcbbind(inp, addr);
		splx(s);
		break;
	case PRU_LISTEN:
		error = EOPNOTSUPP;
		break;
	case PRU_CONNECT:
		if (inp->inp_faddr.s_addr != INADDR_ANY) {
			error = EISCONN;
			break;
		}
		s = splnet();
		error = in_pcbconnect(inp, addr);
		splx(s);
		if (error == 0)
			soisconnected(so);
		break;
	case PRU_CONNECT2:
	case PRU_ACCEPT:
		error = EOPNOTSUPP;
		break;
	case PRU_DISCONNECT:
		if (inp->inp_faddr.s_addr == INADDR_ANY) {
			error = ENOTCONN;
			break;
		}
		s = splnet();
		in_pcbdisconnect(inp);
		inp->inp_laddr.s_addr = INADDR_ANY;
		splx(s);
		so->so_state &= ~SS_ISCONNECTED;
		break;
	case PRU_SHUTDOWN:
		socantsendmore(so);
		break;
	case PRU_SEND:
		return udp_output(inp, m, addr, control);
	case PRU_ABORT:
		soisdisconnected(so);
		if (inp == udp_last_inpcb)
			udp_last_inpcb = &udb;
		in_pcbdetach(inp);
		break;
	case PRU_SOCKADDR:
		in_setsockaddr(inp, addr);
		break;
	case PRU_PEERADDR:
		in_setpeeraddr(inp, addr);
		break;
	case PRU_SENSE:
		return 0;
	case PRU_SENDOOB:
	case PRU_FASTTIMO:
	case PRU_SLOWTIMO:
	case PRU_PROTORCV:
	case PRU_PROTOSEND:
	case PRU_RCVD:
	case PRU_RCVOOB:
		error = EOPNOTSUPP;
		break;
	default:
		panic("udp_usrreq");
	}
release:
	if (control)
		m_freem(control);
	if (m)
		m_freem(m);
	return error;
}
