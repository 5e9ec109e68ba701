/* The common bsd/sys/sys headers whose Rust view is molt_shims::bsd. */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/queue.h>
#include <sys/errno.h>
#include <sys/time.h>
#include <sys/kernel.h>
#include <sys/proc.h>
#include <sys/resourcevar.h>
#include <sys/select.h>
#include <sys/signal.h>
#include <sys/sysctl.h>
#include <sys/lock.h>
#include <sys/ucred.h>
#include <sys/uio.h>
#include <sys/syslog.h>
#include <sys/molt_shims.h>
