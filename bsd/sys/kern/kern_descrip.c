/*
 * kern_descrip.c: descriptor tables and open files.
 *
 * Each proc gets a filedesc on first use (fdinit). A descriptor indexes
 * fd_ofiles; a struct file is shared by the descriptors that refer to it
 * (f_count) and closed through its fileops when the last one goes.
 * Protected by the giant lock.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/malloc.h>
#include <sys/file.h>
#include <sys/filedesc.h>
#include <sys/vnode.h>
#include <sys/syscallargs.h>

#define NDFILE	20			/* initial table size */
#define MAXFILES 4096			/* per process */

struct filedesc *
fdinit(struct proc *p)
{
	struct filedesc *fdp = p->p_fd;

	if (fdp != NULL)
		return (fdp);
	fdp = malloc(sizeof(*fdp), M_FILEDESC, M_WAITOK);
	bzero(fdp, sizeof(*fdp));
	fdp->fd_nfiles = NDFILE;
	fdp->fd_ofiles = malloc(NDFILE * sizeof(struct file *), M_FILEDESC, M_WAITOK);
	bzero(fdp->fd_ofiles, NDFILE * sizeof(struct file *));
	fdp->fd_ofileflags = malloc(NDFILE, M_FILEDESC, M_WAITOK);
	bzero(fdp->fd_ofileflags, NDFILE);
	fdp->fd_lastfile = -1;
	fdp->fd_cmask = 022;
	fdp->fd_refcnt = 1;
	p->p_fd = fdp;
	return (fdp);
}

/* Finds the lowest free descriptor >= want, growing the table. */
int
fdalloc(struct proc *p, int want, int *result)
{
	struct filedesc *fdp = fdinit(p);
	int i, nfiles;
	struct file **newofile;
	char *newflags;

	for (;;) {
		for (i = MAX(want, fdp->fd_freefile); i < fdp->fd_nfiles; i++) {
			if (fdp->fd_ofiles[i] == NULL) {
				fdp->fd_ofileflags[i] = 0;
				if (i > fdp->fd_lastfile)
					fdp->fd_lastfile = i;
				if (want <= fdp->fd_freefile)
					fdp->fd_freefile = i;
				*result = i;
				return (0);
			}
		}
		if (fdp->fd_nfiles >= MAXFILES)
			return (EMFILE);
		nfiles = MIN(fdp->fd_nfiles * 2, MAXFILES);
		newofile = malloc(nfiles * sizeof(struct file *), M_FILEDESC, M_WAITOK);
		newflags = malloc(nfiles, M_FILEDESC, M_WAITOK);
		bzero(newofile, nfiles * sizeof(struct file *));
		bzero(newflags, nfiles);
		bcopy(fdp->fd_ofiles, newofile, fdp->fd_nfiles * sizeof(struct file *));
		bcopy(fdp->fd_ofileflags, newflags, fdp->fd_nfiles);
		free(fdp->fd_ofiles, M_FILEDESC);
		free(fdp->fd_ofileflags, M_FILEDESC);
		fdp->fd_ofiles = newofile;
		fdp->fd_ofileflags = newflags;
		fdp->fd_nfiles = nfiles;
	}
}

/* A new open file with one reference, installed at a new descriptor. */
int
falloc(struct proc *p, struct file **resultfp, int *resultfd)
{
	struct file *fp;
	int error, i;

	if ((error = fdalloc(p, 0, &i)) != 0)
		return (error);
	fp = malloc(sizeof(*fp), M_FILE, M_WAITOK);
	bzero(fp, sizeof(*fp));
	fp->f_count = 1;
	fp->f_cred = p->p_ucred;
	crhold(fp->f_cred);
	p->p_fd->fd_ofiles[i] = fp;
	*resultfp = fp;
	*resultfd = i;
	return (0);
}

void
ffree(struct file *fp)
{
	crfree(fp->f_cred);
	free(fp, M_FILE);
}

/* Drops a reference to fp; the last one closes it. */
int
closef(struct file *fp, struct proc *p)
{
	int error = 0;

	if (fp == NULL)
		return (0);
	if (--fp->f_count > 0)
		return (0);
	if (fp->f_ops != NULL)
		error = (*fp->f_ops->fo_close)(fp, p);
	ffree(fp);
	return (error);
}

static int
fdcheck(struct filedesc *fdp, int fd, struct file **fpp)
{
	if (fd < 0 || fd >= fdp->fd_nfiles || fdp->fd_ofiles[fd] == NULL)
		return (EBADF);
	*fpp = fdp->fd_ofiles[fd];
	return (0);
}

/* The open file of fd, which must be a vnode. */
int
getvnode(struct filedesc *fdp, int fd, struct file **fpp)
{
	int error;

	if ((error = fdcheck(fdp, fd, fpp)) != 0)
		return (error);
	if ((*fpp)->f_type != DTYPE_VNODE)
		return (EINVAL);
	return (0);
}

/* The open file of fd, whatever it is (read/write use this). */
int
getfile(struct proc *p, int fd, struct file **fpp)
{
	return (fdcheck(fdinit(p), fd, fpp));
}

int
close(struct proc *p, struct close_args *uap, register_t *retval)
{
	struct filedesc *fdp = fdinit(p);
	struct file *fp;
	int fd = SCARG(uap, fd), error;

	if ((error = fdcheck(fdp, fd, &fp)) != 0)
		return (error);
	fdp->fd_ofiles[fd] = NULL;
	while (fdp->fd_lastfile > 0 && fdp->fd_ofiles[fdp->fd_lastfile] == NULL)
		fdp->fd_lastfile--;
	if (fd < fdp->fd_freefile)
		fdp->fd_freefile = fd;
	return (closef(fp, p));
}

/* Closes every descriptor and drops the directories (thread exit). */
void
fdfree(struct proc *p)
{
	struct filedesc *fdp = p->p_fd;
	int i;

	if (fdp == NULL)
		return;
	for (i = 0; i <= fdp->fd_lastfile; i++)
		if (fdp->fd_ofiles[i] != NULL)
			(void)closef(fdp->fd_ofiles[i], p);
	if (fdp->fd_cdir)
		vrele(fdp->fd_cdir);
	if (fdp->fd_rdir)
		vrele(fdp->fd_rdir);
	free(fdp->fd_ofiles, M_FILEDESC);
	free(fdp->fd_ofileflags, M_FILEDESC);
	free(fdp, M_FILEDESC);
	p->p_fd = NULL;
}
