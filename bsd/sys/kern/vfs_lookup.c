/*
 * vfs_lookup.c: path-name translation.
 *
 * namei() copies the path in, picks the starting directory (the
 * process's root for "/...", else its current directory) and calls
 * lookup(), which walks one component at a time through VOP_LOOKUP.
 * When lookup() stops at a symbolic link that must be followed, namei()
 * splices the link's text into the remaining path and goes on, at most
 * MAXSYMLINKS times (then ELOOP).
 *
 * Locking protocol (4.4BSD's): lookup() holds the current directory
 * locked while it calls VOP_LOOKUP, which returns the child locked and the
 * parent unlocked unless LOCKPARENT is set and this is the last
 * component. On return: ni_vp is locked if LOCKLEAF; ni_dvp is returned
 * (referenced) only with LOCKPARENT (locked) or WANTPARENT (unlocked).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/malloc.h>
#include <sys/filedesc.h>
#include <sys/mount.h>
#include <sys/vnode.h>
#include <sys/namei.h>
#include <sys/uio.h>

#define REQUIREDIR	0x100000	/* Molt: the path had a trailing slash */

int
namei(struct nameidata *ndp)
{
	struct componentname *cnp = &ndp->ni_cnd;
	struct proc *p = cnp->cn_proc;
	struct filedesc *fdp = fdinit(p);
	struct vnode *dp;
	struct iovec aiov;
	struct uio auio;
	u_int len;
	char *cp;
	int error, linklen;

	cnp->cn_cred = p->p_ucred;
	if ((cnp->cn_flags & HASBUF) == 0)
		cnp->cn_pnbuf = malloc(MAXPATHLEN, M_NAMEI, M_WAITOK);
	if (ndp->ni_segflg == UIO_SYSSPACE)
		error = copystr((caddr_t)ndp->ni_dirp, cnp->cn_pnbuf, MAXPATHLEN, &len);
	else
		error = copyinstr((caddr_t)ndp->ni_dirp, cnp->cn_pnbuf, MAXPATHLEN, &len);
	if (error == 0 && len == 1)
		error = ENOENT;
	if (error) {
		free(cnp->cn_pnbuf, M_NAMEI);
		ndp->ni_vp = NULL;
		return (error);
	}
	/* A trailing slash: the result must be a directory. */
	while (len > 2 && cnp->cn_pnbuf[len - 2] == '/') {
		cnp->cn_pnbuf[len - 2] = '\0';
		len--;
		cnp->cn_flags |= REQUIREDIR | FOLLOW;
	}
	ndp->ni_pathlen = len;
	ndp->ni_loopcnt = 0;
	ndp->ni_rootdir = fdp->fd_rdir != NULL ? fdp->fd_rdir : rootvnode;
	if (ndp->ni_rootdir == NULL)
		panic("namei: no root directory");
	dp = fdp->fd_cdir != NULL ? fdp->fd_cdir : ndp->ni_rootdir;
	VREF(dp);
	for (;;) {
		cnp->cn_nameptr = cnp->cn_pnbuf;
		if (*cnp->cn_nameptr == '/') {
			vrele(dp);
			while (*cnp->cn_nameptr == '/') {
				cnp->cn_nameptr++;
				ndp->ni_pathlen--;
			}
			dp = ndp->ni_rootdir;
			VREF(dp);
		}
		ndp->ni_startdir = dp;
		if ((error = lookup(ndp)) != 0) {
			free(cnp->cn_pnbuf, M_NAMEI);
			return (error);
		}
		if ((cnp->cn_flags & ISSYMLINK) == 0) {
			if (cnp->cn_flags & REQUIREDIR) {
				cnp->cn_flags &= ~REQUIREDIR;
				if (ndp->ni_vp != NULL && ndp->ni_vp->v_type != VDIR) {
					error = ENOTDIR;
					goto release;
				}
			}
			if ((cnp->cn_flags & (SAVENAME | SAVESTART)) == 0)
				free(cnp->cn_pnbuf, M_NAMEI);
			else
				cnp->cn_flags |= HASBUF;
			return (0);
		}
		/* Follow the symbolic link at ni_vp. */
		if (ndp->ni_loopcnt++ >= MAXSYMLINKS) {
			error = ELOOP;
			goto badlink;
		}
		cp = ndp->ni_pathlen > 1 ? malloc(MAXPATHLEN, M_NAMEI, M_WAITOK) : cnp->cn_pnbuf;
		aiov.iov_base = cp;
		aiov.iov_len = MAXPATHLEN;
		auio.uio_iov = &aiov;
		auio.uio_iovcnt = 1;
		auio.uio_offset = 0;
		auio.uio_rw = UIO_READ;
		auio.uio_segflg = UIO_SYSSPACE;
		auio.uio_procp = NULL;
		auio.uio_resid = MAXPATHLEN;
		error = VOP_READLINK(ndp->ni_vp, &auio, cnp->cn_cred);
		if (error == 0 && auio.uio_resid == MAXPATHLEN)
			error = ENOENT;
		linklen = MAXPATHLEN - auio.uio_resid;
		if (error == 0 && linklen + ndp->ni_pathlen >= MAXPATHLEN)
			error = ENAMETOOLONG;
		if (error) {
			if (ndp->ni_pathlen > 1)
				free(cp, M_NAMEI);
			goto badlink;
		}
		if (ndp->ni_pathlen > 1) {
			bcopy(ndp->ni_next, cp + linklen, ndp->ni_pathlen);
			free(cnp->cn_pnbuf, M_NAMEI);
			cnp->cn_pnbuf = cp;
		} else
			cnp->cn_pnbuf[linklen] = '\0';
		ndp->ni_pathlen += linklen;
		vput(ndp->ni_vp);
		dp = ndp->ni_dvp;
	}
badlink:
	free(cnp->cn_pnbuf, M_NAMEI);
	vrele(ndp->ni_dvp);
	vput(ndp->ni_vp);
	ndp->ni_vp = NULL;
	return (error);
release:
	/* Undo a successful lookup whose result the caller may not have. */
	if (cnp->cn_flags & LOCKLEAF)
		VOP_UNLOCK(ndp->ni_vp, 0, p);
	vrele(ndp->ni_vp);
	ndp->ni_vp = NULL;
	if (cnp->cn_flags & LOCKPARENT)
		vput(ndp->ni_dvp);
	else if (cnp->cn_flags & WANTPARENT)
		vrele(ndp->ni_dvp);
	if (cnp->cn_flags & SAVESTART)
		vrele(ndp->ni_startdir);
	free(cnp->cn_pnbuf, M_NAMEI);
	return (error);
}

int
lookup(struct nameidata *ndp)
{
	struct componentname *cnp = &ndp->ni_cnd;
	struct proc *p = cnp->cn_proc;
	struct vnode *dp;
	char *cp;
	int wantparent, docache, error;

	wantparent = cnp->cn_flags & (LOCKPARENT | WANTPARENT);
	docache = (cnp->cn_flags & NOCACHE) ^ NOCACHE;
	if (cnp->cn_nameiop == DELETE ||
	    (wantparent && cnp->cn_nameiop != CREATE))
		docache = 0;
	cnp->cn_flags &= ~ISSYMLINK;
	dp = ndp->ni_startdir;
	ndp->ni_startdir = NULL;
	VOP_LOCK(dp, 0, p);

dirloop:
	cnp->cn_consume = 0;
	cnp->cn_hash = 0;
	for (cp = cnp->cn_nameptr; *cp != '\0' && *cp != '/'; cp++)
		cnp->cn_hash += (unsigned char)*cp;
	cnp->cn_namelen = cp - cnp->cn_nameptr;
	if (cnp->cn_namelen > MAXNAMLEN) {
		error = ENAMETOOLONG;
		goto bad;
	}
	ndp->ni_pathlen -= cnp->cn_namelen;
	ndp->ni_next = cp;
	cnp->cn_flags |= MAKEENTRY;
	if (*cp == '\0' && docache == 0)
		cnp->cn_flags &= ~MAKEENTRY;
	if (cnp->cn_namelen == 2 &&
	    cnp->cn_nameptr[1] == '.' && cnp->cn_nameptr[0] == '.')
		cnp->cn_flags |= ISDOTDOT;
	else
		cnp->cn_flags &= ~ISDOTDOT;
	if (*ndp->ni_next == '\0')
		cnp->cn_flags |= ISLASTCN;
	else
		cnp->cn_flags &= ~ISLASTCN;

	/* The path was "/" (or only slashes): the result is the start. */
	if (cnp->cn_nameptr[0] == '\0') {
		if (cnp->cn_nameiop != LOOKUP) {
			error = EISDIR;
			goto bad;
		}
		if (dp->v_type != VDIR) {
			error = ENOTDIR;
			goto bad;
		}
		if (wantparent) {
			ndp->ni_dvp = dp;
			VREF(dp);
		}
		ndp->ni_vp = dp;
		if ((cnp->cn_flags & (LOCKPARENT | LOCKLEAF)) == 0)
			VOP_UNLOCK(dp, 0, p);
		if (cnp->cn_flags & SAVESTART)
			panic("lookup: SAVESTART");
		return (0);
	}

	/* ".." at the process's root stays there. */
	if ((cnp->cn_flags & ISDOTDOT) && dp == ndp->ni_rootdir) {
		ndp->ni_dvp = dp;
		ndp->ni_vp = dp;
		VREF(dp);
		goto nextname;
	}

	ndp->ni_dvp = dp;
	ndp->ni_vp = NULL;
	if ((error = VOP_LOOKUP(dp, &ndp->ni_vp, cnp)) != 0) {
		if (ndp->ni_vp != NULL)
			panic("lookup: leaf not NULL");
		if (error != EJUSTRETURN)
			goto bad;
		/* The last component does not exist and may be created. */
		if ((cnp->cn_flags & LOCKPARENT) == 0)
			VOP_UNLOCK(dp, 0, p);
		if (cnp->cn_flags & SAVESTART) {
			ndp->ni_startdir = ndp->ni_dvp;
			VREF(ndp->ni_startdir);
		}
		return (0);
	}
	dp = ndp->ni_vp;

	/* A symbolic link to follow: namei() does that. */
	if (dp->v_type == VLNK &&
	    ((cnp->cn_flags & FOLLOW) || *ndp->ni_next == '/')) {
		cnp->cn_flags |= ISSYMLINK;
		return (0);
	}

nextname:
	if (*ndp->ni_next == '/') {
		cnp->cn_nameptr = ndp->ni_next;
		while (*cnp->cn_nameptr == '/') {
			cnp->cn_nameptr++;
			ndp->ni_pathlen--;
		}
		vrele(ndp->ni_dvp);
		goto dirloop;
	}
	if (cnp->cn_flags & SAVESTART) {
		ndp->ni_startdir = ndp->ni_dvp;
		VREF(ndp->ni_startdir);
	}
	if (!wantparent)
		vrele(ndp->ni_dvp);
	if ((cnp->cn_flags & LOCKLEAF) == 0)
		VOP_UNLOCK(dp, 0, p);
	return (0);

bad:
	vput(dp);
	ndp->ni_vp = NULL;
	return (error);
}

/*
 * Looks up the last component cnp again in dvp (rename's second look at
 * its source). dvp is referenced and unlocked; on return it is locked
 * (LOCKPARENT) and *vpp is locked (LOCKLEAF) or NULL.
 */
int
relookup(struct vnode *dvp, struct vnode **vpp, struct componentname *cnp)
{
	struct proc *p = cnp->cn_proc;
	int error;

	VOP_LOCK(dvp, 0, p);
	cnp->cn_flags |= ISLASTCN;
	cnp->cn_flags &= ~ISDOTDOT;
	if (cnp->cn_namelen == 2 && cnp->cn_nameptr[0] == '.' && cnp->cn_nameptr[1] == '.')
		cnp->cn_flags |= ISDOTDOT;
	*vpp = NULL;
	error = VOP_LOOKUP(dvp, vpp, cnp);
	if (error == EJUSTRETURN)
		return (0);
	if (error) {
		VOP_UNLOCK(dvp, 0, p);
		return (error);
	}
	if ((cnp->cn_flags & LOCKLEAF) == 0 && *vpp != dvp)
		VOP_UNLOCK(*vpp, 0, p);
	return (0);
}
