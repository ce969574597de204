/*
 * test_serve.c — the API of `fallout serve` (server/fo_api.h) without a
 * socket: query decoding, every endpoint's JSON (golden files
 * tests/golden/serve-*.json on samples/quickstart.xml and the hostile
 * inventory tests/cli/inputs/hostile-names.xml), every error code, paging,
 * the id limit, repeated parameters, hostile ids round-tripping through
 * URL encoding, JSON and the scenario file, and requests from several
 * threads at once over a pool of two engines. Also the scenario file
 * writer (reports/fo_scenfile.h).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "graphs/fo_error.h"
#include "importers/fo_inventory.h"
#include "importers/fo_scenarios.h"
#include "reports/fo_scenfile.h"
#include "reports/fo_spofreport.h"
#include "analyzer/fo_spof.h"
#include "server/fo_api.h"
#include "server/fo_serve.h"
#include "helpers/fixture.h"
#include "helpers/golden.h"

#define QUICKSTART "samples/quickstart.xml"
#define HOSTILE "tests/cli/inputs/hostile-names.xml"

static fo_graph *load(const char *path)
{
	fo_diag *d = NULL;
	fo_graph *g = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	int err = fo_inventory_load(&g, path, NULL, d);
	if (err)
		fo_diag_print(d, stderr);
	assert_int_equal(err, FO_OK);
	fo_diag_free(d);
	return g;
}

typedef struct fx {
	fo_graph *g;
	fo_api *api;
} fx;

static fx open_fx(const char *path, unsigned engines)
{
	fx f;
	f.g = load(path);
	fo_api_opts o = { path, engines };
	assert_int_equal(fo_api_new(&f.api, f.g, &o), FO_OK);
	return f;
}

static void close_fx(fx *f)
{
	fo_api_free(f->api);
	fo_graph_free(f->g);
}

/* GET target; the status is checked, the response returned (dispose). */
static fo_api_response get(fx *f, const char *target, int status)
{
	fo_api_response r = { 0 };
	assert_int_equal(fo_api_handle(f->api, "GET", target, &r), FO_OK);
	if (r.status != status)
		fprintf(stderr, "GET %s: %d %.*s\n", target, r.status, (int)r.len, r.body);
	assert_int_equal(r.status, status);
	assert_non_null(r.body);
	assert_int_equal(strlen(r.body), r.len);
	return r;
}

/* Parses the body as JSON (the test fails when it is not). */
static json_t *parse(const fo_api_response *r)
{
	json_error_t je;
	json_t *j = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		fprintf(stderr, "not JSON (%s): %.*s\n", je.text, (int)r->len, r->body);
	assert_non_null(j);
	return j;
}

/* The error of an error answer: checks status, code and returns the JSON. */
static json_t *error_of(fx *f, const char *target, int status, const char *code)
{
	fo_api_response r = get(f, target, status);
	assert_string_equal(r.content_type, "application/json; charset=utf-8");
	json_t *j = parse(&r);
	json_t *e = json_object_get(j, "error");
	assert_non_null(e);
	assert_int_equal(json_integer_value(json_object_get(e, "status")), status);
	assert_string_equal(json_string_value(json_object_get(e, "code")), code);
	assert_non_null(json_string_value(json_object_get(e, "message")));
	fo_api_response_dispose(&r);
	return j;
}

static void golden(fx *f, const char *target, const char *name)
{
	fo_api_response r = get(f, target, 200);
	json_decref(parse(&r));
	/* elapsed_us is information only: its digits are zeroed */
	char *el = strstr(r.body, "\"elapsed_us\":");
	if (el) {
		char *d = el + 13, *e = d;
		while (*e >= '0' && *e <= '9')
			e++;
		*d = '0';
		memmove(d + 1, e, strlen(e) + 1);
		r.len = strlen(r.body);
	}
	assert_int_equal(gold_check(name, r.body, r.len), 0);
	fo_api_response_dispose(&r);
}

/* Percent-encodes every byte but unreserved ones. malloc'd. */
static char *urlenc(const char *s)
{
	char *o = malloc(3 * strlen(s) + 1), *p = o;
	assert_non_null(o);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~')
			*p++ = (char)c;
		else
			p += sprintf(p, "%%%02X", c);
	}
	*p = '\0';
	return o;
}

/* ------------------------------------------------------------ query strings */

static void test_query_parse(void **state)
{
	(void)state;
	fo_api_query q;
	const char *why;
	const char *s = "fail=a&&fail=b%2Cc&q=x+y%20z&flag&destroy=&fail=%E5%BE%AE";
	assert_int_equal(fo_api_query_parse(&q, s, strlen(s), &why), FO_OK);
	assert_int_equal(q.n, 6);
	assert_string_equal(q.v[0].key, "fail");
	assert_string_equal(q.v[0].value, "a");
	assert_string_equal(q.v[1].value, "b,c"); /* one id with a comma */
	assert_string_equal(q.v[2].key, "q");
	assert_string_equal(q.v[2].value, "x y z");
	assert_string_equal(q.v[3].key, "flag");
	assert_string_equal(q.v[3].value, "");
	assert_string_equal(q.v[4].key, "destroy");
	assert_string_equal(q.v[4].value, "");
	assert_string_equal(q.v[5].value, "微");
	fo_api_query_dispose(&q);

	assert_int_equal(fo_api_query_parse(&q, "", 0, &why), FO_OK);
	assert_int_equal(q.n, 0);
	fo_api_query_dispose(&q);

	static const char *const bad[] = { "q=%zz", "q=%4", "q=%", "a%=b", "q=%00", "q=a%00b", "q=%ff",
					   "q=%C0%AF", "q=%ED%A0%80", "q=%E5%BE", "%ff=x" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why = NULL;
		assert_int_equal(fo_api_query_parse(&q, bad[i], strlen(bad[i]), &why), FO_EINPUT);
		assert_non_null(why);
		assert_null(q.v);
	}
}

/* ------------------------------------------------------------ endpoints */

static void test_golden_quickstart(void **state)
{
	(void)state;
	fx f = open_fx(QUICKSTART, 1);
	golden(&f, "/api/info", "serve-info.json");
	golden(&f, "/api/search?q=GZ", "serve-search.json");
	golden(&f, "/api/whatif?fail=gz3-cooling", "serve-whatif.json");
	golden(&f, "/api/whatif?destroy=gz&list=nodes&offset=2&limit=3", "serve-whatif-nodes.json");
	golden(&f, "/api/why?node=wechat-pay&fail=gz3-cooling", "serve-why.json");
	golden(&f, "/api/node?id=gz3-hall-a&fail=gz3-cooling", "serve-node.json");
	fo_api_response r = get(&f, "/api/scenario?fail=gz3-cooling&destroy=gz-3", 200);
	assert_string_equal(r.content_type, "application/xml");
	assert_string_equal(r.disposition, "attachment; filename=\"scenario.xml\"");
	assert_int_equal(gold_check("serve-scenario.xml", r.body, r.len), 0);
	fo_api_response_dispose(&r);
	close_fx(&f);
}

static void test_golden_hostile(void **state)
{
	(void)state;
	fx f = open_fx(HOSTILE, 1);
	char *site = urlenc("site \"q\" \\ <b> & ]]>");
	char *app = urlenc("app \" onload=\"x");
	char t[512];
	snprintf(t, sizeof t, "/api/whatif?destroy=%s&list=nodes", site);
	golden(&f, t, "serve-hostile-whatif.json");
	golden(&f, "/api/search?q=%3C", "serve-hostile-search.json");
	snprintf(t, sizeof t, "/api/node?id=%s&destroy=%s", app, site);
	golden(&f, t, "serve-hostile-node.json");
	snprintf(t, sizeof t, "/api/why?node=%s&destroy=%s", app, site);
	golden(&f, t, "serve-hostile-why.json");
	golden(&f, "/api/info", "serve-hostile-info.json");
	free(site);
	free(app);
	close_fx(&f);
}

/* Every id of the hostile inventory goes out URL-encoded and comes back the
 * same in the JSON and in the scenario file. */
static void test_hostile_round_trip(void **state)
{
	(void)state;
	fx f = open_fx(HOSTILE, 1);
	uint32_t n = fo_graph_node_count(f.g);
	for (uint32_t v = 0; v < n; v++) {
		const char *id = fo_graph_node_id(f.g, v);
		char *enc = urlenc(id), t[1024];
		snprintf(t, sizeof t, "/api/whatif?fail=%s", enc);
		fo_api_response r = get(&f, t, 200);
		json_t *j = parse(&r);
		json_t *fail = json_object_get(json_object_get(j, "scenario"), "fail");
		assert_int_equal(json_array_size(fail), 1);
		assert_string_equal(json_string_value(json_array_get(fail, 0)), id);
		json_decref(j);
		fo_api_response_dispose(&r);

		snprintf(t, sizeof t, "/api/node?id=%s", enc);
		r = get(&f, t, 200);
		j = parse(&r);
		assert_string_equal(json_string_value(json_object_get(j, "id")), id);
		json_decref(j);
		fo_api_response_dispose(&r);

		/* The scenario file reads back to the same node. */
		snprintf(t, sizeof t, "/api/scenario?destroy=%s", enc);
		r = get(&f, t, 200);
		char path[] = "/tmp/fo-test-serve-XXXXXX";
		int fd = mkstemp(path);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, r.body, r.len), (ssize_t)r.len);
		close(fd);
		fo_diag *d = NULL;
		fo_scenarios *s = NULL;
		assert_int_equal(fo_diag_new(&d, 0), FO_OK);
		int err = fo_scenarios_load(&s, path, f.g, d);
		if (err)
			fo_diag_print(d, stderr);
		assert_int_equal(err, FO_OK);
		const uint32_t *dv;
		assert_int_equal(fo_scenarios_count(s), 1);
		assert_string_equal(fo_scenarios_scenario_name(s, 0), id);
		assert_int_equal(fo_scenarios_destroy(s, 0, &dv), 1);
		assert_int_equal(dv[0], v);
		fo_scenarios_free(s);
		fo_diag_free(d);
		unlink(path);
		fo_api_response_dispose(&r);
		free(enc);
	}
	close_fx(&f);
}

/* /api/spof gives the objects of `fallout spof --app ID --format json`:
 * the same app entry, the same ranking rows (all of them), and the
 * shared-fate groups of that document that lie on the app's dependencies. */
static void test_spof(void **state)
{
	(void)state;
	fx f = open_fx("samples/tencent-gz-2023.xml", 1);
	golden(&f, "/api/spof?app=wechat-chat", "serve-spof.json");
	fo_spof *s = NULL;
	assert_int_equal(fo_spof_compute(&s, f.g), FO_OK);
	static const char *const apps[] = { "wechat-chat", "qq-msg", "qq-file-transfer", "qzone" };
	for (size_t i = 0; i < 4; i++) {
		fo_spofreport w = { 0 };
		gold_capture c;
		assert_int_equal(fo_spofreport_select(&w, f.g, s, fx_id(f.g, apps[i]), NULL, 0), FO_OK);
		FILE *fp = gold_open(&c);
		assert_int_equal(fo_spofreport_write(fp, &w, FO_SPOFREPORT_JSON), FO_OK);
		gold_close(&c);
		fo_spofreport_dispose(&w);
		json_error_t je;
		json_t *lib = json_loads(c.buf, 0, &je);
		assert_non_null(lib);
		gold_free(&c);
		char t[128];
		snprintf(t, sizeof t, "/api/spof?app=%s", apps[i]);
		fo_api_response r = get(&f, t, 200);
		json_t *j = parse(&r);
		fo_api_response_dispose(&r);
		json_t *sp = json_object_get(j, "spofs");
		assert_string_equal(json_string_value(json_object_get(j, "app")), apps[i]);
		assert_true(json_equal(json_object_get(sp, "apps"), json_object_get(lib, "apps")));
		assert_true(json_equal(json_object_get(sp, "ranking"), json_object_get(lib, "ranking")));
		assert_true(json_equal(json_object_get(sp, "weights"), json_object_get(lib, "weights")));
		assert_true(json_equal(json_object_get(sp, "inventory"), json_object_get(lib, "inventory")));
		json_t *mine = json_object_get(sp, "shared_fate"), *all = json_object_get(lib, "shared_fate");
		for (size_t k = 0; k < json_array_size(mine); k++) {
			int found = 0;
			for (size_t m = 0; m < json_array_size(all); m++)
				found |= json_equal(json_array_get(mine, k), json_array_get(all, m));
			assert_true(found);
		}
		/* wechat-chat's own group is its; qq-msg's likewise; not the other's */
		if (i < 2) {
			assert_int_equal(json_array_size(mine), 1);
			assert_string_equal(json_string_value(json_object_get(json_array_get(mine, 0), "owner")),
					    apps[i]);
		}
		assert_true(json_array_size(json_object_get(json_array_get(json_object_get(sp, "apps"), 0),
							    "spof")) > 0);
		json_decref(j);
		json_decref(lib);
	}
	fo_spof_free(s);
	close_fx(&f);
}

static void test_errors(void **state)
{
	(void)state;
	fx f = open_fx(QUICKSTART, 1);
	fo_api_response r = { 0 };
	json_t *j;

	/* 405 with Allow */
	assert_int_equal(fo_api_handle(f.api, "POST", "/api/info", &r), FO_OK);
	assert_int_equal(r.status, 405);
	assert_string_equal(r.allow, "GET, HEAD");
	assert_non_null(strstr(r.body, "\"method-not-allowed\""));
	fo_api_response_dispose(&r);
	/* HEAD: the GET's answer */
	assert_int_equal(fo_api_handle(f.api, "HEAD", "/api/info", &r), FO_OK);
	assert_int_equal(r.status, 200);
	fo_api_response_dispose(&r);

	/* no path is a file */
	static const char *const nf[] = { "/../etc/passwd", "/%2e%2e/etc/passwd", "/api", "/api/",
					  "/api/info/", "/explorer.html", "/index.html", "/api/INFO",
					  "//api/info", "/%61pi/info" };
	for (size_t i = 0; i < sizeof nf / sizeof nf[0]; i++)
		json_decref(error_of(&f, nf[i], 404, "not-found"));

	/* unknown ids: every one listed, in order, with a suggestion */
	j = error_of(&f, "/api/whatif?fail=gz3-coolng&fail=gz&destroy=nope&fail=%E5%BE%AE", 400,
		     "unknown-id");
	json_t *e = json_object_get(j, "error");
	json_t *ids = json_object_get(e, "ids");
	assert_int_equal(json_array_size(ids), 3);
	assert_string_equal(json_string_value(json_array_get(ids, 0)), "gz3-coolng");
	assert_string_equal(json_string_value(json_array_get(ids, 1)), "nope");
	assert_string_equal(json_string_value(json_array_get(ids, 2)), "微");
	assert_string_equal(json_string_value(json_object_get(e, "message")),
			    "unknown node 'gz3-coolng' (did you mean 'gz3-cooling'?) and 2 more unknown ids");
	json_decref(j);
	j = error_of(&f, "/api/why?node=wechat-paz", 400, "unknown-id");
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(j, "error"), "ids"), 0)),
			    "wechat-paz");
	json_decref(j);
	json_decref(error_of(&f, "/api/node?id=", 400, "unknown-id"));

	/* missing and bad parameters */
	json_decref(error_of(&f, "/api/why", 400, "missing-parameter"));
	json_decref(error_of(&f, "/api/node", 400, "missing-parameter"));
	json_decref(error_of(&f, "/api/spof", 400, "missing-parameter"));
	json_decref(error_of(&f, "/api/scenario", 400, "missing-parameter"));
	json_decref(error_of(&f, "/api/spof?app=gz", 400, "bad-parameter")); /* not an app */
	json_decref(error_of(&f, "/api/whatif?fail=gz&limit=abc", 400, "bad-parameter"));
	json_decref(error_of(&f, "/api/whatif?fail=gz&limit=-1", 400, "bad-parameter"));
	json_decref(error_of(&f, "/api/whatif?fail=gz&limit=1001", 400, "bad-parameter"));
	json_decref(error_of(&f, "/api/whatif?fail=gz&offset=99999999999999999999999", 400, "bad-parameter"));
	json_decref(error_of(&f, "/api/whatif?fail=gz&limit=", 400, "bad-parameter"));
	json_decref(error_of(&f, "/api/whatif?fail=gz&list=tenants", 400, "bad-parameter"));
	json_decref(error_of(&f, "/api/search?q=a&limit=101", 400, "bad-parameter"));
	json_decref(error_of(&f, "/api/node?id=gz&limit=1001", 400, "bad-parameter"));
	json_decref(error_of(&f, "/api/diagram?detail=all", 400, "bad-parameter"));
	json_decref(error_of(&f, "/api/scenario?fail=gz&name=", 400, "bad-parameter"));
	json_decref(error_of(&f, "/api/search?q=%ff", 400, "bad-parameter"));
	json_decref(error_of(&f, "/api/search?q=%zz", 400, "bad-parameter"));
	json_decref(error_of(&f, "/api/whatif?fail=a%00b", 400, "bad-parameter"));
	char big[400];
	memset(big, 'a', sizeof big);
	memcpy(big, "/api/search?q=", 14);
	big[14 + 201] = '\0';
	json_decref(error_of(&f, big, 400, "bad-parameter"));
	big[14 + 200] = '\0';
	fo_api_response_dispose(&r);
	r = get(&f, big, 200);
	fo_api_response_dispose(&r);

	/* the query string limit */
	char *huge = malloc(FO_API_MAX_QUERY + 64);
	assert_non_null(huge);
	strcpy(huge, "/api/search?q=");
	size_t at = strlen(huge);
	memset(huge + at, 'x', FO_API_MAX_QUERY - 1);
	huge[at + FO_API_MAX_QUERY - 1] = '\0';
	json_decref(error_of(&f, huge, 414, "too-large"));
	free(huge);

	/* unknown parameters are ignored */
	r = get(&f, "/api/info?utm_source=x&_=1", 200);
	fo_api_response_dispose(&r);
	close_fx(&f);
}

static void test_id_limit(void **state)
{
	(void)state;
	fx f = open_fx(QUICKSTART, 1);
	/* 1000 ids are fine (repeats of the same one), 1001 are not. */
	char *t = malloc(16 + 12 * 1001 + 1);
	assert_non_null(t);
	strcpy(t, "/api/whatif?");
	for (int i = 0; i < 999; i++)
		strcat(t, "&fail=gz");
	strcat(t, "&destroy=gz");
	fo_api_response r = get(&f, t, 200);
	json_t *j = parse(&r);
	/* duplicates listed once */
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "scenario"), "fail")), 1);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "scenario"), "destroy")), 1);
	json_decref(j);
	fo_api_response_dispose(&r);
	strcat(t, "&fail=gz");
	json_decref(error_of(&f, t, 400, "too-many-ids"));
	free(t);
	close_fx(&f);
}

static void test_paging(void **state)
{
	(void)state;
	fx f = open_fx(QUICKSTART, 1);
	fo_api_response r = get(&f, "/api/whatif?destroy=gz&list=nodes&limit=1000", 200);
	json_t *all = parse(&r);
	fo_api_response_dispose(&r);
	size_t total = (size_t)json_integer_value(json_object_get(all, "total"));
	json_t *items = json_object_get(all, "items");
	assert_true(total > 4);
	assert_int_equal(json_array_size(items), total);
	/* pages of 3 give the same items in the same order */
	size_t seen = 0;
	for (size_t off = 0; off < total + 3; off += 3) {
		char t[128];
		snprintf(t, sizeof t, "/api/whatif?destroy=gz&list=nodes&offset=%zu&limit=3", off);
		r = get(&f, t, 200);
		json_t *p = parse(&r);
		fo_api_response_dispose(&r);
		assert_int_equal(json_integer_value(json_object_get(p, "total")), total);
		assert_int_equal(json_integer_value(json_object_get(p, "offset")), off);
		json_t *pi = json_object_get(p, "items");
		for (size_t i = 0; i < json_array_size(pi); i++, seen++)
			assert_true(json_equal(json_array_get(pi, i), json_array_get(items, seen)));
		assert_int_equal(json_array_size(pi), off >= total ? 0 : total - off < 3 ? total - off : 3);
		json_decref(p);
	}
	assert_int_equal(seen, total);
	/* the default list: apps */
	r = get(&f, "/api/whatif?destroy=gz", 200);
	json_t *apps = parse(&r);
	fo_api_response_dispose(&r);
	assert_string_equal(json_string_value(json_object_get(apps, "list")), "apps");
	assert_int_equal(json_integer_value(json_object_get(apps, "limit")), 100);
	json_t *ai = json_object_get(apps, "items");
	for (size_t i = 0; i < json_array_size(ai); i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(ai, i), "kind")), "app");
	json_decref(apps);
	json_decref(all);
	/* no scenario: nothing impacted */
	r = get(&f, "/api/whatif", 200);
	json_t *none = parse(&r);
	assert_int_equal(json_integer_value(json_object_get(none, "total")), 0);
	assert_int_equal(json_array_size(json_object_get(none, "by_tenant")), 0);
	json_decref(none);
	fo_api_response_dispose(&r);
	close_fx(&f);
}

static void test_search(void **state)
{
	(void)state;
	fx f = open_fx(QUICKSTART, 1);
	fo_api_response r = get(&f, "/api/search?q=PAY&limit=2", 200);
	json_t *j = parse(&r);
	fo_api_response_dispose(&r);
	/* pay-gz, pay-sh (id prefixes) before wechat-pay (substring): total counts all */
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 3);
	json_t *res = json_object_get(j, "results");
	assert_int_equal(json_array_size(res), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "id")), "pay-gz");
	assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "match")), "id-prefix");
	json_decref(j);
	/* an exact id first; a name prefix before an id substring; apps first in a rank */
	r = get(&f, "/api/search?q=gz", 200);
	j = parse(&r);
	fo_api_response_dispose(&r);
	res = json_object_get(j, "results");
	assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "id")), "gz");
	assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "match")), "id-exact");
	json_decref(j);
	r = get(&f, "/api/search?q=guangzhou", 200);
	j = parse(&r);
	fo_api_response_dispose(&r);
	res = json_object_get(j, "results");
	assert_int_equal(json_array_size(res), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "match")), "name-prefix");
	json_decref(j);
	r = get(&f, "/api/search?q=data+center", 200);
	j = parse(&r);
	fo_api_response_dispose(&r);
	res = json_object_get(j, "results");
	assert_int_equal(json_array_size(res), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "id")), "gz3-dc");
	assert_string_equal(json_string_value(json_object_get(json_array_get(res, 0), "match")), "name-substring");
	json_decref(j);
	r = get(&f, "/api/search?q=", 200);
	assert_string_equal(r.body, "{\"query\":\"\",\"total\":0,\"results\":[]}\n");
	fo_api_response_dispose(&r);
	r = get(&f, "/api/search?q=zzz", 200);
	assert_string_equal(r.body, "{\"query\":\"zzz\",\"total\":0,\"results\":[]}\n");
	fo_api_response_dispose(&r);
	close_fx(&f);
}

static void test_page_and_diagram(void **state)
{
	(void)state;
	fx f = open_fx(QUICKSTART, 1);
	fo_api_response r = get(&f, "/", 200);
	assert_string_equal(r.content_type, "text/html; charset=utf-8");
	assert_non_null(strstr(r.body, "<html"));
	fo_api_response_dispose(&r);
	r = get(&f, "/explorer.js", 200);
	assert_string_equal(r.content_type, "text/javascript; charset=utf-8");
	fo_api_response_dispose(&r);
	r = get(&f, "/explorer.css", 200);
	assert_string_equal(r.content_type, "text/css; charset=utf-8");
	fo_api_response_dispose(&r);
	r = get(&f, "/api/diagram?fail=gz3-cooling", 200);
	assert_string_equal(r.content_type, "image/svg+xml");
	assert_non_null(strstr(r.body, "<svg"));
	assert_non_null(strstr(r.body, "gz3&#45;cooling")); /* Graphviz's escape of '-' */
	fo_api_response_dispose(&r);
	r = get(&f, "/api/diagram?detail=map", 200);
	assert_non_null(strstr(r.body, "<svg"));
	fo_api_response_dispose(&r);
	close_fx(&f);
}

/* ------------------------------------------------------------ threads */

static void *worker(void *arg)
{
	fx *f = arg;
	static const char *const t[] = { "/api/whatif?fail=gz3-cooling", "/api/why?node=photos&destroy=gz",
					 "/api/node?id=pay-gz&fail=cvm-gz3", "/api/search?q=gz",
					 "/api/whatif?destroy=gz&list=nodes", "/api/spof?app=wechat-pay" };
	for (int i = 0; i < 200; i++) {
		fo_api_response r = { 0 };
		if (fo_api_handle(f->api, "GET", t[i % 6], &r) != FO_OK || r.status != 200)
			return (void *)1;
		fo_api_response_dispose(&r);
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	fx f = open_fx(QUICKSTART, 2);
	/* The answers of one thread, to compare with the answers under load. */
	fo_api_response ref = get(&f, "/api/whatif?fail=gz3-cooling", 200);
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker, &f), 0);
	for (int i = 0; i < 4; i++) {
		void *ret;
		pthread_join(th[i], &ret);
		assert_null(ret);
	}
	fo_api_response r = get(&f, "/api/whatif?fail=gz3-cooling", 200);
	/* elapsed_us differs; everything before it is the same */
	char *a = strstr(ref.body, "\"elapsed_us\""), *b = strstr(r.body, "\"elapsed_us\"");
	assert_int_equal(a - ref.body, b - r.body);
	assert_memory_equal(ref.body, r.body, (size_t)(a - ref.body));
	fo_api_response_dispose(&r);
	fo_api_response_dispose(&ref);
	close_fx(&f);
}

/* ------------------------------------------------------------ scenario files */

static void test_scenfile(void **state)
{
	(void)state;
	fo_graph *g = load(HOSTILE);
	char *buf = NULL;
	size_t len = 0;
	uint32_t v[2] = { 0, 1 };
	fo_scenario sc = { v, 1, v + 1, 1 };
	FILE *fp = open_memstream(&buf, &len);
	assert_int_equal(fo_scenfile_write(fp, g, "a \"b\" <c> & d\ne\tf", &sc), FO_OK);
	fclose(fp);
	assert_non_null(strstr(buf, "name=\"a &quot;b&quot; &lt;c&gt; &amp; d&#10;e&#9;f\""));
	free(buf);
	fp = open_memstream(&buf, &len);
	assert_int_equal(fo_scenfile_write(fp, g, "x\001y", &sc), FO_EINPUT);
	assert_int_equal(fo_scenfile_write(fp, g, "x\xff", &sc), FO_EINPUT);
	assert_int_equal(fo_scenfile_write(fp, g, "", &sc), FO_EINVAL);
	fo_scenario empty = { NULL, 0, NULL, 0 };
	assert_int_equal(fo_scenfile_write(fp, g, "x", &empty), FO_EINVAL);
	uint32_t out[1] = { 999 };
	fo_scenario oob = { out, 1, NULL, 0 };
	assert_int_equal(fo_scenfile_write(fp, g, "x", &oob), FO_EINVAL);
	fclose(fp);
	assert_int_equal(len, 0); /* nothing written by a refusal */
	free(buf);
	assert_true(fo_scenfile_text_ok("微信 \"<&>\"\t\n\r"));
	assert_false(fo_scenfile_text_ok("\x7f\x80"));
	assert_false(fo_scenfile_text_ok("\xef\xbf\xbf")); /* U+FFFF */
	assert_false(fo_scenfile_text_ok("\xed\xa0\x80")); /* a surrogate */
	fo_graph_free(g);
}

static void test_loopback(void **state)
{
	(void)state;
	assert_int_equal(fo_serve_is_loopback(NULL), 1);
	assert_int_equal(fo_serve_is_loopback("127.0.0.1"), 1);
	assert_int_equal(fo_serve_is_loopback("127.3.2.1"), 1);
	assert_int_equal(fo_serve_is_loopback("::1"), 1);
	assert_int_equal(fo_serve_is_loopback("::ffff:127.0.0.1"), 1);
	assert_int_equal(fo_serve_is_loopback("0.0.0.0"), 0);
	assert_int_equal(fo_serve_is_loopback("::"), 0);
	assert_int_equal(fo_serve_is_loopback("10.1.2.3"), 0);
	assert_int_equal(fo_serve_is_loopback("128.0.0.1"), 0);
	assert_int_equal(fo_serve_is_loopback("::ffff:10.0.0.1"), 0);
	assert_int_equal(fo_serve_is_loopback("localhost"), -1);
	assert_int_equal(fo_serve_is_loopback("127.0.0.1:80"), -1);
	assert_int_equal(fo_serve_is_loopback(""), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_parse),
		cmocka_unit_test(test_golden_quickstart),
		cmocka_unit_test(test_golden_hostile),
		cmocka_unit_test(test_hostile_round_trip),
		cmocka_unit_test(test_spof),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_id_limit),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_page_and_diagram),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_scenfile),
		cmocka_unit_test(test_loopback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
