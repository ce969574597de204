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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../analyzer/fo_check.h"
#include "../graphs/fo_error.h"
#include "../graphs/fo_snapshot.h"
#include "../importers/fo_inventory.h"
#include "../reports/fo_report.h"

static const char help[] =
	"Usage: fallout check INVENTORY... [--strict] [--format text|json] [-q]\n"
	"                     [--max-errors N] [--print-schema]\n"
	"Checks each INVENTORY against the rules of docs/inventory-format.md, printing\n"
	"every problem as FILE:LINE:COL: error|warning: message, then a summary line.\n"
	"Warnings: kinds that are not documented (with the nearest kind), dependency\n"
	"cycles (cannot cold-start), nodes nothing depends on that are not apps, groups\n"
	"whose members all sit in one container or fall together (shared fate).\n\n"
	"  --strict         a warning makes the status 1 (for CI)\n"
	"  --format FMT     text (default) or json: one document with every diagnostic\n"
	"                   (file, line, column, severity, code, message; docs/cli.md)\n"
	"  -q, --quiet      text: only the diagnostics, no summary line\n"
	"  --max-errors N   print at most N diagnostics per inventory (default 100;\n"
	"                   0 = all); the rest are counted\n"
	"  --print-schema   print the inventory format's XSD and exit\n"
	"  -h, --help       this help\n\n"
	"INVENTORY may be - for standard input (once), or a snapshot DB[@LABEL].\n\n"
	"Exit status: 0 every inventory valid (warnings allowed without --strict);\n"
	"1 --strict and a warning; 2 usage error; 3 invalid input; 4 I/O or system\n"
	"error. With several inventories, the highest status of any of them.\n";

enum { O_MAX = 1, O_SCHEMA, O_STRICT, O_FORMAT, O_QUIET, O_HELP };
static const cmd_opt opts[] = {
	{ "max-errors", 0, 1, O_MAX },
	{ "print-schema", 0, 0, O_SCHEMA },
	{ "strict", 0, 0, O_STRICT },
	{ "format", 0, 1, O_FORMAT },
	{ "quiet", 'q', 0, O_QUIET },
	{ "help", 'h', 0, O_HELP },
	{ NULL, 0, 0, 0 },
};

typedef struct check_opts {
	unsigned long cap;
	int strict, json, quiet;
} check_opts;

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
static void check_one(checked *c, const char *prog, const char *path, const check_opts *o)
{
	fo_graph *g = NULL;
	fo_inventory_input *in = NULL;
	char *db = NULL;
	const char *label = NULL;
	int err, snap;

	c->shown = strcmp(path, "-") ? path : "<stdin>";
	if (fo_diag_new(&c->diag, o->cap) < 0) {
		err = FO_ENOMEM;
		goto fail;
	}
	snap = strcmp(path, "-") ? cmd_split_snapshot(path, &db, &label) : 0;
	if (snap < 0) {
		err = FO_ENOMEM;
		goto fail;
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
		fo_inventory_opts iopts = { 0, c->shown, 1 };
		err = fo_inventory_read(&g, &in, path, &iopts, c->diag);
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
	const char *prog = "fallout check", *val;
	const char **paths = NULL;
	size_t npaths = 0, nstdin = 0;
	check_opts o = { 100, 0, 0, 0 };
	cmd_args a;
	checked *c = NULL;
	int status = EXIT_OK, id;

	if (!(paths = malloc((size_t)(argc > 0 ? argc : 1) * sizeof *paths))) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_IO;
	}
	cmd_args_init(&a, prog, argc - 1, argv + 1, opts);
	while ((id = cmd_next(&a, &val)) != -1) {
		switch (id) {
		case -2: status = EXIT_USAGE; goto done;
		case O_HELP: fputs(help, stdout); goto done;
		case O_SCHEMA: fputs(fo_inventory_schema(), stdout); goto done;
		case O_STRICT: o.strict = 1; break;
		case O_QUIET: o.quiet = 1; break;
		case O_MAX:
			if ((status = cmd_count(prog, "--max-errors", val, 0, &o.cap)) != EXIT_OK)
				goto done;
			break;
		case O_FORMAT: {
			static const char *const words[] = { "text", "json", NULL };
			int i;
			if ((status = cmd_choice(prog, "format", val, words, &i)) != EXIT_OK)
				goto done;
			o.json = i == 1;
			break;
		}
		default:
			/* Standard input can be read once only. */
			if (strcmp(val, "-") == 0 && nstdin++) {
				status = cmd_usage_error(prog, "'-' (standard input) given twice");
				goto done;
			}
			paths[npaths++] = val;
		}
	}
	if (!npaths) {
		status = cmd_usage_error(prog, "missing INVENTORY");
		goto done;
	}
	if (!(c = calloc(npaths, sizeof *c))) {
		fprintf(stderr, "%s: out of memory\n", prog);
		status = EXIT_IO;
		goto done;
	}
	for (size_t i = 0; i < npaths; i++) {
		check_one(&c[i], prog, paths[i], &o);
		status = worse(status, c[i].status);
		/* Text goes out as each inventory is done; JSON is one document. */
		if (!o.json) {
			print_text(&c[i], &o);
			fo_diag_free(c[i].diag);
			c[i].diag = NULL;
		}
	}
	if (o.json)
		print_json(c, npaths);

done:
	for (size_t i = 0; c && i < npaths; i++) {
		fo_diag_free(c[i].diag);
		free(c[i].own);
	}
	free(c);
	free(paths);
	return status;
}
