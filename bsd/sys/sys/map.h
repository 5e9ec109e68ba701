/*
 * sys/map.h - Lite2's resource maps (rmalloc/rmfree over struct map).
 *
 * Historic files include it (uipc_mbuf.c does) but nothing in Molt's BSD
 * code allocates from a resource map: swap and the message buffer, their
 * users, belong to the VM system, which is not here.  The types are
 * declared so historic declarations compile.
 */
#ifndef _SYS_MAP_H_
#define _SYS_MAP_H_

struct mapent {
	long	m_size;		/* size of this segment of the map */
	long	m_addr;		/* start of the segment */
};

struct map {
	struct	mapent *m_limit;	/* first slot beyond the map */
	char	*m_name;		/* name of the resource */
};

#endif /* _SYS_MAP_H_ */
