/*
 * The fork bomb's fork, written in C against the historic entry point:
 * this is how C code reaches the user-space process manager.
 */
#include <molt/kern_proc.h>

long
bomb_fork(void)
{
	return kern_fork();
}
