/*
 * namei.h: path-name lookup. namei() walks a path one component at a time
 * with VOP_LOOKUP, following symbolic links and mount points.
 */
#ifndef _SYS_NAMEI_H_
#define _SYS_NAMEI_H_
#include <sys/param.h>
#include <sys/uio.h>

struct vnode;
struct ucred;
struct proc;

/* The component being looked up, as VOP_LOOKUP sees it. */
struct componentname {
	u_long	cn_nameiop;		/* LOOKUP, CREATE, RENAME, DELETE */
	u_long	cn_flags;
	struct	proc *cn_proc;
	struct	ucred *cn_cred;
	char	*cn_pnbuf;		/* the path name buffer */
	char	*cn_nameptr;		/* this component */
	long	cn_namelen;
	u_long	cn_hash;
	long	cn_consume;		/* characters the file system consumed */
};

struct nameidata {
	/* Arguments. */
	const char *ni_dirp;		/* path name */
	enum	uio_seg ni_segflg;	/* where it is */
	/* Results. */
	struct	vnode *ni_vp;		/* the vnode found */
	struct	vnode *ni_dvp;		/* its parent */
	/* Shared with lookup(). */
	long	ni_pathlen;		/* characters left */
	char	*ni_next;		/* next component */
	u_long	ni_loopcnt;		/* symlinks followed */
	struct	vnode *ni_startdir;
	struct	vnode *ni_rootdir;
	struct	componentname ni_cnd;
};

/* cn_nameiop */
#define LOOKUP		0
#define CREATE		1
#define DELETE		2
#define RENAME		3
#define OPMASK		3

/* cn_flags: arguments */
#define LOCKLEAF	0x0004		/* lock the result */
#define LOCKPARENT	0x0008		/* keep the parent locked */
#define WANTPARENT	0x0010		/* return the parent, unlocked */
#define NOCACHE		0x0020
#define FOLLOW		0x0040		/* follow a final symlink */
#define NOFOLLOW	0x0000
#define MODMASK		0x00fc
/* cn_flags: state */
#define NOCROSSMOUNT	0x000100
#define RDONLY		0x000200
#define HASBUF		0x000400	/* cn_pnbuf is allocated */
#define SAVENAME	0x000800	/* keep cn_pnbuf for the caller */
#define SAVESTART	0x001000	/* keep ni_startdir */
#define ISDOTDOT	0x002000
#define MAKEENTRY	0x004000
#define ISLASTCN	0x008000	/* the last component */
#define ISSYMLINK	0x010000
#define WHITEOUT	0x020000
#define DOWHITEOUT	0x040000
#define PARAMASK	0xfff00

#define NDINIT(ndp, op, flags, segflg, namep, p) do {			\
	(ndp)->ni_cnd.cn_nameiop = (op);				\
	(ndp)->ni_cnd.cn_flags = (flags);				\
	(ndp)->ni_segflg = (segflg);					\
	(ndp)->ni_dirp = (namep);					\
	(ndp)->ni_cnd.cn_proc = (p);					\
} while (0)

#ifdef _KERNEL
int	namei(struct nameidata *ndp);
int	lookup(struct nameidata *ndp);
int	relookup(struct vnode *dvp, struct vnode **vpp, struct componentname *cnp);
#endif
#endif /* !_SYS_NAMEI_H_ */
