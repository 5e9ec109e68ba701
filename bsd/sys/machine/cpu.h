/*
 * machine/cpu.h - the machine-dependent header historic files include
 * (tcp_input.c, kern_clock.c ...).
 *
 * Molt's BSD code runs on one virtual CPU behind the shims (hosted, as a
 * server or in the kernel): there is no clock frame, AST or interrupt
 * stack to describe, so nothing machine-dependent is declared here; the
 * header exists so that historic includes resolve.
 */
#ifndef _MACHINE_CPU_H_
#define _MACHINE_CPU_H_
#endif /* _MACHINE_CPU_H_ */
