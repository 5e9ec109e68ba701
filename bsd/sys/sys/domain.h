/*
 * domain.h - a communications domain: a family of protocols (its
 * protosw array), linked on the global list `domains` by domaininit().
 */
#ifndef _SYS_DOMAIN_H_
#define _SYS_DOMAIN_H_

struct mbuf;

struct domain {
	int	dom_family;		/* AF_xxx */
	char	*dom_name;
	void	(*dom_init)(void);	/* initialize domain data structures */
	int	(*dom_externalize)(struct mbuf *);
	void	(*dom_dispose)(struct mbuf *);
	struct	protosw *dom_protosw, *dom_protoswNPROTOSW;
	struct	domain *dom_next;
	int	(*dom_rtattach)(void **, int);
	int	dom_rtoffset;
	int	dom_maxrtkey;
};

#ifdef _KERNEL
extern struct domain *domains;
void	domaininit(void);
void	pfslowtimo(void);
void	pffasttimo(void);
#endif

#endif /* !_SYS_DOMAIN_H_ */
