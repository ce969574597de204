/*
 * test_reports.c — the text, JSON and CSV contracts of `whatif` and the
 * `--why` explanation (reports/fo_report.h, docs/output-formats.md).
 *
 * Whole outputs are compared with golden files in tests/golden/
 * (FO_UPDATE_GOLDEN=1 rewrites them); the tests below them check the rules
 * that the golden files only show: key order, escaping, quoting, sorting,
 * the arithmetic of each explanation step.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "analyzer/fo_engine.h"
#include "graphs/fo_error.h"
#include "helpers/fixture.h"
#include "helpers/golden.h"
#include "helpers/rfix.h"
#include "reports/fo_report.h"
#include "reports/report_int.h"

typedef struct world {
	fo_graph *g;
	fo_engine *e;
	uint32_t fail[32], destroy[32];
	fo_scenario sc;
} world;

static void world_free(world *w)
{
	fo_engine_free(w->e);
	fo_graph_free(w->g);
}

/* Builds the graph, then runs "fail:a destroy:b …" (ids looked up). */
static void world_run(world *w, const char *scenario)
{
	char *copy = strdup(scenario), *save = NULL;
	w->sc = (fo_scenario){ w->fail, 0, w->destroy, 0 };
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (!strncmp(t, "fail:", 5))
			w->fail[w->sc.nfail++] = fx_id(w->g, t + 5);
		else if (!strncmp(t, "destroy:", 8))
			w->destroy[w->sc.ndestroy++] = fx_id(w->g, t + 8);
		else
			fail_msg("bad scenario token %s", t);
	}
	free(copy);
	if (!w->e)
		assert_int_equal(fo_engine_new(&w->e, w->g), FO_OK);
	assert_int_equal(fo_engine_run(w->e, &w->sc), FO_OK);
}

static void quickstart(world *w, const char *scenario)
{
	memset(w, 0, sizeof *w);
	assert_int_equal(rfix_quickstart(&w->g), FO_OK);
	world_run(w, scenario);
}

/* The whatif output as a string (caller: gold_free). */
static void whatif(gold_capture *c, world *w, fo_format fmt, int all)
{
	FILE *fp = gold_open(c);
	assert_int_equal(fo_report_whatif(fp, w->e, &w->sc, fmt, all), FO_OK);
	gold_close(c);
}

static void why(gold_capture *c, world *w, const char *id)
{
	FILE *fp = gold_open(c);
	assert_int_equal(fo_report_why(fp, w->e, fx_id(w->g, id)), FO_OK);
	gold_close(c);
}

static void golden(const char *name, const gold_capture *c)
{
	assert_int_equal(gold_check(name, c->buf, c->len), 0);
}

/* ------------------------------------------------------------ golden */

static void text_quickstart(void **state)
{
	(void)state;
	world w;
	gold_capture c;
	quickstart(&w, "fail:gz3-cooling");
	whatif(&c, &w, FO_FORMAT_TEXT, 0);
	golden("whatif-quickstart.txt", &c);
	gold_free(&c);
	whatif(&c, &w, FO_FORMAT_TEXT, 1);
	golden("whatif-quickstart-all.txt", &c);
	gold_free(&c);
	world_free(&w);
}

static void json_quickstart(void **state)
{
	(void)state;
	world w;
	gold_capture c;
	quickstart(&w, "fail:gz3-cooling");
	whatif(&c, &w, FO_FORMAT_JSON, 0);
	golden("whatif-quickstart.json", &c);
	gold_free(&c);
	world_free(&w);
}

static void csv_quickstart(void **state)
{
	(void)state;
	world w;
	gold_capture c;
	quickstart(&w, "fail:gz3-cooling");
	whatif(&c, &w, FO_FORMAT_CSV, 0);
	golden("whatif-quickstart.csv", &c);
	gold_free(&c);
	world_free(&w);
}

static void destroy_golden(void **state)
{
	(void)state;
	world w;
	gold_capture c;
	/* the site burns: everything in it destroyed; photos keeps its copy
	 * on pay-sh, so it is down but not lost */
	quickstart(&w, "destroy:gz3-dc fail:pay-sh");
	whatif(&c, &w, FO_FORMAT_TEXT, 1);
	golden("whatif-quickstart-destroy.txt", &c);
	gold_free(&c);
	whatif(&c, &w, FO_FORMAT_JSON, 0);
	golden("whatif-quickstart-destroy.json", &c);
	gold_free(&c);
	world_free(&w);
}

static void why_golden(void **state)
{
	(void)state;
	static const char *const ids[] = { "wechat-pay", "photos", "qq-mail", "bank", "blog",
					   "stats", "gz3-cooling", "pay-sh", "cvm-gz3" };
	world w;
	gold_capture all, c;
	quickstart(&w, "fail:gz3-cooling");
	FILE *fp = gold_open(&all);
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
		why(&c, &w, ids[i]);
		fwrite(c.buf, 1, c.len, fp);
		gold_free(&c);
	}
	gold_close(&all);
	golden("why-quickstart.txt", &all);
	gold_free(&all);
	world_free(&w);
}

/* --------------------------------------------------------------- text */

static void text_summary_and_grouping(void **state)
{
	(void)state;
	world w;
	gold_capture c;
	quickstart(&w, "fail:gz3-cooling");
	whatif(&c, &w, FO_FORMAT_TEXT, 0);
	/* the summary line names the scenario and the counts */
	/* the app counts partition the apps hit: 1 + 2 + 2 + 0 = 5 */
	static const char summary[] = "fail gz3-cooling: 6 of 16 nodes down (0 lost), 2 degraded, "
				      "3 at-risk; apps: 5 hit = 1 down + 2 degraded only + "
				      "2 at-risk only + 0 degraded and at-risk\n";
	assert_true(!strncmp(c.buf, summary, strlen(summary)));
	/* tenants by impact: tencent (an app down) before abc (degraded and
	 * at-risk) before the apps without a tenant (degraded) */
	char *abc = strstr(c.buf, "\nabc: 2 apps: 1 degraded only, 1 at-risk only\n");
	char *ten = strstr(c.buf, "\ntencent: 2 apps: 1 down, 1 at-risk only\n");
	char *none = strstr(c.buf, "\n(no tenant): 1 app: 1 degraded only\n");
	assert_non_null(abc);
	assert_non_null(ten);
	assert_non_null(none);
	assert_true(ten < abc && abc < none);
	/* the data with its last copy standing has its own section */
	assert_non_null(strstr(c.buf, "\nat-risk data: 1 node (last copy standing)\n"));
	assert_non_null(strstr(c.buf, "  photos  dataset  tencent  1 of 2 left  pay-sh        gz3-cooling\n"));
	/* within a tenant the worst state first: qq-mail (down) before
	 * wechat-pay (at-risk); the NAME column exists because one app has a
	 * name of its own */
	assert_true(strstr(c.buf, "qq-mail ") < strstr(c.buf, "wechat-pay "));
	assert_non_null(strstr(c.buf, "WeChat Pay"));
	/* the non-app nodes are not listed without --all */
	assert_null(strstr(c.buf, "gz3-hall-a"));
	gold_free(&c);
	world_free(&w);
}

static void text_no_failure(void **state)
{
	(void)state;
	world w;
	gold_capture c;
	quickstart(&w, "");
	whatif(&c, &w, FO_FORMAT_TEXT, 1);
	assert_string_equal(c.buf, "no failure: 0 of 16 nodes down (0 lost), 0 degraded, 0 at-risk; "
				   "apps: 0 hit = 0 down + 0 degraded only + 0 at-risk only + "
				   "0 degraded and at-risk\n\n"
				   "no app is impacted\n\nno node is impacted\n");
	gold_free(&c);
	world_free(&w);
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void text_hostile_one_line_each(void **state)
{
	(void)state;
	world w = { 0 };
	gold_capture c;
	assert_int_equal(rfix_hostile(&w.g), FO_OK);
	world_run(&w, "fail:new\nline");
	whatif(&c, &w, FO_FORMAT_TEXT, 1);
	golden("whatif-hostile.txt", &c);
	/* summary, blank, tenant, header, app, blank, title, header, 2 rows */
	assert_int_equal(count_lines(c.buf), 10);
	assert_non_null(strstr(c.buf, "fail new\\nline: "));
	assert_non_null(strstr(c.buf, "ten\"ant\\n<x>: 1 app: 1 down\n"));
	/* no raw control byte reaches the terminal */
	for (size_t i = 0; i < c.len; i++)
		assert_true((unsigned char)c.buf[i] >= 0x20 || c.buf[i] == '\n');
	gold_free(&c);
	world_free(&w);
}

static void text_columns_align_wide_text(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	gold_capture c;
	/* two apps, one with a Chinese id: the STATE column starts at the same
	 * terminal column on both rows (CJK characters are two columns wide) */
	assert_int_equal(fx_graph(&g, "N x\nN \xe5\xbe\xae\xe4\xbf\xa1 app\nN ab app\n"
				      "\xe5\xbe\xae\xe4\xbf\xa1 > x\nab > x\n", NULL), FO_OK);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	uint32_t x = fx_id(g, "x"), none[1] = { 0 };
	fo_scenario sc = { &x, 1, none, 0 };
	assert_int_equal(fo_engine_run(e, &sc), FO_OK);
	FILE *fp = gold_open(&c);
	assert_int_equal(fo_report_whatif(fp, e, &sc, FO_FORMAT_TEXT, 0), FO_OK);
	gold_close(&c);
	assert_non_null(strstr(c.buf, "  APP   STATE  TIER  ROOT  CAUSE\n"
				      "  ab    down   -     x     x\n"
				      "  \xe5\xbe\xae\xe4\xbf\xa1  down   -     x     x\n"));
	gold_free(&c);
	fo_engine_free(e);
	fo_graph_free(g);
}

/* --------------------------------------------------------------- JSON */

static void json_key_order(void **state)
{
	(void)state;
	static const char *const top[] = { "{\"inventory\": ", "\"scenario\": {\"fail\": ",
					   "\"destroy\": ", "\"summary\": {\"nodes\": ",
					   "\"down\": ", "\"lost\": ", "\"degraded\": ", "\"at_risk\": ",
					   "\"apps_down\": ", "\"apps_degraded\": ",
					   "\"apps_at_risk\": ", "\"apps_hit\": ",
					   "\"apps_need_lost_data\": ", "\"apps_degraded_only\": ",
					   "\"apps_at_risk_only\": ", "\"apps_degraded_and_at_risk\": ",
					   "\"impacts\": [" };
	static const char *const keys[] = { "{\"id\": ", "\"kind\": ", "\"name\": ", "\"tenant\": ",
					    "\"state\": ", "\"failed\": ", "\"destroyed\": ",
					    "\"lost\": ", "\"degraded\": ", "\"at_risk\": ",
					    "\"cause\": ", "\"root\": ", "\"at_risk_cause\": ",
					    "\"at_risk_root\": ", "\"lost_data\": ", "\"tier\": ",
					    "\"properties\": {" };
	world w;
	gold_capture c;
	quickstart(&w, "fail:gz3-cooling");
	whatif(&c, &w, FO_FORMAT_JSON, 0);
	const char *p = c.buf;
	for (size_t i = 0; i < sizeof top / sizeof *top; i++) {
		const char *q = strstr(p, top[i]);
		assert_non_null(q);
		p = q + strlen(top[i]);
	}
	/* every impact line has the keys in the contract's order */
	int lines = 0;
	for (const char *line = strstr(c.buf, "\n  {"); line; line = strstr(line + 1, "\n  {")) {
		const char *end = strchr(line + 1, '\n');
		p = line;
		for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
			const char *q = strstr(p, keys[i]);
			assert_non_null(q);
			assert_true(q < end);
			p = q + strlen(keys[i]);
		}
		lines++;
	}
	assert_int_equal(lines, 11);
	/* the scenario node itself: no cause, no root; a named node's name */
	assert_non_null(strstr(c.buf, "{\"id\": \"gz3-cooling\", \"kind\": \"cooling\", \"name\": "
				      "\"gz3-cooling\", \"tenant\": null, \"state\": \"down\", "
				      "\"failed\": true, \"destroyed\": false, \"lost\": false, "
				      "\"degraded\": false, \"at_risk\": false, \"cause\": null, "
				      "\"root\": null, \"at_risk_cause\": null, \"at_risk_root\": null, "
				      "\"lost_data\": null, \"tier\": null, \"properties\": {}}"));
	/* at-risk only: its at-risk chain is its headline chain */
	assert_non_null(strstr(c.buf, "\"at_risk\": true, \"cause\": \"pay-gz\", \"root\": "
				      "\"gz3-cooling\", \"at_risk_cause\": \"pay-gz\", "
				      "\"at_risk_root\": \"gz3-cooling\", \"lost_data\": null, \"tier\": 1"));
	assert_non_null(strstr(c.buf, "{\"id\": \"wechat-pay\", \"kind\": \"app\", \"name\": "
				      "\"WeChat Pay\", \"tenant\": \"tencent\", \"state\": \"at-risk\""));
	assert_non_null(strstr(c.buf, "\"tier\": 1, \"properties\": {\"owner\": \"pay-team\", "
				      "\"sla\": \"99.99%\"}}"));
	/* the alias is resolved */
	assert_non_null(strstr(c.buf, "{\"id\": \"cvm-gz3\", \"kind\": \"vm\""));
	assert_int_equal(c.buf[c.len - 1], '\n');
	gold_free(&c);
	world_free(&w);
}

static void json_escaping(void **state)
{
	(void)state;
	world w = { 0 };
	gold_capture c;
	assert_int_equal(rfix_hostile(&w.g), FO_OK);
	world_run(&w, "fail:q\"uote fail:back\\slash fail:ctl\x01\x1f fail:new\nline "
		      "fail:\xe4\xb8\xad\xe6\x96\x87\xe5\x90\x8d fail:del\x7f fail:bad\xff\xfeutf8 "
		      "fail:\xe2\x80\xa8sep fail:<script>alert(1)</script>");
	whatif(&c, &w, FO_FORMAT_JSON, 0);
	golden("whatif-hostile.json", &c);
	assert_non_null(strstr(c.buf, "{\"inventory\": \"inv \\\"</title><script>\\\\n\",\n"));
	assert_non_null(strstr(c.buf, "\"fail\": [\"q\\\"uote\", \"back\\\\slash\", "
				      "\"ctl\\u0001\\u001f\", \"new\\nline\", "
				      "\"\xe4\xb8\xad\xe6\x96\x87\xe5\x90\x8d\", \"del\\u007f\", "
				      "\"bad\\ufffd\\ufffdutf8\", \"\\u2028sep\", "
				      "\"<script>alert(1)</script>\"]"));
	assert_non_null(strstr(c.buf, "\"name\": \"App <\\\"&\\\\\\n\xe5\xbe\xae\xe4\xbf\xa1>\", "
				      "\"tenant\": \"ten\\\"ant\\n<x>\""));
	assert_non_null(strstr(c.buf, "\"properties\": {\"k\\\"ey\\n\": \"v\\\\al\\u0001ue\"}"));
	/* one document, one impact per line: no raw control byte anywhere */
	for (size_t i = 0; i < c.len; i++)
		assert_true((unsigned char)c.buf[i] >= 0x20 || c.buf[i] == '\n');
	gold_free(&c);
	world_free(&w);
}

static void json_scenario_dedupe(void **state)
{
	(void)state;
	world w;
	gold_capture c;
	quickstart(&w, "fail:pay-sh fail:gz3-cooling fail:pay-sh destroy:cdn-gz "
		       "destroy:cdn-gz fail:gz3-cooling");
	whatif(&c, &w, FO_FORMAT_JSON, 0);
	assert_non_null(strstr(c.buf, "\"scenario\": {\"fail\": [\"pay-sh\", \"gz3-cooling\"], "
				      "\"destroy\": [\"cdn-gz\"]}"));
	gold_free(&c);
	whatif(&c, &w, FO_FORMAT_TEXT, 0);
	assert_true(!strncmp(c.buf, "fail pay-sh, gz3-cooling; destroy cdn-gz: ", 42));
	gold_free(&c);
	world_free(&w);
}

static void json_empty(void **state)
{
	(void)state;
	world w;
	gold_capture c;
	quickstart(&w, "");
	whatif(&c, &w, FO_FORMAT_JSON, 0);
	assert_string_equal(c.buf, "{\"inventory\": \"quickstart\",\n"
				   " \"scenario\": {\"fail\": [], \"destroy\": []},\n"
				   " \"summary\": {\"nodes\": 16, \"down\": 0, \"lost\": 0, "
				   "\"degraded\": 0, \"at_risk\": 0, \"apps_down\": 0, "
				   "\"apps_degraded\": 0, \"apps_at_risk\": 0, \"apps_hit\": 0, "
				   "\"apps_need_lost_data\": 0, \"apps_degraded_only\": 0, "
				   "\"apps_at_risk_only\": 0, \"apps_degraded_and_at_risk\": 0},\n"
				   " \"impacts\": []}\n");
	gold_free(&c);
	world_free(&w);
}

/* ------------------------------------------------ ranking and top */

/* Runs a fixture graph and returns the whatif text with options o. */
static void fx_whatif(gold_capture *c, const char *spec, const char *scenario, fo_format fmt,
		      const fo_whatif_opts *o)
{
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	uint32_t fail[16], destroy[16];
	fo_scenario sc = { fail, 0, destroy, 0 };
	char *copy = strdup(scenario), *save = NULL;
	assert_int_equal(fx_graph(&g, spec, NULL), FO_OK);
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (!strncmp(t, "fail:", 5))
			fail[sc.nfail++] = fx_id(g, t + 5);
		else
			destroy[sc.ndestroy++] = fx_id(g, t + 8);
	}
	free(copy);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fo_engine_run(e, &sc), FO_OK);
	FILE *fp = gold_open(c);
	assert_int_equal(fo_report_whatif_with(fp, e, &sc, fmt, o), FO_OK);
	gold_close(c);
	fo_engine_free(e);
	fo_graph_free(g);
}

/* Tenants: tier-1 apps down outrank any number of tier-2 apps down; then
 * apps needing lost data, degraded, at-risk; ties in natural order (t2
 * before t10), "no tenant" last among equals. */
static const char *RANK =
	"N x power\n"
	"N a1 app tenant=t10 tier=2\nN a2 app tenant=t10 tier=2\nN a3 app tenant=t10 tier=2\n"
	"N b1 app tenant=t9 tier=1\n"
	"N c1 app tenant=t2 tier=1\n"
	"N d1 app tier=1\n"
	"N e1 app tenant=t1\n"
	"N f1 app tenant=t3\nN p power\nN q power\n"
	"a1 > x\na2 > x\na3 > x\nb1 > x\nc1 > x\nd1 > x\ne1 ~> x\nf1 > 1: x q\n";

static void text_tenants_ranked(void **state)
{
	(void)state;
	gold_capture c;
	fx_whatif(&c, RANK, "fail:x", FO_FORMAT_TEXT, NULL);
	const char *t2 = strstr(c.buf, "\nt2: 1 app: 1 down\n");
	const char *t9 = strstr(c.buf, "\nt9: 1 app: 1 down\n");
	const char *none = strstr(c.buf, "\n(no tenant): 1 app: 1 down\n");
	const char *t10 = strstr(c.buf, "\nt10: 3 apps: 3 down\n");
	const char *t1 = strstr(c.buf, "\nt1: 1 app: 1 degraded only\n");
	const char *t3 = strstr(c.buf, "\nt3: 1 app: 1 at-risk only\n");
	assert_true(t2 && t9 && none && t10 && t1 && t3);
	assert_true(t2 < t9 && t9 < none && none < t10 && t10 < t1 && t1 < t3);
	/* within a tenant, ids in natural order */
	assert_true(strstr(c.buf, "  a1 ") < strstr(c.buf, "  a2 "));
	assert_true(!strncmp(c.buf, "fail x: ", 8));
	assert_non_null(strstr(c.buf, "apps: 8 hit = 6 down + 1 degraded only + 1 at-risk only + "
				      "0 degraded and at-risk\n"));
	gold_free(&c);
}

static void text_natural_order(void **state)
{
	(void)state;
	gold_capture c;
	/* equal impact: t2 < t10 < t100 (bytewise would give t10, t100, t2);
	 * app-9 < app-10 within a tenant */
	fx_whatif(&c, "N x power\nN app-10 app tenant=t2\nN app-9 app tenant=t2\n"
		      "N m app tenant=t100\nN n app tenant=t10\nN o app tenant=t10\n"
		      "app-10 > x\napp-9 > x\nm > x\nn > x\no > x\n",
		  "fail:x", FO_FORMAT_TEXT, NULL);
	/* t2 and t10 have 2 apps down, t100 one */
	const char *t2 = strstr(c.buf, "\nt2: "), *t10 = strstr(c.buf, "\nt10: "),
		   *t100 = strstr(c.buf, "\nt100: ");
	assert_true(t2 && t10 && t100 && t2 < t10 && t10 < t100);
	assert_true(strstr(c.buf, "  app-9 ") < strstr(c.buf, "  app-10 "));
	gold_free(&c);
}

static void text_top(void **state)
{
	(void)state;
	gold_capture c;
	fo_whatif_opts o = { 0, 2 };
	fx_whatif(&c, RANK, "fail:x", FO_FORMAT_TEXT, &o);
	assert_non_null(strstr(c.buf, "\nt2: 1 app: 1 down\n"));
	assert_non_null(strstr(c.buf, "\nt9: 1 app: 1 down\n"));
	assert_null(strstr(c.buf, "\nt10: "));
	/* the others on one line, with their partition */
	assert_non_null(strstr(c.buf, "\n\xe2\x80\xa6 and 4 more tenants: 6 apps: 4 down, "
				      "1 degraded only, 1 at-risk only\n"));
	gold_free(&c);
	/* --top also cuts the rows of a tenant: the worst first */
	o.top = 1;
	fx_whatif(&c, "N x power\nN a app tenant=t tier=2\nN b app tenant=t tier=1\nN d app tenant=t\n"
		      "a > x\nb > x\nd ~> x\n", "fail:x", FO_FORMAT_TEXT, &o);
	assert_non_null(strstr(c.buf, "\nt: 3 apps: 2 down, 1 degraded only\n"));
	assert_non_null(strstr(c.buf, "  b    down   1     x     x\n"
				      "  \xe2\x80\xa6 and 2 more apps: 1 down, 1 degraded only\n"));
	assert_null(strstr(c.buf, " more tenant"));
	gold_free(&c);
	/* 0 shows every tenant, and JSON ignores top */
	o.top = 0;
	fx_whatif(&c, RANK, "fail:x", FO_FORMAT_TEXT, &o);
	assert_null(strstr(c.buf, " more "));
	gold_free(&c);
	o.top = 1;
	fx_whatif(&c, RANK, "fail:x", FO_FORMAT_JSON, &o);
	assert_non_null(strstr(c.buf, "\"id\": \"f1\""));
	gold_free(&c);
}

/* The fire: a-game needs its lost world data; b-crm only its server. */
static const char *FIRE =
	"N site room\nN srv host\nN bsrv host\nN disk1 storage\nN disk2 storage\nN far storage\n"
	"N world dataset tenant=a\nN bdata dataset tenant=b\n"
	"N game app tenant=a tier=2\nN crm app tenant=b tier=1\nN front app tenant=a\n"
	"srv @ site\nbsrv @ site\ndisk1 @ site\ndisk2 @ site\n"
	"world copy disk1 disk2\nbdata copy disk1 far\n"
	"game > srv\ngame > world\ncrm > bsrv\ncrm > bdata\nfront > game\n";

static void text_lost_data_never_hidden(void **state)
{
	(void)state;
	gold_capture c;
	fx_whatif(&c, FIRE, "destroy:site", FO_FORMAT_TEXT, NULL);
	/* the summary counts the apps that need lost data (front needs it
	 * through game) */
	assert_non_null(strstr(c.buf, "apps: 3 hit = 3 down (2 need lost data) + 0 degraded only + "
				      "0 at-risk only + 0 degraded and at-risk\n"));
	/* their rows name it; crm's does not */
	assert_non_null(strstr(c.buf, "LOST DATA\n"));
	assert_non_null(strstr(c.buf, "  game   down   2     site  srv    world\n"));
	assert_non_null(strstr(c.buf, "  front  down   -     site  game   world\n"));
	assert_non_null(strstr(c.buf, "  crm    down   1     site  bsrv   -\n"));
	assert_non_null(strstr(c.buf, "\na: 2 apps: 2 down (2 need lost data)\n"));
	/* lost data, then at-risk data in sections of their own */
	assert_non_null(strstr(c.buf, "\nlost data: 1 node (every copy holder destroyed)\n"));
	assert_non_null(strstr(c.buf, "\nat-risk data: 1 node (last copy standing)\n"
				      "  NODE   KIND     TENANT  COPIES       LAST COPY ON  ROOT\n"
				      "  bdata  dataset  b       1 of 2 left  far           site\n"));
	gold_free(&c);
	fx_whatif(&c, FIRE, "destroy:site", FO_FORMAT_JSON, NULL);
	assert_non_null(strstr(c.buf, "\"apps_need_lost_data\": 2,"));
	assert_non_null(strstr(c.buf, "{\"id\": \"front\"") );
	assert_non_null(strstr(c.buf, "\"root\": \"site\", \"at_risk_cause\": null, "
				      "\"at_risk_root\": null, \"lost_data\": \"world\""));
	gold_free(&c);
	/* a failure (no destruction) loses nothing: no column, no section */
	fx_whatif(&c, FIRE, "fail:site", FO_FORMAT_TEXT, NULL);
	assert_null(strstr(c.buf, "LOST DATA"));
	assert_null(strstr(c.buf, "lost data:"));
	assert_null(strstr(c.buf, "need lost data"));
	gold_free(&c);
}

/* Needing lost data follows K of n: a group that can be restored without
 * the lost member does not need it. */
static void lost_data_k_of_n(void **state)
{
	(void)state;
	gold_capture c;
	const char *spec = "N site room\nN d1 storage\nN h host\nN u host\nN ds dataset\n"
			   "N two app\nN one app\n"
			   "d1 @ site\nds copy d1\n"
			   "two > 2: ds h u\none > 1: ds h\n";
	/* two needs 2 of {ds lost, h failed, u up}: restoring h is enough */
	fx_whatif(&c, spec, "destroy:site fail:h", FO_FORMAT_JSON, NULL);
	assert_non_null(strstr(c.buf, "{\"id\": \"two\""));
	assert_non_null(strstr(c.buf, "\"apps_need_lost_data\": 0,"));
	gold_free(&c);
	/* one needs 1 of {ds lost, h failed}: h is enough too */
	fx_whatif(&c, spec, "destroy:site fail:h fail:u", FO_FORMAT_JSON, NULL);
	assert_non_null(strstr(c.buf, "\"apps_need_lost_data\": 0,"));
	gold_free(&c);
	/* 1 of {ds, ds2} with both lost: nothing but lost data brings it back */
	fx_whatif(&c, "N site room\nN d1 storage\nN ds dataset\nN d2 storage\nN ds2 dataset\n"
		      "N two app\nd1 @ site\nd2 @ site\nds copy d1\nds2 copy d2\ntwo > 1: ds ds2\n",
		  "destroy:site", FO_FORMAT_JSON, NULL);
	assert_non_null(strstr(c.buf, "\"apps_need_lost_data\": 1,"));
	gold_free(&c);
}

static void natural_order(void **state)
{
	(void)state;
	assert_true(fo_report__natcmp("t2", "t10") < 0);
	assert_true(fo_report__natcmp("t10", "t2") > 0);
	assert_true(fo_report__natcmp("t10", "t100") < 0);
	assert_true(fo_report__natcmp("app-t9-10", "app-t10-1") < 0);
	assert_true(fo_report__natcmp("a", "a1") < 0);
	assert_true(fo_report__natcmp("a1b", "a1a") > 0);
	assert_true(fo_report__natcmp("x99999999999999999999", "x100000000000000000000") < 0);
	/* equal numbers written differently: still a total order */
	assert_true(fo_report__natcmp("t01", "t1") < 0);
	assert_true(fo_report__natcmp("t1", "t01") > 0);
	assert_int_equal(fo_report__natcmp("t1", "t1"), 0);
	assert_true(fo_report__natcmp("B", "a") < 0); /* bytewise outside digits */
}

static void why_lists_every_reason_lost_first(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	gold_capture c;
	assert_int_equal(fx_graph(&g, FIRE, NULL), FO_OK);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fx_run(e, "destroy:site"), FO_OK);
	FILE *fp = gold_open(&c);
	assert_int_equal(fo_report_why(fp, e, fx_id(g, "game")), FO_OK);
	assert_int_equal(fo_report_why(fp, e, fx_id(g, "crm")), FO_OK);
	gold_close(&c);
	/* game: the lost world first, though srv is the engine's cause */
	assert_string_equal(c.buf,
			    "game is down: 2 reasons, lost data first\n"
			    "  - requires world (lost)\n"
			    "    world is down (lost): keeps copies on {disk1, disk2}: 0 left (disk2 destroyed, disk1 destroyed)\n"
			    "    disk2 is down (destroyed): located in site (destroyed)\n"
			    "    site destroyed (scenario)\n"
			    "  - requires srv (destroyed)\n"
			    "    srv is down (destroyed): located in site (destroyed)\n"
			    "    site destroyed (scenario)\n"
			    "crm is down: requires bsrv (destroyed)\n"
			    "  bsrv is down (destroyed): located in site (destroyed)\n"
			    "  site destroyed (scenario)\n");
	gold_free(&c);
	fo_engine_free(e);
	fo_graph_free(g);
}

/* A node both degraded and at-risk: both states explained, each by its own
 * chain; an at-risk-only node whose cause is degraded and at-risk follows
 * that node's at-risk chain. */
static void why_degraded_and_at_risk(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	gold_capture c;
	assert_int_equal(fx_graph(&g, "N r x\nN s x\nN w x\nN p x\nN q x\nN cdn cdn\nN app app\nN x x\n"
				      "w > 1: r s\napp > 1: p q\napp ~> cdn\nx > 1: w app\n", NULL), FO_OK);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fx_run(e, "fail:r fail:p fail:cdn"), FO_OK);
	FILE *fp = gold_open(&c);
	assert_int_equal(fo_report_why(fp, e, fx_id(g, "app")), FO_OK);
	assert_int_equal(fo_report_why(fp, e, fx_id(g, "x")), FO_OK);
	gold_close(&c);
	assert_string_equal(c.buf,
			    "app is degraded, at-risk: 2 reasons\n"
			    "  - degraded: depends softly on cdn (failed)\n"
			    "    cdn failed (scenario)\n"
			    "  - at-risk: needs 1 of {p, q}: 1 up (p failed), no spare left\n"
			    "    p failed (scenario)\n"
			    "x is at-risk: needs 1 of {w, app}: 0 safe (app at-risk, w at-risk)\n"
			    "  app is at-risk: needs 1 of {p, q}: 1 up (p failed), no spare left\n"
			    "  p failed (scenario)\n");
	gold_free(&c);
	fo_engine_free(e);
	fo_graph_free(g);
}

/* ---------------------------------------------------------------- CSV */

static void csv_quoting(void **state)
{
	(void)state;
	world w = { 0 };
	gold_capture c;
	assert_int_equal(rfix_hostile(&w.g), FO_OK);
	world_run(&w, "fail:comma,quote\" fail:new\nline fail:=1+1 fail:-x,y fail:@sum "
		      "fail:cr\rlf fail:tab\there fail:\t=cmd");
	whatif(&c, &w, FO_FORMAT_CSV, 0);
	golden("whatif-hostile.csv", &c);
	static const char header[] = "id,kind,name,tenant,tier,state,failed,destroyed,lost,"
				     "degraded,at_risk,cause,root\r\n";
	assert_true(!strncmp(c.buf, header, strlen(header)));
	/* RFC 4180: quoted when needed, quotes doubled; line breaks escaped as
	 * in the text output, so one record is one line */
	assert_non_null(strstr(c.buf, "\r\n\"comma,quote\"\"\",service,\"comma,quote\"\"\",,,down,"
				      "true,false,false,false,false,,\r\n"));
	assert_non_null(strstr(c.buf, "\r\nnew\\nline,service,new\\nline,"));
	assert_non_null(strstr(c.buf, "\r\ncr\\rlf,service,"));
	/* formulas neutralised with a leading apostrophe */
	assert_non_null(strstr(c.buf, "\r\n'=1+1,service,'=1+1,,,down,"));
	assert_non_null(strstr(c.buf, "\r\n\"'-x,y\",service,\"'-x,y\","));
	assert_non_null(strstr(c.buf, "\r\n'@sum,service,'@sum,"));
	assert_non_null(strstr(c.buf, "\r\n'\\t=cmd,service,"));
	assert_non_null(strstr(c.buf, "\r\ntab\\there,service,"));
	/* the app: hostile name and tenant quoted, tier, cause, root */
	assert_non_null(strstr(c.buf, "\r\napp,app,\"App <\"\"&\\\\\\n\xe5\xbe\xae\xe4\xbf\xa1>\","
				      "\"ten\"\"ant\\n<x>\",1,down,false,false,false,false,false,"
				      "new\\nline,new\\nline\r\n"));
	for (const char *p = c.buf; *p; p++) /* no control byte but the CRLFs */
		assert_true((unsigned char)*p >= 0x20 || (p[0] == '\r' && p[1] == '\n') ||
			    (p[0] == '\n' && p > c.buf && p[-1] == '\r'));
	gold_free(&c);
	world_free(&w);
}

/* Names with ESC, BEL, DEL and C1 controls: CSV escapes them as the text
 * output does (they used to reach the terminal raw). */
static void csv_controls_escaped(void **state)
{
	(void)state;
	world w = { 0 };
	gold_capture c, t;
	assert_int_equal(fx_graph(&w.g, "N \x1b[2Jx\xc2\x9b\x07 service name=del\x7f\xc2\x9b" "1;2H\xc2\xa0ok\n",
				  NULL), FO_OK);
	assert_int_equal(fo_engine_new(&w.e, w.g), FO_OK);
	world_run(&w, "fail:\x1b[2Jx\xc2\x9b\x07");
	whatif(&c, &w, FO_FORMAT_CSV, 0);
	golden("whatif-controls.csv", &c);
	assert_non_null(strstr(c.buf, "\r\n\\x1b[2Jx\\xc2\\x9b\\x07,service,del\\x7f\\xc2\\x9b1;2H\xc2\xa0ok,,,"));
	whatif(&t, &w, FO_FORMAT_TEXT, 0);
	/* the text output escapes the same C0 and DEL controls */
	assert_non_null(strstr(t.buf, "\\x1b[2Jx"));
	assert_null(strchr(t.buf, 0x1b));
	assert_null(strchr(t.buf, 0x07));
	for (const char *p = c.buf; *p; p++)
		assert_false((unsigned char)*p == 0x1b || (unsigned char)*p == 0x07 ||
			     (unsigned char)*p == 0x7f || (unsigned char)*p == 0x9b);
	gold_free(&t);
	gold_free(&c);
	world_free(&w);
}

/* ---------------------------------------------------------------- why */

static void why_arithmetic(void **state)
{
	(void)state;
	world w;
	gold_capture c;
	quickstart(&w, "fail:gz3-cooling");
	why(&c, &w, "wechat-pay");
	assert_string_equal(c.buf,
			    "wechat-pay is at-risk: needs 1 of {pay-gz, pay-sh}: 1 up (pay-gz down), "
			    "no spare left\n"
			    "  pay-gz is down: requires cvm-gz3 (down)\n"
			    "  cvm-gz3 is down: located in gz3-rack-01 (down)\n"
			    "  gz3-rack-01 is down: located in gz3-hall-a (down)\n"
			    "  gz3-hall-a is down: requires gz3-cooling (failed)\n"
			    "  gz3-cooling failed (scenario)\n");
	gold_free(&c);
	why(&c, &w, "photos");
	assert_true(!strncmp(c.buf, "photos is at-risk: keeps copies on {cvm-gz3, pay-sh}: 1 up "
				    "(cvm-gz3 down), no spare left\n", 77));
	gold_free(&c);
	why(&c, &w, "bank");
	assert_true(!strncmp(c.buf, "bank is at-risk: needs 2 of {pay-gz, pay-sh, cdn-gz}: 2 up "
				    "(pay-gz down), no spare left\n", 87));
	gold_free(&c);
	why(&c, &w, "blog");
	assert_true(!strncmp(c.buf, "blog is degraded: depends softly on pay-gz (down)\n", 50));
	gold_free(&c);
	why(&c, &w, "stats");
	assert_true(!strncmp(c.buf, "stats is degraded: requires blog (degraded)\n"
				    "  blog is degraded: depends softly on pay-gz (down)\n", 96));
	gold_free(&c);
	why(&c, &w, "pay-sh");
	assert_string_equal(c.buf, "pay-sh is up\n");
	gold_free(&c);
	world_free(&w);
}

static void why_groups_down_lost(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	gold_capture c;
	assert_int_equal(fx_graph(&g, "N site site\nN a\nN b\nN c\nN d dataset\nN app app\n"
				      "a @ site\nb @ site\nc @ site\n"
				      "app > 2: a b c\nd copy a b\n", NULL), FO_OK);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fx_run(e, "destroy:site"), FO_OK);
	FILE *fp = gold_open(&c);
	assert_int_equal(fo_report_why(fp, e, fx_id(g, "app")), FO_OK);
	assert_int_equal(fo_report_why(fp, e, fx_id(g, "d")), FO_OK);
	gold_close(&c);
	assert_string_equal(c.buf,
			    /* the cause (the member that tipped the group) first */
			    "app is down: needs 2 of {a, b, c}: 0 up (b destroyed, a destroyed, "
			    "c destroyed)\n"
			    "  b is down (destroyed): located in site (destroyed)\n"
			    "  site destroyed (scenario)\n"
			    "d is down (lost): keeps copies on {a, b}: 0 left (b destroyed, "
			    "a destroyed)\n"
			    "  b is down (destroyed): located in site (destroyed)\n"
			    "  site destroyed (scenario)\n");
	gold_free(&c);
	fo_engine_free(e);
	fo_graph_free(g);
}

static void why_abbreviates_long_groups(void **state)
{
	(void)state;
	char spec[4096];
	size_t n = 0;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	gold_capture c;
	/* app needs 21 of 21 members: m00 … m20; fail m05 m06 … m12 */
	n += (size_t)snprintf(spec + n, sizeof spec - n, "N app app\napp > 21:");
	for (int i = 0; i <= 20; i++)
		n += (size_t)snprintf(spec + n, sizeof spec - n, " m%02d", i);
	snprintf(spec + n, sizeof spec - n, "\n");
	assert_int_equal(fx_graph(&g, spec, NULL), FO_OK);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fx_run(e, "fail:m12 fail:m05 fail:m06 fail:m07 fail:m08 fail:m09"),
			 FO_OK);
	FILE *fp = gold_open(&c);
	assert_int_equal(fo_report_why(fp, e, fx_id(g, "app")), FO_OK);
	gold_close(&c);
	/* four members shown, the rest counted; the cause listed first */
	char *nl = strchr(c.buf, '\n');
	assert_non_null(nl);
	*nl = '\0';
	assert_true(strstr(c.buf, "app is down: needs 21 of {m00, m01, m02, m03, \xe2\x80\xa6 17 more}: "
				  "15 up (") == c.buf);
	assert_non_null(strstr(c.buf, ", \xe2\x80\xa6 2 more)"));
	assert_int_equal(count_lines(nl + 1), 1);
	gold_free(&c);
	fo_engine_free(e);
	fo_graph_free(g);
}

static void why_hostile_one_line_per_step(void **state)
{
	(void)state;
	world w = { 0 };
	gold_capture c;
	assert_int_equal(rfix_hostile(&w.g), FO_OK);
	world_run(&w, "fail:new\nline");
	why(&c, &w, "app");
	assert_string_equal(c.buf, "app is down: requires new\\nline (failed)\n"
				   "  new\\nline failed (scenario)\n");
	gold_free(&c);
	world_free(&w);
}

/* ------------------------------------------------------------- errors */

static void errors(void **state)
{
	(void)state;
	world w;
	quickstart(&w, "fail:gz3-cooling");
	FILE *null = fopen("/dev/null", "w");
	assert_non_null(null);
	assert_int_equal(fo_report_whatif(null, w.e, &w.sc, (fo_format)7, 0), FO_EINVAL);
	assert_int_equal(fo_report_whatif(null, w.e, NULL, FO_FORMAT_TEXT, 0), FO_EINVAL);
	uint32_t bad = 100000;
	fo_scenario sc = { &bad, 1, NULL, 0 };
	assert_int_equal(fo_report_whatif(null, w.e, &sc, FO_FORMAT_JSON, 0), FO_EINVAL);
	assert_int_equal(fo_report_why(null, w.e, 100000), FO_EINVAL);
	fclose(null);

	/* a stream that cannot be written: FO_EIO, not a silent success */
	FILE *ro = fopen("/dev/null", "r");
	assert_non_null(ro);
	assert_int_equal(fo_report_whatif(ro, w.e, &w.sc, FO_FORMAT_TEXT, 1), FO_EIO);
	clearerr(ro);
	assert_int_equal(fo_report_whatif(ro, w.e, &w.sc, FO_FORMAT_JSON, 0), FO_EIO);
	clearerr(ro);
	assert_int_equal(fo_report_whatif(ro, w.e, &w.sc, FO_FORMAT_CSV, 0), FO_EIO);
	clearerr(ro);
	assert_int_equal(fo_report_why(ro, w.e, fx_id(w.g, "wechat-pay")), FO_EIO);
	fclose(ro);
	world_free(&w);
}

static void same_input_same_bytes(void **state)
{
	(void)state;
	for (int fmt = FO_FORMAT_TEXT; fmt <= FO_FORMAT_CSV; fmt++) {
		world w1, w2;
		gold_capture a, b;
		quickstart(&w1, "fail:gz3-cooling fail:cdn-gz");
		quickstart(&w2, "fail:gz3-cooling fail:cdn-gz");
		whatif(&a, &w1, (fo_format)fmt, 1);
		/* a second run on a reused engine gives the same bytes too */
		world_run(&w2, "destroy:gz");
		world_run(&w2, "fail:gz3-cooling fail:cdn-gz");
		whatif(&b, &w2, (fo_format)fmt, 1);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.buf, b.buf, a.len);
		gold_free(&a);
		gold_free(&b);
		world_free(&w1);
		world_free(&w2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_quickstart),
		cmocka_unit_test(json_quickstart),
		cmocka_unit_test(csv_quickstart),
		cmocka_unit_test(destroy_golden),
		cmocka_unit_test(why_golden),
		cmocka_unit_test(text_summary_and_grouping),
		cmocka_unit_test(text_no_failure),
		cmocka_unit_test(text_hostile_one_line_each),
		cmocka_unit_test(text_columns_align_wide_text),
		cmocka_unit_test(json_key_order),
		cmocka_unit_test(json_escaping),
		cmocka_unit_test(json_scenario_dedupe),
		cmocka_unit_test(json_empty),
		cmocka_unit_test(text_tenants_ranked),
		cmocka_unit_test(text_natural_order),
		cmocka_unit_test(text_top),
		cmocka_unit_test(text_lost_data_never_hidden),
		cmocka_unit_test(lost_data_k_of_n),
		cmocka_unit_test(natural_order),
		cmocka_unit_test(why_lists_every_reason_lost_first),
		cmocka_unit_test(why_degraded_and_at_risk),
		cmocka_unit_test(csv_quoting),
		cmocka_unit_test(csv_controls_escaped),
		cmocka_unit_test(why_arithmetic),
		cmocka_unit_test(why_groups_down_lost),
		cmocka_unit_test(why_abbreviates_long_groups),
		cmocka_unit_test(why_hostile_one_line_per_step),
		cmocka_unit_test(errors),
		cmocka_unit_test(same_input_same_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
