/*
 * batchreport.c — index.html, report.md and report.json of a scenario batch
 * (fo_batchreport.h; docs/report.md).
 */
#include "fo_batchreport.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fo_report.h"
#include "report_int.h"
#include "../graphs/fo_error.h"

/* One row of the summary table. */
typedef struct brow {
	char *name;
	fo_summary sum;
	size_t tier_down[3]; /* apps down of tier 1, tier 2, other */
	char *tenants_html, *tenants_md;
} brow;

struct fo_batchreport {
	const fo_graph *g;
	fo_batchreport_info info;
	FILE *html, *md; /* spooled per-scenario sections */
	brow *rows;
	size_t nrows, cap;
	fo_sbuf b; /* scratch */
};

/* ------------------------------------------------------------ escaping */

/* Text for HTML: control characters as C-style escapes (one id, one line),
 * then & < > " ' as entities. */
static void put_html(fo_sbuf *b, const char *s)
{
	fo_sbuf t = { 0 };
	fo_report__esc(&t, s ? s : "");
	for (const char *p = fo_sbuf__str(&t); *p; p++) {
		switch (*p) {
		case '&': fo_sbuf__puts(b, "&amp;"); break;
		case '<': fo_sbuf__puts(b, "&lt;"); break;
		case '>': fo_sbuf__puts(b, "&gt;"); break;
		case '"': fo_sbuf__puts(b, "&quot;"); break;
		case '\'': fo_sbuf__puts(b, "&#39;"); break;
		default: fo_sbuf__putc(b, *p);
		}
	}
	if (t.oom)
		b->oom = 1;
	fo_sbuf__dispose(&t);
}

/* Text for Markdown (CommonMark and GitHub tables): control characters as
 * C-style escapes, then the characters that make markup anywhere in a line
 * backslash-escaped (\ ` * _ [ ] | ~), and < > & as entities so no raw HTML
 * gets in. Characters that matter only at the start of a line (# - + . !)
 * are left alone: this text never starts one. */
static void put_md(fo_sbuf *b, const char *s)
{
	fo_sbuf t = { 0 };
	fo_report__esc(&t, s ? s : "");
	for (const char *p = fo_sbuf__str(&t); *p; p++) {
		switch (*p) {
		case '<': fo_sbuf__puts(b, "&lt;"); break;
		case '>': fo_sbuf__puts(b, "&gt;"); break;
		case '&': fo_sbuf__puts(b, "&amp;"); break;
		default:
			if (strchr("\\`*_[]|~", *p))
				fo_sbuf__putc(b, '\\');
			fo_sbuf__putc(b, *p);
		}
	}
	if (t.oom)
		b->oom = 1;
	fo_sbuf__dispose(&t);
}

/* An id in code style: <code>…</code> or `…` is not used in Markdown, since
 * backslash escapes do not work inside code spans. */
static void html_code(fo_sbuf *b, const char *s)
{
	fo_sbuf__puts(b, "<code>");
	put_html(b, s);
	fo_sbuf__puts(b, "</code>");
}

static const char *id_or_null(const fo_graph *g, uint32_t v)
{
	return v == FO_NONE ? NULL : fo_graph_node_id(g, v);
}

/* Root as reports show it: none for the scenario's own nodes. */
static uint32_t shown_root(const fo_engine *e, uint32_t v)
{
	uint32_t r = fo_engine_root(e, v);
	return r == v ? FO_NONE : r;
}

static const char *state_class(const fo_engine *e, uint32_t v)
{
	unsigned f = fo_engine_flags(e, v);
	if (f & FO_F_LOST)
		return "lost";
	if (f & (FO_F_FAILED | FO_F_DESTROYED))
		return "failed";
	switch (fo_engine_state(e, v)) {
	case FO_STATE_DOWN: return "down";
	case FO_STATE_DEGRADED: return "degraded";
	case FO_STATE_AT_RISK: return "at-risk";
	default: return "up";
	}
}

/* ------------------------------------------------------------ apps */

typedef struct app_key {
	const char *tenant;
	int sev;
	uint32_t v;
} app_key;

static int sev_of(fo_state s)
{
	return s == FO_STATE_DOWN ? 0 : s == FO_STATE_DEGRADED ? 1 : 2;
}

/* By tenant (untenanted last), then down, degraded, at-risk, then document
 * order: the order of `whatif`'s text. */
static int cmp_app(const void *pa, const void *pb)
{
	const app_key *a = pa, *b = pb;
	if (!a->tenant != !b->tenant)
		return a->tenant ? -1 : 1;
	int c = a->tenant ? strcmp(a->tenant, b->tenant) : 0;
	if (c)
		return c;
	if (a->sev != b->sev)
		return a->sev - b->sev;
	return (a->v > b->v) - (a->v < b->v);
}

/* The impacted apps, sorted; *out malloc'd. */
static int impacted_apps(fo_engine *e, app_key **out, size_t *n)
{
	const fo_graph *g = fo_engine_graph(e);
	const uint32_t *imp;
	size_t nimp = fo_engine_impacted(e, &imp), k = 0;
	app_key *a = malloc((nimp ? nimp : 1) * sizeof *a);
	if (!a)
		return FO_ENOMEM;
	for (size_t i = 0; i < nimp; i++)
		if (fo_graph_node_kind(g, imp[i]) == FO_KIND_APP)
			a[k++] = (app_key){ fo_graph_node_tenant(g, imp[i]),
					    sev_of(fo_engine_state(e, imp[i])), imp[i] };
	qsort(a, k, sizeof *a, cmp_app);
	*out = a;
	*n = k;
	return FO_OK;
}

/* "wechat: 2 down, 1 degraded; (no tenant): 1 at-risk" for HTML or MD. */
static void tenants_cell(fo_sbuf *b, const app_key *a, size_t n, int md)
{
	for (size_t i = 0; i < n;) {
		size_t c[3] = { 0, 0, 0 }, j = i;
		while (j < n && ((!a[j].tenant && !a[i].tenant) ||
				 (a[j].tenant && a[i].tenant && !strcmp(a[j].tenant, a[i].tenant))))
			c[a[j++].sev]++;
		if (i)
			fo_sbuf__puts(b, "; ");
		if (a[i].tenant)
			(md ? put_md : put_html)(b, a[i].tenant);
		else
			fo_sbuf__puts(b, "(no tenant)");
		fo_sbuf__puts(b, ":");
		static const char *const words[] = { "down", "degraded", "at-risk" };
		const char *sep = " ";
		for (int s = 0; s < 3; s++)
			if (c[s]) {
				fo_sbuf__printf(b, "%s%zu %s", sep, c[s], words[s]);
				sep = ", ";
			}
		i = j;
	}
	if (!n)
		fo_sbuf__puts(b, "none");
}

/* ------------------------------------------------------------ sections */

static void html_ids(fo_sbuf *b, const fo_graph *g, const uint32_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			fo_sbuf__puts(b, ", ");
		html_code(b, fo_graph_node_id(g, v[i]));
	}
}

static void md_ids(fo_sbuf *b, const fo_graph *g, const uint32_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			fo_sbuf__puts(b, ", ");
		put_md(b, fo_graph_node_id(g, v[i]));
	}
}

static void summary_line(fo_sbuf *b, const fo_summary *s)
{
	fo_sbuf__printf(b, "%zu of %zu nodes down (%zu lost), %zu degraded, %zu at-risk; apps: "
			   "%zu down (%zu lost), %zu degraded, %zu at-risk",
			s->down, s->nodes, s->lost, s->degraded, s->at_risk, s->apps_down,
			s->apps_lost, s->apps_degraded, s->apps_at_risk);
}

/* The scenario as "fail a, b; destroy c". */
static void spec(fo_sbuf *b, const fo_graph *g, const fo_scenario *sc, int md)
{
	if (sc->nfail) {
		fo_sbuf__puts(b, "fail ");
		(md ? md_ids : html_ids)(b, g, sc->fail, sc->nfail);
	}
	if (sc->ndestroy) {
		fo_sbuf__puts(b, sc->nfail ? "; destroy " : "destroy ");
		(md ? md_ids : html_ids)(b, g, sc->destroy, sc->ndestroy);
	}
}

/* Copies the SVG document into the page: from its <svg> tag on (the XML
 * prolog and DOCTYPE do not belong in HTML), with every id="x", href="#x"
 * and url(#x) prefixed by "s<N>-" so several diagrams can share a page. */
static void put_svg(fo_sbuf *b, const char *svg, size_t len, size_t n)
{
	const char *p = svg, *end = svg + len, *start = NULL;
	for (const char *q = svg; q + 4 <= end; q++)
		if (!memcmp(q, "<svg", 4)) {
			start = q;
			break;
		}
	if (!start)
		return;
	static const char *const refs[] = { "id=\"", "href=\"#", "url(#" };
	for (p = start; p < end;) {
		int hit = 0;
		for (size_t i = 0; i < sizeof refs / sizeof refs[0] && !hit; i++) {
			size_t k = strlen(refs[i]);
			if ((size_t)(end - p) >= k && !memcmp(p, refs[i], k)) {
				fo_sbuf__putn(b, p, k);
				fo_sbuf__printf(b, "s%zu-", n);
				p += k;
				hit = 1;
			}
		}
		if (!hit)
			fo_sbuf__putc(b, *p++);
	}
}

static int flush(fo_sbuf *b, FILE *fp)
{
	if (b->oom)
		return FO_ENOMEM;
	if (b->len && fwrite(b->p, 1, b->len, fp) != b->len)
		return FO_EIO;
	fo_sbuf__clear(b);
	return FO_OK;
}

/* The explanation of app v as text (fo_report_why), malloc'd. */
static int why_text(const fo_engine *e, uint32_t v, char **out, size_t *len)
{
	FILE *fp = open_memstream(out, len);
	int err;
	if (!fp)
		return FO_ENOMEM;
	err = fo_report_why(fp, e, v);
	if (fclose(fp) != 0 && err == FO_OK)
		err = FO_ENOMEM;
	return err;
}

static int html_section(fo_batchreport *r, fo_engine *e, const brow *row, const fo_scenario *sc,
			const app_key *apps, size_t napps, const fo_batchreport_diagram *d)
{
	const fo_graph *g = r->g;
	fo_sbuf *b = &r->b;
	size_t n = r->nrows;
	const uint32_t *imp;
	size_t nimp = fo_engine_impacted(e, &imp), shown = 0;
	int err;

	fo_sbuf__printf(b, "<section class=\"scenario\" id=\"s%zu\">\n<h2>%zu. ", n, n);
	put_html(b, row->name);
	fo_sbuf__puts(b, "</h2>\n<p class=\"spec\">");
	spec(b, g, sc, 0);
	fo_sbuf__puts(b, "</p>\n<p class=\"sum\">");
	summary_line(b, &row->sum);
	fo_sbuf__puts(b, "</p>\n<h3>Apps</h3>\n");
	if (!napps) {
		fo_sbuf__puts(b, "<p>No app is affected.</p>\n");
	} else {
		fo_sbuf__puts(b, "<table class=\"impact\">\n<thead><tr><th>App</th><th>Name</th>"
				 "<th>Tenant</th><th>Tier</th><th>State</th><th>Root cause</th>"
				 "<th>Cause</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < napps; i++) {
			uint32_t v = apps[i].v;
			fo_sbuf__printf(b, "<tr class=\"st-%s\"><td>", state_class(e, v));
			html_code(b, fo_graph_node_id(g, v));
			fo_sbuf__puts(b, "</td><td>");
			put_html(b, fo_graph_node_label(g, v));
			fo_sbuf__puts(b, "</td><td>");
			put_html(b, fo_graph_node_tenant(g, v));
			fo_sbuf__puts(b, "</td><td>");
			if (fo_graph_node_tier(g, v))
				fo_sbuf__printf(b, "%u", fo_graph_node_tier(g, v));
			fo_sbuf__puts(b, "</td><td>");
			fo_report__state(b, fo_engine_flags(e, v));
			fo_sbuf__puts(b, "</td><td>");
			if (shown_root(e, v) != FO_NONE)
				html_code(b, id_or_null(g, shown_root(e, v)));
			fo_sbuf__puts(b, "</td><td>");
			if (fo_engine_cause(e, v) != FO_NONE)
				html_code(b, id_or_null(g, fo_engine_cause(e, v)));
			fo_sbuf__puts(b, "</td></tr>\n");
			if ((err = flush(b, r->html)) < 0)
				return err;
		}
		fo_sbuf__puts(b, "</tbody>\n</table>\n");
	}
	if (nimp) {
		fo_sbuf__printf(b, "<details>\n<summary>All %zu impacted nodes</summary>\n"
				   "<table class=\"impact\">\n<thead><tr><th>Node</th><th>Kind</th>"
				   "<th>Tenant</th><th>State</th><th>Root cause</th><th>Cause</th>"
				   "</tr></thead>\n<tbody>\n", nimp);
		for (size_t i = 0; i < nimp && i < FO_BATCHREPORT_MAX_ROWS; i++) {
			uint32_t v = imp[i];
			fo_sbuf__printf(b, "<tr class=\"st-%s\"><td>", state_class(e, v));
			html_code(b, fo_graph_node_id(g, v));
			fo_sbuf__puts(b, "</td><td>");
			put_html(b, fo_graph_node_kind_word(g, v));
			fo_sbuf__puts(b, "</td><td>");
			put_html(b, fo_graph_node_tenant(g, v));
			fo_sbuf__puts(b, "</td><td>");
			fo_report__state(b, fo_engine_flags(e, v));
			fo_sbuf__puts(b, "</td><td>");
			if (shown_root(e, v) != FO_NONE)
				html_code(b, id_or_null(g, shown_root(e, v)));
			fo_sbuf__puts(b, "</td><td>");
			if (fo_engine_cause(e, v) != FO_NONE)
				html_code(b, id_or_null(g, fo_engine_cause(e, v)));
			fo_sbuf__puts(b, "</td></tr>\n");
			if ((err = flush(b, r->html)) < 0)
				return err;
		}
		fo_sbuf__puts(b, "</tbody>\n</table>\n");
		if (nimp > FO_BATCHREPORT_MAX_ROWS)
			fo_sbuf__printf(b, "<p class=\"note\">The first %d of %zu rows; report.json "
					   "and impacts.csv have them all.</p>\n",
					FO_BATCHREPORT_MAX_ROWS, nimp);
		fo_sbuf__puts(b, "</details>\n");
	}
	if (row->sum.apps_down) {
		fo_sbuf__puts(b, "<h3>Why the apps are down</h3>\n");
		for (size_t i = 0; i < napps; i++) {
			char *text = NULL;
			size_t len = 0;
			if (apps[i].sev != 0)
				continue;
			if (shown++ == FO_BATCHREPORT_MAX_WHY) {
				fo_sbuf__printf(b, "<p class=\"note\">Chains of the first %d apps "
						   "down; `fallout whatif --why ID` explains any "
						   "other.</p>\n", FO_BATCHREPORT_MAX_WHY);
				break;
			}
			if ((err = why_text(e, apps[i].v, &text, &len)) < 0) {
				free(text);
				return err;
			}
			fo_sbuf__puts(b, "<pre class=\"why\">");
			/* fo_report_why escaped the ids already; only HTML is left. */
			for (size_t k = 0; k < len; k++) {
				char c = text[k];
				if (c == '&')
					fo_sbuf__puts(b, "&amp;");
				else if (c == '<')
					fo_sbuf__puts(b, "&lt;");
				else if (c == '>')
					fo_sbuf__puts(b, "&gt;");
				else
					fo_sbuf__putc(b, c);
			}
			free(text);
			fo_sbuf__puts(b, "</pre>\n");
			if ((err = flush(b, r->html)) < 0)
				return err;
		}
	}
	fo_sbuf__puts(b, "<h3>Diagram</h3>\n");
	if (d && d->svg) {
		fo_sbuf__puts(b, "<figure class=\"diagram\">\n");
		put_svg(b, d->svg, d->svg_len, n);
		fo_sbuf__puts(b, "</figure>\n");
	} else {
		fo_sbuf__puts(b, "<p class=\"note\">");
		put_html(b, d && d->note ? d->note : "no diagram");
		fo_sbuf__puts(b, "</p>\n");
	}
	fo_sbuf__puts(b, "</section>\n");
	return flush(b, r->html);
}

static int md_section(fo_batchreport *r, fo_engine *e, const brow *row, const fo_scenario *sc,
		      const app_key *apps, size_t napps, const fo_batchreport_diagram *d)
{
	const fo_graph *g = r->g;
	fo_sbuf *b = &r->b;
	size_t shown = 0;
	int err;

	fo_sbuf__printf(b, "\n## %zu. ", r->nrows);
	put_md(b, row->name);
	fo_sbuf__puts(b, "\n\n");
	spec(b, g, sc, 1);
	fo_sbuf__puts(b, "\\\n");
	summary_line(b, &row->sum);
	fo_sbuf__puts(b, "\n\n");
	if (!napps) {
		fo_sbuf__puts(b, "No app is affected.\n");
	} else {
		fo_sbuf__puts(b, "| App | Name | Tenant | Tier | State | Root cause | Cause |\n"
				 "|---|---|---|---|---|---|---|\n");
		for (size_t i = 0; i < napps; i++) {
			uint32_t v = apps[i].v;
			fo_sbuf__puts(b, "| ");
			put_md(b, fo_graph_node_id(g, v));
			fo_sbuf__puts(b, " | ");
			put_md(b, fo_graph_node_label(g, v));
			fo_sbuf__puts(b, " | ");
			put_md(b, fo_graph_node_tenant(g, v));
			fo_sbuf__puts(b, " | ");
			if (fo_graph_node_tier(g, v))
				fo_sbuf__printf(b, "%u", fo_graph_node_tier(g, v));
			fo_sbuf__puts(b, " | ");
			fo_report__state(b, fo_engine_flags(e, v));
			fo_sbuf__puts(b, " | ");
			put_md(b, id_or_null(g, shown_root(e, v)));
			fo_sbuf__puts(b, " | ");
			put_md(b, id_or_null(g, fo_engine_cause(e, v)));
			fo_sbuf__puts(b, " |\n");
			if ((err = flush(b, r->md)) < 0)
				return err;
		}
	}
	if (row->sum.apps_down) {
		fo_sbuf__puts(b, "\nWhy the apps are down:\n");
		for (size_t i = 0; i < napps; i++) {
			char *text = NULL;
			size_t len = 0;
			if (apps[i].sev != 0)
				continue;
			if (shown++ == FO_BATCHREPORT_MAX_WHY) {
				fo_sbuf__printf(b, "\nChains of the first %d apps down; `fallout whatif "
						   "--why ID` explains any other.\n",
						FO_BATCHREPORT_MAX_WHY);
				break;
			}
			if ((err = why_text(e, apps[i].v, &text, &len)) < 0) {
				free(text);
				return err;
			}
			/* An indented code block: its text is literal, and each
			 * line of fo_report_why is one line (ids are escaped). */
			fo_sbuf__puts(b, "\n");
			for (size_t k = 0; k < len; k++) {
				if (k == 0 || text[k - 1] == '\n')
					fo_sbuf__puts(b, "    ");
				fo_sbuf__putc(b, text[k]);
			}
			free(text);
			if ((err = flush(b, r->md)) < 0)
				return err;
		}
	}
	fo_sbuf__puts(b, "\n");
	if (d && d->svg && d->file) {
		fo_sbuf__puts(b, "![diagram of ");
		put_md(b, row->name);
		fo_sbuf__puts(b, "](");
		/* The file name is ours ("scenario-001.svg"): no escaping needed,
		 * but keep it from breaking the link anyway. */
		for (const char *p = d->file; *p; p++)
			if (*p == '(' || *p == ')' || *p == ' ' || *p == '\\')
				fo_sbuf__printf(b, "%%%02X", (unsigned char)*p);
			else
				fo_sbuf__putc(b, *p);
		fo_sbuf__puts(b, ")\n");
	} else {
		fo_sbuf__puts(b, "No diagram: ");
		put_md(b, d && d->note ? d->note : "none");
		fo_sbuf__puts(b, "\n");
	}
	return flush(b, r->md);
}

/* ------------------------------------------------------------ API */

int fo_batchreport_new(fo_batchreport **out, const fo_graph *g, const fo_batchreport_info *info)
{
	fo_batchreport *r = NULL;
	int err = FO_OK;

	if (!out || !g || !info)
		return FO_EINVAL;
	*out = NULL;
	if (!(r = calloc(1, sizeof *r)))
		return FO_ENOMEM;
	r->g = g;
	r->info = *info;
	if (!(r->html = tmpfile()) || !(r->md = tmpfile())) {
		err = FO_EIO;
		goto done;
	}
	*out = r;
	r = NULL;
done:
	fo_batchreport_free(r);
	return err;
}

void fo_batchreport_free(fo_batchreport *r)
{
	if (!r)
		return;
	if (r->html)
		fclose(r->html);
	if (r->md)
		fclose(r->md);
	for (size_t i = 0; i < r->nrows; i++) {
		free(r->rows[i].name);
		free(r->rows[i].tenants_html);
		free(r->rows[i].tenants_md);
	}
	free(r->rows);
	fo_sbuf__dispose(&r->b);
	free(r);
}

int fo_batchreport_add(fo_batchreport *r, fo_engine *e, const char *name, const fo_scenario *sc,
		       const fo_batchreport_diagram *d)
{
	app_key *apps = NULL;
	size_t napps = 0;
	brow *row;
	fo_sbuf t = { 0 };
	int err;

	if (!r || !e || !name || !sc || fo_engine_graph(e) != r->g)
		return FO_EINVAL;
	if (r->nrows == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		brow *p = realloc(r->rows, cap * sizeof *p);
		if (!p)
			return FO_ENOMEM;
		r->rows = p;
		r->cap = cap;
	}
	row = &r->rows[r->nrows];
	memset(row, 0, sizeof *row);
	if ((err = impacted_apps(e, &apps, &napps)) < 0)
		goto done;
	fo_engine_summary(e, &row->sum);
	for (size_t i = 0; i < napps; i++)
		if (apps[i].sev == 0) {
			unsigned tier = fo_graph_node_tier(r->g, apps[i].v);
			row->tier_down[tier == 1 ? 0 : tier == 2 ? 1 : 2]++;
		}
	tenants_cell(&t, apps, napps, 0);
	row->tenants_html = fo_sbuf__take(&t);
	tenants_cell(&t, apps, napps, 1);
	row->tenants_md = fo_sbuf__take(&t);
	row->name = strdup(name);
	if (!row->name || !row->tenants_html || !row->tenants_md) {
		free(row->name);
		free(row->tenants_html);
		free(row->tenants_md);
		err = FO_ENOMEM;
		goto done;
	}
	r->nrows++;
	if ((err = html_section(r, e, row, sc, apps, napps, d)) < 0 ||
	    (err = md_section(r, e, row, sc, apps, napps, d)) < 0)
		goto done;
done:
	fo_sbuf__dispose(&t);
	free(apps);
	return err;
}

static const char css[] =
	"body{font-family:system-ui,-apple-system,\"Segoe UI\",\"Noto Sans\",\"WenQuanYi Zen Hei\","
	"sans-serif;margin:2em auto;max-width:80em;padding:0 1em;color:#212121;line-height:1.4}\n"
	"h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #cfd8dc}\n"
	"table{border-collapse:collapse;margin:.5em 0 1em}\n"
	"th,td{border:1px solid #cfd8dc;padding:.25em .6em;text-align:left;vertical-align:top}\n"
	"th{background:#eceff1}td.n{text-align:right}\n"
	"code{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:.92em}\n"
	"pre.why{background:#fafafa;border-left:3px solid #c62828;padding:.4em .8em;"
	"overflow-x:auto;white-space:pre}\n"
	".meta,.note{color:#546e7a}.sum{font-weight:600}\n"
	"tr.st-failed td{background:#ffcdd2}tr.st-down td{background:#ffebee}\n"
	"tr.st-lost td{background:#e1bee7}tr.st-degraded td{background:#fffde7}\n"
	"tr.st-at-risk td{background:#fff3e0}\n"
	"figure.diagram{margin:1em 0;overflow-x:auto}\n"
	"figure.diagram svg{max-width:100%;height:auto}\n";

static void tiers_cell(fo_sbuf *b, const brow *w)
{
	fo_sbuf__printf(b, "%zu / %zu / %zu", w->tier_down[0], w->tier_down[1], w->tier_down[2]);
}

static int copy_spool(FILE *from, FILE *to)
{
	char buf[1 << 16];
	size_t n;
	if (fflush(from) != 0 || fseek(from, 0, SEEK_SET) != 0)
		return FO_EIO;
	while ((n = fread(buf, 1, sizeof buf, from)) > 0)
		if (fwrite(buf, 1, n, to) != n)
			return FO_EIO;
	return ferror(from) ? FO_EIO : FO_OK;
}

static void html_spof(fo_sbuf *b, const fo_spofreport *s)
{
	const fo_graph *g = s->g;
	fo_sbuf__puts(b, "<section id=\"spof\">\n<h2>Single points of failure</h2>\n");
	fo_sbuf__printf(b, "<p>For each app, the nodes whose failure alone takes it down, and "
			   "those whose destruction alone loses data it needs (%zu app%s).</p>\n",
			s->napps, s->napps == 1 ? "" : "s");
	if (s->napps) {
		fo_sbuf__puts(b, "<table>\n<thead><tr><th>App</th><th>Tenant</th><th>Tier</th>"
				 "<th>Fails with</th><th>Data lost with</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < s->napps; i++) {
			uint32_t a = s->apps[i];
			const uint32_t *f, *l;
			size_t nf = fo_spof_fail_set(s->s, a, &f), nl = fo_spof_loss_set(s->s, a, &l);
			fo_sbuf__puts(b, "<tr><td>");
			html_code(b, fo_graph_node_id(g, a));
			fo_sbuf__puts(b, "</td><td>");
			put_html(b, fo_graph_node_tenant(g, a));
			fo_sbuf__puts(b, "</td><td>");
			if (fo_graph_node_tier(g, a))
				fo_sbuf__printf(b, "%u", fo_graph_node_tier(g, a));
			fo_sbuf__printf(b, "</td><td>%zu: ", nf);
			html_ids(b, g, f, nf);
			fo_sbuf__printf(b, "</td><td>%zu: ", nl);
			html_ids(b, g, l, nl);
			fo_sbuf__puts(b, "</td></tr>\n");
		}
		fo_sbuf__puts(b, "</tbody>\n</table>\n");
	}
	fo_sbuf__printf(b, "<h3>Ranking by blast radius</h3>\n<p>The %zu of %zu nodes with the "
			   "largest blast radius; weight counts apps down by tier (tier 1 = 4, "
			   "tier 2 = 2, other = 1).</p>\n", s->nrows, s->ranked);
	if (s->nrows) {
		fo_sbuf__puts(b, "<table>\n<thead><tr><th>Rank</th><th>Node</th><th>Kind</th>"
				 "<th>Weight</th><th>Apps down</th><th>Nodes down</th>"
				 "<th>Apps lost</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < s->nrows; i++) {
			const fo_spof_rank *k = s->rows[i];
			fo_sbuf__printf(b, "<tr><td class=\"n\">%zu</td><td>", i + 1);
			html_code(b, fo_graph_node_id(g, k->node));
			fo_sbuf__puts(b, "</td><td>");
			put_html(b, fo_graph_node_kind_word(g, k->node));
			fo_sbuf__printf(b, "</td><td class=\"n\">%llu</td><td class=\"n\">%u</td>"
					   "<td class=\"n\">%u</td><td class=\"n\">%u</td></tr>\n",
					(unsigned long long)k->weight, k->apps_down, k->nodes_down,
					k->apps_lost);
		}
		fo_sbuf__puts(b, "</tbody>\n</table>\n");
	}
}

static void md_spof(fo_sbuf *b, const fo_spofreport *s)
{
	const fo_graph *g = s->g;
	fo_sbuf__printf(b, "\n## Single points of failure\n\nFor each app, the nodes whose "
			   "failure alone takes it down, and those whose destruction alone loses "
			   "data it needs (%zu app%s).\n\n", s->napps, s->napps == 1 ? "" : "s");
	if (s->napps) {
		fo_sbuf__puts(b, "| App | Tenant | Tier | Fails with | Data lost with |\n"
				 "|---|---|---|---|---|\n");
		for (size_t i = 0; i < s->napps; i++) {
			uint32_t a = s->apps[i];
			const uint32_t *f, *l;
			size_t nf = fo_spof_fail_set(s->s, a, &f), nl = fo_spof_loss_set(s->s, a, &l);
			fo_sbuf__puts(b, "| ");
			put_md(b, fo_graph_node_id(g, a));
			fo_sbuf__puts(b, " | ");
			put_md(b, fo_graph_node_tenant(g, a));
			fo_sbuf__puts(b, " | ");
			if (fo_graph_node_tier(g, a))
				fo_sbuf__printf(b, "%u", fo_graph_node_tier(g, a));
			fo_sbuf__printf(b, " | %zu: ", nf);
			md_ids(b, g, f, nf);
			fo_sbuf__printf(b, " | %zu: ", nl);
			md_ids(b, g, l, nl);
			fo_sbuf__puts(b, " |\n");
		}
	}
	fo_sbuf__printf(b, "\n### Ranking by blast radius\n\nThe %zu of %zu nodes with the largest "
			   "blast radius; weight counts apps down by tier (tier 1 = 4, tier 2 = 2, "
			   "other = 1).\n\n", s->nrows, s->ranked);
	if (s->nrows) {
		fo_sbuf__puts(b, "| Rank | Node | Kind | Weight | Apps down | Nodes down | Apps lost |\n"
				 "|---:|---|---|---:|---:|---:|---:|\n");
		for (size_t i = 0; i < s->nrows; i++) {
			const fo_spof_rank *k = s->rows[i];
			fo_sbuf__printf(b, "| %zu | ", i + 1);
			put_md(b, fo_graph_node_id(g, k->node));
			fo_sbuf__puts(b, " | ");
			put_md(b, fo_graph_node_kind_word(g, k->node));
			fo_sbuf__printf(b, " | %llu | %u | %u | %u |\n", (unsigned long long)k->weight,
					k->apps_down, k->nodes_down, k->apps_lost);
		}
	}
}

/* Shared-fate groups as a table (html) or a list (md). */
static int shared_fate(fo_sbuf *b, const fo_spofreport *s, int md)
{
	const fo_graph *g = s->g;
	size_t count = 0;
	int err = FO_OK;
	fo_sbuf__puts(b, md ? "\n### Shared fate (redundancy on paper only)\n\n"
			    : "<h3>Shared fate (redundancy on paper only)</h3>\n");
	for (uint32_t gi = 0; gi < fo_graph_group_count(g); gi++) {
		uint32_t *c = NULL;
		size_t nc = 0;
		fo_group_info gr;
		if ((err = fo_spof_shared_fate(s->s, gi, &c, &nc)) < 0)
			return err;
		if (!nc)
			continue;
		fo_graph_group(g, gi, &gr);
		if (!count++ && !md)
			fo_sbuf__puts(b, "<table>\n<thead><tr><th>Owner</th><th>Group</th>"
					 "<th>Members</th><th>All fall with</th></tr></thead>\n<tbody>\n");
		if (md) {
			fo_sbuf__puts(b, "- ");
			put_md(b, fo_graph_node_id(g, gr.owner));
			fo_sbuf__printf(b, " %s %u of {", fo_spofreport_group_word(gr.type), gr.k);
			md_ids(b, g, gr.members, gr.n);
			fo_sbuf__puts(b, "}: all fall with ");
			md_ids(b, g, c, nc);
			fo_sbuf__puts(b, "\n");
		} else {
			fo_sbuf__puts(b, "<tr><td>");
			html_code(b, fo_graph_node_id(g, gr.owner));
			fo_sbuf__printf(b, "</td><td>%s %u of %u</td><td>",
					fo_spofreport_group_word(gr.type), gr.k, gr.n);
			html_ids(b, g, gr.members, gr.n);
			fo_sbuf__puts(b, "</td><td>");
			html_ids(b, g, c, nc);
			fo_sbuf__puts(b, "</td></tr>\n");
		}
		free(c);
	}
	if (!count)
		fo_sbuf__puts(b, md ? "None.\n" : "<p>None.</p>\n");
	else if (!md)
		fo_sbuf__puts(b, "</tbody>\n</table>\n");
	return err;
}

static int finish_html(fo_batchreport *r, const fo_spofreport *spof, FILE *fp)
{
	fo_sbuf *b = &r->b;
	const fo_batchreport_info *in = &r->info;
	const char *title = in->title ? in->title : "scenario report";
	int err;

	fo_sbuf__puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			 "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
			 "style-src 'unsafe-inline'; img-src data:\">\n<title>fallout: ");
	put_html(b, title);
	fo_sbuf__printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", css);
	put_html(b, title);
	fo_sbuf__puts(b, "</h1>\n<p class=\"meta\">Inventory ");
	if (in->inventory) {
		fo_sbuf__puts(b, "<b>");
		put_html(b, in->inventory);
		fo_sbuf__puts(b, "</b> ");
	}
	fo_sbuf__puts(b, "(");
	html_code(b, in->input);
	fo_sbuf__puts(b, "), scenarios ");
	html_code(b, in->scenarios_file);
	fo_sbuf__printf(b, ": %zu scenario%s. Written by fallout report.</p>\n</header>\n",
			r->nrows, r->nrows == 1 ? "" : "s");
	fo_sbuf__puts(b, "<section id=\"summary\">\n<h2>Summary</h2>\n<table>\n<thead><tr>"
			 "<th>Scenario</th><th>Apps down</th><th>Lost</th><th>Degraded</th>"
			 "<th>At risk</th><th>Down by tier (1 / 2 / other)</th><th>Nodes down</th>"
			 "<th>Tenants</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < r->nrows; i++) {
		const brow *w = &r->rows[i];
		fo_sbuf__printf(b, "<tr><td><a href=\"#s%zu\">", i + 1);
		put_html(b, w->name);
		fo_sbuf__printf(b, "</a></td><td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
				   "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">",
				w->sum.apps_down, w->sum.apps_lost, w->sum.apps_degraded,
				w->sum.apps_at_risk);
		tiers_cell(b, w);
		fo_sbuf__printf(b, "</td><td class=\"n\">%zu</td><td>%s</td></tr>\n", w->sum.down,
				w->tenants_html);
		if ((err = flush(b, fp)) < 0)
			return err;
	}
	fo_sbuf__puts(b, "</tbody>\n</table>\n</section>\n");
	if ((err = flush(b, fp)) < 0 || (err = copy_spool(r->html, fp)) < 0)
		return err;
	if (spof) {
		html_spof(b, spof);
		if ((err = shared_fate(b, spof, 0)) < 0)
			return err;
		fo_sbuf__puts(b, "</section>\n");
	} else {
		fo_sbuf__puts(b, "<section id=\"spof\">\n<h2>Single points of failure</h2>\n"
				 "<p>Not computed.</p>\n</section>\n");
	}
	fo_sbuf__puts(b, "</body>\n</html>\n");
	return flush(b, fp);
}

static int finish_md(fo_batchreport *r, const fo_spofreport *spof, FILE *fp)
{
	fo_sbuf *b = &r->b;
	const fo_batchreport_info *in = &r->info;
	int err;

	fo_sbuf__puts(b, "# ");
	put_md(b, in->title ? in->title : "scenario report");
	fo_sbuf__puts(b, "\n\nInventory ");
	if (in->inventory) {
		fo_sbuf__puts(b, "**");
		put_md(b, in->inventory);
		fo_sbuf__puts(b, "** ");
	}
	fo_sbuf__puts(b, "(");
	put_md(b, in->input);
	fo_sbuf__puts(b, "), scenarios ");
	put_md(b, in->scenarios_file);
	fo_sbuf__printf(b, ": %zu scenario%s. Written by fallout report.\n\n## Summary\n\n",
			r->nrows, r->nrows == 1 ? "" : "s");
	fo_sbuf__puts(b, "| Scenario | Apps down | Lost | Degraded | At risk | Down by tier "
			 "(1 / 2 / other) | Nodes down | Tenants |\n"
			 "|---|---:|---:|---:|---:|---:|---:|---|\n");
	for (size_t i = 0; i < r->nrows; i++) {
		const brow *w = &r->rows[i];
		fo_sbuf__puts(b, "| ");
		put_md(b, w->name);
		fo_sbuf__printf(b, " | %zu | %zu | %zu | %zu | ", w->sum.apps_down, w->sum.apps_lost,
				w->sum.apps_degraded, w->sum.apps_at_risk);
		tiers_cell(b, w);
		fo_sbuf__printf(b, " | %zu | %s |\n", w->sum.down, w->tenants_md);
		if ((err = flush(b, fp)) < 0)
			return err;
	}
	if ((err = flush(b, fp)) < 0 || (err = copy_spool(r->md, fp)) < 0)
		return err;
	if (spof) {
		md_spof(b, spof);
		if ((err = shared_fate(b, spof, 1)) < 0)
			return err;
	} else {
		fo_sbuf__puts(b, "\n## Single points of failure\n\nNot computed.\n");
	}
	return flush(b, fp);
}

int fo_batchreport_finish(fo_batchreport *r, const fo_spofreport *spof, FILE *html, FILE *md)
{
	int err = FO_OK;
	if (!r)
		return FO_EINVAL;
	if (html && (err = finish_html(r, spof, html)) < 0)
		return err;
	if (md && (err = finish_md(r, spof, md)) < 0)
		return err;
	if ((html && ferror(html)) || (md && ferror(md)))
		return FO_EIO;
	return FO_OK;
}

/* ------------------------------------------------------------ JSON */

static int put_json(FILE *fp, fo_sbuf *b)
{
	int err = b->oom ? FO_ENOMEM : FO_OK;
	if (!err && b->len && fwrite(b->p, 1, b->len, fp) != b->len)
		err = FO_EIO;
	fo_sbuf__dispose(b);
	return err;
}

int fo_batchreport_json_head(FILE *fp, const fo_batchreport_info *info)
{
	fo_sbuf b = { 0 };
	if (!fp || !info)
		return FO_EINVAL;
	fo_sbuf__puts(&b, "{\"report\": {\"title\": ");
	fo_report__json_str(&b, info->title);
	fo_sbuf__puts(&b, ", \"inventory\": ");
	fo_report__json_str(&b, info->inventory);
	fo_sbuf__puts(&b, ", \"input\": ");
	fo_report__json_str(&b, info->input);
	fo_sbuf__puts(&b, ", \"scenarios_file\": ");
	fo_report__json_str(&b, info->scenarios_file);
	fo_sbuf__puts(&b, "},\n \"runs\": [");
	return put_json(fp, &b);
}

int fo_batchreport_json_run(FILE *fp, size_t i, const char *name, const char *whatif, size_t len)
{
	fo_sbuf b = { 0 };
	if (!fp || !name || !whatif)
		return FO_EINVAL;
	while (len && whatif[len - 1] == '\n')
		len--;
	fo_sbuf__puts(&b, i ? ",\n{\"scenario\": " : "\n{\"scenario\": ");
	fo_report__json_str(&b, name);
	fo_sbuf__puts(&b, ", \"whatif\": ");
	fo_sbuf__putn(&b, whatif, len);
	fo_sbuf__puts(&b, "}");
	return put_json(fp, &b);
}

int fo_batchreport_json_tail(FILE *fp, size_t nruns, const char *spof, size_t len)
{
	fo_sbuf b = { 0 };
	if (!fp)
		return FO_EINVAL;
	fo_sbuf__puts(&b, nruns ? "\n ],\n \"spof\": " : "],\n \"spof\": ");
	if (spof) {
		while (len && spof[len - 1] == '\n')
			len--;
		fo_sbuf__putn(&b, spof, len);
	} else {
		fo_sbuf__puts(&b, "null");
	}
	fo_sbuf__puts(&b, "}\n");
	return put_json(fp, &b);
}
