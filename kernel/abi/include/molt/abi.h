/*
 * Molt ABI for C code: message layout, message types, error codes,
 * system-call and kernel-call numbers.
 *
 * The Rust crate kernel/abi is the definition; this header mirrors it and
 * tests/c_header.rs in that crate fails if the two disagree. Edit both.
 */
#ifndef _MOLT_ABI_H_
#define _MOLT_ABI_H_

/* A 64-byte IPC message (struct Message in Rust). */
struct molt_message {
	unsigned int	m_type;		/* IPC_MSG_* */
	unsigned int	m_source;	/* sender endpoint, set by the kernel */
	unsigned long long m_payload[7];
} __attribute__((aligned(64)));

#define MOLT_MESSAGE_SIZE 64
#define MOLT_ENDPOINT_ANY 0xffffffffu

/* Message types. */
#define IPC_MSG_NOTIFY             1
#define IPC_MSG_REPLY              2
#define IPC_MSG_FORK               3
#define IPC_MSG_EXEC               4
#define IPC_MSG_HEARTBEAT          5
#define IPC_MSG_EXIT               6
#define IPC_MSG_WAIT               7
#define IPC_MSG_KILL               8
#define IPC_MSG_LOOKUP             9
#define IPC_MSG_PUBLISH            10
#define IPC_MSG_SHUTDOWN           11
#define IPC_MSG_CONSOLE_WRITE      12
#define IPC_MSG_CONSOLE_READ       13
#define IPC_MSG_PING               14
#define IPC_MSG_GETPID             15
#define IPC_MSG_SETPGID            16
#define IPC_MSG_SIGACTION          17
#define IPC_MSG_PROC_LIST          18
#define IPC_MSG_FAULT_INJECT       19
#define IPC_MSG_SERVICE_LIST       20
#define IPC_MSG_SERVICE_RESTART    21
#define IPC_MSG_SERVICE_STOP       22
#define IPC_MSG_POWEROFF           23
#define IPC_MSG_CONSOLE_SET_FG     24
#define IPC_MSG_STATE              25
#define IPC_MSG_USER_BASE          0x1000

/* Error codes; calls return their negation. */
#define MOLT_EINVAL                1
#define MOLT_EPERM                 2
#define MOLT_EFAULT                3
#define MOLT_EDEADSRCDST           4
#define MOLT_EDEADLK               5
#define MOLT_ENOMEM                6
#define MOLT_ENOSYS                7
#define MOLT_EAGAIN                8
#define MOLT_ESRCH                 9
#define MOLT_EBADGRANT             10
#define MOLT_EGRANTRANGE           11
#define MOLT_ECHILD                12
#define MOLT_ENOEXEC               13
#define MOLT_ENOTWAITING           14
#define MOLT_ENOENT                15
#define MOLT_EBUSY                 16
#define MOLT_EINTR                 17

/* System-call numbers. */
#define MOLT_SYS_NULL              0
#define MOLT_SYS_SEND              1
#define MOLT_SYS_RECEIVE           2
#define MOLT_SYS_CALL              3
#define MOLT_SYS_REPLY             4
#define MOLT_SYS_NOTIFY            5
#define MOLT_SYS_KCALL             6
#define MOLT_SYS_RECEIVE_NB        7
#define MOLT_SYS_YIELD             8
#define MOLT_SYS_DEBUG_WRITE       9
#define MOLT_SYS_REPLY_RECEIVE     10
#define MOLT_SYS_COUNT             10

/* Kernel-call numbers. */
#define MOLT_KC_FORK               0
#define MOLT_KC_EXEC               1
#define MOLT_KC_EXIT               2
#define MOLT_KC_KILL               3
#define MOLT_KC_WAIT               4
#define MOLT_KC_ALARM              5
#define MOLT_KC_MAP_DEVICE         6
#define MOLT_KC_ALLOC_DMA          7
#define MOLT_KC_UPTIME             8
#define MOLT_KC_GRANT_CREATE       9
#define MOLT_KC_GRANT_REVOKE       10
#define MOLT_KC_SAFECOPY_FROM      11
#define MOLT_KC_SAFECOPY_TO        12
#define MOLT_KC_IRQ_ACK            13
#define MOLT_KC_SELF               14
#define MOLT_KC_MAP_ANON           15
#define MOLT_KC_SPAWN              16
#define MOLT_KC_WATCH_EXITS        17
#define MOLT_KC_POWER_OFF          18
#define MOLT_KC_SCHED_CTL          19
#define MOLT_KC_CPU_TIME           20
#define MOLT_KC_FORK_FOR           21
#define MOLT_KC_EXEC_FOR           22
#define MOLT_KC_BOOT_IMAGE         23
#define MOLT_KC_SIGNAL             24
#define MOLT_KC_SIGRETURN          25
#define MOLT_KC_PROC_INFO          26
#define MOLT_KC_CONSOLE_CLAIM      27
#define MOLT_KC_SERVER_INFO        28
#define MOLT_KC_ADOPT              29

#endif /* !_MOLT_ABI_H_ */
