/*
 * kern_sysctl.c - answering one sysctl name: copy the current value out
 * to oldp (if given, and if it fits), and take a new one from newp (if
 * given, and if the name may be written).  Also the security level.
 * Errors: ENOMEM when oldp is too small, EINVAL for a new value of the
 * wrong size, EPERM for a read-only name, EFAULT from the copies.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/sysctl.h>

int securelevel;		/* system security level (0: insecure) */

/* Answer with len bytes at p: the size always, the bytes if oldp is given. */
static int
sysctl_answer(void *oldp, size_t *oldlenp, const void *p, size_t len)
{
	if (oldp != NULL && *oldlenp < len)
		return ENOMEM;
	*oldlenp = len;
	return oldp != NULL ? copyout(p, oldp, len) : 0;
}

int
sysctl_int(void *oldp, size_t *oldlenp, void *newp, size_t newlen, int *valp)
{
	int error;

	if (newp != NULL && newlen != sizeof(int))
		return EINVAL;
	if ((error = sysctl_answer(oldp, oldlenp, valp, sizeof(int))) != 0)
		return error;
	return newp != NULL ? copyin(newp, valp, sizeof(int)) : 0;
}

int
sysctl_rdint(void *oldp, size_t *oldlenp, void *newp, int val)
{
	if (newp != NULL)
		return EPERM;
	return sysctl_answer(oldp, oldlenp, &val, sizeof(int));
}

int
sysctl_string(void *oldp, size_t *oldlenp, void *newp, size_t newlen, char *str, int maxlen)
{
	int error;

	if (newp != NULL && (maxlen <= 0 || newlen >= (size_t)maxlen))
		return EINVAL;
	if ((error = sysctl_answer(oldp, oldlenp, str, strlen(str) + 1)) != 0)
		return error;
	if (newp != NULL) {
		if ((error = copyin(newp, str, newlen)) != 0)
			return error;
		str[newlen] = '\0';
	}
	return 0;
}

int
sysctl_rdstring(void *oldp, size_t *oldlenp, void *newp, char *str)
{
	if (newp != NULL)
		return EPERM;
	return sysctl_answer(oldp, oldlenp, str, strlen(str) + 1);
}

int
sysctl_struct(void *oldp, size_t *oldlenp, void *newp, size_t newlen, void *sp, int len)
{
	int error;

	if (len < 0 || (newp != NULL && newlen > (size_t)len))
		return EINVAL;
	if ((error = sysctl_answer(oldp, oldlenp, sp, (size_t)len)) != 0)
		return error;
	return newp != NULL ? copyin(newp, sp, newlen) : 0;
}

int
sysctl_rdstruct(void *oldp, size_t *oldlenp, void *newp, void *sp, int len)
{
	if (newp != NULL)
		return EPERM;
	if (len < 0)
		return EINVAL;
	return sysctl_answer(oldp, oldlenp, sp, (size_t)len);
}
