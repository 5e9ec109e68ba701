/*
 * kernel.h: global kernel variables. `time`, `mono_time` and `boottime`
 * are kept by the shims' clock (refreshed on every tick and by microtime()); written only
 * with the giant lock held.
 */
#ifndef _SYS_KERNEL_H_
#define _SYS_KERNEL_H_
#include <sys/time.h>

extern long hostid;
extern char hostname[256];
extern int hostnamelen;

extern volatile struct timeval time;	/* wall-clock time */
extern volatile struct timeval mono_time; /* time since start; never goes back */
extern struct timeval boottime;		/* when the kernel started */
extern int tick;			/* usec per tick (1000000 / hz) */
extern int hz;				/* clock ticks per second */
extern volatile int ticks;		/* ticks since start */
#endif /* !_SYS_KERNEL_H_ */
