/*
 * batchreport.c — index.html, report.md and report.json of a scenario batch
 * (fo_batchreport.h; docs/report.md).
 */
#include "fo_batchreport.h"

#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fo_report.h"
#include "report_int.h"
#include "../graphs/fo_error.h"

/* Items of each list of the key findings; the sections below them have
 * the rest. */
#define FINDINGS_MAX 20
/* Ids shown in one finding before "and N more". */
#define FINDING_IDS 8

/* One row of the summary table, and what the key findings need of its
 * scenario. */
typedef struct brow {
	char *name;
	fo_summary sum;
	size_t tier_down[3]; /* apps down of tier 1, tier 2, other */
	fo_appcounts apps;   /* the apps hit, partitioned */
	char *tenants_html, *tenants_md;
	uint32_t lost[FINDING_IDS]; /* the first nodes lost (sum.lost in all) */
} brow;

/* A redundant group that falls with one node (fo_spof_shared_fate). */
typedef struct fate {
	uint32_t group;
	uint32_t *causes; /* malloc'd, ascending */
	uint32_t *key;    /* malloc'd: the causes that make a key finding */
	size_t ncauses, nkey;
} fate;

struct fo_batchreport {
	const fo_graph *g;
	fo_batchreport_info info;
	FILE *html, *md; /* spooled per-scenario sections */
	brow *rows;
	size_t nrows, cap;
	fate *fates; /* of every group, computed once by finish */
	size_t nfates, fcap, nkey; /* nkey: fates with nkey > 0 */
	fo_sbuf b; /* scratch */
	const fo_riskreport_avail *avail; /* borrowed: fo_batchreport_set_availability */
	size_t navail, avail_top, avail_apps;
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

/* By tenant in natural order (t2 before t10; untenanted last), then down,
 * degraded, at-risk, then document order. A page lists every tenant hit, so
 * it keeps them in the order a reader looks them up; the key findings and
 * the summary carry the ranking. */
static int cmp_app(const void *pa, const void *pb)
{
	const app_key *a = pa, *b = pb;
	if (!a->tenant != !b->tenant)
		return a->tenant ? -1 : 1;
	int c = a->tenant ? fo_report__natcmp(a->tenant, b->tenant) : 0;
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

/* "qq: 3 down (1 needs lost data), 1 degraded and at-risk; (no tenant): 1
 * at-risk only" for HTML or MD: every tenant hit, with the classes of its
 * apps in the words of `whatif` (fo_report__nonzero): a partition, so the
 * counts of one tenant add up to its apps hit. */
static void tenants_cell(fo_sbuf *b, const fo_engine *e, const app_key *a, size_t n,
			 const fo_lostdeps *ld, int md)
{
	char text[FO_APPCOUNTS_TEXT];
	for (size_t i = 0; i < n;) {
		fo_appcounts c = { 0 };
		size_t j = i;
		for (; j < n && ((!a[j].tenant && !a[i].tenant) ||
				 (a[j].tenant && a[i].tenant && !strcmp(a[j].tenant, a[i].tenant))); j++)
			fo_report__count_app(&c, fo_engine_flags(e, a[j].v),
					     fo_report__lost_rep(ld, a[j].v) != FO_NONE);
		if (i)
			fo_sbuf__puts(b, "; ");
		if (a[i].tenant)
			(md ? put_md : put_html)(b, a[i].tenant);
		else
			fo_sbuf__puts(b, "(no tenant)");
		fo_report__nonzero(text, &c);
		fo_sbuf__printf(b, ": %s", text);
		i = j;
	}
	if (!n)
		fo_sbuf__puts(b, "none");
}

/* ------------------------------------------------------------ sections */

/* ------------------------------------------------------------ one writer, two syntaxes
 *
 * The page and report.md carry the same tables; a doc writes a piece of
 * either syntax, so each table is written once. Table cells of numbers are
 * right-aligned (class "n" in HTML, ---: in Markdown). */
typedef struct doc {
	fo_sbuf *b;
	int md;
} doc;

static void d_text(const doc *d, const char *s)
{
	(d->md ? put_md : put_html)(d->b, s);
}

/* An id: <code> in HTML; escaped text in Markdown, since backslash escapes
 * do not work inside code spans. */
static void d_code(const doc *d, const char *s)
{
	if (d->md)
		put_md(d->b, s);
	else
		html_code(d->b, s);
}

static void d_ids(const doc *d, const fo_graph *g, const uint32_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			fo_sbuf__puts(d->b, ", ");
		d_code(d, fo_graph_node_id(g, v[i]));
	}
}

/* Starts a table: heads separated by '|'; num[i] == 'n' right-aligns
 * column i (num may be shorter than the columns). */
static void d_table(const doc *d, const char *cls, const char *heads, const char *num)
{
	size_t col = 0;
	if (d->md) {
		fo_sbuf__puts(d->b, "| ");
		for (const char *p = heads; *p; p++)
			if (*p == '|')
				fo_sbuf__puts(d->b, " | ");
			else
				fo_sbuf__putc(d->b, *p);
		fo_sbuf__puts(d->b, " |\n|");
		for (const char *p = heads;; p++) {
			if (!*p || *p == '|') {
				fo_sbuf__puts(d->b, col < strlen(num) && num[col] == 'n' ? "---:|" : "---|");
				col++;
				if (!*p)
					break;
			}
		}
		fo_sbuf__putc(d->b, '\n');
		return;
	}
	fo_sbuf__puts(d->b, cls ? "<table class=\"" : "<table");
	if (cls) {
		fo_sbuf__puts(d->b, cls);
		fo_sbuf__putc(d->b, '"');
	}
	fo_sbuf__puts(d->b, ">\n<thead><tr><th>");
	for (const char *p = heads; *p; p++)
		if (*p == '|')
			fo_sbuf__puts(d->b, "</th><th>");
		else
			fo_sbuf__putc(d->b, *p);
	fo_sbuf__puts(d->b, "</th></tr></thead>\n<tbody>\n");
}

/* A row (its class, HTML only: NULL for none) and its first cell. */
static void d_row(const doc *d, const char *cls, int num)
{
	if (d->md)
		fo_sbuf__puts(d->b, "| ");
	else if (cls)
		fo_sbuf__printf(d->b, "<tr class=\"st-%s\"><td%s>", cls, num ? " class=\"n\"" : "");
	else
		fo_sbuf__printf(d->b, "<tr><td%s>", num ? " class=\"n\"" : "");
}

static void d_cell(const doc *d, int num)
{
	fo_sbuf__puts(d->b, d->md ? " | " : num ? "</td><td class=\"n\">" : "</td><td>");
}

static void d_row_end(const doc *d)
{
	fo_sbuf__puts(d->b, d->md ? " |\n" : "</td></tr>\n");
}

static void d_table_end(const doc *d)
{
	if (!d->md)
		fo_sbuf__puts(d->b, "</tbody>\n</table>\n");
}

/* A paragraph that says something instead of a table. */
static void d_note(const doc *d, const char *cls, const char *text)
{
	if (d->md) {
		fo_sbuf__puts(d->b, text);
		fo_sbuf__putc(d->b, '\n');
	} else {
		fo_sbuf__puts(d->b, cls ? "<p class=\"note\">" : "<p>");
		fo_sbuf__puts(d->b, text);
		fo_sbuf__puts(d->b, "</p>\n");
	}
}

/* The same words as `whatif`'s summary: node counts, then the apps hit as a
 * partition (docs/output-formats.md). */
static void summary_line(fo_sbuf *b, const brow *w)
{
	const fo_summary *s = &w->sum;
	fo_sbuf__printf(b, "%zu of %zu nodes down (%zu lost), %zu degraded, %zu at-risk; apps: ",
			s->down, s->nodes, s->lost, s->degraded, s->at_risk);
	char buf[FO_APPCOUNTS_TEXT];
	fo_report__partition(buf, &w->apps);
	fo_sbuf__puts(b, buf);
}

/* The scenario as "fail a, b; destroy c". */
static void spec(const doc *d, const fo_graph *g, const fo_scenario *sc)
{
	if (sc->nfail) {
		fo_sbuf__puts(d->b, "fail ");
		d_ids(d, g, sc->fail, sc->nfail);
	}
	if (sc->ndestroy) {
		fo_sbuf__puts(d->b, sc->nfail ? "; destroy " : "destroy ");
		d_ids(d, g, sc->destroy, sc->ndestroy);
	}
}

/* The first occurrence of needle[0..k) in h[0..n), or NULL (memmem is not
 * POSIX 2008). O(n k). */
static const char *find_bytes(const char *h, size_t n, const char *needle, size_t k)
{
	for (const char *e = h + n; (size_t)(e - h) >= k; h++) {
		h = memchr(h, needle[0], (size_t)(e - h) - k + 1);
		if (!h)
			return NULL;
		if (!memcmp(h, needle, k))
			return h;
	}
	return NULL;
}

/* Attributes whose value may hold a "url(#x)" reference (SVG 1.1 presentation
 * attributes, and style). Not titles and tooltips: they hold node names. */
static int url_attr(const char *name, size_t nl)
{
	static const char *const names[] = { "fill",	    "stroke",	  "clip-path",
					     "mask",	    "filter",	  "marker-start",
					     "marker-mid",  "marker-end", "style" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (nl == strlen(names[i]) && !memcmp(name, names[i], nl))
			return 1;
	return 0;
}

/* Copies one attribute value v[0..n) of attribute `name` (length nl),
 * prefixing the references in it with "s<N>-": the whole value of an id, the
 * fragment "#x" of an href or xlink:href, and every "url(#x)" in the
 * attributes of url_attr(). Any other value is copied as it is. */
static void put_svg_value(fo_sbuf *b, const char *name, size_t nl, const char *v, size_t n,
			  size_t sn)
{
	int is_href = (nl == 4 && !memcmp(name, "href", 4)) ||
		      (nl > 5 && !memcmp(name + nl - 5, ":href", 5));
	if (nl == 2 && !memcmp(name, "id", 2) && n) {
		fo_sbuf__printf(b, "s%zu-", sn);
	} else if (is_href && n && v[0] == '#') {
		fo_sbuf__printf(b, "#s%zu-", sn);
		v++;
		n--;
	} else if (url_attr(name, nl)) {
		for (const char *q; (q = find_bytes(v, n, "url(#", 5));) {
			fo_sbuf__putn(b, v, (size_t)(q - v) + 5);
			fo_sbuf__printf(b, "s%zu-", sn);
			n -= (size_t)(q - v) + 5;
			v = q + 5;
		}
	}
	fo_sbuf__putn(b, v, n);
}

/* Copies the SVG document into the page: from its <svg> tag on (the XML
 * prolog and DOCTYPE do not belong in HTML), with the references in
 * attribute values (put_svg_value) prefixed by "s<N>-" so several diagrams
 * can share a page. Only attribute values are rewritten: text content and
 * comments, which carry node names, are copied as they are (a node named
 * "url(#foo)" stays so). The SVG is Graphviz's, so well-formed: a tag ends at
 * the first '>' outside a quoted value. O(len). */
static void put_svg(fo_sbuf *b, const char *svg, size_t len, size_t n)
{
	const char *end = svg + len;
	const char *p = len >= 4 ? find_bytes(svg, len, "<svg", 4) : NULL;
	if (!p)
		return;
	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		if (!lt) {
			fo_sbuf__putn(b, p, (size_t)(end - p));
			break;
		}
		fo_sbuf__putn(b, p, (size_t)(lt - p));
		p = lt;
		if ((size_t)(end - p) >= 4 && !memcmp(p, "<!--", 4)) {
			const char *c = find_bytes(p + 4, (size_t)(end - p - 4), "-->", 3);
			const char *e = c ? c + 3 : end;
			fo_sbuf__putn(b, p, (size_t)(e - p));
			p = e;
			continue;
		}
		/* a tag: names and blanks copied, values rewritten */
		const char *name = NULL;
		size_t nl = 0;
		fo_sbuf__putc(b, *p++);
		while (p < end && *p != '>') {
			char c = *p;
			if (c == '"' || c == '\'') {
				const char *q = memchr(p + 1, c, (size_t)(end - p - 1));
				const char *ve = q ? q : end;
				fo_sbuf__putc(b, c);
				put_svg_value(b, name ? name : "", name ? nl : 0, p + 1,
					      (size_t)(ve - p - 1), n);
				if (q)
					fo_sbuf__putc(b, c);
				p = q ? q + 1 : end;
				name = NULL;
				continue;
			}
			if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '=' && c != '/') {
				const char *s0 = p;
				while (p < end && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' &&
				       *p != '=' && *p != '>' && *p != '/' && *p != '"' && *p != '\'')
					p++;
				name = s0;
				nl = (size_t)(p - s0);
				fo_sbuf__putn(b, s0, nl);
				continue;
			}
			fo_sbuf__putc(b, *p++);
		}
		if (p < end)
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
	/* glibc's fclose of a memory stream reallocs the buffer to its final
	 * size; when that fails it frees the text, sets *out to NULL and
	 * still returns 0. */
	if ((fclose(fp) != 0 || !*out) && err == FO_OK)
		err = FO_ENOMEM;
	return err;
}

/* The last cells of an impact row: state, root cause, cause; ends the row. */
/* State, root cause and cause cells, then the row's end; `lost` is the
 * Lost data cell of the apps table (FO_NONE: "-"), LOST_NO_COLUMN for a
 * table without that column. */
#define LOST_NO_COLUMN (FO_NONE - 1)
static void state_cells(const doc *d, const fo_engine *e, uint32_t v, uint32_t lost)
{
	const fo_graph *g = fo_engine_graph(e);
	d_cell(d, 0);
	fo_report__state(d->b, fo_engine_flags(e, v));
	d_cell(d, 0);
	if (shown_root(e, v) != FO_NONE)
		d_code(d, id_or_null(g, shown_root(e, v)));
	d_cell(d, 0);
	if (fo_engine_cause(e, v) != FO_NONE)
		d_code(d, id_or_null(g, fo_engine_cause(e, v)));
	if (lost != LOST_NO_COLUMN) {
		d_cell(d, 0);
		if (lost != FO_NONE)
			d_code(d, fo_graph_node_id(g, lost));
	}
	d_row_end(d);
}

/* The apps that are not up: one row each. */
/* The apps that are not up: one row each; "Lost data" names the lost node
 * an app needs (as `whatif` does), so that a reader never takes an app
 * whose data is gone for one that comes back with its servers. */
static int apps_table(const doc *d, FILE *spool, fo_engine *e, const app_key *apps, size_t napps,
		      const fo_lostdeps *ld)
{
	const fo_graph *g = fo_engine_graph(e);
	int err;
	d_table(d, "impact", "App|Name|Tenant|Tier|State|Root cause|Cause|Lost data", "");
	for (size_t i = 0; i < napps; i++) {
		uint32_t v = apps[i].v, lost = fo_report__lost_rep(ld, v);
		d_row(d, state_class(e, v), 0);
		d_code(d, fo_graph_node_id(g, v));
		d_cell(d, 0);
		d_text(d, fo_graph_node_label(g, v));
		d_cell(d, 0);
		d_text(d, fo_graph_node_tenant(g, v));
		d_cell(d, 0);
		if (fo_graph_node_tier(g, v))
			fo_sbuf__printf(d->b, "%u", fo_graph_node_tier(g, v));
		state_cells(d, e, v, lost);
		if ((err = flush(d->b, spool)) < 0)
			return err;
	}
	d_table_end(d);
	return FO_OK;
}

/* Every impacted node, the first FO_BATCHREPORT_MAX_ROWS of them (folded
 * away in HTML). */
static int nodes_table(const doc *d, FILE *spool, fo_engine *e)
{
	const fo_graph *g = fo_engine_graph(e);
	const uint32_t *imp;
	size_t nimp = fo_engine_impacted(e, &imp);
	int err;
	if (!nimp)
		return FO_OK;
	if (d->md)
		fo_sbuf__printf(d->b, "\nAll %zu impacted nodes:\n\n", nimp);
	else
		fo_sbuf__printf(d->b, "<details>\n<summary>All %zu impacted nodes</summary>\n", nimp);
	d_table(d, "impact", "Node|Kind|Tenant|State|Root cause|Cause", "");
	for (size_t i = 0; i < nimp && i < FO_BATCHREPORT_MAX_ROWS; i++) {
		uint32_t v = imp[i];
		d_row(d, state_class(e, v), 0);
		d_code(d, fo_graph_node_id(g, v));
		d_cell(d, 0);
		d_text(d, fo_graph_node_kind_word(g, v));
		d_cell(d, 0);
		d_text(d, fo_graph_node_tenant(g, v));
		state_cells(d, e, v, LOST_NO_COLUMN);
		if ((err = flush(d->b, spool)) < 0)
			return err;
	}
	d_table_end(d);
	if (nimp > FO_BATCHREPORT_MAX_ROWS) {
		if (!d->md)
			fo_sbuf__puts(d->b, "<p class=\"note\">");
		else
			fo_sbuf__putc(d->b, '\n');
		fo_sbuf__printf(d->b, "The first %d of %zu rows; report.json and impacts.csv have "
				      "them all.", FO_BATCHREPORT_MAX_ROWS, nimp);
		fo_sbuf__puts(d->b, d->md ? "\n" : "</p>\n");
	}
	if (!d->md)
		fo_sbuf__puts(d->b, "</details>\n");
	return FO_OK;
}

/* The cause chain of each app down (fo_report_why): <pre> in HTML, an
 * indented code block (literal text) in Markdown. */
static int why_chains(const doc *d, FILE *spool, fo_engine *e, const app_key *apps,
		      size_t napps)
{
	size_t shown = 0;
	int err;
	fo_sbuf__puts(d->b, d->md ? "\nWhy the apps are down:\n" : "<h3>Why the apps are down</h3>\n");
	for (size_t i = 0; i < napps; i++) {
		char *text = NULL;
		size_t len = 0;
		if (apps[i].sev != 0)
			continue;
		if (shown++ == FO_BATCHREPORT_MAX_WHY) {
			fo_sbuf__printf(d->b, d->md ? "\nChains of the first %d apps down; `fallout "
						      "whatif --why ID` explains any other.\n"
						    : "<p class=\"note\">Chains of the first %d apps "
						      "down; <code>fallout whatif --why ID</code> "
						      "explains any other.</p>\n",
					FO_BATCHREPORT_MAX_WHY);
			break;
		}
		if ((err = why_text(e, apps[i].v, &text, &len)) < 0) {
			free(text);
			return err;
		}
		fo_sbuf__puts(d->b, d->md ? "\n" : "<pre class=\"why\">");
		/* fo_report_why escaped the ids already: one line per step. */
		for (size_t k = 0; k < len; k++) {
			char c = text[k];
			if (d->md && (k == 0 || text[k - 1] == '\n'))
				fo_sbuf__puts(d->b, "    ");
			if (!d->md && c == '&')
				fo_sbuf__puts(d->b, "&amp;");
			else if (!d->md && c == '<')
				fo_sbuf__puts(d->b, "&lt;");
			else if (!d->md && c == '>')
				fo_sbuf__puts(d->b, "&gt;");
			else
				fo_sbuf__putc(d->b, c);
		}
		free(text);
		if (!d->md)
			fo_sbuf__puts(d->b, "</pre>\n");
		if ((err = flush(d->b, spool)) < 0)
			return err;
	}
	return FO_OK;
}

/* The file name as a URL path: ours ("scenario-001.svg") needs no escaping,
 * but a character that would end or break the reference is encoded
 * anyway. */
static void put_file_url(fo_sbuf *b, const char *file)
{
	for (const char *p = file; *p; p++)
		if (*p == '(' || *p == ')' || *p == ' ' || *p == '\\' || *p == '"' || *p == '\'' ||
		    *p == '<' || *p == '>' || *p == '&' || *p == '#' || *p == '?' || *p == '%' ||
		    (unsigned char)*p < 0x20)
			fo_sbuf__printf(b, "%%%02X", (unsigned char)*p);
		else
			fo_sbuf__putc(b, *p);
}

/* The natural width of a Graphviz SVG in CSS pixels, from the width
 * attribute of its <svg> tag ("3107pt"; 1 pt = 4/3 px); 0 when it has
 * none in points or pixels. O(length of the tag). */
static double svg_width_px(const char *svg, size_t len)
{
	const char *p = len >= 4 ? find_bytes(svg, len, "<svg", 4) : NULL;
	if (!p)
		return 0;
	const char *end = memchr(p, '>', len - (size_t)(p - svg));
	size_t n = end ? (size_t)(end - p) : 0;
	const char *w = n > 7 ? find_bytes(p, n, " width=\"", 8) : NULL;
	if (!w)
		w = n > 7 ? find_bytes(p, n, "\nwidth=\"", 8) : NULL;
	if (!w)
		return 0;
	double v = 0, scale = 1;
	int digits = 0;
	for (w += 8; w < end && ((*w >= '0' && *w <= '9') || *w == '.'); w++) {
		if (*w == '.') {
			if (scale < 1)
				return 0;
			scale = 0.1;
		} else if (scale < 1) {
			v += (*w - '0') * scale;
			scale /= 10;
			digits++;
		} else {
			v = v * 10 + (*w - '0');
			digits++;
		}
	}
	if (!digits || v <= 0 || v > 1e7)
		return 0;
	if (end - w >= 3 && !memcmp(w, "pt\"", 3))
		return v * 4 / 3;
	if (end - w >= 3 && !memcmp(w, "px\"", 3))
		return v;
	if (end - w >= 1 && *w == '"')
		return v;
	return 0;
}

/* The id of the Graphviz group (<g id="nodeK" class="node">) that draws
 * node v, whose DOT name is "n<v>" (reports/render.c), into out; 0 when
 * the diagram does not draw it. O(len). */
static int svg_node_gid(const char *svg, size_t len, uint32_t v, char *out, size_t size)
{
	char title[48];
	int tl = snprintf(title, sizeof title, "<title>n%u</title>", (unsigned)v);
	const char *t = find_bytes(svg, len, title, (size_t)tl), *cls = "class=\"node\"";
	if (!t) {
		/* A container is drawn as a cluster, "cluster_n<v>". */
		tl = snprintf(title, sizeof title, "<title>cluster_n%u</title>", (unsigned)v);
		t = find_bytes(svg, len, title, (size_t)tl);
		cls = "class=\"cluster\"";
	}
	if (!t)
		return 0;
	/* The group's tag is the nearest "<g id=" before the title. */
	for (const char *p = t; p - svg >= 7; p--)
		if (!memcmp(p - 7, "<g id=\"", 7)) {
			const char *q = memchr(p, '"', (size_t)(t - p));
			size_t n = q ? (size_t)(q - p) : 0;
			if (!n || n >= size || !find_bytes(q, (size_t)(t - q), cls, strlen(cls)))
				return 0;
			memcpy(out, p, n);
			out[n] = '\0';
			return 1;
		}
	return 0;
}

/* The zoom levels of a diagram's frame; "fit" shrinks it to the frame's
 * width, the others scale its natural size (CSS in css[]). */
static const char *const zooms[][2] = {
	{ "fit", "Fit" }, { "50", "50&#8201;%" }, { "100", "100&#8201;%" }, { "200", "200&#8201;%" }
};

/* The diagram: in HTML, a frame that shows the inline SVG at its natural
 * size (scrolling, never shrinking its labels), zoom buttons that need no
 * script (radio buttons and CSS) and a link to the standalone file; in
 * Markdown, a link to the file. Or why there is none. */
static void diagram(const doc *d, const fo_graph *g, const brow *row, size_t n,
		    const fo_scenario *sc, const fo_batchreport_diagram *dg)
{
	if (d->md) {
		fo_sbuf__puts(d->b, "\n");
		if (dg && dg->svg && dg->file) {
			fo_sbuf__puts(d->b, "![diagram of ");
			put_md(d->b, row->name);
			fo_sbuf__puts(d->b, "](");
			put_file_url(d->b, dg->file);
			fo_sbuf__puts(d->b, ")\n");
		} else {
			fo_sbuf__puts(d->b, "No diagram: ");
			put_md(d->b, dg && dg->note ? dg->note : "none");
			fo_sbuf__puts(d->b, "\n");
		}
		return;
	}
	fo_sbuf__puts(d->b, "<h3>Diagram</h3>\n");
	if (!dg || !dg->svg) {
		fo_sbuf__puts(d->b, "<p class=\"note\">");
		put_html(d->b, dg && dg->note ? dg->note : "no diagram");
		fo_sbuf__puts(d->b, "</p>\n");
		return;
	}
	double w = svg_width_px(dg->svg, dg->svg_len);
	fo_sbuf__printf(d->b, "<figure class=\"diagram\" id=\"d%zu\">\n", n);
	/* The radio buttons come first: the CSS reaches the frame and the
	 * labels from the checked one with the sibling combinator. */
	for (size_t z = 0; z < sizeof zooms / sizeof zooms[0]; z++)
		fo_sbuf__printf(d->b, "<input type=\"radio\" name=\"z%zu\" id=\"d%zu-%s\" class=\"z-%s\"%s>",
				n, n, zooms[z][0], zooms[z][0],
				strcmp(zooms[z][0], "100") ? "" : " checked");
	fo_sbuf__puts(d->b, "\n<div class=\"dbar\"><span>Zoom</span>");
	for (size_t z = 0; z < sizeof zooms / sizeof zooms[0]; z++)
		fo_sbuf__printf(d->b, "<label for=\"d%zu-%s\" class=\"l-%s\">%s</label>", n,
				zooms[z][0], zooms[z][0], zooms[z][1]);
	/* Links that scroll the frame to the scenario's own nodes: a large
	 * diagram at natural size shows only a corner of itself. */
	for (size_t k = 0, shown = 0; k < sc->nfail + sc->ndestroy && shown < 3; k++) {
		uint32_t v = k < sc->nfail ? sc->fail[k] : sc->destroy[k - sc->nfail];
		char gid[32];
		if (!svg_node_gid(dg->svg, dg->svg_len, v, gid, sizeof gid))
			continue;
		fo_sbuf__puts(d->b, shown++ ? " " : "<span class=\"goto\">Go to</span>");
		fo_sbuf__printf(d->b, "<a class=\"goto\" href=\"#s%zu-", n);
		put_html(d->b, gid);
		fo_sbuf__puts(d->b, "\">");
		html_code(d->b, fo_graph_node_id(g, v));
		fo_sbuf__puts(d->b, "</a>");
	}
	if (dg->file) {
		fo_sbuf__puts(d->b, "<a class=\"svglink\" href=\"");
		put_file_url(d->b, dg->file);
		fo_sbuf__puts(d->b, "\">");
		put_html(d->b, dg->file);
		fo_sbuf__puts(d->b, "</a>");
	}
	fo_sbuf__puts(d->b, "</div>\n<div class=\"frame\"");
	if (w > 0)
		fo_sbuf__printf(d->b, " style=\"--w:%.0fpx\"", w);
	fo_sbuf__puts(d->b, ">\n");
	put_svg(d->b, dg->svg, dg->svg_len, n);
	fo_sbuf__puts(d->b, "</div>\n</figure>\n");
}

/* One scenario's section, in d's syntax, onto its spool. */
static int section(fo_batchreport *r, int md, fo_engine *e, const brow *row,
		   const fo_scenario *sc, const app_key *apps, size_t napps,
		   const fo_lostdeps *ld, const fo_batchreport_diagram *dg)
{
	doc d = { &r->b, md };
	FILE *spool = md ? r->md : r->html;
	size_t n = r->nrows;
	int err;

	if (md)
		fo_sbuf__printf(d.b, "\n## %zu. ", n);
	else
		fo_sbuf__printf(d.b, "<section class=\"scenario\" id=\"s%zu\">\n<h2>%zu. ", n, n);
	d_text(&d, row->name);
	fo_sbuf__puts(d.b, md ? "\n\n" : "</h2>\n<p class=\"spec\">");
	spec(&d, r->g, sc);
	fo_sbuf__puts(d.b, md ? "\\\n" : "</p>\n<p class=\"sum\">");
	summary_line(d.b, row);
	fo_sbuf__puts(d.b, md ? "\n\n" : "</p>\n<h3>Apps</h3>\n");
	if (!napps)
		d_note(&d, NULL, "No app is affected.");
	else if ((err = apps_table(&d, spool, e, apps, napps, ld)) < 0)
		return err;
	if ((err = nodes_table(&d, spool, e)) < 0)
		return err;
	if (row->sum.apps_down && (err = why_chains(&d, spool, e, apps, napps)) < 0)
		return err;
	diagram(&d, r->g, row, n, sc, dg);
	if (!md)
		fo_sbuf__puts(d.b, "</section>\n");
	return flush(d.b, spool);
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
		/* tmpfile() fails for want of memory (its FILE) as well as of
		 * a file: only the latter is an I/O error. */
		err = errno == ENOMEM ? FO_ENOMEM : FO_EIO;
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
	for (size_t i = 0; i < r->nfates; i++) {
		free(r->fates[i].causes);
		free(r->fates[i].key);
	}
	free(r->fates);
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
	fo_lostdeps ld = { 0 };
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
	{
		const uint32_t *imp;
		size_t nimp = fo_engine_impacted(e, &imp);
		if ((err = fo_report__lostdeps(&ld, e, imp, nimp)) < 0)
			goto done;
	}
	for (size_t i = 0; i < napps; i++) {
		fo_report__count_app(&row->apps, fo_engine_flags(e, apps[i].v),
				     fo_report__lost_rep(&ld, apps[i].v) != FO_NONE);
		if (apps[i].sev == 0) {
			unsigned tier = fo_graph_node_tier(r->g, apps[i].v);
			row->tier_down[tier == 1 ? 0 : tier == 2 ? 1 : 2]++;
		}
	}
	if (row->sum.lost) {
		const uint32_t *imp;
		size_t nimp = fo_engine_impacted(e, &imp), k = 0;
		for (size_t i = 0; i < nimp && k < FINDING_IDS; i++)
			if (fo_engine_flags(e, imp[i]) & FO_F_LOST)
				row->lost[k++] = imp[i];
	}
	tenants_cell(&t, e, apps, napps, &ld, 0);
	row->tenants_html = fo_sbuf__take(&t);
	tenants_cell(&t, e, apps, napps, &ld, 1);
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
	if ((err = section(r, 0, e, row, sc, apps, napps, &ld, d)) < 0 ||
	    (err = section(r, 1, e, row, sc, apps, napps, &ld, d)) < 0)
		goto done;
done:
	fo_report__lostdeps_dispose(&ld);
	fo_sbuf__dispose(&t);
	free(apps);
	return err;
}

static const char css[] =
	"body{font-family:system-ui,-apple-system,\"Segoe UI\",\"Noto Sans\",\"WenQuanYi Zen Hei\","
	"sans-serif;margin:2em auto;max-width:80em;padding:0 1em;color:#212121;line-height:1.4}\n"
	"h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #cfd8dc}\n"
	"header p{margin:.3em 0}\n"
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
	":target{scroll-margin-top:1em}tr:target td{outline:2px solid #1565c0}\n"
	"#findings{background:#fff8e1;border:1px solid #ffe082;border-radius:4px;"
	"padding:0 1.2em .8em;margin-top:1.5em}\n"
	"#findings h2{margin-top:.6em;border:0}#findings h3{font-size:1.05em;margin:.9em 0 .2em}\n"
	"#findings p,#findings ul{margin:.2em 0}#findings li{margin:.15em 0}\n"
	/* A diagram is shown at its natural size in a frame that scrolls; the
	 * radio buttons (visually hidden, still reachable by keyboard) choose
	 * the zoom; --w is the natural width, set on the frame. */
	"figure.diagram{margin:1em 0;position:relative}\n"
	"figure.diagram>input{position:absolute;opacity:0;width:1px;height:1px;margin:0}\n"
	".dbar{display:flex;flex-wrap:wrap;gap:.3em;align-items:center;margin:0 0 .3em;"
	"font-size:.9em}\n"
	".dbar span{color:#546e7a;margin-right:.2em}\n"
	".dbar label{border:1px solid #b0bec5;border-radius:3px;padding:0 .6em;cursor:pointer;"
	"background:#fff;user-select:none}\n"
	".dbar label:hover{background:#eceff1}.dbar .svglink{margin-left:auto}\n"
	".dbar span.goto{margin-left:1em}\n"
	".frame g:target{scroll-margin:30vh 40vw}\n"
	".frame g:target>g>a>:is(polygon,ellipse,path){stroke:#1565c0;stroke-width:4}\n"
	".z-fit:checked~.dbar .l-fit,.z-50:checked~.dbar .l-50,.z-100:checked~.dbar .l-100,"
	".z-200:checked~.dbar .l-200{background:#37474f;border-color:#37474f;color:#fff}\n"
	".z-fit:focus-visible~.dbar .l-fit,.z-50:focus-visible~.dbar .l-50,"
	".z-100:focus-visible~.dbar .l-100,.z-200:focus-visible~.dbar .l-200"
	"{outline:2px solid #1565c0;outline-offset:1px}\n"
	".frame{overflow:auto;max-height:85vh;border:1px solid #cfd8dc;background:#fff}\n"
	".frame svg{display:block;max-width:none}\n"
	".z-fit:checked~.frame svg{width:auto;height:auto;max-width:100%;"
	"max-height:calc(85vh - 2px)}\n"
	".z-50:checked~.frame svg{width:calc(var(--w) * .5);height:auto}\n"
	".z-200:checked~.frame svg{width:calc(var(--w) * 2);height:auto}\n"
	/* Paper: every folded table unfolded, each diagram whole on a page
	 * (shrunk to fit it), no buttons; the state colours printed. */
	"@media print{\n"
	"body{margin:0;max-width:none;padding:0}\n"
	"details::details-content{content-visibility:visible;display:block;height:auto}\n"
	"details>summary{list-style:none;font-weight:600}\n"
	"details>summary::-webkit-details-marker{display:none}\n"
	".dbar label,.dbar span,.dbar a.goto{display:none}\n"
	".frame{overflow:visible;max-height:none;border:0}\n"
	".frame svg{width:auto!important;height:auto!important;max-width:100%!important;"
	"max-height:95vh!important}\n"
	"figure.diagram,tr,pre.why{break-inside:avoid}h2,h3{break-after:avoid}\n"
	"a{color:inherit;text-decoration:none}\n"
	"*{print-color-adjust:exact;-webkit-print-color-adjust:exact}\n"
	"}\n";

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

/* A row whose first cell is the target of a finding's link: id
 * "PREFIX-K" in HTML (rows have no anchors in Markdown). */
static void d_row_anchor(const doc *d, const char *prefix, size_t k)
{
	if (d->md)
		fo_sbuf__puts(d->b, "| ");
	else
		fo_sbuf__printf(d->b, "<tr id=\"%s-%zu\"><td>", prefix, k);
}

/* "a, b, c and 5 more": the first FINDING_IDS of the n ids in v, of
 * `total` in all. */
static void finding_ids(const doc *d, const fo_graph *g, const uint32_t *v, size_t n,
			size_t total)
{
	size_t shown = n < FINDING_IDS ? n : FINDING_IDS;
	d_ids(d, g, v, shown);
	if (total > shown)
		fo_sbuf__printf(d->b, " and %zu more", total - shown);
}

/* A list item of the findings, linked to `href` (HTML) when given; the
 * text follows. */
static void finding_item(const doc *d, const char *href, size_t k)
{
	if (d->md)
		fo_sbuf__puts(d->b, "- ");
	else if (href)
		fo_sbuf__printf(d->b, "<li><a href=\"#%s%zu\">", href, k);
	else
		fo_sbuf__puts(d->b, "<li>");
}

static void finding_link_end(const doc *d)
{
	if (!d->md)
		fo_sbuf__puts(d->b, "</a>");
}

static void finding_item_end(const doc *d)
{
	fo_sbuf__puts(d->b, d->md ? "\n" : "</li>\n");
}

static void findings_head(const doc *d, const char *title)
{
	fo_sbuf__puts(d->b, d->md ? "\n### " : "<h3>");
	fo_sbuf__puts(d->b, title);
	fo_sbuf__puts(d->b, d->md ? "\n\n" : "</h3>\n");
}

static void list_start(const doc *d)
{
	if (!d->md)
		fo_sbuf__puts(d->b, "<ul>\n");
}

/* Ends a list of `shown` items of `total`, saying where the rest are. */
static void list_end(const doc *d, size_t shown, size_t total, const char *rest)
{
	if (total > shown) {
		if (!d->md)
			fo_sbuf__puts(d->b, "<li class=\"note\">");
		else
			fo_sbuf__puts(d->b, "- ");
		fo_sbuf__printf(d->b, "and %zu more: %s", total - shown, rest);
		finding_item_end(d);
	}
	if (!d->md)
		fo_sbuf__puts(d->b, "</ul>\n");
}

/* The group "OWNER requires 1 of {a, b}", OWNER the end of the link. */
static void group_text(const doc *d, const fo_graph *g, uint32_t gi)
{
	fo_group_info gr;
	fo_graph_group(g, gi, &gr);
	d_code(d, fo_graph_node_id(g, gr.owner));
	finding_link_end(d);
	fo_sbuf__printf(d->b, " %s %u of {", fo_spofreport_group_word(gr.type), gr.k);
	finding_ids(d, g, gr.members, gr.n, gr.n);
	fo_sbuf__puts(d->b, "}");
}

/* "3 of 5 tier-1 apps go down when one node fails, or lose data when one
 * is destroyed". */
static void tier1_line(fo_sbuf *b, size_t hit, size_t tier1)
{
	fo_sbuf__printf(b, "%zu of %zu tier-1 app%s %s down when one node fails, or %s data when "
			   "one is destroyed",
			hit, tier1, tier1 == 1 ? "" : "s", hit == 1 ? "goes" : "go",
			hit == 1 ? "loses" : "lose");
}

/* More tier-1 apps with single points of failure than a list can show
 * (hit of them): the FINDINGS_TOP nodes whose failure alone takes down the
 * most, by that count (descending), then document order. Each links to the
 * per-app table. O(nodes + their fail sets' sizes). */
#define FINDINGS_TOP 10
static int tier1_top_nodes(const doc *d, const fo_graph *g, const fo_spofreport *s, size_t hit,
			   size_t tier1)
{
	uint32_t n = fo_graph_node_count(g), top[FINDINGS_TOP];
	uint32_t *cnt = calloc(n ? n : 1, sizeof *cnt);
	size_t ntop = 0;
	if (!cnt)
		return FO_ENOMEM;
	for (size_t i = 0; i < s->napps; i++) {
		const uint32_t *f;
		size_t nf;
		if (fo_graph_node_tier(g, s->apps[i]) != 1)
			continue;
		nf = fo_spof_fail_set(s->s, s->apps[i], &f);
		for (size_t k = 0; k < nf; k++)
			cnt[f[k]]++;
	}
	/* Insertion into the top list: nodes come in document order, so a
	 * tie keeps the earlier node. */
	for (uint32_t v = 0; v < n; v++) {
		size_t j = ntop;
		if (!cnt[v] || (ntop == FINDINGS_TOP && cnt[top[ntop - 1]] >= cnt[v]))
			continue;
		if (ntop < FINDINGS_TOP)
			ntop++;
		for (j = ntop - 1; j > 0 && cnt[top[j - 1]] < cnt[v]; j--)
			top[j] = top[j - 1];
		top[j] = v;
	}
	if (!d->md)
		fo_sbuf__puts(d->b, "<p>");
	tier1_line(d->b, hit, tier1);
	fo_sbuf__puts(d->b, ". The nodes whose failure alone takes down the most of them:");
	fo_sbuf__puts(d->b, d->md ? "\n\n" : "</p>\n");
	list_start(d);
	for (size_t i = 0; i < ntop; i++) {
		if (d->md)
			fo_sbuf__puts(d->b, "- ");
		else
			fo_sbuf__puts(d->b, "<li><a href=\"#spof\">");
		d_code(d, fo_graph_node_id(g, top[i]));
		finding_link_end(d);
		fo_sbuf__puts(d->b, " (");
		d_text(d, fo_graph_node_kind_word(g, top[i]));
		fo_sbuf__printf(d->b, "): %u tier-1 app%s", cnt[top[i]], cnt[top[i]] == 1 ? "" : "s");
		finding_item_end(d);
	}
	list_end(d, 0, 0, "");
	free(cnt);
	return FO_OK;
}

/* Key findings, first on the page: the single points of failure of tier-1
 * apps, the redundancy that is on paper only, the data lost by each
 * scenario; each item links to its detail below (HTML). At most
 * FINDINGS_MAX items per list. O(apps + fates + scenarios + ids shown). */
static int findings(const fo_batchreport *r, const doc *d, const fo_spofreport *s)
{
	const fo_graph *g = r->g;
	size_t tier1 = 0, hit = 0, shown = 0;

	fo_sbuf__puts(d->b, d->md ? "\n## Key findings\n" : "<section id=\"findings\">\n"
							  "<h2>Key findings</h2>\n");
	findings_head(d, "Single points of failure of tier-1 apps");
	if (!s) {
		d_note(d, NULL, "Not computed.");
	} else {
		for (size_t i = 0; i < s->napps; i++) {
			const uint32_t *f, *l;
			if (fo_graph_node_tier(g, s->apps[i]) != 1)
				continue;
			tier1++;
			hit += fo_spof_fail_set(s->s, s->apps[i], &f) ||
			       fo_spof_loss_set(s->s, s->apps[i], &l);
		}
		if (!tier1) {
			d_note(d, NULL, "No app is of tier 1.");
		} else if (!hit) {
			fo_sbuf__printf(d->b, d->md ? "None: %s %zu tier-1 app%s survives the loss "
						      "of any one node.\n"
						    : "<p>None: %s %zu tier-1 app%s survives the "
						      "loss of any one node.</p>\n",
					tier1 == 1 ? "the" : "each of the", tier1,
					tier1 == 1 ? "" : "s");
		} else if (hit > FINDINGS_TOP) {
			int err = tier1_top_nodes(d, g, s, hit, tier1);
			if (err < 0)
				return err;
		} else {
			if (!d->md)
				fo_sbuf__puts(d->b, "<p>");
			tier1_line(d->b, hit, tier1);
			fo_sbuf__puts(d->b, d->md ? ":\n\n" : ":</p>\n");
			list_start(d);
			for (size_t i = 0; i < s->napps && shown < FINDINGS_MAX; i++) {
				uint32_t a = s->apps[i];
				const uint32_t *f, *l;
				size_t nf = fo_spof_fail_set(s->s, a, &f);
				size_t nl = fo_spof_loss_set(s->s, a, &l);
				if (fo_graph_node_tier(g, a) != 1 || (!nf && !nl))
					continue;
				shown++;
				finding_item(d, "spof-", i + 1);
				d_code(d, fo_graph_node_id(g, a));
				finding_link_end(d);
				if (fo_graph_node_tenant(g, a)) {
					fo_sbuf__puts(d->b, " (");
					d_text(d, fo_graph_node_tenant(g, a));
					fo_sbuf__puts(d->b, ")");
				}
				if (nf) {
					fo_sbuf__printf(d->b, ": fails with %zu: ", nf);
					finding_ids(d, g, f, nf, nf);
				}
				if (nl) {
					fo_sbuf__printf(d->b, "%s data lost with %zu: ", nf ? ";" : ":", nl);
					finding_ids(d, g, l, nl, nl);
				}
				finding_item_end(d);
			}
			list_end(d, shown, hit, "see Single points of failure");
		}
	}

	findings_head(d, "Shared fate: redundancy on paper only");
	if (!s) {
		d_note(d, NULL, "Not computed.");
	} else if (!r->nkey) {
		d_note(d, NULL, r->nfates ? "None: no redundant group falls with one node, other "
					    "than a region or a container of its owner."
					  : "None: no redundant group falls with one node.");
	} else {
		list_start(d);
		shown = 0;
		for (size_t i = 0; i < r->nfates && shown < FINDINGS_MAX; i++) {
			const fate *t = &r->fates[i];
			if (!t->nkey)
				continue;
			shown++;
			finding_item(d, "fate-", i + 1);
			group_text(d, g, t->group);
			fo_sbuf__puts(d->b, ": all fall with ");
			finding_ids(d, g, t->key, t->nkey, t->nkey);
			finding_item_end(d);
		}
		list_end(d, shown, r->nkey, "see Shared fate");
	}

	findings_head(d, "Data lost");
	shown = hit = 0;
	for (size_t i = 0; i < r->nrows; i++)
		hit += r->rows[i].sum.lost > 0;
	if (!hit) {
		d_note(d, NULL, r->nrows ? "No scenario loses data." : "No scenario was run.");
	} else {
		list_start(d);
		for (size_t i = 0; i < r->nrows && shown < FINDINGS_MAX; i++) {
			const brow *w = &r->rows[i];
			if (!w->sum.lost)
				continue;
			shown++;
			finding_item(d, "s", i + 1);
			d_text(d, w->name);
			finding_link_end(d);
			fo_sbuf__printf(d->b, ": %zu node%s lost: ", w->sum.lost,
					w->sum.lost == 1 ? "" : "s");
			finding_ids(d, g, w->lost, w->sum.lost < FINDING_IDS ? w->sum.lost : FINDING_IDS,
				    w->sum.lost);
			fo_sbuf__printf(d->b, "; %zu app%s down", w->sum.apps_down,
					w->sum.apps_down == 1 ? "" : "s");
			finding_item_end(d);
		}
		list_end(d, shown, hit, "see the summary");
	}
	if (!d->md)
		fo_sbuf__puts(d->b, "</section>\n");
	return FO_OK;
}

/* True when c contains v (transitively). O(containment depth). */
static int contains(const fo_graph *g, uint32_t c, uint32_t v)
{
	for (v = fo_graph_node_container(g, v); v != FO_NONE; v = fo_graph_node_container(g, v))
		if (v == c)
			return 1;
	return 0;
}

/* The shared fate of every group, once for both documents. The causes
 * that make a key finding come first (nkey of them): not a region (a
 * geography, not a failure domain: `fallout check` leaves them out too),
 * not a container of the group's owner (which falls with it anyway: the
 * group's redundancy does not matter then). */
static int compute_fates(fo_batchreport *r, const fo_spofreport *s)
{
	uint32_t ng = fo_graph_group_count(r->g);
	int err;
	if (r->nfates || !s)
		return FO_OK;
	for (uint32_t gi = 0; gi < ng; gi++) {
		uint32_t *c = NULL;
		size_t nc = 0;
		if ((err = fo_spof_shared_fate(s->s, gi, &c, &nc)) < 0)
			return err;
		if (!nc) {
			free(c);
			continue;
		}
		if (r->nfates == r->fcap) {
			size_t cap = r->fcap ? 2 * r->fcap : 8;
			fate *p = realloc(r->fates, cap * sizeof *p);
			if (!p) {
				free(c);
				return FO_ENOMEM;
			}
			r->fates = p;
			r->fcap = cap;
		}
		fo_group_info gr;
		uint32_t *key = malloc(nc * sizeof *key);
		size_t k = 0;
		if (!key) {
			free(c);
			return FO_ENOMEM;
		}
		fo_graph_group(r->g, gi, &gr);
		for (size_t i = 0; i < nc; i++)
			if (fo_graph_node_kind(r->g, c[i]) != FO_KIND_REGION &&
			    !contains(r->g, c[i], gr.owner))
				key[k++] = c[i];
		r->nkey += k > 0;
		r->fates[r->nfates++] = (fate){ gi, c, key, nc, k };
	}
	return FO_OK;
}

/* Pairs shown per app in the pages; report.json has them all. */
#define PAGE_PAIRS 10

/* The order-2 failure sets of tier-1 apps (fo_spofreport_pairs), when
 * computed. */
static void pairs_table(const doc *d, const fo_spofreport *s)
{
	if (!s->pairs || !s->pairs_apps)
		return;
	fo_sbuf__puts(d->b, d->md ? "\n### Pairs of tier-1 apps\n\n"
				  : "<h3 id=\"pairs\">Pairs of tier-1 apps</h3>\n<p>");
	fo_sbuf__printf(d->b, "Two nodes whose joint failure takes the app down, neither alone "
			      "(the first %d of each app; all in report.json).", PAGE_PAIRS);
	fo_sbuf__puts(d->b, d->md ? "\n\n" : "</p>\n");
	d_table(d, NULL, "App|Pairs|First pairs", ".n.");
	for (size_t i = 0; i < s->napps; i++) {
		if (!s->pairs[i] && !s->npairs[i])
			continue;
		d_row(d, NULL, 0);
		d_code(d, fo_graph_node_id(s->g, s->apps[i]));
		d_cell(d, 1);
		if (s->npairs[i] == SIZE_MAX) { /* over a limit: fo_spofreport_pairs */
			d_cell(d, 0);
			fo_sbuf__puts(d->b, "not computed (over a limit)");
			d_row_end(d);
			continue;
		}
		fo_sbuf__printf(d->b, "%zu", s->npairs[i]);
		d_cell(d, 0);
		for (size_t j = 0; j < s->npairs[i] && j < PAGE_PAIRS; j++) {
			if (j)
				fo_sbuf__puts(d->b, ", ");
			d_code(d, fo_graph_node_id(s->g, s->pairs[i][2 * j]));
			fo_sbuf__puts(d->b, " + ");
			d_code(d, fo_graph_node_id(s->g, s->pairs[i][2 * j + 1]));
		}
		d_row_end(d);
	}
	d_table_end(d);
}

/* The single points of failure: per app, the ranking, shared fate. Rows
 * that findings link to carry ids spof-N (app N) and fate-N. */
static void spof_section(const fo_batchreport *r, const doc *d, const fo_spofreport *s)
{
	const fo_graph *g = s->g;

	fo_sbuf__puts(d->b, d->md ? "\n## Single points of failure\n\n"
				  : "<section id=\"spof\">\n<h2>Single points of failure</h2>\n<p>");
	fo_sbuf__printf(d->b, "For each app, the nodes whose failure alone takes it down, and "
			      "those whose destruction alone loses data it needs (%zu app%s).",
			s->napps, s->napps == 1 ? "" : "s");
	fo_sbuf__puts(d->b, d->md ? "\n\n" : "</p>\n");
	if (s->napps) {
		d_table(d, NULL, "App|Tenant|Tier|Fails with|Data lost with", "");
		for (size_t i = 0; i < s->napps; i++) {
			uint32_t a = s->apps[i];
			const uint32_t *f, *l;
			size_t nf = fo_spof_fail_set(s->s, a, &f), nl = fo_spof_loss_set(s->s, a, &l);
			d_row_anchor(d, "spof", i + 1);
			d_code(d, fo_graph_node_id(g, a));
			d_cell(d, 0);
			d_text(d, fo_graph_node_tenant(g, a));
			d_cell(d, 0);
			if (fo_graph_node_tier(g, a))
				fo_sbuf__printf(d->b, "%u", fo_graph_node_tier(g, a));
			d_cell(d, 0);
			fo_sbuf__printf(d->b, "%zu: ", nf);
			d_ids(d, g, f, nf);
			d_cell(d, 0);
			fo_sbuf__printf(d->b, "%zu: ", nl);
			d_ids(d, g, l, nl);
			d_row_end(d);
		}
		d_table_end(d);
	}
	fo_sbuf__puts(d->b, d->md ? "\n### Ranking by blast radius\n\n"
				  : "<h3>Ranking by blast radius</h3>\n<p>");
	fo_sbuf__printf(d->b, "The %zu of %zu nodes with the largest blast radius; weight counts "
			      "apps down by tier (tier 1 = 4, tier 2 = 2, other = 1).",
			s->nrows, s->ranked);
	fo_sbuf__puts(d->b, d->md ? "\n\n" : "</p>\n");
	if (s->nrows) {
		d_table(d, NULL, "Rank|Node|Kind|Weight|Apps down|Nodes down|Apps lost", "n..nnnn");
		for (size_t i = 0; i < s->nrows; i++) {
			const fo_spof_rank *k = s->rows[i];
			d_row(d, NULL, 1);
			fo_sbuf__printf(d->b, "%zu", i + 1);
			d_cell(d, 0);
			d_code(d, fo_graph_node_id(g, k->node));
			d_cell(d, 0);
			d_text(d, fo_graph_node_kind_word(g, k->node));
			d_cell(d, 1);
			fo_sbuf__printf(d->b, "%llu", (unsigned long long)k->weight);
			d_cell(d, 1);
			fo_sbuf__printf(d->b, "%u", k->apps_down);
			d_cell(d, 1);
			fo_sbuf__printf(d->b, "%u", k->nodes_down);
			d_cell(d, 1);
			fo_sbuf__printf(d->b, "%u", k->apps_lost);
			d_row_end(d);
		}
		d_table_end(d);
	}
	fo_sbuf__puts(d->b, d->md ? "\n### Shared fate (redundancy on paper only)\n\n"
				  : "<h3 id=\"fate\">Shared fate (redundancy on paper only)</h3>\n");
	if (r->nfates)
		d_table(d, NULL, "Owner|Group|Members|All fall with", "");
	for (size_t i = 0; i < r->nfates; i++) {
		fo_group_info gr;
		fo_graph_group(g, r->fates[i].group, &gr);
		d_row_anchor(d, "fate", i + 1);
		d_code(d, fo_graph_node_id(g, gr.owner));
		d_cell(d, 0);
		fo_sbuf__printf(d->b, "%s %u of %u", fo_spofreport_group_word(gr.type), gr.k, gr.n);
		d_cell(d, 0);
		d_ids(d, g, gr.members, gr.n);
		d_cell(d, 0);
		d_ids(d, g, r->fates[i].causes, r->fates[i].ncauses);
		d_row_end(d);
	}
	if (!r->nfates)
		d_note(d, NULL, "None.");
	else
		d_table_end(d);
	pairs_table(d, s);
	if (!d->md)
		fo_sbuf__puts(d->b, "</section>\n");
}

void fo_batchreport_set_availability(fo_batchreport *r, const fo_riskreport_avail *a, size_t n,
				     size_t top, size_t apps)
{
	if (!r)
		return;
	r->avail = a;
	r->navail = a ? n : 0;
	r->avail_top = top;
	r->avail_apps = apps;
}

/* "0.001234" as the text outputs print probabilities (4 digits). */
static void d_prob(const doc *d, double x)
{
	if (isinf(x))
		fo_sbuf__puts(d->b, "inf");
	else
		fo_sbuf__printf(d->b, "%.4g", x);
}

/* Per app: P(down), nines, minutes down per year, the first nodes to
 * harden (docs/report.md, "Availability"). */
static void avail_section(const fo_batchreport *r, const doc *d)
{
	if (!r->navail)
		return;
	fo_sbuf__puts(d->b, d->md ? "\n## Availability\n\n"
				  : "<section id=\"availability\">\n<h2>Availability</h2>\n<p>");
	fo_sbuf__printf(d->b, "Exact probability that each app is down when its nodes fail "
			      "independently with the inventory's failure data; the nodes to harden "
			      "first (by Fussell-Vesely: the share of the downtime they take part in; "
			      "the first %zu).", r->avail_top);
	if (r->navail < r->avail_apps)
		fo_sbuf__printf(d->b, " The first %zu of %zu apps, as the single points of failure "
				      "list them; fallout availability computes every one.",
				r->navail, r->avail_apps);
	fo_sbuf__puts(d->b, d->md ? "\n\n" : "</p>\n");
	d_table(d, NULL, "App|Tier|P(down)|Nines|Minutes down per year|Harden first", ".nnnn.");
	for (size_t i = 0; i < r->navail; i++) {
		const fo_riskreport_avail *a = &r->avail[i];
		d_row(d, NULL, 0);
		d_code(d, fo_ft_name(a->ft));
		d_cell(d, 1);
		if (a->tier)
			fo_sbuf__printf(d->b, "%u", a->tier);
		d_cell(d, 1);
		if (a->missing || a->over_limit) {
			fo_sbuf__printf(d->b, "unknown");
			d_cell(d, 1);
			d_cell(d, 1);
			d_cell(d, 0);
			if (a->missing)
				fo_sbuf__printf(d->b, "no failure data for %zu node%s", a->missing,
						a->missing == 1 ? "" : "s");
			else
				fo_sbuf__printf(d->b, "over the report's limit of %zu MiB of decision "
						      "diagrams (fallout availability --app computes it)",
						(size_t)(FO_RISKREPORT_APPS_MEM >> 20));
			d_row_end(d);
			continue;
		}
		d_prob(d, a->q);
		d_cell(d, 1);
		double nines = fo_riskreport_nines(a->q);
		if (isinf(nines))
			fo_sbuf__puts(d->b, "inf");
		else
			fo_sbuf__printf(d->b, "%.2f", nines);
		d_cell(d, 1);
		double m = a->q * FO_RISKREPORT_YEAR_MINUTES;
		fo_sbuf__printf(d->b, m >= 100 ? "%.0f" : "%.3g", m);
		d_cell(d, 0);
		size_t rows = a->imp ? (r->avail_top < a->nimp ? r->avail_top : a->nimp) : 0;
		for (size_t j = 0; j < rows; j++) {
			/* A node in no failing combination is nothing to harden. */
			if (!(a->imp[j].fussell_vesely > 0))
				break;
			if (j)
				fo_sbuf__puts(d->b, ", ");
			d_code(d, fo_ft_event_name(a->ft, a->imp[j].event));
			fo_sbuf__puts(d->b, " (F-V ");
			d_prob(d, a->imp[j].fussell_vesely);
			fo_sbuf__puts(d->b, ")");
		}
		d_row_end(d);
	}
	d_table_end(d);
	if (!d->md)
		fo_sbuf__puts(d->b, "</section>\n");
}

/* One row per scenario, linked to its section in HTML. */
static int summary_table(const fo_batchreport *r, const doc *d, FILE *fp)
{
	int err;
	d_table(d, NULL, "Scenario|Apps hit|Down|Need lost data|Degraded only|At-risk only|"
			 "Degraded and at-risk|Down by tier (1 / 2 / other)|Nodes down|Tenants",
		".nnnnnnnn");
	for (size_t i = 0; i < r->nrows; i++) {
		const brow *w = &r->rows[i];
		d_row(d, NULL, 0);
		if (!d->md)
			fo_sbuf__printf(d->b, "<a href=\"#s%zu\">", i + 1);
		d_text(d, w->name);
		if (!d->md)
			fo_sbuf__puts(d->b, "</a>");
		/* a partition of the apps hit: the five classes add up to it */
		const size_t counts[] = { w->apps.hit, w->apps.down, w->apps.lost, w->apps.deg_only,
					  w->apps.risk_only, w->apps.deg_risk };
		for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
			d_cell(d, 1);
			fo_sbuf__printf(d->b, "%zu", counts[k]);
		}
		d_cell(d, 1);
		tiers_cell(d->b, w);
		d_cell(d, 1);
		fo_sbuf__printf(d->b, "%zu", w->sum.down);
		d_cell(d, 0);
		fo_sbuf__puts(d->b, d->md ? w->tenants_md : w->tenants_html);
		d_row_end(d);
		if ((err = flush(d->b, fp)) < 0)
			return err;
	}
	d_table_end(d);
	return FO_OK;
}

/* True for "YYYY-MM-DDTHH:MM:SSZ". */
static int is_utc_stamp(const char *t)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	for (size_t i = 0; i < sizeof shape - 1; i++)
		if (shape[i] == 'd' ? !(t[i] >= '0' && t[i] <= '9') : t[i] != shape[i])
			return 0;
	return t[sizeof shape - 1] == '\0';
}

/* "Written by fallout 0.1.0 on 2026-12-02 01:08:00 UTC." */
static void written_by(const doc *d, const fo_batchreport_info *in)
{
	fo_sbuf__puts(d->b, "Written by fallout");
	if (in->version) {
		fo_sbuf__putc(d->b, ' ');
		d_text(d, in->version);
	}
	if (in->generated) {
		int stamp = is_utc_stamp(in->generated);
		fo_sbuf__puts(d->b, " on ");
		if (!d->md) {
			fo_sbuf__puts(d->b, stamp ? "<time datetime=\"" : "<time>");
			if (stamp)
				fo_sbuf__printf(d->b, "%s\">", in->generated);
		}
		if (stamp)
			fo_sbuf__printf(d->b, "%.10s %.8s UTC", in->generated, in->generated + 11);
		else
			d_text(d, in->generated);
		if (!d->md)
			fo_sbuf__puts(d->b, "</time>");
	}
	fo_sbuf__puts(d->b, ".");
}

/* The whole page (md = 0) or report.md (md = 1): header, key findings,
 * summary, the spooled sections, the single points of failure. */
static int finish_doc(fo_batchreport *r, const fo_spofreport *spof, FILE *fp, int md)
{
	doc d = { &r->b, md };
	fo_sbuf *b = &r->b;
	const fo_batchreport_info *in = &r->info;
	const char *title = in->title ? in->title : "scenario report";
	int err;

	if (md) {
		fo_sbuf__puts(b, "# ");
		put_md(b, title);
		fo_sbuf__puts(b, "\n\nInventory ");
	} else {
		fo_sbuf__puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
				 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
				 "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
				 "style-src 'unsafe-inline'; img-src data:\">\n"
				 "<meta name=\"generator\" content=\"fallout");
		if (in->version) {
			fo_sbuf__putc(b, ' ');
			put_html(b, in->version);
		}
		fo_sbuf__puts(b, "\">\n<title>fallout: ");
		put_html(b, title);
		fo_sbuf__printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", css);
		put_html(b, title);
		fo_sbuf__puts(b, "</h1>\n<p class=\"meta\">Inventory ");
	}
	if (in->inventory) {
		fo_sbuf__puts(b, md ? "**" : "<b>");
		d_text(&d, in->inventory);
		fo_sbuf__puts(b, md ? "** " : "</b> ");
	}
	fo_sbuf__puts(b, "(");
	d_code(&d, in->input);
	fo_sbuf__puts(b, "), scenarios ");
	d_code(&d, in->scenarios_file);
	fo_sbuf__printf(b, ": %zu scenario%s.", r->nrows, r->nrows == 1 ? "" : "s");
	fo_sbuf__puts(b, md ? "\\\n" : "</p>\n<p class=\"meta\">");
	written_by(&d, in);
	fo_sbuf__puts(b, md ? "\n" : "</p>\n</header>\n");
	if ((err = findings(r, &d, spof)) < 0)
		return err;
	fo_sbuf__puts(b, md ? "\n## Summary\n\n" : "<section id=\"summary\">\n<h2>Summary</h2>\n");
	if ((err = summary_table(r, &d, fp)) < 0)
		return err;
	if (!md)
		fo_sbuf__puts(b, "</section>\n");
	if ((err = flush(b, fp)) < 0 || (err = copy_spool(md ? r->md : r->html, fp)) < 0)
		return err;
	if (spof) {
		spof_section(r, &d, spof);
	} else {
		fo_sbuf__puts(b, md ? "\n## Single points of failure\n\nNot computed.\n"
				    : "<section id=\"spof\">\n<h2>Single points of failure</h2>\n"
				      "<p>Not computed.</p>\n</section>\n");
	}
	avail_section(r, &d);
	if (!md)
		fo_sbuf__puts(b, "</body>\n</html>\n");
	return flush(b, fp);
}

int fo_batchreport_finish(fo_batchreport *r, const fo_spofreport *spof, FILE *html, FILE *md)
{
	int err = FO_OK;
	if (!r)
		return FO_EINVAL;
	if ((err = compute_fates(r, spof)) < 0)
		return err;
	if (html && (err = finish_doc(r, spof, html, 0)) < 0)
		return err;
	if (md && (err = finish_doc(r, spof, md, 1)) < 0)
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
