/*
 * file.h: an open file (struct file), shared by the descriptors that
 * refer to it. f_count counts those references; protected by giant.
 */
#ifndef _SYS_FILE_H_
#define _SYS_FILE_H_
#include <sys/fcntl.h>
#include <sys/queue.h>

struct proc;
struct uio;
struct ucred;
struct stat;

struct file {
	LIST_ENTRY(file) f_list;	/* on the list of open files */
	short	f_flag;			/* FREAD, FWRITE, ... */
#define DTYPE_VNODE	1
#define DTYPE_SOCKET	2
	short	f_type;
	short	f_count;		/* descriptor references */
	struct	ucred *f_cred;		/* credentials of the opener */
	struct	fileops {
		int	(*fo_read)(struct file *fp, struct uio *uio, struct ucred *cred);
		int	(*fo_write)(struct file *fp, struct uio *uio, struct ucred *cred);
		int	(*fo_close)(struct file *fp, struct proc *p);
	} *f_ops;
	off_t	f_offset;
	void	*f_data;		/* a vnode or a socket */
};

#ifdef _KERNEL
extern struct fileops vnops;
int	falloc(struct proc *p, struct file **resultfp, int *resultfd);
int	closef(struct file *fp, struct proc *p);
void	ffree(struct file *fp);
#endif
#endif /* !_SYS_FILE_H_ */
