/*
 * diag.c — the diagnostics context (fo_diag.h).
 *
 * Entries are kept in a growable array; each owns its strings. The cap bounds
 * memory when a hostile file produces millions of errors, while the counters
 * keep the true totals for the summary line.
 */
#include "fo_diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag_int.h"
#include "fo_error.h"

struct fo_diag {
	fo_diag_entry *v;
	size_t len, alloc, cap;
	size_t errors, warnings, dropped;
	void (*hook)(void *ctx); /* fo_diag__set_hook */
	void *hook_ctx;
	int in_hook;
};

int fo_diag_new(fo_diag **out, size_t cap)
{
	fo_diag *d = calloc(1, sizeof *d);
	if (!d)
		return FO_ENOMEM;
	d->cap = cap;
	*out = d;
	return FO_OK;
}

static void free_entries(fo_diag *d)
{
	for (size_t i = 0; i < d->len; i++) {
		free((char *)d->v[i].file);
		free((char *)d->v[i].hint);
		free((char *)d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->len = d->alloc = 0;
}

void fo_diag_free(fo_diag *d)
{
	if (!d)
		return;
	free_entries(d);
	free(d);
}

void fo_diag__set_hook(fo_diag *d, void (*fn)(void *ctx), void *ctx)
{
	d->hook = fn;
	d->hook_ctx = ctx;
}

size_t fo_diag__cap(const fo_diag *d) { return d->cap; }

void fo_diag__move(fo_diag *dst, fo_diag *src)
{
	size_t stored_errors = 0, stored_warnings = 0;
	int in_hook = dst->in_hook;

	dst->in_hook = 1;
	for (size_t i = 0; i < src->len; i++) {
		const fo_diag_entry *e = &src->v[i];
		if (e->sev == FO_SEV_ERROR)
			stored_errors++;
		else
			stored_warnings++;
		fo_diag_add_code(dst, e->sev, e->code, e->file, e->line, e->col, e->hint, "%s", e->msg);
	}
	dst->in_hook = in_hook;
	/* What src counted without storing it (its cap, or memory). */
	dst->errors += src->errors - stored_errors;
	dst->warnings += src->warnings - stored_warnings;
	dst->dropped += (src->errors - stored_errors) + (src->warnings - stored_warnings);
	free_entries(src);
	src->errors = src->warnings = src->dropped = 0;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int fo_diag_add(fo_diag *d, fo_severity sev, const char *file, unsigned long line,
		unsigned long col, const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int err = fo_diag_vadd_code(d, sev, NULL, file, line, col, hint, fmt, ap);
	va_end(ap);
	return err;
}

int fo_diag_add_code(fo_diag *d, fo_severity sev, const char *code, const char *file,
		     unsigned long line, unsigned long col, const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int err = fo_diag_vadd_code(d, sev, code, file, line, col, hint, fmt, ap);
	va_end(ap);
	return err;
}

int fo_diag_vadd_code(fo_diag *d, fo_severity sev, const char *code, const char *file,
		      unsigned long line, unsigned long col, const char *hint, const char *fmt,
		      va_list ap0)
{
	int err = FO_OK;
	char *msg = NULL, *f = NULL, *h = NULL;
	va_list ap;

	if (d->hook && !d->in_hook) {
		d->in_hook = 1;
		d->hook(d->hook_ctx);
		d->in_hook = 0;
	}
	if (sev == FO_SEV_ERROR)
		d->errors++;
	else
		d->warnings++;
	if (d->cap && d->len >= d->cap) {
		d->dropped++;
		goto done;
	}
	va_copy(ap, ap0);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		err = FO_EINVAL;
		goto done;
	}
	msg = malloc((size_t)n + 1);
	if (!msg) {
		err = FO_ENOMEM;
		goto done;
	}
	va_copy(ap, ap0);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if ((file && !(f = dup_or_null(file))) || (hint && !(h = dup_or_null(hint)))) {
		err = FO_ENOMEM;
		goto done;
	}
	if (d->len == d->alloc) {
		size_t na = d->alloc ? d->alloc * 2 : 16;
		fo_diag_entry *nv = realloc(d->v, na * sizeof *nv);
		if (!nv) {
			err = FO_ENOMEM;
			goto done;
		}
		d->v = nv;
		d->alloc = na;
	}
	d->v[d->len++] = (fo_diag_entry){ sev, f, line, col, h, msg, code };
	msg = f = h = NULL;
done:
	if (err < 0 && !(d->cap && d->len >= d->cap))
		d->dropped++;
	free(msg);
	free(f);
	free(h);
	return err;
}

size_t fo_diag_errors(const fo_diag *d) { return d->errors; }
size_t fo_diag_warnings(const fo_diag *d) { return d->warnings; }
size_t fo_diag_count(const fo_diag *d) { return d->len; }
size_t fo_diag_dropped(const fo_diag *d) { return d->dropped; }

const char *fo_diag_shorten(const char *s, char buf[FO_DIAG_SHORT_BUF])
{
	size_t n = strlen(s);
	if (n <= FO_DIAG_SHORT_MAX)
		return s;
	n = FO_DIAG_SHORT_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, s, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

const fo_diag_entry *fo_diag_get(const fo_diag *d, size_t i)
{
	return i < d->len ? &d->v[i] : NULL;
}

void fo_diag_set_col(fo_diag *d, size_t i, unsigned long col)
{
	if (i < d->len)
		d->v[i].col = col;
}

void fo_diag_fputs_escaped(const char *s, FILE *fp)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\t': fputs("\\t", fp); break;
		case '\\': fputs("\\\\", fp); break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(fp, "\\x%02x", *p);
			} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
				/* C1 controls (U+0080..U+009F) as the reports escape
				 * them: some terminals act on them (U+009B is CSI). */
				fprintf(fp, "\\x%02x\\x%02x", p[0], p[1]);
				p++;
			} else {
				fputc(*p, fp);
			}
		}
	}
}

/* Print order: by file (in order of first appearance), then line, then
 * column, then insertion — the order of the file, as compilers print, even
 * though references are resolved (and reported) after the whole file is read. */
typedef struct order_key {
	size_t file_rank, idx;
	unsigned long line, col;
} order_key;

static int cmp_key(const void *pa, const void *pb)
{
	const order_key *a = pa, *b = pb;
	if (a->file_rank != b->file_rank)
		return a->file_rank < b->file_rank ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

static void print_entry(const fo_diag_entry *e, FILE *fp)
{
	if (e->file) {
		fo_diag_fputs_escaped(e->file, fp);
		if (e->line) {
			fprintf(fp, ":%lu", e->line);
			if (e->col)
				fprintf(fp, ":%lu", e->col);
		}
		fputs(": ", fp);
	}
	fputs(e->sev == FO_SEV_ERROR ? "error: " : "warning: ", fp);
	fo_diag_fputs_escaped(e->msg, fp);
	fputc('\n', fp);
}

int fo_diag_order(const fo_diag *d, size_t **out)
{
	order_key *k = NULL;
	size_t *firsts = NULL, *idx = NULL;
	int err = FO_OK;

	*out = NULL;
	if (!d->len)
		return FO_OK;
	k = malloc(d->len * sizeof *k);
	firsts = malloc(d->len * sizeof *firsts);
	idx = malloc(d->len * sizeof *idx);
	if (!k || !firsts || !idx) {
		err = FO_ENOMEM;
		goto done;
	}
	/* Distinct files are few (usually one): O(entries x files). */
	size_t nfiles = 0;
	for (size_t i = 0; i < d->len; i++) {
		const char *f = d->v[i].file;
		size_t r = 0;
		while (r < nfiles && !(f == d->v[firsts[r]].file ||
				      (f && d->v[firsts[r]].file && !strcmp(f, d->v[firsts[r]].file))))
			r++;
		if (r == nfiles)
			firsts[nfiles++] = i;
		k[i] = (order_key){ r, i, d->v[i].line, d->v[i].col };
	}
	qsort(k, d->len, sizeof *k, cmp_key);
	for (size_t i = 0; i < d->len; i++)
		idx[i] = k[i].idx;
	*out = idx;
	idx = NULL;
done:
	free(k);
	free(firsts);
	free(idx);
	return err;
}

int fo_diag_print(const fo_diag *d, FILE *fp)
{
	size_t *k = NULL;
	fo_diag_order(d, &k); /* insertion order if out of memory */
	for (size_t i = 0; i < d->len; i++)
		print_entry(&d->v[k ? k[i] : i], fp);
	free(k);
	if (d->dropped)
		fprintf(fp, "... and %zu more diagnostics not shown\n", d->dropped);
	return ferror(fp) ? FO_EIO : FO_OK;
}
