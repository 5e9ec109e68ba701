/*
 * uio.h: scatter/gather I/O descriptions. A uio walks an iovec array;
 * uiomove() copies between a kernel buffer and the uio, through
 * copyin/copyout when the uio describes user space.
 */
#ifndef _SYS_UIO_H_
#define _SYS_UIO_H_
#include <sys/types.h>

struct iovec {
	void	*iov_base;	/* base address */
	size_t	 iov_len;	/* length */
};

enum uio_rw { UIO_READ, UIO_WRITE };

/* Where the iovecs point. */
enum uio_seg {
	UIO_USERSPACE,		/* user data space */
	UIO_SYSSPACE,		/* kernel data space */
	UIO_USERISPACE		/* user instruction space */
};

struct proc;
struct uio {
	struct	iovec *uio_iov;
	int	uio_iovcnt;
	off_t	uio_offset;
	int	uio_resid;	/* bytes left to move */
	enum	uio_seg uio_segflg;
	enum	uio_rw uio_rw;
	struct	proc *uio_procp;
};

#define UIO_MAXIOV	1024
#define UIO_SMALLIOV	8

#ifdef _KERNEL
int	uiomove(caddr_t cp, int n, struct uio *uio);
#endif
#endif /* !_SYS_UIO_H_ */
