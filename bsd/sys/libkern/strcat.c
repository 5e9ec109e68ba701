/* strcat.c - append the string append to s (which must have room); returns s. */
#include <sys/param.h>
#include <sys/libkern.h>

char *
strcat(char *s, const char *append)
{
	char *p = s + strlen(s);

	while ((*p++ = *append++) != '\0')
		continue;
	return s;
}
