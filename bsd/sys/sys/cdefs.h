/*
 * cdefs.h: compiler glue for the freestanding BSD code.
 * Only what the C code needs; no libc header is ever included in bsd/.
 */
#ifndef _SYS_CDEFS_H_
#define _SYS_CDEFS_H_

#define __P(protos)	protos
#define __CONCAT(x, y)	x ## y
#define __STRING(x)	#x
#define __dead		__attribute__((__noreturn__))
#define __packed	__attribute__((__packed__))
#define __aligned(x)	__attribute__((__aligned__(x)))
#define __unused	__attribute__((__unused__))
#define __printflike(f, a) __attribute__((__format__(__printf__, f, a)))
#define __offsetof(t, m) __builtin_offsetof(t, m)
#define offsetof(t, m)	__builtin_offsetof(t, m)
#define __BEGIN_DECLS
#define __END_DECLS

/* Compile-time assertion (checks on-disk layouts against the format). */
#define CTASSERT(x)	_Static_assert(x, #x)

#endif /* !_SYS_CDEFS_H_ */
