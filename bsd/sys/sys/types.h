/*
 * types.h: the basic system types, LP64-clean.
 * Every on-disk or wire field uses a fixed-width type (int32_t, u_int16_t,
 * ...); in-core sizes and addresses use long-sized types.
 */
#ifndef _SYS_TYPES_H_
#define _SYS_TYPES_H_

#include <sys/cdefs.h>

typedef signed char		int8_t;
typedef unsigned char		u_int8_t;
typedef short			int16_t;
typedef unsigned short		u_int16_t;
typedef int			int32_t;
typedef unsigned int		u_int32_t;
typedef long long		int64_t;
typedef unsigned long long	u_int64_t;
typedef u_int8_t		uint8_t;
typedef u_int16_t		uint16_t;
typedef u_int32_t		uint32_t;
typedef u_int64_t		uint64_t;

typedef long			intptr_t;
typedef unsigned long		uintptr_t;
typedef long			register_t;

typedef unsigned char		u_char;
typedef unsigned short		u_short;
typedef unsigned int		u_int;
typedef unsigned long		u_long;
typedef unsigned short		ushort;
typedef unsigned int		uint;

typedef int64_t			quad_t;
typedef u_int64_t		u_quad_t;
typedef quad_t *		qaddr_t;
typedef char *			caddr_t;

typedef unsigned long		size_t;
typedef long			ssize_t;
typedef int64_t			off_t;		/* file offset */
typedef int32_t			daddr_t;	/* disk address (UFS1: 32 bits) */
typedef u_int32_t		dev_t;		/* device number */
typedef u_int32_t		ino_t;		/* inode number */
typedef u_int16_t		mode_t;		/* permissions */
typedef u_int16_t		nlink_t;	/* link count */
typedef u_int32_t		uid_t;
typedef u_int32_t		gid_t;
typedef int32_t			pid_t;
typedef int64_t			time_t;
typedef int32_t			segsz_t;
typedef u_int32_t		fixpt_t;
typedef int32_t			swblk_t;
typedef int			boolean_t;

#ifndef NULL
#define NULL	((void *)0)
#endif
#define TRUE	1
#define FALSE	0

/* Major and minor numbers of a device. */
#define major(x)	((int32_t)(((u_int32_t)(x) >> 8) & 0xff))
#define minor(x)	((int32_t)((x) & 0xffff00ff))
#define makedev(x, y)	((dev_t)(((x) << 8) | (y)))
#define NODEV		((dev_t)-1)

#endif /* !_SYS_TYPES_H_ */
