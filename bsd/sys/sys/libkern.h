/* libkern.h: small library routines (string functions come from the shims). */
#ifndef _SYS_LIBKERN_H_
#define _SYS_LIBKERN_H_
#include <sys/types.h>

static __inline int imax(int a, int b) { return (a > b ? a : b); }
static __inline int imin(int a, int b) { return (a < b ? a : b); }
static __inline long lmax(long a, long b) { return (a > b ? a : b); }
static __inline long lmin(long a, long b) { return (a < b ? a : b); }
/*
 * min and max are u_int in Lite2, written for ILP32, where u_int, u_long
 * and long are all 32 bits.  Historic callers subtract from the result
 * and store it in a long expecting a negative value (tcp_output.c:
 * "len = min(so->so_snd.sb_cc, win) - off"); with a 32-bit u_int and a
 * 64-bit long that becomes 4294967295 instead of -1.  Taking and returning
 * u_long keeps every ILP32 result: the same comparisons, and a difference
 * that wraps modulo 2^64, so it reads back as the same negative long (and
 * truncates to the same int or u_int).
 */
static __inline u_long max(u_long a, u_long b) { return (a > b ? a : b); }
static __inline u_long min(u_long a, u_long b) { return (a < b ? a : b); }
static __inline u_long ulmax(u_long a, u_long b) { return (a > b ? a : b); }
static __inline u_long ulmin(u_long a, u_long b) { return (a < b ? a : b); }

size_t	strlen(const char *s);
int	strcmp(const char *a, const char *b);
int	strncmp(const char *a, const char *b, size_t n);
char	*strcpy(char *dst, const char *src);
char	*strncpy(char *dst, const char *src, size_t n);
int	ffs(int mask);
u_long	random(void);
int	scanc(u_int size, u_char *cp, u_char *table, int mask);
int	skpc(int mask, int size, char *cp);
char	*strcat(char *s, const char *append);
#endif /* !_SYS_LIBKERN_H_ */
