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

static void text_summary(FILE *fp, const fo_graph *g, const scen *s, const fo_summary *sum)
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
	fprintf(fp, ": %zu of %zu nodes down (%zu lost), %zu degraded, %zu at-risk; "
		    "apps: %zu down (%zu lost), %zu degraded, %zu at-risk\n",
		sum->down, sum->nodes, sum->lost, sum->degraded, sum->at_risk, sum->apps_down,
		sum->apps_lost, sum->apps_degraded, sum->apps_at_risk);
}

/* The sort key of an app row, computed once so the comparison needs no
 * context (qsort has no context argument, and the library keeps no globals). */
typedef struct app_row {
	const char *tenant; /* NULL sorts last */
	const char *id;
	int rank;           /* worst state first */
	unsigned tier;      /* 1 first, 0 (none) last */
	uint32_t v;
} app_row;

static int sev_rank(fo_state s)
{
	return s == FO_STATE_DOWN ? 0 : s == FO_STATE_DEGRADED ? 1 : s == FO_STATE_AT_RISK ? 2 : 3;
}

/* Tenant bytewise with "no tenant" last; then the worst state first; then
 * tier 1 first, untiered last; then id bytewise; then node index. */
static int app_cmp(const void *pa, const void *pb)
{
	const app_row *a = pa, *b = pb;
	if (!a->tenant != !b->tenant)
		return a->tenant ? -1 : 1;
	if (a->tenant) {
		int c = strcmp(a->tenant, b->tenant);
		if (c)
			return c;
	}
	if (a->rank != b->rank)
		return a->rank - b->rank;
	if (a->tier != b->tier) {
		if (!a->tier || !b->tier)
			return a->tier ? -1 : 1;
		return a->tier < b->tier ? -1 : 1;
	}
	int c = strcmp(a->id, b->id);
	if (c)
		return c;
	return a->v < b->v ? -1 : a->v > b->v;
}

static int same_tenant(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
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

static int text_apps(FILE *fp, fo_engine *e, const uint32_t *imp, size_t nimp)
{
	const fo_graph *g = fo_engine_graph(e);
	int err = FO_OK, names = 0;
	app_row *apps = NULL;
	size_t napps = 0;
	table t = { 0 };
	fo_sbuf b = { 0 };

	if (!(apps = malloc((nimp ? nimp : 1) * sizeof *apps)))
		return FO_ENOMEM;
	for (size_t i = 0; i < nimp; i++) {
		uint32_t v = imp[i];
		if (fo_graph_node_kind(g, v) != FO_KIND_APP)
			continue;
		apps[napps++] = (app_row){ fo_graph_node_tenant(g, v), fo_graph_node_id(g, v),
					   sev_rank(fo_engine_state(e, v)),
					   fo_graph_node_tier(g, v), v };
		const char *name = fo_graph_node_name(g, imp[i]);
		if (name && strcmp(name, fo_graph_node_id(g, imp[i])))
			names = 1;
	}
	if (napps == 0) {
		fputs("\nno app is impacted\n", fp);
		goto done;
	}
	qsort(apps, napps, sizeof *apps, app_cmp);

	/* A NAME column only when some app has a name of its own: otherwise it
	 * would repeat the APP column. */
	if ((err = table_init(&t, names ? 6 : 5)) < 0)
		goto done;
	table_add(&t, "APP");
	if (names)
		table_add(&t, "NAME");
	table_add(&t, "STATE");
	table_add(&t, "TIER");
	table_add(&t, "ROOT");
	table_add(&t, "CAUSE");
	for (size_t i = 0; i < napps; i++) {
		uint32_t v = apps[i].v;
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
	}
	if (t.oom || b.oom) {
		err = FO_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < napps;) {
		const char *tenant = apps[i].tenant;
		size_t j = i;
		while (j < napps && same_tenant(tenant, apps[j].tenant))
			j++;
		fputc('\n', fp);
		if (tenant)
			fo_diag_fputs_escaped(tenant, fp);
		else
			fputs("(no tenant)", fp);
		fprintf(fp, ": %zu app%s\n", j - i, j - i == 1 ? "" : "s");
		table_row(fp, &t, 0, "  ");
		for (; i < j; i++)
			table_row(fp, &t, i + 1, "  ");
	}
done:
	fo_sbuf__dispose(&b);
	table_dispose(&t);
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
 * come back after a repair, data whose every copy burnt cannot. */
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

static int write_text(FILE *fp, fo_engine *e, const scen *s, int all)
{
	const uint32_t *imp;
	size_t nimp = fo_engine_impacted(e, &imp);
	fo_summary sum;
	int err;

	fo_engine_summary(e, &sum);
	text_summary(fp, fo_engine_graph(e), s, &sum);
	if ((err = text_apps(fp, e, imp, nimp)) < 0 || (err = text_lost(fp, e, imp, nimp)) < 0)
		return err;
	if (all)
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

static void json_impact(fo_sbuf *b, const fo_engine *e, uint32_t v)
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

static int write_json(FILE *fp, fo_engine *e, const scen *s)
{
	const fo_graph *g = fo_engine_graph(e);
	const uint32_t *imp;
	size_t nimp = fo_engine_impacted(e, &imp);
	fo_summary sum;
	fo_sbuf b = { 0 };
	int err = FO_OK;

	fo_engine_summary(e, &sum);
	fo_sbuf__puts(&b, "{\"inventory\": ");
	fo_report__json_str(&b, fo_graph_name(g));
	fo_sbuf__puts(&b, ",\n \"scenario\": {\"fail\": ");
	json_ids(&b, g, s->fail, s->nfail);
	fo_sbuf__puts(&b, ", \"destroy\": ");
	json_ids(&b, g, s->destroy, s->ndestroy);
	fo_sbuf__printf(&b, "},\n \"summary\": {\"nodes\": %zu, \"down\": %zu, \"lost\": %zu, "
			    "\"degraded\": %zu, \"at_risk\": %zu, \"apps_down\": %zu, "
			    "\"apps_degraded\": %zu, \"apps_at_risk\": %zu},\n \"impacts\": [",
			sum.nodes, sum.down, sum.lost, sum.degraded, sum.at_risk, sum.apps_down,
			sum.apps_degraded, sum.apps_at_risk);
	/* One impact per line: diffs of two runs stay readable. */
	for (size_t i = 0; i < nimp; i++) {
		fo_sbuf__puts(&b, i ? ",\n  " : "\n  ");
		json_impact(&b, e, imp[i]);
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

int fo_report_whatif(FILE *fp, fo_engine *e, const fo_scenario *sc, fo_format fmt, int all)
{
	int err;
	scen s = { 0 };

	if (!fp || !e || !sc)
		return FO_EINVAL;
	if (fmt != FO_FORMAT_TEXT && fmt != FO_FORMAT_JSON && fmt != FO_FORMAT_CSV)
		return FO_EINVAL;
	if ((err = scen_init(&s, fo_engine_graph(e), sc)) < 0)
		goto done;
	switch (fmt) {
	case FO_FORMAT_TEXT: err = write_text(fp, e, &s, all); break;
	case FO_FORMAT_JSON: err = write_json(fp, e, &s); break;
	case FO_FORMAT_CSV: err = write_csv(fp, e); break;
	}
	if (err == FO_OK && ferror(fp))
		err = FO_EIO;
done:
	scen_dispose(&s);
	return err;
}
