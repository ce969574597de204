/*
 * test_engine.c — the propagation engine against docs/semantics.md.
 *
 * One focused test per rule (flags, headline state, cause, cause group, root
 * and explain chain with its K/n/count arithmetic), then a randomised
 * cross-check against a naive reference written straight from the rules:
 * "for every node, apply the rule" over all nodes until nothing changes, one
 * phase at a time. After every run, check_all() verifies what must hold for
 * any result: flags consistent with the headline, every cause a member of
 * its group that makes the rule true, chains ending at the root, impacted
 * list, summary and group counters recomputed from the flags.
 *
 * Every test runs twice, once per engine layout (fo_engine_opts.layout):
 * the local layout renumbers nodes and groups inside the engine and must
 * give the same results bit for bit; the randomised check also compares the
 * two layouts' every output, causes and explain chains included.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helpers/fixture.h"
#include "analyzer/engine_int.h"
#include "helpers/rgraph.h"
#include "graphs/fo_error.h"

#define FA FO_F_FAILED
#define DE FO_F_DESTROYED
#define LO FO_F_LOST
#define DN FO_F_DOWN
#define DG FO_F_DEGRADED
#define AR FO_F_AT_RISK

/* Type of the cause group in expectations: group type + 1 (0 = no group). */
#define REQ (FO_GROUP_REQUIRES + 1)
#define LOC (FO_GROUP_LOCATED + 1)
#define COP (FO_GROUP_COPIES + 1)
#define DEG (FO_GROUP_DEGRADES + 1)

#define MAXSC 64

/* The layout of every engine a test creates (each test runs under both). */
static fo_engine_layout layout;

static int new_engine(fo_engine **e, const fo_graph *g)
{
	fo_engine_opts o = { .layout = layout };
	if (layout == FO_ENGINE_LAYOUT_GRAPH)
		return fo_engine_new(e, g);
	return fo_engine_new_opts(e, g, &o);
}

/* ------------------------------------------------------------ invariants */

static int in_set(const uint32_t *a, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] == x)
			return 1;
	return 0;
}

static const char *nid(const fo_graph *g, uint32_t v)
{
	return v == FO_NONE ? "(none)" : fo_graph_node_id(g, v);
}

static fo_state state_of_flags(unsigned f)
{
	if (f & DN)
		return FO_STATE_DOWN;
	if (f & DG)
		return FO_STATE_DEGRADED;
	if (f & AR)
		return FO_STATE_AT_RISK;
	return FO_STATE_UP;
}

typedef struct counts {
	uint32_t notdown, healthy, safe, kept; /* kept: neither destroyed nor lost */
} counts;

/* Counts of a group recomputed from the members' flags. */
static counts count_group(const fo_engine *e, uint32_t gi)
{
	fo_group_info gr;
	counts c = { 0, 0, 0, 0 };
	fo_graph_group(fo_engine_graph(e), gi, &gr);
	for (uint32_t i = 0; i < gr.n; i++) {
		unsigned f = fo_engine_flags(e, gr.members[i]);
		if (!(f & DN)) {
			c.notdown++;
			c.healthy += !(f & DG);
			c.safe += !(f & AR);
		}
		c.kept += !(f & (DE | LO));
	}
	return c;
}

static int is_member(const fo_group_info *gr, uint32_t v)
{
	for (uint32_t i = 0; i < gr->n; i++)
		if (gr->members[i] == v)
			return 1;
	return 0;
}

#define PROBLEM(...) do { print_message(__VA_ARGS__); bad++; } while (0)

/* Does the cause recorded for non-scenario node v (headline st) make its
 * rule true? Returns the number of problems. */
static int check_cause(const fo_engine *e, uint32_t v)
{
	const fo_graph *g = fo_engine_graph(e);
	unsigned f = fo_engine_flags(e, v);
	fo_state st = fo_engine_state(e, v);
	uint32_t c = fo_engine_cause(e, v), gi = fo_engine_cause_group(e, v);
	const char *id = nid(g, v);
	int bad = 0;
	fo_group_info gr;

	if (c == FO_NONE || gi == FO_NONE || gi >= fo_graph_group_count(g)) {
		PROBLEM("%s: no cause (cause %u, group %u)\n", id, c, gi);
		return bad;
	}
	fo_graph_group(g, gi, &gr);
	if (gr.owner != v)
		PROBLEM("%s: cause group owned by %s\n", id, nid(g, gr.owner));
	if (!is_member(&gr, c))
		PROBLEM("%s: cause %s not in the cause group\n", id, nid(g, c));
	unsigned cf = fo_engine_flags(e, c);
	counts k = count_group(e, gi);
	int hard = fo_group_type_is_hard(gr.type);
	if (st == FO_STATE_DOWN) {
		if (f & DE) {
			if (gr.type != FO_GROUP_LOCATED || c != fo_graph_node_container(g, v) || !(cf & DE))
				PROBLEM("%s: destroyed, but cause %s is not its destroyed container\n", id, nid(g, c));
		} else if (f & LO) {
			if (gr.type != FO_GROUP_COPIES || k.kept != 0 || !(cf & (DE | LO)))
				PROBLEM("%s: lost, but cause %s / copies group do not say so\n", id, nid(g, c));
		} else if (!hard || k.notdown >= gr.k || !(cf & DN)) {
			PROBLEM("%s: down, but group %u (k %u, %u not down) / cause %s do not say so\n",
				id, gi, gr.k, k.notdown, nid(g, c));
		}
	} else if (st == FO_STATE_DEGRADED) {
		if (!hard) {
			if (k.notdown >= gr.k || !(cf & DN))
				PROBLEM("%s: degraded by degrades group %u, rule false\n", id, gi);
		} else if (k.healthy >= gr.k || !(cf & DG) || (cf & DN)) {
			PROBLEM("%s: degraded by hard group %u, rule false (cause %s)\n", id, gi, nid(g, c));
		}
	} else if (st == FO_STATE_AT_RISK) {
		int spare = (cf & DN) && k.notdown == gr.k && gr.k < gr.n;
		int risky = (cf & AR) && !(cf & DN) && k.safe < gr.k;
		if (!hard || !(spare || risky))
			PROBLEM("%s: at-risk by group %u (k %u n %u, %u up, %u safe), cause %s: rule false\n",
				id, gi, gr.k, gr.n, k.notdown, k.safe, nid(g, c));
	}
	return bad;
}

/* Checks the explanation of v: a chain of causes from v to its root, each
 * step with the numbers of its group. */
static int check_explain(const fo_engine *e, uint32_t v)
{
	const fo_graph *g = fo_engine_graph(e);
	fo_explain_step *s = NULL;
	size_t len = 0;
	int bad = 0;
	fo_state st = fo_engine_state(e, v);
	int risk_mode = st == FO_STATE_AT_RISK;

	if (fo_engine_explain(e, v, &s, &len) != FO_OK || len == 0) {
		PROBLEM("%s: explain failed\n", nid(g, v));
		free(s);
		return bad;
	}
	if (len > fo_graph_node_count(g))
		PROBLEM("%s: explain has %zu steps\n", nid(g, v), len);
	if (s[0].node != v)
		PROBLEM("%s: explain starts at %s\n", nid(g, v), nid(g, s[0].node));
	for (size_t i = 0; i < len; i++) {
		uint32_t x = s[i].node;
		unsigned fx = fo_engine_flags(e, x);
		fo_state want = risk_mode && !(fx & DN) ? FO_STATE_AT_RISK : state_of_flags(fx);
		if (s[i].flags != fx || s[i].state != want)
			PROBLEM("%s: step %zu (%s): flags %#x state %s, want %#x %s\n", nid(g, v), i,
				nid(g, x), s[i].flags, fo_state_name(s[i].state), fx, fo_state_name(want));
		if (i + 1 < len ? s[i].cause != s[i + 1].node : s[i].cause != FO_NONE)
			PROBLEM("%s: step %zu: cause %s does not lead to the next step\n", nid(g, v), i,
				nid(g, s[i].cause));
		if (want == fo_engine_state(e, x) &&
		    (s[i].cause != fo_engine_cause(e, x) || s[i].group != fo_engine_cause_group(e, x)))
			PROBLEM("%s: step %zu: cause/group differ from fo_engine_cause*\n", nid(g, v), i);
		if (s[i].group == FO_NONE) {
			if (s[i].k || s[i].n || s[i].count)
				PROBLEM("%s: step %zu: numbers without a group\n", nid(g, v), i);
			continue;
		}
		fo_group_info gr;
		fo_graph_group(g, s[i].group, &gr);
		counts k = count_group(e, s[i].group);
		uint32_t cnt;
		if (want == FO_STATE_DEGRADED && fo_group_type_is_hard(gr.type))
			cnt = k.healthy;
		else if (want == FO_STATE_AT_RISK && !(fo_engine_flags(e, s[i].cause) & DN))
			cnt = k.safe;
		else if ((fx & LO) && gr.type == FO_GROUP_COPIES)
			cnt = k.kept;
		else
			cnt = k.notdown;
		if (gr.owner != x || !is_member(&gr, s[i].cause) || s[i].k != gr.k || s[i].n != gr.n ||
		    s[i].count != cnt)
			PROBLEM("%s: step %zu (%s): group %u k %u n %u count %u, want owner %s k %u n %u count %u\n",
				nid(g, v), i, nid(g, x), s[i].group, s[i].k, s[i].n, s[i].count,
				nid(g, gr.owner), gr.k, gr.n, cnt);
	}
	uint32_t last = s[len - 1].node;
	if (st == FO_STATE_UP) {
		if (len != 1 || s[0].group != FO_NONE || s[0].cause != FO_NONE)
			PROBLEM("%s: up node explained with %zu steps\n", nid(g, v), len);
	} else if (last != fo_engine_root(e, v)) {
		PROBLEM("%s: chain ends at %s, root is %s\n", nid(g, v), nid(g, last),
			nid(g, fo_engine_root(e, v)));
	}
	free(s);
	return bad;
}

/* The links a JSON reader follows (docs/semantics.md, "Cause and root"):
 * from any impacted node, `cause` links end at `root`, passing only through
 * nodes whose headline is that of the start, or down ones; from any at-risk
 * node, risk causes (the plain cause from the first node without one on)
 * end at the risk root, which for an at-risk-only node is its root. Checked
 * for every impacted node. Returns the number of problems. */
static int check_links(const fo_engine *e, uint32_t v)
{
	const fo_graph *g = fo_engine_graph(e);
	uint32_t n = fo_graph_node_count(g), x = v, steps = 0;
	unsigned f = fo_engine_flags(e, v);
	int bad = 0, risk_only = fo_engine_state(e, v) == FO_STATE_AT_RISK;

	/* the headline chain: cause, except that an at-risk-only start follows
	 * the at-risk chain (its cause is its risk cause) */
	while (fo_engine_cause(e, x) != FO_NONE && steps++ <= n) {
		uint32_t next = risk_only && fo_engine_risk_cause(e, x) != FO_NONE
			? fo_engine_risk_cause(e, x) : fo_engine_cause(e, x);
		x = next;
	}
	if (x != fo_engine_root(e, v))
		PROBLEM("%s: cause links end at %s, root is %s\n", nid(g, v), nid(g, x),
			nid(g, fo_engine_root(e, v)));
	if (!risk_only) {
		/* a down or degraded chain never leaves down or degraded nodes, so
		 * plain cause links alone end at the root */
		x = v;
		steps = 0;
		while (fo_engine_cause(e, x) != FO_NONE && steps++ <= n) {
			x = fo_engine_cause(e, x);
			if (!(fo_engine_flags(e, x) & (DN | DG)))
				PROBLEM("%s: cause chain passes %s, neither down nor degraded\n", nid(g, v),
					nid(g, x));
		}
		if (x != fo_engine_root(e, v))
			PROBLEM("%s: plain cause links end at %s, root is %s\n", nid(g, v), nid(g, x),
				nid(g, fo_engine_root(e, v)));
	}
	if (!(f & AR)) {
		if (fo_engine_risk_cause(e, v) != FO_NONE || fo_engine_risk_cause_group(e, v) != FO_NONE ||
		    fo_engine_risk_root(e, v) != FO_NONE)
			PROBLEM("%s: not at-risk but has a risk cause or root\n", nid(g, v));
		return bad;
	}
	if (risk_only && (fo_engine_risk_cause(e, v) != fo_engine_cause(e, v) ||
			  fo_engine_risk_cause_group(e, v) != fo_engine_cause_group(e, v) ||
			  fo_engine_risk_root(e, v) != fo_engine_root(e, v)))
		PROBLEM("%s: at-risk only, but its risk chain is not its headline chain\n", nid(g, v));
	x = v;
	steps = 0;
	for (;;) {
		uint32_t next = fo_engine_risk_cause(e, x);
		if (next == FO_NONE)
			next = fo_engine_cause(e, x);
		if (next == FO_NONE || steps++ > n)
			break;
		x = next;
	}
	if (x != fo_engine_risk_root(e, v))
		PROBLEM("%s: risk cause links end at %s, risk root is %s\n", nid(g, v), nid(g, x),
			nid(g, fo_engine_risk_root(e, v)));
	fo_explain_step *s = NULL;
	size_t len = 0;
	if (fo_engine_explain_at_risk(e, v, &s, &len) != FO_OK || len == 0 ||
	    s[len - 1].node != fo_engine_risk_root(e, v))
		PROBLEM("%s: the at-risk explanation does not end at the risk root\n", nid(g, v));
	free(s);
	return bad;
}

/* Everything that must hold after any run of scenario sc. */
static int check_all(fo_engine *e, const fo_scenario *sc)
{
	const fo_graph *g = fo_engine_graph(e);
	uint32_t n = fo_graph_node_count(g), ng = fo_graph_group_count(g);
	uint32_t explain_stride = n > 2000 ? n / 50 : 1;
	fo_summary want, got;
	size_t nimp = 0;
	int bad = 0;

	memset(&want, 0, sizeof want);
	want.nodes = n;
	for (uint32_t v = 0; v < n; v++) {
		unsigned f = fo_engine_flags(e, v);
		const char *id = nid(g, v);
		int failed = in_set(sc->fail, sc->nfail, v);
		int destroyed = in_set(sc->destroy, sc->ndestroy, v);
		int scen = failed || destroyed;
		if (!!(f & FA) != failed)
			PROBLEM("%s: failed flag %d, in fail set %d\n", id, !!(f & FA), failed);
		if (destroyed && !(f & DE))
			PROBLEM("%s: in destroy set, not destroyed\n", id);
		if ((f & (FA | DE | LO)) && !(f & DN))
			PROBLEM("%s: failed/destroyed/lost but not down\n", id);
		if ((f & DN) && (f & (DG | AR)))
			PROBLEM("%s: down and degraded/at-risk\n", id);
		if (fo_engine_state(e, v) != state_of_flags(f))
			PROBLEM("%s: state %s for flags %#x\n", id, fo_state_name(fo_engine_state(e, v)), f);
		if (!f) {
			if (fo_engine_cause(e, v) != FO_NONE || fo_engine_cause_group(e, v) != FO_NONE ||
			    fo_engine_root(e, v) != FO_NONE)
				PROBLEM("%s: up but has a cause or root\n", id);
		} else {
			int app = fo_graph_node_kind(g, v) == FO_KIND_APP;
			nimp++;
			if (f & DN) {
				want.down++;
				want.apps_down += app;
			}
			if (f & LO) {
				want.lost++;
				want.apps_lost += app;
			}
			if (f & DG) {
				want.degraded++;
				want.apps_degraded += app;
			}
			if (f & AR) {
				want.at_risk++;
				want.apps_at_risk += app;
			}
			uint32_t r = fo_engine_root(e, v);
			if (r == FO_NONE || !(in_set(sc->fail, sc->nfail, r) || in_set(sc->destroy, sc->ndestroy, r)))
				PROBLEM("%s: root %s is not a scenario node\n", id, nid(g, r));
			if (scen) {
				if (fo_engine_cause(e, v) != FO_NONE || fo_engine_cause_group(e, v) != FO_NONE || r != v)
					PROBLEM("%s: scenario node with a cause or a foreign root\n", id);
			} else {
				bad += check_cause(e, v);
			}
			bad += check_links(e, v);
		}
		if (v % explain_stride == 0)
			bad += check_explain(e, v);
	}
	const uint32_t *imp;
	size_t k = fo_engine_impacted(e, &imp);
	if (k != nimp)
		PROBLEM("impacted: %zu nodes, %zu not up\n", k, nimp);
	for (size_t i = 0; i < k && i < nimp; i++) {
		if (i > 0 && imp[i] <= imp[i - 1])
			PROBLEM("impacted: not ascending at %zu\n", i);
		if (imp[i] >= n || !fo_engine_flags(e, imp[i]))
			PROBLEM("impacted: %u is up\n", imp[i]);
	}
	fo_engine_summary(e, &got);
	if (memcmp(&got, &want, sizeof got) != 0)
		PROBLEM("summary differs: down %zu/%zu lost %zu/%zu degraded %zu/%zu at-risk %zu/%zu "
			"apps %zu/%zu %zu/%zu %zu/%zu %zu/%zu\n", got.down, want.down, got.lost, want.lost,
			got.degraded, want.degraded, got.at_risk, want.at_risk, got.apps_down, want.apps_down,
			got.apps_lost, want.apps_lost, got.apps_degraded, want.apps_degraded,
			got.apps_at_risk, want.apps_at_risk);
	for (uint32_t gi = 0; gi < ng; gi++) {
		counts c = count_group(e, gi);
		if (fo_engine_group_up(e, gi) != c.notdown || fo_engine_group_healthy(e, gi) != c.healthy ||
		    fo_engine_group_safe(e, gi) != c.safe) {
			fo_group_info gr;
			fo_graph_group(g, gi, &gr);
			PROBLEM("group %u (of %s, type %d): up/healthy/safe %u/%u/%u, want %u/%u/%u\n", gi,
				nid(g, gr.owner), (int)gr.type, fo_engine_group_up(e, gi),
				fo_engine_group_healthy(e, gi), fo_engine_group_safe(e, gi), c.notdown,
				c.healthy, c.safe);
		}
	}
	return bad;
}

/* --------------------------------------------------------- focused tests */

typedef struct tg {
	fo_graph *g;
	fo_engine *e;
	uint32_t fail[MAXSC], destroy[MAXSC];
	fo_scenario sc;
} tg;

static tg *mk(const char *spec)
{
	tg *t = calloc(1, sizeof *t);
	assert_non_null(t);
	assert_int_equal(fx_graph(&t->g, spec, NULL), FO_OK);
	assert_int_equal(new_engine(&t->e, t->g), FO_OK);
	return t;
}

static void rm(tg *t)
{
	fo_engine_free(t->e);
	fo_graph_free(t->g);
	free(t);
}

static uint32_t ID(const tg *t, const char *id) { return fx_id(t->g, id); }

/* Runs "fail:a destroy:b …" and checks every invariant. */
static void run_(tg *t, const char *scenario, const char *file, int line)
{
	char *copy = strdup(scenario), *save = NULL;
	t->sc = (fo_scenario){ t->fail, 0, t->destroy, 0 };
	for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (!strncmp(tok, "fail:", 5))
			t->fail[t->sc.nfail++] = ID(t, tok + 5);
		else if (!strncmp(tok, "destroy:", 8))
			t->destroy[t->sc.ndestroy++] = ID(t, tok + 8);
		else
			_fail(file, line);
	}
	free(copy);
	if (fo_engine_run(t->e, &t->sc) != FO_OK || check_all(t->e, &t->sc) != 0)
		_fail(file, line);
}
#define RUN(t, s) run_(t, s, __FILE__, __LINE__)

typedef struct want {
	unsigned flags;
	fo_state state;
	const char *cause; /* NULL: none */
	int via;           /* REQ, LOC, COP, DEG: type of the cause group */
	int nth;           /* which of the owner's groups of that type, 0-based */
	const char *root;  /* NULL: none */
} want;

/* Group `nth` of type via-1 owned by `owner`. */
static uint32_t group_of(const fo_graph *g, uint32_t owner, int via, int nth)
{
	uint32_t first, count;
	fo_graph_node_groups(g, owner, &first, &count);
	for (uint32_t gi = first; gi < first + count; gi++) {
		fo_group_info gr;
		fo_graph_group(g, gi, &gr);
		if ((int)gr.type + 1 == via && nth-- == 0)
			return gi;
	}
	return FO_NONE;
}

static void expect_(const tg *t, const char *id, want w, const char *file, int line)
{
	uint32_t v = ID(t, id);
	unsigned f = fo_engine_flags(t->e, v);
	fo_state st = fo_engine_state(t->e, v);
	uint32_t c = fo_engine_cause(t->e, v), gi = fo_engine_cause_group(t->e, v);
	uint32_t r = fo_engine_root(t->e, v);
	uint32_t wc = w.cause ? ID(t, w.cause) : FO_NONE;
	uint32_t wr = w.root ? ID(t, w.root) : FO_NONE;
	uint32_t wg = w.via ? group_of(t->g, v, w.via, w.nth) : FO_NONE;
	if (f != w.flags || st != w.state || c != wc || gi != wg || r != wr) {
		print_error("%s: flags %#x state %s cause %s group %u root %s\n"
			    "%*s  want %#x state %s cause %s group %u root %s\n",
			    id, f, fo_state_name(st), nid(t->g, c), gi, nid(t->g, r), (int)strlen(id), "",
			    w.flags, fo_state_name(w.state), nid(t->g, wc), wg, nid(t->g, wr));
		_fail(file, line);
	}
}
#define EXPECT(t, id, ...) expect_(t, id, (want){ __VA_ARGS__ }, __FILE__, __LINE__)
#define UP(t, id) expect_(t, id, (want){ .flags = 0 }, __FILE__, __LINE__)

static const char *type_word(fo_group_type ty)
{
	switch (ty) {
	case FO_GROUP_REQUIRES: return "req";
	case FO_GROUP_LOCATED: return "loc";
	case FO_GROUP_COPIES: return "copies";
	case FO_GROUP_DEGRADES: return "deg";
	}
	return "?";
}

/* The explanation as "a down req 1/1:0 > b down": node, state, then for a
 * step with a group its type and k/n:count. */
static void explain_(const tg *t, const char *id, const char *wanted, const char *file, int line)
{
	fo_explain_step *s = NULL;
	size_t len = 0, pos = 0;
	char buf[4096];
	buf[0] = '\0';
	if (fo_engine_explain(t->e, ID(t, id), &s, &len) != FO_OK)
		_fail(file, line);
	for (size_t i = 0; i < len && pos < sizeof buf - 200; i++) {
		pos += (size_t)snprintf(buf + pos, sizeof buf - pos, "%s%s %s", i ? " > " : "",
					nid(t->g, s[i].node), fo_state_name(s[i].state));
		if (s[i].group != FO_NONE) {
			fo_group_info gr;
			fo_graph_group(t->g, s[i].group, &gr);
			pos += (size_t)snprintf(buf + pos, sizeof buf - pos, " %s %u/%u:%u",
						type_word(gr.type), s[i].k, s[i].n, s[i].count);
		}
	}
	free(s);
	if (strcmp(buf, wanted) != 0) {
		print_error("explain %s:\n   got  %s\n   want %s\n", id, buf, wanted);
		_fail(file, line);
	}
}
#define EXPLAIN(t, id, s) explain_(t, id, s, __FILE__, __LINE__)

static void nodes_up_(const tg *t, const char *ids, const char *file, int line)
{
	char *copy = strdup(ids), *save = NULL;
	for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		expect_(t, tok, (want){ .flags = 0 }, file, line);
	free(copy);
}
#define ALL_UP(t, ids) nodes_up_(t, ids, __FILE__, __LINE__)

static void groups_full(const tg *t)
{
	for (uint32_t gi = 0; gi < fo_graph_group_count(t->g); gi++) {
		fo_group_info gr;
		fo_graph_group(t->g, gi, &gr);
		assert_int_equal(fo_engine_group_up(t->e, gi), gr.n);
		assert_int_equal(fo_engine_group_healthy(t->e, gi), gr.n);
		assert_int_equal(fo_engine_group_safe(t->e, gi), gr.n);
	}
}

static const char *MIXED =
	"N site site\nN rack rack\nN h1 host\nN h2 host\nN h3 host\nN app app\nN cdn cdn\nN d dataset\n"
	"rack @ site\nh1 @ rack\nh2 @ rack\n"
	"app > 2: h1 h2 h3\napp ~> cdn\nd copy h1 h3\nh3 > h3\nh3 ~> 2: cdn h3\n";

/* Rule "with an empty scenario every node is up", before any run too. */
static void empty_scenario_all_up(void **state)
{
	(void)state;
	tg *t = mk(MIXED);
	const uint32_t *imp;
	fo_summary s;

	ALL_UP(t, "site rack h1 h2 h3 app cdn d"); /* before the first run */
	assert_int_equal(fo_engine_impacted(t->e, &imp), 0);
	groups_full(t);
	RUN(t, "");
	ALL_UP(t, "site rack h1 h2 h3 app cdn d");
	assert_int_equal(fo_engine_impacted(t->e, &imp), 0);
	fo_engine_summary(t->e, &s);
	assert_int_equal(s.nodes, 8);
	assert_int_equal(s.down + s.lost + s.degraded + s.at_risk, 0);
	assert_int_equal(s.apps_down + s.apps_lost + s.apps_degraded + s.apps_at_risk, 0);
	groups_full(t);
	EXPLAIN(t, "app", "app up");
	assert_string_equal(fo_state_name(FO_STATE_UP), "up");
	assert_string_equal(fo_state_name(FO_STATE_DOWN), "down");
	assert_string_equal(fo_state_name(FO_STATE_DEGRADED), "degraded");
	assert_string_equal(fo_state_name(FO_STATE_AT_RISK), "at-risk");
	rm(t);

	/* A graph without nodes runs too. */
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	assert_int_equal(fx_graph(&g, "", NULL), FO_OK);
	assert_int_equal(new_engine(&e, g), FO_OK);
	fo_scenario none = { NULL, 0, NULL, 0 };
	assert_int_equal(fo_engine_run(e, &none), FO_OK);
	assert_int_equal(fo_engine_impacted(e, &imp), 0);
	fo_engine_free(e);
	fo_graph_free(g);
	fo_engine_free(NULL);
}

/* A run replaces every result of the previous one. */
static void reset_between_runs(void **state)
{
	(void)state;
	tg *t = mk(MIXED);
	const uint32_t *imp;

	RUN(t, "destroy:site fail:cdn");
	EXPECT(t, "h1", .flags = DE | DN, .state = FO_STATE_DOWN, .cause = "rack", .via = LOC, .root = "site");
	EXPECT(t, "app", .flags = DN, .state = FO_STATE_DOWN, .cause = "h2", .via = REQ, .root = "site");
	EXPECT(t, "h3", .flags = DG, .state = FO_STATE_DEGRADED, .cause = "cdn", .via = DEG, .root = "cdn");
	/* d's copy on h1 is gone, the one left is on degraded h3. */
	EXPECT(t, "d", .flags = DG | AR, .state = FO_STATE_DEGRADED, .cause = "h3", .via = COP, .root = "cdn");
	EXPLAIN(t, "d", "d degraded copies 1/2:0 > h3 degraded deg 2/2:1 > cdn down");
	assert_int_equal(fo_engine_impacted(t->e, &imp), 8);

	/* Smaller: only h3's own failure, which the big one did not have. */
	RUN(t, "fail:h3");
	ALL_UP(t, "site rack h1 h2 cdn");
	EXPECT(t, "h3", .flags = FA | DN, .state = FO_STATE_DOWN, .root = "h3");
	EXPECT(t, "app", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "h3", .via = REQ, .root = "h3");
	EXPECT(t, "d", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "h3", .via = COP, .root = "h3");
	assert_int_equal(fo_engine_impacted(t->e, &imp), 3);
	assert_int_equal(fo_engine_group_up(t->e, group_of(t->g, ID(t, "h1"), LOC, 0)), 1);
	assert_int_equal(fo_engine_group_up(t->e, group_of(t->g, ID(t, "app"), DEG, 0)), 1);
	assert_int_equal(fo_engine_group_up(t->e, group_of(t->g, ID(t, "app"), REQ, 0)), 2);
	assert_int_equal(fo_engine_group_up(t->e, group_of(t->g, ID(t, "d"), COP, 0)), 1);

	RUN(t, "");
	ALL_UP(t, "site rack h1 h2 h3 app cdn d");
	assert_int_equal(fo_engine_impacted(t->e, &imp), 0);
	groups_full(t);
	rm(t);
}

/* Results live in slots stamped with a 24-bit run epoch; when the epoch
 * wraps, every slot is cleared. Runs across the wrap must give exactly the
 * results of a fresh engine, and a slot written just before the wrap must
 * never pass for a current one after it. */
static void epoch_wraps(void **state)
{
	(void)state;
	tg *t = mk(MIXED);
	const uint32_t *imp;

	for (int round = 0; round < 2; round++) {
		fo_engine__set_epoch(t->e, (1u << 24) - 4);
		/* A big result, then small ones across the wrap. */
		RUN(t, "destroy:site fail:cdn");
		for (int i = 0; i < 6; i++)
			RUN(t, (i % 2) ? "fail:h3" : "fail:cdn");
		/* The last run (i = 5) was "fail:h3", the wrap two runs before. */
		ALL_UP(t, "site rack h1 h2 cdn");
		EXPECT(t, "h3", .flags = FA | DN, .state = FO_STATE_DOWN, .root = "h3");
		EXPECT(t, "app", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "h3", .via = REQ, .root = "h3");
		assert_int_equal(fo_engine_impacted(t->e, &imp), 3);
		assert_int_equal(fo_engine_group_up(t->e, group_of(t->g, ID(t, "h1"), LOC, 0)), 1);
		RUN(t, "");
		ALL_UP(t, "site rack h1 h2 h3 app cdn d");
		assert_int_equal(fo_engine_impacted(t->e, &imp), 0);
		groups_full(t);
	}
	rm(t);
}

/* The README's quickstart inventory (was test_smoke_engine.c). */
static const char *QUICKSTART =
	"N gz region\nN gz3 site\nN cool cooling\nN hall room\nN rack rack\n"
	"gz3 @ gz\ncool @ gz3\nhall @ gz3\nhall > cool\nrack @ hall\n"
	"cvm @ rack\npay-gz > cvm\nN pay-sh\nN cdn cdn\nN wp app tenant=t tier=1\n"
	"wp > 1: pay-gz pay-sh\nwp ~> cdn\nN photos dataset\nphotos copy cvm pay-sh\n";

static void quickstart(void **state)
{
	(void)state;
	tg *t = mk(QUICKSTART);
	fo_summary s;

	RUN(t, "fail:cool");
	EXPECT(t, "cool", .flags = FA | DN, .state = FO_STATE_DOWN, .root = "cool");
	EXPECT(t, "hall", .flags = DN, .state = FO_STATE_DOWN, .cause = "cool", .via = REQ, .root = "cool");
	EXPECT(t, "rack", .flags = DN, .state = FO_STATE_DOWN, .cause = "hall", .via = LOC, .root = "cool");
	EXPECT(t, "cvm", .flags = DN, .state = FO_STATE_DOWN, .cause = "rack", .via = LOC, .root = "cool");
	EXPECT(t, "pay-gz", .flags = DN, .state = FO_STATE_DOWN, .cause = "cvm", .via = REQ, .root = "cool");
	EXPECT(t, "wp", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "pay-gz", .via = REQ, .root = "cool");
	EXPECT(t, "photos", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "cvm", .via = COP, .root = "cool");
	ALL_UP(t, "gz gz3 pay-sh cdn");
	EXPLAIN(t, "wp", "wp at-risk req 1/2:1 > pay-gz down req 1/1:0 > cvm down loc 1/1:0 > "
			 "rack down loc 1/1:0 > hall down req 1/1:0 > cool down");
	fo_engine_summary(t->e, &s);
	assert_int_equal(s.nodes, 11);
	assert_int_equal(s.down, 5);
	assert_int_equal(s.lost, 0);
	assert_int_equal(s.degraded, 0);
	assert_int_equal(s.at_risk, 2);
	assert_int_equal(s.apps_at_risk, 1);
	assert_int_equal(s.apps_down + s.apps_degraded + s.apps_lost, 0);

	/* Destroying the site: the hall is destroyed by containment, so its
	 * cause is the site, not the cooling plant it also requires. */
	RUN(t, "destroy:gz3");
	EXPECT(t, "gz3", .flags = DE | DN, .state = FO_STATE_DOWN, .root = "gz3");
	EXPECT(t, "cool", .flags = DE | DN, .state = FO_STATE_DOWN, .cause = "gz3", .via = LOC, .root = "gz3");
	EXPECT(t, "hall", .flags = DE | DN, .state = FO_STATE_DOWN, .cause = "gz3", .via = LOC, .root = "gz3");
	EXPECT(t, "cvm", .flags = DE | DN, .state = FO_STATE_DOWN, .cause = "rack", .via = LOC, .root = "gz3");
	EXPECT(t, "pay-gz", .flags = DN, .state = FO_STATE_DOWN, .cause = "cvm", .via = REQ, .root = "gz3");
	EXPECT(t, "photos", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "cvm", .via = COP, .root = "gz3");
	EXPECT(t, "wp", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "pay-gz", .via = REQ, .root = "gz3");
	ALL_UP(t, "gz pay-sh cdn");
	rm(t);
}

/* down: some requires-group has fewer than K members not down. */
static void requires_chain(void **state)
{
	(void)state;
	tg *t = mk("a > b\nb > c\nc > d\n");

	RUN(t, "fail:d");
	EXPECT(t, "d", .flags = FA | DN, .state = FO_STATE_DOWN, .root = "d");
	EXPECT(t, "c", .flags = DN, .state = FO_STATE_DOWN, .cause = "d", .via = REQ, .root = "d");
	EXPECT(t, "b", .flags = DN, .state = FO_STATE_DOWN, .cause = "c", .via = REQ, .root = "d");
	EXPECT(t, "a", .flags = DN, .state = FO_STATE_DOWN, .cause = "b", .via = REQ, .root = "d");
	EXPLAIN(t, "a", "a down req 1/1:0 > b down req 1/1:0 > c down req 1/1:0 > d down");
	EXPLAIN(t, "d", "d down");

	/* Dependencies point one way: what b needs is not hurt by b. */
	RUN(t, "fail:b");
	EXPECT(t, "a", .flags = DN, .state = FO_STATE_DOWN, .cause = "b", .via = REQ, .root = "b");
	EXPECT(t, "b", .flags = FA | DN, .state = FO_STATE_DOWN, .root = "b");
	ALL_UP(t, "c d");
	rm(t);
}

static const char *DC =
	"N site site\nN room room\nN rack rack\nN host host\nN vm vm\nN app app\nN other host\n"
	"room @ site\nrack @ room\nhost @ rack\nvm @ host\napp > vm\nother @ site\n";

/* Located-in is a hard 1-of-1 dependency: failing a container takes its
 * contents down without destroying them. */
static void located_is_hard_dependency(void **state)
{
	(void)state;
	tg *t = mk(DC);

	RUN(t, "fail:room");
	EXPECT(t, "room", .flags = FA | DN, .state = FO_STATE_DOWN, .root = "room");
	EXPECT(t, "rack", .flags = DN, .state = FO_STATE_DOWN, .cause = "room", .via = LOC, .root = "room");
	EXPECT(t, "host", .flags = DN, .state = FO_STATE_DOWN, .cause = "rack", .via = LOC, .root = "room");
	EXPECT(t, "vm", .flags = DN, .state = FO_STATE_DOWN, .cause = "host", .via = LOC, .root = "room");
	EXPECT(t, "app", .flags = DN, .state = FO_STATE_DOWN, .cause = "vm", .via = REQ, .root = "room");
	ALL_UP(t, "site other");
	EXPLAIN(t, "app", "app down req 1/1:0 > vm down loc 1/1:0 > host down loc 1/1:0 > "
			  "rack down loc 1/1:0 > room down");
	rm(t);
}

/* destroyed: the destroy set and everything located in it, transitively;
 * fail of the same container: down, nothing destroyed. */
static void destroy_vs_fail(void **state)
{
	(void)state;
	tg *t = mk(DC);

	RUN(t, "fail:site");
	EXPECT(t, "site", .flags = FA | DN, .state = FO_STATE_DOWN, .root = "site");
	EXPECT(t, "room", .flags = DN, .state = FO_STATE_DOWN, .cause = "site", .via = LOC, .root = "site");
	EXPECT(t, "other", .flags = DN, .state = FO_STATE_DOWN, .cause = "site", .via = LOC, .root = "site");
	EXPECT(t, "vm", .flags = DN, .state = FO_STATE_DOWN, .cause = "host", .via = LOC, .root = "site");
	EXPECT(t, "app", .flags = DN, .state = FO_STATE_DOWN, .cause = "vm", .via = REQ, .root = "site");

	RUN(t, "destroy:site");
	EXPECT(t, "site", .flags = DE | DN, .state = FO_STATE_DOWN, .root = "site");
	EXPECT(t, "room", .flags = DE | DN, .state = FO_STATE_DOWN, .cause = "site", .via = LOC, .root = "site");
	EXPECT(t, "rack", .flags = DE | DN, .state = FO_STATE_DOWN, .cause = "room", .via = LOC, .root = "site");
	EXPECT(t, "host", .flags = DE | DN, .state = FO_STATE_DOWN, .cause = "rack", .via = LOC, .root = "site");
	EXPECT(t, "vm", .flags = DE | DN, .state = FO_STATE_DOWN, .cause = "host", .via = LOC, .root = "site");
	EXPECT(t, "other", .flags = DE | DN, .state = FO_STATE_DOWN, .cause = "site", .via = LOC, .root = "site");
	/* Depending on a destroyed node is down, not destroyed. */
	EXPECT(t, "app", .flags = DN, .state = FO_STATE_DOWN, .cause = "vm", .via = REQ, .root = "site");
	EXPLAIN(t, "app", "app down req 1/1:0 > vm down loc 1/1:0 > host down loc 1/1:0 > "
			  "rack down loc 1/1:0 > room down loc 1/1:0 > site down");

	/* Destroying an inner node leaves its containers alone. */
	RUN(t, "destroy:rack");
	ALL_UP(t, "site room other");
	EXPECT(t, "vm", .flags = DE | DN, .state = FO_STATE_DOWN, .cause = "host", .via = LOC, .root = "rack");
	rm(t);
}

/* A node in both sets is destroyed (and reports its failure); a failed node
 * inside a destroyed container is destroyed too, and stays a scenario node. */
static void failed_and_destroyed(void **state)
{
	(void)state;
	tg *t = mk(DC);

	RUN(t, "fail:room destroy:room");
	EXPECT(t, "room", .flags = FA | DE | DN, .state = FO_STATE_DOWN, .root = "room");
	EXPECT(t, "rack", .flags = DE | DN, .state = FO_STATE_DOWN, .cause = "room", .via = LOC, .root = "room");
	EXPECT(t, "vm", .flags = DE | DN, .state = FO_STATE_DOWN, .cause = "host", .via = LOC, .root = "room");
	ALL_UP(t, "site other");

	RUN(t, "destroy:site fail:rack fail:rack");
	EXPECT(t, "rack", .flags = FA | DE | DN, .state = FO_STATE_DOWN, .root = "rack");
	/* The chain of host stops at rack, a scenario node (no cause). */
	EXPECT(t, "host", .flags = DE | DN, .state = FO_STATE_DOWN, .cause = "rack", .via = LOC, .root = "rack");
	EXPECT(t, "room", .flags = DE | DN, .state = FO_STATE_DOWN, .cause = "site", .via = LOC, .root = "site");
	EXPLAIN(t, "vm", "vm down loc 1/1:0 > host down loc 1/1:0 > rack down");

	RUN(t, "destroy:vm destroy:vm fail:vm");
	EXPECT(t, "vm", .flags = FA | DE | DN, .state = FO_STATE_DOWN, .root = "vm");
	EXPECT(t, "app", .flags = DN, .state = FO_STATE_DOWN, .cause = "vm", .via = REQ, .root = "vm");
	ALL_UP(t, "host rack room site other");
	rm(t);
}

/* K-of-n: down below K; at-risk with exactly K left after a loss. */
static void k_of_n_2_of_3(void **state)
{
	(void)state;
	tg *t = mk("a > 2: b c d\n");

	RUN(t, "");
	UP(t, "a");
	RUN(t, "fail:b");
	EXPECT(t, "a", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "b", .via = REQ, .root = "b");
	EXPLAIN(t, "a", "a at-risk req 2/3:2 > b down");
	RUN(t, "fail:d");
	EXPECT(t, "a", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "d", .via = REQ, .root = "d");
	RUN(t, "fail:b fail:c");
	EXPECT(t, "a", .flags = DN, .state = FO_STATE_DOWN, .cause = "c", .via = REQ, .root = "c");
	EXPLAIN(t, "a", "a down req 2/3:1 > c down");
	/* All three: c tipped the group (b, c, d in inventory order). */
	RUN(t, "fail:d fail:c fail:b");
	EXPECT(t, "a", .flags = DN, .state = FO_STATE_DOWN, .cause = "c", .via = REQ, .root = "c");
	EXPLAIN(t, "a", "a down req 2/3:0 > c down");
	rm(t);
}

static void k_of_n_boundaries(void **state)
{
	(void)state;
	/* 1 of 1: no spare, never at-risk by it. */
	tg *t = mk("a > b\nx > 1: y\n");
	RUN(t, "fail:b");
	EXPECT(t, "a", .flags = DN, .state = FO_STATE_DOWN, .cause = "b", .via = REQ, .root = "b");
	UP(t, "x");
	RUN(t, "fail:y");
	EXPECT(t, "x", .flags = DN, .state = FO_STATE_DOWN, .cause = "y", .via = REQ, .root = "y");
	rm(t);

	/* n of n (min = n): up with all, down with any one lost, never at-risk. */
	t = mk("a > 3: b c d\ne > 2: f g\n");
	RUN(t, "");
	ALL_UP(t, "a e");
	RUN(t, "fail:d");
	EXPECT(t, "a", .flags = DN, .state = FO_STATE_DOWN, .cause = "d", .via = REQ, .root = "d");
	EXPLAIN(t, "a", "a down req 3/3:2 > d down");
	RUN(t, "fail:f");
	EXPECT(t, "e", .flags = DN, .state = FO_STATE_DOWN, .cause = "f", .via = REQ, .root = "f");
	UP(t, "a");
	rm(t);

	/* 1 of 3. */
	t = mk("a > 1: b c d\n");
	RUN(t, "fail:b");
	UP(t, "a");
	RUN(t, "fail:b fail:c");
	EXPECT(t, "a", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "c", .via = REQ, .root = "c");
	EXPLAIN(t, "a", "a at-risk req 1/3:1 > c down");
	RUN(t, "fail:b fail:c fail:d");
	EXPECT(t, "a", .flags = DN, .state = FO_STATE_DOWN, .cause = "d", .via = REQ, .root = "d");
	EXPLAIN(t, "a", "a down req 1/3:0 > d down");
	rm(t);
}

static const char *COPIES =
	"N s1 site\nN s2 site\nN h1 host\nN h2 host\nN h3 host\n"
	"h1 @ s1\nh2 @ s1\nh3 @ s2\n"
	"N d1 dataset\nd1 copy h1 h2\n"  /* both copies in s1 */
	"N d2 dataset\nd2 copy h1 h3\n"  /* one copy off-site */
	"N u app\nu > d1\n";

/* lost: all copy holders destroyed; one off-site copy saves the data. */
static void lost_copies(void **state)
{
	(void)state;
	tg *t = mk(COPIES);

	RUN(t, "destroy:s1");
	EXPECT(t, "h1", .flags = DE | DN, .state = FO_STATE_DOWN, .cause = "s1", .via = LOC, .root = "s1");
	EXPECT(t, "d1", .flags = LO | DN, .state = FO_STATE_DOWN, .cause = "h2", .via = COP, .root = "s1");
	EXPECT(t, "u", .flags = DN, .state = FO_STATE_DOWN, .cause = "d1", .via = REQ, .root = "s1");
	EXPECT(t, "d2", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "h1", .via = COP, .root = "s1");
	ALL_UP(t, "s2 h3");
	EXPLAIN(t, "u", "u down req 1/1:0 > d1 down copies 1/2:0 > h2 down loc 1/1:0 > s1 down");
	EXPLAIN(t, "d2", "d2 at-risk copies 1/2:1 > h1 down loc 1/1:0 > s1 down");

	/* The off-site holder failed, not destroyed: down, not lost. */
	RUN(t, "destroy:s1 fail:h3");
	EXPECT(t, "d1", .flags = LO | DN, .state = FO_STATE_DOWN, .cause = "h2", .via = COP, .root = "s1");
	EXPECT(t, "d2", .flags = DN, .state = FO_STATE_DOWN, .cause = "h1", .via = COP, .root = "s1");
	EXPLAIN(t, "d2", "d2 down copies 1/2:0 > h1 down loc 1/1:0 > s1 down");

	/* Failing (not destroying) every holder: down, nothing lost. */
	RUN(t, "fail:s1");
	EXPECT(t, "d1", .flags = DN, .state = FO_STATE_DOWN, .cause = "h2", .via = COP, .root = "s1");
	EXPECT(t, "d2", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "h1", .via = COP, .root = "s1");
	RUN(t, "fail:h1 fail:h2");
	EXPECT(t, "d1", .flags = DN, .state = FO_STATE_DOWN, .cause = "h2", .via = COP, .root = "h2");
	EXPECT(t, "u", .flags = DN, .state = FO_STATE_DOWN, .cause = "d1", .via = REQ, .root = "h2");
	/* One holder destroyed, the other only failed: not lost. */
	RUN(t, "destroy:h1 fail:h2");
	EXPECT(t, "d1", .flags = DN, .state = FO_STATE_DOWN, .cause = "h2", .via = COP, .root = "h2");

	/* Nodes without copies are never lost, even when destroyed. */
	RUN(t, "destroy:s1 destroy:s2");
	EXPECT(t, "h3", .flags = DE | DN, .state = FO_STATE_DOWN, .cause = "s2", .via = LOC, .root = "s2");
	EXPECT(t, "s2", .flags = DE | DN, .state = FO_STATE_DOWN, .root = "s2");
	EXPECT(t, "d2", .flags = LO | DN, .state = FO_STATE_DOWN, .cause = "h3", .via = COP, .root = "s2");
	rm(t);
}

/* A copy kept on a dataset that is itself lost is gone too. */
static void lost_through_lost_dataset(void **state)
{
	(void)state;
	tg *t = mk("N h1 host\nN h2 host\nN h3 host\nN d1 dataset\nN d2 dataset\nN d3 dataset\n"
		   "d1 copy h1\nd2 copy d1 h2\nd3 copy d2 h3\nN user app\nuser > d3\n");

	RUN(t, "destroy:h1 destroy:h2");
	EXPECT(t, "d1", .flags = LO | DN, .state = FO_STATE_DOWN, .cause = "h1", .via = COP, .root = "h1");
	EXPECT(t, "d2", .flags = LO | DN, .state = FO_STATE_DOWN, .cause = "d1", .via = COP, .root = "h1");
	EXPECT(t, "d3", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "d2", .via = COP, .root = "h1");
	EXPECT(t, "user", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "d3", .via = REQ, .root = "h1");
	EXPLAIN(t, "d2", "d2 down copies 1/2:0 > d1 down copies 1/1:0 > h1 down");
	EXPLAIN(t, "user", "user at-risk req 1/1:0 > d3 at-risk copies 1/2:1 > d2 down copies 1/2:0 > "
			   "d1 down copies 1/1:0 > h1 down");

	/* h3 only failed: d3 is down but its data is not gone. */
	RUN(t, "destroy:h1 destroy:h2 fail:h3");
	EXPECT(t, "d3", .flags = DN, .state = FO_STATE_DOWN, .cause = "d2", .via = COP, .root = "h1");
	EXPECT(t, "user", .flags = DN, .state = FO_STATE_DOWN, .cause = "d3", .via = REQ, .root = "h1");

	RUN(t, "destroy:h1 destroy:h2 destroy:h3");
	EXPECT(t, "d3", .flags = LO | DN, .state = FO_STATE_DOWN, .cause = "d2", .via = COP, .root = "h1");

	/* Failed (not destroyed) d1: d2's copy on it is unreadable, not gone. */
	RUN(t, "fail:d1 destroy:h2");
	EXPECT(t, "d1", .flags = FA | DN, .state = FO_STATE_DOWN, .root = "d1");
	EXPECT(t, "d2", .flags = DN, .state = FO_STATE_DOWN, .cause = "d1", .via = COP, .root = "d1");
	rm(t);
}

/* A destroyed dataset whose holders are all destroyed is lost as well; as a
 * holder of another dataset's copy it counts once. Checked in both orders of
 * the dataset and its holder in the containment walk. */
static void destroyed_and_lost_counted_once(void **state)
{
	(void)state;
	const char *specs[] = {
		/* d is reached (and counted as a gone holder of e) before x
		 * makes it lost */
		"N s site\nN d dataset\nN x host\nN hh host\nN e dataset\n"
		"d @ s\nx @ s\nd copy x\ne copy d hh\n",
		/* x makes d lost before d is reached */
		"N s site\nN x host\nN d dataset\nN hh host\nN e dataset\n"
		"x @ s\nd @ s\nd copy x\ne copy d hh\n",
	};
	for (size_t i = 0; i < 2; i++) {
		tg *t = mk(specs[i]);
		RUN(t, "destroy:s");
		EXPECT(t, "d", .flags = DE | LO | DN, .state = FO_STATE_DOWN, .cause = "s", .via = LOC, .root = "s");
		EXPECT(t, "x", .flags = DE | DN, .state = FO_STATE_DOWN, .cause = "s", .via = LOC, .root = "s");
		EXPECT(t, "e", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "d", .via = COP, .root = "s");
		UP(t, "hh");
		EXPLAIN(t, "d", "d down loc 1/1:0 > s down");
		EXPLAIN(t, "e", "e at-risk copies 1/2:1 > d down loc 1/1:0 > s down");

		RUN(t, "destroy:s destroy:hh");
		EXPECT(t, "e", .flags = LO | DN, .state = FO_STATE_DOWN, .cause = "d", .via = COP, .root = "s");
		EXPLAIN(t, "e", "e down copies 1/2:0 > d down loc 1/1:0 > s down");

		/* The destroyed dataset in the destroy set itself. */
		RUN(t, "destroy:d destroy:x");
		EXPECT(t, "d", .flags = DE | LO | DN, .state = FO_STATE_DOWN, .root = "d");
		EXPECT(t, "e", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "d", .via = COP, .root = "d");
		rm(t);
	}
}

static const char *DEGR =
	"N cdn cdn\nsvc ~> cdn\napp > svc\nsoft ~> svc\n"
	"k2 > 2: svc o1 o2\nk3 > 3: svc o1 o2\ndg ~> 2: x y z\n";

/* degraded: a degrades-group short of K (not down), or a hard group short
 * of K healthy members; never through a soft dependency on a degraded node. */
static void degraded(void **state)
{
	(void)state;
	tg *t = mk(DEGR);

	RUN(t, "fail:cdn");
	EXPECT(t, "svc", .flags = DG, .state = FO_STATE_DEGRADED, .cause = "cdn", .via = DEG, .root = "cdn");
	EXPECT(t, "app", .flags = DG, .state = FO_STATE_DEGRADED, .cause = "svc", .via = REQ, .root = "cdn");
	EXPECT(t, "k3", .flags = DG, .state = FO_STATE_DEGRADED, .cause = "svc", .via = REQ, .root = "cdn");
	UP(t, "k2"); /* 2 of 3 healthy, needs 2 */
	UP(t, "soft"); /* soft dependency on a degraded node */
	EXPLAIN(t, "app", "app degraded req 1/1:0 > svc degraded deg 1/1:0 > cdn down");
	EXPLAIN(t, "k3", "k3 degraded req 3/3:2 > svc degraded deg 1/1:0 > cdn down");

	/* Soft dependency on a down node degrades. */
	RUN(t, "fail:svc");
	EXPECT(t, "soft", .flags = DG, .state = FO_STATE_DEGRADED, .cause = "svc", .via = DEG, .root = "svc");
	EXPECT(t, "app", .flags = DN, .state = FO_STATE_DOWN, .cause = "svc", .via = REQ, .root = "svc");
	EXPECT(t, "k2", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "svc", .via = REQ, .root = "svc");
	EXPECT(t, "k3", .flags = DN, .state = FO_STATE_DOWN, .cause = "svc", .via = REQ, .root = "svc");
	UP(t, "cdn");

	/* K of n degrades: still K left is fine, and never at-risk. */
	RUN(t, "fail:x");
	UP(t, "dg");
	RUN(t, "fail:x fail:y");
	EXPECT(t, "dg", .flags = DG, .state = FO_STATE_DEGRADED, .cause = "y", .via = DEG, .root = "y");
	EXPLAIN(t, "dg", "dg degraded deg 2/3:1 > y down");
	RUN(t, "fail:x fail:y fail:z");
	EXPECT(t, "dg", .flags = DG, .state = FO_STATE_DEGRADED, .cause = "y", .via = DEG, .root = "y");
	EXPLAIN(t, "dg", "dg degraded deg 2/3:0 > y down");
	rm(t);

	/* Two degraded members of a 2-of-3 hard group: fewer than K healthy. */
	t = mk("N cdn cdn\ns1 ~> cdn\ns2 ~> cdn\nN s3\nk > 2: s1 s2 s3\none ~> 1: s1 s2\n");
	RUN(t, "fail:cdn");
	EXPECT(t, "s1", .flags = DG, .state = FO_STATE_DEGRADED, .cause = "cdn", .via = DEG, .root = "cdn");
	EXPECT(t, "k", .flags = DG, .state = FO_STATE_DEGRADED, .cause = "s2", .via = REQ, .root = "cdn");
	EXPLAIN(t, "k", "k degraded req 2/3:1 > s2 degraded deg 1/1:0 > cdn down");
	UP(t, "one"); /* both soft members degraded, none down */
	rm(t);
}

/* A down node shows only down; degraded and at-risk may come together. */
static void degraded_with_down_and_at_risk(void **state)
{
	(void)state;
	tg *t = mk("a > b\na ~> c\n");
	RUN(t, "fail:c");
	EXPECT(t, "a", .flags = DG, .state = FO_STATE_DEGRADED, .cause = "c", .via = DEG, .root = "c");
	RUN(t, "fail:b fail:c");
	EXPECT(t, "a", .flags = DN, .state = FO_STATE_DOWN, .cause = "b", .via = REQ, .root = "b");
	rm(t);

	t = mk("N cdn cdn\napp > 1: p q\napp ~> cdn\ndep > app\n");
	RUN(t, "fail:p fail:cdn");
	EXPECT(t, "app", .flags = DG | AR, .state = FO_STATE_DEGRADED, .cause = "cdn", .via = DEG, .root = "cdn");
	EXPECT(t, "dep", .flags = DG | AR, .state = FO_STATE_DEGRADED, .cause = "app", .via = REQ, .root = "cdn");
	/* The chain of a degraded and at-risk node follows the degradation. */
	EXPLAIN(t, "app", "app degraded deg 1/1:0 > cdn down");
	EXPLAIN(t, "dep", "dep degraded req 1/1:0 > app degraded deg 1/1:0 > cdn down");
	RUN(t, "fail:p");
	EXPECT(t, "app", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "p", .via = REQ, .root = "p");
	EXPECT(t, "dep", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "app", .via = REQ, .root = "p");
	rm(t);
}

/* An at-risk-only node whose cause is degraded and at-risk: the cause's own
 * (headline) cause follows its degradation to another scenario node, so the
 * at-risk chain has links of its own (fo_engine_risk_*), and they end at the
 * root. */
static void at_risk_through_degraded(void **state)
{
	(void)state;
	tg *t = mk("N r x\nN s x\nN w x\nN p x\nN q x\nN cdn cdn\nN app app\nN x x\n"
		   "w > 1: r s\napp > 1: p q\napp ~> cdn\nx > 1: w app\n");
	RUN(t, "fail:r fail:p fail:cdn");
	EXPECT(t, "app", .flags = DG | AR, .state = FO_STATE_DEGRADED, .cause = "cdn", .via = DEG, .root = "cdn");
	EXPECT(t, "x", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "app", .via = REQ, .root = "p");
	/* the plain cause of app leads to cdn: x's chain goes on by app's risk cause */
	assert_int_equal(fo_engine_risk_cause(t->e, ID(t, "app")), ID(t, "p"));
	assert_int_equal(fo_engine_risk_root(t->e, ID(t, "app")), ID(t, "p"));
	assert_int_equal(fo_engine_risk_cause(t->e, ID(t, "x")), ID(t, "app"));
	assert_int_equal(fo_engine_risk_root(t->e, ID(t, "x")), ID(t, "p"));
	assert_int_equal(fo_engine_risk_cause(t->e, ID(t, "cdn")), FO_NONE);
	assert_int_equal(fo_engine_risk_root(t->e, ID(t, "w")), ID(t, "r"));
	EXPLAIN(t, "x", "x at-risk req 1/2:0 > app at-risk req 1/2:1 > p down");
	fo_explain_step *st = NULL;
	size_t len = 0;
	assert_int_equal(fo_engine_explain_at_risk(t->e, ID(t, "app"), &st, &len), FO_OK);
	assert_int_equal(len, 2);
	assert_int_equal(st[0].state, FO_STATE_AT_RISK);
	assert_int_equal(st[1].node, ID(t, "p"));
	free(st);
	assert_int_equal(fo_engine_explain_at_risk(t->e, ID(t, "cdn"), &st, &len), FO_EINVAL);
	assert_null(st);
	assert_int_equal(fo_engine_explain_at_risk(t->e, 999, &st, &len), FO_EINVAL);
	rm(t);
}

static const char *RISK =
	"svc > 1: p q\napp > svc\nk2 > 2: svc o1 o2\nk3 > 3: svc o1 o2\n"
	"soft ~> svc\nsoft2 ~> 1: p q\n";

/* at-risk: exactly K left after a loss, or fewer than K safe members of a
 * hard group; degrades-groups never. */
static void at_risk(void **state)
{
	(void)state;
	tg *t = mk(RISK);

	RUN(t, "fail:p");
	EXPECT(t, "svc", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "p", .via = REQ, .root = "p");
	EXPECT(t, "app", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "svc", .via = REQ, .root = "p");
	EXPECT(t, "k3", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "svc", .via = REQ, .root = "p");
	UP(t, "k2");    /* 2 safe of the 2 it needs */
	UP(t, "soft");  /* soft dependency on an at-risk node */
	UP(t, "soft2"); /* soft group with exactly K left */
	EXPLAIN(t, "app", "app at-risk req 1/1:0 > svc at-risk req 1/2:1 > p down");
	EXPLAIN(t, "k3", "k3 at-risk req 3/3:2 > svc at-risk req 1/2:1 > p down");
	assert_int_equal(fo_engine_group_safe(t->e, group_of(t->g, ID(t, "k3"), REQ, 0)), 2);
	assert_int_equal(fo_engine_group_up(t->e, group_of(t->g, ID(t, "k3"), REQ, 0)), 3);

	RUN(t, "fail:p fail:o1");
	EXPECT(t, "k2", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "o1", .via = REQ, .root = "o1");
	EXPECT(t, "k3", .flags = DN, .state = FO_STATE_DOWN, .cause = "o1", .via = REQ, .root = "o1");
	rm(t);

	/* An at-risk-only node whose cause is degraded and at-risk: its chain
	 * and root follow the at-risk causes (w tips top's group first, svc
	 * second). */
	t = mk("N cdn cdn\nw > 1: p2 q2\nsvc > 1: p q\nsvc ~> cdn\ntop > 2: svc w o\n");
	RUN(t, "fail:cdn fail:p2 fail:p");
	EXPECT(t, "svc", .flags = DG | AR, .state = FO_STATE_DEGRADED, .cause = "cdn", .via = DEG, .root = "cdn");
	EXPECT(t, "w", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "p2", .via = REQ, .root = "p2");
	EXPECT(t, "top", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "svc", .via = REQ, .root = "p");
	EXPLAIN(t, "top", "top at-risk req 2/3:1 > svc at-risk req 1/2:1 > p down");
	EXPLAIN(t, "svc", "svc degraded deg 1/1:0 > cdn down");
	rm(t);
}

/* Cycles terminate; the least fixed point keeps an unfailed cycle up. */
static void cycles(void **state)
{
	(void)state;
	tg *t = mk("a > b\nb > a\na > c\n");
	RUN(t, "");
	ALL_UP(t, "a b c");
	RUN(t, "fail:a");
	EXPECT(t, "b", .flags = DN, .state = FO_STATE_DOWN, .cause = "a", .via = REQ, .root = "a");
	UP(t, "c");
	RUN(t, "fail:c");
	EXPECT(t, "a", .flags = DN, .state = FO_STATE_DOWN, .cause = "c", .via = REQ, .nth = 1, .root = "c");
	EXPECT(t, "b", .flags = DN, .state = FO_STATE_DOWN, .cause = "a", .via = REQ, .root = "c");
	EXPLAIN(t, "b", "b down req 1/1:0 > a down req 1/1:0 > c down");
	rm(t);

	/* A cycle with a 1-of-2 escape survives one loss at risk. */
	t = mk("a > 1: b x\nb > a\n");
	RUN(t, "fail:x");
	EXPECT(t, "a", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "x", .via = REQ, .root = "x");
	EXPECT(t, "b", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "a", .via = REQ, .root = "x");
	EXPLAIN(t, "b", "b at-risk req 1/1:0 > a at-risk req 1/2:1 > x down");
	RUN(t, "fail:b");
	EXPECT(t, "a", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "b", .via = REQ, .root = "b");
	RUN(t, "fail:a");
	EXPECT(t, "b", .flags = DN, .state = FO_STATE_DOWN, .cause = "a", .via = REQ, .root = "a");
	UP(t, "x");
	rm(t);

	/* Degradation and risk around a cycle terminate too. */
	t = mk("N cdn cdn\na > b\nb > a\na ~> cdn\nb > 1: p q\n");
	RUN(t, "fail:cdn fail:p");
	EXPECT(t, "a", .flags = DG | AR, .state = FO_STATE_DEGRADED, .cause = "cdn", .via = DEG, .root = "cdn");
	EXPECT(t, "b", .flags = DG | AR, .state = FO_STATE_DEGRADED, .cause = "a", .via = REQ, .root = "cdn");
	rm(t);
}

/* Self-dependencies: harmless when nothing fails. */
static void self_dependency(void **state)
{
	(void)state;
	tg *t = mk("s > s\ns > t\nr > 1: r t\nd copy d\nsoft ~> soft\n");
	RUN(t, "");
	ALL_UP(t, "s t r d soft");
	RUN(t, "fail:t");
	EXPECT(t, "s", .flags = DN, .state = FO_STATE_DOWN, .cause = "t", .via = REQ, .nth = 1, .root = "t");
	/* r needs 1 of {r, t}: t lost, r itself is the last one left. */
	EXPECT(t, "r", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "t", .via = REQ, .root = "t");
	RUN(t, "fail:s");
	EXPECT(t, "s", .flags = FA | DN, .state = FO_STATE_DOWN, .root = "s");
	UP(t, "t");
	RUN(t, "destroy:d fail:soft");
	EXPECT(t, "d", .flags = DE | LO | DN, .state = FO_STATE_DOWN, .root = "d");
	EXPECT(t, "soft", .flags = FA | DN, .state = FO_STATE_DOWN, .root = "soft");
	rm(t);
}

/* A requires cycle of 10,000 nodes goes down in one run. */
static void big_cycle(void **state)
{
	(void)state;
	enum { N = 10000 };
	size_t cap = (size_t)N * 32, pos = 0;
	char *spec = malloc(cap);
	assert_non_null(spec);
	for (int i = 0; i < N; i++)
		pos += (size_t)snprintf(spec + pos, cap - pos, "n%d > n%d\n", i, (i + 1) % N);
	tg *t = mk(spec);
	free(spec);

	RUN(t, "");
	const uint32_t *imp;
	assert_int_equal(fo_engine_impacted(t->e, &imp), 0);
	RUN(t, "fail:n5000");
	assert_int_equal(fo_engine_impacted(t->e, &imp), N);
	for (uint32_t i = 0; i < N; i++)
		assert_int_equal(imp[i], i);
	EXPECT(t, "n4999", .flags = DN, .state = FO_STATE_DOWN, .cause = "n5000", .via = REQ, .root = "n5000");
	EXPECT(t, "n0", .flags = DN, .state = FO_STATE_DOWN, .cause = "n1", .via = REQ, .root = "n5000");
	EXPECT(t, "n9999", .flags = DN, .state = FO_STATE_DOWN, .cause = "n0", .via = REQ, .root = "n5000");
	EXPECT(t, "n5001", .flags = DN, .state = FO_STATE_DOWN, .cause = "n5002", .via = REQ, .root = "n5000");
	fo_explain_step *s;
	size_t len;
	assert_int_equal(fo_engine_explain(t->e, ID(t, "n5001"), &s, &len), FO_OK);
	assert_int_equal(len, N);
	assert_int_equal(s[0].node, ID(t, "n5001"));
	assert_int_equal(s[N - 1].node, ID(t, "n5000"));
	free(s);
	RUN(t, "fail:n1 fail:n7000");
	EXPECT(t, "n0", .flags = DN, .state = FO_STATE_DOWN, .cause = "n1", .via = REQ, .root = "n1");
	EXPECT(t, "n6999", .flags = DN, .state = FO_STATE_DOWN, .cause = "n7000", .via = REQ, .root = "n7000");
	EXPECT(t, "n2", .flags = DN, .state = FO_STATE_DOWN, .cause = "n3", .via = REQ, .root = "n7000");
	rm(t);
}

/* Several failures, each harmless alone, together take the owner down; the
 * member that tipped the group is the cause, in propagation order. */
static void multi_failure(void **state)
{
	(void)state;
	tg *t = mk("a > 1: b c\n");
	RUN(t, "fail:b");
	EXPECT(t, "a", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "b", .via = REQ, .root = "b");
	RUN(t, "fail:c");
	EXPECT(t, "a", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "c", .via = REQ, .root = "c");
	RUN(t, "fail:b fail:c");
	EXPECT(t, "a", .flags = DN, .state = FO_STATE_DOWN, .cause = "c", .via = REQ, .root = "c");
	RUN(t, "fail:c fail:b"); /* inventory order, not argument order */
	EXPECT(t, "a", .flags = DN, .state = FO_STATE_DOWN, .cause = "c", .via = REQ, .root = "c");
	rm(t);

	t = mk("N a\nN c\nN b\na > 1: b c\n");
	RUN(t, "fail:b fail:c");
	EXPECT(t, "a", .flags = DN, .state = FO_STATE_DOWN, .cause = "b", .via = REQ, .root = "b");
	rm(t);

	/* Breadth first: y fails directly, x only after two hops from b. */
	t = mk("N a\nN x\nN y\nN x1\nN b\na > 1: x y\nx > x1\nx1 > b\n");
	RUN(t, "fail:b fail:y");
	EXPECT(t, "a", .flags = DN, .state = FO_STATE_DOWN, .cause = "x", .via = REQ, .root = "b");
	EXPLAIN(t, "a", "a down req 1/2:0 > x down req 1/1:0 > x1 down req 1/1:0 > b down");
	/* A failure and a destruction combine the same way. */
	RUN(t, "destroy:b fail:y");
	EXPECT(t, "a", .flags = DN, .state = FO_STATE_DOWN, .cause = "x", .via = REQ, .root = "b");
	rm(t);
}

/* Same input, same causes: across runs and across engines. */
static void determinism(void **state)
{
	(void)state;
	tg *t = mk(QUICKSTART);
	fo_engine *fresh;
	uint32_t n = fo_graph_node_count(t->g);
	uint32_t *c = calloc(3 * n, sizeof *c);
	assert_non_null(c);

	RUN(t, "fail:cool fail:pay-sh destroy:rack");
	for (uint32_t v = 0; v < n; v++) {
		c[v] = fo_engine_cause(t->e, v);
		c[n + v] = fo_engine_cause_group(t->e, v);
		c[2 * n + v] = fo_engine_root(t->e, v);
	}
	RUN(t, "fail:cdn destroy:gz");
	RUN(t, "fail:pay-sh destroy:rack fail:cool");
	assert_int_equal(new_engine(&fresh, t->g), FO_OK);
	assert_int_equal(fo_engine_run(fresh, &t->sc), FO_OK);
	for (uint32_t v = 0; v < n; v++) {
		assert_int_equal(fo_engine_cause(t->e, v), c[v]);
		assert_int_equal(fo_engine_cause_group(t->e, v), c[n + v]);
		assert_int_equal(fo_engine_root(t->e, v), c[2 * n + v]);
		assert_int_equal(fo_engine_cause(fresh, v), c[v]);
		assert_int_equal(fo_engine_root(fresh, v), c[2 * n + v]);
		assert_int_equal(fo_engine_flags(fresh, v), fo_engine_flags(t->e, v));
	}
	/* pay-sh is a scenario node (distance 0), cvm is destroyed through
	 * rack (distance 1): cvm and what it takes down tip the groups last. */
	EXPECT(t, "wp", .flags = DN, .state = FO_STATE_DOWN, .cause = "pay-gz", .via = REQ, .root = "rack");
	EXPECT(t, "photos", .flags = DN, .state = FO_STATE_DOWN, .cause = "cvm", .via = COP, .root = "rack");
	fo_engine_free(fresh);
	free(c);
	rm(t);
}

/* Impacted list: ascending, exactly the nodes that are not up; summary. */
static void impacted_and_summary(void **state)
{
	(void)state;
	tg *t = mk("N site site\nN h1 host\nN h2 host\nh1 @ site\nh2 @ site\n"
		   "N app1 app\nN app2 app\nN app3 app\nN app4 app\nN ds dataset\nN appd app\n"
		   "app1 > h1\napp2 > 1: h1 h3\napp3 ~> h2\napp4 > h3\nds copy h1 h2\nappd copy h2\n");
	const uint32_t *imp;
	fo_summary s;

	RUN(t, "destroy:site");
	EXPECT(t, "app2", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "h1", .via = REQ, .root = "site");
	EXPECT(t, "app3", .flags = DG, .state = FO_STATE_DEGRADED, .cause = "h2", .via = DEG, .root = "site");
	EXPECT(t, "ds", .flags = LO | DN, .state = FO_STATE_DOWN, .cause = "h2", .via = COP, .root = "site");
	EXPECT(t, "appd", .flags = LO | DN, .state = FO_STATE_DOWN, .cause = "h2", .via = COP, .root = "site");
	ALL_UP(t, "app4 h3");
	size_t k = fo_engine_impacted(t->e, &imp);
	const char *order[] = { "site", "h1", "h2", "app1", "app2", "app3", "ds", "appd" };
	assert_int_equal(k, 8);
	for (size_t i = 0; i < k; i++)
		assert_int_equal(imp[i], ID(t, order[i]));
	fo_engine_summary(t->e, &s);
	assert_int_equal(s.nodes, 10);
	assert_int_equal(s.down, 6);
	assert_int_equal(s.lost, 2);
	assert_int_equal(s.degraded, 1);
	assert_int_equal(s.at_risk, 1);
	assert_int_equal(s.apps_down, 2);
	assert_int_equal(s.apps_lost, 1);
	assert_int_equal(s.apps_degraded, 1);
	assert_int_equal(s.apps_at_risk, 1);
	rm(t);

	/* Few impacted nodes in a big graph, found in descending order. */
	size_t cap = 1000 * 16, pos = 0;
	char *spec = malloc(cap);
	assert_non_null(spec);
	for (int i = 0; i < 1000; i++)
		pos += (size_t)snprintf(spec + pos, cap - pos, "N n%d\n", i);
	for (int i = 990; i < 999; i++)
		pos += (size_t)snprintf(spec + pos, cap - pos, "n%d > n%d\n", i, i + 1);
	t = mk(spec);
	free(spec);
	RUN(t, "fail:n999");
	k = fo_engine_impacted(t->e, &imp);
	assert_int_equal(k, 10);
	for (size_t i = 0; i < k; i++)
		assert_int_equal(imp[i], 990 + i);
	RUN(t, "fail:n995 fail:n3");
	k = fo_engine_impacted(t->e, &imp);
	assert_int_equal(k, 7);
	assert_int_equal(imp[0], 3);
	for (size_t i = 1; i < k; i++)
		assert_int_equal(imp[i], 989 + i);
	rm(t);
}

/* Node indices out of range: FO_EINVAL, and no results left. */
static void invalid_node_index(void **state)
{
	(void)state;
	tg *t = mk(QUICKSTART);
	uint32_t n = fo_graph_node_count(t->g), bad = n, huge = UINT32_MAX, ok = 0;
	const uint32_t *imp;
	fo_explain_step dummy, *s = &dummy;
	size_t len = 99;

	RUN(t, "destroy:gz");
	assert_int_equal(fo_engine_impacted(t->e, &imp), n - 2); /* pay-sh, cdn */
	fo_scenario sc1 = { &bad, 1, NULL, 0 };
	assert_int_equal(fo_engine_run(t->e, &sc1), FO_EINVAL);
	assert_int_equal(fo_engine_impacted(t->e, &imp), 0);
	ALL_UP(t, "gz gz3 cool cvm wp photos");
	fo_scenario sc2 = { &ok, 1, &huge, 1 };
	assert_int_equal(fo_engine_run(t->e, &sc2), FO_EINVAL);
	assert_int_equal(fo_engine_impacted(t->e, &imp), 0);
	UP(t, "gz");
	assert_int_equal(fo_engine_explain(t->e, n, &s, &len), FO_EINVAL);
	assert_null(s);
	assert_int_equal(len, 0);
	rm(t);
}

/* Group counters answer for every group type, soft ones included. */
static void group_counters(void **state)
{
	(void)state;
	tg *t = mk("N cdn cdn\nsvc ~> cdn\nw > 1: p q\nx ~> 2: svc w o\ny > 2: svc w o\n");
	RUN(t, "fail:cdn fail:p");
	EXPECT(t, "svc", .flags = DG, .state = FO_STATE_DEGRADED, .cause = "cdn", .via = DEG, .root = "cdn");
	EXPECT(t, "w", .flags = AR, .state = FO_STATE_AT_RISK, .cause = "p", .via = REQ, .root = "p");
	UP(t, "x");
	uint32_t gx = group_of(t->g, ID(t, "x"), DEG, 0), gy = group_of(t->g, ID(t, "y"), REQ, 0);
	assert_int_equal(fo_engine_group_up(t->e, gx), 3);
	assert_int_equal(fo_engine_group_healthy(t->e, gx), 2);
	assert_int_equal(fo_engine_group_safe(t->e, gx), 2);
	assert_int_equal(fo_engine_group_up(t->e, gy), 3);
	assert_int_equal(fo_engine_group_healthy(t->e, gy), 2);
	assert_int_equal(fo_engine_group_safe(t->e, gy), 2);
	rm(t);
}

/* The local layout numbers nodes breadth first from the nodes that depend on
 * nothing, along dependency -> dependent links (the way failures travel),
 * then the nodes only cycles reach; the graph layout keeps the graph's
 * numbers. Results are the same either way (the other tests, both layouts). */
static void layout_numbers(void **state)
{
	(void)state;
	tg *t = mk("N app app\nN svc app\nN vm vm\nN host host\nN rack rack\n"
		   "N c1 app\nN c2 app\nvm @ host\nhost @ rack\nsvc > vm\napp > svc\n"
		   "c1 > c2\nc2 > c1\n");
	const char *order[] = { "rack", "host", "vm", "svc", "app", "c1", "c2" };
	for (uint32_t i = 0; i < 7; i++) {
		uint32_t x = ID(t, order[i]);
		assert_int_equal(fo_engine__number(t->e, x),
				 layout == FO_ENGINE_LAYOUT_LOCAL ? i : x);
	}
	RUN(t, "fail:rack");
	EXPECT(t, "app", .flags = DN, .state = FO_STATE_DOWN, .cause = "svc", .via = REQ, .root = "rack");
	EXPLAIN(t, "app", "app down req 1/1:0 > svc down req 1/1:0 > vm down loc 1/1:0 > "
			  "host down loc 1/1:0 > rack down");
	ALL_UP(t, "c1 c2");
	rm(t);
}

/* ------------------------------------------- randomised reference check */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t bound)
{
	return rgraph_rnd(&rng, bound);
}

/* The rules of docs/semantics.md, applied naively: each state is grown by
 * sweeping every node until a sweep changes nothing. */
static void reference(const fo_graph *g, const fo_scenario *sc, unsigned *out)
{
	uint32_t n = fo_graph_node_count(g);
	uint8_t *F = calloc(n ? n : 1, 1), *D = calloc(n ? n : 1, 1), *L = calloc(n ? n : 1, 1);
	uint8_t *Dn = calloc(n ? n : 1, 1), *Dg = calloc(n ? n : 1, 1), *R = calloc(n ? n : 1, 1);
	int changed;
	assert_true(F && D && L && Dn && Dg && R);

	for (size_t i = 0; i < sc->nfail; i++)
		F[sc->fail[i]] = 1;
	for (size_t i = 0; i < sc->ndestroy; i++)
		D[sc->destroy[i]] = 1;
	/* 1. destroyed */
	do {
		changed = 0;
		for (uint32_t v = 0; v < n; v++) {
			uint32_t c = fo_graph_node_container(g, v);
			if (!D[v] && c != FO_NONE && D[c])
				D[v] = changed = 1;
		}
	} while (changed);
	/* 2. lost */
	do {
		changed = 0;
		for (uint32_t v = 0; v < n; v++) {
			uint32_t first, count;
			if (L[v])
				continue;
			fo_graph_node_groups(g, v, &first, &count);
			for (uint32_t gi = first; gi < first + count; gi++) {
				fo_group_info gr;
				fo_graph_group(g, gi, &gr);
				if (gr.type != FO_GROUP_COPIES)
					continue;
				uint32_t gone = 0;
				for (uint32_t m = 0; m < gr.n; m++)
					gone += D[gr.members[m]] || L[gr.members[m]];
				if (gone == gr.n)
					L[v] = changed = 1;
			}
		}
	} while (changed);
	/* 3. down */
	for (uint32_t v = 0; v < n; v++)
		Dn[v] = F[v] || D[v] || L[v];
	do {
		changed = 0;
		for (uint32_t v = 0; v < n; v++) {
			uint32_t first, count;
			if (Dn[v])
				continue;
			fo_graph_node_groups(g, v, &first, &count);
			for (uint32_t gi = first; gi < first + count && !Dn[v]; gi++) {
				fo_group_info gr;
				fo_graph_group(g, gi, &gr);
				if (!fo_group_type_is_hard(gr.type))
					continue;
				uint32_t up = 0;
				for (uint32_t m = 0; m < gr.n; m++)
					up += !Dn[gr.members[m]];
				if (up < gr.k)
					Dn[v] = changed = 1;
			}
		}
	} while (changed);
	/* 4. degraded */
	do {
		changed = 0;
		for (uint32_t v = 0; v < n; v++) {
			uint32_t first, count;
			if (Dn[v] || Dg[v])
				continue;
			fo_graph_node_groups(g, v, &first, &count);
			for (uint32_t gi = first; gi < first + count && !Dg[v]; gi++) {
				fo_group_info gr;
				fo_graph_group(g, gi, &gr);
				uint32_t up = 0, healthy = 0;
				for (uint32_t m = 0; m < gr.n; m++) {
					up += !Dn[gr.members[m]];
					healthy += !Dn[gr.members[m]] && !Dg[gr.members[m]];
				}
				if (fo_group_type_is_hard(gr.type) ? healthy < gr.k : up < gr.k)
					Dg[v] = changed = 1;
			}
		}
	} while (changed);
	/* 5. at-risk */
	do {
		changed = 0;
		for (uint32_t v = 0; v < n; v++) {
			uint32_t first, count;
			if (Dn[v] || R[v])
				continue;
			fo_graph_node_groups(g, v, &first, &count);
			for (uint32_t gi = first; gi < first + count && !R[v]; gi++) {
				fo_group_info gr;
				fo_graph_group(g, gi, &gr);
				if (!fo_group_type_is_hard(gr.type))
					continue;
				uint32_t up = 0, safe = 0;
				for (uint32_t m = 0; m < gr.n; m++) {
					up += !Dn[gr.members[m]];
					safe += !Dn[gr.members[m]] && !R[gr.members[m]];
				}
				if ((up < gr.n && up == gr.k) || safe < gr.k)
					R[v] = changed = 1;
			}
		}
	} while (changed);
	for (uint32_t v = 0; v < n; v++)
		out[v] = (F[v] ? FA : 0) | (D[v] ? DE : 0) | (L[v] ? LO : 0) | (Dn[v] ? DN : 0) |
			 (Dg[v] ? DG : 0) | (R[v] ? AR : 0);
	free(F);
	free(D);
	free(L);
	free(Dn);
	free(Dg);
	free(R);
}

/* Prints a graph in the fixture language (paste into fx_graph to replay). */
static void dump_graph(const fo_graph *g)
{
	uint32_t n = fo_graph_node_count(g);
	for (uint32_t v = 0; v < n; v++)
		print_message("N %s %s\n", nid(g, v), fo_graph_node_kind_word(g, v));
	for (uint32_t v = 0; v < n; v++)
		if (fo_graph_node_container(g, v) != FO_NONE)
			print_message("%s @ %s\n", nid(g, v), nid(g, fo_graph_node_container(g, v)));
	for (uint32_t gi = 0; gi < fo_graph_group_count(g); gi++) {
		fo_group_info gr;
		fo_graph_group(g, gi, &gr);
		if (gr.type == FO_GROUP_LOCATED)
			continue;
		if (gr.type == FO_GROUP_COPIES)
			print_message("%s copy", nid(g, gr.owner));
		else
			print_message("%s %s %u:", nid(g, gr.owner),
				      gr.type == FO_GROUP_DEGRADES ? "~>" : ">", gr.k);
		for (uint32_t m = 0; m < gr.n; m++)
			print_message(" %s", nid(g, gr.members[m]));
		print_message("\n");
	}
}

static void dump_scenario(const fo_graph *g, const fo_scenario *sc)
{
	print_message("scenario:");
	for (size_t i = 0; i < sc->nfail; i++)
		print_message(" fail:%s", nid(g, sc->fail[i]));
	for (size_t i = 0; i < sc->ndestroy; i++)
		print_message(" destroy:%s", nid(g, sc->destroy[i]));
	print_message("\n");
}

static void random_scenario(uint32_t n, fo_scenario *sc, uint32_t *fail, uint32_t *destroy)
{
	uint32_t k = 1 + rnd(4);
	sc->fail = fail;
	sc->destroy = destroy;
	sc->nfail = sc->ndestroy = 0;
	for (uint32_t i = 0; i < k; i++) {
		uint32_t v = rnd(n), how = rnd(100);
		if (how < 45 || how >= 90)
			fail[sc->nfail++] = v;
		if (how >= 45)
			destroy[sc->ndestroy++] = v;
	}
}

/* 1 when the explain chains of x (at-risk chains if risk) are equal in a and b. */
static int same_chain(const fo_engine *a, const fo_engine *b, uint32_t x, int risk)
{
	fo_explain_step *sa = NULL, *sb = NULL;
	size_t na = 0, nb = 0;
	int ra = risk ? fo_engine_explain_at_risk(a, x, &sa, &na) : fo_engine_explain(a, x, &sa, &na);
	int rb = risk ? fo_engine_explain_at_risk(b, x, &sb, &nb) : fo_engine_explain(b, x, &sb, &nb);
	int same = ra == rb && na == nb;
	for (size_t i = 0; same && i < na; i++)
		same = sa[i].node == sb[i].node && sa[i].state == sb[i].state &&
		       sa[i].flags == sb[i].flags && sa[i].group == sb[i].group &&
		       sa[i].cause == sb[i].cause && sa[i].k == sb[i].k && sa[i].n == sb[i].n &&
		       sa[i].count == sb[i].count;
	free(sa);
	free(sb);
	return same;
}

/* Every output of the last runs of a and b (engines over one graph, one
 * scenario, other layouts) is equal; reports the first difference. */
static int same_results(fo_engine *a, fo_engine *b)
{
	const fo_graph *g = fo_engine_graph(a);
	uint32_t n = fo_graph_node_count(g), ng = fo_graph_group_count(g);
	const uint32_t *ia, *ib;
	size_t ka = fo_engine_impacted(a, &ia), kb = fo_engine_impacted(b, &ib);
	fo_summary su_a, su_b;
	int bad = 0;
	if (ka != kb || memcmp(ia, ib, ka * sizeof *ia))
		PROBLEM("impacted lists differ (%zu and %zu nodes)\n", ka, kb);
	memset(&su_a, 0, sizeof su_a);
	memset(&su_b, 0, sizeof su_b);
	fo_engine_summary(a, &su_a);
	fo_engine_summary(b, &su_b);
	if (memcmp(&su_a, &su_b, sizeof su_a))
		PROBLEM("summaries differ\n");
	for (uint32_t v = 0; v < n && !bad; v++) {
		if (fo_engine_flags(a, v) != fo_engine_flags(b, v) ||
		    fo_engine_state(a, v) != fo_engine_state(b, v) ||
		    fo_engine_cause(a, v) != fo_engine_cause(b, v) ||
		    fo_engine_cause_group(a, v) != fo_engine_cause_group(b, v) ||
		    fo_engine_root(a, v) != fo_engine_root(b, v) ||
		    fo_engine_risk_cause(a, v) != fo_engine_risk_cause(b, v) ||
		    fo_engine_risk_cause_group(a, v) != fo_engine_risk_cause_group(b, v) ||
		    fo_engine_risk_root(a, v) != fo_engine_risk_root(b, v))
			PROBLEM("%s: state, cause or root differs between layouts\n", nid(g, v));
		else if (!same_chain(a, b, v, 0) || !same_chain(a, b, v, 1))
			PROBLEM("%s: explain chains differ between layouts\n", nid(g, v));
	}
	for (uint32_t gi = 0; gi < ng && !bad; gi++)
		if (fo_engine_group_up(a, gi) != fo_engine_group_up(b, gi) ||
		    fo_engine_group_healthy(a, gi) != fo_engine_group_healthy(b, gi) ||
		    fo_engine_group_safe(a, gi) != fo_engine_group_safe(b, gi))
			PROBLEM("group %u: counters differ between layouts\n", gi);
	return bad;
}

/* Compares one run with the reference; dumps everything on a mismatch. */
static int compare_run(fo_engine *e, const fo_scenario *sc, unsigned *ref, int graph_no)
{
	const fo_graph *g = fo_engine_graph(e);
	uint32_t n = fo_graph_node_count(g);
	int bad = 0;
	assert_int_equal(fo_engine_run(e, sc), FO_OK);
	reference(g, sc, ref);
	for (uint32_t v = 0; v < n; v++)
		if (fo_engine_flags(e, v) != ref[v])
			PROBLEM("%s: engine flags %#x, reference %#x\n", nid(g, v), fo_engine_flags(e, v), ref[v]);
	bad += check_all(e, sc);
	if (bad) {
		print_message("random graph #%d:\n", graph_no);
		dump_graph(g);
		dump_scenario(g, sc);
	}
	return bad;
}

static void random_cross_check_with(const rgraph_params *base, int graphs, int vary)
{
	for (int gno = 0; gno < graphs; gno++) {
		rgraph_params p = *base;
		if (vary) {
			p.n = 5 + rnd(56);
			p.contain_pct = rnd(80);
			p.max_groups = rnd(4);
			p.soft_pct = rnd(60);
			p.copy_pct = rnd(50);
			p.max_size = 1 + rnd(5);
		}
		fo_graph *g = rgraph_new(&rng, &p);
		fo_engine *e = NULL, *fresh = NULL, *other = NULL;
		fo_engine_opts oo = { .layout = layout == FO_ENGINE_LAYOUT_GRAPH ? FO_ENGINE_LAYOUT_LOCAL
									 : FO_ENGINE_LAYOUT_GRAPH };
		uint32_t n = p.n, fail[4][8], destroy[4][8];
		unsigned *ref = malloc(n * sizeof *ref);
		uint32_t *saved = malloc(3 * n * sizeof *saved);
		fo_scenario sc[4];
		assert_true(ref && saved);
		assert_int_equal(new_engine(&e, g), FO_OK);
		assert_int_equal(fo_engine_new_opts(&other, g, &oo), FO_OK);
		for (int s = 0; s < 4; s++) {
			random_scenario(n, &sc[s], fail[s], destroy[s]);
			if (compare_run(e, &sc[s], ref, gno))
				fail_msg("random graph #%d, scenario %d: engine and reference differ", gno, s);
			assert_int_equal(fo_engine_run(other, &sc[s]), FO_OK);
			if (same_results(e, other)) {
				dump_graph(g);
				dump_scenario(g, &sc[s]);
				fail_msg("random graph #%d, scenario %d: the layouts differ", gno, s);
			}
			if (s == 0)
				for (uint32_t v = 0; v < n; v++) {
					saved[v] = fo_engine_cause(e, v);
					saved[n + v] = fo_engine_cause_group(e, v);
					saved[2 * n + v] = fo_engine_root(e, v);
				}
		}
		/* The first scenario again, on this engine and on a fresh one:
		 * same causes (determinism, and nothing left from other runs). */
		assert_int_equal(new_engine(&fresh, g), FO_OK);
		assert_int_equal(fo_engine_run(e, &sc[0]), FO_OK);
		assert_int_equal(fo_engine_run(fresh, &sc[0]), FO_OK);
		for (uint32_t v = 0; v < n; v++) {
			int same = fo_engine_cause(e, v) == saved[v] && fo_engine_cause_group(e, v) == saved[n + v] &&
				   fo_engine_root(e, v) == saved[2 * n + v] && fo_engine_cause(fresh, v) == saved[v] &&
				   fo_engine_cause_group(fresh, v) == saved[n + v] &&
				   fo_engine_root(fresh, v) == saved[2 * n + v];
			if (!same) {
				dump_graph(g);
				dump_scenario(g, &sc[0]);
				fail_msg("random graph #%d: causes of %s differ between runs", gno, nid(g, v));
			}
		}
		fo_engine_free(fresh);
		fo_engine_free(other);
		fo_engine_free(e);
		fo_graph_free(g);
		free(ref);
		free(saved);
	}
}

static void random_cross_check(void **state)
{
	(void)state;
	rgraph_params base = { .flat_in = 1 };
	rng = 0x9e3779b97f4a7c15ull;
	random_cross_check_with(&base, 600, 1);
}

/* Bigger, sparser graphs: long propagation chains, few impacted nodes. */
static void random_cross_check_large(void **state)
{
	(void)state;
	rng = 0x2545f4914f6cdd1dull;
	for (int i = 0; i < 6; i++) {
		rgraph_params p = { .soft_pct = 30, .copy_pct = 20, .flat_in = 1 };
		p.n = 300 + rnd(1200);
		p.contain_pct = 50 + rnd(40);
		p.max_groups = 1 + rnd(2);
		p.max_size = 1 + rnd(3);
		random_cross_check_with(&p, 1, 0);
	}
}

/* An engine may share another's layout: same results, each engine its own
 * state; sharing an engine over another graph is refused. */
static void shared_layout(void **state)
{
	(void)state;
	tg *t = mk(QUICKSTART);
	tg *u = mk(DC);
	fo_engine *b = NULL, *c = NULL;
	fo_engine_opts o = { .share = t->e };
	assert_int_equal(fo_engine_new_opts(&b, t->g, &o), FO_OK);
	assert_int_equal(fo_engine__number(b, ID(t, "cool")), fo_engine__number(t->e, ID(t, "cool")));
	assert_int_equal(fo_engine_new_opts(&c, u->g, &o), FO_EINVAL);
	assert_null(c);
	fo_engine_opts bad = { .layout = (fo_engine_layout)7 };
	assert_int_equal(fo_engine_new_opts(&c, u->g, &bad), FO_EINVAL);
	assert_null(c);
	RUN(t, "fail:cool fail:pay-sh destroy:rack");
	assert_int_equal(fo_engine_run(b, &t->sc), FO_OK);
	assert_int_equal(same_results(t->e, b), 0);
	/* Runs of one do not touch the other's results. */
	RUN(t, "fail:cdn");
	fo_scenario sc0 = { NULL, 0, NULL, 0 };
	assert_int_equal(fo_engine_run(b, &sc0), FO_OK);
	EXPECT(t, "cdn", .flags = FA | DN, .state = FO_STATE_DOWN, .root = "cdn");
	assert_int_equal(fo_engine_state(b, ID(t, "cdn")), FO_STATE_UP);
	fo_engine_free(b);
	rm(u);
	rm(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_scenario_all_up),
		cmocka_unit_test(reset_between_runs),
		cmocka_unit_test(epoch_wraps),
		cmocka_unit_test(quickstart),
		cmocka_unit_test(requires_chain),
		cmocka_unit_test(located_is_hard_dependency),
		cmocka_unit_test(destroy_vs_fail),
		cmocka_unit_test(failed_and_destroyed),
		cmocka_unit_test(k_of_n_2_of_3),
		cmocka_unit_test(k_of_n_boundaries),
		cmocka_unit_test(lost_copies),
		cmocka_unit_test(lost_through_lost_dataset),
		cmocka_unit_test(destroyed_and_lost_counted_once),
		cmocka_unit_test(degraded),
		cmocka_unit_test(degraded_with_down_and_at_risk),
		cmocka_unit_test(at_risk),
		cmocka_unit_test(at_risk_through_degraded),
		cmocka_unit_test(cycles),
		cmocka_unit_test(self_dependency),
		cmocka_unit_test(big_cycle),
		cmocka_unit_test(multi_failure),
		cmocka_unit_test(determinism),
		cmocka_unit_test(impacted_and_summary),
		cmocka_unit_test(invalid_node_index),
		cmocka_unit_test(group_counters),
		cmocka_unit_test(layout_numbers),
		cmocka_unit_test(random_cross_check),
		cmocka_unit_test(random_cross_check_large),
		cmocka_unit_test(shared_layout),
	};
	layout = FO_ENGINE_LAYOUT_GRAPH;
	int failed = cmocka_run_group_tests_name("engine, graph layout", tests, NULL, NULL);
	layout = FO_ENGINE_LAYOUT_LOCAL;
	failed += cmocka_run_group_tests_name("engine, local layout", tests, NULL, NULL);
	return failed;
}
