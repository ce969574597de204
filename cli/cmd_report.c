/*
 * cmd_report.c — `fallout report INVENTORY --scenarios FILE -o DIR`: runs
 * every scenario of a file and writes a report folder (index.html,
 * report.md, report.json, impacts.csv and one SVG diagram per scenario;
 * docs/report.md). On a snapshot the runs are stored in its database too.
 *
 * Files are written under temporary names (cmd_out), synced, and renamed
 * into DIR only when all of them are complete, so a failed run leaves an
 * earlier report whole and no temporary file; temporary files of a killed
 * run are removed by the next run into DIR.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "../analyzer/fo_engine.h"
#include "../analyzer/fo_spof.h"
#include "../graphs/fo_error.h"
#include "../graphs/fo_sha256.h"
#include "../graphs/fo_snapshot.h"
#include "../importers/fo_scenarios.h"
#include "../reports/fo_batchreport.h"
#include "../reports/fo_render.h"
#include "../reports/fo_report.h"
#include "../reports/fo_riskreport.h"
#include "../reports/fo_spofreport.h"

/* Nodes to harden named per app in the availability section, and the apps
 * it covers (each costs a BDD of the app's cone: docs/report.md). */
#define REPORT_HARDEN 3
#define REPORT_AVAIL_APPS 50

typedef struct report_opts {
	cmd_inputs in;
	const char *dir, *scenarios;
	unsigned long top, max_nodes;
	int no_diagrams, no_store, quiet;
} report_opts;

#define OFF(f) offsetof(report_opts, f)
static const cmd_opt opts[] = {
	CMD_STRING("scenarios", 0, "FILE", OFF(scenarios), "scenario file (docs/scenarios-format.md)"),
	CMD_STRING("output", 'o', "DIR", OFF(dir), "the report folder"),
	CMD_COUNT("top", 0, "N", OFF(top), 0, "rows of the SPOF ranking (default 20; 0 = all)"),
	CMD_COUNT("max-nodes", 0, "N", OFF(max_nodes), 1, "largest diagram drawn node by node "
		  "(default 150); a larger impact is drawn as the impact map"),
	CMD_FLAG("no-diagrams", 0, OFF(no_diagrams), "no diagrams (Graphviz layout is the slow part)"),
	CMD_FLAG("no-store", 0, OFF(no_store), "on a snapshot, do not store the runs in its database"),
	CMD_FLAG("quiet", 'q', OFF(quiet), "no progress bar (shown only on a terminal, after a moment)"),
	CMD_INPUT_OPTS(OFF(in)),
	CMD_END,
};

static int operand(void *ctx, const char *prog, const char *val)
{
	return cmd_input_operand(prog, &((report_opts *)ctx)->in, val);
}

static const cmd_spec spec = {
	"fallout report",
	"Usage: fallout report INVENTORY... --scenarios FILE -o DIR [options]\n"
	"Runs every scenario of FILE and writes a report folder DIR (created if\n"
	"missing): index.html (one self-contained page: key findings, summary, per\n"
	"scenario the impact, the root-cause chain of each app down and its diagram,\n"
	"then the single points of failure), report.md (the same, diagrams linked),\n"
	"report.json, impacts.csv and scenario-NNN.svg (docs/report.md). DIR must be\n"
	"new, empty or a report folder; diagrams of an earlier run that this run did\n"
	"not draw are removed, other files left alone.\n",
	opts,
	CMD_INPUTS_NOTE
	"With a snapshot DB@LABEL the runs are stored in DB (list them with\n"
	"'fallout db reports --db DB').\n"
	"The pages state when they were written: now, or SOURCE_DATE_EPOCH (seconds\n"
	"since 1970, for reproducible output).\n",
	{ CMD_EXIT_OK, NULL, "usage error", CMD_EXIT_INPUT, CMD_EXIT_IO },
	operand,
};

/* ------------------------------------------------------------ progress */

/* A bar on stderr, only on a terminal and only once the batch has run for
 * a moment (FALLOUT_PROGRESS_DELAY_MS, default 500), redrawn at most ten
 * times a second. */
typedef struct progress {
	int on, drawn;
	double start, last, delay;
	size_t total;
} progress;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_init(progress *p, int quiet, size_t total)
{
	const char *d = getenv("FALLOUT_PROGRESS_DELAY_MS");
	memset(p, 0, sizeof *p);
	p->on = !quiet && isatty(STDERR_FILENO);
	p->total = total;
	p->start = now_s();
	p->delay = d && *d ? strtod(d, NULL) / 1000.0 : 0.5;
}

static void progress_tick(progress *p, size_t done, const char *name)
{
	double t;
	if (!p->on)
		return;
	t = now_s();
	if (t - p->start < p->delay || (p->drawn && t - p->last < 0.1 && done < p->total))
		return;
	int width = 30, fill = p->total ? (int)((double)width * (double)done / (double)p->total) : width;
	fprintf(stderr, "\r\033[Kfallout report: [%.*s%*s] %zu/%zu ", fill,
		"##############################", width - fill, "", done, p->total);
	/* The scenario's name, cut to keep one line (bytes, on a UTF-8 boundary). */
	size_t n = 0, cut = 30;
	while (name[n] && n < cut)
		n++;
	while (n && name[n] && ((unsigned char)name[n] & 0xc0) == 0x80)
		n--;
	for (size_t i = 0; i < n; i++)
		fputc((unsigned char)name[i] < 0x20 ? '?' : name[i], stderr);
	fflush(stderr);
	p->drawn = 1;
	p->last = t;
}

static void progress_done(progress *p)
{
	if (p->on && p->drawn)
		fputs("\r\033[K", stderr);
}

/* ------------------------------------------------------------ files */

/* A diagram: written and synced while the batch runs, renamed into DIR
 * with the other files at the end. */
typedef struct svgfile {
	char *path;
	cmd_out out;
} svgfile;

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* Creates DIR unless it exists as a directory. */
static int make_dir(const char *prog, const char *dir)
{
	struct stat sb;
	if (stat(dir, &sb) == 0) {
		if (S_ISDIR(sb.st_mode))
			return EXIT_OK;
		fprintf(stderr, "%s: '", prog);
		fo_diag_fputs_escaped(dir, stderr);
		fputs("' exists and is not a directory\n", stderr);
		return EXIT_IO;
	}
	if (mkdir(dir, 0777) != 0) {
		int err = errno;
		char *missing = err == ENOENT ? cmd_missing_dir(dir) : NULL;
		fprintf(stderr, "%s: cannot create '", prog);
		fo_diag_fputs_escaped(dir, stderr);
		if (missing) {
			fputs("': no such directory '", stderr);
			fo_diag_fputs_escaped(missing, stderr);
			fputs("'\n", stderr);
		} else {
			fprintf(stderr, "': %s\n", strerror(err));
		}
		free(missing);
		return EXIT_IO;
	}
	return EXIT_OK;
}

/* Writes len bytes to f->path's temporary file and closes it: only the
 * rename is left (cmd_out_commit). Says why on failure. */
static int write_tmp(const char *prog, svgfile *f, const char *data, size_t len)
{
	int status;
	if ((status = cmd_out_open(&f->out, prog, f->path)) != EXIT_OK)
		return status;
	fwrite(data, 1, len, f->out.fp); /* an error is seen by prepare */
	return cmd_out_prepare(&f->out, prog);
}

/* True for a file name this command writes into DIR. */
static int ours(const char *name, size_t len)
{
	static const char *const fixed[] = { "index.html", "report.md", "report.json",
					     "impacts.csv", NULL };
	for (int i = 0; fixed[i]; i++)
		if (strlen(fixed[i]) == len && !strncmp(name, fixed[i], len))
			return 1;
	if (len < 13 || strncmp(name, "scenario-", 9) || strncmp(name + len - 4, ".svg", 4))
		return 0;
	for (size_t i = 9; i < len - 4; i++)
		if (name[i] < '0' || name[i] > '9')
			return 0;
	return 1;
}

/* The number N of "scenario-NNN.svg" as this command names scenario N
 * (at least three digits, no extra leading zero), or 0. */
static size_t svg_number(const char *name)
{
	size_t len = strlen(name), n = 0;
	char canon[64];
	if (!ours(name, len) || len < 13 || strncmp(name, "scenario-", 9))
		return 0;
	for (size_t i = 9; i < len - 4; i++) {
		if (n > SIZE_MAX / 10 - 1)
			return 0;
		n = n * 10 + (size_t)(name[i] - '0');
	}
	snprintf(canon, sizeof canon, "scenario-%03zu.svg", n);
	return n && !strcmp(canon, name) ? n : 0;
}

/* True when DIR/index.html was written by fallout report: its head names
 * fallout as generator (older reports: their title starts "fallout: "). */
static int fallout_index(const char *dir)
{
	char head[4097], *path = join(dir, "index.html");
	FILE *fp = path ? fopen(path, "rb") : NULL;
	size_t n = 0;
	free(path);
	if (!fp)
		return 0;
	n = fread(head, 1, sizeof head - 1, fp);
	fclose(fp);
	head[n] = '\0';
	return !strncmp(head, "<!DOCTYPE html>", 15) &&
	       (strstr(head, "<meta name=\"generator\" content=\"fallout") ||
		strstr(head, "<title>fallout: "));
}

/* A report owns its folder (docs/report.md, "The report folder"): DIR must
 * be missing, empty, or hold a report of fallout's (its index.html), or
 * hold only files with the names this command writes (the remains of a
 * report killed before its index.html was renamed). Names starting with '.'
 * are ignored. Otherwise says which files are in the way and returns
 * EXIT_IO. O(entries of DIR). */
static int check_dir(const char *prog, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t unknown = 0;
	char *first = NULL;
	int status = EXIT_OK, report = 0;
	if (!d)
		return EXIT_OK; /* missing: make_dir creates it, or says why not */
	while ((e = readdir(d)) != NULL) {
		const char *t = strstr(e->d_name, ".tmp-");
		size_t len = t ? (size_t)(t - e->d_name) : strlen(e->d_name);
		if (e->d_name[0] == '.' || (ours(e->d_name, len) && strcmp(e->d_name, "index.html")))
			continue;
		if (!strcmp(e->d_name, "index.html") && fallout_index(dir)) {
			report = 1;
			continue;
		}
		if (!unknown++)
			first = strdup(e->d_name);
	}
	closedir(d);
	if (unknown && !report) {
		fprintf(stderr, "%s: '", prog);
		fo_diag_fputs_escaped(dir, stderr);
		fputs("' is not empty and holds no fallout report (it has '", stderr);
		fo_diag_fputs_escaped(first ? first : "?", stderr);
		if (unknown > 1)
			fprintf(stderr, "' and %zu more", unknown - 1);
		else
			fputs("'", stderr);
		fputs("); give a new or empty folder, or one a report was written into\n", stderr);
		status = EXIT_IO;
	}
	free(first);
	return status;
}

/* After a report is in place: removes the scenario-NNN.svg files that this
 * run did not write (diagrams of an earlier, longer run, or of scenarios
 * that now have none), so that the folder holds one report. written[i] is
 * nonzero when scenario i + 1 got a diagram. Other names are left alone.
 * A file that cannot be removed is a warning. O(entries of DIR). */
static void remove_stale(const char *prog, const char *dir, const unsigned char *written,
			 size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat sb;
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		size_t k = svg_number(e->d_name);
		if (!k || (k <= n && written[k - 1]))
			continue;
		char *path = join(dir, e->d_name);
		if (path && lstat(path, &sb) == 0 && !S_ISDIR(sb.st_mode) && unlink(path) != 0) {
			fprintf(stderr, "%s: warning: cannot remove the stale diagram '", prog);
			fo_diag_fputs_escaped(path, stderr);
			fprintf(stderr, "': %s\n", strerror(errno));
		}
		free(path);
	}
	closedir(d);
}

/* The time the report states: SOURCE_DATE_EPOCH when set (reproducible
 * builds: seconds since 1970-01-01 UTC), else now; as ISO 8601 UTC into
 * out. Returns EXIT_OK, or EXIT_USAGE after saying why. */
static int report_time(const char *prog, char out[32])
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	time_t t;
	struct tm tm;
	if (env && *env) {
		unsigned long long v = 0;
		const char *p = env;
		/* Up to 9999-12-31T23:59:59Z: four-digit years only. */
		for (; *p >= '0' && *p <= '9' && v <= 253402300799ULL; p++)
			v = v * 10 + (unsigned long long)(*p - '0');
		if (*p || v > 253402300799ULL || (time_t)v < 0 || (unsigned long long)(time_t)v != v)
			return cmd_usage_error(prog, "SOURCE_DATE_EPOCH must be a whole number of "
						     "seconds since 1970-01-01 UTC, not '%s'", env);
		t = (time_t)v;
	} else {
		t = time(NULL);
	}
	if (t == (time_t)-1 || !gmtime_r(&t, &tm) ||
	    !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		fprintf(stderr, "%s: cannot read the clock\n", prog);
		return EXIT_IO;
	}
	return EXIT_OK;
}

/* Removes NAME.tmp-PID files that a killed run left in DIR: only names this
 * command writes, only when PID is no live process (kill(pid, 0) says
 * ESRCH), never our own. Best effort: an error only leaves them. O(entries
 * of DIR). */
static void clean_stale(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		const char *t = strstr(e->d_name, ".tmp-"), *p;
		long pid = 0;
		if (!t || !ours(e->d_name, (size_t)(t - e->d_name)))
			continue;
		for (p = t + 5; *p >= '0' && *p <= '9' && pid < 100000000; p++)
			pid = pid * 10 + (*p - '0');
		if (*p || p == t + 5 || pid <= 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		char *path = join(dir, e->d_name);
		if (path)
			unlink(path);
		free(path);
	}
	closedir(d);
}

/* ------------------------------------------------------------ one run */

typedef struct ctx {
	const char *prog, *dir;
	fo_graph *g;
	fo_engine *e;
	fo_batchreport *br;
	fo_snapshot_report_writer *store;
	cmd_out json, csv;
	fo_render_opts ropts;
	int diagrams;
	svgfile *svgs;
	unsigned char *written; /* [i]: scenario i + 1 has its diagram file */
	size_t nsvgs, omitted;
	int said; /* a write error was reported with its reason */
} ctx;

/* Renders the impact of the last run as SVG into *svg (malloc'd), or
 * explains in *note (malloc'd) why there is no diagram. */
static int render_svg(ctx *c, char **svg, size_t *len, char **note)
{
	fo_diag *diag = NULL;
	FILE *fp = NULL;
	char *msg = NULL;
	size_t msg_len = 0;
	int err;

	*svg = NULL;
	*note = NULL;
	if ((err = fo_diag_new(&diag, 20)) < 0)
		return err;
	if (!(fp = open_memstream(svg, len))) {
		err = FO_ENOMEM;
		goto done;
	}
	err = fo_render(fp, c->e, &c->ropts, diag);
	if (fclose(fp) != 0 && err == FO_OK)
		err = FO_ENOMEM;
	if (err != FO_ELIMIT && err != FO_ERENDER)
		goto done;
	/* Too large, or Graphviz failed: the page says so instead. */
	free(*svg);
	*svg = NULL;
	FILE *mp = open_memstream(&msg, &msg_len);
	if (!mp) {
		err = FO_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < fo_diag_count(diag); i++)
		fprintf(mp, "%s%s", i ? "; " : "", fo_diag_get(diag, i)->msg);
	if (!fo_diag_count(diag))
		fputs(fo_strerror(err), mp);
	if (fclose(mp) != 0) {
		err = FO_ENOMEM;
		goto done;
	}
	*note = msg;
	msg = NULL;
	c->omitted++;
	err = FO_OK;
done:
	free(msg);
	fo_diag_free(diag);
	return err;
}

static int run_one(ctx *c, const fo_scenarios *sc, size_t i)
{
	const char *name = fo_scenarios_scenario_name(sc, i);
	fo_scenario s;
	fo_summary sum;
	char *whatif = NULL, *svg = NULL, *note = NULL, fname[64];
	size_t whatif_len = 0, svg_len = 0;
	FILE *mp = NULL;
	fo_batchreport_diagram d = { 0 };
	int err;

	s.nfail = fo_scenarios_fail(sc, i, &s.fail);
	s.ndestroy = fo_scenarios_destroy(sc, i, &s.destroy);
	if ((err = fo_engine_run(c->e, &s)) < 0)
		goto done;
	fo_engine_summary(c->e, &sum);
	if (!(mp = open_memstream(&whatif, &whatif_len))) {
		err = FO_ENOMEM;
		goto done;
	}
	err = fo_report_whatif(mp, c->e, &s, FO_FORMAT_JSON, 0);
	if (fclose(mp) != 0 && err == FO_OK)
		err = FO_ENOMEM;
	if (err < 0 ||
	    (err = fo_batchreport_json_run(c->json.fp, i, name, whatif, whatif_len)) < 0 ||
	    (err = fo_report_impacts_csv(c->csv.fp, c->e, name, i == 0)) < 0)
		goto done;
	if (c->store && (err = fo_snapshot_report_run(c->store, name, sum.apps_down, sum.down,
						       whatif, whatif_len)) < 0)
		goto done;
	if (c->diagrams) {
		if ((err = render_svg(c, &svg, &svg_len, &note)) < 0)
			goto done;
		if (svg) {
			svgfile *f = &c->svgs[c->nsvgs];
			snprintf(fname, sizeof fname, "scenario-%03zu.svg", i + 1);
			if (!(f->path = join(c->dir, fname))) {
				err = FO_ENOMEM;
				goto done;
			}
			c->nsvgs++;
			if (write_tmp(c->prog, f, svg, svg_len) != EXIT_OK) {
				err = FO_EIO;
				c->said = 1;
				goto done;
			}
			c->written[i] = 1;
			d.svg = svg;
			d.svg_len = svg_len;
			d.file = fname;
		} else {
			d.note = note;
		}
	} else {
		d.note = "diagrams were not drawn (--no-diagrams)";
	}
	err = fo_batchreport_add(c->br, c->e, name, &s, &d);
done:
	free(whatif);
	free(svg);
	free(note);
	return err;
}

/* The SPOF document as `spof --format json` prints it, into *doc. */
static int spof_json(const fo_spofreport *sr, char **doc, size_t *len)
{
	FILE *mp = open_memstream(doc, len);
	int err;
	if (!mp)
		return FO_ENOMEM;
	err = fo_spofreport_write(mp, sr, FO_SPOFREPORT_JSON);
	if (fclose(mp) != 0 && err == FO_OK)
		err = FO_ENOMEM;
	return err;
}

int cmd_report(int argc, char **argv)
{
	const char *prog = spec.prog, *path = NULL, *dir, *scen_path;
	report_opts o = { .top = 20, .max_nodes = FO_RENDER_MAX_BOXES };
	unsigned long top, max_nodes;
	int status = EXIT_OK, err = FO_OK, quiet, no_store, diagrams;
	fo_diag *diag = NULL;
	fo_scenarios *sc = NULL;
	fo_spof *spof = NULL;
	fo_spofreport sr = { 0 };
	fo_riskreport_apps avail = { 0 };
	char stamp[32], *spof_doc = NULL, *db = NULL, *html_path = NULL, *md_path = NULL, *json_path = NULL,
	     *csv_path = NULL;
	size_t spof_len = 0, n = 0;
	cmd_out html = { 0 }, md = { 0 };
	fo_batchreport_info info = { 0 };
	progress pg;
	ctx c = { 0 };
	int64_t report_id = 0;

	c.prog = prog;
	if ((status = cmd_parse(&spec, &o, argc, argv)) != EXIT_OK) {
		if (status == CMD_DONE)
			status = EXIT_OK;
		goto done;
	}
	dir = o.dir;
	scen_path = o.scenarios;
	top = o.top;
	max_nodes = o.max_nodes;
	quiet = o.quiet;
	no_store = o.no_store;
	diagrams = !o.no_diagrams;
	if (!o.in.n) {
		status = cmd_usage_error(prog, "missing INVENTORY");
		goto done;
	}
	/* The input as the report names it: the file given, or the joined
	 * graph's sources. */
	path = o.in.paths[0];
	if (!scen_path) {
		status = cmd_usage_error(prog, "missing --scenarios FILE");
		goto done;
	}
	if (!dir) {
		status = cmd_usage_error(prog, "missing -o DIR (the report folder)");
		goto done;
	}
	int stdin_used = 0;
	for (size_t i = 0; i < o.in.n; i++)
		stdin_used |= !strcmp(o.in.paths[i], "-");
	if (stdin_used && !strcmp(scen_path, "-")) {
		status = cmd_usage_error(prog, "INVENTORY and --scenarios cannot both be - (standard input)");
		goto done;
	}
	if ((status = report_time(prog, stamp)) != EXIT_OK)
		goto done;
	if (fo_diag_new(&diag, 100) < 0) {
		status = EXIT_IO;
		goto done;
	}
	if ((status = cmd_load(&c.g, prog, &o.in, 0)) != EXIT_OK)
		goto done;
	fo_diag_free(diag);
	diag = NULL;
	if (fo_diag_new(&diag, 100) < 0) {
		status = EXIT_IO;
		goto done;
	}
	if ((err = fo_scenarios_load(&sc, scen_path, c.g, diag)) != FO_OK) {
		cmd_diag_print(prog, diag, stderr);
		status = cmd_exit_for(err);
		goto done;
	}
	n = fo_scenarios_count(sc);
	const char *given = NULL;
	int snap = o.in.n == 1 ? cmd_split_snapshot(path, &db, &given) : 0;
	if (snap < 0) {
		err = FO_ENOMEM;
		goto fail;
	}
	info.title = fo_scenarios_name(sc);
	info.inventory = fo_graph_name(c.g);
	info.input = snap || o.in.n > 1 ? fo_graph_file(c.g) : path;
	info.scenarios_file = scen_path;
	info.generated = stamp;
	info.version = FO_VERSION;

	/* On a snapshot, take the write lock first: a database we cannot
	 * store into is refused before any work (or skipped with --no-store).
	 * The loaded graph is named DB@LABEL with the label that was loaded
	 * (the newest when none was given). */
	if (snap && !no_store) {
		const char *label = strrchr(fo_graph_file(c.g), '@') + 1;
		/* The digest of the bytes the runs came from, taken during the
		 * one read (the file is not opened again: a pipe would give
		 * nothing, a file rewritten since another digest). */
		fo_snapshot_report_meta meta = { info.title, info.input, scen_path,
						 fo_scenarios_sha256(sc) };
		if ((err = fo_snapshot_report_begin(&c.store, db, label, &meta, diag)) < 0) {
			cmd_diag_print(prog, diag, stderr);
			fprintf(stderr, "%s: cannot store the runs in the snapshot's database "
					"(--no-store writes the report without storing)\n", prog);
			status = cmd_exit_for(err);
			err = FO_OK;
			goto done;
		}
	}

	if ((status = check_dir(prog, dir)) != EXIT_OK || (status = make_dir(prog, dir)) != EXIT_OK)
		goto done;
	clean_stale(dir);
	if (!(html_path = join(dir, "index.html")) || !(md_path = join(dir, "report.md")) ||
	    !(json_path = join(dir, "report.json")) || !(csv_path = join(dir, "impacts.csv")) ||
	    !(c.svgs = calloc(n ? n : 1, sizeof *c.svgs)) || !(c.written = calloc(n ? n : 1, 1))) {
		err = FO_ENOMEM;
		goto fail;
	}
	if ((status = cmd_out_open(&html, prog, html_path)) != EXIT_OK ||
	    (status = cmd_out_open(&md, prog, md_path)) != EXIT_OK ||
	    (status = cmd_out_open(&c.json, prog, json_path)) != EXIT_OK ||
	    (status = cmd_out_open(&c.csv, prog, csv_path)) != EXIT_OK)
		goto done;
	c.dir = dir;
	c.diagrams = diagrams;
	/* up to max_nodes nodes one by one, above that the map (of at least
	 * the default budget of boxes); messages without command-line options:
	 * they go onto the page */
	c.ropts = (fo_render_opts){ .scope = FO_SCOPE_IMPACT, .format = "svg", .max_nodes = max_nodes,
				    .max_boxes = max_nodes > FO_RENDER_MAX_BOXES ? max_nodes : 0 };
	if ((err = fo_engine_new(&c.e, c.g)) < 0 ||
	    (err = fo_batchreport_new(&c.br, c.g, &info)) < 0 ||
	    (err = fo_batchreport_json_head(c.json.fp, &info)) < 0)
		goto fail;

	progress_init(&pg, quiet, n);
	for (size_t i = 0; i < n; i++) {
		progress_tick(&pg, i, fo_scenarios_scenario_name(sc, i));
		if ((err = run_one(&c, sc, i)) < 0)
			break;
	}
	progress_tick(&pg, n, "");
	progress_done(&pg);
	if (err < 0)
		goto fail;
	if (n == 0) /* an empty batch still gets a CSV header */
		fputs("scenario,id,kind,tenant,tier,state,flags,cause,root\r\n", c.csv.fp);

	if ((err = fo_spof_compute(&spof, c.g)) < 0 ||
	    (err = fo_spofreport_select(&sr, c.g, spof, FO_NONE, NULL, top)) < 0 ||
	    (err = fo_spofreport_pairs(&sr, 0, FO_SPOFREPORT_PAIR_APPS)) < 0 ||
	    (err = fo_riskreport_apps_compute(&avail, c.g, sr.apps,
					       sr.napps < REPORT_AVAIL_APPS ? sr.napps : REPORT_AVAIL_APPS,
					       0, NULL)) < 0 ||
	    (err = spof_json(&sr, &spof_doc, &spof_len)) < 0 ||
	    (err = fo_batchreport_json_tail(c.json.fp, n, spof_doc, spof_len)) < 0 ||
	    (fo_batchreport_set_availability(c.br, avail.a, avail.n, REPORT_HARDEN, sr.napps), 0) ||
	    (err = fo_batchreport_finish(c.br, &sr, html.fp, md.fp)) < 0)
		goto fail;

	/* Every file complete and synced before the first rename; index.html
	 * (the entry point) last. Then the database: a report on disk is what
	 * was asked for. */
	if ((status = cmd_out_prepare(&html, prog)) != EXIT_OK ||
	    (status = cmd_out_prepare(&md, prog)) != EXIT_OK ||
	    (status = cmd_out_prepare(&c.json, prog)) != EXIT_OK ||
	    (status = cmd_out_prepare(&c.csv, prog)) != EXIT_OK)
		goto done;
	for (size_t i = 0; i < c.nsvgs; i++)
		if ((status = cmd_out_commit(&c.svgs[i].out, prog)) != EXIT_OK)
			goto done;
	if ((status = cmd_out_commit(&c.csv, prog)) != EXIT_OK ||
	    (status = cmd_out_commit(&c.json, prog)) != EXIT_OK ||
	    (status = cmd_out_commit(&md, prog)) != EXIT_OK ||
	    (status = cmd_out_commit(&html, prog)) != EXIT_OK)
		goto done;
	remove_stale(prog, dir, c.written, n);
	if (c.store) {
		fo_snapshot_report_writer *w = c.store;
		c.store = NULL;
		if ((err = fo_snapshot_report_commit(w, spof_doc, spof_len, &report_id)) < 0) {
			cmd_diag_print(prog, diag, stderr);
			fprintf(stderr, "%s: the report was written, but its runs were not stored\n", prog);
			goto fail;
		}
	}
	if (c.omitted)
		fprintf(stderr, "%s: warning: %zu of %zu diagrams not drawn (Graphviz failed or "
				"the drawing was too large); the report says why\n",
			prog, c.omitted, n);
	printf("%s: %zu scenario%s", dir, n, n == 1 ? "" : "s");
	if (report_id)
		printf(", stored as report %lld in %s", (long long)report_id, db);
	printf("\n");
fail:
	if (err < 0) {
		/* Discarding the outputs says a write error with its reason
		 * ("No space left on device"); a bare "input/output error"
		 * after it would add nothing. */
		int said = c.said || status != EXIT_OK;
		cmd_out *outs[] = { &html, &md, &c.json, &c.csv };
		for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
			if (said) /* one reason is enough */
				cmd_out_discard(outs[i]);
			else
				said = cmd_out_close(outs[i], prog, 0) != EXIT_OK;
		}
		if (err != FO_EIO || !said)
			fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
		if (status == EXIT_OK)
			status = said && err == FO_EIO ? EXIT_IO : cmd_exit_for(err);
	}
done:
	/* Whatever was not committed (the reason was said): temporary files
	 * removed. */
	cmd_out_discard(&html);
	cmd_out_discard(&md);
	cmd_out_discard(&c.json);
	cmd_out_discard(&c.csv);
	for (size_t i = 0; i < c.nsvgs; i++) {
		cmd_out_discard(&c.svgs[i].out);
		free(c.svgs[i].path);
	}
	free(c.svgs);
	free(c.written);
	fo_snapshot_report_free(c.store);
	fo_batchreport_free(c.br);
	fo_engine_free(c.e);
	free(spof_doc);
	fo_spofreport_dispose(&sr);
	fo_riskreport_apps_dispose(&avail);
	fo_spof_free(spof);
	fo_scenarios_free(sc);
	fo_graph_free(c.g);
	free(html_path);
	free(md_path);
	free(json_path);
	free(csv_path);
	free(db);
	fo_diag_free(diag);
	cmd_inputs_dispose(&o.in);
	return status;
}
