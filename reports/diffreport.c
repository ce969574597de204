/*
 * diffreport.c — text, JSON and Markdown writers of `fallout diff`
 * (fo_diffreport.h; formats documented in docs/diff.md).
 *
 * Every writer builds the whole document in one fo_sbuf and writes it at
 * the end, so an allocation failure never leaves half a report. Ids are
 * hostile text: text escapes them like fo_diag_fputs_escaped, JSON with
 * RFC 8259 escapes, Markdown like text and then with a backslash before
 * each character that has inline meaning in CommonMark/GFM (\ ` * _ [ ] <
 * > | ~ & $), so an id can neither split a table cell nor turn into markup;
 * ids never start a line, so block markers (#, -, 1.) need no escape.
 */
#include "fo_diffreport.h"

#include <string.h>

#include "report_int.h"
#include "../graphs/fo_error.h"

int fo_diffreport_severity(fo_state s)
{
	switch (s) {
	case FO_STATE_AT_RISK: return 1;
	case FO_STATE_DEGRADED: return 2;
	case FO_STATE_DOWN: return 3;
	default: return 0;
	}
}

static const char *op_word(fo_diff_op op)
{
	return op == FO_DIFF_ADDED ? "added" : op == FO_DIFF_REMOVED ? "removed" : "changed";
}

static const char *type_word(fo_group_type t)
{
	switch (t) {
	case FO_GROUP_LOCATED: return "located";
	case FO_GROUP_COPIES: return "copies";
	case FO_GROUP_DEGRADES: return "degrades";
	default: return "requires";
	}
}

/* The fields of a changed node, in a fixed order. */
static const struct {
	unsigned bit;
	const char *word;
} fields[] = {
	{ FO_DIFF_KIND, "kind" }, { FO_DIFF_NAME, "name" }, { FO_DIFF_TENANT, "tenant" },
	{ FO_DIFF_TIER, "tier" }, { FO_DIFF_PROPS, "properties" },
};

/* ---- escaping ---- */


/* Markdown: escaped like text first, then the inline-markup bytes of the
 * result get a backslash (CommonMark renders "\x" as "x" for punctuation). */
static void md_str(fo_sbuf *b, const char *s)
{
	fo_sbuf t = { 0 };
	fo_report__esc(&t, s ? s : "");
	if (t.oom)
		b->oom = 1;
	for (const char *p = fo_sbuf__str(&t); *p; p++) {
		if (strchr("\\`*_[]<>|~&$", *p))
			fo_sbuf__putc(b, '\\');
		fo_sbuf__putc(b, *p);
	}
	fo_sbuf__dispose(&t);
}

typedef void (*esc_fn)(fo_sbuf *, const char *);

static void text_str(fo_sbuf *b, const char *s)
{
	fo_report__esc(b, s ? s : "");
}

static void ids(fo_sbuf *b, esc_fn esc, const fo_graph *g, const uint32_t *v, size_t n)
{
	if (!n)
		fo_sbuf__puts(b, "none");
	for (size_t i = 0; i < n; i++) {
		if (i)
			fo_sbuf__puts(b, ", ");
		esc(b, fo_graph_node_id(g, v[i]));
	}
}

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

/* ---- shared phrasing ---- */

static const fo_graph *node_graph(const fo_diffreport *r, const fo_diff_node *d, uint32_t *v)
{
	*v = d->op == FO_DIFF_REMOVED ? d->before : d->after;
	return d->op == FO_DIFF_REMOVED ? r->before : r->after;
}

static void group_of(const fo_diffreport *r, const fo_diff_dep *d, fo_group_info *gi)
{
	if (d->op == FO_DIFF_REMOVED)
		fo_graph_group(r->before, d->before, gi);
	else
		fo_graph_group(r->after, d->after, gi);
}

/* "pay-svc requires 1 of {vm-3, vm-4}", "hall-3 located in rack-3",
 * "ledger keeps copies on {ledger-db}", "web degrades unless 1 of {a, b}";
 * a changed group adds " (was K of N)". */
static void dep_phrase(fo_sbuf *b, esc_fn esc, const fo_diffreport *r, const fo_diff_dep *d)
{
	fo_group_info gi;
	const fo_graph *g = d->op == FO_DIFF_REMOVED ? r->before : r->after;
	group_of(r, d, &gi);
	esc(b, fo_graph_node_id(g, gi.owner));
	switch (gi.type) {
	case FO_GROUP_LOCATED: fo_sbuf__puts(b, " located in "); break;
	case FO_GROUP_COPIES: fo_sbuf__puts(b, " keeps copies on "); break;
	case FO_GROUP_DEGRADES: fo_sbuf__puts(b, " degrades unless "); break;
	default: fo_sbuf__puts(b, " requires "); break;
	}
	if (gi.type == FO_GROUP_LOCATED || (gi.n == 1 && gi.k == 1)) {
		ids(b, esc, g, gi.members, gi.n);
	} else {
		if (gi.type != FO_GROUP_COPIES)
			fo_sbuf__printf(b, "%u of ", gi.k);
		fo_sbuf__putc(b, '{');
		ids(b, esc, g, gi.members, gi.n);
		fo_sbuf__putc(b, '}');
	}
	if (d->op == FO_DIFF_CHANGED) {
		fo_group_info old;
		fo_graph_group(r->before, d->before, &old);
		fo_sbuf__printf(b, " (was %u of %u)", old.k, old.n);
	}
}

static void field_list(fo_sbuf *b, unsigned bits)
{
	int first = 1;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (bits & fields[i].bit) {
			fo_sbuf__puts(b, first ? "" : ", ");
			fo_sbuf__puts(b, fields[i].word);
			first = 0;
		}
}

static void counts(const fo_diffreport *r, size_t nc[3], size_t dc[3])
{
	memset(nc, 0, 3 * sizeof *nc);
	memset(dc, 0, 3 * sizeof *dc);
	for (size_t i = 0; i < r->diff->nnodes; i++)
		nc[r->diff->nodes[i].op]++;
	for (size_t i = 0; i < r->diff->ndeps; i++)
		dc[r->diff->deps[i].op]++;
}

static const char *name_or(const fo_graph *g)
{
	return fo_graph_name(g) ? fo_graph_name(g) : "(unnamed)";
}

/* ---- text ---- */

static void write_text(fo_sbuf *b, const fo_diffreport *r)
{
	size_t nc[3], dc[3];
	counts(r, nc, dc);
	fo_sbuf__puts(b, "Before: ");
	text_str(b, name_or(r->before));
	fo_sbuf__puts(b, "\nAfter:  ");
	text_str(b, name_or(r->after));
	fo_sbuf__printf(b, "\n\nNodes: %zu added, %zu removed, %zu changed\n", nc[0], nc[1], nc[2]);
	for (size_t i = 0; i < r->diff->nnodes; i++) {
		const fo_diff_node *d = &r->diff->nodes[i];
		uint32_t v;
		const fo_graph *g = node_graph(r, d, &v);
		fo_sbuf__puts(b, d->op == FO_DIFF_ADDED ? "  + " : d->op == FO_DIFF_REMOVED ? "  - " : "  ~ ");
		text_str(b, fo_graph_node_id(g, v));
		fo_sbuf__puts(b, " (");
		if (d->op == FO_DIFF_CHANGED) {
			fo_sbuf__puts(b, "changed: ");
			field_list(b, d->fields);
		} else {
			text_str(b, fo_graph_node_kind_word(g, v));
		}
		fo_sbuf__puts(b, ")\n");
	}
	fo_sbuf__printf(b, "\nDependencies: %zu added, %zu removed, %zu changed\n", dc[0], dc[1], dc[2]);
	for (size_t i = 0; i < r->diff->ndeps; i++) {
		const fo_diff_dep *d = &r->diff->deps[i];
		fo_sbuf__puts(b, d->op == FO_DIFF_ADDED ? "  + " : d->op == FO_DIFF_REMOVED ? "  - " : "  ~ ");
		dep_phrase(b, text_str, r, d);
		fo_sbuf__putc(b, '\n');
	}
	fo_sbuf__printf(b, "\nSingle points of failure: %zu app%s changed\n", r->nspof,
			r->nspof == 1 ? "" : "s");
	for (size_t i = 0; i < r->nspof; i++) {
		const fo_diffreport_spof *s = &r->spof[i];
		fo_sbuf__puts(b, "  ");
		text_str(b, fo_graph_node_id(r->after, s->app));
		fo_sbuf__printf(b, "\n    introduced (%zu): ", s->nintroduced);
		ids(b, text_str, r->after, s->introduced, s->nintroduced);
		fo_sbuf__printf(b, "\n    removed (%zu): ", s->nremoved);
		ids(b, text_str, r->before, s->removed, s->nremoved);
		fo_sbuf__putc(b, '\n');
	}
	if (r->scenarios) {
		fo_sbuf__puts(b, "\nScenarios");
		if (r->scenarios_name) {
			fo_sbuf__puts(b, " (");
			text_str(b, r->scenarios_name);
			fo_sbuf__putc(b, ')');
		}
		fo_sbuf__printf(b, ": %zu\n", r->nscenarios);
		for (size_t i = 0; i < r->nscenarios; i++) {
			const fo_diffreport_scenario *s = &r->scenarios[i];
			fo_sbuf__puts(b, "  ");
			text_str(b, s->name);
			fo_sbuf__printf(b, ": apps down %zu -> %zu%s\n", s->apps_down_before,
					s->apps_down_after, s->worse ? " (worse)" : "");
			for (size_t j = 0; j < s->nchanges; j++) {
				fo_sbuf__puts(b, "    ");
				text_str(b, fo_graph_node_id(r->after, s->changes[j].app));
				fo_sbuf__printf(b, ": %s -> %s\n", fo_state_name(s->changes[j].before),
						fo_state_name(s->changes[j].after));
			}
		}
	}
	if (r->pairs_checked) {
		fo_sbuf__printf(b, "\nNew pairs (two nodes that now take the app down together): %zu "
				"app%s\n", r->npairs, r->npairs == 1 ? "" : "s");
		for (size_t i = 0; i < r->npairs; i++) {
			const fo_diffreport_pairs *p = &r->pairs[i];
			fo_sbuf__puts(b, "  ");
			text_str(b, fo_graph_node_id(r->after, p->app));
			fo_sbuf__printf(b, " (%zu):\n", p->n);
			for (size_t j = 0; j < p->n; j++) {
				fo_sbuf__puts(b, "    ");
				text_str(b, fo_graph_node_id(r->after, p->pairs[2 * j]));
				fo_sbuf__puts(b, " + ");
				text_str(b, fo_graph_node_id(r->after, p->pairs[2 * j + 1]));
				fo_sbuf__putc(b, '\n');
			}
		}
	}
	fo_sbuf__printf(b, "\nNew single points of failure: %s\n", r->new_spof ? "yes" : "no");
	if (r->pairs_checked)
		fo_sbuf__printf(b, "New pairs: %s\n", r->new_pair ? "yes" : "no");
	if (r->scenarios)
		fo_sbuf__printf(b, "More down in some scenario: %s\n", r->more_down ? "yes" : "no");
}

static void json_pairs(fo_sbuf *b, const fo_diffreport *r)
{
	fo_sbuf__puts(b, ",\n \"new_pairs\": [");
	for (size_t i = 0; i < r->npairs; i++) {
		const fo_diffreport_pairs *p = &r->pairs[i];
		fo_sbuf__puts(b, i ? ",\n  {\"app\": " : "\n  {\"app\": ");
		fo_report__json_str(b, fo_graph_node_id(r->after, p->app));
		fo_sbuf__puts(b, ", \"pairs\": [");
		for (size_t j = 0; j < p->n; j++) {
			fo_sbuf__puts(b, j ? ", [" : "[");
			fo_report__json_str(b, fo_graph_node_id(r->after, p->pairs[2 * j]));
			fo_sbuf__puts(b, ", ");
			fo_report__json_str(b, fo_graph_node_id(r->after, p->pairs[2 * j + 1]));
			fo_sbuf__putc(b, ']');
		}
		fo_sbuf__puts(b, "]}");
	}
	fo_sbuf__printf(b, "%s],\n \"new_pair\": %s", r->npairs ? "\n " : "",
			r->new_pair ? "true" : "false");
}

/* ---- JSON ---- */

static void write_json(fo_sbuf *b, const fo_diffreport *r)
{
	fo_sbuf__puts(b, "{\"before\": ");
	fo_report__json_str(b, fo_graph_name(r->before));
	fo_sbuf__puts(b, ",\n \"after\": ");
	fo_report__json_str(b, fo_graph_name(r->after));
	fo_sbuf__puts(b, ",\n \"nodes\": [");
	for (size_t i = 0; i < r->diff->nnodes; i++) {
		const fo_diff_node *d = &r->diff->nodes[i];
		uint32_t v;
		const fo_graph *g = node_graph(r, d, &v);
		fo_sbuf__printf(b, "%s\n  {\"op\": \"%s\", \"id\": ", i ? "," : "", op_word(d->op));
		fo_report__json_str(b, fo_graph_node_id(g, v));
		fo_sbuf__puts(b, ", \"kind\": ");
		fo_report__json_str(b, fo_graph_node_kind_word(g, v));
		fo_sbuf__puts(b, ", \"fields\": [");
		int first = 1;
		for (size_t j = 0; j < sizeof fields / sizeof fields[0]; j++)
			if (d->op == FO_DIFF_CHANGED && (d->fields & fields[j].bit)) {
				fo_sbuf__printf(b, "%s\"%s\"", first ? "" : ", ", fields[j].word);
				first = 0;
			}
		fo_sbuf__puts(b, "]}");
	}
	fo_sbuf__puts(b, r->diff->nnodes ? "\n ],\n \"dependencies\": [" : "],\n \"dependencies\": [");
	for (size_t i = 0; i < r->diff->ndeps; i++) {
		const fo_diff_dep *d = &r->diff->deps[i];
		const fo_graph *g = d->op == FO_DIFF_REMOVED ? r->before : r->after;
		fo_group_info gi;
		group_of(r, d, &gi);
		fo_sbuf__printf(b, "%s\n  {\"op\": \"%s\", \"owner\": ", i ? "," : "", op_word(d->op));
		fo_report__json_str(b, fo_graph_node_id(g, gi.owner));
		fo_sbuf__printf(b, ", \"type\": \"%s\", \"k\": %u, \"members\": ", type_word(gi.type), gi.k);
		json_ids(b, g, gi.members, gi.n);
		if (d->op == FO_DIFF_CHANGED) {
			fo_group_info old;
			fo_graph_group(r->before, d->before, &old);
			fo_sbuf__printf(b, ", \"k_before\": %u", old.k);
		} else {
			fo_sbuf__puts(b, ", \"k_before\": null");
		}
		fo_sbuf__putc(b, '}');
	}
	fo_sbuf__puts(b, r->diff->ndeps ? "\n ],\n \"spof\": [" : "],\n \"spof\": [");
	for (size_t i = 0; i < r->nspof; i++) {
		const fo_diffreport_spof *s = &r->spof[i];
		fo_sbuf__puts(b, i ? ",\n  {\"app\": " : "\n  {\"app\": ");
		fo_report__json_str(b, fo_graph_node_id(r->after, s->app));
		fo_sbuf__puts(b, ", \"introduced\": ");
		json_ids(b, r->after, s->introduced, s->nintroduced);
		fo_sbuf__puts(b, ", \"removed\": ");
		json_ids(b, r->before, s->removed, s->nremoved);
		fo_sbuf__putc(b, '}');
	}
	fo_sbuf__puts(b, r->nspof ? "\n ],\n \"scenarios\": " : "],\n \"scenarios\": ");
	if (!r->scenarios) {
		fo_sbuf__puts(b, "null");
	} else {
		fo_sbuf__putc(b, '[');
		for (size_t i = 0; i < r->nscenarios; i++) {
			const fo_diffreport_scenario *s = &r->scenarios[i];
			fo_sbuf__puts(b, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
			fo_report__json_str(b, s->name);
			fo_sbuf__printf(b, ", \"apps_down_before\": %zu, \"apps_down_after\": %zu, \"worse\": %s, \"changed\": [",
					s->apps_down_before, s->apps_down_after, s->worse ? "true" : "false");
			for (size_t j = 0; j < s->nchanges; j++) {
				fo_sbuf__puts(b, j ? ", {\"app\": " : "{\"app\": ");
				fo_report__json_str(b, fo_graph_node_id(r->after, s->changes[j].app));
				fo_sbuf__printf(b, ", \"before\": \"%s\", \"after\": \"%s\"}",
						fo_state_name(s->changes[j].before),
						fo_state_name(s->changes[j].after));
			}
			fo_sbuf__puts(b, "]}");
		}
		fo_sbuf__puts(b, r->nscenarios ? "\n ]" : "]");
	}
	fo_sbuf__printf(b, ",\n \"new_spof\": %s,\n \"more_down\": ", r->new_spof ? "true" : "false");
	fo_sbuf__puts(b, !r->scenarios ? "null" : r->more_down ? "true" : "false");
	if (r->pairs_checked)
		json_pairs(b, r);
	fo_sbuf__puts(b, "}\n");
}

/* ---- Markdown ---- */

static void write_md(fo_sbuf *b, const fo_diffreport *r)
{
	size_t nc[3], dc[3];
	counts(r, nc, dc);
	fo_sbuf__puts(b, "# Inventory diff\n\n- Before: ");
	md_str(b, name_or(r->before));
	fo_sbuf__puts(b, "\n- After: ");
	md_str(b, name_or(r->after));
	fo_sbuf__printf(b, "\n- New single points of failure: %s\n", r->new_spof ? "yes" : "no");
	if (r->pairs_checked)
		fo_sbuf__printf(b, "- New pairs: %s\n", r->new_pair ? "yes" : "no");
	if (r->scenarios)
		fo_sbuf__printf(b, "- More down in some scenario: %s\n", r->more_down ? "yes" : "no");
	fo_sbuf__printf(b, "\n## Nodes\n\n%zu added, %zu removed, %zu changed.\n", nc[0], nc[1], nc[2]);
	if (r->diff->nnodes)
		fo_sbuf__puts(b, "\n| change | node | kind | fields |\n|---|---|---|---|\n");
	for (size_t i = 0; i < r->diff->nnodes; i++) {
		const fo_diff_node *d = &r->diff->nodes[i];
		uint32_t v;
		const fo_graph *g = node_graph(r, d, &v);
		fo_sbuf__printf(b, "| %s | ", op_word(d->op));
		md_str(b, fo_graph_node_id(g, v));
		fo_sbuf__puts(b, " | ");
		md_str(b, fo_graph_node_kind_word(g, v));
		fo_sbuf__puts(b, " | ");
		if (d->op == FO_DIFF_CHANGED)
			field_list(b, d->fields);
		fo_sbuf__puts(b, " |\n");
	}
	fo_sbuf__printf(b, "\n## Dependencies\n\n%zu added, %zu removed, %zu changed.\n", dc[0], dc[1],
			dc[2]);
	if (r->diff->ndeps)
		fo_sbuf__puts(b, "\n| change | dependency |\n|---|---|\n");
	for (size_t i = 0; i < r->diff->ndeps; i++) {
		const fo_diff_dep *d = &r->diff->deps[i];
		fo_sbuf__printf(b, "| %s | ", op_word(d->op));
		dep_phrase(b, md_str, r, d);
		fo_sbuf__puts(b, " |\n");
	}
	fo_sbuf__printf(b, "\n## Single points of failure\n\n%zu app%s changed.\n", r->nspof,
			r->nspof == 1 ? "" : "s");
	if (r->nspof)
		fo_sbuf__puts(b, "\n| app | introduced | removed |\n|---|---|---|\n");
	for (size_t i = 0; i < r->nspof; i++) {
		const fo_diffreport_spof *s = &r->spof[i];
		fo_sbuf__puts(b, "| ");
		md_str(b, fo_graph_node_id(r->after, s->app));
		fo_sbuf__puts(b, " | ");
		ids(b, md_str, r->after, s->introduced, s->nintroduced);
		fo_sbuf__puts(b, " | ");
		ids(b, md_str, r->before, s->removed, s->nremoved);
		fo_sbuf__puts(b, " |\n");
	}
	if (r->pairs_checked) {
		fo_sbuf__printf(b, "\n## New pairs\n\nTwo nodes that now take the app down together: "
				"%zu app%s.\n", r->npairs, r->npairs == 1 ? "" : "s");
		if (r->npairs)
			fo_sbuf__puts(b, "\n| app | new pairs |\n|---|---|\n");
		for (size_t i = 0; i < r->npairs; i++) {
			const fo_diffreport_pairs *p = &r->pairs[i];
			fo_sbuf__puts(b, "| ");
			md_str(b, fo_graph_node_id(r->after, p->app));
			fo_sbuf__puts(b, " | ");
			for (size_t j = 0; j < p->n; j++) {
				fo_sbuf__puts(b, j ? ", " : "");
				md_str(b, fo_graph_node_id(r->after, p->pairs[2 * j]));
				fo_sbuf__puts(b, " + ");
				md_str(b, fo_graph_node_id(r->after, p->pairs[2 * j + 1]));
			}
			fo_sbuf__puts(b, " |\n");
		}
	}
	if (r->scenarios) {
		fo_sbuf__puts(b, "\n## Scenarios\n\n");
		if (r->scenarios_name) {
			fo_sbuf__puts(b, "From ");
			md_str(b, r->scenarios_name);
			fo_sbuf__puts(b, ".\n\n");
		}
		fo_sbuf__puts(b, "| scenario | apps down before | apps down after | worse | apps changed |\n"
				 "|---|---:|---:|---|---|\n");
		for (size_t i = 0; i < r->nscenarios; i++) {
			const fo_diffreport_scenario *s = &r->scenarios[i];
			fo_sbuf__puts(b, "| ");
			md_str(b, s->name);
			fo_sbuf__printf(b, " | %zu | %zu | %s | ", s->apps_down_before, s->apps_down_after,
					s->worse ? "yes" : "no");
			if (!s->nchanges)
				fo_sbuf__puts(b, "none");
			for (size_t j = 0; j < s->nchanges; j++) {
				if (j)
					fo_sbuf__puts(b, ", ");
				md_str(b, fo_graph_node_id(r->after, s->changes[j].app));
				fo_sbuf__printf(b, " %s -> %s", fo_state_name(s->changes[j].before),
						fo_state_name(s->changes[j].after));
			}
			fo_sbuf__puts(b, " |\n");
		}
	}
}

int fo_diffreport_write(FILE *fp, const fo_diffreport *r, fo_diffreport_format fmt)
{
	fo_sbuf b = { 0 };
	int err = FO_OK;
	if (!fp || !r || !r->before || !r->after || !r->diff)
		return FO_EINVAL;
	switch (fmt) {
	case FO_DIFFREPORT_TEXT: write_text(&b, r); break;
	case FO_DIFFREPORT_JSON: write_json(&b, r); break;
	case FO_DIFFREPORT_MD: write_md(&b, r); break;
	default: return FO_EINVAL;
	}
	if (b.oom)
		err = FO_ENOMEM;
	else if (b.len && fwrite(b.p, 1, b.len, fp) != b.len)
		err = FO_EIO;
	fo_sbuf__dispose(&b);
	return err;
}
