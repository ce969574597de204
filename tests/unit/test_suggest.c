/*
 * test_suggest.c — "did you mean" (graphs/fo_suggest.h): the bounded OSA
 * distance against a plain full-table reference on random strings, the
 * threshold, and the searches over words, kinds, ids and builder
 * references.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graphs/fo_error.h"
#include "graphs/fo_suggest.h"
#include "helpers/fixture.h"

static size_t dist(const char *a, const char *b, size_t max)
{
	return fo_suggest_distance(a, strlen(a), b, strlen(b), max);
}

/* Reference: the full OSA table, unbounded. */
static size_t osa(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	size_t d[20][20];
	for (size_t i = 0; i <= na; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= nb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= na; i++)
		for (size_t j = 1; j <= nb; j++) {
			size_t v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[na][nb];
}

static void distance_edits(void **state)
{
	(void)state;
	assert_int_equal(dist("app", "app", 3), 0);
	assert_int_equal(dist("ap", "app", 3), 1);      /* insertion */
	assert_int_equal(dist("vms", "vm", 3), 1);      /* deletion */
	assert_int_equal(dist("Site", "site", 3), 1);   /* substitution */
	assert_int_equal(dist("rakc", "rack", 3), 1);   /* transposition */
	assert_int_equal(dist("ca", "abc", 3), 3);      /* OSA, not full Damerau (2) */
	assert_int_equal(dist("", "abc", 3), 3);
	assert_int_equal(dist("abc", "", 2), 3);        /* beyond max: max + 1 */
	assert_int_equal(dist("kitten", "sitting", 3), 3);
	assert_int_equal(dist("kitten", "sitting", 2), 3);
	assert_int_equal(dist("r1-z1-s1-rack1-h1-vm1", "r1-z1-s1-rack1-h1-vm2", 1), 1);
}

/* The banded, early-stopping distance equals the full table wherever the
 * full table is within the bound, and says max + 1 elsewhere. */
static void distance_matches_reference(void **state)
{
	(void)state;
	uint64_t x = 88172645463325252ull;
	char a[20], b[20];
	for (int round = 0; round < 20000; round++) {
		size_t na, nb;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		na = x % 12;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		nb = x % 12;
		for (size_t i = 0; i < na; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			a[i] = (char)('a' + x % 3); /* 3 letters: many near strings */
		}
		for (size_t i = 0; i < nb; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			b[i] = (char)('a' + x % 3);
		}
		a[na] = b[nb] = '\0';
		size_t want = osa(a, b);
		for (size_t max = 0; max <= 4; max++) {
			size_t got = dist(a, b, max);
			if (want <= max)
				assert_int_equal(got, want);
			else
				assert_int_equal(got, max + 1);
		}
	}
}

static void threshold_relative_to_length(void **state)
{
	(void)state;
	assert_int_equal(fo_suggest_threshold(1), 1);
	assert_int_equal(fo_suggest_threshold(2), 1);
	assert_int_equal(fo_suggest_threshold(7), 2);
	assert_int_equal(fo_suggest_threshold(9), 3);
	assert_int_equal(fo_suggest_threshold(1024), 3);
}

static void words_and_kinds(void **state)
{
	(void)state;
	static const char *const formats[] = { "text", "json", "csv", NULL };
	assert_string_equal(fo_suggest_word("jsn", formats), "json");
	assert_string_equal(fo_suggest_word("cvs", formats), "csv");
	assert_null(fo_suggest_word("xml", formats));
	assert_null(fo_suggest_word("", formats));
	assert_string_equal(fo_suggest_kind("ap"), "app");
	assert_string_equal(fo_suggest_kind("vms"), "vm");
	assert_string_equal(fo_suggest_kind("Site"), "site");
	assert_string_equal(fo_suggest_kind("datset"), "dataset");
	assert_string_equal(fo_suggest_kind("ec3"), "ec2"); /* aliases are documented kinds */
	assert_null(fo_suggest_kind("firewall"));
	/* One letter that shares nothing with a word is not a typo of it. */
	static const char *const ab[] = { "a", NULL };
	assert_null(fo_suggest_word("b", ab));
}

static void ids_of_a_graph(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	assert_int_equal(fx_graph(&g, "N pay-gz\nN pay-sh\nN gz3-cooling\nN a\n", NULL), FO_OK);
	assert_string_equal(fo_suggest_id(g, "pay-gx"), "pay-gz"); /* lowest index of the nearest */
	assert_string_equal(fo_suggest_id(g, "gz3-colling"), "gz3-cooling");
	assert_string_equal(fo_suggest_id(g, "gz3-cooilng"), "gz3-cooling");
	assert_null(fo_suggest_id(g, "b"));
	assert_null(fo_suggest_id(g, "completely-else"));
	fo_graph_free(g);
}

/* A builder with nodes ids[] (kind service) and, for each refs[i], a
 * requires-group of node 0 on it; returns fo_builder_finish's status. */
static int build(fo_diag *d, const char *const *ids, size_t nids, const char *const *refs,
		 size_t nrefs, const char *container)
{
	fo_builder *b = NULL;
	fo_graph *g = NULL;
	uint32_t v;
	assert_int_equal(fo_builder_new(&b, d, "t.xml"), FO_OK);
	for (size_t i = 0; i < nids; i++)
		assert_int_equal(fo_builder_add_node(b, ids[i], "service", NULL, NULL, 0,
						     (fo_pos){ i + 1, 1 }, &v), FO_OK);
	for (size_t i = 0; i < nrefs; i++) {
		assert_int_equal(fo_builder_group_begin(b, 0, FO_GROUP_REQUIRES, 0, (fo_pos){ 1, 1 }), FO_OK);
		assert_int_equal(fo_builder_group_add(b, refs[i], (fo_pos){ 100 + i, 5 }), FO_OK);
		assert_int_equal(fo_builder_group_end(b), FO_OK);
	}
	if (container)
		assert_int_equal(fo_builder_set_container(b, 0, container, (fo_pos){ 1, 30 }), FO_OK);
	int err = fo_builder_finish(b, &g);
	fo_builder_free(b);
	fo_graph_free(g);
	return err;
}

/* Unknown references inside an inventory get the suggestion in their
 * message, and their code. */
static void builder_reference_suggestion(void **state)
{
	(void)state;
	fo_diag *d = NULL;
	static const char *const ids[] = { "app", "pay-gz" };
	static const char *const refs[] = { "pay-gx", "zzz" };
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(build(d, ids, 2, refs, 2, "pay-g"), FO_EINPUT);
	assert_int_equal(fo_diag_count(d), 3);
	const fo_diag_entry *e = fo_diag_get(d, 0);
	assert_string_equal(e->msg, "unknown container 'pay-g'; did you mean 'pay-gz'?");
	assert_string_equal(e->code, "unknown-container");
	e = fo_diag_get(d, 1);
	assert_string_equal(e->msg, "unknown reference 'pay-gx'; did you mean 'pay-gz'?");
	assert_string_equal(e->code, "unknown-reference");
	assert_int_equal(e->line, 100);
	e = fo_diag_get(d, 2);
	assert_string_equal(e->msg, "unknown reference 'zzz'");
	fo_diag_free(d);
}

/* Past 50 unknown references, no more suggestions (each reads every id). */
static void builder_suggestions_are_capped(void **state)
{
	(void)state;
	fo_diag *d = NULL;
	static const char *const ids[] = { "node-1" };
	const char *refs[60];
	for (int i = 0; i < 60; i++)
		refs[i] = "node-2";
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(build(d, ids, 1, refs, 60, NULL), FO_EINPUT);
	size_t with = 0;
	for (size_t i = 0; i < fo_diag_count(d); i++)
		with += strstr(fo_diag_get(d, i)->msg, "did you mean 'node-1'?") != NULL;
	assert_int_equal(fo_diag_count(d), 60);
	assert_int_equal(with, 50);
	fo_diag_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(distance_edits),
		cmocka_unit_test(distance_matches_reference),
		cmocka_unit_test(threshold_relative_to_length),
		cmocka_unit_test(words_and_kinds),
		cmocka_unit_test(ids_of_a_graph),
		cmocka_unit_test(builder_reference_suggestion),
		cmocka_unit_test(builder_suggestions_are_capped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
