/*
 * riskreport.c — text, JSON and CSV of the cut sets and the availability of
 * fault trees (fo_riskreport.h; contracts in docs/output-formats.md).
 *
 * Numbers: text prints 3 to 6 significant digits (what a reader compares);
 * JSON and CSV print 12 (%.12g: more than any input's failure data carries,
 * and stable from one build to the next, unlike the last bits of %.17g).
 * Counts of sets are exact decimal strings: they can exceed 2^64.
 */
#include "fo_riskreport.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "../graphs/fo_diag.h"
#include "../graphs/fo_error.h"
#include "../risk/fo_ftgraph.h"

static void json_str(FILE *fp, const char *s)
{
	fo_sbuf b = { 0 };
	fo_report__json_str(&b, s);
	fputs(b.oom ? "null" : fo_sbuf__str(&b), fp);
	fo_sbuf__dispose(&b);
}

/* A number for JSON: finite as %.12g, else null (JSON has no infinity). */
static void json_num(FILE *fp, double x)
{
	if (isfinite(x))
		fprintf(fp, "%.12g", x);
	else
		fputs("null", fp);
}

/* A number for CSV: %.12g, "inf" for infinity, empty when unknown. */
static void csv_num(FILE *fp, double x)
{
	if (isnan(x))
		return;
	if (isinf(x))
		fputs("inf", fp);
	else
		fprintf(fp, "%.12g", x);
}

/* The kind of an event's node, when the tree comes from an inventory. */
static const char *event_kind(const fo_riskreport_src *src, const fo_ft *ft, uint32_t ev)
{
	uint32_t ref = fo_ft_event_ref(ft, ev);
	if (!src || !src->g || ref >= fo_graph_node_count(src->g))
		return NULL;
	return fo_graph_node_kind_word(src->g, ref);
}

/* The tree's own name: the app's id, the MEF fault tree's name, else its
 * top's name. */
static const char *tree_name(const fo_ft *ft)
{
	const char *n = fo_ft_name(ft);
	if (!n && fo_ft_top(ft) != UINT32_MAX)
		n = fo_ft_node_name(ft, fo_ft_top(ft));
	return n ? n : "top";
}

/* Whether every event of ft has a known p (the p column of the listing). */
static int all_p_known(const fo_ft *ft)
{
	for (uint32_t e = 0; e < fo_ft_event_count(ft); e++)
		if (fo_ft_event_p(ft, e) < 0)
			return 0;
	return 1;
}

const char *fo_riskreport_method_word(fo_riskreport_method m)
{
	return m == FO_RISKREPORT_RARE ? "rare-event" : m == FO_RISKREPORT_MCUB ? "mcub" : "exact";
}

/* ---- cut sets --------------------------------------------------------- */

typedef struct list_ctx {
	FILE *fp;
	const fo_riskreport_src *src;
	const fo_ft *ft;
	fo_riskreport_format fmt;
	size_t i;    /* sets written */
	int with_p;  /* text: the p column */
	int width;   /* text: width of the index column */
} list_ctx;

static int list_one(void *arg, const uint32_t *ev, uint32_t order, double p)
{
	list_ctx *c = arg;
	FILE *fp = c->fp;
	c->i++;
	switch (c->fmt) {
	case FO_RISKREPORT_TEXT:
		fprintf(fp, "  %*zu  %5u  ", c->width, c->i, order);
		if (c->with_p) {
			if (isnan(p))
				fprintf(fp, "%-10s  ", "-");
			else
				fprintf(fp, "%-10.4g  ", p);
		}
		if (!order)
			fputs("(no failure needed)", fp);
		for (uint32_t j = 0; j < order; j++) {
			if (j)
				fputs(", ", fp);
			fo_diag_fputs_escaped(fo_ft_event_name(c->ft, ev[j]), fp);
		}
		fputc('\n', fp);
		break;
	case FO_RISKREPORT_JSON:
		fputs(c->i > 1 ? ",\n    {\"order\": " : "\n    {\"order\": ", fp);
		fprintf(fp, "%u, \"p\": ", order);
		json_num(fp, p);
		fputs(", \"nodes\": [", fp);
		for (uint32_t j = 0; j < order; j++) {
			if (j)
				fputs(", ", fp);
			json_str(fp, fo_ft_event_name(c->ft, ev[j]));
		}
		fputs("]}", fp);
		break;
	case FO_RISKREPORT_CSV:
		for (uint32_t j = 0; j < order; j++) {
			fprintf(fp, "%zu,%u,", c->i, order);
			csv_num(fp, p);
			fputc(',', fp);
			fo_report__csv_put(fp, fo_ft_event_name(c->ft, ev[j]));
			fputc(',', fp);
			fo_report__csv_put(fp, event_kind(c->src, c->ft, ev[j]));
			fputs("\r\n", fp);
		}
		break;
	}
	return ferror(fp) ? 1 : 0;
}

static int count_width(const fo_cutsets *cs)
{
	size_t w = strlen("sets");
	for (uint32_t k = 0; k <= fo_cutsets_max_order(cs); k++) {
		size_t l = strlen(fo_cutsets_order_count(cs, k));
		if (l > w)
			w = l;
	}
	return (int)w;
}

static void text_cutsets_head(FILE *fp, const fo_riskreport_src *src, const fo_ft *ft,
			      const fo_cutsets *cs, uint32_t max_order)
{
	fputs("Minimal failure sets of ", fp);
	fo_diag_fputs_escaped(tree_name(ft), fp);
	if (src->event)
		fprintf(fp, " (%s)", src->event);
	if (src->input) {
		fputs(" in ", fp);
		fo_diag_fputs_escaped(src->input, fp);
	}
	fputc('\n', fp);
	if (max_order)
		fprintf(fp, "  sets of at most %u node%s: %s (exact)\n", max_order,
			max_order == 1 ? "" : "s", fo_cutsets_count(cs));
	else
		fprintf(fp, "  sets: %s (exact)\n", fo_cutsets_count(cs));
	if (fo_cutsets_certain(cs)) {
		fputs("  the top happens with no failure at all (a constant true reaches it)\n", fp);
		return;
	}
	if (!strcmp(fo_cutsets_count(cs), "0")) {
		fputs("  no set of failures", fp);
		if (max_order)
			fprintf(fp, " of at most %u node%s", max_order, max_order == 1 ? "" : "s");
		fputs(" brings it about\n", fp);
		return;
	}
	int w = count_width(cs);
	fprintf(fp, "  order  %*s\n", w, "sets");
	for (uint32_t k = 1; k <= fo_cutsets_max_order(cs); k++) {
		const char *c = fo_cutsets_order_count(cs, k);
		if (strcmp(c, "0"))
			fprintf(fp, "  %5u  %*s\n", k, w, c);
	}
}

int fo_riskreport_cutsets(FILE *fp, const fo_riskreport_src *src, const fo_ft *ft,
			  const fo_cutsets *cs, uint32_t max_order, fo_cutsets_sort sort, size_t top,
			  fo_riskreport_format fmt)
{
	static const fo_riskreport_src none = { 0 };
	list_ctx c = { fp, src ? src : &none, ft, fmt, 0, 0, 1 };
	int err = FO_OK;
	if (!fp || !ft || !cs)
		return FO_EINVAL;
	src = c.src;
	double total = fo_cutsets_count_f(cs);
	size_t shown = top && (double)top < total ? top : (size_t)total;
	switch (fmt) {
	case FO_RISKREPORT_TEXT:
		text_cutsets_head(fp, src, ft, cs, max_order);
		if (total < 1 || fo_cutsets_certain(cs))
			break;
		c.with_p = all_p_known(ft);
		for (size_t s = shown; s >= 10; s /= 10)
			c.width++;
		if (c.width < 1)
			c.width = 1;
		fputc('\n', fp);
		if (top && (double)top < total)
			fprintf(fp, "The first %zu by %s (--top 0 lists all %s):\n", shown,
				sort == FO_CUTSETS_BY_PROB ? "probability" : "order",
				fo_cutsets_count(cs));
		fprintf(fp, "  %*s  order  %s%s\n", c.width, "#", c.with_p ? "p           " : "",
			"nodes");
		err = fo_cutsets_list(cs, sort, top, list_one, &c);
		break;
	case FO_RISKREPORT_JSON:
		fputs("{\n  \"format\": \"fallout-cutsets\",\n  \"version\": 1,\n  \"input\": ", fp);
		json_str(fp, src->input);
		fputs(",\n  \"top\": ", fp);
		json_str(fp, tree_name(ft));
		fputs(",\n  \"event\": ", fp);
		json_str(fp, src->event);
		fputs(",\n  \"max_order\": ", fp);
		if (max_order)
			fprintf(fp, "%u", max_order);
		else
			fputs("null", fp);
		fprintf(fp, ",\n  \"count\": \"%s\",\n  \"certain\": %s,\n  \"orders\": [",
			fo_cutsets_count(cs), fo_cutsets_certain(cs) ? "true" : "false");
		for (uint32_t k = 1, first = 1; k <= fo_cutsets_max_order(cs); k++) {
			const char *n = fo_cutsets_order_count(cs, k);
			if (!strcmp(n, "0"))
				continue;
			fprintf(fp, "%s{\"order\": %u, \"count\": \"%s\"}", first ? "" : ", ", k, n);
			first = 0;
		}
		fprintf(fp, "],\n  \"sort\": \"%s\",\n  \"sets\": [",
			sort == FO_CUTSETS_BY_PROB ? "probability" : "order");
		err = fo_cutsets_list(cs, sort, top, list_one, &c);
		fprintf(fp, "%s],\n  \"listed\": %zu,\n  \"complete\": %s\n}\n", c.i ? "\n  " : "", c.i,
			(double)c.i >= total ? "true" : "false");
		break;
	case FO_RISKREPORT_CSV:
		fputs("set,order,p,node,kind\r\n", fp);
		err = fo_cutsets_list(cs, sort, top, list_one, &c);
		break;
	default:
		return FO_EINVAL;
	}
	if (err == FO_OK && ferror(fp))
		err = FO_EIO;
	return err;
}

/* ---- availability ----------------------------------------------------- */

double fo_riskreport_nines(double q)
{
	return q <= 0 ? INFINITY : -log10(q);
}

/* Descending; values within 1e-12 relative of each other are ties, so
 * that rounding in the last bits (two nodes of one redundant pair) does
 * not decide a rank: the next key does. */
static int cmp_dbl_desc(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) - isnan(b);
	if (a == b || (isfinite(a) && isfinite(b) && fabs(a - b) <= 1e-12 * fmax(fabs(a), fabs(b))))
		return 0;
	return (a < b) - (a > b);
}

static int cmp_importance(const void *a, const void *b)
{
	const fo_importance *x = a, *y = b;
	int c = cmp_dbl_desc(x->fussell_vesely, y->fussell_vesely);
	if (!c)
		c = cmp_dbl_desc(x->birnbaum, y->birnbaum);
	if (!c)
		c = cmp_dbl_desc(x->raw, y->raw);
	return c ? c : (x->event > y->event) - (x->event < y->event);
}

void fo_riskreport_rank_importance(fo_importance *imp, size_t n)
{
	if (imp && n > 1)
		qsort(imp, n, sizeof *imp, cmp_importance);
}

/* "99.99877 %": enough decimals to show the nines (2 beyond them). */
static void text_percent(FILE *fp, double q)
{
	double nines = fo_riskreport_nines(q);
	if (isinf(nines)) {
		fprintf(fp, "%-14s", "100 %");
		return;
	}
	int dec = (int)floor(nines) + 2;
	if (dec < 2)
		dec = 2;
	if (dec > 14)
		dec = 14;
	char buf[64];
	snprintf(buf, sizeof buf, "%.*f %%", dec, 100.0 * (1.0 - q));
	fprintf(fp, "%-14s", buf);
}

static void text_val(FILE *fp, double x, int width)
{
	if (isinf(x))
		fprintf(fp, "%-*s", width, "inf");
	else if (isnan(x))
		fprintf(fp, "%-*s", width, "-");
	else
		fprintf(fp, "%-*.4g", width, x);
}

static void text_minutes(FILE *fp, double q)
{
	double m = q * FO_RISKREPORT_YEAR_MINUTES;
	if (m >= 100)
		fprintf(fp, "%-9.0f", m);
	else
		fprintf(fp, "%-9.3g", m);
}

static void text_availability(FILE *fp, const fo_riskreport_src *src, const fo_riskreport_avail *a,
			      size_t n, fo_riskreport_method method, size_t top)
{
	fprintf(fp, "Availability (%s; independent failures", fo_riskreport_method_word(method));
	if (src->event)
		fprintf(fp, "; %s", src->event);
	if (src->input) {
		fputs("; ", fp);
		fo_diag_fputs_escaped(src->input, fp);
	}
	fputs(")\n  tier  P(down)     availability    nines   min/year  app\n", fp);
	for (size_t i = 0; i < n; i++) {
		double nines = fo_riskreport_nines(a[i].q);
		if (a[i].tier)
			fprintf(fp, "  %4u  ", a[i].tier);
		else
			fprintf(fp, "  %4s  ", "-");
		fprintf(fp, "%-10.4g  ", a[i].q);
		text_percent(fp, a[i].q);
		fputs("  ", fp);
		if (isinf(nines))
			fprintf(fp, "%-6s", "inf");
		else
			fprintf(fp, "%-6.2f", nines);
		fputs("  ", fp);
		text_minutes(fp, a[i].q);
		fputs("  ", fp);
		fo_diag_fputs_escaped(tree_name(a[i].ft), fp);
		fputc('\n', fp);
	}
	for (size_t i = 0; i < n; i++) {
		if (!a[i].imp)
			continue;
		size_t rows = top && top < a[i].nimp ? top : a[i].nimp;
		fputs("\nWhat to harden first for ", fp);
		fo_diag_fputs_escaped(tree_name(a[i].ft), fp);
		if (rows < a[i].nimp)
			fprintf(fp, " (%zu of %zu nodes; --top 0 shows all)", rows, a[i].nimp);
		else
			fprintf(fp, " (%zu node%s)", a[i].nimp, a[i].nimp == 1 ? "" : "s");
		fputs(":\n  rank  F-V        RRW        Birnbaum   RAW        p          node\n", fp);
		for (size_t j = 0; j < rows; j++) {
			const fo_importance *m = &a[i].imp[j];
			fprintf(fp, "  %4zu  ", j + 1);
			text_val(fp, m->fussell_vesely, 9);
			fputs("  ", fp);
			text_val(fp, m->rrw, 9);
			fputs("  ", fp);
			text_val(fp, m->birnbaum, 9);
			fputs("  ", fp);
			text_val(fp, m->raw, 9);
			fputs("  ", fp);
			text_val(fp, m->p, 9);
			fputs("  ", fp);
			fo_diag_fputs_escaped(fo_ft_event_name(a[i].ft, m->event), fp);
			const char *k = event_kind(src, a[i].ft, m->event);
			if (k)
				fprintf(fp, " (%s)", k);
			fputc('\n', fp);
		}
	}
	if (method != FO_RISKREPORT_EXACT)
		fprintf(fp, "\nP(down) is the %s approximation from the minimal failure sets, not the "
			    "exact value.\n",
			method == FO_RISKREPORT_RARE ? "rare-event" : "min-cut upper bound");
}

static void json_availability(FILE *fp, const fo_riskreport_src *src, const fo_riskreport_avail *a,
			      size_t n, fo_riskreport_method method, size_t top)
{
	fputs("{\n  \"format\": \"fallout-availability\",\n  \"version\": 1,\n  \"input\": ", fp);
	json_str(fp, src->input);
	fputs(",\n  \"event\": ", fp);
	json_str(fp, src->event);
	fprintf(fp, ",\n  \"method\": \"%s\",\n  \"minutes_per_year\": %.0f,\n  \"apps\": [",
		fo_riskreport_method_word(method), FO_RISKREPORT_YEAR_MINUTES);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n    {\"id\": " : "\n    {\"id\": ", fp);
		json_str(fp, tree_name(a[i].ft));
		fputs(", \"tenant\": ", fp);
		json_str(fp, a[i].tenant);
		if (a[i].tier)
			fprintf(fp, ", \"tier\": %u", a[i].tier);
		else
			fputs(", \"tier\": null", fp);
		fputs(", \"p_down\": ", fp);
		json_num(fp, a[i].q);
		fputs(", \"availability\": ", fp);
		json_num(fp, 1.0 - a[i].q);
		fputs(", \"nines\": ", fp);
		json_num(fp, fo_riskreport_nines(a[i].q));
		fputs(", \"minutes_down_per_year\": ", fp);
		json_num(fp, a[i].q * FO_RISKREPORT_YEAR_MINUTES);
		if (!a[i].imp) {
			fputs(", \"importance\": null}", fp);
			continue;
		}
		size_t rows = top && top < a[i].nimp ? top : a[i].nimp;
		fprintf(fp, ", \"nodes\": %zu,\n     \"importance\": [", a[i].nimp);
		for (size_t j = 0; j < rows; j++) {
			const fo_importance *m = &a[i].imp[j];
			fprintf(fp, "%s{\"rank\": %zu, \"id\": ", j ? ",\n       " : "\n       ", j + 1);
			json_str(fp, fo_ft_event_name(a[i].ft, m->event));
			fputs(", \"kind\": ", fp);
			json_str(fp, event_kind(src, a[i].ft, m->event));
			fputs(", \"p\": ", fp);
			json_num(fp, m->p);
			fputs(", \"birnbaum\": ", fp);
			json_num(fp, m->birnbaum);
			fputs(", \"fussell_vesely\": ", fp);
			json_num(fp, m->fussell_vesely);
			fputs(", \"raw\": ", fp);
			json_num(fp, m->raw);
			fputs(", \"rrw\": ", fp);
			json_num(fp, m->rrw);
			fputc('}', fp);
		}
		fputs(rows ? "\n     ]}" : "]}", fp);
	}
	fputs(n ? "\n  ]\n}\n" : "]\n}\n", fp);
}

static void csv_availability(FILE *fp, const fo_riskreport_src *src, const fo_riskreport_avail *a,
			     size_t n, size_t top)
{
	fputs("record,app,tier,p_down,nines,minutes_down_per_year,rank,node,kind,p,birnbaum,"
	      "fussell_vesely,raw,rrw\r\n",
	      fp);
	for (size_t i = 0; i < n; i++) {
		fputs("app,", fp);
		fo_report__csv_put(fp, tree_name(a[i].ft));
		if (a[i].tier)
			fprintf(fp, ",%u,", a[i].tier);
		else
			fputs(",,", fp);
		csv_num(fp, a[i].q);
		fputc(',', fp);
		csv_num(fp, fo_riskreport_nines(a[i].q));
		fputc(',', fp);
		csv_num(fp, a[i].q * FO_RISKREPORT_YEAR_MINUTES);
		fputs(",,,,,,,,\r\n", fp);
		size_t rows = a[i].imp ? (top && top < a[i].nimp ? top : a[i].nimp) : 0;
		for (size_t j = 0; j < rows; j++) {
			const fo_importance *m = &a[i].imp[j];
			fputs("importance,", fp);
			fo_report__csv_put(fp, tree_name(a[i].ft));
			fprintf(fp, ",,,,,%zu,", j + 1);
			fo_report__csv_put(fp, fo_ft_event_name(a[i].ft, m->event));
			fputc(',', fp);
			fo_report__csv_put(fp, event_kind(src, a[i].ft, m->event));
			const double v[] = { m->p, m->birnbaum, m->fussell_vesely, m->raw, m->rrw };
			for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
				fputc(',', fp);
				csv_num(fp, v[k]);
			}
			fputs("\r\n", fp);
		}
	}
}

int fo_riskreport_availability(FILE *fp, const fo_riskreport_src *src,
			       const fo_riskreport_avail *a, size_t n, fo_riskreport_method method,
			       size_t top, fo_riskreport_format fmt)
{
	static const fo_riskreport_src none = { 0 };
	if (!fp || (n && !a))
		return FO_EINVAL;
	if (!src)
		src = &none;
	switch (fmt) {
	case FO_RISKREPORT_TEXT:
		text_availability(fp, src, a, n, method, top);
		break;
	case FO_RISKREPORT_JSON:
		json_availability(fp, src, a, n, method, top);
		break;
	case FO_RISKREPORT_CSV:
		csv_availability(fp, src, a, n, top);
		break;
	default:
		return FO_EINVAL;
	}
	return ferror(fp) ? FO_EIO : FO_OK;
}

/* ---- pairs ------------------------------------------------------------ */

typedef struct pairs_ctx {
	const fo_ft *ft;
	uint32_t *v;
	size_t n, cap;
	int oom;
} pairs_ctx;

static int pairs_one(void *arg, const uint32_t *ev, uint32_t order, double p)
{
	pairs_ctx *c = arg;
	(void)p;
	if (order != 2)
		return order > 2;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		uint32_t *v = realloc(c->v, cap * 2 * sizeof *v);
		if (!v) {
			c->oom = 1;
			return 1;
		}
		c->v = v;
		c->cap = cap;
	}
	uint32_t a = fo_ft_event_ref(c->ft, ev[0]), b = fo_ft_event_ref(c->ft, ev[1]);
	c->v[2 * c->n] = a < b ? a : b;
	c->v[2 * c->n + 1] = a < b ? b : a;
	c->n++;
	return 0;
}

static int cmp_pair(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

int fo_riskreport_pairs(const fo_graph *g, uint32_t app, int lost, uint32_t **out, size_t *n,
			fo_diag *diag)
{
	fo_ftg_opts fo = { lost ? FO_FTG_LOST : FO_FTG_DOWN };
	fo_risk_opts ro = { 0, 2 };
	fo_ft *ft = NULL;
	fo_risk *r = NULL;
	fo_cutsets *cs = NULL;
	pairs_ctx c = { 0 };
	int err;
	if (!g || !out || !n)
		return FO_EINVAL;
	*out = NULL;
	*n = 0;
	if ((err = fo_ftgraph_build(g, app, &fo, &ft, diag)) < 0 ||
	    (err = fo_risk_new(&r, ft, &ro, diag)) < 0 || (err = fo_risk_cutsets(r, &cs)) < 0)
		goto done;
	c.ft = ft;
	if ((err = fo_cutsets_list(cs, FO_CUTSETS_BY_ORDER, 0, pairs_one, &c)) < 0)
		goto done;
	if (c.oom) {
		err = FO_ENOMEM;
		goto done;
	}
	if (c.n > 1)
		qsort(c.v, c.n, 2 * sizeof *c.v, cmp_pair);
	*out = c.v;
	*n = c.n;
	c.v = NULL;
done:
	free(c.v);
	fo_cutsets_free(cs);
	fo_risk_free(r);
	fo_ft_free(ft);
	return err;
}

/* ---- availability of several apps -------------------------------------- */

/* Events of ft's top cone without a probability. O(tree). */
static int count_missing(const fo_ft *ft, size_t *out)
{
	uint32_t nn = fo_ft_node_count(ft), top = fo_ft_top(ft), *stack = NULL;
	unsigned char *seen = NULL;
	size_t sp = 0, missing = 0;
	*out = 0;
	if (top >= nn)
		return FO_OK;
	seen = calloc(nn, 1);
	stack = malloc(nn * sizeof *stack);
	if (!seen || !stack) {
		free(seen);
		free(stack);
		return FO_ENOMEM;
	}
	stack[sp++] = top;
	seen[top] = 1;
	while (sp) {
		uint32_t v = stack[--sp];
		const uint32_t *a;
		size_t na = fo_ft_node_args(ft, v, &a);
		if (fo_ft_node_op(ft, v) == FO_FT_EVENT && fo_ft_event_p(ft, fo_ft_node_event(ft, v)) < 0)
			missing++;
		for (size_t i = 0; i < na; i++)
			if (!seen[a[i]]) {
				seen[a[i]] = 1;
				stack[sp++] = a[i];
			}
	}
	free(seen);
	free(stack);
	*out = missing;
	return FO_OK;
}

int fo_riskreport_apps_compute(fo_riskreport_apps *out, const fo_graph *g, const uint32_t *apps,
			       size_t napps, size_t mem_limit, fo_diag *diag)
{
	fo_risk_opts ro = { mem_limit ? mem_limit : FO_RISKREPORT_APPS_MEM, 0 };
	int err = FO_OK, any = 0;
	if (!out || !g || (napps && !apps))
		return FO_EINVAL;
	memset(out, 0, sizeof *out);
	for (uint32_t v = 0; v < fo_graph_node_count(g) && !any; v++)
		any = fo_ftgraph_node_p(g, v) >= 0;
	if (!any || !napps)
		return FO_OK;
	out->a = calloc(napps, sizeof *out->a);
	out->fts = calloc(napps, sizeof *out->fts);
	out->imps = calloc(napps, sizeof *out->imps);
	if (!out->a || !out->fts || !out->imps)
		return FO_ENOMEM;
	out->n = napps;
	for (size_t i = 0; i < napps; i++) {
		fo_ftg_opts fo = { FO_FTG_DOWN };
		fo_riskreport_avail *a = &out->a[i];
		fo_risk *r = NULL;
		if ((err = fo_ftgraph_build(g, apps[i], &fo, &out->fts[i], diag)) < 0)
			return err;
		a->ft = out->fts[i];
		a->tier = fo_graph_node_tier(g, apps[i]);
		a->tenant = fo_graph_node_tenant(g, apps[i]);
		a->q = NAN;
		if ((err = count_missing(a->ft, &a->missing)) < 0)
			return err;
		if (a->missing)
			continue;
		/* No diag for the analysis: going over the limit is this app's
		 * row ("over the limit"), not an error of the report. */
		if ((err = fo_risk_new(&r, a->ft, &ro, NULL)) == FO_OK &&
		    (err = fo_risk_probability(r, &a->q)) == FO_OK &&
		    (err = fo_risk_importance(r, &out->imps[i], &a->nimp)) == FO_OK) {
			fo_riskreport_rank_importance(out->imps[i], a->nimp);
			a->imp = out->imps[i];
		}
		fo_risk_free(r);
		if (err == FO_ELIMIT) {
			a->q = NAN;
			a->over_limit = 1;
			err = FO_OK;
		}
		if (err < 0)
			return err;
	}
	return FO_OK;
}

void fo_riskreport_apps_dispose(fo_riskreport_apps *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++) {
		if (x->fts)
			fo_ft_free(x->fts[i]);
		if (x->imps)
			free(x->imps[i]);
	}
	free(x->fts);
	free(x->imps);
	free(x->a);
	memset(x, 0, sizeof *x);
}
