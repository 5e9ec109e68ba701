/*
 * sockio.h - socket ioctl requests handled by the network interfaces
 * (the subset of 4.4BSD's list that this stack implements).
 */
#ifndef _SYS_SOCKIO_H_
#define _SYS_SOCKIO_H_

#define SIOCSIFADDR	0x8020690c	/* set ifnet address */
#define SIOCGIFADDR	0xc0206921	/* get ifnet address */
#define SIOCSIFFLAGS	0x80206910	/* set ifnet flags */
#define SIOCGIFFLAGS	0xc0206911	/* get ifnet flags */
#define SIOCSIFNETMASK	0x80206916	/* set net addr mask */
#define SIOCGIFNETMASK	0xc0206925	/* get net addr mask */
#define SIOCSIFMTU	0x8020697f	/* set ifnet mtu */

#endif /* !_SYS_SOCKIO_H_ */
