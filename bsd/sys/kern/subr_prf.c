/*
 * subr_prf.c: the kernel's formatted output: printf, log, panic and the
 * sprintf family.
 *
 * Design: one formatter, kvprintf(), turns a format and its arguments into
 * characters handed to an output function; printf() buffers a line and gives
 * it to the platform console through molt_cons_write(). Variadic functions
 * live here in C because stable Rust cannot define them. Conversions:
 * %d %i %u %x %X %o %c %s %p %%, with the flags '-' and '0', a width, a
 * precision for %s, and the length modifiers l, ll, q, z.
 * Called with the giant lock held; the static line buffer relies on it.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/syslog.h>
#include <sys/molt_shims.h>

const char *panicstr;

typedef void (*putc_fn)(int c, void *arg);

static void
kprintn(putc_fn put, void *arg, u_quad_t n, int base, int upper, int width,
    int zero, int left, int neg)
{
	char digits[24];
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int i = 0, len;

	do {
		digits[i++] = set[n % base];
		n /= base;
	} while (n != 0 && i < (int)sizeof(digits));
	len = i + (neg ? 1 : 0);
	if (neg && zero)
		put('-', arg);
	if (!left)
		for (; width > len; width--)
			put(zero ? '0' : ' ', arg);
	if (neg && !zero)
		put('-', arg);
	while (i > 0)
		put(digits[--i], arg);
	if (left)
		for (; width > len; width--)
			put(' ', arg);
}

static void
kvprintf(putc_fn put, void *arg, const char *fmt, va_list ap)
{
	for (; *fmt != '\0'; fmt++) {
		int left = 0, zero = 0, width = 0, prec = -1, lng = 0;
		u_quad_t un;
		quad_t sn;
		const char *s;

		if (*fmt != '%') {
			put(*fmt, arg);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				zero = 1;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		} else
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				width = width * 10 + (*fmt - '0');
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else
				for (; *fmt >= '0' && *fmt <= '9'; fmt++)
					prec = prec * 10 + (*fmt - '0');
		}
		for (;; fmt++) {
			if (*fmt == 'l' || *fmt == 'z')
				lng++;
			else if (*fmt == 'q')
				lng = 2;
			else
				break;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			sn = lng >= 2 ? va_arg(ap, quad_t) :
			    lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
			un = sn < 0 ? (u_quad_t)-sn : (u_quad_t)sn;
			kprintn(put, arg, un, 10, 0, width, zero, left, sn < 0);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			un = lng >= 2 ? va_arg(ap, u_quad_t) :
			    lng == 1 ? va_arg(ap, u_long) : va_arg(ap, u_int);
			kprintn(put, arg, un, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16,
			    *fmt == 'X', width, zero, left, 0);
			break;
		case 'p':
			put('0', arg);
			put('x', arg);
			kprintn(put, arg, (u_long)va_arg(ap, void *), 16, 0,
			    width, zero, left, 0);
			break;
		case 'c':
			put(va_arg(ap, int), arg);
			break;
		case 's': {
			int len = 0;

			s = va_arg(ap, const char *);
			if (s == NULL)
				s = "(null)";
			while (s[len] != '\0' && (prec < 0 || len < prec))
				len++;
			if (!left)
				for (; width > len; width--)
					put(' ', arg);
			for (int i = 0; i < len; i++)
				put(s[i], arg);
			for (; width > len; width--)
				put(' ', arg);
			break;
		}
		case '%':
			put('%', arg);
			break;
		case '\0':
			return;
		default:
			put('%', arg);
			put(*fmt, arg);
			break;
		}
	}
}

/* Console output: a line buffer flushed at newline or when full. */
static char cons_line[256];
static size_t cons_len;

static void
cons_flush(void)
{
	if (cons_len > 0)
		molt_cons_write(cons_line, cons_len);
	cons_len = 0;
}

static void
cons_putc(int c, void *arg)
{
	cons_line[cons_len++] = (char)c;
	if (c == '\n' || cons_len == sizeof(cons_line))
		cons_flush();
}

/* Formats onto the console and flushes the last partial line. */
static void
cons_vprintf(const char *fmt, va_list ap)
{
	kvprintf(cons_putc, NULL, fmt, ap);
	cons_flush();
}

void
printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cons_vprintf(fmt, ap);
	va_end(ap);
}

/* uprintf(): there is no controlling terminal; the console stands in. */
void
uprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cons_vprintf(fmt, ap);
	va_end(ap);
}

/* log(): there is no syslog daemon yet; messages go to the console. */
void
log(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > LOG_INFO)
		return;
	va_start(ap, fmt);
	cons_vprintf(fmt, ap);
	va_end(ap);
}

void
tablefull(const char *tab)
{
	log(LOG_ERR, "%s: table is full\n", tab);
}

struct strbuf {
	char	*buf;
	size_t	 size;		/* room, including the NUL */
	size_t	 len;		/* characters produced (may exceed size) */
};

static void
str_putc(int c, void *arg)
{
	struct strbuf *sb = arg;

	if (sb->len + 1 < sb->size)
		sb->buf[sb->len] = (char)c;
	sb->len++;
}

int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct strbuf sb = { buf, size, 0 };

	kvprintf(str_putc, &sb, fmt, ap);
	if (size > 0)
		buf[sb.len < size ? sb.len : size - 1] = '\0';
	return ((int)sb.len);
}

int
snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return (n);
}

int
sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, (size_t)1 << 30, fmt, ap);
	va_end(ap);
	return (n);
}

void
panic(const char *fmt, ...)
{
	static char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (panicstr == NULL)
		panicstr = msg;
	printf("panic: %s\n", msg);
	molt_panic_halt(msg);
}
