/*
 * vfs_init.c: starts the VFS: the buffer cache, the operation vectors of
 * every file system (built from their vnodeopv_desc lists against the
 * generated descriptor table), and each file system type's init.
 * Called once, with the giant lock, before any mount.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mount.h>
#include <sys/vnode.h>
#include <sys/buf.h>

extern struct vnodeopv_desc ffs_vnodeop_opv_desc;
extern struct vnodeopv_desc spec_vnodeop_opv_desc;
extern struct vfsops ufs_vfsops;

/* Every operation list in the system. */
static struct vnodeopv_desc *vfs_opv_descs[] = {
	&ffs_vnodeop_opv_desc,
	&spec_vnodeop_opv_desc,
	NULL
};

/* Every file system type. */
struct vfsops *vfssw[] = { &ufs_vfsops, NULL };

static int vfs_initialized;

/*
 * Builds each vector: one slot per generated descriptor, filled from
 * the list; slots the list does not name get its vop_default entry.
 */
void
vfs_opv_init(struct vnodeopv_desc **descs)
{
	struct vnodeopv_desc *d;
	struct vnodeopv_entry_desc *e;
	vop_t **vec;
	int i, j;

	for (i = 0; (d = descs[i]) != NULL; i++) {
		vec = malloc(vfs_opv_numops * sizeof(vop_t *), M_VNODE, M_WAITOK);
		bzero(vec, vfs_opv_numops * sizeof(vop_t *));
		*d->opv_desc_vector_p = vec;
		for (e = d->opv_desc_ops; e->opve_op != NULL; e++) {
			if (e->opve_op->vdesc_offset < 0 ||
			    e->opve_op->vdesc_offset >= vfs_opv_numops)
				panic("vfs_opv_init: bad descriptor %s", e->opve_op->vdesc_name);
			vec[e->opve_op->vdesc_offset] = e->opve_impl;
		}
		if (vec[VOFFSET(vop_default)] == NULL)
			panic("vfs_opv_init: operation vector without a default");
		for (j = 0; j < vfs_opv_numops; j++)
			if (vec[j] == NULL)
				vec[j] = vec[VOFFSET(vop_default)];
	}
}

void
vfsinit(void)
{
	int i;

	if (vfs_initialized++)
		return;
	bufinit();
	vfs_opv_init(vfs_opv_descs);
	for (i = 0; vfssw[i] != NULL; i++)
		if (vfssw[i]->vfs_init != NULL)
			(*vfssw[i]->vfs_init)();
}
