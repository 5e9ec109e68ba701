/*
 * vnode.h: the vnode, the file system's in-core handle on a file.
 *
 * A vnode is named by its file system (v_mount) and carries that file
 * system's private data (v_data, an inode for FFS). Operations go through
 * v_op, the file system's vector built by vfs_opv_init() from its
 * vnodeopv_desc; VOP_*() in the generated vnode_if.h index it.
 * Reference counts: v_usecount (active users; 0 puts it on the free list),
 * v_holdcnt (buffers and pages that point at it). Every field is protected
 * by the giant lock; v_flag's VXLOCK marks a vnode being reclaimed.
 */
#ifndef _SYS_VNODE_H_
#define _SYS_VNODE_H_
#include <sys/param.h>
#include <sys/queue.h>
#include <sys/time.h>
#include <sys/uio.h>

enum vtype { VNON, VREG, VDIR, VBLK, VCHR, VLNK, VSOCK, VFIFO, VBAD };
enum vtagtype { VT_NON, VT_UFS, VT_NFS, VT_MFS, VT_LFS, VT_ISOFS, VT_UNION };

struct buf;
struct mount;
struct ucred;
struct proc;
struct specinfo;
struct componentname;
struct vattr;
struct uio;
struct nameidata;
struct stat;

LIST_HEAD(buflists, buf);
typedef int vop_t(void *);

struct vnode {
	u_long	v_flag;				/* V* flags */
	short	v_usecount;			/* references */
	short	v_writecount;			/* references for writing */
	long	v_holdcnt;			/* buffer references */
	daddr_t	v_lastr;			/* last block read (read-ahead) */
	u_long	v_id;				/* capability id, bumped on reuse */
	struct	mount *v_mount;			/* the file system it is in */
	vop_t	**v_op;				/* operations vector */
	TAILQ_ENTRY(vnode) v_freelist;		/* on the free list */
	LIST_ENTRY(vnode) v_mntvnodes;		/* on its mount's list */
	struct	buflists v_cleanblkhd;		/* clean buffers */
	struct	buflists v_dirtyblkhd;		/* dirty buffers */
	long	v_numoutput;			/* writes in progress */
	enum	vtype v_type;
	union {
		struct mount	*vu_mountedhere;	/* VDIR: mount point */
		struct specinfo	*vu_specinfo;		/* VBLK, VCHR */
	} v_un;
	enum	vtagtype v_tag;			/* kind of file system */
	void	*v_data;			/* file system private data */
};
#define v_mountedhere	v_un.vu_mountedhere
#define v_specinfo	v_un.vu_specinfo
#define v_rdev		v_specinfo->si_rdev

/* v_flag */
#define VROOT		0x0001		/* root of its file system */
#define VTEXT		0x0002
#define VSYSTEM		0x0004		/* used by the file system itself */
#define VXLOCK		0x0100		/* being reclaimed */
#define VXWANT		0x0200
#define VBWAIT		0x0400		/* waiting for writes to finish */
#define VALIASED	0x0800

/* Attributes of a file (VOP_GETATTR, VOP_SETATTR). */
struct vattr {
	enum vtype	va_type;
	u_short		va_mode;
	short		va_nlink;
	uid_t		va_uid;
	gid_t		va_gid;
	long		va_fsid;
	long		va_fileid;
	u_quad_t	va_size;
	long		va_blocksize;
	struct timespec	va_atime;
	struct timespec	va_mtime;
	struct timespec	va_ctime;
	u_long		va_gen;
	u_long		va_flags;
	dev_t		va_rdev;
	u_quad_t	va_bytes;
	u_quad_t	va_filerev;
	u_int		va_vaflags;
	long		va_spare;
};
#define VNOVAL	(-1)

/* ioflag bits of VOP_READ/VOP_WRITE. */
#define IO_UNIT		0x01
#define IO_APPEND	0x02
#define IO_SYNC		0x04
#define IO_NODELOCKED	0x08
#define IO_NDELAY	0x10

/* Modes for VOP_ACCESS (as in the inode's mode bits). */
#define VSUID	04000
#define VSGID	02000
#define VSVTX	01000
#define VREAD	00400
#define VWRITE	00200
#define VEXEC	00100

/* Flags of vflush(), vinvalbuf(), vget(). */
#define SKIPSYSTEM	0x0001
#define FORCECLOSE	0x0002
#define WRITECLOSE	0x0004
#define DOCLOSE		0x0008
#define V_SAVE		0x0001
#define V_SAVEMETA	0x0002

/* vget() and vn_lock() take lockmgr's request types (LK_SHARED, ...). */
#include <sys/lock.h>

/* Operation descriptors, generated from vnode_if.src. */
struct vnodeop_desc {
	int	vdesc_offset;		/* index in every vector */
	const char *vdesc_name;
	int	vdesc_flags;
	int	*vdesc_vp_offsets;	/* where the vnodes are in the args */
	int	vdesc_vpp_offset;
	int	vdesc_cred_offset;
	int	vdesc_proc_offset;
	int	vdesc_componentname_offset;
};
#define VDESC_NO_OFFSET	(-1)
#define VDESC_MAX_VPS	16
#define VDESC_VP0_WILLRELE	0x0001
#define VDESC_VP1_WILLRELE	0x0002
#define VDESC_VP2_WILLRELE	0x0004
#define VDESC_VP3_WILLRELE	0x0008
#define VDESC_VPP_WILLRELE	0x0200

extern struct vnodeop_desc *vfs_op_descs[];
extern int vfs_opv_numops;

/* One entry of a file system's operation list. */
struct vnodeopv_entry_desc {
	struct vnodeop_desc *opve_op;
	vop_t *opve_impl;
};
/* A file system's operation list, and where to store its vector. */
struct vnodeopv_desc {
	vop_t ***opv_desc_vector_p;
	struct vnodeopv_entry_desc *opv_desc_ops;
};

#define VOFFSET(OP)	(OP##_desc.vdesc_offset)
#define VDESC(OP)	(&(OP##_desc))
#define VCALL(VP, OFF, AP) ((*((VP)->v_op[(OFF)]))(AP))
#define VOCALL(OPS, OFF, AP) ((*((OPS)[(OFF)]))(AP))

/* The generic first argument of every operation. */
struct vop_generic_args {
	struct vnodeop_desc *a_desc;
};

#include <sys/buf.h>		/* VOP_STRATEGY and VOP_BWRITE reach b_vp */
#include <sys/vnode_if.h>

#ifdef _KERNEL
extern struct vnode *rootvnode;
extern int desiredvnodes;
extern enum vtype iftovt_tab[];
extern int vttoif_tab[];
#define IFTOVT(mode)	(iftovt_tab[((mode) & S_IFMT) >> 12])
#define VTTOIF(indx)	(vttoif_tab[(int)(indx)])
#define MAKEIMODE(indx, mode) (int)(VTTOIF(indx) | (mode))
#define VREF(vp)	vref(vp)
#define HOLDRELE(vp)	holdrele(vp)
#define VHOLD(vp)	vhold(vp)

int	bdevvp(dev_t dev, struct vnode **vpp);
int	getnewvnode(enum vtagtype tag, struct mount *mp, vop_t **vops, struct vnode **vpp);
void	insmntque(struct vnode *vp, struct mount *mp);
int	vget(struct vnode *vp, int lockflag, struct proc *p);
void	vref(struct vnode *vp);
void	vput(struct vnode *vp);
void	vrele(struct vnode *vp);
void	vhold(struct vnode *vp);
void	holdrele(struct vnode *vp);
void	vgone(struct vnode *vp);
int	vflush(struct mount *mp, struct vnode *skipvp, int flags);
int	vinvalbuf(struct vnode *vp, int flags, struct ucred *cred, struct proc *p, int slpflag, int slptimeo);
void	vwakeup(struct buf *bp);
void	vattr_null(struct vattr *vap);
int	vaccess(mode_t file_mode, uid_t uid, gid_t gid, mode_t acc_mode, struct ucred *cred);
int	vn_open(struct nameidata *ndp, int fmode, int cmode);
int	vn_openvp(struct vnode *vp, int fmode, struct ucred *cred, struct proc *p);
int	vn_close(struct vnode *vp, int flags, struct ucred *cred, struct proc *p);
int	vn_lock(struct vnode *vp, int flags, struct proc *p);
int	vn_rdwr(enum uio_rw rw, struct vnode *vp, caddr_t base, int len, off_t offset,
	    enum uio_seg segflg, int ioflg, struct ucred *cred, int *aresid, struct proc *p);
int	vn_stat(struct vnode *vp, struct stat *sb, struct proc *p);
int	vn_writechk(struct vnode *vp);
int	vop_nop(void *ap);
int	vop_eopnotsupp(void *ap);
int	vop_einval(void *ap);
int	vop_ebadf(void *ap);
void	vfs_opv_init(struct vnodeopv_desc **descs);
#endif
#endif /* !_SYS_VNODE_H_ */
