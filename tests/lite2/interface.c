/*
 * The kernel interfaces Lite2's subsystem files call, declared here the
 * way 4.4BSD-Lite2's headers declare them (its prototypes are interface
 * facts), after our headers: a declaration that differs from ours is a
 * compile error.  tests/lite2_interface.rs compiles this file and checks
 * that every function and variable named in a LITE2_SYMBOLS line is
 * defined by the BSD C the build links.
 *
 * LITE2_SYMBOLS: nullop enodev enoioctl enxio eopnotsupp einval hashinit sleep
 * LITE2_SYMBOLS: sysctl_int sysctl_rdint sysctl_string sysctl_rdstring sysctl_rdstruct securelevel
 * LITE2_SYMBOLS: scanc skpc strcat mono_time psignal gsignal pfind selrecord selwakeup
 * LITE2_SYMBOLS: copystr copyinstr copyoutstr lockinit lockmgr lockstatus vget vn_lock
 * LITE2_SYMBOLS: mbinit m_clalloc m_retry m_retryhdr m_reclaim m_copym mbutl mclrefcnt mclfree kmem_malloc mb_map
 * LITE2_SYMBOLS: sofree soconnect2 sohasoutofband sowakeup sbwait sb_lock netio netcon netcls
 * LITE2_SYMBOLS: tcp_trace tcp_debug tcp_debx tcp_dooptions tcp_setpersist rt_missmsg rt_ifmsg rt_newaddrmsg
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/proc.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/socket.h>
#include <sys/socketvar.h>
#include <sys/protosw.h>
#include <sys/sysctl.h>
#include <sys/select.h>
#include <sys/signal.h>
#include <sys/lock.h>
#include <sys/vnode.h>
#include <vm/vm.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/in_systm.h>
#include <netinet/ip.h>
#include <netinet/in_pcb.h>
#include <netinet/ip_var.h>
#include <netinet/tcp.h>
#include <netinet/tcp_seq.h>
#include <netinet/tcp_timer.h>
#include <netinet/tcp_var.h>
#include <netinet/tcpip.h>
#include <netinet/tcp_debug.h>

/* sys/systm.h */
int	nullop(void);
int	enodev(void);
int	enoioctl(void);
int	enxio(void);
int	eopnotsupp(void);
int	einval(void);
void	*hashinit(int count, int type, u_long *hashmask);
extern int securelevel;
int	copystr(void *kfaddr, void *kdaddr, u_int len, u_int *done);
int	copyinstr(void *udaddr, void *kaddr, u_int len, u_int *done);
int	copyoutstr(void *kaddr, void *udaddr, u_int len, u_int *done);

/* sys/kernel.h */
extern volatile struct timeval mono_time;

/* sys/proc.h, sys/signal.h */
void	sleep(void *chan, int pri);
struct proc *pfind(pid_t pid);
void	psignal(struct proc *p, int sig);
void	gsignal(int pgid, int sig);

/* sys/lock.h */
void	lockinit(struct lock *, int prio, char *wmesg, int timo, int flags);
int	lockmgr(__volatile struct lock *, u_int flags, struct simplelock *, struct proc *p);
int	lockstatus(struct lock *);

/* sys/vnode.h */
int	vget(struct vnode *vp, int lockflag, struct proc *p);
int	vn_lock(struct vnode *vp, int flags, struct proc *p);

/* sys/select.h */
void	selrecord(struct proc *selector, struct selinfo *sip);
void	selwakeup(struct selinfo *sip);

/* sys/sysctl.h */
int	sysctl_int(void *, size_t *, void *, size_t, int *);
int	sysctl_rdint(void *, size_t *, void *, int);
int	sysctl_string(void *, size_t *, void *, size_t, char *, int);
int	sysctl_rdstring(void *, size_t *, void *, char *);
int	sysctl_rdstruct(void *, size_t *, void *, void *, int);

/* libkern/libkern.h */
int	scanc(u_int, u_char *, u_char *, int);
int	skpc(int, int, char *);
char	*strcat(char *, const char *);

/* sys/mbuf.h, vm */
void	mbinit(void);
int	m_clalloc(int, int);
struct mbuf *m_retry(int, int);
struct mbuf *m_retryhdr(int, int);
void	m_reclaim(void);
struct mbuf *m_copym(struct mbuf *, int, int, int);
extern struct mbuf *mbutl;
extern char *mclrefcnt;
extern union mcluster *mclfree;
vm_offset_t kmem_malloc(vm_map_t, vm_size_t, boolean_t);
extern vm_map_t mb_map;

/* sys/socketvar.h */
int	sofree(struct socket *so);
int	soconnect2(struct socket *so1, struct socket *so2);
void	sohasoutofband(struct socket *so);
void	sowakeup(struct socket *so, struct sockbuf *sb);
int	sbwait(struct sockbuf *sb);
int	sb_lock(struct sockbuf *sb);
extern char netio[], netcon[], netcls[];

/* netinet/tcp_var.h, netinet/tcp_debug.h */
void	tcp_trace(int, int, struct tcpcb *, struct tcpiphdr *, int);
void	tcp_dooptions(struct tcpcb *, u_char *, int, struct tcpiphdr *, int *, u_long *, u_long *);
void	tcp_setpersist(struct tcpcb *);

/* net/route.h */
void	rt_missmsg(int, struct rt_addrinfo *, int, int);
void	rt_ifmsg(struct ifnet *);
void	rt_newaddrmsg(int, struct ifaddr *, int, struct rtentry *);

/* Calls the way Lite2's files make them (compiled, never run). */
long
lite2_interface_calls(struct socket *so, struct tcpcb *tp, char *buf)
{
	u_long mask;
	u_int done;
	size_t len = sizeof(int);
	int ts_present, v = 0;
	u_long ts_val, ts_ecr;
	long n;

	n = nullop() + enodev() + enoioctl() + enxio() + eopnotsupp() + einval();
	(void)hashinit(16, M_TEMP, &mask);
	sleep(&securelevel, PZERO);
	n += sysctl_int(buf, &len, NULL, 0, &v) + sysctl_rdint(buf, &len, NULL, securelevel);
	n += scanc(4, (u_char *)buf, (u_char *)buf, 1) + skpc(0, 4, buf);
	(void)strcat(buf, "x");
	n += copystr(buf, buf + 8, 8, &done) + done;
	psignal(pfind(1), SIGURG);
	gsignal(2, SIGIO);
	selrecord(curproc, &so->so_rcv.sb_sel);
	selwakeup(&so->so_rcv.sb_sel);
	n += m_clalloc(1, M_DONTWAIT) + (long)kmem_malloc(mb_map, NBPG, FALSE);
	n += sofree(so) + soconnect2(so, so);
	tcp_trace(TA_OUTPUT, tp->t_state, tp, NULL, 0);
	tcp_dooptions(tp, (u_char *)buf, 0, NULL, &ts_present, &ts_val, &ts_ecr);
	rt_ifmsg(NULL);
	{
		struct lock lk;

		lockinit(&lk, PINOD, "probe", 0, 0);
		n += lockmgr(&lk, LK_EXCLUSIVE, NULL, curproc) + lockstatus(&lk);
	}
	n += vget((struct vnode *)buf, LK_EXCLUSIVE, curproc) + vn_lock((struct vnode *)buf, LK_SHARED | LK_RETRY, curproc);
	n += mono_time.tv_sec + (long)min(so->so_snd.sb_cc, 1) - 2;
	return n;
}
