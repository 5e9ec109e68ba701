/*
 * vfs_subr.c: vnode management, independent of any file system.
 *
 * Vnodes are allocated on demand up to desiredvnodes; past that,
 * getnewvnode() recycles the least recently released one from the free
 * list (vgone: write its buffers, VOP_RECLAIM). A vnode is on the free
 * list exactly when v_usecount is 0. Each vnode is on its mount's
 * mnt_vnodelist. Buffers hang off v_cleanblkhd/v_dirtyblkhd (see
 * vfs_bio.c). All of it is protected by the giant lock.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/malloc.h>
#include <sys/mount.h>
#include <sys/vnode.h>
#include <sys/buf.h>
#include <sys/stat.h>
#include <sys/namei.h>
#include <sys/uio.h>
#include <miscfs/specfs/specdev.h>

enum vtype iftovt_tab[16] = {
	VNON, VFIFO, VCHR, VNON, VDIR, VNON, VBLK, VNON,
	VREG, VNON, VLNK, VNON, VSOCK, VNON, VNON, VBAD,
};
int vttoif_tab[9] = {
	0, S_IFREG, S_IFDIR, S_IFBLK, S_IFCHR, S_IFLNK, S_IFSOCK, S_IFIFO, S_IFMT,
};

struct vnode *rootvnode;
int desiredvnodes = 2048;
static long numvnodes;
static TAILQ_HEAD(freelst, vnode) vnode_free_list =
    { NULL, &vnode_free_list.tqh_first };
struct mntlist mountlist = { NULL, &mountlist.tqh_first };

/* The generic operations a vector may point at. */
int vop_nop(void *ap) { return (0); }
int vop_eopnotsupp(void *ap) { return (EOPNOTSUPP); }
int vop_einval(void *ap) { return (EINVAL); }
int vop_ebadf(void *ap) { return (EBADF); }

/* Moves vp to the mount mp (or to none). */
void
insmntque(struct vnode *vp, struct mount *mp)
{
	if (vp->v_mount != NULL)
		LIST_REMOVE(vp, v_mntvnodes);
	if ((vp->v_mount = mp) != NULL)
		LIST_INSERT_HEAD(&mp->mnt_vnodelist, vp, v_mntvnodes);
}

int
getnewvnode(enum vtagtype tag, struct mount *mp, vop_t **vops, struct vnode **vpp)
{
	struct vnode *vp;

	vp = TAILQ_FIRST(&vnode_free_list);
	if (numvnodes < desiredvnodes || vp == NULL) {
		vp = malloc(sizeof(*vp), M_VNODE, M_WAITOK);
		bzero(vp, sizeof(*vp));
		numvnodes++;
	} else {
		TAILQ_REMOVE(&vnode_free_list, vp, v_freelist);
		vp->v_freelist.tqe_prev = NULL;
		if (vp->v_usecount != 0)
			panic("getnewvnode: free vnode in use");
		if (vp->v_type != VBAD)
			vgone(vp);
		if (vp->v_data != NULL)
			panic("getnewvnode: cleaned vnode has data");
		vp->v_flag = 0;
		vp->v_lastr = 0;
	}
	vp->v_type = VNON;
	vp->v_tag = tag;
	vp->v_op = vops;
	vp->v_id++;
	vp->v_usecount = 1;
	vp->v_data = NULL;
	vp->v_specinfo = NULL;
	insmntque(vp, mp);
	*vpp = vp;
	return (0);
}

/* A device vnode for dev (not in any file system). */
int
bdevvp(dev_t dev, struct vnode **vpp)
{
	struct vnode *vp;
	struct specinfo *si;
	int error;

	error = getnewvnode(VT_NON, NULL, spec_vnodeop_p, &vp);
	if (error)
		return (error);
	vp->v_type = VBLK;
	si = malloc(sizeof(*si), M_VNODE, M_WAITOK);
	bzero(si, sizeof(*si));
	si->si_rdev = dev;
	vp->v_specinfo = si;
	*vpp = vp;
	return (0);
}

static void
vfreelist_remove(struct vnode *vp)
{
	if (vp->v_freelist.tqe_prev != NULL) {
		TAILQ_REMOVE(&vnode_free_list, vp, v_freelist);
		vp->v_freelist.tqe_prev = NULL;
	}
}

int
vget(struct vnode *vp, int lockflag, struct proc *p)
{
	if (vp->v_flag & VXLOCK) {
		vp->v_flag |= VXWANT;
		tsleep(vp, PINOD, "vget", 0);
		return (ENOENT);
	}
	if (vp->v_usecount == 0)
		vfreelist_remove(vp);
	vp->v_usecount++;
	if (lockflag)
		VOP_LOCK(vp, lockflag, p);
	return (0);
}

void
vref(struct vnode *vp)
{
	if (vp->v_usecount <= 0)
		panic("vref used where vget required");
	vp->v_usecount++;
}

void
vput(struct vnode *vp)
{
	VOP_UNLOCK(vp, 0, curproc);
	vrele(vp);
}

void
vrele(struct vnode *vp)
{
	if (vp == NULL || vp->v_usecount <= 0)
		panic("vrele: bad vnode");
	if (--vp->v_usecount > 0)
		return;
	if (vp->v_flag & VXLOCK) {
		/* Being reclaimed by vgone(): it frees the vnode. */
		return;
	}
	TAILQ_INSERT_TAIL(&vnode_free_list, vp, v_freelist);
	VOP_LOCK(vp, 0, curproc);
	VOP_INACTIVE(vp, curproc);	/* unlocks vp */
}

void
vhold(struct vnode *vp)
{
	vp->v_holdcnt++;
}

void
holdrele(struct vnode *vp)
{
	if (vp->v_holdcnt <= 0)
		panic("holdrele: holdcnt");
	vp->v_holdcnt--;
}

/*
 * Disassociates vp from its file system: writes and drops its buffers,
 * lets the file system reclaim its data, and leaves a VBAD vnode.
 */
void
vgone(struct vnode *vp)
{
	struct proc *p = curproc;

	if (vp->v_flag & VXLOCK)
		return;
	vp->v_flag |= VXLOCK;
	vinvalbuf(vp, V_SAVE, NOCRED, p, 0, 0);
	if (vp->v_usecount > 0) {
		VOP_LOCK(vp, 0, p);
		VOP_INACTIVE(vp, p);
	}
	if (VOP_RECLAIM(vp, p))
		panic("vgone: cannot reclaim");
	if (vp->v_type == VBLK && vp->v_specinfo != NULL) {
		free(vp->v_specinfo, M_VNODE);
		vp->v_specinfo = NULL;
	}
	insmntque(vp, NULL);
	vp->v_type = VBAD;
	vp->v_tag = VT_NON;
	vp->v_data = NULL;
	vp->v_flag &= ~VXLOCK;
	if (vp->v_flag & VXWANT) {
		vp->v_flag &= ~VXWANT;
		wakeup(vp);
	}
	/* An unused vnode goes to the head of the free list: reuse it first. */
	if (vp->v_usecount == 0 && vp->v_freelist.tqe_prev != NULL) {
		TAILQ_REMOVE(&vnode_free_list, vp, v_freelist);
		TAILQ_INSERT_HEAD(&vnode_free_list, vp, v_freelist);
	}
}

/*
 * Reclaims every vnode of mp except skipvp; busy ones only with
 * FORCECLOSE. Returns EBUSY if any stays in use.
 */
int
vflush(struct mount *mp, struct vnode *skipvp, int flags)
{
	struct vnode *vp, *nvp;
	int busy = 0;

	for (vp = LIST_FIRST(&mp->mnt_vnodelist); vp != NULL; vp = nvp) {
		nvp = LIST_NEXT(vp, v_mntvnodes);
		if (vp == skipvp)
			continue;
		if ((flags & SKIPSYSTEM) && (vp->v_flag & VSYSTEM))
			continue;
		if (vp->v_usecount == 0 || (flags & FORCECLOSE)) {
			vgone(vp);
			continue;
		}
		busy++;
	}
	return (busy ? EBUSY : 0);
}

void
vattr_null(struct vattr *vap)
{
	vap->va_type = VNON;
	vap->va_mode = VNOVAL;
	vap->va_nlink = VNOVAL;
	vap->va_uid = VNOVAL;
	vap->va_gid = VNOVAL;
	vap->va_fsid = VNOVAL;
	vap->va_fileid = VNOVAL;
	vap->va_size = VNOVAL;
	vap->va_blocksize = VNOVAL;
	vap->va_atime.tv_sec = vap->va_mtime.tv_sec = vap->va_ctime.tv_sec = VNOVAL;
	vap->va_atime.tv_nsec = vap->va_mtime.tv_nsec = vap->va_ctime.tv_nsec = VNOVAL;
	vap->va_gen = VNOVAL;
	vap->va_flags = VNOVAL;
	vap->va_rdev = VNOVAL;
	vap->va_bytes = VNOVAL;
	vap->va_vaflags = 0;
}

/* Unix permission check of acc_mode (VREAD|VWRITE|VEXEC) against a file. */
int
vaccess(mode_t file_mode, uid_t uid, gid_t gid, mode_t acc_mode, struct ucred *cred)
{
	mode_t mask = 0;

	if (cred->cr_uid == 0)
		return (0);
	if (cred->cr_uid == uid) {
		if (acc_mode & VEXEC)
			mask |= S_IXUSR;
		if (acc_mode & VREAD)
			mask |= S_IRUSR;
		if (acc_mode & VWRITE)
			mask |= S_IWUSR;
		return ((file_mode & mask) == mask ? 0 : EACCES);
	}
	if (groupmember(gid, cred)) {
		if (acc_mode & VEXEC)
			mask |= S_IXGRP;
		if (acc_mode & VREAD)
			mask |= S_IRGRP;
		if (acc_mode & VWRITE)
			mask |= S_IWGRP;
		return ((file_mode & mask) == mask ? 0 : EACCES);
	}
	if (acc_mode & VEXEC)
		mask |= S_IXOTH;
	if (acc_mode & VREAD)
		mask |= S_IROTH;
	if (acc_mode & VWRITE)
		mask |= S_IWOTH;
	return ((file_mode & mask) == mask ? 0 : EACCES);
}

static int nextfsid;

void
vfs_getnewfsid(struct mount *mp)
{
	mp->mnt_stat.f_fsid.val[0] = makedev(255, ++nextfsid);
	mp->mnt_stat.f_fsid.val[1] = 1;
}

/* The mounted file system with id fsid, or NULL. */
struct mount *
vfs_getvfs(fsid_t *fsid)
{
	struct mount *mp;

	TAILQ_FOREACH(mp, &mountlist, mnt_list)
		if (mp->mnt_stat.f_fsid.val[0] == fsid->val[0] &&
		    mp->mnt_stat.f_fsid.val[1] == fsid->val[1])
			return (mp);
	return (NULL);
}

int
vfs_busy(struct mount *mp)
{
	while (mp->mnt_flag & MNT_MLOCK)
		tsleep(mp, PVFS, "vfsbusy", 0);
	mp->mnt_flag |= MNT_MLOCK;
	return (0);
}

void
vfs_unbusy(struct mount *mp)
{
	mp->mnt_flag &= ~MNT_MLOCK;
	wakeup(mp);
}
