/* fcntl.h: open flags. FREAD/FWRITE are the kernel's view of O_ACCMODE + 1. */
#ifndef _SYS_FCNTL_H_
#define _SYS_FCNTL_H_
#define O_RDONLY	0x0000
#define O_WRONLY	0x0001
#define O_RDWR		0x0002
#define O_ACCMODE	0x0003
#define O_NONBLOCK	0x0004
#define O_APPEND	0x0008
#define O_SHLOCK	0x0010
#define O_EXLOCK	0x0020
#define O_ASYNC		0x0040
#define O_FSYNC		0x0080
#define O_NOFOLLOW	0x0100
#define O_CREAT		0x0200
#define O_TRUNC		0x0400
#define O_EXCL		0x0800
#define O_DIRECTORY	0x20000

#define FREAD		0x0001
#define FWRITE		0x0002
#define FAPPEND		O_APPEND
#define FNONBLOCK	O_NONBLOCK
#define FFSYNC		O_FSYNC
#define FMASK		(FREAD | FWRITE | FAPPEND | FNONBLOCK | FFSYNC)
#define FFLAGS(oflags)	((oflags) + 1)
#define OFLAGS(fflags)	((fflags) - 1)

#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2
#endif /* !_SYS_FCNTL_H_ */
