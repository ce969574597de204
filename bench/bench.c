/*
 * bench.c — the hyperscale benchmark of fallout (issue 4; docs/benchmarks.md).
 *
 * One run measures one generated inventory (`fallout gen --nodes N --seed S`):
 * XML import, snapshot import and load, whatif of one node per layer of the
 * generator, a batch of random scenarios, the all-node SPOF ranking and the
 * SVG of a ~300-node impact; then the same failures reduced to plain reverse
 * reachability, answered by fallout (a BFS over its own CSR arrays), by
 * igraph_subcomponent(IN) and by an SQLite recursive query over an indexed
 * edge table, built from the same graph in the same process. The three
 * answers to the reduced question must be equal node for node, and fallout's
 * full-semantics impact a subset of them: otherwise the run fails loudly.
 *
 * "Reduced" means: every group member -> owner link of the compiled graph is
 * one edge (requires, located, copies and degrades alike; K of n ignored, so
 * any member down takes its owner down; self-links dropped; an owner linked
 * to one member through two groups gets two edges, as in fallout's CSR). The
 * impacted set of a failure of x is then x and every node that reaches x.
 *
 * Timings are CLOCK_MONOTONIC medians. Phases whose peak memory matters (XML
 * import, snapshot import and load, SPOF) run in a forked child each time;
 * their peak RSS is the child's ru_maxrss from wait4(). A child forked after
 * the graph was loaded starts with the graph's pages resident, so its peak
 * includes them. The batch reports VmRSS from /proc/self/status as it goes.
 * The result is a Markdown fragment on standard output; progress on stderr.
 * Exit status: 0 done, 1 a result disagrees, 2 usage, 4 a failure.
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <errno.h>
#include <igraph.h>
#include <malloc.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyzer/fo_engine.h"
#include "analyzer/fo_spof.h"
#include "generators/fo_gen.h"
#include "graphs/fo_error.h"
#include "graphs/fo_graph.h"
#include "graphs/fo_snapshot.h"
#include "importers/fo_inventory.h"
#include "reports/fo_render.h"

#define MAXRUNS 4096
#define RENDER_TARGET 300

/* Targets of issue 4 (set for 1M nodes on a 2-core machine). */
#define T_IGRAPH_RATIO 10.0   /* region/site/cooling whatif vs igraph_subcomponent */
#define T_SMALL_US 50.0       /* whatif of a blast radius < 100 nodes */
#define T_IMPORT_MBS 50.0     /* XML import */
#define T_IMPORT_RSS_MB 1536.0
#define T_LOAD_S 2.0          /* snapshot load */
#define T_BYTES 200.0         /* per node plus dependency */
#define T_SPOF_S 30.0

typedef struct opts {
	const char *xml, *db, *svg;
	uint64_t nodes, seed;
	int runs;           /* runs of the big operations */
	int sqlite_runs;    /* most runs of one SQLite query */
	double sqlite_budget; /* seconds of SQLite runs per query, after the first */
	int batch;
} opts;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static double median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* A value of /proc/self/status in kB ("VmRSS", "VmHWM"); -1 if unreadable. */
static long proc_status_kb(const char *key)
{
	char line[256];
	long v = -1;
	size_t klen = strlen(key);
	FILE *fp = fopen("/proc/self/status", "r");
	if (!fp)
		return -1;
	while (fgets(line, sizeof line, fp))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(fp);
	return v;
}

/* Bytes the heap holds now (glibc: arena bytes in use plus mmap'd blocks). */
static double heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();
	return (double)mi.uordblks + (double)mi.hblkhd;
}

/* ------------------------------------------------------- forked phases */

/* One timed operation of a child: returns 0 and *secs, or an fo error. */
typedef int (*child_fn)(void *ctx, double *secs);

/* Runs fn in a forked child; *secs its timing, *rss_kb its peak RSS. */
static int in_child(child_fn fn, void *ctx, double *secs, long *rss_kb)
{
	int fds[2], status, err = FO_EIO;
	struct rusage ru;
	double t = -1;
	if (pipe(fds) < 0)
		return FO_EIO;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return FO_EIO;
	}
	if (pid == 0) {
		close(fds[0]);
		int rc = fn(ctx, &t);
		ssize_t w = write(fds[1], &t, sizeof t);
		_exit(rc == 0 && w == (ssize_t)sizeof t ? 0 : 1);
	}
	close(fds[1]);
	ssize_t r = read(fds[0], &t, sizeof t);
	close(fds[0]);
	if (wait4(pid, &status, 0, &ru) < 0)
		return FO_EIO;
	if (r == (ssize_t)sizeof t && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		*secs = t;
		*rss_kb = ru.ru_maxrss;
		err = FO_OK;
	}
	return err;
}

typedef struct phase {
	double secs;   /* median */
	double min, max;
	long rss_kb;   /* largest peak RSS over the runs */
	int runs;
} phase;

static int run_phase(phase *out, const char *what, int runs, child_fn fn, void *ctx)
{
	double t[MAXRUNS];
	memset(out, 0, sizeof *out);
	for (int i = 0; i < runs; i++) {
		long rss = 0;
		int err = in_child(fn, ctx, &t[i], &rss);
		if (err < 0) {
			say("%s: run %d failed", what, i + 1);
			return err;
		}
		if (rss > out->rss_kb)
			out->rss_kb = rss;
		say("%s: run %d: %.3f s, peak RSS %.0f MB", what, i + 1, t[i], rss / 1024.0);
	}
	out->runs = runs;
	out->secs = median(t, runs);
	out->min = t[0];
	out->max = t[runs - 1];
	return FO_OK;
}

static int load_xml(fo_graph **g, const char *path)
{
	fo_diag *d = NULL;
	int err = fo_diag_new(&d, 20);
	if (err < 0)
		return err;
	if ((err = fo_inventory_load(g, path, NULL, d)) < 0)
		fo_diag_print(d, stderr);
	fo_diag_free(d);
	return err;
}

static int child_import(void *ctx, double *secs)
{
	const opts *o = ctx;
	fo_graph *g = NULL;
	double t0 = now();
	int err = load_xml(&g, o->xml);
	*secs = now() - t0;
	fo_graph_free(g);
	return err;
}

static void remove_db(const char *db)
{
	char p[4096];
	unlink(db);
	snprintf(p, sizeof p, "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", db);
	unlink(p);
}

static int child_save(void *ctx, double *secs)
{
	const opts *o = ctx;
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	int err;
	if ((err = load_xml(&g, o->xml)) < 0 || (err = fo_diag_new(&d, 20)) < 0)
		goto done;
	remove_db(o->db);
	double t0 = now();
	err = fo_snapshot_save(NULL, o->db, g, "bench", o->xml, NULL, d);
	*secs = now() - t0;
	if (err < 0)
		fo_diag_print(d, stderr);
done:
	fo_diag_free(d);
	fo_graph_free(g);
	return err;
}

static int child_load(void *ctx, double *secs)
{
	const opts *o = ctx;
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	int err;
	if ((err = fo_diag_new(&d, 20)) < 0)
		return err;
	double t0 = now();
	err = fo_snapshot_load(&g, o->db, NULL, d);
	*secs = now() - t0;
	if (err < 0)
		fo_diag_print(d, stderr);
	fo_diag_free(d);
	fo_graph_free(g);
	return err;
}

typedef struct spof_ctx {
	const fo_graph *g;
	uint32_t top;       /* out of the child: not used */
} spof_ctx;

static int child_spof(void *ctx, double *secs)
{
	spof_ctx *c = ctx;
	fo_spof *s = NULL;
	double t0 = now();
	int err = fo_spof_compute(&s, c->g);
	*secs = now() - t0;
	fo_spof_free(s);
	return err;
}

/* ------------------------------------------------------ reduced question */

/* Reverse reachability over fallout's arrays: x and every node that reaches
 * x along member -> owner links. out (nodes entries) receives the set in BFS
 * order; seen is a stamp array (nodes entries), stamp changes per call. */
static size_t reach(const fo_graph_view *v, uint32_t x, uint32_t *out, uint32_t *seen,
		    uint32_t stamp)
{
	size_t head = 0, tail = 0;
	out[tail++] = x;
	seen[x] = stamp;
	while (head < tail) {
		uint32_t m = out[head++];
		for (uint32_t i = v->memberof_off[m]; i < v->memberof_off[m + 1]; i++) {
			uint32_t w = v->group_owner[v->memberof[i]];
			if (seen[w] != stamp) {
				seen[w] = stamp;
				out[tail++] = w;
			}
		}
	}
	return tail;
}

typedef struct peers {
	igraph_t ig;
	int have_ig;
	sqlite3 *db;
	sqlite3_stmt *q;
	size_t edges;
	double ig_build, sql_build;
} peers;

static void peers_dispose(peers *p)
{
	if (p->have_ig)
		igraph_destroy(&p->ig);
	sqlite3_finalize(p->q);
	sqlite3_close(p->db);
	memset(p, 0, sizeof *p);
}

static int sql_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		say("sqlite: %s: %s", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return FO_EIO;
	}
	return FO_OK;
}

/* Builds igraph's graph and SQLite's edge table, one edge owner -> member
 * (dependent -> dependency) per link of the reduced question. */
static int peers_init(peers *p, const fo_graph_view *v)
{
	igraph_vector_int_t ev;
	int have_ev = 0, err = FO_OK;
	sqlite3_stmt *ins = NULL;
	size_t ne = 0;
	memset(p, 0, sizeof *p);

	for (uint32_t gi = 0; gi < v->groups; gi++)
		for (uint32_t m = v->member_off[gi]; m < v->member_off[gi + 1]; m++)
			ne += v->members[m] != v->group_owner[gi];
	p->edges = ne;

	double t0 = now();
	igraph_set_error_handler(igraph_error_handler_ignore);
	igraph_set_warning_handler(igraph_warning_handler_ignore);
	if (igraph_vector_int_init(&ev, (igraph_integer_t)(2 * ne)) != IGRAPH_SUCCESS) {
		err = FO_ENOMEM;
		goto done;
	}
	have_ev = 1;
	size_t k = 0;
	for (uint32_t gi = 0; gi < v->groups; gi++)
		for (uint32_t m = v->member_off[gi]; m < v->member_off[gi + 1]; m++) {
			if (v->members[m] == v->group_owner[gi])
				continue;
			VECTOR(ev)[k++] = v->group_owner[gi];
			VECTOR(ev)[k++] = v->members[m];
		}
	if (igraph_create(&p->ig, &ev, v->nodes, IGRAPH_DIRECTED) != IGRAPH_SUCCESS) {
		say("igraph_create failed");
		err = FO_EGRAPH;
		goto done;
	}
	p->have_ig = 1;
	p->ig_build = now() - t0;

	t0 = now();
	if (sqlite3_open(":memory:", &p->db) != SQLITE_OK) {
		err = FO_EIO;
		goto done;
	}
	if ((err = sql_exec(p->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
			    "CREATE TABLE e(src INTEGER NOT NULL, dst INTEGER NOT NULL);"
			    "BEGIN")) < 0)
		goto done;
	if (sqlite3_prepare_v2(p->db, "INSERT INTO e(src, dst) VALUES (?1, ?2)", -1, &ins,
			       NULL) != SQLITE_OK) {
		err = FO_EIO;
		goto done;
	}
	for (uint32_t gi = 0; gi < v->groups; gi++)
		for (uint32_t m = v->member_off[gi]; m < v->member_off[gi + 1]; m++) {
			if (v->members[m] == v->group_owner[gi])
				continue;
			sqlite3_bind_int64(ins, 1, v->group_owner[gi]);
			sqlite3_bind_int64(ins, 2, v->members[m]);
			if (sqlite3_step(ins) != SQLITE_DONE) {
				say("sqlite insert: %s", sqlite3_errmsg(p->db));
				err = FO_EIO;
				goto done;
			}
			sqlite3_reset(ins);
		}
	if ((err = sql_exec(p->db, "COMMIT; CREATE INDEX e_dst ON e(dst, src); ANALYZE")) < 0)
		goto done;
	if (sqlite3_prepare_v2(p->db,
			       "WITH RECURSIVE r(n) AS (SELECT ?1 UNION "
			       "SELECT e.src FROM e JOIN r ON e.dst = r.n) SELECT n FROM r",
			       -1, &p->q, NULL) != SQLITE_OK) {
		say("sqlite prepare: %s", sqlite3_errmsg(p->db));
		err = FO_EIO;
		goto done;
	}
	p->sql_build = now() - t0;
done:
	sqlite3_finalize(ins);
	if (have_ev)
		igraph_vector_int_destroy(&ev);
	return err;
}

static int ig_reach(peers *p, uint32_t x, igraph_vector_int_t *res)
{
	return igraph_subcomponent(&p->ig, res, x, IGRAPH_IN) == IGRAPH_SUCCESS ? FO_OK
										 : FO_EGRAPH;
}

/* Runs the recursive query; out (may be NULL) receives the set. */
static int sql_reach(peers *p, uint32_t x, uint32_t *out, size_t *len)
{
	int rc;
	size_t n = 0;
	sqlite3_reset(p->q);
	sqlite3_bind_int64(p->q, 1, x);
	while ((rc = sqlite3_step(p->q)) == SQLITE_ROW) {
		if (out)
			out[n] = (uint32_t)sqlite3_column_int64(p->q, 0);
		n++;
	}
	if (rc != SQLITE_DONE) {
		say("sqlite query: %s", sqlite3_errmsg(p->db));
		return FO_EIO;
	}
	*len = n;
	return FO_OK;
}

/* ------------------------------------------------------------- results */

typedef struct layer_res {
	const char *name;
	char id[64];
	uint32_t node;
	size_t impacted, down, reached;
	double full, full_graph, reduced, ig, sql; /* medians, seconds */
	int full_runs, reduced_runs, ig_runs, sql_runs;
} layer_res;

/* How many runs to time an operation whose first run took t seconds. */
static int runs_for(double t, double budget, int lo, int hi)
{
	double r = t > 0 ? budget / t : hi;
	if (r < lo)
		r = lo;
	if (r > hi)
		r = hi;
	return (int)r;
}

static const char *fmt_time(char *buf, size_t size, double s)
{
	if (s < 0)
		snprintf(buf, size, "—");
	else if (s < 1e-3)
		snprintf(buf, size, "%.1f µs", s * 1e6);
	else if (s < 1)
		snprintf(buf, size, "%.2f ms", s * 1e3);
	else
		snprintf(buf, size, "%.2f s", s);
	return buf;
}

static const char *fmt_ratio(char *buf, size_t size, double a, double b)
{
	if (a < 0 || b <= 0)
		snprintf(buf, size, "—");
	else
		snprintf(buf, size, "%.1f×", a / b);
	return buf;
}

static const char *verdict(int pass) { return pass ? "PASS" : "**MISS**"; }

static int sets_equal(uint32_t *a, size_t na, uint32_t *b, size_t nb)
{
	if (na != nb)
		return 0;
	qsort(a, na, sizeof *a, cmp_u32);
	qsort(b, nb, sizeof *b, cmp_u32);
	return !memcmp(a, b, na * sizeof *a);
}

/* The render scope of the engine's last run: fo_render refuses a scope above
 * max_nodes and says how big it is; 1 is always refused unless the scope is
 * that small. */
static size_t scope_size(const fo_engine *e)
{
	fo_diag *d = NULL;
	size_t n = 0;
	FILE *fp = fopen("/dev/null", "w");
	fo_render_opts ro = { .scope = FO_SCOPE_IMPACT, .format = "dot", .max_nodes = 1, .detail = FO_DETAIL_NODES };
	if (!fp || fo_diag_new(&d, 4) < 0)
		goto done;
	if (fo_render(fp, e, &ro, d) == FO_ELIMIT && fo_diag_count(d) > 0) {
		if (sscanf(fo_diag_get(d, 0)->msg, "the diagram would have %zu nodes", &n) != 1)
			n = 0;
	} else {
		n = 1;
	}
done:
	fo_diag_free(d);
	if (fp)
		fclose(fp);
	return n;
}

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static int usage(void)
{
	fputs("usage: bench --xml FILE --db FILE --nodes N [--seed S] [--runs R]\n"
	      "             [--sqlite-runs R] [--sqlite-budget SECS] [--batch N] [--svg FILE]\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	opts o = { NULL, NULL, NULL, 0, 1, 5, 3, 20.0, 1000 };
	fo_graph *g = NULL;
	fo_engine *e = NULL, *eg = NULL;
	peers p = { 0 };
	uint32_t *set = NULL, *set2 = NULL, *seen = NULL;
	igraph_vector_int_t igres;
	int have_igres = 0, status = 4, err = FO_OK;
	layer_res L[FO_GEN_LAYER_COUNT];
	char b1[32], b2[32], b3[32], b4[32], b5[32], b6[32], b7[32];
	memset(L, 0, sizeof L);

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!val)
			return usage();
		if (!strcmp(a, "--xml"))
			o.xml = val;
		else if (!strcmp(a, "--db"))
			o.db = val;
		else if (!strcmp(a, "--svg"))
			o.svg = val;
		else if (!strcmp(a, "--nodes"))
			o.nodes = strtoull(val, NULL, 10);
		else if (!strcmp(a, "--seed"))
			o.seed = strtoull(val, NULL, 10);
		else if (!strcmp(a, "--runs"))
			o.runs = atoi(val);
		else if (!strcmp(a, "--sqlite-runs"))
			o.sqlite_runs = atoi(val);
		else if (!strcmp(a, "--sqlite-budget"))
			o.sqlite_budget = atof(val);
		else if (!strcmp(a, "--batch"))
			o.batch = atoi(val);
		else
			return usage();
		i++;
	}
	if (!o.xml || !o.db || !o.nodes || o.runs < 1 || o.runs > 100 || o.sqlite_runs < 1 ||
	    o.batch < 1000)
		return usage();

	struct stat st;
	if (stat(o.xml, &st) < 0) {
		say("%s: %s", o.xml, strerror(errno));
		return 4;
	}
	double mb = (double)st.st_size / 1e6;

	/* 1. Import, snapshot import, snapshot load: a fresh child each run. */
	phase imp, save, load, spof;
	say("%s: %.1f MB", o.xml, mb);
	if ((err = run_phase(&imp, "XML import", o.runs, child_import, &o)) < 0 ||
	    (err = run_phase(&save, "snapshot import", o.runs, child_save, &o)) < 0 ||
	    (err = run_phase(&load, "snapshot load", o.runs, child_load, &o)) < 0)
		goto done;

	/* 2. The graph in this process, and what it holds. */
	double h0 = heap_bytes();
	double t0 = now();
	if ((err = load_xml(&g, o.xml)) < 0)
		goto done;
	double parent_load = now() - t0;
	malloc_trim(0);
	double graph_bytes = heap_bytes() - h0;
	fo_graph_view v;
	fo_graph_view_get(g, &v);
	size_t nodes = v.nodes, deps = fo_graph_member_count(g);
	double per = graph_bytes / (double)(nodes + deps);
	say("graph: %zu nodes, %zu dependencies, %u groups, %.1f MB heap (%.1f B per node+dep)",
	    nodes, deps, v.groups, graph_bytes / 1e6, per);
	/* The engine as a long-lived process (fallout serve) makes it: with the
	 * local layout (fo_engine.h); the graph layout's runs are timed beside
	 * it, and both must give the same impact. */
	h0 = heap_bytes();
	t0 = now();
	fo_engine_opts eo = { .layout = FO_ENGINE_LAYOUT_LOCAL };
	if ((err = fo_engine_new_opts(&e, g, &eo)) < 0)
		goto done;
	double engine_new_local = now() - t0;
	double engine_bytes = heap_bytes() - h0;
	h0 = heap_bytes();
	t0 = now();
	if ((err = fo_engine_new(&eg, g)) < 0)
		goto done;
	double engine_new_graph = now() - t0;
	double engine_graph_bytes = heap_bytes() - h0;

	set = malloc(nodes * sizeof *set);
	set2 = malloc(nodes * sizeof *set2);
	seen = calloc(nodes, sizeof *seen);
	if (!set || !set2 || !seen) {
		err = FO_ENOMEM;
		goto done;
	}
	uint32_t stamp = 0;

	/* 3. whatif per layer, full semantics, and fallout's reduced BFS. */
	fo_gen_opts go = { o.nodes, o.seed };
	for (int l = 0; l < FO_GEN_LAYER_COUNT; l++) {
		layer_res *r = &L[l];
		double t[MAXRUNS];
		r->name = fo_gen_layer_name((fo_gen_layer)l);
		if ((err = fo_gen_representative(r->id, sizeof r->id, &go, (fo_gen_layer)l)) < 0 ||
		    (err = fo_graph_lookup(g, r->id, &r->node)) < 0) {
			say("layer %s: no representative node (%s)", r->name, fo_strerror(err));
			goto done;
		}
		fo_scenario sc = { &r->node, 1, NULL, 0 };
		t0 = now();
		if ((err = fo_engine_run(e, &sc)) < 0)
			goto done;
		int n = runs_for(now() - t0, 0.5, 5, 2000);
		for (int i = 0; i < n; i++) {
			t0 = now();
			fo_engine_run(e, &sc);
			t[i] = now() - t0;
		}
		r->full = median(t, n);
		r->full_runs = n;
		if ((err = fo_engine_run(eg, &sc)) < 0)
			goto done;
		for (int i = 0; i < n; i++) {
			t0 = now();
			fo_engine_run(eg, &sc);
			t[i] = now() - t0;
		}
		r->full_graph = median(t, n);
		const uint32_t *imp_set, *imp_graph;
		fo_summary su;
		r->impacted = fo_engine_impacted(e, &imp_set);
		if (fo_engine_impacted(eg, &imp_graph) != r->impacted ||
		    memcmp(imp_set, imp_graph, r->impacted * sizeof *imp_set)) {
			say("FAIL: %s: the engine's layouts give different impacts", r->id);
			status = 1;
			goto done;
		}
		fo_engine_summary(e, &su);
		r->down = su.down;

		t0 = now();
		r->reached = reach(&v, r->node, set, seen, ++stamp);
		n = runs_for(now() - t0, 0.5, 5, 2000);
		for (int i = 0; i < n; i++) {
			t0 = now();
			reach(&v, r->node, set, seen, ++stamp);
			t[i] = now() - t0;
		}
		r->reduced = median(t, n);
		r->reduced_runs = n;
		/* The full impact lies within the reduced one. */
		stamp++;
		reach(&v, r->node, set, seen, stamp);
		for (size_t i = 0; i < r->impacted; i++)
			if (seen[imp_set[i]] != stamp) {
				say("FAIL: %s: node %s is impacted but not reachable", r->id,
				    fo_graph_node_id(g, imp_set[i]));
				status = 1;
				goto done;
			}
		say("whatif %-12s %-32s impacted %8zu  full %s (graph layout %s)  reduced %s (%zu)",
		    r->name, r->id, r->impacted, fmt_time(b1, sizeof b1, r->full),
		    fmt_time(b3, sizeof b3, r->full_graph), fmt_time(b2, sizeof b2, r->reduced),
		    r->reached);
	}

	/* 4. A batch of random scenarios: 1-3 failed nodes, one in ten also
	 * destroys a node. Run and summary are timed together. */
	long rss_at[4] = { 0 };
	double heap_at[4] = { 0 };
	double batch_secs = 0;
	size_t batch_down = 0;
	{
		uint64_t rs = o.seed * 7919 + 17;
		uint32_t f[3], dn;
		rss_at[0] = proc_status_kb("VmRSS");
		heap_at[0] = heap_bytes();
		for (int i = 1; i <= o.batch; i++) {
			size_t nf = 1 + rng_next(&rs) % 3;
			for (size_t j = 0; j < nf; j++)
				f[j] = (uint32_t)(rng_next(&rs) % nodes);
			dn = (uint32_t)(rng_next(&rs) % nodes);
			fo_scenario sc = { f, nf, &dn, i % 10 == 0 };
			fo_summary su;
			t0 = now();
			if ((err = fo_engine_run(e, &sc)) < 0)
				goto done;
			fo_engine_summary(e, &su);
			batch_secs += now() - t0;
			batch_down += su.down;
			int at = i == 10 ? 1 : i == 100 ? 2 : i == o.batch ? 3 : 0;
			if (at) {
				rss_at[at] = proc_status_kb("VmRSS");
				heap_at[at] = heap_bytes();
			}
		}
		say("batch: %d scenarios in %.3f s, VmRSS %ld/%ld/%ld/%ld kB", o.batch, batch_secs,
		    rss_at[0], rss_at[1], rss_at[2], rss_at[3]);
	}

	/* 5. SPOF ranking of every node, in a child (peak RSS includes the graph). */
	spof_ctx sctx = { g, 0 };
	int spof_runs = o.runs < 3 ? o.runs : 3;
	if ((err = run_phase(&spof, "spof", spof_runs, child_spof, &sctx)) < 0)
		goto done;

	/* 6. The SVG of an impact of about RENDER_TARGET drawn nodes: the layer
	 * whose scope is nearest, then a few more racks/hosts if none is. */
	uint32_t rnode = FO_NONE;
	size_t rscope = 0, rimpacted = 0;
	double render_secs = -1;
	int render_runs = 0;
	{
		size_t best = SIZE_MAX;
		for (int l = 0; l < FO_GEN_LAYER_COUNT; l++) {
			if (L[l].impacted > 20 * RENDER_TARGET)
				continue;
			fo_scenario sc = { &L[l].node, 1, NULL, 0 };
			fo_engine_run(e, &sc);
			size_t s = scope_size(e);
			size_t dist = s > RENDER_TARGET ? s - RENDER_TARGET : RENDER_TARGET - s;
			if (s > 0 && dist < best) {
				best = dist;
				rnode = L[l].node;
				rscope = s;
			}
		}
		if (rnode != FO_NONE) {
			fo_scenario sc = { &rnode, 1, NULL, 0 };
			fo_engine_run(e, &sc);
			rimpacted = fo_engine_impacted(e, &(const uint32_t *){ NULL });
			fo_render_opts ro = { .scope = FO_SCOPE_IMPACT, .format = "svg", .max_nodes = rscope + 1, .detail = FO_DETAIL_NODES };
			double t[16];
			render_runs = o.runs < 3 ? o.runs : 3;
			for (int i = 0; i < render_runs; i++) {
				FILE *fp = fopen(o.svg ? o.svg : "/dev/null", "w");
				if (!fp) {
					err = FO_EIO;
					goto done;
				}
				t0 = now();
				err = fo_render(fp, e, &ro, NULL);
				t[i] = now() - t0;
				fclose(fp);
				if (err < 0)
					goto done;
			}
			render_secs = median(t, render_runs);
			say("render %s: %zu impacted, %zu drawn, %.3f s",
			    fo_graph_node_id(g, rnode), rimpacted, rscope, render_secs);
		}
	}

	/* 7. The peers on the reduced question. */
	if ((err = peers_init(&p, &v)) < 0)
		goto done;
	say("peers: %zu edges; igraph built in %.2f s, SQLite table+index in %.2f s", p.edges,
	    p.ig_build, p.sql_build);
	if (igraph_vector_int_init(&igres, 0) != IGRAPH_SUCCESS) {
		err = FO_ENOMEM;
		goto done;
	}
	have_igres = 1;
	for (int l = 0; l < FO_GEN_LAYER_COUNT; l++) {
		layer_res *r = &L[l];
		double t[MAXRUNS];
		size_t n1 = reach(&v, r->node, set, seen, ++stamp), n2;

		t0 = now();
		if ((err = ig_reach(&p, r->node, &igres)) < 0)
			goto done;
		double first = now() - t0;
		n2 = (size_t)igraph_vector_int_size(&igres);
		for (size_t i = 0; i < n2; i++)
			set2[i] = (uint32_t)VECTOR(igres)[i];
		if (!sets_equal(set, n1, set2, n2)) {
			say("FAIL: %s: fallout reaches %zu nodes, igraph_subcomponent %zu, or other "
			    "nodes", r->id, n1, n2);
			status = 1;
			goto done;
		}
		int n = runs_for(first, 1.0, 3, 1000);
		for (int i = 0; i < n; i++) {
			t0 = now();
			ig_reach(&p, r->node, &igres);
			t[i] = now() - t0;
		}
		r->ig = median(t, n);
		r->ig_runs = n;

		/* SQLite: the first run returns the set for the check and counts as
		 * a run; more runs only while within the budget and the cap. */
		t0 = now();
		if ((err = sql_reach(&p, r->node, set2, &n2)) < 0)
			goto done;
		t[0] = now() - t0;
		if (!sets_equal(set, n1, set2, n2)) {
			say("FAIL: %s: fallout reaches %zu nodes, SQLite %zu, or other nodes", r->id,
			    n1, n2);
			status = 1;
			goto done;
		}
		n = runs_for(t[0], 1.0, 3, 1000);
		if (t[0] >= 0.1) {
			n = 1 + (int)(o.sqlite_budget / t[0]);
			if (n > o.sqlite_runs)
				n = o.sqlite_runs;
		}
		for (int i = 1; i < n; i++) {
			t0 = now();
			if ((err = sql_reach(&p, r->node, NULL, &n2)) < 0)
				goto done;
			t[i] = now() - t0;
		}
		r->sql = median(t, n);
		r->sql_runs = n;
		say("peers  %-12s reached %8zu  igraph %s  sqlite %s (%d runs)  [equal]", r->name,
		    n1, fmt_time(b1, sizeof b1, r->ig), fmt_time(b2, sizeof b2, r->sql), n);
	}

	/* 8. The report. */
	printf("### %zu nodes, %zu dependencies\n\n", nodes, deps);
	printf("`%s`: %.1f MB of XML, %u groups; the reduced graph has %zu edges. "
	       "Big operations: median of %d runs.\n\n",
	       o.xml, mb, v.groups, p.edges, o.runs);
	printf("| operation | median | range | peak RSS | figure |\n|---|---:|---:|---:|---|\n");
	printf("| XML import (`fo_inventory_load`) | %s | %s – %s | %.0f MB | %.1f MB/s |\n",
	       fmt_time(b1, sizeof b1, imp.secs), fmt_time(b2, sizeof b2, imp.min),
	       fmt_time(b3, sizeof b3, imp.max), imp.rss_kb / 1024.0, mb / imp.secs);
	printf("| snapshot import into SQLite (`fo_snapshot_save`, graph already loaded) | %s | "
	       "%s – %s | %.0f MB | %.0f nodes/s |\n",
	       fmt_time(b1, sizeof b1, save.secs), fmt_time(b2, sizeof b2, save.min),
	       fmt_time(b3, sizeof b3, save.max), save.rss_kb / 1024.0,
	       (double)nodes / save.secs);
	printf("| snapshot load (`fo_snapshot_load`) | %s | %s – %s | %.0f MB | |\n",
	       fmt_time(b1, sizeof b1, load.secs), fmt_time(b2, sizeof b2, load.min),
	       fmt_time(b3, sizeof b3, load.max), load.rss_kb / 1024.0);
	printf("| loaded graph in memory (heap held after load) | | | %.0f MB | %.0f bytes per "
	       "node + dependency |\n", graph_bytes / 1048576.0, per);
	printf("| engine state, local layout (`fo_engine_new_opts`) | %s | | %.0f MB | %.0f bytes per "
	       "node + group |\n", fmt_time(b1, sizeof b1, engine_new_local),
	       engine_bytes / 1048576.0, engine_bytes / (double)(nodes + v.groups));
	printf("| engine state, graph layout (`fo_engine_new`) | %s | | %.0f MB | %.0f bytes per "
	       "node + group |\n", fmt_time(b1, sizeof b1, engine_new_graph),
	       engine_graph_bytes / 1048576.0, engine_graph_bytes / (double)(nodes + v.groups));
	printf("| all-node SPOF ranking (`fo_spof_compute`, %d runs) | %s | %s – %s | %.0f MB "
	       "(graph included) | |\n",
	       spof.runs, fmt_time(b1, sizeof b1, spof.secs), fmt_time(b2, sizeof b2, spof.min),
	       fmt_time(b3, sizeof b3, spof.max), spof.rss_kb / 1024.0);
	if (rnode != FO_NONE)
		printf("| SVG of the impact of `%s` (%zu impacted, %zu drawn; %d runs) | %s | | | |\n",
		       fo_graph_node_id(g, rnode), rimpacted, rscope, render_runs,
		       fmt_time(b1, sizeof b1, render_secs));
	printf("| batch of %d random scenarios (run + summary) | %s | | VmRSS %.1f → %.1f → %.1f "
	       "→ %.1f MB, heap in use %.1f → %.1f → %.1f → %.1f MB (before, after 10, 100, %d) "
	       "| %.0f scenarios/s, %.1f nodes down on average |\n",
	       o.batch, fmt_time(b1, sizeof b1, batch_secs), rss_at[0] / 1024.0,
	       rss_at[1] / 1024.0, rss_at[2] / 1024.0, rss_at[3] / 1024.0, heap_at[0] / 1048576.0,
	       heap_at[1] / 1048576.0, heap_at[2] / 1048576.0, heap_at[3] / 1048576.0, o.batch,
	       o.batch / batch_secs, (double)batch_down / o.batch);
	printf("| building the peers' graphs: igraph_create / SQLite table + index | %s / %s | "
	       "| | |\n\n",
	       fmt_time(b1, sizeof b1, p.ig_build), fmt_time(b2, sizeof b2, p.sql_build));

	printf("whatif of one node per layer. *full*: `fo_engine_run` with every rule (K of n, "
	       "soft, copies, at-risk, causes), engine with the local layout (*full, graph layout*: "
	       "the same over the graph's own numbering, same results); *reduced*: plain reverse "
	       "reachability, every "
	       "dependency hard, answered by fallout (BFS over its CSR arrays), "
	       "`igraph_subcomponent(IN)` and SQLite `WITH RECURSIVE`; all three sets checked "
	       "equal. Ratios are peer time / fallout time.\n\n");
	printf("| layer | node | impacted (full) | reached (reduced) | fallout full | full, graph "
	       "layout | fallout reduced | igraph | SQLite (runs) | igraph / full | igraph / reduced "
	       "| SQLite / full | SQLite / reduced |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:"
	       "|---:|---:|---:|\n");
	for (int l = 0; l < FO_GEN_LAYER_COUNT; l++) {
		layer_res *r = &L[l];
		char b8[32], b9[32];
		printf("| %s | `%s` | %zu | %zu | %s | %s | %s | %s | %s (%d) | %s | %s | %s | %s |\n",
		       r->name,
		       r->id, r->impacted, r->reached, fmt_time(b1, sizeof b1, r->full),
		       fmt_time(b9, sizeof b9, r->full_graph),
		       fmt_time(b2, sizeof b2, r->reduced), fmt_time(b3, sizeof b3, r->ig),
		       fmt_time(b4, sizeof b4, r->sql), r->sql_runs,
		       fmt_ratio(b5, sizeof b5, r->ig, r->full),
		       fmt_ratio(b6, sizeof b6, r->ig, r->reduced),
		       fmt_ratio(b7, sizeof b7, r->sql, r->full),
		       fmt_ratio(b8, sizeof b8, r->sql, r->reduced));
	}

	/* Targets (set for 1M nodes; at other sizes for scale only). */
	double worst_ratio = INFINITY, worst_small = 0;
	const char *worst_small_layer = "none";
	for (int l = 0; l < FO_GEN_LAYER_COUNT; l++) {
		if (l == FO_GEN_REGION || l == FO_GEN_SITE || l == FO_GEN_COOLING) {
			double ratio = L[l].ig / L[l].full;
			if (ratio < worst_ratio)
				worst_ratio = ratio;
		}
		if (L[l].impacted < 100 && L[l].full > worst_small) {
			worst_small = L[l].full;
			worst_small_layer = L[l].name;
		}
	}
	printf("\nTargets%s:\n\n| target | measured | verdict |\n|---|---|---|\n",
	       o.nodes == 1000000 ? "" : " (set for 1M nodes; shown at this size for scale)");
	printf("| region/site/cooling whatif, full semantics, ≥ %.0f× faster than "
	       "igraph_subcomponent | %.1f× (region %s, site %s, cooling %s vs igraph %s, %s, %s) "
	       "| %s |\n",
	       T_IGRAPH_RATIO, worst_ratio, fmt_time(b5, sizeof b5, L[FO_GEN_REGION].full),
	       fmt_time(b1, sizeof b1, L[FO_GEN_SITE].full),
	       fmt_time(b2, sizeof b2, L[FO_GEN_COOLING].full),
	       fmt_time(b6, sizeof b6, L[FO_GEN_REGION].ig),
	       fmt_time(b3, sizeof b3, L[FO_GEN_SITE].ig),
	       fmt_time(b4, sizeof b4, L[FO_GEN_COOLING].ig),
	       verdict(worst_ratio >= T_IGRAPH_RATIO));
	printf("| whatif of a blast radius < 100 nodes under %.0f µs | slowest %s (%s) | %s |\n",
	       T_SMALL_US, fmt_time(b1, sizeof b1, worst_small), worst_small_layer,
	       verdict(worst_small * 1e6 < T_SMALL_US));
	printf("| XML import ≥ %.0f MB/s | %.1f MB/s | %s |\n", T_IMPORT_MBS, mb / imp.secs,
	       verdict(mb / imp.secs >= T_IMPORT_MBS));
	printf("| XML import peak RSS ≤ 1.5 GB | %.0f MB | %s |\n", imp.rss_kb / 1024.0,
	       verdict(imp.rss_kb / 1024.0 <= T_IMPORT_RSS_MB));
	printf("| snapshot load ≤ %.0f s | %s | %s |\n", T_LOAD_S,
	       fmt_time(b1, sizeof b1, load.secs), verdict(load.secs <= T_LOAD_S));
	printf("| loaded graph ≤ %.0f bytes per node + dependency | %.0f | %s |\n", T_BYTES, per,
	       verdict(per <= T_BYTES));
	printf("| all-node SPOF ranking ≤ %.0f s | %s | %s |\n", T_SPOF_S,
	       fmt_time(b1, sizeof b1, spof.secs), verdict(spof.secs <= T_SPOF_S));
	/* Flat = no allocation per scenario: the heap in use does not grow.
	 * VmRSS may still creep up while scenarios first touch pages of the
	 * engine's arrays allocated (zeroed, not yet resident) by
	 * fo_engine_new; that growth is bounded by the engine state above. */
	double heap_growth = heap_at[3] - heap_at[1];
	printf("| batch memory flat (heap in use after 10 vs after %d scenarios; VmRSS for "
	       "information) | heap %+.1f kB; VmRSS %+.1f MB (%+.2f %%; bounded by the engine "
	       "state, %.0f MB) | %s |\n\n",
	       o.batch, heap_growth / 1024.0, (rss_at[3] - rss_at[1]) / 1024.0,
	       100.0 * (double)(rss_at[3] - rss_at[1]) / (double)rss_at[1],
	       engine_bytes / 1048576.0, verdict(heap_growth <= 64 * 1024));
	printf("(In this process the XML load took %.2f s; SQLite %s, igraph %s.)\n\n",
	       parent_load, sqlite3_libversion(), IGRAPH_VERSION);
	status = 0;
done:
	if (err < 0 && status == 4)
		say("failed: %s", fo_strerror(err));
	if (have_igres)
		igraph_vector_int_destroy(&igres);
	peers_dispose(&p);
	free(seen);
	free(set2);
	free(set);
	fo_engine_free(eg);
	fo_engine_free(e);
	fo_graph_free(g);
	return status;
}
