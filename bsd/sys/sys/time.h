/* time.h: time values, and the kernel's clock interface. */
#ifndef _SYS_TIME_H_
#define _SYS_TIME_H_
#include <sys/types.h>

struct timeval {
	long	tv_sec;		/* seconds */
	long	tv_usec;	/* and microseconds */
};

struct timespec {
	time_t	tv_sec;		/* seconds */
	long	tv_nsec;	/* and nanoseconds */
};

#define TIMEVAL_TO_TIMESPEC(tv, ts) do {				\
	(ts)->tv_sec = (tv)->tv_sec;					\
	(ts)->tv_nsec = (tv)->tv_usec * 1000;				\
} while (0)
#define TIMESPEC_TO_TIMEVAL(tv, ts) do {				\
	(tv)->tv_sec = (ts)->tv_sec;					\
	(tv)->tv_usec = (ts)->tv_nsec / 1000;				\
} while (0)

#define timerisset(tvp)		((tvp)->tv_sec || (tvp)->tv_usec)
#define timerclear(tvp)		((tvp)->tv_sec = (tvp)->tv_usec = 0)
#define timercmp(tvp, uvp, cmp)						\
	(((tvp)->tv_sec == (uvp)->tv_sec) ?				\
	    ((tvp)->tv_usec cmp (uvp)->tv_usec) :			\
	    ((tvp)->tv_sec cmp (uvp)->tv_sec))

#ifdef _KERNEL
void	microtime(struct timeval *tv);
int	hzto(struct timeval *tv);
#endif
#endif /* !_SYS_TIME_H_ */
