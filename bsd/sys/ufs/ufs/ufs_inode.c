/*
 * ufs_inode.c: the end of an inode's life in core. ufs_inactive runs
 * when the last reference goes: an unlinked inode is truncated and
 * freed, a changed one written back. ufs_reclaim detaches the inode from
 * its vnode when the vnode is recycled.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/malloc.h>
#include <sys/mount.h>
#include <sys/vnode.h>
#include <sys/kernel.h>
#include <ufs/ufs/inode.h>
#include <ufs/ufs/ufsmount.h>
#include <ufs/ufs/ufs_extern.h>

int
ufs_inactive(void *v)
{
	struct vop_inactive_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);
	struct timeval tv;
	int mode, error = 0;

	if (ip == NULL || ip->i_mode == 0)
		goto out;
	if (ip->i_nlink <= 0 && (vp->v_mount->mnt_flag & MNT_RDONLY) == 0) {
		error = VOP_TRUNCATE(vp, (off_t)0, 0, NOCRED, ap->a_p);
		ip->i_rdev = 0;
		mode = ip->i_mode;
		ip->i_mode = 0;
		ip->i_flag |= IN_CHANGE | IN_UPDATE;
		VOP_VFREE(vp, ip->i_number, mode);
	}
	if (ip->i_flag & (IN_ACCESS | IN_CHANGE | IN_MODIFIED | IN_UPDATE)) {
		microtime(&tv);
		VOP_UPDATE(vp, NULL, NULL, 0);
	}
out:
	VOP_UNLOCK(vp, 0, ap->a_p);
	/* A freed inode's vnode is worth nothing: recycle it first. */
	if (ip == NULL || ip->i_mode == 0)
		vgone(vp);
	return (error);
}

int
ufs_reclaim(void *v)
{
	struct vop_reclaim_args *ap = v;
	struct vnode *vp = ap->a_vp;
	struct inode *ip = VTOI(vp);

	if (ip == NULL)
		return (0);
	if (ip->i_hash.le_prev != NULL)
		ufs_ihashrem(ip);
	if (ip->i_devvp) {
		vrele(ip->i_devvp);
		ip->i_devvp = NULL;
	}
	free(ip, M_FFSNODE);
	vp->v_data = NULL;
	return (0);
}
