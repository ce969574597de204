#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "helpers/fixture.h"
#include "graphs/fo_error.h"

static void quickstart(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	assert_int_equal(fx_graph(&g,
		"N gz region\nN gz3 site\nN cool cooling\nN hall room\nN rack rack\n"
		"gz3 @ gz\ncool @ gz3\nhall @ gz3\nhall > cool\nrack @ hall\n"
		"cvm @ rack\npay-gz > cvm\nN pay-sh\nN cdn cdn\nN wp app tenant=t tier=1\n"
		"wp > 1: pay-gz pay-sh\nwp ~> cdn\nN photos dataset\nphotos copy cvm pay-sh\n", NULL), 0);
	assert_int_equal(fo_engine_new(&e, g), 0);
	assert_int_equal(fx_run(e, "fail:cool"), 0);
	assert_true(fx_flags(e, "pay-gz") & FO_F_DOWN);
	assert_true(fx_flags(e, "wp") & FO_F_AT_RISK);
	assert_false(fx_flags(e, "wp") & FO_F_DEGRADED);
	assert_true(fx_flags(e, "photos") & FO_F_AT_RISK);
	assert_int_equal(fx_run(e, "destroy:gz3"), 0);
	assert_false(fx_flags(e, "photos") & FO_F_LOST);
	assert_true(fx_flags(e, "cvm") & FO_F_DESTROYED);
	fo_engine_free(e);
	fo_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(quickstart) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
