/*
 * vm/vm.h - the part of Lite2's virtual memory interface the rest of the
 * kernel calls: kernel maps and kmem_malloc.
 *
 * Molt's BSD code has no VM system of its own (memory comes from the
 * shims' malloc, and a Molt vm server owns address spaces); what remains
 * is the one submap the network code allocates from, mb_map, the cluster
 * map (vm_kern.c).  kernel_map exists so historic declarations link; no
 * allocation can be made from it.
 */
#ifndef _VM_VM_H_
#define _VM_VM_H_

#include <sys/types.h>

typedef u_long	vm_offset_t;
typedef u_long	vm_size_t;
typedef int	boolean_t;
typedef struct vm_map *vm_map_t;

#ifndef TRUE
#define TRUE	1
#define FALSE	0
#endif

#ifdef _KERNEL
extern vm_map_t kernel_map;
extern vm_map_t mb_map;

vm_offset_t kmem_malloc(vm_map_t map, vm_size_t size, boolean_t canwait);
#endif

#endif /* _VM_VM_H_ */
