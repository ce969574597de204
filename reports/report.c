/*
 * report.c — `whatif` results as text, JSON or CSV (fo_report.h).
 *
 * The contracts are in docs/output-formats.md. Each writer walks the
 * engine's impacted nodes (ascending node index = document order) and writes
 * one record at a time through a reused buffer, so memory stays proportional
 * to one record (the text tables, which need every width first, keep only the
 * rows they print). Orders are total (ties broken by node index), so the
 * same graph and scenario give the same bytes.
 */
#include "fo_report.h"

#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_error.h"
#include "report_int.h"

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026 */

/* ------------------------------------------------------------- scenario */

/* The scenario's ids in the order given, each once. A bitmap rather than a
 * quadratic scan: scenarios built by programs can list thousands of nodes.
 * Writes the kept indices to out (room for n) and their count to *kept. */
static int dedupe(const uint32_t *in, size_t n, uint32_t nodes, uint8_t *seen, uint32_t *out,
		  size_t *kept)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t v = in[i];
		if (v >= nodes)
			return FO_EINVAL;
		if (seen[v >> 3] & (1u << (v & 7)))
			continue;
		seen[v >> 3] |= (uint8_t)(1u << (v & 7));
		out[k++] = v;
	}
	for (size_t i = 0; i < k; i++) /* leave the bitmap clean for the next list */
		seen[out[i] >> 3] &= (uint8_t)~(1u << (out[i] & 7));
	*kept = k;
	return FO_OK;
}

typedef struct scen {
	uint32_t *fail, *destroy;
	size_t nfail, ndestroy;
} scen;

static int scen_init(scen *s, const fo_graph *g, const fo_scenario *sc)
{
	int err = FO_OK;
	uint32_t nodes = fo_graph_node_count(g);
	uint8_t *seen = NULL;

	memset(s, 0, sizeof *s);
	if ((sc->nfail && !sc->fail) || (sc->ndestroy && !sc->destroy))
		return FO_EINVAL;
	seen = calloc((size_t)nodes / 8 + 1, 1);
	s->fail = malloc((sc->nfail ? sc->nfail : 1) * sizeof *s->fail);
	s->destroy = malloc((sc->ndestroy ? sc->ndestroy : 1) * sizeof *s->destroy);
	if (!seen || !s->fail || !s->destroy) {
		err = FO_ENOMEM;
		goto done;
	}
	if ((err = dedupe(sc->fail, sc->nfail, nodes, seen, s->fail, &s->nfail)) < 0)
		goto done;
	err = dedupe(sc->destroy, sc->ndestroy, nodes, seen, s->destroy, &s->ndestroy);
done:
	free(seen);
	return err;
}

static void scen_dispose(scen *s)
{
	free(s->fail);
	free(s->destroy);
}

/* ----------------------------------------------------------------- text */

/* A table of escaped cells whose columns are aligned to their widest cell.
 * Row 0 is the column header. */
typedef struct table {
	size_t ncol, ncell, cap;
	char **cell;
	size_t *width;
	int oom;
} table;

static int table_init(table *t, size_t ncol)
{
	memset(t, 0, sizeof *t);
	t->ncol = ncol;
	t->width = calloc(ncol, sizeof *t->width);
	return t->width ? FO_OK : FO_ENOMEM;
}

static void table_dispose(table *t)
{
	for (size_t i = 0; i < t->ncell; i++)
		free(t->cell[i]);
	free(t->cell);
	free(t->width);
}

/* Adds the next cell: `s` escaped onto one line, or "-" for NULL. */
static void table_add(table *t, const char *s)
{
	fo_sbuf b = { 0 };
	char *c;

	if (t->oom)
		return;
	if (t->ncell == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **nc = realloc(t->cell, cap * sizeof *nc);
		if (!nc) {
			t->oom = 1;
			return;
		}
		t->cell = nc;
		t->cap = cap;
	}
	if (s)
		fo_report__esc(&b, s);
	else
		fo_sbuf__puts(&b, "-");
	if (!(c = fo_sbuf__take(&b))) {
		t->oom = 1;
		return;
	}
	size_t col = t->ncell % t->ncol, w = fo_report__width(c);
	if (w > t->width[col])
		t->width[col] = w;
	t->cell[t->ncell++] = c;
}

/* Cells already formatted by the caller (numbers, states): no escaping. */
static void table_add_raw(table *t, fo_sbuf *b)
{
	/* The texts reaching here are ASCII words and numbers; escaping them
	 * is the identity, so one code path serves both. */
	table_add(t, fo_sbuf__str(b));
	fo_sbuf__clear(b);
}

static void table_row(FILE *fp, const table *t, size_t row, const char *indent)
{
	fputs(indent, fp);
	for (size_t c = 0; c < t->ncol; c++) {
		const char *s = t->cell[row * t->ncol + c];
		fputs(s, fp);
		if (c + 1 < t->ncol) {
			/* pad to the column width, then two spaces of gutter */
			for (size_t w = fo_report__width(s); w < t->width[c] + 2; w++)
				fputc(' ', fp);
		}
	}
	fputc('\n', fp);
}

static void put_id_list(FILE *fp, const fo_graph *g, const uint32_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs(", ", fp);
		fo_diag_fputs_escaped(fo_graph_node_id(g, v[i]), fp);
	}
}

/* The partition writers of util.c onto a stream. */
static void put_partition(FILE *fp, const fo_appcounts *c)
{
	char buf[FO_APPCOUNTS_TEXT];
	fo_report__partition(buf, c);
	fputs(buf, fp);
}

static void put_nonzero(FILE *fp, const fo_appcounts *c)
{
	char buf[FO_APPCOUNTS_TEXT];
	fo_report__nonzero(buf, c);
	fputs(buf, fp);
}

static void text_summary(FILE *fp, const fo_graph *g, const scen *s, const fo_summary *sum,
			 const fo_appcounts *apps)
{
	if (s->nfail) {
		fputs("fail ", fp);
		put_id_list(fp, g, s->fail, s->nfail);
	}
	if (s->ndestroy) {
		fputs(s->nfail ? "; destroy " : "destroy ", fp);
		put_id_list(fp, g, s->destroy, s->ndestroy);
	}
	if (!s->nfail && !s->ndestroy)
		fputs("no failure", fp);
	fprintf(fp, ": %zu of %zu nodes down (%zu lost), %zu degraded, %zu at-risk; apps: ",
		sum->down, sum->nodes, sum->lost, sum->degraded, sum->at_risk);
	put_partition(fp, apps);
	fputc('\n', fp);
}

/* The sort key of an app row, computed once so the comparison needs no
 * context (qsort has no context argument, and the library keeps no globals). */
typedef struct app_row {
	const char *tenant; /* NULL sorts last */
	const char *id;
	int rank;           /* worst first: needs lost data, down, degraded, at-risk */
	unsigned tier;      /* 1 first, 0 (none) last */
	uint32_t v;
} app_row;

static int app_rank(unsigned f, int needs_lost)
{
	if (f & FO_F_DOWN)
		return needs_lost ? 0 : 1;
	return (f & FO_F_DEGRADED) ? 2 : 3;
}

static int tier_cmp(unsigned a, unsigned b)
{
	if (a == b)
		return 0;
	if (!a || !b)
		return a ? -1 : 1;
	return a < b ? -1 : 1;
}

/* Tenant in natural order with "no tenant" last (grouping only: tenants
 * are then ranked by impact); then the worst state first; then tier 1 first,
 * untiered last; then id in natural order; then node index. */
static int app_cmp(const void *pa, const void *pb)
{
	const app_row *a = pa, *b = pb;
	if (!a->tenant != !b->tenant)
		return a->tenant ? -1 : 1;
	if (a->tenant) {
		int c = fo_report__natcmp(a->tenant, b->tenant);
		if (c)
			return c;
	}
	if (a->rank != b->rank)
		return a->rank - b->rank;
	int c = tier_cmp(a->tier, b->tier);
	if (c)
		return c;
	if ((c = fo_report__natcmp(a->id, b->id)))
		return c;
	return a->v < b->v ? -1 : a->v > b->v;
}

static int same_tenant(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The apps of one tenant (a run of the sorted rows) and its impact. */
typedef struct tenant_row {
	const char *tenant; /* NULL: the apps without a tenant */
	size_t first, n;    /* rows in the app array */
	size_t rows;        /* the first rows shown (--top) */
	size_t down_tier[4]; /* apps down of tier 1, 2, 3, other (4+ or none) */
	fo_appcounts c;
} tenant_row;

/* Impact first (docs/output-formats.md): apps down weighted by tier — more
 * tier-1 apps down first, then tier 2, tier 3, others —, then apps that
 * need lost data, apps degraded (with or without at-risk), apps at-risk
 * only; then tenant in natural order, "no tenant" last. */
static int tenant_cmp(const void *pa, const void *pb)
{
	const tenant_row *a = pa, *b = pb;
	for (int i = 0; i < 4; i++)
		if (a->down_tier[i] != b->down_tier[i])
			return a->down_tier[i] > b->down_tier[i] ? -1 : 1;
	if (a->c.lost != b->c.lost)
		return a->c.lost > b->c.lost ? -1 : 1;
	size_t da = a->c.deg_only + a->c.deg_risk, db = b->c.deg_only + b->c.deg_risk;
	if (da != db)
		return da > db ? -1 : 1;
	if (a->c.risk_only != b->c.risk_only)
		return a->c.risk_only > b->c.risk_only ? -1 : 1;
	if (!a->tenant != !b->tenant)
		return a->tenant ? -1 : 1;
	return a->tenant ? fo_report__natcmp(a->tenant, b->tenant) : 0;
}

/* Root and cause as reports show them: none for the scenario's own nodes. */
static uint32_t shown_root(const fo_engine *e, uint32_t v)
{
	uint32_t r = fo_engine_root(e, v);
	return r == v ? FO_NONE : r;
}

static const char *id_or_null(const fo_graph *g, uint32_t v)
{
	return v == FO_NONE ? NULL : fo_graph_node_id(g, v);
}

/* The apps hit, grouped by tenant, tenants ranked by impact, the first `top`
 * tenants shown (0: all) and the others summed up on one line. */
static int text_apps(FILE *fp, fo_engine *e, const uint32_t *imp, size_t nimp,
		     const fo_lostdeps *ld, size_t top)
{
	const fo_graph *g = fo_engine_graph(e);
	int err = FO_OK, names = 0, lostcol = 0;
	app_row *apps = NULL;
	tenant_row *ten = NULL;
	size_t napps = 0, nten = 0, shown, row = 0;
	table t = { 0 };
	fo_sbuf b = { 0 };

	if (!(apps = malloc((nimp ? nimp : 1) * sizeof *apps)))
		return FO_ENOMEM;
	for (size_t i = 0; i < nimp; i++) {
		uint32_t v = imp[i];
		if (fo_graph_node_kind(g, v) != FO_KIND_APP)
			continue;
		apps[napps++] = (app_row){ fo_graph_node_tenant(g, v), fo_graph_node_id(g, v),
					   app_rank(fo_engine_flags(e, v),
						    fo_report__lost_rep(ld, v) != FO_NONE),
					   fo_graph_node_tier(g, v), v };
	}
	if (napps == 0) {
		fputs("\nno app is impacted\n", fp);
		goto done;
	}
	qsort(apps, napps, sizeof *apps, app_cmp);
	if (!(ten = calloc(napps, sizeof *ten))) {
		err = FO_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < napps; i++) {
		tenant_row *tr = &ten[nten - (nten && same_tenant(ten[nten - 1].tenant, apps[i].tenant))];
		if (tr == &ten[nten]) {
			tr->tenant = apps[i].tenant;
			tr->first = i;
			nten++;
		}
		tr->n++;
		unsigned f = fo_engine_flags(e, apps[i].v);
		fo_report__count_app(&tr->c, f, fo_report__lost_rep(ld, apps[i].v) != FO_NONE);
		if (f & FO_F_DOWN)
			tr->down_tier[apps[i].tier >= 1 && apps[i].tier <= 3 ? apps[i].tier - 1 : 3]++;
	}
	qsort(ten, nten, sizeof *ten, tenant_cmp);
	shown = top && top < nten ? top : nten;
	for (size_t i = 0; i < shown; i++)
		ten[i].rows = top && top < ten[i].n ? top : ten[i].n;

	/* A NAME column only when some shown app has a name of its own
	 * (otherwise it would repeat the APP column), a LOST DATA column only
	 * when some shown app needs lost data. */
	for (size_t i = 0; i < shown; i++)
		for (size_t j = ten[i].first; j < ten[i].first + ten[i].rows; j++) {
			const char *name = fo_graph_node_name(g, apps[j].v);
			if (name && strcmp(name, apps[j].id))
				names = 1;
			if (fo_report__lost_rep(ld, apps[j].v) != FO_NONE)
				lostcol = 1;
		}
	if ((err = table_init(&t, 5 + (size_t)names + (size_t)lostcol)) < 0)
		goto done;
	table_add(&t, "APP");
	if (names)
		table_add(&t, "NAME");
	table_add(&t, "STATE");
	table_add(&t, "TIER");
	table_add(&t, "ROOT");
	table_add(&t, "CAUSE");
	if (lostcol)
		table_add(&t, "LOST DATA");
	for (size_t i = 0; i < shown; i++)
		for (size_t j = ten[i].first; j < ten[i].first + ten[i].rows; j++) {
			uint32_t v = apps[j].v;
			table_add(&t, fo_graph_node_id(g, v));
			if (names)
				table_add(&t, fo_graph_node_name(g, v));
			fo_report__state(&b, fo_engine_flags(e, v));
			table_add_raw(&t, &b);
			if (fo_graph_node_tier(g, v)) {
				fo_sbuf__printf(&b, "%u", fo_graph_node_tier(g, v));
				table_add_raw(&t, &b);
			} else {
				table_add(&t, NULL);
			}
			table_add(&t, id_or_null(g, shown_root(e, v)));
			table_add(&t, id_or_null(g, fo_engine_cause(e, v)));
			if (lostcol)
				table_add(&t, id_or_null(g, fo_report__lost_rep(ld, v)));
		}
	if (t.oom || b.oom) {
		err = FO_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < shown; i++) {
		fputc('\n', fp);
		if (ten[i].tenant)
			fo_diag_fputs_escaped(ten[i].tenant, fp);
		else
			fputs("(no tenant)", fp);
		fprintf(fp, ": %zu app%s: ", ten[i].n, ten[i].n == 1 ? "" : "s");
		put_nonzero(fp, &ten[i].c);
		fputc('\n', fp);
		table_row(fp, &t, 0, "  ");
		for (size_t j = 0; j < ten[i].rows; j++)
			table_row(fp, &t, ++row, "  ");
		if (ten[i].rows < ten[i].n) {
			fo_appcounts rest = { 0 };
			for (size_t j = ten[i].first + ten[i].rows; j < ten[i].first + ten[i].n; j++)
				fo_report__count_app(&rest, fo_engine_flags(e, apps[j].v),
					  fo_report__lost_rep(ld, apps[j].v) != FO_NONE);
			fprintf(fp, "  " ELLIPSIS " and %zu more app%s: ", rest.hit,
				rest.hit == 1 ? "" : "s");
			put_nonzero(fp, &rest);
			fputc('\n', fp);
		}
	}
	if (shown < nten) {
		fo_appcounts rest = { 0 };
		for (size_t i = shown; i < nten; i++) {
			rest.hit += ten[i].c.hit;
			rest.down += ten[i].c.down;
			rest.lost += ten[i].c.lost;
			rest.deg_only += ten[i].c.deg_only;
			rest.risk_only += ten[i].c.risk_only;
			rest.deg_risk += ten[i].c.deg_risk;
		}
		fprintf(fp, "\n" ELLIPSIS " and %zu more tenant%s: %zu app%s: ", nten - shown,
			nten - shown == 1 ? "" : "s", rest.hit, rest.hit == 1 ? "" : "s");
		put_nonzero(fp, &rest);
		fputc('\n', fp);
	}
done:
	fo_sbuf__dispose(&b);
	table_dispose(&t);
	free(ten);
	free(apps);
	return err;
}

static int text_all(FILE *fp, fo_engine *e, const uint32_t *imp, size_t nimp)
{
	const fo_graph *g = fo_engine_graph(e);
	int err;
	table t = { 0 };
	fo_sbuf b = { 0 };

	if (nimp == 0) {
		fputs("\nno node is impacted\n", fp);
		return FO_OK;
	}
	if ((err = table_init(&t, 7)) < 0)
		goto done;
	table_add(&t, "NODE");
	table_add(&t, "KIND");
	table_add(&t, "STATE");
	table_add(&t, "TENANT");
	table_add(&t, "TIER");
	table_add(&t, "ROOT");
	table_add(&t, "CAUSE");
	for (size_t i = 0; i < nimp; i++) {
		uint32_t v = imp[i];
		table_add(&t, fo_graph_node_id(g, v));
		table_add(&t, fo_graph_node_kind_word(g, v));
		fo_report__state(&b, fo_engine_flags(e, v));
		table_add_raw(&t, &b);
		table_add(&t, fo_graph_node_tenant(g, v));
		if (fo_graph_node_tier(g, v)) {
			fo_sbuf__printf(&b, "%u", fo_graph_node_tier(g, v));
			table_add_raw(&t, &b);
		} else {
			table_add(&t, NULL);
		}
		table_add(&t, id_or_null(g, shown_root(e, v)));
		table_add(&t, id_or_null(g, fo_engine_cause(e, v)));
	}
	if (t.oom || b.oom) {
		err = FO_ENOMEM;
		goto done;
	}
	fprintf(fp, "\nall impacted nodes: %zu\n", nimp);
	for (size_t i = 0; i <= nimp; i++)
		table_row(fp, &t, i, "  ");
done:
	fo_sbuf__dispose(&b);
	table_dispose(&t);
	return err;
}

/* Lost data deserves its own lines even when no app is lost: an app can
 * come back after a repair, data whose every copy burnt cannot. Never cut
 * by --top. */
static int text_lost(FILE *fp, fo_engine *e, const uint32_t *imp, size_t nimp)
{
	const fo_graph *g = fo_engine_graph(e);
	int err = FO_OK;
	size_t nlost = 0;
	table t = { 0 };

	for (size_t i = 0; i < nimp; i++)
		nlost += (fo_engine_flags(e, imp[i]) & FO_F_LOST) != 0;
	if (nlost == 0)
		return FO_OK;
	if ((err = table_init(&t, 5)) < 0)
		goto done;
	table_add(&t, "NODE");
	table_add(&t, "KIND");
	table_add(&t, "TENANT");
	table_add(&t, "ROOT");
	table_add(&t, "CAUSE");
	for (size_t i = 0; i < nimp; i++) {
		uint32_t v = imp[i];
		if (!(fo_engine_flags(e, v) & FO_F_LOST))
			continue;
		table_add(&t, fo_graph_node_id(g, v));
		table_add(&t, fo_graph_node_kind_word(g, v));
		table_add(&t, fo_graph_node_tenant(g, v));
		table_add(&t, id_or_null(g, shown_root(e, v)));
		table_add(&t, id_or_null(g, fo_engine_cause(e, v)));
	}
	if (t.oom) {
		err = FO_ENOMEM;
		goto done;
	}
	fprintf(fp, "\nlost data: %zu node%s (every copy holder destroyed)\n", nlost,
		nlost == 1 ? "" : "s");
	for (size_t i = 0; i <= nlost; i++)
		table_row(fp, &t, i, "  ");
done:
	table_dispose(&t);
	return err;
}

/* The copies group of v (FO_NONE: v keeps no copies). O(groups of v). */
static uint32_t copies_group(const fo_graph *g, uint32_t v)
{
	uint32_t first, count;
	fo_graph_node_groups(g, v, &first, &count);
	for (uint32_t gi = first; gi < first + count; gi++) {
		fo_group_info gr;
		fo_graph_group(g, gi, &gr);
		if (gr.type == FO_GROUP_COPIES)
			return gi;
	}
	return FO_NONE;
}

/* Data with its last copy standing: a node that is not down whose copy
 * holders are down but one. One more loss and it is lost (if that holder
 * is destroyed) or down: the reviewer sees it before it happens. */
static int risky_data(const fo_engine *e, uint32_t v, uint32_t *group)
{
	const fo_graph *g = fo_engine_graph(e);
	if (fo_engine_flags(e, v) & FO_F_DOWN)
		return 0;
	uint32_t gi = copies_group(g, v);
	if (gi == FO_NONE)
		return 0;
	fo_group_info gr;
	fo_graph_group(g, gi, &gr);
	if (fo_engine_group_up(e, gi) != 1 || gr.n < 2)
		return 0;
	*group = gi;
	return 1;
}

/* "at-risk data": each node with its last copy standing, in document order:
 * how many copies are left, where the last one is, and the failure that
 * took the others (the root of the first holder down). Shown by default;
 * --top N shows the first N and counts the others on one line. */
static int text_risky_data(FILE *fp, fo_engine *e, const uint32_t *imp, size_t nimp, size_t top)
{
	const fo_graph *g = fo_engine_graph(e);
	int err = FO_OK;
	size_t nrisky = 0, shown;
	uint32_t gi;
	table t = { 0 };
	fo_sbuf b = { 0 };

	for (size_t i = 0; i < nimp; i++)
		nrisky += risky_data(e, imp[i], &gi);
	if (nrisky == 0)
		return FO_OK;
	shown = top && top < nrisky ? top : nrisky;
	if ((err = table_init(&t, 6)) < 0)
		goto done;
	table_add(&t, "NODE");
	table_add(&t, "KIND");
	table_add(&t, "TENANT");
	table_add(&t, "COPIES");
	table_add(&t, "LAST COPY ON");
	table_add(&t, "ROOT");
	for (size_t i = 0, row = 0; i < nimp && row < shown; i++) {
		uint32_t v = imp[i], last = FO_NONE, gone = FO_NONE;
		if (!risky_data(e, v, &gi))
			continue;
		row++;
		fo_group_info gr;
		fo_graph_group(g, gi, &gr);
		for (uint32_t m = 0; m < gr.n; m++) {
			if (!(fo_engine_flags(e, gr.members[m]) & FO_F_DOWN))
				last = gr.members[m];
			else if (gone == FO_NONE)
				gone = gr.members[m];
		}
		table_add(&t, fo_graph_node_id(g, v));
		table_add(&t, fo_graph_node_kind_word(g, v));
		table_add(&t, fo_graph_node_tenant(g, v));
		fo_sbuf__printf(&b, "1 of %u left", gr.n);
		table_add_raw(&t, &b);
		table_add(&t, id_or_null(g, last));
		table_add(&t, id_or_null(g, gone == FO_NONE ? FO_NONE : fo_engine_root(e, gone)));
	}
	if (t.oom || b.oom) {
		err = FO_ENOMEM;
		goto done;
	}
	fprintf(fp, "\nat-risk data: %zu node%s (last copy standing)\n", nrisky,
		nrisky == 1 ? "" : "s");
	for (size_t i = 0; i <= shown; i++)
		table_row(fp, &t, i, "  ");
	if (shown < nrisky)
		fprintf(fp, "  " ELLIPSIS " and %zu more\n", nrisky - shown);
done:
	fo_sbuf__dispose(&b);
	table_dispose(&t);
	return err;
}

static int write_text(FILE *fp, fo_engine *e, const scen *s, const fo_whatif_opts *o,
		      const fo_lostdeps *ld)
{
	const fo_graph *g = fo_engine_graph(e);
	const uint32_t *imp;
	size_t nimp = fo_engine_impacted(e, &imp);
	fo_summary sum;
	fo_appcounts apps = { 0 };
	int err;

	fo_engine_summary(e, &sum);
	for (size_t i = 0; i < nimp; i++)
		if (fo_graph_node_kind(g, imp[i]) == FO_KIND_APP)
			fo_report__count_app(&apps, fo_engine_flags(e, imp[i]),
				  fo_report__lost_rep(ld, imp[i]) != FO_NONE);
	text_summary(fp, g, s, &sum, &apps);
	if ((err = text_apps(fp, e, imp, nimp, ld, o->top)) < 0 ||
	    (err = text_lost(fp, e, imp, nimp)) < 0 || (err = text_risky_data(fp, e, imp, nimp, o->top)) < 0)
		return err;
	if (o->all)
		err = text_all(fp, e, imp, nimp);
	return err;
}

/* ----------------------------------------------------------------- JSON */

static void json_ids(fo_sbuf *b, const fo_graph *g, const uint32_t *v, size_t n)
{
	fo_sbuf__putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			fo_sbuf__puts(b, ", ");
		fo_report__json_str(b, fo_graph_node_id(g, v[i]));
	}
	fo_sbuf__putc(b, ']');
}

static const char *json_bool(unsigned flags, unsigned bit)
{
	return (flags & bit) ? "true" : "false";
}

static void json_impact(fo_sbuf *b, const fo_engine *e, uint32_t v, const fo_lostdeps *ld)
{
	const fo_graph *g = fo_engine_graph(e);
	unsigned f = fo_engine_flags(e, v);
	const fo_prop *props;
	size_t nprops = fo_graph_node_props(g, v, &props);

	fo_sbuf__puts(b, "{\"id\": ");
	fo_report__json_str(b, fo_graph_node_id(g, v));
	fo_sbuf__puts(b, ", \"kind\": ");
	fo_report__json_str(b, fo_graph_node_kind_word(g, v));
	fo_sbuf__puts(b, ", \"name\": ");
	fo_report__json_str(b, fo_graph_node_label(g, v));
	fo_sbuf__puts(b, ", \"tenant\": ");
	fo_report__json_str(b, fo_graph_node_tenant(g, v));
	fo_sbuf__puts(b, ", \"state\": ");
	fo_report__json_str(b, fo_state_name(fo_engine_state(e, v)));
	fo_sbuf__printf(b, ", \"failed\": %s, \"destroyed\": %s, \"lost\": %s, \"degraded\": %s, "
			   "\"at_risk\": %s",
			json_bool(f, FO_F_FAILED), json_bool(f, FO_F_DESTROYED),
			json_bool(f, FO_F_LOST), json_bool(f, FO_F_DEGRADED),
			json_bool(f, FO_F_AT_RISK));
	fo_sbuf__puts(b, ", \"cause\": ");
	fo_report__json_str(b, id_or_null(g, fo_engine_cause(e, v)));
	fo_sbuf__puts(b, ", \"root\": ");
	fo_report__json_str(b, id_or_null(g, shown_root(e, v)));
	/* The at-risk chain of a node flagged at-risk: for a node both degraded
	 * and at-risk, cause and root follow the degradation, these the at-risk
	 * state (docs/semantics.md, "Cause and root"). */
	fo_sbuf__puts(b, ", \"at_risk_cause\": ");
	fo_report__json_str(b, id_or_null(g, fo_engine_risk_cause(e, v)));
	fo_sbuf__puts(b, ", \"at_risk_root\": ");
	fo_report__json_str(b, id_or_null(g, fo_engine_risk_root(e, v)));
	fo_sbuf__puts(b, ", \"lost_data\": ");
	fo_report__json_str(b, id_or_null(g, fo_report__lost_rep(ld, v)));
	/* Extensions after the contract's keys, always present for a stable
	 * schema: the tier and the node's free-form properties. */
	if (fo_graph_node_tier(g, v))
		fo_sbuf__printf(b, ", \"tier\": %u", fo_graph_node_tier(g, v));
	else
		fo_sbuf__puts(b, ", \"tier\": null");
	fo_sbuf__puts(b, ", \"properties\": {");
	for (size_t i = 0; i < nprops; i++) {
		if (i)
			fo_sbuf__puts(b, ", ");
		fo_report__json_str(b, props[i].key);
		fo_sbuf__puts(b, ": ");
		fo_report__json_str(b, props[i].value);
	}
	fo_sbuf__puts(b, "}}");
}

static int write_json(FILE *fp, fo_engine *e, const scen *s, const fo_lostdeps *ld)
{
	const fo_graph *g = fo_engine_graph(e);
	const uint32_t *imp;
	size_t nimp = fo_engine_impacted(e, &imp);
	fo_summary sum;
	fo_sbuf b = { 0 };
	int err = FO_OK;

	fo_appcounts apps = { 0 };
	fo_engine_summary(e, &sum);
	for (size_t i = 0; i < nimp; i++)
		if (fo_graph_node_kind(g, imp[i]) == FO_KIND_APP)
			fo_report__count_app(&apps, fo_engine_flags(e, imp[i]),
				  fo_report__lost_rep(ld, imp[i]) != FO_NONE);
	fo_sbuf__puts(&b, "{\"inventory\": ");
	fo_report__json_str(&b, fo_graph_name(g));
	fo_sbuf__puts(&b, ",\n \"scenario\": {\"fail\": ");
	json_ids(&b, g, s->fail, s->nfail);
	fo_sbuf__puts(&b, ", \"destroy\": ");
	json_ids(&b, g, s->destroy, s->ndestroy);
	fo_sbuf__printf(&b, "},\n \"summary\": {\"nodes\": %zu, \"down\": %zu, \"lost\": %zu, "
			    "\"degraded\": %zu, \"at_risk\": %zu, \"apps_down\": %zu, "
			    "\"apps_degraded\": %zu, \"apps_at_risk\": %zu, \"apps_hit\": %zu, "
			    "\"apps_need_lost_data\": %zu, \"apps_degraded_only\": %zu, "
			    "\"apps_at_risk_only\": %zu, \"apps_degraded_and_at_risk\": %zu},\n"
			    " \"impacts\": [",
			sum.nodes, sum.down, sum.lost, sum.degraded, sum.at_risk, sum.apps_down,
			sum.apps_degraded, sum.apps_at_risk, apps.hit, apps.lost, apps.deg_only,
			apps.risk_only, apps.deg_risk);
	/* One impact per line: diffs of two runs stay readable. */
	for (size_t i = 0; i < nimp; i++) {
		fo_sbuf__puts(&b, i ? ",\n  " : "\n  ");
		json_impact(&b, e, imp[i], ld);
		if (b.oom) {
			err = FO_ENOMEM;
			goto done;
		}
		fwrite(b.p, 1, b.len, fp);
		fo_sbuf__clear(&b);
	}
	fo_sbuf__puts(&b, nimp ? "\n ]}\n" : "]}\n");
	if (b.oom) {
		err = FO_ENOMEM;
		goto done;
	}
	fwrite(b.p, 1, b.len, fp);
done:
	fo_sbuf__dispose(&b);
	return err;
}

/* ------------------------------------------------------------------ CSV */

/* The flags of a node as one CSV field: its words in a fixed order, joined
 * by spaces ("failed", "destroyed", "lost", "degraded", "at-risk"). */
static void csv_flags(fo_sbuf *b, unsigned f)
{
	static const struct {
		unsigned bit;
		const char *word;
	} words[] = { { FO_F_FAILED, "failed" }, { FO_F_DESTROYED, "destroyed" },
		      { FO_F_LOST, "lost" }, { FO_F_DEGRADED, "degraded" },
		      { FO_F_AT_RISK, "at-risk" } };
	const char *sep = "";
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (f & words[i].bit) {
			fo_sbuf__puts(b, sep);
			fo_sbuf__puts(b, words[i].word);
			sep = " ";
		}
}

/* The impacted nodes of the last run as CSV rows, in document order: the
 * layout of `whatif --format csv` (scenario NULL: id, kind, name, tenant,
 * tier, state, five booleans, cause, root) or of a batch's impacts.csv
 * (scenario first, no name, the flags as words). */
static int csv_rows(FILE *fp, fo_engine *e, const char *scenario)
{
	const fo_graph *g = fo_engine_graph(e);
	const uint32_t *imp;
	size_t nimp = fo_engine_impacted(e, &imp);
	fo_sbuf b = { 0 };
	int err = FO_OK;

	for (size_t i = 0; i < nimp; i++) {
		uint32_t v = imp[i];
		unsigned f = fo_engine_flags(e, v);
		if (scenario) {
			fo_report__csv_field(&b, scenario);
			fo_sbuf__putc(&b, ',');
		}
		fo_report__csv_field(&b, fo_graph_node_id(g, v));
		fo_sbuf__putc(&b, ',');
		fo_report__csv_field(&b, fo_graph_node_kind_word(g, v));
		fo_sbuf__putc(&b, ',');
		if (!scenario) {
			fo_report__csv_field(&b, fo_graph_node_label(g, v));
			fo_sbuf__putc(&b, ',');
		}
		fo_report__csv_field(&b, fo_graph_node_tenant(g, v));
		fo_sbuf__putc(&b, ',');
		if (fo_graph_node_tier(g, v))
			fo_sbuf__printf(&b, "%u", fo_graph_node_tier(g, v));
		fo_sbuf__printf(&b, ",%s,", fo_state_name(fo_engine_state(e, v)));
		if (scenario)
			csv_flags(&b, f);
		else
			fo_sbuf__printf(&b, "%s,%s,%s,%s,%s", json_bool(f, FO_F_FAILED),
					json_bool(f, FO_F_DESTROYED), json_bool(f, FO_F_LOST),
					json_bool(f, FO_F_DEGRADED), json_bool(f, FO_F_AT_RISK));
		fo_sbuf__putc(&b, ',');
		fo_report__csv_field(&b, id_or_null(g, fo_engine_cause(e, v)));
		fo_sbuf__putc(&b, ',');
		fo_report__csv_field(&b, id_or_null(g, shown_root(e, v)));
		fo_sbuf__puts(&b, "\r\n");
		if (b.oom) {
			err = FO_ENOMEM;
			goto done;
		}
		fwrite(b.p, 1, b.len, fp);
		fo_sbuf__clear(&b);
	}
done:
	fo_sbuf__dispose(&b);
	return err;
}

static int write_csv(FILE *fp, fo_engine *e)
{
	fputs("id,kind,name,tenant,tier,state,failed,destroyed,lost,degraded,at_risk,cause,root\r\n",
	      fp);
	return csv_rows(fp, e, NULL);
}

int fo_report_json_string(FILE *fp, const char *s)
{
	fo_sbuf b = { 0 };
	int err = FO_OK;
	if (!fp)
		return FO_EINVAL;
	fo_report__json_str(&b, s);
	if (b.oom)
		err = FO_ENOMEM;
	else if (fwrite(b.p, 1, b.len, fp) != b.len)
		err = FO_EIO;
	fo_sbuf__dispose(&b);
	return err;
}

int fo_report_impacts_csv(FILE *fp, fo_engine *e, const char *scenario, int header)
{
	int err;
	if (!fp || !e || !scenario)
		return FO_EINVAL;
	if (header)
		fputs("scenario,id,kind,tenant,tier,state,flags,cause,root\r\n", fp);
	if ((err = csv_rows(fp, e, scenario)) == FO_OK && ferror(fp))
		err = FO_EIO;
	return err;
}

/* ------------------------------------------------------------------ API */

int fo_report_whatif_with(FILE *fp, fo_engine *e, const fo_scenario *sc, fo_format fmt,
			  const fo_whatif_opts *o)
{
	static const fo_whatif_opts defaults = { 0, 0 };
	int err;
	scen s = { 0 };
	fo_lostdeps ld = { 0 };

	if (!fp || !e || !sc)
		return FO_EINVAL;
	if (fmt != FO_FORMAT_TEXT && fmt != FO_FORMAT_JSON && fmt != FO_FORMAT_CSV)
		return FO_EINVAL;
	if (!o)
		o = &defaults;
	if ((err = scen_init(&s, fo_engine_graph(e), sc)) < 0)
		goto done;
	if (fmt != FO_FORMAT_CSV) {
		const uint32_t *imp;
		size_t nimp = fo_engine_impacted(e, &imp);
		if ((err = fo_report__lostdeps(&ld, e, imp, nimp)) < 0)
			goto done;
	}
	switch (fmt) {
	case FO_FORMAT_TEXT: err = write_text(fp, e, &s, o, &ld); break;
	case FO_FORMAT_JSON: err = write_json(fp, e, &s, &ld); break;
	case FO_FORMAT_CSV: err = write_csv(fp, e); break;
	}
	if (err == FO_OK && ferror(fp))
		err = FO_EIO;
done:
	fo_report__lostdeps_dispose(&ld);
	scen_dispose(&s);
	return err;
}

int fo_report_whatif(FILE *fp, fo_engine *e, const fo_scenario *sc, fo_format fmt, int all)
{
	fo_whatif_opts o = { all, 0 };
	return fo_report_whatif_with(fp, e, sc, fmt, &o);
}
