/*
 * if_ether.c - ARP (RFC 826): resolve IPv4 next hops to Ethernet
 * addresses, answer requests for our addresses, and expire the cache.
 *
 * Design: the cache is a fixed table of ARP_TABLESIZE llinfo_arp
 * entries (a full table recycles the entry closest to expiry).  A packet
 * to an unresolved address is held (only the newest, as RFC 1122 2.3.2.2
 * allows; we keep up to ARP_MAXHOLD) while requests go out once a second, at most arp_maxtries
 * times; then the entry and its packet are dropped.  A resolved entry
 * lives arpt_keep slow ticks.  Time is arp_ticks, advanced by
 * arp_slowtimo() (PR_SLOWHZ times a second).  Every malformed packet is
 * counted in arpstat and dropped.  Protected by splnet.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/socket.h>
#include <sys/protosw.h>
#include <sys/syslog.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/in_var.h>
#include <netinet/if_ether.h>

struct arpstat arpstat;
int arpt_keep = 20 * 60 * PR_SLOWHZ;	/* resolved entries live 20 minutes */
int arp_maxtries = 5;			/* requests before giving up */
long arp_ticks;				/* slow ticks since start */

static struct llinfo_arp arptab[ARP_TABLESIZE];

static void arpfree(struct llinfo_arp *);
static void in_arpinput(struct mbuf *);

struct llinfo_arp *
arp_lookup(u_int32_t addr)
{
	int i;

	for (i = 0; i < ARP_TABLESIZE; i++)
		if (arptab[i].la_addr.s_addr == addr && addr != 0)
			return &arptab[i];
	return NULL;
}

/* Find or make the entry for addr (a full table recycles one). */
static struct llinfo_arp *
arp_enter(u_int32_t addr, struct ifnet *ifp)
{
	struct llinfo_arp *la, *victim = NULL;
	int i;

	if ((la = arp_lookup(addr)) != NULL)
		return la;
	for (i = 0; i < ARP_TABLESIZE; i++) {
		la = &arptab[i];
		if (la->la_addr.s_addr == 0)
			goto use;
		if (victim == NULL || la->la_expire < victim->la_expire)
			victim = la;
	}
	arpstat.as_tablefull++;
	la = victim;
	arpfree(la);
use:
	bzero(la, sizeof(*la));
	la->la_addr.s_addr = addr;
	la->la_ifp = ifp;
	la->la_expire = arp_ticks + arpt_keep;
	return la;
}

/* Drop the packets an entry holds. */
static void
arp_dropheld(struct llinfo_arp *la)
{
	struct mbuf *m;

	while ((m = la->la_hold) != NULL) {
		la->la_hold = m->m_nextpkt;
		m->m_nextpkt = NULL;
		m_freem(m);
		arpstat.as_dropped++;
	}
	la->la_holdlen = 0;
}

static void
arpfree(struct llinfo_arp *la)
{
	arp_dropheld(la);
	bzero(la, sizeof(*la));
}

/* Forget every entry (tests; interface reconfiguration). */
void
arp_flush(void)
{
	int i;

	for (i = 0; i < ARP_TABLESIZE; i++)
		if (arptab[i].la_addr.s_addr)
			arpfree(&arptab[i]);
}

/* Broadcast an ARP request or send a reply. */
static void
arp_send(struct arpcom *ac, int op, struct in_addr *sip, struct in_addr *tip,
    u_char *tha, u_char *dst_enaddr)
{
	struct mbuf *m;
	struct ether_header *eh;
	struct ether_arp *ea;
	struct sockaddr sa;

	if ((m = m_gethdr(M_DONTWAIT, MT_DATA)) == NULL)
		return;
	m->m_len = sizeof(*ea);
	m->m_pkthdr.len = sizeof(*ea);
	MH_ALIGN(m, sizeof(*ea));
	ea = mtod(m, struct ether_arp *);
	bzero(ea, sizeof(*ea));
	ea->arp_hrd = htons(ARPHRD_ETHER);
	ea->arp_pro = htons(ETHERTYPE_IP);
	ea->arp_hln = sizeof(ea->arp_sha);
	ea->arp_pln = sizeof(ea->arp_spa);
	ea->arp_op = htons(op);
	bcopy(ac->ac_enaddr, ea->arp_sha, sizeof(ea->arp_sha));
	bcopy(sip, ea->arp_spa, sizeof(ea->arp_spa));
	if (tha)
		bcopy(tha, ea->arp_tha, sizeof(ea->arp_tha));
	bcopy(tip, ea->arp_tpa, sizeof(ea->arp_tpa));
	bzero(&sa, sizeof(sa));
	sa.sa_family = AF_UNSPEC;
	sa.sa_len = sizeof(sa);
	eh = (struct ether_header *)sa.sa_data;
	bcopy(dst_enaddr, eh->ether_dhost, sizeof(eh->ether_dhost));
	eh->ether_type = htons(ETHERTYPE_ARP);
	if (op == ARPOP_REQUEST)
		arpstat.as_reqsent++;
	else
		arpstat.as_repsent++;
	(void)(*ac->ac_if.if_output)(&ac->ac_if, m, &sa, NULL);
}

/* Broadcast a request for the Ethernet address of addr. */
void
arpwhohas(struct arpcom *ac, struct in_addr *addr)
{
	arp_send(ac, ARPOP_REQUEST, &ac->ac_ipaddr, addr, NULL, etherbroadcastaddr);
}

/* Called when an interface gets an IPv4 address: announce it. */
void
arp_ifinit(struct arpcom *ac, struct ifaddr *ifa)
{
	ac->ac_ipaddr = IA_SIN(ifa)->sin_addr;
	arpwhohas(ac, &ac->ac_ipaddr);	/* gratuitous ARP */
}

/*
 * Resolve the IPv4 destination dst to an Ethernet address in desten.
 * Returns 1 if resolved.  Otherwise m is held (or freed) and a request
 * may go out; returns 0 and the caller must not touch m again.
 */
int
arpresolve(struct arpcom *ac, struct rtentry *rt, struct mbuf *m,
    struct sockaddr *dst, u_char *desten)
{
	struct llinfo_arp *la;
	struct in_addr addr = ((struct sockaddr_in *)dst)->sin_addr;

	(void)rt;
	if ((m->m_flags & M_BCAST) || in_broadcast(addr, &ac->ac_if)) {
		bcopy(etherbroadcastaddr, desten, 6);
		return 1;
	}
	if (IN_MULTICAST(ntohl(addr.s_addr))) {
		/* RFC 1112 6.4: map the low 23 bits into 01:00:5e */
		desten[0] = 0x01; desten[1] = 0x00; desten[2] = 0x5e;
		desten[3] = ((u_char *)&addr.s_addr)[1] & 0x7f;
		desten[4] = ((u_char *)&addr.s_addr)[2];
		desten[5] = ((u_char *)&addr.s_addr)[3];
		return 1;
	}
	la = arp_enter(addr.s_addr, &ac->ac_if);
	if (la->la_resolved && la->la_expire > arp_ticks) {
		bcopy(la->la_enaddr, desten, 6);
		return 1;
	}
	/* hold the packet, dropping the oldest when too many wait */
	if (la->la_holdlen >= ARP_MAXHOLD) {
		struct mbuf *old = la->la_hold;

		la->la_hold = old->m_nextpkt;
		old->m_nextpkt = NULL;
		m_freem(old);
		la->la_holdlen--;
		arpstat.as_dropped++;
	}
	m->m_nextpkt = NULL;
	if (la->la_hold == NULL)
		la->la_hold = m;
	else {
		struct mbuf *t = la->la_hold;

		while (t->m_nextpkt)
			t = t->m_nextpkt;
		t->m_nextpkt = m;
	}
	la->la_holdlen++;
	if (la->la_resolved) {
		/* expired: resolve afresh */
		la->la_resolved = 0;
		la->la_asked = 0;
	}
	if (la->la_asked == 0) {
		la->la_asked = 1;
		la->la_retry = arp_ticks + PR_SLOWHZ;
		la->la_expire = arp_ticks + arpt_keep;
		arpwhohas(ac, &addr);
	}
	return 0;
}

/* Software interrupt: process queued ARP packets. */
void
arpintr(void)
{
	struct mbuf *m;
	int s;

	for (;;) {
		s = splimp();
		IF_DEQUEUE(&arpintrq, m);
		splx(s);
		if (m == NULL)
			return;
		if (m->m_pkthdr.len < (int)sizeof(struct ether_arp) ||
		    (m = m_pullup(m, sizeof(struct ether_arp))) == NULL) {
			arpstat.as_badlen++;
			if (m)
				m_freem(m);
			continue;
		}
		in_arpinput(m);
	}
}

/*
 * An ARP packet arrived.  Learn the sender if it asks for us or is
 * already cached (RFC 826's merge), and answer requests for our address.
 */
static void
in_arpinput(struct mbuf *m)
{
	struct ether_arp *ea = mtod(m, struct ether_arp *);
	struct arpcom *ac = (struct arpcom *)m->m_pkthdr.rcvif;
	struct in_ifaddr *ia;
	struct llinfo_arp *la;
	struct in_addr isaddr, itaddr, myaddr;
	struct mbuf *hold;
	struct sockaddr_in sin;
	int op;

	if (ntohs(ea->arp_hrd) != ARPHRD_ETHER ||
	    ntohs(ea->arp_pro) != ETHERTYPE_IP ||
	    ea->arp_hln != 6 || ea->arp_pln != 4) {
		arpstat.as_badlen++;
		goto out;
	}
	op = ntohs(ea->arp_op);
	if (op != ARPOP_REQUEST && op != ARPOP_REPLY) {
		arpstat.as_badlen++;
		goto out;
	}
	if (ac == NULL || (ia = in_ifaddr_of(&ac->ac_if)) == NULL) {
		arpstat.as_badaddr++;
		goto out;
	}
	bcopy(ea->arp_spa, &isaddr, sizeof(isaddr));
	bcopy(ea->arp_tpa, &itaddr, sizeof(itaddr));
	myaddr = ia->ia_addr.sin_addr;
	if (bcmp(ea->arp_sha, ac->ac_enaddr, 6) == 0 ||
	    bcmp(ea->arp_sha, etherbroadcastaddr, 6) == 0 ||
	    (ea->arp_sha[0] & 1)) {
		/* our own packet echoed, or a bogus sender */
		arpstat.as_badaddr++;
		goto out;
	}
	if (isaddr.s_addr == myaddr.s_addr && isaddr.s_addr != 0) {
		arpstat.as_dupaddr++;
		log(LOG_ERR, "arp: address in use by another station\n");
		itaddr = myaddr;
		goto reply;
	}
	arpstat.as_received++;
	la = NULL;
	if (isaddr.s_addr != 0 && !in_broadcast(isaddr, &ac->ac_if) &&
	    !IN_MULTICAST(ntohl(isaddr.s_addr))) {
		la = arp_lookup(isaddr.s_addr);
		if (la == NULL && itaddr.s_addr == myaddr.s_addr)
			la = arp_enter(isaddr.s_addr, &ac->ac_if);
	}
	if (la) {
		bcopy(ea->arp_sha, la->la_enaddr, 6);
		la->la_resolved = 1;
		la->la_asked = 0;
		la->la_expire = arp_ticks + arpt_keep;
		hold = la->la_hold;
		la->la_hold = NULL;
		la->la_holdlen = 0;
		bzero(&sin, sizeof(sin));
		sin.sin_len = sizeof(sin);
		sin.sin_family = AF_INET;
		sin.sin_addr = isaddr;
		while (hold) {
			struct mbuf *next = hold->m_nextpkt;

			hold->m_nextpkt = NULL;
			(void)(*ac->ac_if.if_output)(&ac->ac_if, hold,
			    (struct sockaddr *)&sin, NULL);
			hold = next;
		}
	}
reply:
	if (op != ARPOP_REQUEST || itaddr.s_addr != myaddr.s_addr)
		goto out;
	arp_send(ac, ARPOP_REPLY, &myaddr, &isaddr, ea->arp_sha, ea->arp_sha);
out:
	m_freem(m);
}

/*
 * Once per slow tick: retry unanswered requests, give up on hopeless
 * ones, and expire old entries.
 */
void
arp_slowtimo(void)
{
	struct llinfo_arp *la;
	int i;

	arp_ticks++;
	for (i = 0; i < ARP_TABLESIZE; i++) {
		la = &arptab[i];
		if (la->la_addr.s_addr == 0)
			continue;
		if (!la->la_resolved && la->la_asked) {
			if (la->la_retry > arp_ticks)
				continue;
			if (la->la_asked >= arp_maxtries) {
				arpstat.as_expired++;
				arpfree(la);
				continue;
			}
			la->la_asked++;
			la->la_retry = arp_ticks + PR_SLOWHZ;
			arpwhohas((struct arpcom *)la->la_ifp, &la->la_addr);
		} else if (la->la_expire <= arp_ticks) {
			arpstat.as_expired++;
			arpfree(la);
		}
	}
}
