/*
 * molt_shims.h: services that exist in Molt and not in 4.4BSD: the block
 * device path to the platform, the console, kernel threads, and the version of the
 * shims interface the C code was written against.
 *
 * Block I/O: molt_blkio() is called with the giant lock held and may
 * block (the hosted platform does a synchronous pread/pwrite); the lock is
 * not released meanwhile.
 */
#ifndef _SYS_MOLT_SHIMS_H_
#define _SYS_MOLT_SHIMS_H_
#include <sys/types.h>

#define MOLT_SHIMS_VERSION 1

/* Write len bytes to the console (used by subr_prf.c). */
void	molt_cons_write(const char *buf, size_t len);
/* Called by panic() once the message is printed; does not return. */
void	molt_panic_halt(const char *msg) __dead;

/* Block devices are attached by the host side (molt_shims::blkdev);
 * a unit number names one. Read (write != 0: write) len bytes at byte offset off of unit; errno. */
int	molt_blkio(int unit, int write, off_t off, void *data, size_t len);
/* Size of unit in bytes, or -1 if there is no such unit. */
off_t	molt_blk_size(int unit);
/* Flush a unit's writes to stable storage; errno. */
int	molt_blk_sync(int unit);

/* Start a kernel thread running func(arg) with the giant lock held (it
 * gives it up only in tsleep); errno if none could be started. */
int	molt_kthread_create(void (*func)(void *), void *arg, const char *name);
#endif /* !_SYS_MOLT_SHIMS_H_ */
