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
	static const char summary[] = "fail gz3-cooling: 6 of 16 nodes down (0 lost), 2 degraded, "
				      "3 at-risk; apps: 1 down (0 lost), 2 degraded, 2 at-risk\n";
	assert_true(!strncmp(c.buf, summary, strlen(summary)));
	/* tenants bytewise, "(no tenant)" last */
	char *abc = strstr(c.buf, "\nabc: 2 apps\n");
	char *ten = strstr(c.buf, "\ntencent: 2 apps\n");
	char *none = strstr(c.buf, "\n(no tenant): 1 app\n");
	assert_non_null(abc);
	assert_non_null(ten);
	assert_non_null(none);
	assert_true(abc < ten && ten < none);
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
				   "apps: 0 down (0 lost), 0 degraded, 0 at-risk\n\n"
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
	assert_non_null(strstr(c.buf, "ten\"ant\\n<x>: 1 app\n"));
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
					   "\"apps_at_risk\": ", "\"impacts\": [" };
	static const char *const keys[] = { "{\"id\": ", "\"kind\": ", "\"name\": ", "\"tenant\": ",
					    "\"state\": ", "\"failed\": ", "\"destroyed\": ",
					    "\"lost\": ", "\"degraded\": ", "\"at_risk\": ",
					    "\"cause\": ", "\"root\": ", "\"tier\": ",
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
				      "\"root\": null, \"tier\": null, \"properties\": {}}"));
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
				   "\"apps_degraded\": 0, \"apps_at_risk\": 0},\n"
				   " \"impacts\": []}\n");
	gold_free(&c);
	world_free(&w);
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
