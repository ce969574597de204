/* test_diag.c — the diagnostics context: print order, escaping, the cap. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graphs/fo_diag.h"
#include "graphs/fo_error.h"

static char *print(const fo_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(fo_diag_print(d, fp), FO_OK);
	fclose(fp);
	return buf;
}

static void sorted_by_file_then_line_then_col(void **state)
{
	(void)state;
	fo_diag *d = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	fo_diag_add(d, FO_SEV_ERROR, "a.xml", 10, 3, NULL, "late");
	fo_diag_add(d, FO_SEV_WARNING, "a.xml", 4, 0, NULL, "early, no column");
	fo_diag_add(d, FO_SEV_ERROR, "b.xml", 1, 1, NULL, "other file");
	fo_diag_add(d, FO_SEV_ERROR, "a.xml", 4, 0, NULL, "same place, added later");
	fo_diag_add(d, FO_SEV_ERROR, NULL, 0, 0, NULL, "no location");
	char *out = print(d);
	assert_string_equal(out, "a.xml:4: warning: early, no column\n"
				 "a.xml:4: error: same place, added later\n"
				 "a.xml:10:3: error: late\n"
				 "b.xml:1:1: error: other file\n"
				 "error: no location\n");
	assert_int_equal(fo_diag_errors(d), 4);
	assert_int_equal(fo_diag_warnings(d), 1);
	free(out);
	fo_diag_free(d);
}

static void hostile_text_stays_on_one_line(void **state)
{
	(void)state;
	fo_diag *d = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	fo_diag_add(d, FO_SEV_ERROR, "x\ny.xml", 2, 5, NULL, "unknown reference '%s'",
		    "a\nb.xml:1:1: error: forged\\\t\x01\x7f 中文");
	char *out = print(d);
	assert_string_equal(out, "x\\ny.xml:2:5: error: unknown reference "
				 "'a\\nb.xml:1:1: error: forged\\\\\\t\\x01\\x7f 中文'\n");
	free(out);
	fo_diag_free(d);
}

/* C1 controls are escaped as the reports escape them (U+009B is CSI on some
 * terminals); other two-byte characters (é, U+00A0) pass through. */
static void c1_controls_escaped(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	fo_diag_fputs_escaped("a\xc2\x9b" "31m\xc2\x80\xc2\x9f|\xc3\xa9\xc2\xa0\xc2", fp);
	fclose(fp);
	assert_string_equal(buf, "a\\xc2\\x9b" "31m\\xc2\\x80\\xc2\\x9f|\xc3\xa9\xc2\xa0\xc2");
	free(buf);
}

static void cap_counts_what_it_drops(void **state)
{
	(void)state;
	fo_diag *d = NULL;
	assert_int_equal(fo_diag_new(&d, 2), FO_OK);
	for (int i = 0; i < 5; i++)
		fo_diag_add(d, FO_SEV_ERROR, "f", (unsigned long)i + 1, 1, "hint", "e%d", i);
	assert_int_equal(fo_diag_count(d), 2);
	assert_int_equal(fo_diag_errors(d), 5);
	assert_string_equal(fo_diag_get(d, 1)->hint, "hint");
	assert_null(fo_diag_get(d, 2));
	fo_diag_set_col(d, 0, 7);
	assert_int_equal(fo_diag_get(d, 0)->col, 7);
	char *out = print(d);
	assert_string_equal(out, "f:1:7: error: e0\nf:2:1: error: e1\n"
				 "... and 3 more diagnostics not shown\n");
	free(out);
	fo_diag_free(d);
}

static void strerror_is_total(void **state)
{
	(void)state;
	assert_string_equal(fo_strerror(FO_OK), "success");
	assert_string_equal(fo_strerror(FO_EINPUT), "invalid input");
	assert_string_equal(fo_strerror(-999), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sorted_by_file_then_line_then_col),
		cmocka_unit_test(hostile_text_stays_on_one_line),
		cmocka_unit_test(c1_controls_escaped),
		cmocka_unit_test(cap_counts_what_it_drops),
		cmocka_unit_test(strerror_is_total),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
