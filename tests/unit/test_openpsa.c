/*
 * test_openpsa.c — the Open-PSA MEF reader, writer and sniffer
 * (importers/fo_openpsa.h): every Aralia tree read with the counts of its
 * file (and the published counts where they agree: docs/openpsa.md lists
 * where they do not), each construct on small inline documents, every
 * error located FILE:LINE:COL with its exact message and all of them in
 * one run, hostile input, and the writer read back into the same tree.
 * Tests run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graphs/fo_diag.h"
#include "graphs/fo_error.h"
#include "graphs/fo_ft.h"
#include "importers/fo_openpsa.h"

#define ARALIA "tests/importers/openpsa/aralia/"

/* ------------------------------------------------------------ helpers */

static char tmpdir[64];

static int setup_tmp(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/fo-test-openpsa-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
	(void)state;
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char p[512];
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(tmpdir);
	return 0;
}

static const char *write_tmp(const char *name, const char *data, size_t len)
{
	static char path[512];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* One read: the tree, the diag, the status, the diag printed. */
typedef struct rd {
	fo_diag *d;
	fo_ft *ft;
	int err;
	char *text;
} rd;

static char *print_diag(const fo_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(fo_diag_print(d, fp), FO_OK);
	fclose(fp);
	return buf;
}

static void read_path(rd *r, const char *path)
{
	memset(r, 0, sizeof *r);
	assert_int_equal(fo_diag_new(&r->d, 0), FO_OK);
	r->err = fo_openpsa_read(path, r->d, &r->ft);
	if (r->err != FO_OK)
		assert_null(r->ft);
	else
		assert_non_null(r->ft);
	r->text = print_diag(r->d);
}

/* Reads doc written to a file named "t.xml" in the temporary directory;
 * messages then say "t.xml:..." relative to it: the test chdirs there. */
static void read_doc(rd *r, const char *doc)
{
	char cwd[512];
	assert_non_null(getcwd(cwd, sizeof cwd));
	write_tmp("t.xml", doc, strlen(doc));
	assert_int_equal(chdir(tmpdir), 0);
	read_path(r, "t.xml");
	assert_int_equal(chdir(cwd), 0);
}

static void rd_free(rd *r)
{
	fo_ft_free(r->ft);
	fo_diag_free(r->d);
	free(r->text);
}

/* The node named `name` (first), FO_NONE if none. */
static uint32_t node_named(const fo_ft *ft, const char *name)
{
	for (uint32_t v = 0; v < fo_ft_node_count(ft); v++) {
		const char *n = fo_ft_node_name(ft, v);
		if (n && !strcmp(n, name))
			return v;
	}
	return FO_NONE;
}

/* ------------------------------------------------------------ Aralia */

/* Counts: basic events, gates (<define-gate>), AND, ATLEAST, XOR, NOT. */
typedef struct counts {
	uint32_t events, gates, and, atleast, xor, not;
} counts;

static const struct tree {
	const char *name;
	counts readme; /* the README's published table */
	counts file;   /* what the file holds (counted by a second parser) */
	uint32_t or;
	const char *top;
} trees[] = {
	{ "baobab1", { 61, 84, 16, 9, 0, 0 }, { 61, 84, 16, 9, 0, 0 }, 59, "r1" },
	{ "baobab2", { 32, 40, 5, 6, 0, 0 }, { 32, 40, 5, 6, 0, 0 }, 29, "r1" },
	{ "baobab3", { 80, 107, 46, 0, 0, 0 }, { 80, 107, 46, 0, 0, 0 }, 61, "r1" },
	{ "cea9601", { 186, 201, 69, 8, 0, 30 }, { 186, 201, 69, 8, 0, 30 }, 94, "r1" },
	{ "chinese", { 25, 36, 13, 0, 0, 0 }, { 25, 36, 13, 0, 0, 0 }, 23, "r1" },
	{ "das9201", { 122, 82, 19, 0, 0, 0 }, { 122, 82, 19, 0, 0, 0 }, 63, "r1" },
	{ "das9202", { 49, 36, 10, 0, 0, 0 }, { 49, 36, 10, 0, 0, 0 }, 26, "r1" },
	{ "das9203", { 51, 30, 1, 0, 0, 0 }, { 51, 30, 1, 0, 0, 0 }, 29, "r1" },
	{ "das9204", { 53, 30, 12, 0, 0, 0 }, { 53, 30, 12, 0, 0, 0 }, 18, "r1" },
	{ "das9205", { 51, 20, 2, 0, 0, 0 }, { 51, 20, 2, 0, 0, 0 }, 18, "r1" },
	{ "das9206", { 121, 112, 21, 0, 0, 0 }, { 121, 112, 21, 0, 0, 0 }, 91, "r1" },
	{ "das9207", { 276, 324, 59, 0, 0, 0 }, { 276, 275, 59, 0, 0, 0 }, 216, "r1" },
	{ "das9208", { 103, 145, 33, 0, 0, 0 }, { 103, 145, 33, 0, 0, 0 }, 112, "r1" },
	{ "das9209", { 109, 73, 18, 0, 0, 0 }, { 109, 73, 18, 0, 0, 0 }, 55, "r1" },
	{ "das9601", { 122, 288, 60, 36, 12, 14 }, { 122, 288, 60, 36, 12, 14 }, 166, "r1" },
	{ "das9701", { 267, 2226, 1739, 0, 0, 992 }, { 267, 2226, 1738, 0, 0, 992 }, 488, "r1" },
	{ "edf9201", { 183, 132, 12, 0, 0, 0 }, { 183, 131, 12, 0, 0, 0 }, 119, "g1" },
	{ "edf9202", { 458, 435, 45, 0, 0, 0 }, { 458, 433, 45, 0, 0, 0 }, 388, "g1" },
	{ "edf9203", { 362, 475, 117, 0, 0, 0 }, { 362, 475, 117, 0, 0, 0 }, 358, "r1" },
	{ "edf9204", { 323, 375, 106, 0, 0, 0 }, { 323, 374, 106, 0, 0, 0 }, 268, "g1" },
	{ "edf9205", { 165, 142, 30, 0, 0, 0 }, { 165, 142, 30, 0, 0, 0 }, 112, "r1" },
	{ "edf9206", { 240, 362, 126, 0, 0, 0 }, { 240, 360, 126, 0, 0, 0 }, 234, "g2" },
	{ "edfpa14b", { 311, 290, 70, 0, 0, 0 }, { 311, 289, 70, 0, 0, 0 }, 219, "g1" },
	{ "edfpa14o", { 311, 173, 42, 0, 0, 0 }, { 311, 165, 42, 0, 0, 0 }, 123, "r1" },
	{ "edfpa14p", { 124, 101, 42, 0, 0, 0 }, { 124, 93, 42, 0, 0, 0 }, 51, "r1" },
	{ "edfpa14q", { 311, 194, 55, 0, 0, 0 }, { 311, 182, 55, 0, 0, 0 }, 127, "r1" },
	{ "edfpa14r", { 106, 132, 55, 0, 0, 0 }, { 106, 120, 55, 0, 0, 0 }, 65, "r1" },
	{ "edfpa15b", { 283, 249, 61, 0, 0, 0 }, { 283, 248, 61, 0, 0, 0 }, 187, "g1" },
	{ "edfpa15o", { 283, 138, 33, 0, 0, 0 }, { 283, 131, 33, 0, 0, 0 }, 98, "r1" },
	{ "edfpa15p", { 276, 324, 33, 0, 0, 0 }, { 100, 73, 33, 0, 0, 0 }, 40, "r1" },
	{ "edfpa15q", { 283, 158, 45, 0, 0, 0 }, { 283, 149, 45, 0, 0, 0 }, 104, "r1" },
	{ "edfpa15r", { 88, 110, 45, 0, 0, 0 }, { 88, 101, 45, 0, 0, 0 }, 56, "r1" },
	{ "elf9601", { 145, 242, 97, 0, 0, 0 }, { 145, 242, 97, 0, 0, 0 }, 145, "r1" },
	{ "ftr10", { 175, 94, 26, 0, 0, 0 }, { 175, 94, 26, 0, 0, 0 }, 68, "r1" },
	{ "isp9601", { 143, 104, 25, 1, 0, 0 }, { 143, 104, 25, 1, 0, 0 }, 78, "r1" },
	{ "isp9602", { 116, 122, 26, 0, 0, 0 }, { 116, 122, 26, 0, 0, 0 }, 96, "r1" },
	{ "isp9603", { 91, 95, 37, 0, 0, 0 }, { 91, 95, 37, 0, 0, 0 }, 58, "r1" },
	{ "isp9604", { 215, 132, 38, 0, 0, 0 }, { 215, 132, 38, 0, 0, 0 }, 94, "r1" },
	{ "isp9605", { 32, 40, 8, 6, 0, 0 }, { 32, 40, 8, 6, 0, 0 }, 26, "r1" },
	{ "isp9606", { 89, 41, 14, 0, 0, 0 }, { 89, 41, 14, 0, 0, 0 }, 27, "r1" },
	{ "isp9607", { 74, 65, 23, 0, 0, 0 }, { 74, 65, 23, 0, 0, 0 }, 42, "r1" },
	{ "jbd9601", { 533, 315, 71, 0, 0, 0 }, { 533, 315, 71, 0, 0, 0 }, 244, "r1" },
	{ "nus9601", { 1567, 1622, 392, 47, 0, 0 }, { 1567, 1515, 392, 47, 0, 0 }, 1076, "r1" },
};

/* The trees whose README row differs from the file (docs/openpsa.md,
 * "The Aralia trees"): gates in 16 of them, AND in das9701, and edfpa15p's
 * row that repeats das9207's. */
static int readme_differs(const char *name)
{
	static const char *const list[] = {
		"das9207", "das9701", "edf9201", "edf9202", "edf9204", "edf9206", "edfpa14b",
		"edfpa14o", "edfpa14p", "edfpa14q", "edfpa14r", "edfpa15b", "edfpa15o",
		"edfpa15p", "edfpa15q", "edfpa15r", "nus9601",
	};
	for (size_t i = 0; i < sizeof list / sizeof *list; i++)
		if (!strcmp(list[i], name))
			return 1;
	return 0;
}

static void aralia_counts(void **state)
{
	(void)state;
	size_t differ = 0;
	for (size_t t = 0; t < sizeof trees / sizeof *trees; t++) {
		const struct tree *tr = &trees[t];
		char path[256];
		rd r;
		snprintf(path, sizeof path, ARALIA "%s.xml", tr->name);
		read_path(&r, path);
		if (r.err != FO_OK || fo_diag_count(r.d))
			fail_msg("%s: %s\n%s", tr->name, fo_strerror(r.err), r.text);
		counts c = { 0 };
		uint32_t or = 0, anon = 0;
		c.events = fo_ft_event_count(r.ft);
		for (uint32_t v = 0; v < fo_ft_node_count(r.ft); v++) {
			fo_ft_op op = fo_ft_node_op(r.ft, v);
			if (op == FO_FT_EVENT)
				continue;
			if (fo_ft_node_name(r.ft, v))
				c.gates++;
			else
				anon++;
			c.and += op == FO_FT_AND;
			or += op == FO_FT_OR;
			c.atleast += op == FO_FT_ATLEAST;
			c.xor += op == FO_FT_XOR;
			c.not += op == FO_FT_NOT;
			assert_true(op != FO_FT_CONST);
		}
		if (memcmp(&c, &tr->file, sizeof c) || or != tr->or)
			fail_msg("%s: read %u events, %u gates, %u AND, %u OR, %u ATLEAST, %u XOR, %u NOT",
				 tr->name, c.events, c.gates, c.and, or, c.atleast, c.xor, c.not);
		/* Only das9701 nests formulas (<not> inside <and>): anonymous gates. */
		assert_int_equal(anon, !strcmp(tr->name, "das9701") ? 992 : 0);
		assert_int_equal(fo_ft_node_count(r.ft), c.events + c.gates + anon);
		assert_string_equal(fo_ft_node_name(r.ft, fo_ft_top(r.ft)), tr->top);
		assert_string_equal(fo_ft_name(r.ft), tr->name);
		assert_int_equal(fo_ft_is_coherent(r.ft), c.xor + c.not == 0);
		/* Every event has its probability. */
		for (uint32_t e = 0; e < c.events; e++)
			assert_true(fo_ft_event_p(r.ft, e) > 0 && fo_ft_event_p(r.ft, e) <= 1);
		if (memcmp(&c, &tr->readme, sizeof c)) {
			assert_true(readme_differs(tr->name));
			differ++;
		} else {
			assert_false(readme_differs(tr->name));
		}
		rd_free(&r);
	}
	assert_int_equal(sizeof trees / sizeof *trees, 43);
	assert_int_equal(differ, 17);
}

/* chinese.xml by hand: the top's formula, an event's probability, the
 * numbering (events in order of first appearance, then the gates with
 * their arguments first). */
static void aralia_chinese(void **state)
{
	(void)state;
	rd r;
	read_path(&r, ARALIA "chinese.xml");
	assert_int_equal(r.err, FO_OK);
	uint32_t top = fo_ft_top(r.ft);
	assert_int_equal(fo_ft_node_op(r.ft, top), FO_FT_AND);
	const uint32_t *args;
	assert_int_equal(fo_ft_node_args(r.ft, top, &args), 2);
	assert_string_equal(fo_ft_node_name(r.ft, args[0]), "g1");
	assert_string_equal(fo_ft_node_name(r.ft, args[1]), "g2");
	/* e5 is the first event referenced (in g4), e8 comes later */
	assert_string_equal(fo_ft_event_name(r.ft, 0), "e5");
	assert_true(fo_ft_event_p(r.ft, 0) == 0.01);
	for (uint32_t v = 0; v < fo_ft_node_count(r.ft); v++) {
		size_t n = fo_ft_node_args(r.ft, v, &args);
		for (size_t i = 0; i < n; i++)
			assert_true(args[i] < v);
	}
	assert_int_equal(top, fo_ft_node_count(r.ft) - 1);
	uint32_t g4 = node_named(r.ft, "g4");
	assert_int_equal(fo_ft_node_op(r.ft, g4), FO_FT_OR);
	assert_int_equal(fo_ft_node_args(r.ft, g4, &args), 5);
	assert_string_equal(fo_ft_node_name(r.ft, args[4]), "g8");
	rd_free(&r);
}

/* ------------------------------------------------------------ constructs */

/* Each accepted construct: nested formulas (anonymous gates), a lone
 * reference, <event> with and without a type, constants, labels and
 * attributes skipped, a forward reference, events defined inside the
 * fault tree, an event with no probability. */
static void constructs(void **state)
{
	(void)state;
	rd r;
	read_doc(&r, "<?xml version=\"1.0\"?>\n"
		     "<opsa-mef name=\"m\">\n"
		     "<label>a model</label>\n"
		     "<define-fault-tree name=\"ft\">\n"
		     "<label>x</label><attributes><attribute name=\"a\" value=\"b\"/></attributes>\n"
		     "<define-gate name=\"top\" role=\"public\">\n"
		     "<label>the top</label>\n"
		     "<or><and><gate name=\"g\"/><not><basic-event name=\"a\"/></not></and>\n"
		     "<event name=\"h\"/><event name=\"b\" type=\"basic-event\"/>\n"
		     "<atleast min=\"2\"><basic-event name=\"a\"/><basic-event name=\"b\"/>"
		     "<basic-event name=\"c\"/></atleast>\n"
		     "<xor><basic-event name=\"c\"/></xor><constant value=\"false\"/></or>\n"
		     "</define-gate>\n"
		     "<define-gate name=\"g\"><basic-event name=\"c\"/></define-gate>\n"
		     "<define-gate name=\"h\"><constant value=\"true\"/></define-gate>\n"
		     "<define-basic-event name=\"a\"><float value=\"0.5\"/></define-basic-event>\n"
		     "</define-fault-tree>\n"
		     "<model-data><define-basic-event name=\"b\"><label>l</label>"
		     "<float value=\" 1e-3 \"/></define-basic-event>\n"
		     "<define-basic-event name=\"c\"/></model-data>\n"
		     "</opsa-mef>\n");
	if (r.err != FO_OK)
		fail_msg("%s", r.text);
	assert_string_equal(r.text, "");
	fo_ft *ft = r.ft;
	assert_string_equal(fo_ft_name(ft), "ft");
	/* events in order of first appearance: a, b, c */
	assert_int_equal(fo_ft_event_count(ft), 3);
	assert_string_equal(fo_ft_event_name(ft, 0), "a");
	assert_string_equal(fo_ft_event_name(ft, 1), "b");
	assert_string_equal(fo_ft_event_name(ft, 2), "c");
	assert_true(fo_ft_event_p(ft, 0) == 0.5);
	assert_true(fo_ft_event_p(ft, 1) == 1e-3);
	assert_true(fo_ft_event_p(ft, 2) < 0);
	uint32_t top = fo_ft_top(ft), g = node_named(ft, "g"), h = node_named(ft, "h");
	assert_string_equal(fo_ft_node_name(ft, top), "top");
	/* g = c: a lone reference, a one-argument AND */
	const uint32_t *args;
	assert_int_equal(fo_ft_node_op(ft, g), FO_FT_AND);
	assert_int_equal(fo_ft_node_args(ft, g, &args), 1);
	assert_int_equal(args[0], fo_ft_event_node(ft, 2));
	assert_int_equal(fo_ft_node_op(ft, h), FO_FT_CONST);
	assert_int_equal(fo_ft_node_k(ft, h), 1);
	assert_int_equal(fo_ft_node_op(ft, top), FO_FT_OR);
	uint32_t targs[6];
	assert_int_equal(fo_ft_node_args(ft, top, &args), 6);
	memcpy(targs, args, sizeof targs);
	/* and(g, not(a)): anonymous */
	assert_null(fo_ft_node_name(ft, targs[0]));
	assert_int_equal(fo_ft_node_op(ft, targs[0]), FO_FT_AND);
	assert_int_equal(fo_ft_node_args(ft, targs[0], &args), 2);
	assert_int_equal(args[0], g);
	assert_int_equal(fo_ft_node_op(ft, args[1]), FO_FT_NOT);
	assert_int_equal(targs[1], h);                       /* <event name="h"/>: the gate */
	assert_int_equal(targs[2], fo_ft_event_node(ft, 1)); /* typed event */
	assert_int_equal(fo_ft_node_op(ft, targs[3]), FO_FT_ATLEAST);
	assert_int_equal(fo_ft_node_k(ft, targs[3]), 2);
	assert_int_equal(fo_ft_node_op(ft, targs[4]), FO_FT_OR); /* xor of one: OR */
	assert_int_equal(fo_ft_node_op(ft, targs[5]), FO_FT_CONST);
	assert_int_equal(fo_ft_node_k(ft, targs[5]), 0);
	assert_int_equal(fo_ft_is_coherent(ft), 0);
	rd_free(&r);
}

/* ------------------------------------------------------------ errors */

/* Reads doc and requires status err and exactly the diagnostics `want`. */
static void expect(const char *doc, int err, const char *want)
{
	rd r;
	read_doc(&r, doc);
	if (strcmp(r.text, want)) {
		/* in full: cmocka's messages are cut short */
		fprintf(stderr, "diagnostics differ:\n--- got\n%s--- want\n%s", r.text, want);
		fail();
	}
	assert_int_equal(r.err, err);
	rd_free(&r);
}

#define HEAD "<?xml version=\"1.0\"?>\n<opsa-mef>\n<define-fault-tree name=\"t\">\n"
#define FT_END "</define-fault-tree>\n"
#define TAIL FT_END "</opsa-mef>\n"

/* Every reference problem of one document, all reported in one run. */
static void errors_references(void **state)
{
	(void)state;
	expect(HEAD
	       "<define-gate name=\"top\"><or><gate name=\"a\"/><gate name=\"nope\"/>"
	       "<basic-event name=\"x\"/></or></define-gate>\n"                          /* 4 */
	       "<define-gate name=\"a\"><and><gate name=\"b\"/><basic-event name=\"y\"/></and></define-gate>\n"
	       "<define-gate name=\"b\"><or><gate name=\"c\"/><basic-event name=\"y\"/></or></define-gate>\n"
	       "<define-gate name=\"c\"><or><gate name=\"a\"/><basic-event name=\"z\"/></or></define-gate>\n"
	       "<define-gate name=\"a\"><or><basic-event name=\"y\"/></or></define-gate>\n"  /* 8 */
	       "<define-gate name=\"s\"><or><gate name=\"s\"/><gate name=\"y\"/></or></define-gate>\n"
	       "<define-gate name=\"x\"><or><basic-event name=\"z\"/></or></define-gate>\n" /* 10 */
	       FT_END
	       "<model-data>\n"
	       "<define-basic-event name=\"y\"><float value=\"0.1\"/></define-basic-event>\n"
	       "<define-basic-event name=\"y\"><float value=\"0.2\"/></define-basic-event>\n" /* 15 */
	       "</model-data>\n</opsa-mef>\n",
	       FO_EINPUT,
	       "t.xml:4:45: error: gate 'nope' is not defined\n"
	       "t.xml:4:64: error: 'x' is both a gate (defined at 10:20) and a basic event: one name, "
	       "one event\n"
	       "t.xml:7:27: error: cycle among gates: 'a' -> 'b' -> 'c' -> 'a'\n"
	       "t.xml:7:43: warning: basic event 'z' is not defined: its probability is unknown\n"
	       "t.xml:8:20: error: gate 'a' is defined twice (first at 5:20)\n"
	       "t.xml:9:27: error: cycle among gates: 's' -> 's'\n"
	       "t.xml:9:43: error: gate 'y' is not defined (a basic event has this name: "
	       "<basic-event name=...>?)\n"
	       "t.xml:10:20: error: 2 top gates (used by no other gate): 'top' (4:20), 'x' (10:20); "
	       "fallout reads a fault tree with one top\n"
	       "t.xml:14:27: error: basic event 'y' is defined twice (first at 13:27)\n");
}

/* Cycles only: no top gate, and the cycle named; a long cycle shortened. */
static void errors_cycles(void **state)
{
	(void)state;
	expect(HEAD "<define-gate name=\"p\"><or><gate name=\"q\"/><basic-event name=\"e\"/></or></define-gate>\n"
	       "<define-gate name=\"q\"><and><gate name=\"p\"/><basic-event name=\"e\"/></and></define-gate>\n"
	       TAIL, FO_EINPUT,
	       "t.xml:5:28: error: cycle among gates: 'p' -> 'q' -> 'p'\n");
	/* a cycle of 1000 gates g0 -> g1 -> ... -> g999 -> g0, and a top */
	size_t cap = 1 << 17, len = 0;
	char *doc = malloc(cap);
	assert_non_null(doc);
	len += (size_t)snprintf(doc + len, cap - len, HEAD
				"<define-gate name=\"top\"><gate name=\"g0\"/></define-gate>\n");
	for (int i = 0; i < 1000; i++)
		len += (size_t)snprintf(doc + len, cap - len,
					"<define-gate name=\"g%d\"><or><gate name=\"g%d\"/>"
					"<basic-event name=\"e\"/></or></define-gate>\n", i, (i + 1) % 1000);
	snprintf(doc + len, cap - len, TAIL);
	expect(doc, FO_EINPUT,
	       "t.xml:1004:30: error: cycle among gates: 'g0' -> 'g1' -> 'g2' -> 'g3' -> 'g4' -> "
	       "'g5' -> 'g6' -> ... (992 gates) -> 'g999' -> 'g0'\n");
	free(doc);
}

/* Tops: several (named with their places), none at all. */
static void errors_tops(void **state)
{
	(void)state;
	expect(HEAD "<define-gate name=\"t1\"><basic-event name=\"e\"/></define-gate>\n"
	       "<define-gate name=\"t2\"><basic-event name=\"e\"/></define-gate>\n"
	       "<define-gate name=\"t3\"><basic-event name=\"e\"/></define-gate>\n" TAIL,
	       FO_EINPUT,
	       "t.xml:5:20: error: 3 top gates (used by no other gate): 't1' (4:20), 't2' (5:20), "
	       "'t3' (6:20); fallout reads a fault tree with one top\n");
	expect(HEAD FT_END "<model-data/>\n</opsa-mef>\n", FO_EINPUT,
	       "t.xml:2:1: error: no <define-gate>: a fault tree needs a top gate\n");
	expect("<opsa-mef/>", FO_EINPUT,
	       "t.xml:1:1: error: no <define-gate>: a fault tree needs a top gate\n");
}

/* Probabilities: out of [0, 1], not numbers (hexadecimal, inf, nan,
 * empty, trailing text), missing, two of them; the accepted forms. */
static void errors_probabilities(void **state)
{
	(void)state;
	expect(HEAD "<define-gate name=\"top\"><or><basic-event name=\"a\"/><basic-event name=\"b\"/>"
	       "</or></define-gate>\n" FT_END
	       "<model-data>\n"
	       "<define-basic-event name=\"a\"><float value=\"1.5\"/></define-basic-event>\n"  /* 7 */
	       "<define-basic-event name=\"b\"><float value=\"-0.1\"/></define-basic-event>\n"
	       "<define-basic-event name=\"c\"><float value=\"abc\"/></define-basic-event>\n"
	       "<define-basic-event name=\"d\"><float value=\"0x1p-2\"/></define-basic-event>\n"
	       "<define-basic-event name=\"e\"><float value=\"inf\"/></define-basic-event>\n"
	       "<define-basic-event name=\"f\"><float value=\"NaN\"/></define-basic-event>\n"
	       "<define-basic-event name=\"g\"><float value=\"\"/></define-basic-event>\n"
	       "<define-basic-event name=\"h\"><float value=\"0.5 x\"/></define-basic-event>\n"
	       "<define-basic-event name=\"i\"><float/></define-basic-event>\n"            /* 15 */
	       "<define-basic-event name=\"j\"><float value=\"0.1\"/><float value=\"0.2\"/></define-basic-event>\n"
	       "<define-basic-event name=\"k\"><float value=\"1e400\"/></define-basic-event>\n"
	       "<define-basic-event name=\"l\"><float value=\" 1E-3 \"/></define-basic-event>\n"
	       "<define-basic-event name=\"m\"><float value=\"1\"/></define-basic-event>\n"
	       "<define-basic-event name=\"n\"><float value=\"-0\"/></define-basic-event>\n"
	       "</model-data>\n</opsa-mef>\n",
	       FO_EINPUT,
	       "t.xml:7:44: error: probability 1.5 of basic event 'a' is outside [0, 1]\n"
	       "t.xml:8:44: error: probability -0.1 of basic event 'b' is outside [0, 1]\n"
	       "t.xml:9:44: error: probability 'abc' of basic event 'c' is not a number\n"
	       "t.xml:10:44: error: probability '0x1p-2' of basic event 'd' is not a number\n"
	       "t.xml:11:44: error: probability 'inf' of basic event 'e' is not a number\n"
	       "t.xml:12:44: error: probability 'NaN' of basic event 'f' is not a number\n"
	       "t.xml:13:44: error: probability '' of basic event 'g' is not a number\n"
	       "t.xml:14:44: error: probability '0.5 x' of basic event 'h' is not a number\n"
	       "t.xml:15:30: error: <float> without a value\n"
	       "t.xml:16:50: error: basic event 'j' has more than one probability\n"
	       "t.xml:17:44: error: probability 1e400 of basic event 'k' is outside [0, 1]\n");
}

/* Shapes of gates and formulas. */
static void errors_shapes(void **state)
{
	(void)state;
	expect(HEAD
	       "<define-gate name=\"top\"><or><gate name=\"a\"/><gate name=\"b\"/><gate name=\"c\"/>"
	       "<gate name=\"d\"/><gate name=\"f\"/><gate name=\"g\"/><gate name=\"h\"/><gate name=\"i\"/>"
	       "</or></define-gate>\n"
	       "<define-gate name=\"a\"><not><basic-event name=\"y\"/><basic-event name=\"z\"/></not></define-gate>\n"
	       "<define-gate name=\"b\"></define-gate>\n"                                     /* 6 */
	       "<define-gate name=\"c\"><and/></define-gate>\n"
	       "<define-gate name=\"d\"><atleast min=\"3\"><basic-event name=\"y\"/>"
	       "<basic-event name=\"z\"/></atleast></define-gate>\n"
	       "<define-gate name=\"f\"><atleast min=\"two\"><basic-event name=\"y\"/></atleast></define-gate>\n"
	       "<define-gate name=\"g\"><or><basic-event name=\"y\"/></or><basic-event name=\"z\"/></define-gate>\n"
	       "<define-gate name=\"h\"><atleast><basic-event name=\"y\"/></atleast></define-gate>\n" /* 11 */
	       "<define-gate name=\"i\"><atleast min=\"0\"><basic-event name=\"y\"/></atleast></define-gate>\n"
	       TAIL, FO_EINPUT,
	       "t.xml:5:23: error: <not> in gate 'a' has 2 arguments: it takes one\n"
	       "t.xml:6:1: error: gate 'b' has no formula\n"
	       "t.xml:7:23: error: <and> in gate 'c' has no argument\n"
	       "t.xml:8:23: error: <atleast min='3'> in gate 'd' has 2 arguments: min must be "
	       "between 1 and 2\n"
	       "t.xml:9:37: error: <atleast min='two'> in gate 'f': min is a whole number\n"
	       "t.xml:10:55: error: gate 'g' has more than one formula: <define-gate> holds one "
	       "(and, or, atleast, not, xor, a reference or a constant)\n"
	       "t.xml:11:23: error: <atleast> in gate 'h' without min (the number of arguments that "
	       "must fail)\n"
	       "t.xml:12:23: error: <atleast min='0'> in gate 'i' has 1 argument: min must be "
	       "between 1 and 1\n");
}

/* Names and references. */
static void errors_names(void **state)
{
	(void)state;
	expect(HEAD
	       "<define-gate name=\"top\"><or><basic-event/><gate name=\"\"/>"
	       "<event name=\"e\" type=\"house-event\"/><constant/><constant value=\"maybe\"/>"
	       "<basic-event name=\"e\"/></or></define-gate>\n"
	       "<define-gate><basic-event name=\"e\"/></define-gate>\n"
	       "<define-fault-tree/>\n"
	       TAIL, FO_EINPUT,
	       "t.xml:4:29: error: <basic-event> without a name\n"
	       "t.xml:4:55: error: <gate name=''>: the name is empty\n"
	       "t.xml:4:80: error: <event type='house-event'>: fallout reads gates and basic events "
	       "(type='gate' or 'basic-event')\n"
	       "t.xml:4:94: error: <constant> without a value (true or false)\n"
	       "t.xml:4:122: error: <constant value='maybe'>: true or false\n"
	       "t.xml:5:1: error: <define-gate> without a name\n"
	       "t.xml:6:1: error: <define-fault-tree> in <define-fault-tree> is not read by fallout "
	       "(docs/openpsa.md lists what is)\n");
}

/* What fallout does not read, wherever it is: one error naming it, its
 * content skipped (no error about what is inside). */
static void errors_unknown(void **state)
{
	(void)state;
	expect("<?xml version=\"1.0\"?>\n<opsa-mef>\n"
	       "<define-event-tree name=\"et\"><define-sequence name=\"s\"/></define-event-tree>\n"
	       "<define-fault-tree name=\"t\">\n"
	       "<define-house-event name=\"h\"><constant value=\"true\"/></define-house-event>\n"
	       "<define-parameter name=\"p\"><float value=\"1\"/></define-parameter>\n"
	       "<define-gate name=\"top\"><or><nand><basic-event name=\"a\"/></nand>"
	       "<house-event name=\"h\"/><basic-event name=\"a\"><x/></basic-event>"
	       "<xs:and xmlns:xs=\"urn:x\"/><gate name=\"g\"/></or></define-gate>\n"                      /* 7 */
	       "<define-gate name=\"g\"><iff><basic-event name=\"a\"/></iff></define-gate>\n"
	       "<define-component name=\"c\"/>\n"
	       "</define-fault-tree>\n"
	       "<model-data>\n"
	       "<define-basic-event name=\"a\"><exponential><float value=\"1e-3\"/>"
	       "<system-mission-time/></exponential></define-basic-event>\n"          /* 12 */
	       "<define-basic-event name=\"b\"><float value=\"0.1\"><x/></float></define-basic-event>\n"
	       "<define-house-event name=\"h\"/>\n"
	       "</model-data>\n"
	       "text\n"
	       "</opsa-mef>\n",
	       FO_EINPUT,
	       "t.xml:3:1: error: <define-event-tree> in <opsa-mef> is not read by fallout "
	       "(docs/openpsa.md lists what is)\n"
	       "t.xml:5:1: error: <define-house-event> in <define-fault-tree> is not read by fallout "
	       "(docs/openpsa.md lists what is)\n"
	       "t.xml:6:1: error: <define-parameter> in <define-fault-tree> is not read by fallout "
	       "(docs/openpsa.md lists what is)\n"
	       "t.xml:7:29: error: <nand> in gate 'top' is not read by fallout: formulas are and, or, "
	       "atleast, not, xor, gate, basic-event, event and constant\n"
	       "t.xml:7:65: error: <house-event> in gate 'top' is not read by fallout: formulas are "
	       "and, or, atleast, not, xor, gate, basic-event, event and constant\n"
	       "t.xml:7:110: error: <x> in <basic-event> is not read by fallout (docs/openpsa.md "
	       "lists what is)\n"
	       "t.xml:7:128: error: <xs:and> in <or> is not read by fallout (docs/openpsa.md lists "
	       "what is)\n"
	       "t.xml:8:23: error: <iff> in gate 'g' is not read by fallout: formulas are and, or, "
	       "atleast, not, xor, gate, basic-event, event and constant\n"
	       "t.xml:9:1: error: <define-component> in <define-fault-tree> is not read by fallout "
	       "(docs/openpsa.md lists what is)\n"
	       "t.xml:12:30: error: <exponential> in basic event 'a': fallout reads a probability as "
	       "<float value=\"P\"/> only\n"
	       "t.xml:13:49: error: <x> in <float> is not read by fallout (docs/openpsa.md lists "
	       "what is)\n"
	       "t.xml:14:1: error: <define-house-event> in <model-data> is not read by fallout "
	       "(docs/openpsa.md lists what is)\n"
	       "t.xml:16:1: error: text in <opsa-mef>: MEF fault trees hold no text outside <label>\n");
	/* another root, a namespaced root */
	expect("<?xml version=\"1.0\"?>\n<inventory><a/></inventory>\n", FO_EINPUT,
	       "t.xml:2:1: error: the root element is <inventory>: an Open-PSA MEF document starts "
	       "with <opsa-mef>\n");
	expect("<m:opsa-mef xmlns:m=\"urn:m\"/>", FO_EINPUT,
	       "t.xml:1:1: error: the root element is <m:opsa-mef>: an Open-PSA MEF document "
	       "starts with <opsa-mef>\n");
}

/* A basic event used but not defined: allowed, p unknown; a warning only
 * when the document defines other events (then it is likely a typo). */
static void undefined_events(void **state)
{
	(void)state;
	rd r;
	read_doc(&r, HEAD "<define-gate name=\"top\"><or><basic-event name=\"a\"/>"
		     "<basic-event name=\"b\"/></or></define-gate>\n" TAIL);
	assert_int_equal(r.err, FO_OK);
	assert_string_equal(r.text, "");
	assert_true(fo_ft_event_p(r.ft, 0) < 0 && fo_ft_event_p(r.ft, 1) < 0);
	rd_free(&r);
	read_doc(&r, HEAD "<define-gate name=\"top\"><or><basic-event name=\"a\"/>"
		     "<basic-event name=\"b\"/></or></define-gate>\n" FT_END
		     "<model-data><define-basic-event name=\"a\"><float value=\"0.5\"/>"
		     "</define-basic-event></model-data>\n</opsa-mef>\n");
	assert_int_equal(r.err, FO_OK);
	assert_string_equal(r.text, "t.xml:4:52: warning: basic event 'b' is not defined: its "
				    "probability is unknown\n");
	assert_true(fo_ft_event_p(r.ft, 0) == 0.5 && fo_ft_event_p(r.ft, 1) < 0);
	rd_free(&r);
}

/* ------------------------------------------------------------ hostile */

/* Names of any text (quotes, <, &, newlines, backslashes, Chinese) are
 * kept byte for byte; the document's hostile forms are refused with a
 * located error and no tree. */
static void hostile(void **state)
{
	(void)state;
	rd r;
	read_doc(&r, HEAD "<define-gate name=\"t&quot;o&lt;p&amp;&#10;\\ 中文\"><or>"
		     "<basic-event name=\"e'&#10;&#13;&#9;&gt;\"/><basic-event name=\"冷却\"/>"
		     "</or></define-gate>\n" TAIL);
	assert_int_equal(r.err, FO_OK);
	assert_string_equal(fo_ft_node_name(r.ft, fo_ft_top(r.ft)), "t\"o<p&\n\\ 中文");
	assert_string_equal(fo_ft_event_name(r.ft, 0), "e'\n\r\t>");
	assert_string_equal(fo_ft_event_name(r.ft, 1), "冷却");
	rd_free(&r);
	/* hostile names in messages: shown escaped, one line each */
	expect(HEAD "<define-gate name=\"a&#10;b\"><gate name=\"x&#10;&quot;y\"/></define-gate>\n" TAIL,
	       FO_EINPUT, "t.xml:4:29: error: gate 'x\\n\"y' is not defined\n");
	/* truncated, a DOCTYPE, an entity, bytes that are not text */
	expect(HEAD "<define-gate name=\"top\"><or><basic-event name=\"a", FO_EINPUT,
	       "t.xml:4:49: error: unexpected end of file in a start tag: <or> from line 4 is not "
	       "closed\n");
	expect("<opsa-mef name=\"x", FO_EINPUT,
	       "t.xml:1:18: error: unexpected end of file in a start tag\n");
	expect(HEAD "<define-gate name=\"top\"><or><basic-event name=\"a\"/>", FO_EINPUT,
	       "t.xml:4:52: error: unexpected end of file: <or> from line 4 is not closed\n");
	expect("<?xml version=\"1.0\"?>\n<!DOCTYPE opsa-mef [<!ENTITY x \"y\">]>\n<opsa-mef/>",
	       FO_EINPUT, "t.xml:2:1: error: DOCTYPE is not allowed: Open-PSA MEF documents take no DTD\n");
	expect("<opsa-mef>&x;</opsa-mef>", FO_EINPUT, "t.xml:1:14: error: Entity 'x' not defined\n");
	expect("", FO_EINPUT, "t.xml:1:1: error: empty document: an Open-PSA MEF document needs an "
			      "<opsa-mef> element\n");
	expect("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><opsa-mef/>", FO_EINPUT,
	       "t.xml:1:1: error: unsupported encoding 'ISO-8859-1': Open-PSA MEF documents are UTF-8\n");
	expect("<opsa-mef><x a=\"\xff\"/></opsa-mef>", FO_EINPUT,
	       "t.xml:1:17: error: invalid UTF-8 (Bytes: 0xFF 0x22 0x2F 0x3E): Open-PSA MEF "
	       "documents are UTF-8\n");
	/* formulas nested beyond the scanner's depth: a limit, FO_ELIMIT */
	size_t cap = 1 << 16, len = 0;
	char *doc = malloc(cap);
	assert_non_null(doc);
	len += (size_t)snprintf(doc, cap, HEAD "<define-gate name=\"top\">");
	for (int i = 0; i < 300; i++)
		len += (size_t)snprintf(doc + len, cap - len, "<not>");
	snprintf(doc + len, cap - len, "<basic-event name=\"a\"/>");
	rd r2;
	read_doc(&r2, doc);
	assert_int_equal(r2.err, FO_ELIMIT);
	assert_non_null(strstr(r2.text, "error: elements nested more than 256 deep"));
	rd_free(&r2);
	free(doc);
}

/* A chain of 100,000 gates (deeper than any recursion could go) and an
 * <event> whose name is a gate. */
static void long_chain(void **state)
{
	(void)state;
	const int n = 100000;
	size_t cap = (size_t)n * 128 + 4096, len = 0;
	char *doc = malloc(cap);
	assert_non_null(doc);
	len += (size_t)snprintf(doc, cap, HEAD);
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(doc + len, cap - len,
					"<define-gate name=\"g%d\"><or><event name=\"g%d\"/>"
					"<basic-event name=\"e%d\"/></or></define-gate>\n", i, i + 1, i % 7);
	len += (size_t)snprintf(doc + len, cap - len,
				"<define-gate name=\"g%d\"><basic-event name=\"last\"/></define-gate>\n" TAIL, n);
	rd r;
	read_doc(&r, doc);
	free(doc);
	if (r.err != FO_OK)
		fail_msg("%s", r.text);
	assert_int_equal(fo_ft_event_count(r.ft), 8);
	assert_int_equal(fo_ft_node_count(r.ft), 8 + n + 1);
	assert_string_equal(fo_ft_node_name(r.ft, fo_ft_top(r.ft)), "g0");
	rd_free(&r);
}

/* A file that cannot be opened: FO_EIO, said on the diag. */
static void missing_file(void **state)
{
	(void)state;
	rd r;
	read_path(&r, "tests/importers/openpsa/no-such-tree.xml");
	assert_int_equal(r.err, FO_EIO);
	assert_non_null(strstr(r.text, "tests/importers/openpsa/no-such-tree.xml"));
	assert_non_null(strstr(r.text, "cannot open"));
	rd_free(&r);
}

/* "-" reads standard input; its diagnostics say <stdin>. */
static void standard_input(void **state)
{
	(void)state;
	const char *doc = HEAD "<define-gate name=\"top\"><gate name=\"y\"/></define-gate>\n" TAIL;
	const char *path = write_tmp("stdin.xml", doc, strlen(doc));
	int saved = dup(0), fd = open(path, O_RDONLY);
	assert_true(saved >= 0 && fd >= 0);
	assert_int_equal(dup2(fd, 0), 0);
	close(fd);
	rd r;
	read_path(&r, "-");
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	assert_int_equal(r.err, FO_EINPUT);
	assert_string_equal(r.text, "<stdin>:4:25: error: gate 'y' is not defined\n");
	rd_free(&r);
}

static void sniff(void **state)
{
	(void)state;
	const char *yes[] = {
		"<opsa-mef>", "<opsa-mef/>", "\xEF\xBB\xBF<opsa-mef>", "  \n<opsa-mef name=\"m\">",
		"<?xml version=\"1.0\"?>\n<!-- a comment -->\n<opsa-mef>\n",
	};
	const char *no[] = {
		"", "<", "<opsa-mef", "<opsa-meff>", "<inventory>", "<m:opsa-mef>", "opsa-mef",
		"<!-- <opsa-mef> -->", "<!-- unclosed <opsa-mef>", "<?xml version=\"1.0\"?><graphml>",
	};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		assert_int_equal(fo_openpsa_sniff(yes[i], strlen(yes[i])), 1);
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		if (fo_openpsa_sniff(no[i], strlen(no[i])))
			fail_msg("sniffed as MEF: %s", no[i]);
	/* the first bytes of every Aralia tree */
	char head[512];
	FILE *f = fopen(ARALIA "das9701.xml", "rb");
	assert_non_null(f);
	size_t n = fread(head, 1, sizeof head, f);
	fclose(f);
	assert_int_equal(fo_openpsa_sniff(head, n), 1);
}

/* ------------------------------------------------------------ writer */

static char *write_mem(const fo_ft *ft, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&buf, &n);
	assert_non_null(fp);
	assert_int_equal(fo_openpsa_write(fp, ft), FO_OK);
	assert_int_equal(fclose(fp), 0);
	if (len)
		*len = n;
	return buf;
}

/* The node named `name` in ft, by a table built once (names are unique in
 * trees read from MEF). */
typedef struct names {
	const fo_ft *ft;
	uint32_t *by; /* node numbers sorted by name */
	uint32_t n;
} names;

static const fo_ft *cmp_ft;
static int cmp_name(const void *a, const void *b)
{
	const char *x = fo_ft_node_name(cmp_ft, *(const uint32_t *)a);
	const char *y = fo_ft_node_name(cmp_ft, *(const uint32_t *)b);
	return strcmp(x ? x : "", y ? y : "");
}

static void names_build(names *t, const fo_ft *ft)
{
	t->ft = ft;
	t->n = 0;
	t->by = malloc((fo_ft_node_count(ft) + 1) * sizeof *t->by);
	assert_non_null(t->by);
	for (uint32_t v = 0; v < fo_ft_node_count(ft); v++)
		if (fo_ft_node_name(ft, v))
			t->by[t->n++] = v;
	cmp_ft = ft;
	qsort(t->by, t->n, sizeof *t->by, cmp_name);
}

static uint32_t names_find(const names *t, const char *name)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(fo_ft_node_name(t->ft, t->by[mid]), name);
		if (!c)
			return t->by[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return FO_NONE;
}

/* Whether args[i] occurs before i. */
static int repeated(const uint32_t *args, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (args[j] == args[i])
			return 1;
	return 0;
}

/* Whether node u of a and node v of b are the same formula: named nodes by
 * name (their own formulas compared once, by the caller), anonymous ones
 * by their operator and arguments. */
static int same(const fo_ft *a, uint32_t u, const fo_ft *b, uint32_t v, int top)
{
	const char *nu = fo_ft_node_name(a, u), *nv = fo_ft_node_name(b, v);
	if (!top && (nu || nv))
		return nu && nv && !strcmp(nu, nv);
	if (fo_ft_node_op(a, u) != fo_ft_node_op(b, v))
		return 0;
	if (fo_ft_node_op(a, u) == FO_FT_EVENT)
		return fo_ft_event_p(a, fo_ft_node_event(a, u)) == fo_ft_event_p(b, fo_ft_node_event(b, v));
	fo_ft_op op = fo_ft_node_op(a, u);
	if ((op == FO_FT_ATLEAST || op == FO_FT_CONST) && fo_ft_node_k(a, u) != fo_ft_node_k(b, v))
		return 0;
	const uint32_t *x, *y;
	size_t nx = fo_ft_node_args(a, u, &x), ny = fo_ft_node_args(b, v, &y), i = 0, j = 0;
	/* AND and OR: a repeated argument means nothing (the writer drops it) */
	int idem = op == FO_FT_AND || op == FO_FT_OR;
	for (;;) {
		while (idem && i < nx && repeated(x, i))
			i++;
		while (idem && j < ny && repeated(y, j))
			j++;
		if (i == nx || j == ny)
			return i == nx && j == ny;
		if (!same(a, x[i++], b, y[j++], 0))
			return 0;
	}
}

/* a and b are the same tree: same name, same named nodes with the same
 * formulas, same anonymous structure, same top. */
static void assert_same_tree(const fo_ft *a, const fo_ft *b)
{
	names nb;
	uint32_t named = 0;
	assert_int_equal(fo_ft_node_count(a), fo_ft_node_count(b));
	assert_int_equal(fo_ft_event_count(a), fo_ft_event_count(b));
	assert_string_equal(fo_ft_name(a), fo_ft_name(b));
	names_build(&nb, b);
	for (uint32_t u = 0; u < fo_ft_node_count(a); u++) {
		const char *n = fo_ft_node_name(a, u);
		if (!n)
			continue;
		named++;
		uint32_t v = names_find(&nb, n);
		if (v == FO_NONE)
			fail_msg("'%s' is missing after the round trip", n);
		if (!same(a, u, b, v, 1)) {
			const uint32_t *x, *y;
			size_t nx = fo_ft_node_args(a, u, &x), ny = fo_ft_node_args(b, v, &y);
			fail_msg("'%s' differs after the round trip: op %d/%d, %zu/%zu arguments, "
				 "first '%s'/'%s'", n, fo_ft_node_op(a, u), fo_ft_node_op(b, v), nx, ny,
				 nx && fo_ft_node_name(a, x[0]) ? fo_ft_node_name(a, x[0]) : "-",
				 ny && fo_ft_node_name(b, y[0]) ? fo_ft_node_name(b, y[0]) : "-");
		}
	}
	assert_int_equal(named, nb.n);
	assert_string_equal(fo_ft_node_name(a, fo_ft_top(a)), fo_ft_node_name(b, fo_ft_top(b)));
	free(nb.by);
}

/* Every Aralia tree: read, written, read back into the same tree; the
 * second writing is the first byte for byte (the writer's output is a
 * fixed point). */
static void round_trip_aralia(void **state)
{
	(void)state;
	for (size_t t = 0; t < sizeof trees / sizeof *trees; t++) {
		char path[256];
		rd r, back;
		size_t len, len2;
		snprintf(path, sizeof path, ARALIA "%s.xml", trees[t].name);
		read_path(&r, path);
		assert_int_equal(r.err, FO_OK);
		char *out = write_mem(r.ft, &len);
		read_path(&back, write_tmp("back.xml", out, len));
		if (back.err != FO_OK || fo_diag_count(back.d))
			fail_msg("%s: the written tree does not read back cleanly:\n%s", trees[t].name,
				 back.text);
		assert_same_tree(r.ft, back.ft);
		char *out2 = write_mem(back.ft, &len2);
		if (len != len2 || memcmp(out, out2, len))
			fail_msg("%s: written twice, two different documents", trees[t].name);
		free(out);
		free(out2);
		rd_free(&r);
		rd_free(&back);
	}
}

/* ---- brute force over all states of the events (at most 20) */

static void eval_all(const fo_ft *ft, uint32_t state, unsigned char *val)
{
	for (uint32_t v = 0; v < fo_ft_node_count(ft); v++) {
		const uint32_t *args;
		size_t n = fo_ft_node_args(ft, v, &args), t = 0;
		for (size_t i = 0; i < n; i++)
			t += val[args[i]];
		switch (fo_ft_node_op(ft, v)) {
		case FO_FT_EVENT: val[v] = (state >> fo_ft_node_event(ft, v)) & 1; break;
		case FO_FT_AND: val[v] = t == n; break;
		case FO_FT_OR: val[v] = t > 0; break;
		case FO_FT_ATLEAST: val[v] = t >= fo_ft_node_k(ft, v); break;
		case FO_FT_NOT: val[v] = !val[args[0]]; break;
		case FO_FT_XOR: val[v] = t & 1; break;
		case FO_FT_CONST: val[v] = fo_ft_node_k(ft, v) != 0; break;
		}
	}
}

/* The top's truth table over `bits` variables: event e of ft is
 * variable perm[e]. */
static unsigned char *truth(const fo_ft *ft, const uint32_t *perm, uint32_t bits)
{
	uint32_t nev = fo_ft_event_count(ft);
	unsigned char *tt = malloc((size_t)1 << bits), *val = malloc(fo_ft_node_count(ft));
	assert_true(tt && val);
	for (uint32_t s = 0; s < (1u << bits); s++) {
		uint32_t st = 0;
		for (uint32_t e = 0; e < nev; e++)
			st |= ((s >> perm[e]) & 1u) << e;
		eval_all(ft, st, val);
		tt[s] = val[fo_ft_top(ft)];
	}
	free(val);
	return tt;
}

static double prob(const fo_ft *ft, const unsigned char *tt)
{
	uint32_t nev = fo_ft_event_count(ft);
	double p = 0;
	for (uint32_t s = 0; s < (1u << nev); s++) {
		if (!tt[s])
			continue;
		double q = 1;
		for (uint32_t e = 0; e < nev; e++)
			q *= (s >> e) & 1 ? fo_ft_event_p(ft, e) : 1 - fo_ft_event_p(ft, e);
		p += q;
	}
	return p;
}

/* Minimal cut sets of a coherent top: true states none of whose one-event
 * removals is true. */
static unsigned mcs_count(const unsigned char *tt, uint32_t nev)
{
	unsigned n = 0;
	for (uint32_t s = 0; s < (1u << nev); s++) {
		if (!tt[s])
			continue;
		int minimal = 1;
		for (uint32_t e = 0; e < nev && minimal; e++)
			if (((s >> e) & 1) && tt[s & ~(1u << e)])
				minimal = 0;
		n += (unsigned)minimal;
	}
	return n;
}

static uint32_t ev(fo_ft *ft, const char *name, double p)
{
	uint32_t v;
	assert_int_equal(fo_ft_add_event(ft, name, p, FO_NONE, &v), FO_OK);
	return v;
}

static uint32_t gate(fo_ft *ft, const char *name, fo_ft_op op, uint32_t k, size_t n, ...)
{
	uint32_t args[16], v;
	va_list ap;
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		args[i] = va_arg(ap, uint32_t);
	va_end(ap);
	assert_int_equal(fo_ft_add_gate(ft, name, op, k, args, n, &v), FO_OK);
	return v;
}

#define HOSTILE_EVENT "x \"q\" <y>\n&\\"
#define HOSTILE_TOP "top\"<&>\n中文"

/* A coherent tree of what SCRAM refuses as such: repeated arguments,
 * one-argument gates, ATLEAST 1 and n of n, a constant, an anonymous gate
 * used twice, names that are not MEF identifiers or that a gate and an
 * event share. */
static fo_ft *quirky_coherent(void)
{
	fo_ft *ft;
	assert_int_equal(fo_ft_new(&ft), FO_OK);
	assert_int_equal(fo_ft_set_name(ft, "quirks: coherent"), FO_OK);
	uint32_t a = ev(ft, "a", 0.1), b = ev(ft, "b", 0.2), c = ev(ft, "c", 0.3);
	uint32_t d = ev(ft, "d", 0.15), e = ev(ft, "e", 0.05), f = ev(ft, "f", 0.25);
	uint32_t g = ev(ft, "g", 0.4), h = ev(ft, "h", 0.35), x = ev(ft, HOSTILE_EVENT, 0.12);
	uint32_t zh = ev(ft, "中文", 0.22), nine = ev(ft, "9lives", 0.3);
	uint32_t n1 = gate(ft, NULL, FO_FT_AND, 0, 3, a, a, b);
	uint32_t n2 = gate(ft, "or one", FO_FT_OR, 0, 1, c);
	uint32_t n3 = gate(ft, NULL, FO_FT_ATLEAST, 2, 3, a, a, d);
	uint32_t n4 = gate(ft, NULL, FO_FT_ATLEAST, 1, 2, e, f);
	uint32_t n5 = gate(ft, "a", FO_FT_ATLEAST, 3, 3, n3, g, h);
	uint32_t n6 = gate(ft, NULL, FO_FT_CONST, 0, 0);
	uint32_t n7 = gate(ft, "g-7", FO_FT_ATLEAST, 2, 4, x, zh, e, nine);
	uint32_t n8 = gate(ft, NULL, FO_FT_AND, 0, 1, n7);
	uint32_t n9 = gate(ft, NULL, FO_FT_ATLEAST, 4, 7, f, f, g, g, g, c, nine);
	uint32_t top = gate(ft, HOSTILE_TOP, FO_FT_OR, 0, 8, n1, n2, n3, n4, n5, n6, n8, n9);
	assert_int_equal(fo_ft_set_top(ft, top), FO_OK);
	return ft;
}

/* A non-coherent one: XOR of four, XOR with repeats, NOT, a chain of 40
 * one-argument gates (deeper than the writer nests), a constant true. */
static fo_ft *quirky_noncoherent(void)
{
	fo_ft *ft;
	assert_int_equal(fo_ft_new(&ft), FO_OK);
	assert_int_equal(fo_ft_set_name(ft, "nc"), FO_OK);
	uint32_t a = ev(ft, "a", 0.1), b = ev(ft, "b", 0.2), c = ev(ft, "c", 0.3);
	uint32_t d = ev(ft, "d", 0.15), e = ev(ft, "e", 0.05), f = ev(ft, "f", 0.25);
	uint32_t g = ev(ft, "g", 0.4), h = ev(ft, "h", 0.35);
	uint32_t x1 = gate(ft, NULL, FO_FT_XOR, 0, 4, a, b, c, d);
	uint32_t x2 = gate(ft, NULL, FO_FT_XOR, 0, 3, e, e, f);
	uint32_t x3 = gate(ft, NULL, FO_FT_NOT, 0, 1, g);
	uint32_t ch = gate(ft, NULL, FO_FT_AND, 0, 2, a, h);
	for (int i = 0; i < 40; i++)
		ch = gate(ft, NULL, FO_FT_OR, 0, 1, ch);
	uint32_t x4 = gate(ft, NULL, FO_FT_XOR, 0, 2, b, b);
	uint32_t x5 = gate(ft, NULL, FO_FT_XOR, 0, 5, e, e, e, f, f);
	uint32_t t = gate(ft, NULL, FO_FT_CONST, 1, 0);
	uint32_t top = gate(ft, "top", FO_FT_ATLEAST, 3, 8, x1, x2, x3, ch, x4, h, t, x5);
	assert_int_equal(fo_ft_set_top(ft, top), FO_OK);
	return ft;
}

/* The tree on stderr, one node a line (for failures). */
static void dump_tree(const fo_ft *ft)
{
	for (uint32_t v = 0; v < fo_ft_node_count(ft); v++) {
		const uint32_t *args;
		size_t n = fo_ft_node_args(ft, v, &args);
		const char *name = fo_ft_node_name(ft, v);
		fprintf(stderr, "%u%s: op %d k %u %s:", v, v == fo_ft_top(ft) ? " (top)" : "",
			fo_ft_node_op(ft, v), fo_ft_node_k(ft, v), name ? name : "-");
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " %u", args[i]);
		fprintf(stderr, "\n");
	}
}

/* Written, read back: no diagnostic, and the same function of the same
 * events (matched by their written names, `mapped`, NULL: the original). */
static void check_written(const fo_ft *ft, const char *const *mapped, fo_ft **back_out,
			  const char *file)
{
	size_t len;
	char *out = write_mem(ft, &len);
	rd back;
	read_path(&back, write_tmp(file, out, len));
	if (back.err != FO_OK || fo_diag_count(back.d)) {
		dump_tree(ft);
		fprintf(stderr, "%s", out);
		fail_msg("the written tree does not read back cleanly:\n%s", back.text);
	}
	/* every event of the top's cone is written, others are not; each
	 * written one under its (mapped) name, with its probability */
	uint32_t nev = fo_ft_event_count(ft), nback = fo_ft_event_count(back.ft), id[32], inv[32];
	assert_true(nback <= nev);
	for (uint32_t j = 0; j < nback; j++) {
		inv[j] = FO_NONE;
		for (uint32_t e = 0; e < nev; e++) {
			const char *want = mapped && mapped[e] ? mapped[e] : fo_ft_event_name(ft, e);
			if (!strcmp(fo_ft_event_name(back.ft, j), want))
				inv[j] = e;
		}
		if (inv[j] == FO_NONE)
			fail_msg("event '%s' of the written tree is none of the original's:\n%s",
				 fo_ft_event_name(back.ft, j), out);
		assert_true(fo_ft_event_p(back.ft, j) == fo_ft_event_p(ft, inv[j]));
	}
	for (uint32_t e = 0; e < nev; e++)
		id[e] = e;
	unsigned char *t1 = truth(ft, id, nev), *t2 = truth(back.ft, inv, nev);
	if (memcmp(t1, t2, (size_t)1 << nev)) {
		dump_tree(ft);
		fprintf(stderr, "%s", out);
	}
	assert_memory_equal(t1, t2, (size_t)1 << nev);
	free(t1);
	free(t2);
	free(out);
	*back_out = back.ft;
	back.ft = NULL;
	rd_free(&back);
}

static void writer_rewrites(void **state)
{
	(void)state;
	fo_ft *ft = quirky_coherent(), *back;
	const char *mapped[11] = { 0 };
	mapped[8] = "x__q___y____";
	mapped[9] = "中文";
	mapped[10] = "_9lives";
	check_written(ft, mapped, &back, "q1.xml");
	/* names: the gate "a" yields to the event "a", the hostile top keeps
	 * what it can; the originals are in labels (checked in the text) */
	assert_int_not_equal(node_named(back, "a_2"), FO_NONE);
	assert_int_not_equal(node_named(back, "or_one"), FO_NONE);
	assert_int_not_equal(node_named(back, "g-7"), FO_NONE);
	assert_string_equal(fo_ft_node_name(back, fo_ft_top(back)), "top_____中文");
	assert_string_equal(fo_ft_name(back), "quirks__coherent");
	char *out = write_mem(ft, NULL);
	assert_non_null(strstr(out, "<label>x \"q\" &lt;y&gt;&#10;&amp;\\</label>"));
	assert_non_null(strstr(out, "<label>top\"&lt;&amp;&gt;&#10;中文</label>"));
	assert_non_null(strstr(out, "<label>quirks: coherent</label>"));
	assert_non_null(strstr(out, "<define-gate name=\"a_2\">\n      <label>a</label>"));
	free(out);
	fo_ft_free(back);
	fo_ft_free(ft);

	ft = quirky_noncoherent();
	check_written(ft, NULL, &back, "q2.xml");
	fo_ft_free(back);
	out = write_mem(ft, NULL);
	/* the one-argument chain: nested 32 deep, then a generated gate */
	assert_non_null(strstr(out, "<define-gate name=\"_g"));
	assert_null(strstr(out, "<xor>\n        <basic-event name=\"b\"/>\n        <basic-event name=\"b\"/>"));
	free(out);
	fo_ft_free(ft);

	/* an event as the top; an unknown probability; no top */
	assert_int_equal(fo_ft_new(&ft), FO_OK);
	uint32_t solo = ev(ft, "solo", -1);
	assert_int_equal(fo_openpsa_write(stdout, ft), FO_EINVAL);
	assert_int_equal(fo_ft_set_top(ft, solo), FO_OK);
	out = write_mem(ft, NULL);
	assert_string_equal(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				 "<opsa-mef>\n"
				 "  <define-fault-tree name=\"fault-tree\">\n"
				 "    <define-gate name=\"top\">\n"
				 "      <basic-event name=\"solo\"/>\n"
				 "    </define-gate>\n"
				 "  </define-fault-tree>\n"
				 "  <model-data>\n"
				 "    <define-basic-event name=\"solo\"/>\n"
				 "  </model-data>\n"
				 "</opsa-mef>\n");
	free(out);
	fo_ft_free(ft);
}

/* A random tree over nev events: every operator, repeated arguments,
 * anonymous gates used once or more, one-argument gates; deterministic
 * (xorshift from seed). */
static fo_ft *random_tree(uint32_t seed, uint32_t nev, uint32_t ngates)
{
	fo_ft *ft;
	uint32_t x = seed * 2654435761u + 1;
#define RND() (x ^= x << 13, x ^= x >> 17, x ^= x << 5, x)
	assert_int_equal(fo_ft_new(&ft), FO_OK);
	for (uint32_t e = 0; e < nev; e++) {
		char name[16];
		snprintf(name, sizeof name, "e%u", e);
		ev(ft, name, (double)(RND() % 999 + 1) / 1000.0);
	}
	for (uint32_t g = 0; g < ngates; g++) {
		uint32_t n = fo_ft_node_count(ft), args[8], k = 0;
		fo_ft_op op = (fo_ft_op)(1 + RND() % 6);
		size_t nargs = op == FO_FT_NOT ? 1 : op == FO_FT_CONST ? 0 : op == FO_FT_XOR ? 2 + RND() % 4
			     : 1 + RND() % 6;
		for (size_t i = 0; i < nargs; i++)
			args[i] = i && RND() % 4 == 0 ? args[RND() % i] : n - 1 - RND() % (n < 6 ? n : 6);
		if (op == FO_FT_ATLEAST)
			k = 1 + RND() % (uint32_t)nargs;
		if (op == FO_FT_CONST)
			k = RND() % 2;
		char name[16];
		snprintf(name, sizeof name, "g%u", g);
		assert_int_equal(fo_ft_add_gate(ft, RND() % 3 ? NULL : name, op, k, args, nargs, NULL),
				 FO_OK);
	}
#undef RND
	assert_int_equal(fo_ft_set_top(ft, fo_ft_node_count(ft) - 1), FO_OK);
	return ft;
}

/* 300 random trees written and read back into the same function. */
static void writer_random(void **state)
{
	(void)state;
	for (uint32_t seed = 1; seed <= 300; seed++) {
		fo_ft *ft = random_tree(seed, 7, 12), *back;
		check_written(ft, NULL, &back, "random.xml");
		fo_ft_free(back);
		fo_ft_free(ft);
	}
}

/* ---- SCRAM 0.16.2 (/usr/bin/scram, installed by `make deps-test`) */

typedef struct scram_result {
	long products;
	double p;
	char pstr[32];
} scram_result;

static int have_scram(void)
{
	return access("/usr/bin/scram", X_OK) == 0;
}

/* Runs SCRAM on path (BDD, exact probability) and reads the top's numbers
 * from its report. */
static void scram_run(const char *path, scram_result *res)
{
	char cmd[1200], out[600];
	snprintf(out, sizeof out, "%s/scram-report.xml", tmpdir);
	snprintf(cmd, sizeof cmd, "scram '%s' --bdd --probability 1 -o '%s' >/dev/null 2>&1", path, out);
	int rc = system(cmd);
	if (rc != 0) {
		snprintf(cmd, sizeof cmd, "scram '%s' --bdd --probability 1 -o /dev/null 1>&2", path);
		if (system(cmd)) { /* prints SCRAM's complaint */
		}
		fail_msg("scram refused %s (status %d)", path, rc);
	}
	FILE *f = fopen(out, "r");
	assert_non_null(f);
	char line[4096];
	memset(res, 0, sizeof *res);
	res->products = -1;
	while (fgets(line, sizeof line, f)) {
		const char *s = strstr(line, "<sum-of-products ");
		if (!s)
			continue;
		const char *pp = strstr(s, " products=\""), *pr = strstr(s, " probability=\"");
		assert_non_null(pp);
		assert_non_null(pr);
		res->products = strtol(pp + 11, NULL, 10);
		sscanf(pr + 14, "%31[^\"]", res->pstr);
		res->p = strtod(res->pstr, NULL);
	}
	fclose(f);
	unlink(out);
	assert_true(res->products >= 0);
}

/* SCRAM solves the written trees to the same numbers: on Aralia trees it
 * solves in well under a second, the original against ours; on the quirky
 * trees, against the brute force. */
static void writer_scram(void **state)
{
	(void)state;
	if (!have_scram())
		skip(); /* `make check` installs it (deps-test); check-unit alone may not */
	static const char *const fast[] = { "chinese", "baobab2", "das9601", "das9206", "das9208",
					    "isp9605" };
	for (size_t i = 0; i < sizeof fast / sizeof *fast; i++) {
		char path[256];
		rd r;
		scram_result a, b;
		size_t len;
		snprintf(path, sizeof path, ARALIA "%s.xml", fast[i]);
		read_path(&r, path);
		assert_int_equal(r.err, FO_OK);
		char *out = write_mem(r.ft, &len);
		scram_run(path, &a);
		scram_run(write_tmp("w.xml", out, len), &b);
		if (a.products != b.products || strcmp(a.pstr, b.pstr))
			fail_msg("%s: SCRAM gives %ld sets, P %s on the original and %ld, %s on ours",
				 fast[i], a.products, a.pstr, b.products, b.pstr);
		free(out);
		rd_free(&r);
	}
	fo_ft *trees2[12] = { quirky_coherent(), quirky_noncoherent() };
	for (int i = 2; i < 12; i++)
		trees2[i] = random_tree(1000 + (uint32_t)i, 7, 12);
	for (int i = 0; i < 12; i++) {
		fo_ft *ft = trees2[i];
		size_t len;
		char *out = write_mem(ft, &len);
		scram_result s;
		scram_run(write_tmp("q.xml", out, len), &s);
		uint32_t nev = fo_ft_event_count(ft), id[32];
		for (uint32_t e = 0; e < nev; e++)
			id[e] = e;
		unsigned char *tt = truth(ft, id, nev);
		double p = prob(ft, tt);
		/* SCRAM prints 6 significant digits */
		if (!(s.p >= p * (1 - 1e-5) - 1e-300 && s.p <= p * (1 + 1e-5) + 1e-300)) {
			fprintf(stderr, "%s", out);
			fail_msg("quirky tree %d: SCRAM P %s, brute force %.9g", i, s.pstr, p);
		}
		if (i == 0)
			assert_int_equal(s.products, mcs_count(tt, nev));
		free(tt);
		free(out);
		fo_ft_free(ft);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(aralia_counts),
		cmocka_unit_test(aralia_chinese),
		cmocka_unit_test(constructs),
		cmocka_unit_test(errors_references),
		cmocka_unit_test(errors_cycles),
		cmocka_unit_test(errors_tops),
		cmocka_unit_test(errors_probabilities),
		cmocka_unit_test(errors_shapes),
		cmocka_unit_test(errors_names),
		cmocka_unit_test(errors_unknown),
		cmocka_unit_test(undefined_events),
		cmocka_unit_test(hostile),
		cmocka_unit_test(long_chain),
		cmocka_unit_test(standard_input),
		cmocka_unit_test(missing_file),
		cmocka_unit_test(sniff),
		cmocka_unit_test(round_trip_aralia),
		cmocka_unit_test(writer_rewrites),
		cmocka_unit_test(writer_random),
		cmocka_unit_test(writer_scram),
	};
	return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
