/*
 * skpc.c - skip the leading bytes of cp[0..size) equal to mask; returns
 * the bytes left from the first that differs (0: all were equal).
 */
#include <sys/param.h>
#include <sys/libkern.h>

int
skpc(int mask, int size, char *cp)
{
	char *end = cp + size;

	while (cp < end && (u_char)*cp == (u_char)mask)
		cp++;
	return (int)(end - cp);
}
