/*
 * ufs_ihash.c: the inode hash, (device, inode number) -> in-core inode,
 * so each on-disk inode has at most one vnode. Protected by giant.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/vnode.h>
#include <ufs/ufs/inode.h>
#include <ufs/ufs/ufs_extern.h>

#define IHASHSZ	1024
static LIST_HEAD(ihashhead, inode) ihashtbl[IHASHSZ];
#define INOHASH(dev, ino) (&ihashtbl[((dev) + (ino)) & (IHASHSZ - 1)])

void
ufs_ihashinit(void)
{
	int i;

	for (i = 0; i < IHASHSZ; i++)
		LIST_INIT(&ihashtbl[i]);
}

/* The vnode of (dev, inum) if in core, unreferenced and unlocked. */
struct vnode *
ufs_ihashlookup(dev_t dev, ino_t inum)
{
	struct inode *ip;

	LIST_FOREACH(ip, INOHASH(dev, inum), i_hash)
		if (inum == ip->i_number && dev == ip->i_dev)
			return (ITOV(ip));
	return (NULL);
}

/* The vnode of (dev, inum) if in core, referenced and locked. */
struct vnode *
ufs_ihashget(dev_t dev, ino_t inum)
{
	struct vnode *vp;

	for (;;) {
		if ((vp = ufs_ihashlookup(dev, inum)) == NULL)
			return (NULL);
		if (vget(vp, LK_EXCLUSIVE, curproc) == 0)
			return (vp);
		/* It was being reclaimed: look again. */
	}
}

void
ufs_ihashins(struct inode *ip)
{
	LIST_INSERT_HEAD(INOHASH(ip->i_dev, ip->i_number), ip, i_hash);
}

void
ufs_ihashrem(struct inode *ip)
{
	LIST_REMOVE(ip, i_hash);
	ip->i_hash.le_next = NULL;
	ip->i_hash.le_prev = NULL;
}
