/* rfix.c — graphs for the report and diagram tests (rfix.h). Test code:
 * aborts when the builder refuses a call that should succeed. */
#include "rfix.h"

#include <stdio.h>
#include <stdlib.h>

#include "graphs/fo_diag.h"
#include "graphs/fo_error.h"

static void ok(int err, const char *what)
{
	if (err < 0) {
		fprintf(stderr, "rfix: %s failed: %d\n", what, err);
		abort();
	}
}

static uint32_t node(fo_builder *b, const char *id, const char *kind, const char *name,
		     const char *tenant, unsigned tier)
{
	static unsigned long line = 1;
	uint32_t n;
	ok(fo_builder_add_node(b, id, kind, name, tenant, tier, (fo_pos){ line++, 1 }, &n), id);
	return n;
}

static void group(fo_builder *b, uint32_t owner, fo_group_type t, unsigned long k,
		  const char *const *members)
{
	ok(fo_builder_group_begin(b, owner, t, k, (fo_pos){ 1, 1 }), "group_begin");
	for (; *members; members++)
		ok(fo_builder_group_add(b, *members, (fo_pos){ 1, 1 }), *members);
	ok(fo_builder_group_end(b), "group_end");
}

static int finish(fo_builder *b, fo_diag *d, fo_graph **out)
{
	int err = fo_builder_finish(b, out);
	if (err < 0)
		fo_diag_print(d, stderr);
	fo_builder_free(b);
	fo_diag_free(d);
	return err;
}

int rfix_quickstart(fo_graph **out)
{
	fo_diag *d = NULL;
	fo_builder *b = NULL;
	ok(fo_diag_new(&d, 0), "diag");
	ok(fo_builder_new(&b, d, "quickstart.xml"), "builder");
	ok(fo_builder_set_name(b, "quickstart"), "name");

	uint32_t gz = node(b, "gz", "region", "Guangzhou", NULL, 0);
	uint32_t zone = node(b, "gz-3", "zone", NULL, NULL, 0);
	ok(fo_builder_set_parent(b, zone, gz), "parent");
	uint32_t dc = node(b, "gz3-dc", "site", "GZ3 data center", NULL, 0);
	ok(fo_builder_set_parent(b, dc, zone), "parent");
	uint32_t cool = node(b, "gz3-cooling", "cooling", NULL, NULL, 0);
	ok(fo_builder_set_parent(b, cool, dc), "parent");
	uint32_t hall = node(b, "gz3-hall-a", "room", NULL, NULL, 0);
	ok(fo_builder_set_parent(b, hall, dc), "parent");
	group(b, hall, FO_GROUP_REQUIRES, 1, (const char *const[]){ "gz3-cooling", NULL });
	uint32_t rack = node(b, "gz3-rack-01", "rack", NULL, NULL, 0);
	ok(fo_builder_set_parent(b, rack, hall), "parent");
	uint32_t cvm = node(b, "cvm-gz3", "cvm", NULL, NULL, 0);
	ok(fo_builder_set_container(b, cvm, "gz3-rack-01", (fo_pos){ 1, 1 }), "in");
	uint32_t paygz = node(b, "pay-gz", "service", NULL, NULL, 0);
	group(b, paygz, FO_GROUP_REQUIRES, 1, (const char *const[]){ "cvm-gz3", NULL });
	node(b, "pay-sh", "service", NULL, NULL, 0);
	node(b, "cdn-gz", "cdn", NULL, NULL, 0);
	uint32_t wp = node(b, "wechat-pay", "app", "WeChat Pay", "tencent", 1);
	ok(fo_builder_add_prop(b, wp, "owner", "pay-team"), "prop");
	ok(fo_builder_add_prop(b, wp, "sla", "99.99%"), "prop");
	group(b, wp, FO_GROUP_REQUIRES, 1, (const char *const[]){ "pay-gz", "pay-sh", NULL });
	group(b, wp, FO_GROUP_DEGRADES, 1, (const char *const[]){ "cdn-gz", NULL });
	uint32_t photos = node(b, "photos", "dataset", NULL, "tencent", 0);
	ok(fo_builder_add_copy(b, photos, "cvm-gz3", (fo_pos){ 1, 1 }), "copy");
	ok(fo_builder_add_copy(b, photos, "pay-sh", (fo_pos){ 1, 1 }), "copy");
	uint32_t mail = node(b, "qq-mail", "app", NULL, "tencent", 2);
	group(b, mail, FO_GROUP_REQUIRES, 1, (const char *const[]){ "cvm-gz3", NULL });
	uint32_t blog = node(b, "blog", "app", NULL, NULL, 0);
	group(b, blog, FO_GROUP_DEGRADES, 1, (const char *const[]){ "pay-gz", NULL });
	uint32_t bank = node(b, "bank", "app", NULL, "abc", 1);
	group(b, bank, FO_GROUP_REQUIRES, 2,
	      (const char *const[]){ "pay-gz", "pay-sh", "cdn-gz", NULL });
	uint32_t stats = node(b, "stats", "app", NULL, "abc", 0);
	group(b, stats, FO_GROUP_REQUIRES, 1, (const char *const[]){ "blog", NULL });
	(void)cool;
	return finish(b, d, out);
}

const char *const rfix_hostile_ids[] = {
	"q\"uote",
	"back\\slash",
	"trail\\",
	"\\N\\G\\E\\T\\H\\L\\n\\l\\r",
	"<script>alert(1)</script>",
	"a&b",
	"&lt;&amp;&#1;&#0;&foo;",
	"new\nline",
	"\xe4\xb8\xad\xe6\x96\x87\xe5\x90\x8d",
	"ctl\x01\x1f",
	"tab\there",
	"cr\rlf",
	"]]> --> <!-- <![CDATA[",
	"x' onload='alert(1)",
	"\"];\nn1 -> n2 [label=\"pwn",
	"del\x7f",
	"bad\xff\xfeutf8",
	"=1+1",
	"-x,y",
	"@sum",
	"comma,quote\"",
	"\t=cmd",
	"\xe2\x80\xa8sep",
};
const size_t rfix_hostile_count = sizeof rfix_hostile_ids / sizeof *rfix_hostile_ids;

int rfix_hostile(fo_graph **out)
{
	fo_diag *d = NULL;
	fo_builder *b = NULL;
	ok(fo_diag_new(&d, 0), "diag");
	ok(fo_builder_new(&b, d, "hostile.xml"), "builder");
	ok(fo_builder_set_name(b, "inv \"</title><script>\\n"), "name");
	uint32_t box = node(b, "box", "room", "the \"box\"\nroom <b>", NULL, 0);
	for (size_t i = 0; i < rfix_hostile_count; i++) {
		uint32_t n = node(b, rfix_hostile_ids[i], "service", NULL, NULL, 0);
		if (i < 3)
			ok(fo_builder_set_parent(b, n, box), "parent");
	}
	uint32_t app = node(b, "app", "app", "App <\"&\\\n\xe5\xbe\xae\xe4\xbf\xa1>",
			    "ten\"ant\n<x>", 1);
	ok(fo_builder_add_prop(b, app, "k\"ey\n", "v\\al\x01ue"), "prop");
	for (size_t i = 0; i < rfix_hostile_count; i++)
		group(b, app, FO_GROUP_REQUIRES, 1, (const char *const[]){ rfix_hostile_ids[i], NULL });
	return finish(b, d, out);
}
