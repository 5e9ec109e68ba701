/*
 * The historic process entry points for C code running as a Molt user
 * program. They are defined in Rust by the user runtime (servers/rt,
 * module cabi) and forward to the process manager with the same
 * IPC_MSG_FORK and IPC_MSG_EXEC messages Rust programs send.
 */
#ifndef _MOLT_KERN_PROC_H_
#define _MOLT_KERN_PROC_H_

/* 0 in the child, the child's pid in the parent, or -MOLT_E* on error. */
long kern_fork(void);

/*
 * Replaces the program with the boot-archive program `path`, passing the
 * blank-separated words of `args` (NULL: none). Returns -MOLT_E* only if
 * that failed.
 */
long kern_exec(const char *path, const char *args);

#endif /* !_MOLT_KERN_PROC_H_ */
