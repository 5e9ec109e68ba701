/*
 * in_cksum.c - the Internet checksum (RFC 1071) over the first len bytes
 * of an mbuf chain: the ones-complement of the ones-complement sum of
 * 16-bit words, carrying an odd byte across mbuf boundaries.
 */
#include <sys/param.h>
#include <sys/mbuf.h>
#include <netinet/in.h>

int
in_cksum(struct mbuf *m, int len)
{
	u_int64_t sum = 0;
	int odd = 0;		/* an odd byte is pending: next byte is low-order */

	for (; m && len > 0; m = m->m_next) {
		u_char *p = mtod(m, u_char *);
		int mlen = MIN(m->m_len, len);

		len -= mlen;
		if (odd && mlen > 0) {
			/* the first byte here completes the previous word */
			sum += (u_int64_t)p[0] << 8;
			p++;
			mlen--;
			odd = 0;
		}
		while (mlen >= 2) {
			sum += p[0] | (p[1] << 8);
			p += 2;
			mlen -= 2;
		}
		if (mlen) {
			sum += p[0];
			odd = 1;
		}
	}
	if (len > 0)
		return 0xffff;	/* chain shorter than len: never a valid sum */
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (int)(~sum & 0xffff);
}
