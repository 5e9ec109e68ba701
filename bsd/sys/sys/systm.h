/*
 * systm.h: the kernel services every subsystem may call. They are
 * implemented by the shims (shims/src/services/) and by the common C in
 * bsd/sys/kern (subr_prf.c, kern_subr.c, kern_clock.c).
 *
 * Concurrency: all BSD C code runs holding the shims' giant lock, as on a
 * uniprocessor 4.4BSD kernel. tsleep() releases it while asleep; callouts
 * run holding it. spl*() therefore only record a level.
 */
#ifndef _SYS_SYSTM_H_
#define _SYS_SYSTM_H_
#include <sys/param.h>
#include <sys/stdarg.h>
#include <sys/libkern.h>

extern const char *panicstr;	/* set once the kernel panics */

struct proc;
struct ucred;
struct uio;
struct timeval;

/* Console and messages (subr_prf.c). */
void	printf(const char *fmt, ...) __printflike(1, 2);
void	log(int level, const char *fmt, ...) __printflike(2, 3);
void	panic(const char *fmt, ...) __dead __printflike(1, 2);
int	sprintf(char *buf, const char *fmt, ...) __printflike(2, 3);
int	snprintf(char *buf, size_t size, const char *fmt, ...) __printflike(3, 4);
int	vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
void	uprintf(const char *fmt, ...) __printflike(1, 2);
void	tablefull(const char *tab);

/* Memory. */
void	bcopy(const void *from, void *to, size_t len);
void	ovbcopy(const void *from, void *to, size_t len);
void	bzero(void *buf, size_t len);
int	bcmp(const void *a, const void *b, size_t len);
void	*memcpy(void *dst, const void *src, size_t len);
void	*memmove(void *dst, const void *src, size_t len);
void	*memset(void *dst, int c, size_t len);
int	memcmp(const void *a, const void *b, size_t len);

/* User space. */
int	copyin(const void *udaddr, void *kaddr, size_t len);
int	copyout(const void *kaddr, void *udaddr, size_t len);
/* The string copies count in u_int, as Lite2's callers expect. */
int	copystr(void *kfaddr, void *kdaddr, u_int len, u_int *done);
int	copyinstr(void *udaddr, void *kaddr, u_int len, u_int *done);
int	copyoutstr(void *kaddr, void *udaddr, u_int len, u_int *done);

/* Sleep and wakeup. */
int	tsleep(void *chan, int pri, const char *wmesg, int timo);
void	wakeup(void *chan);
void	wakeup_one(void *chan);

/* Interrupt priority levels. */
int	splhigh(void);
int	splclock(void);
int	splbio(void);
int	splnet(void);
int	splimp(void);
int	spltty(void);
int	splsoftclock(void);
int	splsoftnet(void);
int	spl0(void);
void	splx(int s);

/* Switch-table stock answers (subr_xxx.c). */
int	nullop(void);
int	enodev(void);
int	enoioctl(void);
int	enxio(void);
int	enosys(void);
int	eopnotsupp(void);
int	einval(void);

/* A table of 2^n list heads, n the largest with 2^n <= count (kern_subr.c). */
void	*hashinit(int count, int type, u_long *hashmask);

/* VAX-style doubly linked queues (libkern/insque.c). */
void	_insque(void *elem, void *pred);
void	_remque(void *elem);
#define insque(q, p)	_insque((caddr_t)(q), (caddr_t)(p))
#define remque(q)	_remque((caddr_t)(q))

extern int securelevel;		/* system security level (kern_sysctl.c) */

/* Callouts: call ftn(arg) after ticks clock ticks, with the giant lock. */
void	timeout(void (*ftn)(void *), void *arg, int ticks);
void	untimeout(void (*ftn)(void *), void *arg);

#endif /* !_SYS_SYSTM_H_ */
