/*
 * syscallargs.h: the argument structs of the file-system system calls,
 * in the shape of 4.4BSD-Lite2's (SCARG(uap, name) reads one). Paths and
 * buffers are user addresses; the calls copy them in.
 */
#ifndef _SYS_SYSCALLARGS_H_
#define _SYS_SYSCALLARGS_H_
#include <sys/types.h>

#define SCARG(p, k)	((p)->k)

struct proc;
struct stat;
struct statfs;
struct timeval;
struct vnode;
struct mount;

struct open_args	{ const char *path; int flags; int mode; };
struct close_args	{ int fd; };
struct read_args	{ int fd; void *buf; size_t nbyte; };
struct write_args	{ int fd; const void *buf; size_t nbyte; };
struct lseek_args	{ int fd; int pad; off_t offset; int whence; };
struct link_args	{ const char *path; const char *link; };
struct unlink_args	{ const char *path; };
struct mkdir_args	{ const char *path; int mode; };
struct rmdir_args	{ const char *path; };
struct rename_args	{ const char *from; const char *to; };
struct symlink_args	{ const char *path; const char *link; };
struct readlink_args	{ const char *path; char *buf; int count; };
struct stat_args	{ const char *path; struct stat *ub; };
struct lstat_args	{ const char *path; struct stat *ub; };
struct fstat_args	{ int fd; struct stat *sb; };
struct truncate_args	{ const char *path; int pad; off_t length; };
struct ftruncate_args	{ int fd; int pad; off_t length; };
struct fsync_args	{ int fd; };
struct getdirentries_args { int fd; char *buf; u_int count; long *basep; };
struct chmod_args	{ const char *path; int mode; };
struct chown_args	{ const char *path; int uid; int gid; };
struct utimes_args	{ const char *path; struct timeval *tptr; };
struct access_args	{ const char *path; int flags; };
struct statfs_args	{ const char *path; struct statfs *buf; };
struct sync_args	{ int dummy; };
struct unmount_args	{ const char *path; int flags; };
struct mknod_args	{ const char *path; int mode; int dev; };
struct mkfifo_args	{ const char *path; int mode; };
struct fhopen_args	{ const struct fhandle *u_fhp; int flags; };
struct fhstat_args	{ const struct fhandle *u_fhp; struct stat *sb; };
struct fhreadlink_args	{ const struct fhandle *fhp; char *buf; int bufsize; };
struct fhlink_args	{ const struct fhandle *fhp; const char *to; };
struct fhsync_args	{ const struct fhandle *fhp; int waitfor; };
/* Molt: amode is access(2)'s (R_OK 4, W_OK 2, X_OK 1; 0: exists). */
struct fhaccess_args	{ const struct fhandle *fhp; int amode; };
/* Molt: fields of -1 (and a NULL tptr) stay as they are. */
struct fhsetattr_args	{ const struct fhandle *fhp; int mode; int uid; int gid; off_t size;
			  const struct timeval *tptr; };

#ifdef _KERNEL
int	open(struct proc *p, struct open_args *uap, register_t *retval);
int	close(struct proc *p, struct close_args *uap, register_t *retval);
int	read(struct proc *p, struct read_args *uap, register_t *retval);
int	write(struct proc *p, struct write_args *uap, register_t *retval);
int	lseek(struct proc *p, struct lseek_args *uap, register_t *retval);
int	link(struct proc *p, struct link_args *uap, register_t *retval);
int	unlink(struct proc *p, struct unlink_args *uap, register_t *retval);
int	mkdir(struct proc *p, struct mkdir_args *uap, register_t *retval);
int	rmdir(struct proc *p, struct rmdir_args *uap, register_t *retval);
int	rename(struct proc *p, struct rename_args *uap, register_t *retval);
int	symlink(struct proc *p, struct symlink_args *uap, register_t *retval);
int	readlink(struct proc *p, struct readlink_args *uap, register_t *retval);
int	stat(struct proc *p, struct stat_args *uap, register_t *retval);
int	lstat(struct proc *p, struct lstat_args *uap, register_t *retval);
int	fstat(struct proc *p, struct fstat_args *uap, register_t *retval);
int	truncate(struct proc *p, struct truncate_args *uap, register_t *retval);
int	ftruncate(struct proc *p, struct ftruncate_args *uap, register_t *retval);
int	fsync(struct proc *p, struct fsync_args *uap, register_t *retval);
int	getdirentries(struct proc *p, struct getdirentries_args *uap, register_t *retval);
int	chmod(struct proc *p, struct chmod_args *uap, register_t *retval);
int	chown(struct proc *p, struct chown_args *uap, register_t *retval);
int	lchown(struct proc *p, struct chown_args *uap, register_t *retval);
int	lchmod(struct proc *p, struct chmod_args *uap, register_t *retval);
int	lutimes(struct proc *p, struct utimes_args *uap, register_t *retval);
int	utimes(struct proc *p, struct utimes_args *uap, register_t *retval);
int	access(struct proc *p, struct access_args *uap, register_t *retval);
int	statfs(struct proc *p, struct statfs_args *uap, register_t *retval);
int	sync(struct proc *p, struct sync_args *uap, register_t *retval);
int	unmount(struct proc *p, struct unmount_args *uap, register_t *retval);
int	mknod(struct proc *p, struct mknod_args *uap, register_t *retval);
int	mkfifo(struct proc *p, struct mkfifo_args *uap, register_t *retval);
int	fhopen(struct proc *p, struct fhopen_args *uap, register_t *retval);
int	fhstat(struct proc *p, struct fhstat_args *uap, register_t *retval);
int	fhreadlink(struct proc *p, struct fhreadlink_args *uap, register_t *retval);
int	fhlink(struct proc *p, struct fhlink_args *uap, register_t *retval);
int	fhsync(struct proc *p, struct fhsync_args *uap, register_t *retval);
int	fhaccess(struct proc *p, struct fhaccess_args *uap, register_t *retval);
int	fhsetattr(struct proc *p, struct fhsetattr_args *uap, register_t *retval);
struct vnode;
struct vattr;
/* Molt: the referenced, unlocked vnode of a kernel-space handle (vrele it). */
int	fhvnode(struct fhandle *fhp, struct vnode **vpp);
/* Shared by vfs_syscalls.c and vfs_fhandle.c: the work after the lookup. */
int	link1(struct proc *p, struct vnode *vp, const char *path);
int	readlink1(struct proc *p, struct vnode *vp, char *buf, int count, register_t *retval);
int	setattr_locked(struct proc *p, struct vnode *vp, struct vattr *va);
/* Molt: mount the FFS on a Molt disk unit; *rootvpp gets its root, referenced. */
int	molt_mount_ffs(struct proc *p, int unit, int flags, struct mount **mpp, struct vnode **rootvpp);
#endif
#endif /* !_SYS_SYSCALLARGS_H_ */
