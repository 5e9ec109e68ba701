/*
 * ffs_vfsops.c: the FFS file-system type: mount (read and check the
 * superblock and the cylinder-group summaries), unmount, sync, statfs,
 * and vget (inode number -> vnode, reading and checking the inode).
 *
 * Nothing read from the disk is trusted: ffs_checksb() checks every
 * superblock field the code computes with before the mount succeeds,
 * and ffs_vget() checks each inode before handing it out.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/malloc.h>
#include <sys/buf.h>
#include <sys/mount.h>
#include <sys/namei.h>
#include <sys/vnode.h>
#include <sys/kernel.h>
#include <sys/fcntl.h>
#include <sys/molt_shims.h>
#include <miscfs/specfs/specdev.h>
#include <ufs/ufs/inode.h>
#include <ufs/ufs/dir.h>
#include <ufs/ufs/ufsmount.h>
#include <ufs/ufs/ufs_extern.h>
#include <ufs/ffs/fs.h>
#include <ufs/ffs/ffs_extern.h>

struct vfsops ufs_vfsops = {
	"ffs",
	ffs_mount,
	ufs_start,
	ffs_unmount,
	ufs_root,
	ufs_quotactl,
	ffs_statfs,
	ffs_sync,
	ffs_vget,
	ffs_fhtovp,
	ffs_vptofh,
	ffs_init,
};

int
ffs_init(void)
{
	return (ufs_init());
}

int
ffs_mount(struct mount *mp, const char *path, void *data, struct nameidata *ndp, struct proc *p)
{
	struct ufs_args *args = data;
	struct vnode *devvp;
	int error;

	if (args->fspec != NULL)
		return (EOPNOTSUPP);	/* no device names yet: use fsdev */
	if ((error = bdevvp(args->fsdev, &devvp)) != 0)
		return (error);
	if ((error = ffs_mountfs(devvp, mp, p)) != 0) {
		vrele(devvp);
		return (error);
	}
	/* Where it is mounted, for messages (and the superblock's record). */
	strncpy((char *)VFSTOUFS(mp)->um_fs->fs_fsmnt, path, MAXMNTLEN - 1);
	strncpy(mp->mnt_stat.f_mntonname, path, MNAMELEN - 1);
	return (0);
}

static int
ilog2(long x)
{
	int n = 0;

	if (x <= 0 || (x & (x - 1)) != 0)
		return (-1);
	while ((1L << n) < x)
		n++;
	return (n);
}

/*
 * Checks a superblock read from a device of devsize bytes. Returns 0, or
 * EFTYPE (not an FFS) or EINVAL (an FFS whose fields disagree).
 */
int
ffs_checksb(struct fs *fs, long devsize)
{
	long c, maxfile, nindir;
	int i;

	if (fs->fs_magic != FS_MAGIC)
		return (EFTYPE);
	if (fs->fs_bsize < MINBSIZE || fs->fs_bsize > MAXBSIZE || ilog2(fs->fs_bsize) < 0 ||
	    fs->fs_fsize < DEV_BSIZE || ilog2(fs->fs_fsize) < 0 ||
	    fs->fs_frag != fs->fs_bsize / fs->fs_fsize || fs->fs_frag > MAXFRAG ||
	    fs->fs_bshift != ilog2(fs->fs_bsize) || fs->fs_fshift != ilog2(fs->fs_fsize) ||
	    fs->fs_fragshift != ilog2(fs->fs_frag) ||
	    fs->fs_bmask != ~(fs->fs_bsize - 1) || fs->fs_fmask != ~(fs->fs_fsize - 1) ||
	    fs->fs_fsbtodb != ilog2(fs->fs_fsize / DEV_BSIZE) ||
	    fs->fs_sbsize < (int)sizeof(struct fs) - 1 || fs->fs_sbsize > SBSIZE)
		return (EINVAL);
	if (fs->fs_ncg < 1 || fs->fs_ipg < 1 || fs->fs_fpg < fs->fs_frag ||
	    fs->fs_fpg % fs->fs_frag != 0 || fs->fs_size <= 0 || fs->fs_dsize <= 0 ||
	    fs->fs_dsize > fs->fs_size ||
	    (long)fs->fs_ncg * fs->fs_fpg < fs->fs_size ||
	    (long)(fs->fs_ncg - 1) * fs->fs_fpg >= fs->fs_size ||
	    (long)fs->fs_size * fs->fs_fsize > devsize ||
	    (long)fs->fs_ncg * fs->fs_ipg > 0x7fffffffL)
		return (EINVAL);
	nindir = fs->fs_bsize / (long)sizeof(int32_t);
	if (fs->fs_inopb != fs->fs_bsize / (int)sizeof(struct dinode) ||
	    fs->fs_nindir != nindir || fs->fs_ipg % fs->fs_inopb != 0 ||
	    fs->fs_nspf != fs->fs_fsize / DEV_BSIZE)
		return (EINVAL);
	if (fs->fs_sblkno < 0 || fs->fs_cblkno <= fs->fs_sblkno || fs->fs_iblkno <= fs->fs_cblkno ||
	    fs->fs_dblkno < fs->fs_iblkno + fs->fs_ipg / INOPF(fs) ||
	    fs->fs_dblkno > fs->fs_fpg ||
	    fs->fs_cgsize < (int)sizeof(struct cg) || fs->fs_cgsize > fs->fs_bsize ||
	    fs->fs_cblkno + numfrags(fs, fragroundup(fs, fs->fs_cgsize)) > fs->fs_iblkno)
		return (EINVAL);
	/* Each group's maps fit in it (cgoffset staggers the metadata). */
	for (c = 0; c < fs->fs_ncg; c++) {
		if (cgstart(fs, c) < cgbase(fs, c) || cgdmin(fs, c) > cgbase(fs, c) + fs->fs_fpg ||
		    cgdmin(fs, c) > fs->fs_size)
			return (EINVAL);
		if (c > 64 && fs->fs_cgoffset == 0)
			break;		/* the rest are the same shape */
	}
	if (fs->fs_cssize != fragroundup(fs, fs->fs_ncg * (long)sizeof(struct csum)) ||
	    fs->fs_csaddr <= 0 || fs->fs_csaddr + numfrags(fs, fs->fs_cssize) > fs->fs_size)
		return (EINVAL);
	if (fs->fs_maxsymlinklen < 0 || fs->fs_maxsymlinklen > (int)MAXSYMLINKLEN ||
	    fs->fs_minfree < 0 || fs->fs_minfree > 99 || fs->fs_maxbpg <= 0)
		return (EINVAL);
	if (fs->fs_cstotal.cs_nbfree < 0 || fs->fs_cstotal.cs_nffree < 0 ||
	    fs->fs_cstotal.cs_nifree < 0 || fs->fs_cstotal.cs_ndir < 0)
		return (EINVAL);
	/* The derived 64-bit fields, and a size limit that keeps lbn in 32 bits. */
	fs->fs_qbmask = ~(int64_t)fs->fs_bmask;
	fs->fs_qfmask = ~(int64_t)fs->fs_fmask;
	maxfile = NDADDR;
	for (i = 0, c = 1; i < NIADDR; i++) {
		c *= nindir;
		if (c > 0x7fffffffL)
			c = 0x7fffffffL;
		maxfile += c;
		if (maxfile > 0x7fffffffL)
			maxfile = 0x7fffffffL;
	}
	if (fs->fs_maxfilesize == 0 || fs->fs_maxfilesize > (u_int64_t)lblktosize(fs, maxfile) - 1)
		fs->fs_maxfilesize = (u_int64_t)lblktosize(fs, maxfile) - 1;
	return (0);
}

int
ffs_mountfs(struct vnode *devvp, struct mount *mp, struct proc *p)
{
	struct ufsmount *ump = NULL;
	struct buf *bp = NULL;
	struct fs *fs;
	dev_t dev = devvp->v_rdev;
	long devsize, size, blks, i;
	int ronly = (mp->mnt_flag & MNT_RDONLY) != 0, error, cg;
	struct csum *csp;

	if ((error = VOP_OPEN(devvp, ronly ? FREAD : FREAD | FWRITE, FSCRED, p)) != 0)
		return (error);
	devsize = molt_blk_size(minor(dev));
	if (devsize < SBOFF + SBSIZE) {
		error = EFTYPE;
		goto out;
	}
	if ((error = bread(devvp, SBLOCK, SBSIZE, NOCRED, &bp)) != 0)
		goto out;
	if ((error = ffs_checksb((struct fs *)bp->b_data, devsize)) != 0)
		goto out;
	ump = malloc(sizeof(*ump), M_UFSMNT, M_WAITOK);
	bzero(ump, sizeof(*ump));
	ump->um_fs = malloc(SBSIZE, M_UFSMNT, M_WAITOK);
	bcopy(bp->b_data, ump->um_fs, SBSIZE);
	bp->b_flags |= B_AGE;
	brelse(bp);
	bp = NULL;
	fs = ump->um_fs;
	fs->fs_ronly = ronly;
	fs->fs_fmod = 0;
	/* The cylinder-group summaries. */
	size = fs->fs_cssize;
	ump->um_csp = malloc(size, M_UFSMNT, M_WAITOK);
	for (i = 0; i < size; i += fs->fs_bsize) {
		blks = MIN(fs->fs_bsize, size - i);
		error = bread(devvp, fsbtodb(fs, fs->fs_csaddr + numfrags(fs, i)), (int)blks, NOCRED, &bp);
		if (error)
			goto out;
		bcopy(bp->b_data, (char *)ump->um_csp + i, blks);
		brelse(bp);
		bp = NULL;
	}
	for (cg = 0, csp = ump->um_csp; cg < fs->fs_ncg; cg++, csp++)
		if (csp->cs_nbfree < 0 || csp->cs_nffree < 0 || csp->cs_nifree < 0 ||
		    csp->cs_ndir < 0 || csp->cs_nifree > fs->fs_ipg ||
		    csp->cs_nbfree > fs->fs_fpg / fs->fs_frag || csp->cs_nffree > fs->fs_fpg) {
			error = EINVAL;
			goto out;
		}
	mp->mnt_data = ump;
	mp->mnt_stat.f_fsid.val[0] = (int32_t)dev;
	mp->mnt_stat.f_fsid.val[1] = 1;
	mp->mnt_maxsymlinklen = fs->fs_inodefmt >= FS_44INODEFMT ? fs->fs_maxsymlinklen : 0;
	mp->mnt_flag |= MNT_LOCAL;
	strncpy(mp->mnt_stat.f_fstypename, "ffs", MFSNAMELEN);
	ump->um_mountp = mp;
	ump->um_dev = dev;
	ump->um_devvp = devvp;
	ump->um_nindir = NINDIR(fs);
	ump->um_bptrtodb = fs->fs_fsbtodb;
	ump->um_seqinc = fs->fs_frag;
	ump->um_devsize = devsize;
	devvp->v_specinfo->si_mountpoint = mp;
	if (!ronly) {
		fs->fs_clean = 0;
		(void)ffs_sbupdate(ump, MNT_WAIT);
	}
	return (0);
out:
	if (bp != NULL)
		brelse(bp);
	(void)vinvalbuf(devvp, 0, NOCRED, p, 0, 0);
	(void)VOP_CLOSE(devvp, ronly ? FREAD : FREAD | FWRITE, NOCRED, p);
	if (ump != NULL) {
		if (ump->um_csp != NULL)
			free(ump->um_csp, M_UFSMNT);
		free(ump->um_fs, M_UFSMNT);
		free(ump, M_UFSMNT);
	}
	mp->mnt_data = NULL;
	return (error);
}

int
ffs_unmount(struct mount *mp, int mntflags, struct proc *p)
{
	struct ufsmount *ump = VFSTOUFS(mp);
	struct fs *fs = ump->um_fs;
	struct vnode *devvp = ump->um_devvp;
	int error, flags = (mntflags & MNT_FORCE) ? FORCECLOSE : 0;

	if ((error = vflush(mp, NULL, SKIPSYSTEM | flags)) != 0)
		return (error);
	if (!fs->fs_ronly) {
		fs->fs_clean = 1;
		if ((error = ffs_sbupdate(ump, MNT_WAIT)) != 0 && !(mntflags & MNT_FORCE)) {
			fs->fs_clean = 0;
			return (error);
		}
	}
	error = vinvalbuf(devvp, V_SAVE, NOCRED, p, 0, 0);
	(void)VOP_FSYNC(devvp, NOCRED, MNT_WAIT, p);
	devvp->v_specinfo->si_mountpoint = NULL;
	(void)VOP_CLOSE(devvp, fs->fs_ronly ? FREAD : FREAD | FWRITE, NOCRED, p);
	vrele(devvp);
	free(ump->um_csp, M_UFSMNT);
	free(fs, M_UFSMNT);
	free(ump, M_UFSMNT);
	mp->mnt_data = NULL;
	mp->mnt_flag &= ~MNT_LOCAL;
	return (error);
}

int
ffs_statfs(struct mount *mp, struct statfs *sbp, struct proc *p)
{
	struct fs *fs = VFSTOUFS(mp)->um_fs;

	sbp->f_type = 1;
	sbp->f_bsize = fs->fs_fsize;
	sbp->f_iosize = fs->fs_bsize;
	sbp->f_blocks = fs->fs_dsize;
	sbp->f_bfree = fs->fs_cstotal.cs_nbfree * fs->fs_frag + fs->fs_cstotal.cs_nffree;
	sbp->f_bavail = freespace(fs, fs->fs_minfree);
	if (sbp->f_bavail < 0)
		sbp->f_bavail = 0;
	sbp->f_files = (long)fs->fs_ncg * fs->fs_ipg - ROOTINO;
	sbp->f_ffree = fs->fs_cstotal.cs_nifree;
	if (sbp != &mp->mnt_stat) {
		sbp->f_fsid = mp->mnt_stat.f_fsid;
		bcopy(mp->mnt_stat.f_fstypename, sbp->f_fstypename, MFSNAMELEN);
	}
	return (0);
}

/* Writes every changed inode and buffer of the file system. */
int
ffs_sync(struct mount *mp, int waitfor, struct ucred *cred, struct proc *p)
{
	struct ufsmount *ump = VFSTOUFS(mp);
	struct fs *fs = ump->um_fs;
	struct vnode *vp, *nvp;
	struct inode *ip;
	int error, allerror = 0;

	if (fs->fs_ronly)
		return (0);
	for (vp = LIST_FIRST(&mp->mnt_vnodelist); vp != NULL; vp = nvp) {
		nvp = LIST_NEXT(vp, v_mntvnodes);
		ip = VTOI(vp);
		if (ip == NULL || (vp->v_flag & VXLOCK))
			continue;
		if ((ip->i_flag & (IN_ACCESS | IN_CHANGE | IN_MODIFIED | IN_UPDATE)) == 0 &&
		    LIST_FIRST(&vp->v_dirtyblkhd) == NULL)
			continue;
		if (VOP_ISLOCKED(vp))
			continue;	/* in use right now: the next sync gets it */
		if (vget(vp, LK_EXCLUSIVE, p))
			continue;
		if ((error = VOP_FSYNC(vp, cred, MNT_NOWAIT, p)) != 0)
			allerror = error;
		vput(vp);
	}
	if ((error = VOP_FSYNC(ump->um_devvp, cred, waitfor, p)) != 0)
		allerror = error;
	if (fs->fs_fmod != 0 && (error = ffs_sbupdate(ump, waitfor)) != 0)
		allerror = error;
	return (allerror);
}

/* Checks an inode read from disk; 0 if the code may use it. */
static int
ffs_checkinode(struct fs *fs, struct dinode *dp)
{
	int32_t *ptrs = dp->di_db;
	int i, type = dp->di_mode & IFMT;

	if (dp->di_mode == 0)
		return (0);	/* free: valloc zeroes it */
	if (type != IFREG && type != IFDIR && type != IFLNK && type != IFCHR &&
	    type != IFBLK && type != IFIFO && type != IFSOCK)
		return (EIO);
	if (dp->di_nlink < 0 || dp->di_size > fs->fs_maxfilesize)
		return (EIO);
	if (type == IFDIR && dp->di_size > (u_int64_t)64 * 1024 * 1024)
		return (EIO);
	if (type == IFLNK && dp->di_size < (u_int64_t)fs->fs_maxsymlinklen)
		return (0);	/* the block pointers hold text */
	if (type == IFCHR || type == IFBLK || type == IFIFO || type == IFSOCK)
		return (0);	/* no blocks: di_rdev is where di_db[0] would be */
	for (i = 0; i < NDADDR + NIADDR; i++)
		if (ptrs[i] < 0 || ptrs[i] >= fs->fs_size)
			return (EIO);
	return (0);
}

int
ffs_vget(struct mount *mp, ino_t ino, struct vnode **vpp)
{
	struct ufsmount *ump = VFSTOUFS(mp);
	struct fs *fs = ump->um_fs;
	struct inode *ip;
	struct vnode *vp;
	struct buf *bp;
	dev_t dev = ump->um_dev;
	int error;

	*vpp = NULL;
	if (ino < ROOTINO || ino >= (ino_t)(fs->fs_ncg * fs->fs_ipg))
		return (EINVAL);
	if ((*vpp = ufs_ihashget(dev, ino)) != NULL)
		return (0);
	if ((error = getnewvnode(VT_UFS, mp, ffs_vnodeop_p, &vp)) != 0)
		return (error);
	ip = malloc(sizeof(*ip), M_FFSNODE, M_WAITOK);
	bzero(ip, sizeof(*ip));
	vp->v_data = ip;
	ip->i_vnode = vp;
	ip->i_fs = fs;
	ip->i_dev = dev;
	ip->i_number = ino;
	ip->i_ump = ump;
	ip->i_flag = IN_LOCKED;
	ip->i_devvp = ump->um_devvp;
	VREF(ip->i_devvp);
	ufs_ihashins(ip);
	error = bread(ump->um_devvp, fsbtodb(fs, ino_to_fsba(fs, ino)), (int)fs->fs_bsize, NOCRED, &bp);
	if (error == 0) {
		ip->i_din = *((struct dinode *)bp->b_data + ino_to_fsbo(fs, ino));
		error = ffs_checkinode(fs, &ip->i_din);
	}
	brelse(bp);
	if (error) {
		/* Never act on it: make it look free, then recycle the vnode. */
		bzero(&ip->i_din, sizeof(ip->i_din));
		ip->i_flag = IN_LOCKED;
		vput(vp);
		return (error);
	}
	if ((error = ufs_vinit(mp, NULL, NULL, &vp)) != 0) {
		vput(vp);
		return (error);
	}
	*vpp = vp;
	return (0);
}

/* Writes the superblock and the cylinder-group summaries. */
int
ffs_sbupdate(struct ufsmount *ump, int waitfor)
{
	struct fs *dfs, *fs = ump->um_fs;
	struct vnode *devvp = ump->um_devvp;
	struct buf *bp;
	long i, size, blks;
	int error, allerror = 0;

	fs->fs_fmod = 0;
	fs->fs_time = (int32_t)time.tv_sec;
	if (fs->fs_clean)
		fs->fs_state = FS_OKAY - fs->fs_time;
	else
		fs->fs_state = 0;
	bp = getblk(devvp, SBLOCK, SBSIZE, 0, 0);
	bcopy(fs, bp->b_data, SBSIZE);
	dfs = (struct fs *)bp->b_data;
	dfs->fs_fmod = 0;
	dfs->fs_ronly = 0;
	if ((error = bwrite(bp)) != 0)
		allerror = error;
	size = fs->fs_cssize;
	for (i = 0; i < size; i += fs->fs_bsize) {
		blks = MIN(fs->fs_bsize, size - i);
		bp = getblk(devvp, fsbtodb(fs, fs->fs_csaddr + numfrags(fs, i)), (int)blks, 0, 0);
		bcopy((char *)ump->um_csp + i, bp->b_data, blks);
		if ((error = bwrite(bp)) != 0)
			allerror = error;
	}
	if (waitfor == MNT_WAIT && (error = molt_blk_sync(minor(ump->um_dev))) != 0)
		allerror = error;
	return (allerror);
}

/*
 * The vnode of a file handle (locked, referenced): its inode must be in
 * use and, unless the handle's generation is 0, of that generation.
 * No exports in Molt: nam, exflagsp and credanonp are not used.
 */
int
ffs_fhtovp(struct mount *mp, struct fid *fhp, struct mbuf *nam, struct vnode **vpp,
    int *exflagsp, struct ucred **credanonp)
{
	struct ufid *ufhp = (struct ufid *)fhp;
	struct fs *fs = VFSTOUFS(mp)->um_fs;
	struct vnode *nvp;
	struct inode *ip;
	int error;

	*vpp = NULL;
	if (ufhp->ufid_len != sizeof(struct ufid) || ufhp->ufid_ino < ROOTINO ||
	    ufhp->ufid_ino >= (ino_t)(fs->fs_ncg * fs->fs_ipg))
		return (ESTALE);
	if ((error = VFS_VGET(mp, ufhp->ufid_ino, &nvp)) != 0)
		return (error == EINVAL ? ESTALE : error);
	ip = VTOI(nvp);
	if (ip->i_mode == 0 || (ufhp->ufid_gen != 0 && ip->i_gen != ufhp->ufid_gen)) {
		vput(nvp);
		return (ESTALE);
	}
	*vpp = nvp;
	return (0);
}

/* The file handle of vp's inode. */
int
ffs_vptofh(struct vnode *vp, struct fid *fhp)
{
	struct inode *ip = VTOI(vp);
	struct ufid *ufhp = (struct ufid *)fhp;

	bzero(fhp, sizeof(*fhp));
	ufhp->ufid_len = sizeof(struct ufid);
	ufhp->ufid_ino = ip->i_number;
	ufhp->ufid_gen = ip->i_gen;
	return (0);
}
