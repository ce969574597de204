/*
 * columns.c — lazy column resolution for diagnostics (columns.h).
 *
 * The entries to resolve are sorted by line; the file is then read once,
 * front to back, in 64 KiB blocks. Only the lines that carry an entry are
 * copied (up to LINE_SCAN_MAX bytes each); the others are skipped with
 * memchr.
 */
#include "columns.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK (64 * 1024)
#define LINE_SCAN_MAX (1024 * 1024)
#define HINT_MAX 256 /* longer hints are searched by their first HINT_MAX bytes */

typedef struct want {
	size_t idx;
	unsigned long line;
} want;

static int cmp_want(const void *a, const void *b)
{
	const want *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Knuth-Morris-Pratt: first occurrence of pat (m <= HINT_MAX + 2 bytes) in
 * buf[from..n), or -1. Linear, so a hostile line cannot make it quadratic. */
static long find(const char *buf, size_t n, size_t from, const char *pat, size_t m)
{
	size_t fail[HINT_MAX + 2];
	if (m == 0 || m > HINT_MAX + 2 || from >= n)
		return m == 0 ? (long)from : -1;
	fail[0] = 0;
	for (size_t i = 1, k = 0; i < m; i++) {
		while (k && pat[i] != pat[k])
			k = fail[k - 1];
		if (pat[i] == pat[k])
			k++;
		fail[i] = k;
	}
	for (size_t i = from, k = 0; i < n; i++) {
		while (k && buf[i] != pat[k])
			k = fail[k - 1];
		if (buf[i] == pat[k])
			k++;
		if (k == m)
			return (long)(i + 1 - m);
	}
	return -1;
}

/* Byte offset in line[0..n) where `hint` says the problem is, or -1. */
static long locate(const char *line, size_t n, const char *hint)
{
	size_t h = hint ? strlen(hint) : 0;
	long at;

	if (h == 0)
		return -1;
	if (hint[0] == '<')
		return find(line, n, 0, hint, h > HINT_MAX ? HINT_MAX : h);
	if (h >= 2 && hint[h - 1] == '=') {
		/* An attribute name: a blank (or the ':' of a prefix) before
		 * it, then blanks and '='. */
		size_t m = h - 1 > HINT_MAX ? HINT_MAX : h - 1;
		for (size_t from = 0; (at = find(line, n, from, hint, m)) >= 0; from = (size_t)at + 1) {
			size_t e = (size_t)at + m;
			if (at > 0 && !is_blank((unsigned char)line[at - 1]) && line[at - 1] != ':')
				continue;
			while (e < n && is_blank((unsigned char)line[e]))
				e++;
			if (e < n && line[e] == '=') {
				while (at > 0 && line[at - 1] != ' ' && line[at - 1] != '\t')
					at--; /* back to the prefix */
				return at;
			}
		}
		return -1;
	}
	/* A value: prefer it quoted, as a whole attribute value. */
	if (h <= HINT_MAX) {
		char pat[HINT_MAX + 2];
		for (int q = 0; q < 2; q++) {
			pat[0] = pat[h + 1] = q ? '\'' : '"';
			memcpy(pat + 1, hint, h);
			if ((at = find(line, n, 0, pat, h + 2)) >= 0)
				return at + 1;
		}
	}
	return find(line, n, 0, hint, h > HINT_MAX ? HINT_MAX : h);
}

/* 1-based character column of byte offset `at` in line (UTF-8). */
static unsigned long column(const char *line, size_t at)
{
	unsigned long col = 1;
	for (size_t i = 0; i < at; i++)
		if (((unsigned char)line[i] & 0xC0) != 0x80)
			col++;
	return col;
}

static void resolve_line(fo_diag *d, const want *w, size_t nw, const char *line, size_t n)
{
	/* A UTF-8 byte order mark is not a column. */
	if (w[0].line == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
		line += 3;
		n -= 3;
	}
	for (size_t i = 0; i < nw; i++) {
		const fo_diag_entry *e = fo_diag_get(d, w[i].idx);
		long at = locate(line, n, e->hint);
		if (at < 0) {
			at = 0;
			while ((size_t)at < n && is_blank((unsigned char)line[at]))
				at++;
			if ((size_t)at == n)
				at = 0;
		}
		fo_diag_set_col(d, w[i].idx, column(line, (size_t)at));
	}
}

void fo_columns__resolve(fo_diag *d, size_t first, const char *file, int fd)
{
	want *w = NULL;
	char *blk = NULL, *line = NULL;
	size_t nw = 0, count = fo_diag_count(d);

	if (first >= count || fd < 0)
		goto done;
	if (!(w = malloc((count - first) * sizeof *w)))
		goto done;
	for (size_t i = first; i < count; i++) {
		const fo_diag_entry *e = fo_diag_get(d, i);
		if (e->line && !e->col && e->file && file && strcmp(e->file, file) == 0)
			w[nw++] = (want){ i, e->line };
	}
	if (!nw)
		goto done;
	qsort(w, nw, sizeof *w, cmp_want);
	if (!(blk = malloc(BLOCK)) || !(line = malloc(LINE_SCAN_MAX)))
		goto done;

	unsigned long cur = 1; /* line of the next byte */
	size_t next = 0, len = 0;
	off_t off = 0;
	for (;;) {
		ssize_t got = pread(fd, blk, BLOCK, off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		off += got;
		size_t pos = 0, n = (size_t)got;
		while (pos < n && next < nw) {
			const char *nl = memchr(blk + pos, '\n', n - pos);
			size_t end = nl ? (size_t)(nl - blk) : n;
			if (cur == w[next].line) {
				size_t take = end - pos;
				if (take > LINE_SCAN_MAX - len)
					take = LINE_SCAN_MAX - len;
				memcpy(line + len, blk + pos, take);
				len += take;
			}
			if (!nl) {
				pos = n;
				break;
			}
			if (cur == w[next].line) {
				size_t k = next;
				while (k < nw && w[k].line == cur)
					k++;
				resolve_line(d, w + next, k - next, line, len);
				next = k;
				len = 0;
			}
			cur++;
			pos = end + 1;
		}
		if (next >= nw)
			break;
	}
	/* The last line may have no newline. */
	if (next < nw && w[next].line == cur) {
		size_t k = next;
		while (k < nw && w[k].line == cur)
			k++;
		resolve_line(d, w + next, k - next, line, len);
	}
done:
	free(line);
	free(blk);
	free(w);
}
