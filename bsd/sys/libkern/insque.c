/*
 * insque.c - the doubly linked queues of the VAX instructions, which
 * Lite2's code uses through insque()/remque() (sys/systm.h): an element
 * starts with its next and previous pointers.
 */
#include <sys/param.h>
#include <sys/systm.h>

struct qelem {
	struct qelem *q_next;
	struct qelem *q_prev;
};

/* Put element e after element prev. */
void
_insque(void *e, void *prev)
{
	struct qelem *elem = e, *pred = prev;

	elem->q_next = pred->q_next;
	elem->q_prev = pred;
	pred->q_next->q_prev = elem;
	pred->q_next = elem;
}

/* Take element e out of its queue. */
void
_remque(void *e)
{
	struct qelem *elem = e;

	elem->q_next->q_prev = elem->q_prev;
	elem->q_prev->q_next = elem->q_next;
	elem->q_prev = NULL;
}
