/*
 * scanc.c - scan size bytes of cp for the first whose entry in table
 * has a bit of mask set; returns the bytes left from it (0: none found).
 * FFS uses it to find free fragments in a cylinder group's map.
 */
#include <sys/param.h>
#include <sys/libkern.h>

int
scanc(u_int size, u_char *cp, u_char *table, int mask)
{
	u_char *end = cp + size;

	while (cp < end && (table[*cp] & mask) == 0)
		cp++;
	return (int)(end - cp);
}
