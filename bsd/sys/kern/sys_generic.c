/*
 * sys_generic.c: read(2) and write(2): build a uio over the caller's
 * buffer and hand it to the open file's fileops.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/file.h>
#include <sys/uio.h>
#include <sys/syscallargs.h>

int	getfile(struct proc *p, int fd, struct file **fpp);

static int
rdwr(struct proc *p, int fd, void *buf, size_t nbyte, enum uio_rw rw, register_t *retval)
{
	struct file *fp;
	struct uio auio;
	struct iovec aiov;
	int error, want = rw == UIO_READ ? FREAD : FWRITE;
	long cnt;

	if ((error = getfile(p, fd, &fp)) != 0)
		return (error);
	if ((fp->f_flag & want) == 0)
		return (EBADF);
	if (nbyte > 0x7fffffff)
		return (EINVAL);
	aiov.iov_base = buf;
	aiov.iov_len = nbyte;
	auio.uio_iov = &aiov;
	auio.uio_iovcnt = 1;
	auio.uio_resid = (int)nbyte;
	auio.uio_rw = rw;
	auio.uio_segflg = UIO_USERSPACE;
	auio.uio_procp = p;
	cnt = (long)nbyte;
	fp->f_count++;
	if (rw == UIO_READ)
		error = (*fp->f_ops->fo_read)(fp, &auio, fp->f_cred);
	else
		error = (*fp->f_ops->fo_write)(fp, &auio, fp->f_cred);
	/* A partial transfer is a success. */
	if (error && auio.uio_resid != cnt && error == EINTR)
		error = 0;
	cnt -= auio.uio_resid;
	*retval = cnt;
	(void)closef(fp, p);
	return (error);
}

int
read(struct proc *p, struct read_args *uap, register_t *retval)
{
	return (rdwr(p, SCARG(uap, fd), SCARG(uap, buf), SCARG(uap, nbyte), UIO_READ, retval));
}

int
write(struct proc *p, struct write_args *uap, register_t *retval)
{
	return (rdwr(p, SCARG(uap, fd), (void *)SCARG(uap, buf), SCARG(uap, nbyte), UIO_WRITE, retval));
}
