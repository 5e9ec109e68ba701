/*
 * machine/limits.h - the limits of the C types on x86_64 (LP64), under
 * the names historic code uses.  Note for drop-in users: LONG_MAX and
 * ULONG_MAX are 64-bit here where Lite2's i386 had 32 (bsd/README.md).
 */
#ifndef _MACHINE_LIMITS_H_
#define _MACHINE_LIMITS_H_

#define CHAR_BIT	8
#define SCHAR_MAX	127
#define SCHAR_MIN	(-128)
#define UCHAR_MAX	255
#define CHAR_MAX	SCHAR_MAX
#define CHAR_MIN	SCHAR_MIN
#define USHRT_MAX	65535
#define SHRT_MAX	32767
#define SHRT_MIN	(-32768)
#define UINT_MAX	0xffffffffU
#define INT_MAX		2147483647
#define INT_MIN		(-2147483647 - 1)
#define ULONG_MAX	0xffffffffffffffffUL
#define LONG_MAX	0x7fffffffffffffffL
#define LONG_MIN	(-0x7fffffffffffffffL - 1)
#define UQUAD_MAX	0xffffffffffffffffULL
#define QUAD_MAX	0x7fffffffffffffffLL
#define QUAD_MIN	(-0x7fffffffffffffffLL - 1)

#endif /* !_MACHINE_LIMITS_H_ */
