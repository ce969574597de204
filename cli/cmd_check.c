/*
 * cmd_check.c — `fallout check INVENTORY...`: every rule of the format
 * (docs/inventory-format.md), then design warnings, then a one-line summary
 * per inventory; or one JSON document of diagnostics (--format json) for CI.
 * Diagnostics go to stdout (they are this command's output); the status
 * says whether every inventory is valid (and, with --strict, warning-free).
 *
 * The XSD validator is not run: the reader checks every rule the XSD states,
 * with located messages of its own, where libxml2's validator would say
 * "[facet 'pattern'] The value 'Site' is not accepted by the pattern"
 * (docs/cli.md, "check"). The XSD stays published (--print-schema), and the
 * tests hold the reader and the XSD to the same verdicts.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../analyzer/fo_check.h"
#include "../graphs/fo_error.h"
#include "../graphs/fo_snapshot.h"
#include "../importers/fo_import.h"
#include "../importers/fo_inventory.h"
#include "../reports/fo_report.h"

/* The options; the operands are collected in in.paths (malloc'd). */
typedef struct check_opts {
	cmd_inputs in;
	unsigned long cap;
	int strict, format, quiet, print_schema, join;
	fo_mapfile *map; /* --map, loaded once for every INVENTORY */
} check_opts;

static const char *const formats[] = { "text", "json", NULL };

#define OFF(f) offsetof(check_opts, f)
static const cmd_opt opts[] = {
	CMD_FLAG("strict", 0, OFF(strict), "a warning makes the status 1 (for CI)"),
	CMD_CHOICE("format", 0, "FMT", OFF(format), formats,
		   "text (default) or json: one document with every diagnostic\n"
		   "(file, line, column, severity, code, message; docs/cli.md)"),
	CMD_FLAG("quiet", 'q', OFF(quiet), "text: only the diagnostics, no summary line"),
	CMD_COUNT("max-errors", 0, "N", OFF(cap), 0,
		  "print at most N diagnostics per inventory (default 100;\n0 = all); the rest are counted"),
	CMD_FLAG("print-schema", 0, OFF(print_schema), "print the inventory format's XSD and exit"),
	CMD_FLAG("join", 0, OFF(join), "check the one graph all INVENTORY make together, as the\n"
		 "other commands join them (one summary line)"),
	CMD_INPUT_OPTS(OFF(in)),
	CMD_END,
};

static int operand(void *ctx, const char *prog, const char *val)
{
	return cmd_input_operand(prog, &((check_opts *)ctx)->in, val);
}

static const cmd_spec spec = {
	"fallout check",
	"Usage: fallout check INVENTORY... [--strict] [--format text|json] [-q]\n"
	"                     [--max-errors N] [--print-schema] [--join]\n"
	"Checks each INVENTORY against the rules of docs/inventory-format.md, printing\n"
	"every problem as FILE:LINE:COL: error|warning: message, then a summary line.\n"
	"Warnings: kinds that are not documented (with the nearest kind), dependency\n"
	"cycles (cannot cold-start), nodes nothing depends on that are not apps, groups\n"
	"whose members all sit in one container or fall together (shared fate).\n",
	opts,
	"INVENTORY: a file in any format fallout reads (docs/importers.md), - for\n"
	"standard input (once), or a snapshot DB[@LABEL]. Each INVENTORY is checked on\n"
	"its own, the status the highest of theirs; with --join, the graph they make.\n",
	{ "every inventory valid (warnings allowed without --strict)", "--strict and a warning",
	  "usage error", CMD_EXIT_INPUT, CMD_EXIT_IO },
	operand,
};

/* One inventory checked. */
typedef struct checked {
	const char *shown;     /* name in messages: the path, or own */
	char *own;             /* a snapshot's source file name (malloc'd) */
	fo_diag *diag;
	int status;            /* this inventory's exit status */
	int loaded;            /* st is filled */
	fo_check_stats st;
} checked;

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Loads path (an XML inventory, "-" or a snapshot) and checks it into c.
 * Prints nothing but errors that are not diagnostics (out of memory). */
static void check_one(checked *c, const char *prog, const char *const *paths, size_t n,
		      const check_opts *o)
{
	const char *path = paths[0];
	fo_graph *g = NULL;
	fo_inventory_input *in = NULL;
	fo_model *m = NULL;
	char *db = NULL;
	const char *label = NULL;
	int err, snap = 0;

	c->shown = strcmp(path, "-") ? path : "<stdin>";
	if (n > 1) {
		/* --join: named as the graph is, "a.xml + b.json". */
		size_t len = 1;
		for (size_t i = 0; i < n; i++)
			len += strlen(paths[i]) + 10;
		if (!(c->own = malloc(len))) {
			err = FO_ENOMEM;
			goto fail;
		}
		c->own[0] = '\0';
		for (size_t i = 0; i < n; i++)
			strcat(strcat(c->own, i ? " + " : ""), strcmp(paths[i], "-") ? paths[i] : "<stdin>");
		c->shown = c->own;
	}
	if (fo_diag_new(&c->diag, o->cap) < 0) {
		err = FO_ENOMEM;
		goto fail;
	}
	snap = strcmp(path, "-") && n == 1 ? cmd_split_snapshot(path, &db, &label) : 0;
	if (snap < 0) {
		err = FO_ENOMEM;
		goto fail;
	}
	if (snap && (o->in.from || o->map)) {
		fo_diag_add_code(c->diag, FO_SEV_ERROR, "usage", c->shown, 0, 0, NULL,
				 "%s does not apply to a snapshot", o->in.from ? "--from" : "--map");
		c->status = EXIT_USAGE;
		goto done;
	}
	if (snap && label && !*label) {
		fo_diag_add_code(c->diag, FO_SEV_ERROR, "usage", c->shown, 0, 0, NULL,
				 "empty label after '@' (use FILE for the newest snapshot)");
		c->status = EXIT_USAGE;
		goto done;
	}
	if (snap) {
		/* A snapshot was valid when imported: load it, then warn. Its
		 * lines are those of the source file; columns are not kept. */
		err = fo_snapshot_load(&g, db, label, c->diag);
	} else {
		/* Read once; the input is kept (a copy, for a pipe or a FIFO)
		 * to locate the warnings below: the path is not opened again.
		 * No XSD validation and no sha256: see the top of this file. */
		fo_import_opts iopts = { o->in.from, o->map, { 0, c->shown, 1, 0 }, o->in.explain };
		if (n > 1)
			err = fo_import_load(&g, paths, n, &iopts, c->diag, &m);
		else
			err = fo_import_read(&g, &in, path, &iopts, c->diag, &m);
		/* What an imported source did, on stderr: the diagnostics are
		 * this command's output, the summary is not. */
		if (m && err == FO_OK)
			cmd_model_say(prog, m, o->in.explain);
	}
	if (err < 0)
		goto fail;
	if (snap && fo_graph_file(g) && (c->own = strdup(fo_graph_file(g))))
		c->shown = c->own;
	if ((err = fo_check_warnings(g, c->diag, &c->st)) < 0)
		goto fail;
	c->loaded = 1;
	if (in)
		fo_inventory_input_locate(in, c->diag);
	c->status = o->strict && fo_diag_warnings(c->diag) ? EXIT_FINDINGS : EXIT_OK;
	goto done;
fail:
	c->status = cmd_exit_for(err);
	/* Input and I/O problems are diagnostics; anything else is said here. */
	if (err != FO_EINPUT && err != FO_EIO && !(snap && err == FO_ENOTFOUND))
		fprintf(stderr, "%s: %s: %s\n", prog, c->shown, fo_strerror(err));
done:
	free(db);
	fo_inventory_input_free(in);
	fo_model_free(m);
	fo_graph_free(g);
}

static void print_text(const checked *c, const check_opts *o)
{
	size_t ne, nw;
	if (c->diag)
		fo_diag_print(c->diag, stdout);
	if (o->quiet || !c->diag)
		return;
	ne = fo_diag_errors(c->diag);
	nw = fo_diag_warnings(c->diag);
	if (!c->loaded) {
		if (c->status == EXIT_INPUT)
			printf("%s: invalid: %zu %s, %zu %s\n", c->shown, ne, plural(ne, "error", "errors"),
			       nw, plural(nw, "warning", "warnings"));
		return;
	}
	const fo_check_stats *st = &c->st;
	printf("%s: %s: %zu %s, %zu %s, %zu redundancy %s, %zu %s, %zu %s; %zu %s\n", c->shown,
	       c->status == EXIT_FINDINGS ? "warnings fail --strict" : "ok", st->nodes,
	       plural(st->nodes, "node", "nodes"), st->dependencies,
	       plural(st->dependencies, "dependency", "dependencies"), st->groups,
	       plural(st->groups, "group", "groups"), st->apps, plural(st->apps, "app", "apps"),
	       st->tenants, plural(st->tenants, "tenant", "tenants"), nw,
	       plural(nw, "warning", "warnings"));
}

static void json_key_str(const char *key, const char *val)
{
	printf("\"%s\": ", key);
	fo_report_json_string(stdout, val);
}

/* A number, or null for 0 (no line, no column). */
static void json_key_pos(const char *key, unsigned long v)
{
	if (v)
		printf(", \"%s\": %lu", key, v);
	else
		printf(", \"%s\": null", key);
}

/* The document of docs/cli.md ("check --format json"). */
static void print_json(const checked *c, size_t n)
{
	int first = 1;
	printf("{\n  \"format\": \"fallout-check\",\n  \"version\": 1,\n  \"inventories\": [");
	for (size_t i = 0; i < n; i++) {
		const fo_diag *d = c[i].diag;
		printf("%s\n    {", i ? "," : "");
		json_key_str("file", c[i].shown);
		printf(", \"status\": %d, \"valid\": %s", c[i].status, c[i].loaded ? "true" : "false");
		printf(", \"errors\": %zu, \"warnings\": %zu, \"not_shown\": %zu",
		       d ? fo_diag_errors(d) : 0, d ? fo_diag_warnings(d) : 0, d ? fo_diag_dropped(d) : 0);
		if (c[i].loaded)
			printf(", \"nodes\": %zu, \"dependencies\": %zu, \"redundancy_groups\": %zu, "
			       "\"apps\": %zu, \"tenants\": %zu",
			       c[i].st.nodes, c[i].st.dependencies, c[i].st.groups, c[i].st.apps,
			       c[i].st.tenants);
		printf("}");
	}
	printf("\n  ],\n  \"diagnostics\": [");
	for (size_t i = 0; i < n; i++) {
		const fo_diag *d = c[i].diag;
		size_t *order = NULL, count = d ? fo_diag_count(d) : 0;
		if (d)
			fo_diag_order(d, &order); /* insertion order if out of memory */
		for (size_t k = 0; k < count; k++) {
			const fo_diag_entry *e = fo_diag_get(d, order ? order[k] : k);
			printf("%s\n    {", first ? "" : ",");
			first = 0;
			json_key_str("file", e->file);
			json_key_pos("line", e->line);
			json_key_pos("column", e->col);
			printf(", ");
			json_key_str("severity", e->sev == FO_SEV_ERROR ? "error" : "warning");
			printf(", ");
			json_key_str("code", e->code ? e->code : e->sev == FO_SEV_ERROR ? "error" : "warning");
			printf(", ");
			json_key_str("message", e->msg);
			printf("}");
		}
		free(order);
	}
	printf("%s]\n}\n", first ? "" : "\n  ");
}

/* Exit statuses by severity: the worst of several inventories is kept. */
static int worse(int a, int b)
{
	return a > b ? a : b;
}

int cmd_check(int argc, char **argv)
{
	const char *prog = spec.prog;
	check_opts o = { .cap = 100 };
	checked *c = NULL;
	int status;

	if ((status = cmd_parse(&spec, &o, argc, argv)) != EXIT_OK) {
		if (status == CMD_DONE)
			status = EXIT_OK;
		goto done;
	}
	if (o.print_schema) {
		fputs(fo_inventory_schema(), stdout);
		goto done;
	}
	if ((status = cmd_check_from(prog, o.in.from)) != EXIT_OK)
		goto done;
	for (size_t i = 0; o.in.map && !strcmp(o.in.map, "-") && i < o.in.n; i++)
		if (!strcmp(o.in.paths[i], "-")) {
			status = cmd_usage_error(prog, "an INVENTORY and --map cannot both be - (standard input)");
			goto done;
		}
	if ((status = cmd_load_map(&o.map, prog, &o.in, "checked")) != EXIT_OK)
		goto done;
	if (!o.in.n) {
		status = cmd_usage_error(prog, "missing INVENTORY");
		goto done;
	}
	if (!(c = calloc(o.in.n, sizeof *c))) {
		fprintf(stderr, "%s: out of memory\n", prog);
		status = EXIT_IO;
		goto done;
	}
	size_t nchecks = o.in.n;
	if (o.join && o.in.n > 1) {
		for (size_t i = 0; i < o.in.n; i++)
			if (strcmp(o.in.paths[i], "-") && cmd_is_snapshot(o.in.paths[i])) {
				status = cmd_usage_error(prog, "'%s' is a snapshot: it is one inventory, "
							 "not joined with others (--join)", o.in.paths[i]);
				goto done;
			}
		nchecks = 1;
	}
	for (size_t i = 0; i < nchecks; i++) {
		if (nchecks == 1 && o.in.n > 1)
			check_one(&c[i], prog, o.in.paths, o.in.n, &o);
		else
			check_one(&c[i], prog, &o.in.paths[i], 1, &o);
		status = worse(status, c[i].status);
		/* Text goes out as each inventory is done; JSON is one document. */
		if (o.format == 0) {
			print_text(&c[i], &o);
			fo_diag_free(c[i].diag);
			c[i].diag = NULL;
		}
	}
	if (o.format == 1)
		print_json(c, nchecks);

done:
	for (size_t i = 0; c && i < o.in.n; i++) {
		fo_diag_free(c[i].diag);
		free(c[i].own);
	}
	free(c);
	cmd_parse_dispose(&spec, &o);
	cmd_inputs_dispose(&o.in);
	fo_mapfile_free(o.map);
	return status;
}
