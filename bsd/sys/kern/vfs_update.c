/*
 * vfs_update.c: the update daemon. 4.4BSD ran /sbin/update, a process
 * that called sync() every 30 seconds, so delayed writes (file data,
 * inode times, cylinder groups, the superblock) reached the disk within
 * half a minute. Molt runs the same loop as a kernel thread, started by
 * the first read-write mount (vfs_update_start): it sleeps syncdelay
 * seconds (tsleep gives the giant lock up meanwhile), then syncs every
 * mounted read-write file system without waiting (MNT_NOWAIT).
 *
 * update_started and syncdelay are protected by the giant lock.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/kernel.h>
#include <sys/mount.h>
#include <sys/syscallargs.h>
#include <sys/molt_shims.h>

int	syncdelay = 30;		/* seconds between syncs */
static int update_started;
static int update_chan;		/* nobody wakes it: the sleep times out */

static void
vfs_update(void *arg)
{
	struct sync_args ua;
	register_t rv;

	for (;;) {
		(void)tsleep(&update_chan, PPAUSE, "update", syncdelay * hz);
		ua.dummy = 0;
		(void)sync(curproc, &ua, &rv);
	}
}

/* Starts the update daemon (once). */
void
vfs_update_start(void)
{
	if (update_started)
		return;
	if (molt_kthread_create(vfs_update, NULL, "update") == 0)
		update_started = 1;
	else
		printf("vfs: the update daemon could not start\n");
}
