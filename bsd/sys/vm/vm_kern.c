/*
 * vm_kern.c - the cluster map: kmem_malloc from mb_map.
 *
 * Lite2 reserves a kernel submap of nmbclusters clusters at boot and
 * m_clalloc takes pages from it that are never given back; the
 * per-cluster reference counts are indexed by a cluster's position in the
 * map (mtocl).  Here the map is one block from the shims' malloc,
 * aligned to MCLBYTES, reserved on the first allocation together with
 * mclrefcnt, and handed out from the front.  When it is used up
 * kmem_malloc returns 0 and the caller reports ENOBUFS, as Lite2's does
 * when mb_map is full.  kernel_map has no space.  Protected by splimp
 * (the giant lock).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <vm/vm.h>

struct vm_map {
	caddr_t	vm_start;	/* first byte, or NULL before the first use */
	caddr_t	vm_next;	/* first byte not handed out */
	caddr_t	vm_end;		/* first byte past the map */
};

int nmbclusters = NMBCLUSTERS;

static struct vm_map kernel_map_store;
static struct vm_map mb_map_store;
vm_map_t kernel_map = &kernel_map_store;
vm_map_t mb_map = &mb_map_store;

/* Reserve the cluster map and its reference counts. */
static int
mb_map_init(vm_map_t map)
{
	size_t size = (size_t)nmbclusters * MCLBYTES;
	caddr_t raw;

	raw = malloc(size + MCLBYTES, M_MBUF, M_NOWAIT);
	if (raw == NULL)
		return 0;
	mclrefcnt = malloc((size_t)nmbclusters, M_MBUF, M_NOWAIT);
	if (mclrefcnt == NULL) {
		free(raw, M_MBUF);
		return 0;
	}
	bzero(mclrefcnt, (size_t)nmbclusters);
	/* align to a cluster, so mtocl() of any byte names its cluster */
	map->vm_start = (caddr_t)roundup((u_long)raw, MCLBYTES);
	map->vm_next = map->vm_start;
	map->vm_end = map->vm_start + size;
	mbutl = (struct mbuf *)map->vm_start;
	return 1;
}

/*
 * Allocate size bytes (a whole number of pages) from map; returns 0 if
 * the map cannot hold them.  Nothing waits: canwait only says whether the
 * caller could have.
 */
vm_offset_t
kmem_malloc(vm_map_t map, vm_size_t size, boolean_t canwait)
{
	caddr_t p;

	(void)canwait;
	if (map != mb_map || size == 0 || (size & PGOFSET) != 0)
		return 0;
	if (map->vm_start == NULL && !mb_map_init(map))
		return 0;
	if (size > (vm_size_t)(map->vm_end - map->vm_next))
		return 0;
	p = map->vm_next;
	map->vm_next += size;
	return (vm_offset_t)p;
}
