/*
 * dinode.h: the on-disk inode of 4.4BSD FFS (UFS1): 128 bytes, 12 direct
 * and 3 indirect block pointers, 32-bit block addresses. Symbolic links
 * shorter than MAXSYMLINKLEN bytes live in the block-pointer area.
 */
#ifndef _UFS_UFS_DINODE_H_
#define _UFS_UFS_DINODE_H_
#include <sys/types.h>

#define ROOTINO	((ino_t)2)		/* inode of the root directory */
#define WINO	((ino_t)1)		/* whiteout inode */
#define NDADDR	12			/* direct block pointers */
#define NIADDR	3			/* indirect block pointers */

typedef int32_t ufs_daddr_t;

struct dinode {
	u_int16_t	di_mode;	/*   0: type and permissions */
	int16_t		di_nlink;	/*   2: link count */
	union {
		u_int16_t oldids[2];	/*   4: 16-bit owner ids (old) */
		int32_t	  inumber;	/*   4: LFS inode number */
	} di_u;
	u_int64_t	di_size;	/*   8: bytes */
	int32_t		di_atime;	/*  16: last access */
	int32_t		di_atimensec;	/*  20 */
	int32_t		di_mtime;	/*  24: last modification */
	int32_t		di_mtimensec;	/*  28 */
	int32_t		di_ctime;	/*  32: last inode change */
	int32_t		di_ctimensec;	/*  36 */
	ufs_daddr_t	di_db[NDADDR];	/*  40: direct blocks */
	ufs_daddr_t	di_ib[NIADDR];	/*  88: indirect blocks */
	u_int32_t	di_flags;	/* 100: chflags flags */
	int32_t		di_blocks;	/* 104: DEV_BSIZE blocks held */
	int32_t		di_gen;		/* 108: generation number */
	u_int32_t	di_uid;		/* 112: owner */
	u_int32_t	di_gid;		/* 116: group */
	int32_t		di_spare[2];	/* 120 */
};
CTASSERT(sizeof(struct dinode) == 128);

#define di_inumber	di_u.inumber
#define di_ouid		di_u.oldids[0]
#define di_ogid		di_u.oldids[1]
#define di_rdev		di_db[0]
#define di_shortlink	di_db
#define MAXSYMLINKLEN	((NDADDR + NIADDR) * sizeof(ufs_daddr_t))

/* di_mode */
#define IEXEC		0000100
#define IWRITE		0000200
#define IREAD		0000400
#define ISVTX		0001000
#define ISGID		0002000
#define ISUID		0004000
#define IFMT		0170000
#define IFIFO		0010000
#define IFCHR		0020000
#define IFDIR		0040000
#define IFBLK		0060000
#define IFREG		0100000
#define IFLNK		0120000
#define IFSOCK		0140000
#define IFWHT		0160000
#endif /* !_UFS_UFS_DINODE_H_ */
