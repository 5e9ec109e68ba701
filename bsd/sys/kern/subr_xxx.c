/*
 * subr_xxx.c - the stock answers of switch tables (Lite2's nullop, enodev
 * and friends): an entry that has nothing to do points at one of these.
 */
#include <sys/param.h>
#include <sys/systm.h>

int
nullop(void)
{
	return 0;
}

int
enodev(void)
{
	return ENODEV;
}

int
enoioctl(void)
{
	return ENOTTY;
}

int
enxio(void)
{
	return ENXIO;
}

int
enosys(void)
{
	return ENOSYS;
}

int
eopnotsupp(void)
{
	return EOPNOTSUPP;
}

int
einval(void)
{
	return EINVAL;
}
