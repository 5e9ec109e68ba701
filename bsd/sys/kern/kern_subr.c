/*
 * kern_subr.c: uiomove(), the one routine that moves data between a
 * kernel buffer and a uio. User-space iovecs go through copyin/copyout
 * (which the shims check); kernel-space ones are copied directly.
 * Called with the giant lock held.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/proc.h>
#include <sys/uio.h>
#include <sys/queue.h>
#include <sys/malloc.h>

int
uiomove(caddr_t cp, int n, struct uio *uio)
{
	struct iovec *iov;
	size_t cnt;
	int error = 0;

	if (uio->uio_rw != UIO_READ && uio->uio_rw != UIO_WRITE)
		panic("uiomove: mode");
	while (n > 0 && uio->uio_resid > 0) {
		if (uio->uio_iovcnt <= 0)
			panic("uiomove: iovcnt");
		iov = uio->uio_iov;
		cnt = iov->iov_len;
		if (cnt == 0) {
			uio->uio_iov++;
			uio->uio_iovcnt--;
			continue;
		}
		if (cnt > (size_t)n)
			cnt = (size_t)n;
		switch (uio->uio_segflg) {
		case UIO_USERSPACE:
		case UIO_USERISPACE:
			if (uio->uio_rw == UIO_READ)
				error = copyout(cp, iov->iov_base, cnt);
			else
				error = copyin(iov->iov_base, cp, cnt);
			if (error)
				return (error);
			break;
		case UIO_SYSSPACE:
			if (uio->uio_rw == UIO_READ)
				bcopy(cp, iov->iov_base, cnt);
			else
				bcopy(iov->iov_base, cp, cnt);
			break;
		}
		iov->iov_base = (char *)iov->iov_base + cnt;
		iov->iov_len -= cnt;
		uio->uio_resid -= (int)cnt;
		uio->uio_offset += cnt;
		cp += cnt;
		n -= (int)cnt;
	}
	return (error);
}

/*
 * A hash table of list heads for about count elements: 2^n heads, n the
 * largest with 2^n <= count (at least one), and *hashmask = 2^n - 1 for
 * reducing a hash to an index.  The table is allocated with malloc type
 * type and freed by its owner.
 */
void *
hashinit(int count, int type, u_long *hashmask)
{
	long size;
	LIST_HEAD(generic, generic) *table;
	long i;

	if (count <= 0)
		panic("hashinit: %d elements", count);
	for (size = 1; size <= count; size <<= 1)
		continue;
	size >>= 1;
	table = malloc((u_long)size * sizeof(*table), type, M_WAITOK);
	for (i = 0; i < size; i++)
		LIST_INIT(&table[i]);
	*hashmask = size - 1;
	return table;
}
