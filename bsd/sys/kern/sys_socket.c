/*
 * sys_socket.c - sockets seen from outside the BSD code: readiness for
 * the event loops of the placements (the hosted tools, a Molt server).
 * Lite2's sys_socket.c holds the socket file operations (soo_read,
 * soo_select, ...); here the file layer is the placement's, and only the
 * readiness test remains.  Protected by splnet (the giant lock).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/protosw.h>
#include <sys/socket.h>
#include <sys/socketvar.h>

/*
 * Readiness in the manner of poll(2): which of the requested events
 * (POLLIN, POLLOUT) hold now, plus POLLERR and POLLHUP, always reported.
 */
int
sopoll(struct socket *so, int events)
{
	int revents = 0;
	int s = splnet();

	if ((events & POLLIN) && soreadable(so))
		revents |= POLLIN;
	if ((events & POLLOUT) && sowriteable(so))
		revents |= POLLOUT;
	if (so->so_error)
		revents |= POLLERR;
	if ((events & POLLPRI) && (so->so_oobmark || (so->so_state & SS_RCVATMARK)))
		revents |= POLLPRI;
	if ((so->so_state & (SS_CANTRCVMORE|SS_CANTSENDMORE)) ==
	    (SS_CANTRCVMORE|SS_CANTSENDMORE))
		revents |= POLLHUP;
	splx(s);
	return revents;
}
