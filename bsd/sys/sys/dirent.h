/* dirent.h: directory entries as getdirentries() returns them. */
#ifndef _SYS_DIRENT_H_
#define _SYS_DIRENT_H_
#include <sys/types.h>

struct dirent {
	u_int32_t d_fileno;		/* inode number */
	u_int16_t d_reclen;		/* length of this record */
	u_int8_t  d_type;		/* DT_* */
	u_int8_t  d_namlen;		/* length of d_name */
	char	  d_name[255 + 1];	/* name, NUL-terminated */
};

#define DT_UNKNOWN	 0
#define DT_FIFO		 1
#define DT_CHR		 2
#define DT_DIR		 4
#define DT_BLK		 6
#define DT_REG		 8
#define DT_LNK		10
#define DT_SOCK		12
#define DT_WHT		14
#define IFTODT(mode)	(((mode) & 0170000) >> 12)
#define DTTOIF(dirtype)	((dirtype) << 12)
#endif /* !_SYS_DIRENT_H_ */
