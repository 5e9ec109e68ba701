/*
 * filedesc.h: a process's descriptor table, with its current and root
 * directories. Grows on demand; protected by giant.
 */
#ifndef _SYS_FILEDESC_H_
#define _SYS_FILEDESC_H_
#include <sys/param.h>

struct file;
struct vnode;
struct proc;

struct filedesc {
	struct	file **fd_ofiles;	/* open files, by descriptor */
	char	*fd_ofileflags;
	struct	vnode *fd_cdir;		/* current directory */
	struct	vnode *fd_rdir;		/* root directory (NULL: rootvnode) */
	int	fd_nfiles;		/* size of fd_ofiles */
	int	fd_lastfile;		/* highest descriptor in use */
	int	fd_freefile;		/* lowest possibly free descriptor */
	u_short	fd_cmask;		/* creation mask */
	u_short	fd_refcnt;
};

#ifdef _KERNEL
struct filedesc *fdinit(struct proc *p);
int	fdalloc(struct proc *p, int want, int *result);
void	fdfree(struct proc *p);
int	getvnode(struct filedesc *fdp, int fd, struct file **fpp);
#endif
#endif /* !_SYS_FILEDESC_H_ */
