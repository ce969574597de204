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

#include "fo_error.h"

struct fo_diag {
	fo_diag_entry *v;
	size_t len, alloc, cap;
	size_t errors, warnings, dropped;
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

void fo_diag_free(fo_diag *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->len; i++) {
		free((char *)d->v[i].file);
		free((char *)d->v[i].hint);
		free((char *)d->v[i].msg);
	}
	free(d->v);
	free(d);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int fo_diag_add(fo_diag *d, fo_severity sev, const char *file, unsigned long line,
		unsigned long col, const char *hint, const char *fmt, ...)
{
	int err = FO_OK;
	char *msg = NULL, *f = NULL, *h = NULL;
	va_list ap;

	if (sev == FO_SEV_ERROR)
		d->errors++;
	else
		d->warnings++;
	if (d->cap && d->len >= d->cap) {
		d->dropped++;
		goto done;
	}
	va_start(ap, fmt);
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
	va_start(ap, fmt);
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
	d->v[d->len++] = (fo_diag_entry){ sev, f, line, col, h, msg };
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
			if (*p < 0x20 || *p == 0x7f)
				fprintf(fp, "\\x%02x", *p);
			else
				fputc(*p, fp);
		}
	}
}

int fo_diag_print(const fo_diag *d, FILE *fp)
{
	for (size_t i = 0; i < d->len; i++) {
		const fo_diag_entry *e = &d->v[i];
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
	if (d->dropped)
		fprintf(fp, "... and %zu more diagnostics not shown\n", d->dropped);
	return ferror(fp) ? FO_EIO : FO_OK;
}
