/*
 * cmd_db.c — `fallout db list|rm|reports|report`: the snapshots of a
 * database and the reports stored with them (docs/snapshots.md,
 * docs/report.md).
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../graphs/fo_error.h"
#include "../graphs/fo_snapshot.h"
#include "../reports/fo_batchreport.h"
#include "../reports/fo_report.h"

typedef struct db_opts {
	const char *db, *output, *sub_word, *arg;
	int json; /* --format: index in formats */
} db_opts;

static const char *const formats[] = { "text", "json", NULL };

#define OFF(f) offsetof(db_opts, f)
static const cmd_opt opts[] = {
	CMD_STRING("db", 0, "FILE", OFF(db), "the snapshot database (required)"),
	CMD_CHOICE("format", 0, "FMT", OFF(json), formats, "text (default) or json, for list and reports"),
	CMD_STRING("output", 'o', "FILE", OFF(output), "report: write to FILE instead of standard output"),
	CMD_END,
};

/* SUBCOMMAND, then LABEL (rm) or ID (report). */
static int operand(void *ctx, const char *prog, const char *val)
{
	db_opts *o = ctx;
	if (!o->sub_word && cmd_looks_like_db(val))
		return cmd_usage_error(prog, "'%s' is not a subcommand: the database is given with --db, "
				       "as in 'fallout db list --db %s'", val, val);
	if (!o->sub_word)
		o->sub_word = val;
	else if (!o->arg && (!strcmp(o->sub_word, "rm") || !strcmp(o->sub_word, "report")))
		o->arg = val;
	else if (cmd_looks_like_db(val))
		return cmd_usage_error(prog, "unexpected operand '%s': the database is given with "
				       "--db, as in 'fallout db %s%s%s --db %s'", val, o->sub_word,
				       o->arg ? " " : "", o->arg ? o->arg : "", val);
	else
		return cmd_usage_error(prog, "unexpected operand '%s'", val);
	return EXIT_OK;
}

static const cmd_spec spec = {
	"fallout db",
	"Usage: fallout db list --db FILE [--format text|json]\n"
	"       fallout db rm LABEL --db FILE\n"
	"       fallout db reports --db FILE [--format text|json]\n"
	"       fallout db report ID --db FILE [-o FILE]\n"
	"list prints the snapshots of the SQLite database FILE, oldest first: label,\n"
	"import time (UTC), node count, first 12 hex digits of the source's sha256 and\n"
	"the source file. rm deletes one snapshot with everything it holds (its stored\n"
	"reports too). reports lists the reports stored by 'fallout report' on a\n"
	"snapshot: id, time, snapshot, runs, title. report prints stored report ID as\n"
	"the report.json 'fallout report' wrote, rebuilt from the database without\n"
	"recomputing.\n",
	opts,
	NULL,
	{ CMD_EXIT_OK, NULL, "usage error (unknown label or id)",
	  "invalid input (database not fallout's, corrupt or newer)",
	  "I/O error (cannot open, read-only, locked)" },
	operand,
};

enum sub { S_LIST, S_RM, S_REPORTS, S_REPORT };

static int failed(const char *prog, fo_diag *diag, int err)
{
	cmd_diag_print(prog, diag, stderr);
	if (err == FO_ENOMEM || err == FO_EINVAL)
		fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
	return cmd_exit_for(err);
}

static void cell(FILE *fp, const char *s, int width)
{
	fo_diag_fputs_escaped(s, fp);
	for (int n = (int)strlen(s); n < width; n++)
		putc(' ', fp);
}

static void json_key(FILE *fp, const char *key, const char *value, const char *sep)
{
	fprintf(fp, "%s\"%s\": ", sep, key);
	fo_report_json_string(fp, value);
}

static void list_text(FILE *fp, const fo_snapshot_info *v, size_t nv)
{
	int w = 5;
	for (size_t i = 0; i < nv; i++)
		if ((int)strlen(v[i].label) > w)
			w = (int)strlen(v[i].label);
	cell(fp, "LABEL", w);
	fprintf(fp, "  %-20s  %8s  %-12s  %s\n", "IMPORTED", "NODES", "SHA256", "SOURCE");
	for (size_t i = 0; i < nv; i++) {
		cell(fp, v[i].label, w);
		fprintf(fp, "  %-20s  %8llu  %-12.12s  ", v[i].imported_at, (unsigned long long)v[i].nodes,
		       v[i].sha256);
		fo_diag_fputs_escaped(v[i].source, fp);
		putc('\n', fp);
	}
}

static void list_json(FILE *fp, const fo_snapshot_info *v, size_t nv)
{
	fputs("{\"snapshots\": [", fp);
	for (size_t i = 0; i < nv; i++) {
		fputs(i ? ",\n  {" : "\n  {", fp);
		json_key(fp, "label", v[i].label, "");
		json_key(fp, "imported_at", v[i].imported_at, ", ");
		json_key(fp, "source", v[i].source, ", ");
		json_key(fp, "sha256", v[i].sha256, ", ");
		json_key(fp, "inventory", v[i].inventory, ", ");
		fprintf(fp, ", \"nodes\": %llu}", (unsigned long long)v[i].nodes);
	}
	fputs(nv ? "\n]}\n" : "]}\n", fp);
}

static void reports_text(FILE *fp, const fo_snapshot_report_info *v, size_t nv)
{
	int w = 8;
	for (size_t i = 0; i < nv; i++)
		if ((int)strlen(v[i].snapshot) > w)
			w = (int)strlen(v[i].snapshot);
	fprintf(fp, "%6s  %-20s  ", "ID", "CREATED");
	cell(fp, "SNAPSHOT", w);
	fprintf(fp, "  %5s  %s\n", "RUNS", "TITLE");
	for (size_t i = 0; i < nv; i++) {
		fprintf(fp, "%6" PRId64 "  %-20s  ", v[i].id, v[i].created_at);
		cell(fp, v[i].snapshot, w);
		fprintf(fp, "  %5llu  ", (unsigned long long)v[i].runs);
		fo_diag_fputs_escaped(v[i].title ? v[i].title : "", fp);
		putc('\n', fp);
	}
}

static void reports_json(FILE *fp, const fo_snapshot_report_info *v, size_t nv)
{
	fputs("{\"reports\": [", fp);
	for (size_t i = 0; i < nv; i++) {
		fprintf(fp, "%s{\"id\": %" PRId64, i ? ",\n  " : "\n  ", v[i].id);
		json_key(fp, "created_at", v[i].created_at, ", ");
		json_key(fp, "snapshot", v[i].snapshot, ", ");
		json_key(fp, "title", v[i].title, ", ");
		json_key(fp, "input", v[i].input, ", ");
		json_key(fp, "scenarios_file", v[i].scenarios_file, ", ");
		json_key(fp, "scenarios_sha256", v[i].scenarios_sha256, ", ");
		fprintf(fp, ", \"runs\": %llu}", (unsigned long long)v[i].runs);
	}
	fputs(nv ? "\n]}\n" : "]}\n", fp);
}

/* db report: the head of report.json as soon as the stored report is found,
 * then each run as it is read. */
static int on_head(void *p, const fo_snapshot_report_info *m)
{
	fo_batchreport_info info = { m->title, m->inventory, m->input, m->scenarios_file };
	return fo_batchreport_json_head(p, &info);
}

static int on_run(void *p, uint64_t seq, const char *scenario, const char *whatif, size_t len)
{
	return fo_batchreport_json_run(p, (size_t)seq, scenario, whatif, len);
}

static int parse_id(const char *prog, const char *s, int64_t *out)
{
	unsigned long v;
	int status = cmd_count(prog, "report ID", s, 1, &v);
	if (status == EXIT_OK)
		*out = (int64_t)v;
	return status;
}

/* Rebuilds report.json from one read of the stored report. */
static int report_json(const char *prog, const char *db, int64_t id, const char *out_path,
		       fo_diag *diag)
{
	fo_snapshot_report_info *info = NULL;
	size_t spof_len = 0;
	char *spof = NULL;
	cmd_out out = { 0 };
	int err, status;

	if ((status = cmd_out_open(&out, prog, out_path)) != EXIT_OK)
		return status;
	err = fo_snapshot_report_read(db, id, on_head, on_run, out.fp, &info, &spof, &spof_len,
				      diag);
	if (err == FO_OK)
		err = fo_batchreport_json_tail(out.fp, (size_t)info->runs, spof, spof_len);
	if (err < 0)
		status = failed(prog, diag, err);
	else if (err > 0) /* a writer's error code, from a callback */
		status = failed(prog, diag, FO_EIO);
	status = cmd_out_close(&out, prog, status == EXIT_OK) == EXIT_OK ? status : EXIT_IO;
	free(spof);
	fo_snapshot_report_info_free(info, 1);
	return status;
}

int cmd_db(int argc, char **argv)
{
	static const char *const subs[] = { "list", "rm", "reports", "report", NULL };
	const char *prog = spec.prog;
	db_opts o = { 0 };
	fo_snapshot_info *v = NULL;
	fo_snapshot_report_info *rv = NULL;
	size_t nv = 0, nrv = 0;
	fo_diag *diag = NULL;
	cmd_out out = { 0 };
	int status = EXIT_OK, err, sub = -1;
	int64_t report_id = 0;

	if ((status = cmd_parse(&spec, &o, argc, argv)) != EXIT_OK)
		return status == CMD_DONE ? EXIT_OK : status;
	const char *sub_word = o.sub_word, *arg = o.arg, *db = o.db, *out_path = o.output;
	int json = o.json;
	if (!sub_word)
		return cmd_usage_error(prog, "missing subcommand (list, rm, reports or report)");
	for (int i = 0; subs[i]; i++)
		if (!strcmp(sub_word, subs[i]))
			sub = i;
	if (sub < 0)
		return cmd_usage_error(prog, "unknown subcommand '%s' (list, rm, reports or report)",
				       sub_word);
	if (sub == S_RM && !arg)
		return cmd_usage_error(prog, "rm: missing LABEL");
	if (sub == S_REPORT && !arg)
		return cmd_usage_error(prog, "report: missing ID (see fallout db reports)");
	if (sub == S_REPORT && (status = parse_id(prog, arg, &report_id)) != EXIT_OK)
		return status;
	if (json && sub != S_LIST && sub != S_REPORTS)
		return cmd_usage_error(prog, "--format applies to list and reports");
	if (out_path && sub != S_REPORT)
		return cmd_usage_error(prog, "-o applies to report");
	if (!db)
		return cmd_usage_error(prog, "missing --db FILE");
	if (fo_diag_new(&diag, 100) < 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_IO;
	}
	/* Results through cmd_out: a full stdout is said as such. */
	if (sub != S_REPORT && (status = cmd_out_open(&out, prog, NULL)) != EXIT_OK)
		goto done;
	switch (sub) {
	case S_RM:
		if ((err = fo_snapshot_remove(db, arg, diag)) < 0) {
			status = failed(prog, diag, err);
			break;
		}
		fputs("removed ", out.fp);
		fo_diag_fputs_escaped(arg, out.fp);
		fputs(" from ", out.fp);
		fo_diag_fputs_escaped(db, out.fp);
		putc('\n', out.fp);
		break;
	case S_LIST:
		if ((err = fo_snapshot_list(&v, &nv, db, diag)) < 0) {
			status = failed(prog, diag, err);
			break;
		}
		(json ? list_json : list_text)(out.fp, v, nv);
		break;
	case S_REPORTS:
		if ((err = fo_snapshot_reports(&rv, &nrv, db, diag)) < 0) {
			status = failed(prog, diag, err);
			break;
		}
		(json ? reports_json : reports_text)(out.fp, rv, nrv);
		break;
	case S_REPORT:
		status = report_json(prog, db, report_id, out_path, diag);
		break;
	}
	if (cmd_out_close(&out, prog, status == EXIT_OK) != EXIT_OK)
		status = EXIT_IO;
done:
	fo_snapshot_list_free(v, nv);
	fo_snapshot_report_info_free(rv, nrv);
	fo_diag_free(diag);
	return status;
}
