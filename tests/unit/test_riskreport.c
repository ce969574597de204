/*
 * test_riskreport.c — the writers of reports/fo_riskreport.h: cut sets and
 * availability in text, JSON and CSV (hostile names, exact counts,
 * infinities), the hardening order, nines, and the availability of several
 * apps of an inventory (no failure data, missing data, complete data).
 * The outputs on the samples are CLI goldens (tests/cli/cases/cutsets-*,
 * availability-*); these tests pin what the samples cannot reach.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graphs/fo_error.h"
#include "graphs/fo_ft.h"
#include "graphs/fo_graph.h"
#include "reports/fo_riskreport.h"
#include "risk/fo_risk.h"

/* What a writer printed, NUL-terminated (free()). */
typedef int (*writer_fn)(FILE *fp, void *arg);
static char *capture(writer_fn fn, void *arg, int *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	*err = fn(fp, arg);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

/* top = OR(h, AND(b, c)) with h a hostile name; p known unless `unknown`. */
static fo_ft *small_tree(int unknown)
{
	fo_ft *ft = NULL;
	uint32_t h, b, c, g, top;
	assert_int_equal(fo_ft_new(&ft), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "=h \"q\"\n<x>,\xe5\x86\xb7", 0.5, 0, &h), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "b", unknown ? -1 : 0.25, 1, &b), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "c", 0.5, 2, &c), FO_OK);
	uint32_t bc[] = { b, c };
	assert_int_equal(fo_ft_add_gate(ft, NULL, FO_FT_AND, 0, bc, 2, &g), FO_OK);
	uint32_t args[] = { h, g };
	assert_int_equal(fo_ft_add_gate(ft, "top", FO_FT_OR, 0, args, 2, &top), FO_OK);
	assert_int_equal(fo_ft_set_top(ft, top), FO_OK);
	assert_int_equal(fo_ft_set_name(ft, "app\t1"), FO_OK);
	return ft;
}

typedef struct cs_arg {
	const fo_ft *ft;
	const fo_cutsets *cs;
	fo_riskreport_format fmt;
	fo_cutsets_sort sort;
	size_t top;
} cs_arg;

static int write_cs(FILE *fp, void *arg)
{
	cs_arg *a = arg;
	fo_riskreport_src src = { "in\nput.xml", "down", NULL };
	return fo_riskreport_cutsets(fp, &src, a->ft, a->cs, 0, a->sort, a->top, a->fmt);
}

static void cutsets_formats(void **state)
{
	(void)state;
	fo_ft *ft = small_tree(0);
	fo_risk *r = NULL;
	fo_cutsets *cs = NULL;
	int err;
	assert_int_equal(fo_risk_new(&r, ft, NULL, NULL), FO_OK);
	assert_int_equal(fo_risk_cutsets(r, &cs), FO_OK);
	cs_arg a = { ft, cs, FO_RISKREPORT_TEXT, FO_CUTSETS_BY_ORDER, 0 };

	char *t = capture(write_cs, &a, &err);
	assert_int_equal(err, FO_OK);
	/* Escaped: one line per set, the header on one line too. */
	assert_non_null(strstr(t, "Minimal failure sets of app\\t1 (down) in in\\nput.xml\n"));
	assert_non_null(strstr(t, "  sets: 2 (exact)\n"));
	assert_non_null(strstr(t, "  1      1  0.5         =h \"q\"\\n<x>,\xe5\x86\xb7\n"));
	assert_non_null(strstr(t, "  2      2  0.125       b, c\n"));
	assert_null(strstr(t, "--top 0")); /* all listed: no "first N" line */
	free(t);

	a.top = 1;
	a.sort = FO_CUTSETS_BY_PROB;
	t = capture(write_cs, &a, &err);
	assert_int_equal(err, FO_OK);
	assert_non_null(strstr(t, "The first 1 by probability (--top 0 lists all 2):\n"));
	assert_null(strstr(t, "b, c"));
	free(t);

	a.fmt = FO_RISKREPORT_JSON;
	a.top = 0;
	a.sort = FO_CUTSETS_BY_ORDER;
	t = capture(write_cs, &a, &err);
	assert_int_equal(err, FO_OK);
	assert_non_null(strstr(t, "\"input\": \"in\\nput.xml\""));
	assert_non_null(strstr(t, "\"top\": \"app\\t1\""));
	assert_non_null(strstr(t, "\"count\": \"2\""));
	assert_non_null(strstr(t, "\"orders\": [{\"order\": 1, \"count\": \"1\"}, {\"order\": 2, \"count\": \"1\"}]"));
	assert_non_null(strstr(t, "{\"order\": 1, \"p\": 0.5, \"nodes\": [\"=h \\\"q\\\"\\n<x>,\xe5\x86\xb7\"]}"));
	assert_non_null(strstr(t, "{\"order\": 2, \"p\": 0.125, \"nodes\": [\"b\", \"c\"]}"));
	assert_non_null(strstr(t, "\"listed\": 2,\n  \"complete\": true\n}\n"));
	free(t);

	a.fmt = FO_RISKREPORT_CSV;
	t = capture(write_cs, &a, &err);
	assert_int_equal(err, FO_OK);
	/* Formula injection defused, quotes doubled, newline escaped. */
	assert_string_equal(t, "set,order,p,node,kind\r\n"
			       "1,1,0.5,\"'=h \"\"q\"\"\\n<x>,\xe5\x86\xb7\",\r\n"
			       "2,2,0.125,b,\r\n"
			       "2,2,0.125,c,\r\n");
	free(t);
	fo_cutsets_free(cs);
	fo_risk_free(r);
	fo_ft_free(ft);
}

/* Unknown p: no p column in text, null in JSON, empty in CSV. */
static void cutsets_unknown_p(void **state)
{
	(void)state;
	fo_ft *ft = small_tree(1);
	fo_risk *r = NULL;
	fo_cutsets *cs = NULL;
	int err;
	assert_int_equal(fo_risk_new(&r, ft, NULL, NULL), FO_OK);
	assert_int_equal(fo_risk_cutsets(r, &cs), FO_OK);
	cs_arg a = { ft, cs, FO_RISKREPORT_TEXT, FO_CUTSETS_BY_ORDER, 0 };
	char *t = capture(write_cs, &a, &err);
	assert_int_equal(err, FO_OK);
	assert_non_null(strstr(t, "  #  order  nodes\n"));
	assert_non_null(strstr(t, "  2      2  b, c\n"));
	free(t);
	a.fmt = FO_RISKREPORT_JSON;
	t = capture(write_cs, &a, &err);
	assert_non_null(strstr(t, "{\"order\": 2, \"p\": null, \"nodes\": [\"b\", \"c\"]}"));
	free(t);
	a.fmt = FO_RISKREPORT_CSV;
	t = capture(write_cs, &a, &err);
	assert_non_null(strstr(t, "\r\n2,2,,b,\r\n"));
	free(t);
	/* Sorting by probability needs every p: refused, not guessed. */
	a.sort = FO_CUTSETS_BY_PROB;
	t = capture(write_cs, &a, &err);
	assert_int_equal(err, FO_EINVAL);
	free(t);
	fo_cutsets_free(cs);
	fo_risk_free(r);
	fo_ft_free(ft);
}

static void hardening_order(void **state)
{
	(void)state;
	fo_importance v[] = {
		{ .event = 0, .fussell_vesely = 0.1, .birnbaum = 0.5, .raw = 2 },
		{ .event = 1, .fussell_vesely = 0.3, .birnbaum = 0.1, .raw = 2 },
		/* equal to event 1's FV but for rounding: Birnbaum decides */
		{ .event = 2, .fussell_vesely = 0.3 * (1 - 1e-15), .birnbaum = 0.2, .raw = 2 },
		{ .event = 3, .fussell_vesely = NAN, .birnbaum = 1, .raw = 2 },
		{ .event = 4, .fussell_vesely = 0.1, .birnbaum = 0.5, .raw = INFINITY },
		{ .event = 5, .fussell_vesely = 0.1, .birnbaum = 0.5, .raw = 2 },
	};
	fo_riskreport_rank_importance(v, 6);
	const uint32_t want[] = { 2, 1, 4, 0, 5, 3 };
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(v[i].event, want[i]);
	assert_true(isinf(fo_riskreport_nines(0)));
	assert_true(fabs(fo_riskreport_nines(0.001) - 3) < 1e-12);
	assert_string_equal(fo_riskreport_method_word(FO_RISKREPORT_EXACT), "exact");
	assert_string_equal(fo_riskreport_method_word(FO_RISKREPORT_RARE), "rare-event");
	assert_string_equal(fo_riskreport_method_word(FO_RISKREPORT_MCUB), "mcub");
}

typedef struct av_arg {
	const fo_riskreport_avail *a;
	size_t n, top;
	fo_riskreport_method m;
	fo_riskreport_format fmt;
} av_arg;

static int write_av(FILE *fp, void *arg)
{
	av_arg *x = arg;
	fo_riskreport_src src = { "inv.xml", "down", NULL };
	return fo_riskreport_availability(fp, &src, x->a, x->n, x->m, x->top, x->fmt);
}

/* Infinite measures (a node in every failing combination: RRW; an app that
 * cannot go down: nines) in each format. */
static void availability_infinities(void **state)
{
	(void)state;
	fo_ft *ft = small_tree(0);
	fo_importance imp[] = {
		{ .event = 0, .p = 0.5, .birnbaum = 1, .fussell_vesely = 1, .raw = 2, .rrw = INFINITY },
		{ .event = 1, .p = 0.25, .birnbaum = 0, .fussell_vesely = 0, .raw = 1, .rrw = 1 },
	};
	fo_riskreport_avail a[] = {
		{ ft, 0.5, imp, 2, 1, "t\"x", 0, 0 },
		{ ft, 0.0, NULL, 0, 0, NULL, 0, 0 },
	};
	av_arg x = { a, 2, 1, FO_RISKREPORT_EXACT, FO_RISKREPORT_TEXT };
	int err;
	char *t = capture(write_av, &x, &err);
	assert_int_equal(err, FO_OK);
	assert_non_null(strstr(t, "Availability (exact; independent failures; down; inv.xml)\n"));
	assert_non_null(strstr(t, "     1  0.5         50.00 %         0.30    262980     app\\t1\n"));
	assert_non_null(strstr(t, "     -  0           100 %           inf     0          app\\t1\n"));
	assert_non_null(strstr(t, "(1 of 2 nodes; --top 0 shows all)"));
	assert_non_null(strstr(t, "     1  1          inf        1          2          0.5        =h"));
	free(t);

	x.fmt = FO_RISKREPORT_JSON;
	t = capture(write_av, &x, &err);
	assert_int_equal(err, FO_OK);
	assert_non_null(strstr(t, "\"tenant\": \"t\\\"x\", \"tier\": 1, \"p_down\": 0.5,"));
	assert_non_null(strstr(t, "\"rrw\": null}"));
	assert_non_null(strstr(t, "\"p_down\": 0, \"availability\": 1, \"nines\": null"));
	assert_non_null(strstr(t, "\"importance\": null}"));
	assert_null(strstr(t, "\"b\"")); /* --top 1 */
	free(t);

	x.fmt = FO_RISKREPORT_CSV;
	t = capture(write_av, &x, &err);
	assert_int_equal(err, FO_OK);
	assert_non_null(strstr(t, "app,app\\t1,1,0.5,0.301029995664,262980,,,,,,,,\r\n"));
	assert_non_null(strstr(t, "importance,app\\t1,,,,,1,\"'=h \"\"q\"\"\\n<x>,\xe5\x86\xb7\",,0.5,1,1,2,inf\r\n"));
	free(t);

	x.m = FO_RISKREPORT_MCUB;
	x.fmt = FO_RISKREPORT_TEXT;
	t = capture(write_av, &x, &err);
	assert_non_null(strstr(t, "Availability (mcub;"));
	assert_non_null(strstr(t, "min-cut upper bound"));
	free(t);
	fo_ft_free(ft);
}

/* node: id, kind, then property pairs (key, value), NULL-terminated. */
static uint32_t node(fo_builder *b, const char *id, const char *kind, unsigned tier, ...)
{
	uint32_t v;
	va_list ap;
	assert_int_equal(fo_builder_add_node(b, id, kind, NULL, NULL, tier, (fo_pos){ 0, 0 }, &v),
			 FO_OK);
	va_start(ap, tier);
	for (const char *k; (k = va_arg(ap, const char *));)
		assert_int_equal(fo_builder_add_prop(b, v, k, va_arg(ap, const char *)), FO_OK);
	va_end(ap);
	return v;
}

static void requires(fo_builder *b, uint32_t owner, unsigned k, const char *m1, const char *m2)
{
	assert_int_equal(fo_builder_group_begin(b, owner, FO_GROUP_REQUIRES, k, (fo_pos){ 0, 0 }),
			 FO_OK);
	assert_int_equal(fo_builder_group_add(b, m1, (fo_pos){ 0, 0 }), FO_OK);
	if (m2)
		assert_int_equal(fo_builder_group_add(b, m2, (fo_pos){ 0, 0 }), FO_OK);
	assert_int_equal(fo_builder_group_end(b), FO_OK);
}

/* apps a1 (needs 1 of {x, y}) and a2 (needs z); p of x, y, a1 known, z
 * and a2 per `full`; none at all when `none`. */
static fo_graph *apps_graph(int none, int full)
{
	fo_builder *b = NULL;
	fo_graph *g = NULL;
	assert_int_equal(fo_builder_new(&b, NULL, "t.xml"), FO_OK);
	if (none) {
		node(b, "x", "vm", 0, NULL);
		node(b, "y", "vm", 0, NULL);
		node(b, "z", "vm", 0, NULL);
	} else {
		node(b, "x", "vm", 0, "p", "0.1", NULL);
		node(b, "y", "vm", 0, "mtbf", "9", "mttr", "1", NULL);
		if (full)
			node(b, "z", "vm", 0, "p", "0.5", NULL);
		else
			node(b, "z", "vm", 0, NULL);
	}
	uint32_t a1 = none ? node(b, "a1", "app", 1, NULL) : node(b, "a1", "app", 1, "p", "0", NULL);
	uint32_t a2 = none || !full ? node(b, "a2", "app", 0, NULL) : node(b, "a2", "app", 0, "p", "0", NULL);
	requires(b, a1, 1, "x", "y");
	requires(b, a2, 1, "z", NULL);
	assert_int_equal(fo_builder_finish(b, &g), FO_OK);
	fo_builder_free(b);
	return g;
}

static void apps_compute(void **state)
{
	(void)state;
	fo_riskreport_apps x;
	uint32_t apps[2];

	fo_graph *g = apps_graph(1, 0);
	apps[0] = 3;
	apps[1] = 4;
	assert_int_equal(fo_riskreport_apps_compute(&x, g, apps, 2, 0, NULL), FO_OK);
	assert_int_equal(x.n, 0); /* no failure data: no section */
	fo_riskreport_apps_dispose(&x);
	fo_graph_free(g);

	g = apps_graph(0, 0);
	assert_int_equal(fo_riskreport_apps_compute(&x, g, apps, 2, 0, NULL), FO_OK);
	assert_int_equal(x.n, 2);
	assert_int_equal(x.a[0].missing, 0);
	/* P(x and y) = 0.1 * 0.1 */
	assert_true(fabs(x.a[0].q - 0.01) < 1e-12);
	assert_int_equal(x.a[0].tier, 1);
	assert_non_null(x.a[0].imp);
	assert_int_equal(x.a[1].missing, 2); /* z and a2 */
	assert_true(isnan(x.a[1].q));
	assert_null(x.a[1].imp);
	fo_riskreport_apps_dispose(&x);
	assert_int_equal(x.n, 0);
	fo_graph_free(g);

	g = apps_graph(0, 1);
	assert_int_equal(fo_riskreport_apps_compute(&x, g, apps, 2, 0, NULL), FO_OK);
	assert_true(fabs(x.a[1].q - 0.5) < 1e-12);
	/* the hardening order: z first (F-V 1), then a2 (p 0: F-V 0) */
	assert_int_equal(fo_ft_event_ref(x.a[1].ft, x.a[1].imp[0].event), 2);
	assert_int_equal(x.a[1].over_limit, 0);
	fo_riskreport_apps_dispose(&x);

	/* Over the memory limit: that app's row says so, the call succeeds. */
	assert_int_equal(fo_riskreport_apps_compute(&x, g, apps, 2, 64, NULL), FO_OK);
	assert_int_equal(x.n, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(x.a[i].over_limit, 1);
		assert_int_equal(x.a[i].missing, 0);
		assert_true(isnan(x.a[i].q));
		assert_null(x.a[i].imp);
	}
	fo_riskreport_apps_dispose(&x);
	fo_graph_free(g);
}

/* The pairs of an app: both halves of each redundant group, nothing of
 * order 1 or 3. */
static void pairs(void **state)
{
	(void)state;
	fo_graph *g = apps_graph(1, 0);
	uint32_t *p = NULL;
	size_t n = 9;
	assert_int_equal(fo_riskreport_pairs(g, 3, 0, &p, &n, NULL), FO_OK);
	assert_int_equal(n, 1);
	assert_int_equal(p[0], 0);
	assert_int_equal(p[1], 1);
	free(p);
	assert_int_equal(fo_riskreport_pairs(g, 4, 0, &p, &n, NULL), FO_OK);
	assert_int_equal(n, 0);
	free(p);
	fo_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cutsets_formats),
		cmocka_unit_test(cutsets_unknown_p),
		cmocka_unit_test(hardening_order),
		cmocka_unit_test(availability_infinities),
		cmocka_unit_test(apps_compute),
		cmocka_unit_test(pairs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
