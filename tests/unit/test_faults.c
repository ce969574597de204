/*
 * test_faults.c — fault injection in the spirit of SQLite's malloc tests:
 * every allocation of an operation is made to fail in turn.
 *
 * For each operation (an inventory load, a what-if with its text, JSON and
 * CSV reports, the impact map, a batch report, a snapshot save, a report
 * stored with a snapshot, a snapshot load through its compiled copy and
 * through its rows, a load with failure data, an app's fault trees), the
 * driver runs it once
 * unarmed for a reference result and to warm up the libraries' one-time
 * state, records the live blocks, bytes and file descriptors, then for
 * N = 1, 2, ... arms failmalloc to fail the Nth allocation (once, then in a
 * second pass from N on) and runs it again, until a run succeeds without
 * reaching N. Each failed run must return FO_ENOMEM, return nothing (out
 * pointers NULL), write no file and leave the snapshot database as it was;
 * a run that absorbed the failure (a library's optional cache) must give
 * the reference result; and after every run the live counts are back at
 * the baseline: nothing leaked. The number of injection points printed per
 * operation shows that it ran. Graphviz's layout (fo_render) is left out:
 * Graphviz 2.42 exits the process when an allocation fails (docs in
 * tests/unit/README.md); the batch report gets real SVG rendered unarmed.
 *
 * Needs the interposed malloc (tests/unit/failmalloc/): skipped, with the
 * reason printed, under AddressSanitizer and valgrind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libxml/xmlerror.h>
#include <sqlite3.h>

#include "analyzer/fo_check.h"
#include "analyzer/fo_engine.h"
#include "analyzer/fo_spof.h"
#include "graphs/fo_error.h"
#include "graphs/fo_sha256.h"
#include "graphs/fo_snapshot.h"
#include "importers/fo_inventory.h"
#include "importers/fo_openpsa.h"
#include "reports/fo_batchreport.h"
#include "reports/fo_map.h"
#include "reports/fo_render.h"
#include "reports/fo_report.h"
#include "reports/fo_spofreport.h"
#include "risk/fo_ftgraph.h"
#include "failmalloc/failmalloc.h"

/* One operation under test. run() is the armed part; it must leave nothing
 * allocated on failure. settle() (unarmed, may be NULL) checks and frees
 * what a run produced: on success, compare with the reference; on failure,
 * that nothing partial is left. */
typedef struct op {
	const char *name;
	void (*prep)(struct op *o); /* unarmed, before each run; may be NULL */
	int (*run)(struct op *o);
	void (*settle)(struct op *o, int err, int reference);
	void *ctx;
} op;

/* Every point is tried (no sampling: the whole file runs in about a
 * second). A bound, so that an operation that never stops allocating
 * fails instead of running forever. */
#define MAX_POINTS 100000

/* The run in progress, for messages. */
static unsigned long cur_n;
static int cur_persist;

static int skip_reason(void)
{
	const char *why = fm_unavailable();
	if (why) {
		print_message("[  SKIPPED ] fault injection: %s\n", why);
		return 1;
	}
	return 0;
}

static int fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* Runs o unarmed (the reference), then with every allocation failing in
 * turn: once, and from N on. Returns the injection points of one pass. */
static unsigned long inject(op *o)
{
	int err;
	unsigned long points = 0;

	/* Twice: the first run initialises the libraries (libxml2's parser,
	 * SQLite's, igraph's), the second must then be at steady state. */
	for (int i = 0; i < 2; i++) {
		if (o->prep)
			o->prep(o);
		err = o->run(o);
		if (err != FO_OK)
			fail_msg("%s: unarmed run failed: %s", o->name, fo_strerror(err));
		o->settle(o, err, 1);
	}
	xmlResetLastError();
	const long blocks = fm_live_blocks(), bytes = fm_live_bytes();
	const int fds = fd_count();

	for (int persist = 0; persist < 2; persist++) {
		unsigned long n, absorbed = 0;
		for (n = 1;; n++) {
			if (n > MAX_POINTS)
				fail_msg("%s: more than %d allocations", o->name, MAX_POINTS);
			if (o->prep)
				o->prep(o);
			cur_n = n;
			cur_persist = persist;
			fm_arm(n, persist);
			err = o->run(o);
			unsigned long hit = fm_disarm();
			if (hit == 0) {
				if (err != FO_OK)
					fail_msg("%s: failed without an injected failure: %s",
						 o->name, fo_strerror(err));
				o->settle(o, err, 0);
				break;
			}
			if (err == FO_OK)
				absorbed++;
			else if (err != FO_ENOMEM)
				fail_msg("%s: allocation %lu failed (%s): gave '%s', not FO_ENOMEM",
					 o->name, n, persist ? "from then on" : "once", fo_strerror(err));
			o->settle(o, err, 0);
			/* libxml2 keeps a copy of the last error it raised (its
			 * "Memory allocation failed" included) in a per-thread
			 * global, freed when the next one replaces it: state, not
			 * a leak, but it would hide one from the counts. */
			xmlResetLastError();
			if (fm_live_blocks() != blocks || fm_live_bytes() != bytes)
				fail_msg("%s: allocation %lu failed (%s, %s): %ld blocks, %ld bytes leaked",
					 o->name, n, persist ? "from then on" : "once", fo_strerror(err),
					 fm_live_blocks() - blocks, fm_live_bytes() - bytes);
			if (fd_count() != fds)
				fail_msg("%s: allocation %lu failed: %d file descriptors leaked", o->name,
					 n, fd_count() - fds);
		}
		print_message("[ FAULTS   ] %-28s %5lu injection points (fail %s), %lu absorbed "
			      "with the right result\n", o->name, n - 1,
			      persist ? "from N on" : "once", absorbed);
		if (persist == 0)
			points = n - 1;
	}
	if (fm_live_blocks() != blocks || fm_live_bytes() != bytes)
		fail_msg("%s: leaked %ld blocks after the last run", o->name, fm_live_blocks() - blocks);
	return points;
}

/* ---------------------------------------------------------------- load */

typedef struct load_ctx {
	const char *path;
	int threads; /* fo_inventory_opts.threads: 2 = the builder's own thread */
	fo_graph *g;
	/* The reference: counts and the last node's id. */
	uint32_t nodes, groups;
	size_t members;
	char last[128];
} load_ctx;

static int load_run(op *o)
{
	load_ctx *c = o->ctx;
	fo_diag *d = NULL;
	fo_inventory_opts opts = { 0, NULL, 0, c->threads };
	int err = fo_diag_new(&d, 0);
	if (err == FO_OK)
		err = fo_inventory_load(&c->g, c->path, &opts, d);
	fo_diag_free(d);
	return err;
}

static void load_settle(op *o, int err, int reference)
{
	load_ctx *c = o->ctx;
	if (err != FO_OK) {
		assert_null(c->g);
		return;
	}
	assert_non_null(c->g);
	uint32_t n = fo_graph_node_count(c->g);
	const char *last = n ? fo_graph_node_id(c->g, n - 1) : "";
	if (reference) {
		c->nodes = n;
		c->groups = fo_graph_group_count(c->g);
		c->members = fo_graph_member_count(c->g);
		snprintf(c->last, sizeof c->last, "%s", last);
	} else {
		assert_int_equal(n, c->nodes);
		assert_int_equal(fo_graph_group_count(c->g), c->groups);
		assert_int_equal(fo_graph_member_count(c->g), c->members);
		assert_string_equal(last, c->last);
	}
	fo_graph_free(c->g);
	c->g = NULL;
}

static void load_sample(const char *path, int threads)
{
	load_ctx c = { path, threads, NULL, 0, 0, 0, "" };
	char name[64];
	snprintf(name, sizeof name, "load %s%s", strrchr(path, '/') + 1,
		 threads == 2 ? " (2 threads)" : "");
	op o = { name, NULL, load_run, load_settle, &c };
	assert_true(inject(&o) > 0);
}

static void load_quickstart(void **state)
{
	(void)state;
	if (skip_reason())
		skip();
	load_sample("samples/quickstart.xml", 0);
}

static void load_tencent(void **state)
{
	(void)state;
	if (skip_reason())
		skip();
	load_sample("samples/tencent-gz-2023.xml", 0);
}

/* The builder's thread from the start: a failure in either thread gives
 * FO_ENOMEM, and nothing leaks (the worker is joined on every path). */
static void load_threaded(void **state)
{
	(void)state;
	if (skip_reason())
		skip();
	load_sample("samples/quickstart.xml", 2);
	load_sample("samples/tencent-gz-2023.xml", 2);
}

/* ---------------------------------------------------------------- check */

/* fo_check_warnings computes the shared-fate sets on a second thread: a
 * failure there gives FO_ENOMEM too, and nothing leaks. A diag entry that
 * cannot be stored is counted, not an error: the counts must then still
 * be those of the reference. */
typedef struct check_ctx {
	fo_graph *g;
	fo_check_stats ref;
} check_ctx;

static fo_check_stats check_st;

static int check_run(op *o)
{
	check_ctx *c = o->ctx;
	fo_diag *d = NULL;
	int err = fo_diag_new(&d, 0);
	memset(&check_st, 0, sizeof check_st);
	if (err == FO_OK)
		err = fo_check_warnings(c->g, d, &check_st);
	fo_diag_free(d);
	return err;
}

static void check_settle(op *o, int err, int reference)
{
	check_ctx *c = o->ctx;
	if (err != FO_OK)
		return;
	if (reference)
		c->ref = check_st;
	else
		assert_memory_equal(&c->ref, &check_st, sizeof check_st);
}

static void check_warnings(void **state)
{
	(void)state;
	if (skip_reason())
		skip();
	check_ctx c;
	fo_diag *d = NULL;
	memset(&c, 0, sizeof c);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_inventory_load(&c.g, "samples/tencent-gz-2023.xml", NULL, d), FO_OK);
	fo_diag_free(d);
	op o = { "check warnings", NULL, check_run, check_settle, &c };
	assert_true(inject(&o) > 0);
	assert_true(c.ref.shared_fate + c.ref.shared + c.ref.unused > 0);
	fo_graph_free(c.g);
}

/* ---------------------------------------------------------------- whatif */

/* Reports go to a fixed buffer with a fixed stdio buffer, opened unarmed:
 * the stream itself allocates nothing while armed. */
typedef struct memout {
	char buf[1 << 18];
	char iobuf[4096];
	FILE *fp;
	long len;
} memout;

static void mo_open(memout *m)
{
	m->fp = fmemopen(m->buf, sizeof m->buf, "w");
	assert_non_null(m->fp);
	assert_int_equal(setvbuf(m->fp, m->iobuf, _IOFBF, sizeof m->iobuf), 0);
}

static void mo_close(memout *m)
{
	assert_int_equal(fflush(m->fp), 0);
	m->len = ftell(m->fp);
	assert_true(m->len >= 0 && (size_t)m->len < sizeof m->buf);
	assert_int_equal(fclose(m->fp), 0);
	m->fp = NULL;
}

typedef struct whatif_ctx {
	fo_graph *g;
	uint32_t fail[2], why;
	memout out;
	char ref[sizeof ((memout *)0)->buf];
	long ref_len;
} whatif_ctx;

static fo_graph *load(const char *path)
{
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_inventory_load(&g, path, NULL, d), FO_OK);
	fo_diag_free(d);
	return g;
}

static uint32_t node(const fo_graph *g, const char *id)
{
	uint32_t v;
	if (fo_graph_lookup(g, id, &v) != FO_OK)
		fail_msg("no node %s", id);
	return v;
}

static void whatif_prep(op *o)
{
	whatif_ctx *c = o->ctx;
	mo_open(&c->out);
}

static int whatif_run(op *o)
{
	whatif_ctx *c = o->ctx;
	fo_engine *e = NULL;
	fo_scenario sc = { c->fail, 2, NULL, 0 };
	int err;

	if ((err = fo_engine_new(&e, c->g)) < 0 || (err = fo_engine_run(e, &sc)) < 0 ||
	    (err = fo_report_whatif(c->out.fp, e, &sc, FO_FORMAT_TEXT, 1)) < 0 ||
	    (err = fo_report_whatif(c->out.fp, e, &sc, FO_FORMAT_JSON, 0)) < 0 ||
	    (err = fo_report_whatif(c->out.fp, e, &sc, FO_FORMAT_CSV, 0)) < 0 ||
	    (err = fo_report_why(c->out.fp, e, c->why)) < 0)
		goto done;
done:
	fo_engine_free(e);
	return err;
}

/* Same bytes as the reference on success. A failed writer may have
 * written part of a report to the caller's stream: discarding it is the
 * caller's business (the CLI writes to a temporary file it renames). */
static void same_output(const char *name, const char *ref, long ref_len, const memout *m)
{
	if (m->len != ref_len || memcmp(m->buf, ref, (size_t)ref_len) != 0)
		fail_msg("%s: allocation %lu failed (%s): succeeded, with different output", name,
			 cur_n, cur_persist ? "from then on" : "once");
}

static void whatif_settle(op *o, int err, int reference)
{
	whatif_ctx *c = o->ctx;
	mo_close(&c->out);
	if (reference) {
		memcpy(c->ref, c->out.buf, (size_t)c->out.len);
		c->ref_len = c->out.len;
		assert_true(c->ref_len > 0);
	} else if (err == FO_OK) {
		same_output(o->name, c->ref, c->ref_len, &c->out);
	}
}

static void whatif_reports(void **state)
{
	(void)state;
	if (skip_reason())
		skip();
	whatif_ctx *c = calloc(1, sizeof *c);
	assert_non_null(c);
	c->g = load("samples/tencent-gz-2023.xml");
	c->fail[0] = node(c->g, "gz-cooling");
	c->fail[1] = node(c->g, "sh-cooling");
	c->why = node(c->g, "qq-file-transfer");
	op o = { "whatif text+json+csv+why", whatif_prep, whatif_run, whatif_settle, c };
	assert_true(inject(&o) > 0);
	fo_graph_free(c->g);
	free(c);
}

/* ---------------------------------------------------------------- map */

typedef struct map_ctx {
	fo_graph *g;
	fo_engine *e;
	uint8_t *in;
	uint32_t *scope;
	size_t n;
	size_t ref_items, ref_links;
	int ref_level;
	fo_map *m;
} map_ctx;

static int map_run(op *o)
{
	map_ctx *c = o->ctx;
	const char *const kinds[] = { "vm", NULL };
	fo_map_opts mo = { 0 };
	fo_map *t = NULL;
	int err;
	/* the automatic level (several builds), then a drawing of nodes
	 * with a kind collapsed */
	if ((err = fo_map_build_auto(&c->m, c->e, c->in, c->scope, c->n, &mo, 20)) < 0)
		return err;
	mo.nodes = 1;
	mo.collapse = kinds;
	if ((err = fo_map_build(&t, c->e, c->in, c->scope, c->n, &mo)) < 0) {
		fo_map_free(c->m);
		c->m = NULL;
		return err;
	}
	fo_map_free(t);
	return FO_OK;
}

static void map_settle(op *o, int err, int reference)
{
	map_ctx *c = o->ctx;
	if (err != FO_OK) {
		if (c->m)
			fail_msg("%s: failed, yet a map was returned", o->name);
		return;
	}
	if (reference) {
		c->ref_items = c->m->nitems;
		c->ref_links = c->m->nlinks;
		c->ref_level = c->m->level;
	} else if (c->m->nitems != c->ref_items || c->m->nlinks != c->ref_links ||
		   c->m->level != c->ref_level) {
		fail_msg("%s: allocation %lu failed: succeeded with a different map", o->name, cur_n);
	}
	fo_map_free(c->m);
	c->m = NULL;
}

static void impact_map(void **state)
{
	(void)state;
	if (skip_reason())
		skip();
	map_ctx *c = calloc(1, sizeof *c);
	assert_non_null(c);
	c->g = load("samples/tencent-gz-2023.xml");
	assert_int_equal(fo_engine_new(&c->e, c->g), FO_OK);
	uint32_t f = node(c->g, "gz-cooling");
	fo_scenario sc = { &f, 1, NULL, 0 };
	assert_int_equal(fo_engine_run(c->e, &sc), FO_OK);
	uint32_t nodes = fo_graph_node_count(c->g);
	c->in = calloc(nodes, 1);
	c->scope = malloc(nodes * sizeof *c->scope);
	assert_non_null(c->in);
	assert_non_null(c->scope);
	for (uint32_t v = 0; v < nodes; v++)
		if (fo_engine_flags(c->e, v))
			for (uint32_t x = v; x != FO_NONE && !c->in[x]; x = fo_graph_node_container(c->g, x))
				c->in[x] = 1;
	for (uint32_t v = 0; v < nodes; v++)
		if (c->in[v])
			c->scope[c->n++] = v;
	op o = { "impact map (auto + collapse)", NULL, map_run, map_settle, c };
	assert_true(inject(&o) > 0);
	free(c->in);
	free(c->scope);
	fo_engine_free(c->e);
	fo_graph_free(c->g);
	free(c);
}

/* ---------------------------------------------------------------- report */

typedef struct report_ctx {
	fo_graph *g;
	uint32_t fail[2];
	char *svg; /* rendered unarmed by Graphviz */
	size_t svg_len;
	memout html, md, json;
	char ref[3][sizeof ((memout *)0)->buf];
	long ref_len[3];
} report_ctx;

static void report_prep(op *o)
{
	report_ctx *c = o->ctx;
	mo_open(&c->html);
	mo_open(&c->md);
	mo_open(&c->json);
}

static int report_run(op *o)
{
	report_ctx *c = o->ctx;
	fo_engine *e = NULL;
	fo_batchreport *r = NULL;
	fo_spof *s = NULL;
	fo_spofreport sr = { 0 };
	fo_batchreport_info info = { "faults", fo_graph_name(c->g), "tencent.xml", "sc.xml",
				     "2023-03-29T00:00:00Z", "0" };
	fo_batchreport_diagram d0 = { c->svg, c->svg_len, "scenario-001.svg", NULL };
	fo_batchreport_diagram d1 = { NULL, 0, NULL, "too many nodes to draw" };
	fo_scenario sc0 = { &c->fail[0], 1, NULL, 0 }, sc1 = { NULL, 0, &c->fail[1], 1 };
	int err;

	if ((err = fo_engine_new(&e, c->g)) < 0 ||
	    (err = fo_batchreport_new(&r, c->g, &info)) < 0 ||
	    (err = fo_batchreport_json_head(c->json.fp, &info)) < 0 ||
	    (err = fo_engine_run(e, &sc0)) < 0 ||
	    (err = fo_batchreport_add(r, e, "cooling <gz>", &sc0, &d0)) < 0 ||
	    (err = fo_engine_run(e, &sc1)) < 0 ||
	    (err = fo_batchreport_add(r, e, "fire | sh", &sc1, &d1)) < 0 ||
	    (err = fo_spof_compute(&s, c->g)) < 0 ||
	    (err = fo_spofreport_select(&sr, c->g, s, FO_NONE, NULL, 20)) < 0 ||
	    (err = fo_batchreport_json_tail(c->json.fp, 2, NULL, 0)) < 0 ||
	    (err = fo_batchreport_finish(r, &sr, c->html.fp, c->md.fp)) < 0)
		goto done;
done:
	fo_spofreport_dispose(&sr);
	fo_spof_free(s);
	fo_batchreport_free(r);
	fo_engine_free(e);
	return err;
}

static void report_settle(op *o, int err, int reference)
{
	report_ctx *c = o->ctx;
	memout *m[3] = { &c->html, &c->md, &c->json };
	for (int i = 0; i < 3; i++) {
		mo_close(m[i]);
		if (reference) {
			memcpy(c->ref[i], m[i]->buf, (size_t)m[i]->len);
			c->ref_len[i] = m[i]->len;
			assert_true(c->ref_len[i] > 0);
		} else if (err == FO_OK) {
			same_output(o->name, c->ref[i], c->ref_len[i], m[i]);
		}
	}
}

static void batch_report(void **state)
{
	(void)state;
	if (skip_reason())
		skip();
	report_ctx *c = calloc(1, sizeof *c);
	assert_non_null(c);
	c->g = load("samples/tencent-gz-2023.xml");
	c->fail[0] = node(c->g, "gz-cooling");
	c->fail[1] = node(c->g, "sh-dc");

	/* A real diagram, drawn before anything is armed. */
	fo_engine *e = NULL;
	fo_scenario sc = { &c->fail[0], 1, NULL, 0 };
	fo_render_opts ro = { .scope = FO_SCOPE_IMPACT, .format = "svg" };
	FILE *fp = open_memstream(&c->svg, &c->svg_len);
	assert_non_null(fp);
	assert_int_equal(fo_engine_new(&e, c->g), FO_OK);
	assert_int_equal(fo_engine_run(e, &sc), FO_OK);
	assert_int_equal(fo_render(fp, e, &ro, NULL), FO_OK);
	assert_int_equal(fclose(fp), 0);
	fo_engine_free(e);

	op o = { "batch report html+md+json", report_prep, report_run, report_settle, c };
	assert_true(inject(&o) > 0);
	free(c->svg);
	fo_graph_free(c->g);
	free(c);
}

/* ---------------------------------------------------------------- snapshot */

typedef struct snap_ctx {
	fo_graph *g;
	char hex[65];
	char dir[64], db[96];
	char *label;
	char before[4096]; /* state() before the run */
	char now[4096];
	/* Runs after which SQLite left its -wal or -shm file: under OOM from N
	 * on, sqlite3_close cannot checkpoint and delete the WAL. Harmless (no
	 * commit record: the next open ignores its frames); counted, shown. */
	unsigned long wal_left;
} snap_ctx;

/* The files of the directory and, if the database exists, the rows of each
 * of its tables: equal strings mean the same snapshots. The listing comes
 * first: opening the database may create its -wal and -shm files. */
static int state(snap_ctx *c, char *buf, size_t size)
{
	char names[16][256];
	size_t n = 0, len = 0;
	int journal = 0;
	DIR *d = opendir(c->dir);
	struct dirent *de;
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.')
			continue;
		/* SQLite's own journal: see wal_left below. */
		if (l > 4 && (!strcmp(de->d_name + l - 4, "-wal") || !strcmp(de->d_name + l - 4, "-shm"))) {
			journal++;
			continue;
		}
		assert_true(n < 16);
		snprintf(names[n++], sizeof names[0], "%s", de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s ", names[i]);
	if (access(c->db, F_OK) != 0)
		return journal;

	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open_v2(c->db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' "
					    "ORDER BY name", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *q = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", sqlite3_column_text(st, 0));
		sqlite3_stmt *cnt = NULL;
		assert_non_null(q);
		assert_int_equal(sqlite3_prepare_v2(db, q, -1, &cnt, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(cnt), SQLITE_ROW);
		len += (size_t)snprintf(buf + len, size - len, "%s=%lld ",
					(const char *)sqlite3_column_text(st, 0),
					sqlite3_column_int64(cnt, 0));
		assert_true(len < size);
		sqlite3_finalize(cnt);
		sqlite3_free(q);
	}
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	return journal;
}

/* A temporary database that already holds one snapshot ("base", the
 * quickstart sample), in c->dir/s.db. In memory when possible: thousands of
 * commits and fsyncs on a disk would take most of the test's time. */
static void snap_db_new(snap_ctx *c)
{
	strcpy(c->dir, "/dev/shm/fo-faults-XXXXXX");
	if (!mkdtemp(c->dir)) {
		strcpy(c->dir, "/tmp/fo-faults-XXXXXX");
		assert_non_null(mkdtemp(c->dir));
	}
	snprintf(c->db, sizeof c->db, "%s/s.db", c->dir);
	setenv("FALLOUT_BUSY_TIMEOUT_MS", "200", 1);
	fo_graph *q = load("samples/quickstart.xml");
	assert_int_equal(fo_snapshot_save(NULL, c->db, q, "base", "quickstart.xml", NULL, NULL),
			 FO_OK);
	fo_graph_free(q);
}

/* Removes snap_db_new's directory. */
static void snap_db_remove(snap_ctx *c)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", c->dir);
	assert_int_equal(system(cmd), 0);
}

static void snap_prep(op *o)
{
	snap_ctx *c = o->ctx;
	(void)state(c, c->before, sizeof c->before);
}

static int snap_run(op *o)
{
	snap_ctx *c = o->ctx;
	fo_diag *d = NULL;
	int err = fo_diag_new(&d, 0);
	if (err == FO_OK)
		err = fo_snapshot_save(&c->label, c->db, c->g, "faults", "tencent.xml", c->hex, d);
	fo_diag_free(d);
	return err;
}

static void snap_settle(op *o, int err, int reference)
{
	snap_ctx *c = o->ctx;
	(void)reference;
	if (err != FO_OK) {
		assert_null(c->label);
		if (state(c, c->now, sizeof c->now))
			c->wal_left++;
		if (strcmp(c->before, c->now) != 0)
			fail_msg("%s: failed (%s) but changed the database:\n  before: %s\n  after:  %s",
				 o->name, fo_strerror(err), c->before, c->now);
		return;
	}
	assert_non_null(c->label);
	assert_string_equal(c->label, "faults");
	free(c->label);
	c->label = NULL;
	/* Stored whole. */
	fo_graph *back = NULL;
	assert_int_equal(fo_snapshot_load(&back, c->db, "faults", NULL), FO_OK);
	assert_int_equal(fo_graph_node_count(back), fo_graph_node_count(c->g));
	assert_int_equal(fo_graph_group_count(back), fo_graph_group_count(c->g));
	assert_int_equal(fo_graph_member_count(back), fo_graph_member_count(c->g));
	fo_graph_free(back);
	/* Back to the state before, for the next run. */
	assert_int_equal(fo_snapshot_remove(c->db, "faults", NULL), FO_OK);
}

static void snapshot_save(void **state_)
{
	(void)state_;
	if (skip_reason())
		skip();
	snap_ctx *c = calloc(1, sizeof *c);
	assert_non_null(c);
	c->g = load("samples/tencent-gz-2023.xml");
	assert_int_equal(fo_sha256_file(c->hex, "samples/tencent-gz-2023.xml", NULL), FO_OK);
	snap_db_new(c);
	op o = { "snapshot save", snap_prep, snap_run, snap_settle, c };
	assert_true(inject(&o) > 0);
	print_message("[ FAULTS   ] snapshot save: SQLite left its -wal file after %lu failed runs "
		      "(content unchanged)\n", c->wal_left);

	snap_db_remove(c);
	fo_graph_free(c->g);
	free(c);
}

/* A report stored with a snapshot: begin, three runs, commit. A failed run
 * stores no report row and no run (one transaction), an absorbed failure
 * stores the whole report; either way the database is as before after it
 * is removed again. */
static int snaprep_run(op *o)
{
	snap_ctx *c = o->ctx;
	fo_snapshot_report_writer *w = NULL;
	fo_diag *d = NULL;
	static const char doc[] = "{\"scenario\":\"s\",\"impacts\":[]}";
	fo_snapshot_report_meta meta = { "faults", "s.db@base", "faults.xml",
					 "0123456789abcdef0123456789abcdef"
					 "0123456789abcdef0123456789abcdef" };
	int64_t id = 0;
	int err = fo_diag_new(&d, 0);
	if (err == FO_OK)
		err = fo_snapshot_report_begin(&w, c->db, "base", &meta, d);
	for (int i = 0; err == FO_OK && i < 3; i++)
		err = fo_snapshot_report_run(w, "s", (uint64_t)i, 2, doc, sizeof doc - 1);
	if (err == FO_OK) {
		err = fo_snapshot_report_commit(w, "[]", 2, &id);
		w = NULL;
	}
	fo_snapshot_report_free(w);
	fo_diag_free(d);
	return err;
}

static void snaprep_settle(op *o, int err, int reference)
{
	snap_ctx *c = o->ctx;
	(void)reference;
	if (state(c, c->now, sizeof c->now))
		c->wal_left++;
	if (err != FO_OK) {
		if (strcmp(c->before, c->now) != 0)
			fail_msg("%s: failed (%s) but changed the database:\n  before: %s\n  after:  %s",
				 o->name, fo_strerror(err), c->before, c->now);
		return;
	}
	/* Stored whole: one report of three runs, readable and intact. */
	fo_snapshot_report_info *v = NULL;
	size_t n = 0;
	assert_int_equal(fo_snapshot_reports(&v, &n, c->db, NULL), FO_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].runs, 3);
	fo_snapshot_report_info_free(v, n);
	if (!strstr(c->now, "runs=3 "))
		fail_msg("%s: succeeded but stored: %s", o->name, c->now);
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(c->db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM runs; DELETE FROM reports;", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void snapshot_report(void **state_)
{
	(void)state_;
	if (skip_reason())
		skip();
	snap_ctx *c = calloc(1, sizeof *c);
	assert_non_null(c);
	snap_db_new(c);
	op o = { "snapshot report", snap_prep, snaprep_run, snaprep_settle, c };
	assert_true(inject(&o) > 0);
	snap_db_remove(c);
	free(c);
}

/* A snapshot load, through the compiled copy ("t") and through the rows
 * ("r", whose compiled copy is deleted). A failed allocation is FO_ENOMEM,
 * never a fallback: a run that succeeds gives the stored graph with no
 * warning (an out-of-memory taken for a damaged copy would say one). */
typedef struct snapload_ctx {
	snap_ctx s;
	const char *label;
	fo_graph *back;
	size_t warnings;
} snapload_ctx;

static int snapload_run(op *o)
{
	snapload_ctx *c = o->ctx;
	fo_diag *d = NULL;
	int err = fo_diag_new(&d, 0);
	if (err == FO_OK)
		err = fo_snapshot_load(&c->back, c->s.db, c->label, d);
	c->warnings = d ? fo_diag_warnings(d) : 0;
	fo_diag_free(d);
	return err;
}

static void snapload_settle(op *o, int err, int reference)
{
	snapload_ctx *c = o->ctx;
	(void)reference;
	if (err != FO_OK) {
		assert_null(c->back);
		return;
	}
	if (c->warnings)
		fail_msg("%s: succeeded with %zu warnings (allocation %lu, %s)", o->name, c->warnings,
			 cur_n, cur_persist ? "from then on" : "once");
	fo_graph *g = c->back, *x = c->s.g;
	uint32_t n = fo_graph_node_count(x), v;
	assert_int_equal(fo_graph_node_count(g), n);
	assert_int_equal(fo_graph_group_count(g), fo_graph_group_count(x));
	assert_int_equal(fo_graph_member_count(g), fo_graph_member_count(x));
	for (uint32_t i = 0; i < n; i++) {
		assert_string_equal(fo_graph_node_id(g, i), fo_graph_node_id(x, i));
		assert_int_equal(fo_graph_lookup(g, fo_graph_node_id(x, i), &v), FO_OK);
		assert_int_equal(v, i);
	}
	fo_graph_free(g);
	c->back = NULL;
}

static void snapshot_load(void **state_)
{
	(void)state_;
	if (skip_reason())
		skip();
	snapload_ctx *c = calloc(1, sizeof *c);
	assert_non_null(c);
	c->s.g = load("samples/tencent-gz-2023.xml");
	snap_db_new(&c->s);
	assert_int_equal(fo_snapshot_save(NULL, c->s.db, c->s.g, "t", "tencent.xml", NULL, NULL), FO_OK);
	assert_int_equal(fo_snapshot_save(NULL, c->s.db, c->s.g, "r", "tencent.xml", NULL, NULL), FO_OK);
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(c->s.db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM compiled_parts WHERE snapshot_id ="
					  " (SELECT id FROM snapshots WHERE label = 'r');"
					  " DELETE FROM compiled WHERE snapshot_id ="
					  " (SELECT id FROM snapshots WHERE label = 'r');", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	c->label = "t";
	op o = { "snapshot load (compiled)", NULL, snapload_run, snapload_settle, c };
	assert_true(inject(&o) > 0);
	c->label = "r";
	op r = { "snapshot load (rows)", NULL, snapload_run, snapload_settle, c };
	assert_true(inject(&r) > 0);
	snap_db_remove(&c->s);
	fo_graph_free(c->s.g);
	free(c);
}

/* The hooks work: the test cannot pass by failing nothing. */
static void hooks_work(void **state)
{
	(void)state;
	if (skip_reason())
		skip();
	void *(*volatile m)(size_t) = malloc;
	long blocks = fm_live_blocks();
	fm_arm(2, 0);
	void *a = m(8), *b = m(8), *c = m(8);
	assert_int_equal(fm_disarm(), 1);
	assert_non_null(a);
	assert_null(b);
	assert_non_null(c);
	assert_int_equal(fm_live_blocks(), blocks + 2);
	free(a);
	free(c);
	fm_arm(2, 1);
	a = m(8);
	b = m(8);
	c = m(8);
	assert_int_equal(fm_disarm(), 2);
	assert_non_null(a);
	assert_null(b);
	assert_null(c);
	free(a);
	assert_int_equal(fm_live_blocks(), blocks);
}

/* -------------------------------------------------------------- ftgraph */

/* An inventory with failure data (defaults, own values) and cycles (two
 * services needing each other, datasets keeping copies on each other): its
 * load, and the fault trees of its app for both events. */
static const char *FTG_XML =
	"<inventory name=\"faults\" version=\"1\">\n"
	"  <failure-data kind=\"host\" mtbf=\"999\" mttr=\"1\"/>\n"
	"  <failure-data kind=\"cvm\" p=\"0.01\"/>\n"
	"  <node id=\"dc\" kind=\"site\" p=\"1e-4\">\n"
	"    <node id=\"h1\" kind=\"host\"/><node id=\"h2\" kind=\"host\"/>\n"
	"  </node>\n"
	"  <node id=\"v1\" kind=\"vm\" in=\"h1\"/><node id=\"v2\" kind=\"vm\" in=\"h2\"/>\n"
	"  <node id=\"s1\" kind=\"service\"><requires ref=\"v1\"/><requires ref=\"s2\"/></node>\n"
	"  <node id=\"s2\" kind=\"service\"><requires min=\"1\"><ref id=\"s1\"/><ref id=\"v2\"/></requires></node>\n"
	"  <node id=\"d1\" kind=\"dataset\"><copy ref=\"d2\"/><copy ref=\"h1\"/></node>\n"
	"  <node id=\"d2\" kind=\"dataset\"><copy ref=\"d1\"/><copy ref=\"h2\"/></node>\n"
	"  <node id=\"app\" kind=\"app\"><requires min=\"1\"><ref id=\"s1\"/><ref id=\"s2\"/></requires><requires ref=\"d1\"/></node>\n"
	"</inventory>\n";

typedef struct ftg_ctx {
	const char *path;
	fo_graph *g;
	fo_ft *ft[2];
	uint32_t nodes[2], events[2];
	double p0;
} ftg_ctx;

static int ftg_load_run(op *o)
{
	ftg_ctx *c = o->ctx;
	fo_diag *d = NULL;
	int err = fo_diag_new(&d, 0);
	if (err == FO_OK)
		err = fo_inventory_load(&c->g, c->path, NULL, d);
	fo_diag_free(d);
	return err;
}

static void ftg_load_settle(op *o, int err, int reference)
{
	ftg_ctx *c = o->ctx;
	if (err != FO_OK) {
		assert_null(c->g);
		return;
	}
	uint32_t h1;
	assert_int_equal(fo_graph_lookup(c->g, "h1", &h1), FO_OK);
	if (reference)
		c->p0 = fo_ftgraph_node_p(c->g, h1);
	else
		assert_true(fo_ftgraph_node_p(c->g, h1) == c->p0);
	assert_true(c->p0 == 0.001);
	fo_graph_free(c->g);
	c->g = NULL;
}

static int ftg_build_run(op *o)
{
	ftg_ctx *c = o->ctx;
	uint32_t app;
	int err = fo_graph_lookup(c->g, "app", &app);
	for (int ev = 0; ev < 2 && err == FO_OK; ev++) {
		fo_ftg_opts opts = { .event = (fo_ftg_event)ev };
		err = fo_ftgraph_build(c->g, app, &opts, &c->ft[ev], NULL);
	}
	if (err != FO_OK) {
		fo_ft_free(c->ft[0]);
		c->ft[0] = NULL;
		assert_null(c->ft[1]);
	}
	return err;
}

static void ftg_build_settle(op *o, int err, int reference)
{
	ftg_ctx *c = o->ctx;
	for (int ev = 0; ev < 2; ev++) {
		if (err != FO_OK) {
			assert_null(c->ft[ev]);
			continue;
		}
		if (reference) {
			c->nodes[ev] = fo_ft_node_count(c->ft[ev]);
			c->events[ev] = fo_ft_event_count(c->ft[ev]);
		} else {
			assert_int_equal(fo_ft_node_count(c->ft[ev]), c->nodes[ev]);
			assert_int_equal(fo_ft_event_count(c->ft[ev]), c->events[ev]);
		}
		fo_ft_free(c->ft[ev]);
		c->ft[ev] = NULL;
	}
}

static void ftgraph(void **state)
{
	(void)state;
	if (skip_reason())
		skip();
	char path[] = "/tmp/fo-faults-ftg-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, FTG_XML, strlen(FTG_XML)), (ssize_t)strlen(FTG_XML));
	close(fd);
	ftg_ctx c;
	memset(&c, 0, sizeof c);
	c.path = path;
	op l = { "load with failure data", NULL, ftg_load_run, ftg_load_settle, &c };
	assert_true(inject(&l) > 0);
	fo_diag *d = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_inventory_load(&c.g, path, NULL, d), FO_OK);
	fo_diag_free(d);
	op b = { "fault trees (down, lost)", NULL, ftg_build_run, ftg_build_settle, &c };
	assert_true(inject(&b) > 0);
	assert_true(c.events[0] > 0 && c.events[1] > 0);
	fo_graph_free(c.g);
	unlink(path);
}

/* ---------------------------------------------------------------- openpsa */

/* Open-PSA MEF trees read and written again: every construct of the
 * reader (constructs.xml: nested formulas, constants, <event>, labels) and
 * the writer's rewriting of repeated arguments (repeats.xml: ATLEAST
 * expanded, XOR pairs cancelled); the output must be the reference's
 * bytes. */
typedef struct openpsa_ctx {
	memout out;
	char ref[sizeof ((memout *)0)->buf];
	long ref_len;
} openpsa_ctx;

static void openpsa_prep(op *o)
{
	openpsa_ctx *c = o->ctx;
	mo_open(&c->out);
}

static int openpsa_run(op *o)
{
	openpsa_ctx *c = o->ctx;
	fo_diag *d = NULL;
	fo_ft *ft = NULL;
	static const char *const files[] = { "tests/importers/openpsa/constructs.xml",
					     "tests/importers/openpsa/repeats.xml" };
	int err = fo_diag_new(&d, 0);
	for (size_t i = 0; i < 2 && err == FO_OK; i++) {
		err = fo_openpsa_read(files[i], d, &ft);
		if (err == FO_OK)
			err = fo_openpsa_write(c->out.fp, ft);
		fo_ft_free(ft);
		ft = NULL;
	}
	fo_diag_free(d);
	return err;
}

static void openpsa_settle(op *o, int err, int reference)
{
	openpsa_ctx *c = o->ctx;
	mo_close(&c->out);
	if (err != FO_OK)
		return; /* the caller discards a failed writer's partial output */
	if (reference) {
		memcpy(c->ref, c->out.buf, (size_t)c->out.len);
		c->ref_len = c->out.len;
	} else {
		same_output("openpsa", c->ref, c->ref_len, &c->out);
	}
}

static void openpsa_read_write(void **state)
{
	(void)state;
	if (skip_reason())
		skip();
	static openpsa_ctx c;
	op o = { "openpsa read+write", openpsa_prep, openpsa_run, openpsa_settle, &c };
	assert_true(inject(&o) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hooks_work),
		cmocka_unit_test(load_quickstart),
		cmocka_unit_test(load_tencent),
		cmocka_unit_test(load_threaded),
		cmocka_unit_test(check_warnings),
		cmocka_unit_test(whatif_reports),
		cmocka_unit_test(impact_map),
		cmocka_unit_test(batch_report),
		cmocka_unit_test(snapshot_save),
		cmocka_unit_test(snapshot_report),
		cmocka_unit_test(snapshot_load),
		cmocka_unit_test(ftgraph),
		cmocka_unit_test(openpsa_read_write),
	};
	/* FAULTS=PATTERN runs only the matching tests (cmocka's filter). */
	if (getenv("FAULTS"))
		cmocka_set_test_filter(getenv("FAULTS"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
