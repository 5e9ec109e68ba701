/*
 * dir.h: the 4.4BSD directory format. A directory is a sequence of
 * DIRBLKSIZ chunks; an entry never crosses a chunk, and the d_reclen of
 * the entries in a chunk add up to DIRBLKSIZ (the last one takes the
 * slack). d_ino == 0 marks an unused entry (only first in a chunk).
 */
#ifndef _UFS_UFS_DIR_H_
#define _UFS_UFS_DIR_H_
#include <sys/types.h>

#define DIRBLKSIZ	DEV_BSIZE
#define UFS_MAXNAMLEN	255

struct direct {
	u_int32_t d_ino;		/* inode number */
	u_int16_t d_reclen;		/* length of this record */
	u_int8_t  d_type;		/* DT_* */
	u_int8_t  d_namlen;		/* length of d_name */
	char	  d_name[UFS_MAXNAMLEN + 1];
};

/* Bytes an entry with a name of namlen needs (4-byte aligned). */
#define DIRECTSIZ(namlen)						\
	((sizeof(struct direct) - (UFS_MAXNAMLEN + 1)) + (((namlen) + 1 + 3) & ~3))
#define DIRSIZ(oldfmt, dp) DIRECTSIZ((dp)->d_namlen)
#define OLDDIRFMT	1
#define NEWDIRFMT	0

/* The first chunk of a new directory: "." and "..". */
struct dirtemplate {
	u_int32_t dot_ino;
	int16_t	  dot_reclen;
	u_int8_t  dot_type;
	u_int8_t  dot_namlen;
	char	  dot_name[4];
	u_int32_t dotdot_ino;
	int16_t	  dotdot_reclen;
	u_int8_t  dotdot_type;
	u_int8_t  dotdot_namlen;
	char	  dotdot_name[4];
};
#endif /* !_UFS_UFS_DIR_H_ */
