/*
 * net_api.h - the socket API of the hosted network stack, callable from
 * C and (through bindgen) from Rust, and the setup calls of the stack.
 *
 * Sockets are small integers, as file descriptors are.  Every call
 * returns a non-negative result or a negated errno (4.4BSD values).
 * Addresses are struct sockaddr_in (sin_len may be left 0).  Calls do
 * not block when the socket is non-blocking (net_setnonblock) or when
 * MSG_DONTWAIT is given; blocking calls sleep in tsleep and need another
 * thread to run the stack.  Readiness is reported by net_poll, in the
 * manner of poll(2) but without waiting.  The caller holds the giant
 * lock (molt_shims::with_giant) around every call.
 */
#ifndef _SYS_NET_API_H_
#define _SYS_NET_API_H_

#include <sys/types.h>

struct sockaddr;
struct ifnet;

#define NET_MAXSOCK	1024

struct net_pollfd {
	int	fd;		/* socket */
	short	events;		/* POLLIN, POLLOUT wanted */
	short	revents;	/* what holds now (POLLERR, POLLHUP always) */
};

/* the stack */
void	net_init(void);
void	net_slowtimo(void);	/* call PR_SLOWHZ times a network second */
void	net_fasttimo(void);	/* call PR_FASTHZ times a network second */

/* an Ethernet interface whose frames go out through the platform */
struct ifnet *net_ether_attach(const char *name, int unit, const u_char *mac,
	    int handle, u_int32_t addr, u_int32_t mask, u_int32_t gateway);
void	net_ether_input(struct ifnet *ifp, const char *frame, int len);
int	net_tcp_state(int s);

/* sockets */
int	net_socket(int domain, int type, int protocol);
int	net_bind(int s, const struct sockaddr *addr, int addrlen);
int	net_listen(int s, int backlog);
int	net_accept(int s, struct sockaddr *addr, int *addrlen);
int	net_connect(int s, const struct sockaddr *addr, int addrlen);
long	net_send(int s, const void *buf, size_t len, int flags);
long	net_recv(int s, void *buf, size_t len, int flags);
long	net_sendto(int s, const void *buf, size_t len, int flags,
	    const struct sockaddr *to, int tolen);
long	net_recvfrom(int s, void *buf, size_t len, int flags,
	    struct sockaddr *from, int *fromlen);
int	net_shutdown(int s, int how);
int	net_close(int s);
int	net_setsockopt(int s, int level, int name, const void *val, int len);
int	net_getsockopt(int s, int level, int name, void *val, int *len);
int	net_getsockname(int s, struct sockaddr *addr, int *addrlen);
int	net_getpeername(int s, struct sockaddr *addr, int *addrlen);
int	net_setnonblock(int s, int on);
int	net_poll(struct net_pollfd *fds, int nfds);
int	net_atmark(int s);	/* 1 if the next byte to read is the urgent mark */

#endif /* !_SYS_NET_API_H_ */
