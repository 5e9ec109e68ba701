/*
 * icmp_var.h - ICMP statistics.
 */
#ifndef _NETINET_ICMP_VAR_H_
#define _NETINET_ICMP_VAR_H_

#include <netinet/ip_icmp.h>

struct icmpstat {
	u_long	icps_error;		/* # of calls to icmp_error */
	u_long	icps_oldshort;		/* no error 'cuz old ip too short */
	u_long	icps_oldicmp;		/* no error 'cuz old was icmp */
	u_long	icps_outhist[ICMP_MAXTYPE + 1];
	u_long	icps_badcode;		/* icmp_code out of range */
	u_long	icps_tooshort;		/* packet < ICMP_MINLEN */
	u_long	icps_checksum;		/* bad checksum */
	u_long	icps_badlen;		/* calculated bound mismatch */
	u_long	icps_reflect;		/* number of responses */
	u_long	icps_inhist[ICMP_MAXTYPE + 1];
};

#ifdef _KERNEL
extern struct icmpstat icmpstat;
#endif

#endif /* !_NETINET_ICMP_VAR_H_ */
