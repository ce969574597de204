/*
 * util.c — string buffer, UTF-8 decoding, one-line escaping and display width
 * shared by the report writers (report_int.h).
 */
#include "report_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../analyzer/fo_engine.h"

void fo_sbuf__init(fo_sbuf *b)
{
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

void fo_sbuf__dispose(fo_sbuf *b)
{
	free(b->p);
	fo_sbuf__init(b);
}

void fo_sbuf__clear(fo_sbuf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

/* Makes room for n more bytes plus the NUL; doubling keeps appends O(1)
 * amortised. */
static int grow(fo_sbuf *b, size_t n)
{
	if (b->oom)
		return -1;
	if (n > SIZE_MAX / 2 - b->len) {
		b->oom = 1;
		return -1;
	}
	size_t need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void fo_sbuf__putn(fo_sbuf *b, const char *s, size_t n)
{
	if (grow(b, n) < 0)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void fo_sbuf__puts(fo_sbuf *b, const char *s)
{
	fo_sbuf__putn(b, s, strlen(s));
}

void fo_sbuf__putc(fo_sbuf *b, char c)
{
	fo_sbuf__putn(b, &c, 1);
}

void fo_sbuf__printf(fo_sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = 1;
		return;
	}
	if (grow(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *fo_sbuf__str(const fo_sbuf *b)
{
	return b->p && !b->oom ? b->p : "";
}

char *fo_sbuf__take(fo_sbuf *b)
{
	char *p = NULL;
	if (!b->oom) {
		p = b->p ? b->p : strdup("");
		b->p = NULL;
	}
	fo_sbuf__dispose(b);
	return p;
}

size_t fo_report__utf8(const unsigned char *s, uint32_t *cp)
{
	uint32_t c = s[0];
	size_t len;
	uint32_t min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Appends one character of s at p escaped, and returns its length in bytes.
 * C1 controls (U+0080..U+009F) are escaped byte by byte like C0: some
 * terminals act on them (U+009B is CSI). */
static size_t esc_char(fo_sbuf *b, const unsigned char *p)
{
	uint32_t cp;
	size_t n;

	switch (*p) {
	case '\n': fo_sbuf__puts(b, "\\n"); return 1;
	case '\r': fo_sbuf__puts(b, "\\r"); return 1;
	case '\t': fo_sbuf__puts(b, "\\t"); return 1;
	case '\\': fo_sbuf__puts(b, "\\\\"); return 1;
	default:
		break;
	}
	if (*p < 0x20 || *p == 0x7f) {
		fo_sbuf__printf(b, "\\x%02x", *p);
		return 1;
	}
	if (*p < 0x80) {
		fo_sbuf__putc(b, (char)*p);
		return 1;
	}
	n = fo_report__utf8(p, &cp);
	if (n == 2 && cp <= 0x9f) {
		fo_sbuf__printf(b, "\\x%02x\\x%02x", p[0], p[1]);
		return 2;
	}
	if (n == 0)
		n = 1; /* a byte that is not UTF-8: as it is, as before */
	fo_sbuf__putn(b, (const char *)p, n);
	return n;
}

void fo_report__esc(fo_sbuf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;)
		p += esc_char(b, p);
}

/* Zero-width: combining marks and the invisible format characters that
 * terminals do not advance for. A short table, not full Unicode: it only has
 * to keep columns straight for the scripts inventories are written in. */
static int zero_width(uint32_t c)
{
	return (c >= 0x0300 && c <= 0x036f) || (c >= 0x200b && c <= 0x200f) ||
	       (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe00 && c <= 0xfe0f) ||
	       (c >= 0xfe20 && c <= 0xfe2f);
}

/* East Asian Wide and Fullwidth blocks (CJK, kana, Hangul, fullwidth forms,
 * common emoji). */
static int wide(uint32_t c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
	       (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	       (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
	       (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	       (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	       (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	       (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd);
}

size_t fo_report__width(const char *s)
{
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t c;
		size_t n = fo_report__utf8(p, &c);
		if (n == 0) {
			w++;
			p++;
			continue;
		}
		p += n;
		if (zero_width(c))
			continue;
		w += wide(c) ? 2 : 1;
	}
	return w;
}

void fo_report__state(fo_sbuf *b, unsigned f)
{
	if (f & FO_F_DOWN) {
		/* Destroyed wins over failed: a node in both sets is destroyed
		 * (docs/semantics.md). Lost is added: the data is gone too. */
		const char *why = (f & FO_F_DESTROYED) ? "destroyed" : (f & FO_F_FAILED) ? "failed" : NULL;
		fo_sbuf__puts(b, "down");
		if (why && (f & FO_F_LOST))
			fo_sbuf__printf(b, " (%s, lost)", why);
		else if (why)
			fo_sbuf__printf(b, " (%s)", why);
		else if (f & FO_F_LOST)
			fo_sbuf__puts(b, " (lost)");
	} else if ((f & FO_F_DEGRADED) && (f & FO_F_AT_RISK)) {
		fo_sbuf__puts(b, "degraded, at-risk");
	} else if (f & FO_F_DEGRADED) {
		fo_sbuf__puts(b, "degraded");
	} else if (f & FO_F_AT_RISK) {
		fo_sbuf__puts(b, "at-risk");
	} else {
		fo_sbuf__puts(b, "up");
	}
}

void fo_report__count_app(fo_appcounts *c, unsigned f, int needs_lost)
{
	c->hit++;
	if (f & FO_F_DOWN) {
		c->down++;
		c->lost += needs_lost != 0;
	} else if ((f & FO_F_DEGRADED) && (f & FO_F_AT_RISK)) {
		c->deg_risk++;
	} else if (f & FO_F_DEGRADED) {
		c->deg_only++;
	} else {
		c->risk_only++;
	}
}

/* Appends to buf (of size FO_APPCOUNTS_TEXT, so never cut: six counts of at
 * most 20 digits and the words). */
static size_t put(char *buf, size_t used, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static size_t put(char *buf, size_t used, const char *fmt, ...)
{
	va_list ap;
	int n;
	if (used >= FO_APPCOUNTS_TEXT)
		return used;
	va_start(ap, fmt);
	n = vsnprintf(buf + used, FO_APPCOUNTS_TEXT - used, fmt, ap);
	va_end(ap);
	return n < 0 ? used : used + (size_t)n;
}

static size_t put_lost(char *buf, size_t used, size_t lost)
{
	if (lost)
		used = put(buf, used, " (%zu need%s lost data)", lost, lost == 1 ? "s" : "");
	return used;
}

void fo_report__partition(char buf[FO_APPCOUNTS_TEXT], const fo_appcounts *c)
{
	size_t used = put(buf, 0, "%zu hit = %zu down", c->hit, c->down);
	used = put_lost(buf, used, c->lost);
	put(buf, used, " + %zu degraded only + %zu at-risk only + %zu degraded and at-risk",
	    c->deg_only, c->risk_only, c->deg_risk);
}

void fo_report__nonzero(char buf[FO_APPCOUNTS_TEXT], const fo_appcounts *c)
{
	const char *sep = "";
	size_t used = 0;
	const struct { size_t n; const char *word; } cls[] = {
		{ c->deg_only, "degraded only" },
		{ c->risk_only, "at-risk only" },
		{ c->deg_risk, "degraded and at-risk" },
	};
	buf[0] = '\0';
	if (c->down) {
		used = put(buf, used, "%zu down", c->down);
		used = put_lost(buf, used, c->lost);
		sep = ", ";
	}
	for (size_t i = 0; i < sizeof cls / sizeof cls[0]; i++)
		if (cls[i].n) {
			used = put(buf, used, "%s%zu %s", sep, cls[i].n, cls[i].word);
			sep = ", ";
		}
	if (!*sep)
		put(buf, used, "none");
}

void fo_report__json_str(fo_sbuf *b, const char *s)
{
	if (!s) {
		fo_sbuf__puts(b, "null");
		return;
	}
	fo_sbuf__putc(b, '"');
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t c;
		size_t n = fo_report__utf8(p, &c);
		if (n == 0) {
			fo_sbuf__puts(b, "\\ufffd");
			p++;
			continue;
		}
		switch (c) {
		case '"': fo_sbuf__puts(b, "\\\""); break;
		case '\\': fo_sbuf__puts(b, "\\\\"); break;
		case '\b': fo_sbuf__puts(b, "\\b"); break;
		case '\f': fo_sbuf__puts(b, "\\f"); break;
		case '\n': fo_sbuf__puts(b, "\\n"); break;
		case '\r': fo_sbuf__puts(b, "\\r"); break;
		case '\t': fo_sbuf__puts(b, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029)
				fo_sbuf__printf(b, "\\u%04x", (unsigned)c);
			else
				fo_sbuf__putn(b, (const char *)p, n);
		}
		p += n;
	}
	fo_sbuf__putc(b, '"');
}

/* One CSV field (RFC 4180): escaped like the text output (fo_report__esc:
 * control characters, C0, DEL and C1, and backslash as C escapes), so that a
 * name cannot send ESC or BEL to the terminal a CSV is printed on and every
 * record is one line; then quoted when it holds a comma or a quote, quotes
 * doubled. A text that a spreadsheet would run as a formula (leading = + - @,
 * tab or CR) gets a leading apostrophe first — the OWASP advice for CSV
 * injection: ids come from inventories exported by other systems, and this
 * format exists to be opened in spreadsheets (programs read the JSON). */
void fo_report__csv_field(fo_sbuf *b, const char *s)
{
	if (!s)
		return;
	int formula = strchr("=+-@\t\r", s[0]) && s[0];
	int quote = strpbrk(s, ",\"") != NULL;
	if (quote)
		fo_sbuf__putc(b, '"');
	if (formula)
		fo_sbuf__putc(b, '\'');
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		if (*p == '"') {
			fo_sbuf__puts(b, "\"\"");
			p++;
		} else {
			p += esc_char(b, p);
		}
	}
	if (quote)
		fo_sbuf__putc(b, '"');
}

/* Natural order: runs of ASCII digits compare as numbers (t2 < t10),
 * everything else bytewise. Equal numbers written differently (t01, t1)
 * fall back to bytewise order at the end, so the order stays total. */
int fo_report__natcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

	while (*p && *q) {
		if (*p >= '0' && *p <= '9' && *q >= '0' && *q <= '9') {
			const unsigned char *p0, *q0;
			while (*p == '0')
				p++;
			while (*q == '0')
				q++;
			p0 = p;
			q0 = q;
			while (*p >= '0' && *p <= '9')
				p++;
			while (*q >= '0' && *q <= '9')
				q++;
			/* more significant digits: a bigger number */
			if (p - p0 != q - q0)
				return p - p0 < q - q0 ? -1 : 1;
			for (; p0 < p; p0++, q0++)
				if (*p0 != *q0)
					return *p0 < *q0 ? -1 : 1;
			continue;
		}
		if (*p != *q)
			return *p < *q ? -1 : 1;
		p++;
		q++;
	}
	if (*p || *q)
		return *p ? 1 : -1;
	return strcmp(a, b);
}

void fo_report__csv_put(FILE *fp, const char *s)
{
	fo_sbuf b = { 0 };
	fo_report__csv_field(&b, s);
	fputs(fo_sbuf__str(&b), fp);
	fo_sbuf__dispose(&b);
}
