/*
 * kern_clock.c: the clock variables of the 4.4BSD interface. The shims'
 * clock keeps them current (molt_clock_tick() on every tick of the
 * platform clock, which may be a virtual clock in tests); they are written
 * only with the giant lock held.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>

int hz = 100;
int tick = 1000000 / 100;
volatile int ticks;
volatile struct timeval time;
volatile struct timeval mono_time;
struct timeval boottime;
long hostid;
char hostname[MAXHOSTNAMELEN];
int hostnamelen;

/* Ticks from now until the wall-clock time tv (at least 1). */
int
hzto(struct timeval *tv)
{
	long sec = tv->tv_sec - time.tv_sec;
	long usec = tv->tv_usec - time.tv_usec;
	long t;

	if (sec < 0 || (sec == 0 && usec <= 0))
		return (1);
	t = sec * hz + usec / tick;
	if (t > 0x7fffffff)
		t = 0x7fffffff;
	return (t < 1 ? 1 : (int)t);
}
