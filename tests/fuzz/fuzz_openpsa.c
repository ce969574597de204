/*
 * fuzz_openpsa.c — libFuzzer harness of the Open-PSA MEF reader and writer
 * (importers/fo_openpsa.h): bytes → fo_openpsa_read → fo_openpsa_write →
 * fo_openpsa_read again.
 *
 * Checks beyond "no crash, no leak, no undefined behaviour":
 *  - a failed read returns FO_EINPUT or FO_ELIMIT, no tree, and every stored
 *    error located FILE:LINE:COL in the file read;
 *  - a tree read has a top, and every gate's arguments come before it;
 *  - the sniffer says MEF for every document the reader accepts;
 *  - the writer's MEF reads back without a single diagnostic, and, when the
 *    tree has at most 12 basic events named as MEF identifiers (so that the
 *    writer keeps their names and they can be matched), into the same
 *    function of them: the two truth tables of the top are equal.
 * Run and reproduce: tests/fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../graphs/fo_error.h"
#include "../../graphs/fo_ft.h"
#include "../../importers/fo_openpsa.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_EVENTS 12

static char *write_mem(const fo_ft *ft, size_t *len)
{
	fz_membuf mb;
	FILE *fp = fz_mb_open(&mb);
	fz_mb_close(&mb, "openpsa write", fo_openpsa_write(fp, ft));
	*len = mb.len;
	return mb.buf;
}

/* A name the writer keeps as it is: ASCII letters, digits and '_', not
 * starting with a digit (a subset of what it keeps). */
static int plain(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9') || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return 0;
	return 1;
}

/* The value of the top for the events set in `state` (bit e: event e). */
static int eval(const fo_ft *ft, uint32_t state, unsigned char *val)
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
	return val[fo_ft_top(ft)];
}

static void same_function(const fo_ft *a, const fo_ft *b)
{
	uint32_t na = fo_ft_event_count(a), nb = fo_ft_event_count(b), map[MAX_EVENTS];
	if (na > MAX_EVENTS)
		return;
	for (uint32_t e = 0; e < na; e++)
		if (!plain(fo_ft_event_name(a, e)))
			return;
	/* event j of b is event map[j] of a (the writer writes only the top's
	 * cone: b may have fewer) */
	if (nb > na)
		fz_fail("read back: %u events, more than the %u of the tree written", nb, na);
	for (uint32_t j = 0; j < nb; j++) {
		map[j] = UINT32_MAX;
		for (uint32_t e = 0; e < na; e++)
			if (!strcmp(fo_ft_event_name(b, j), fo_ft_event_name(a, e)))
				map[j] = e;
		if (map[j] == UINT32_MAX)
			fz_fail("read back: event '%s' is not in the tree written", fo_ft_event_name(b, j));
		double pa = fo_ft_event_p(a, map[j]), pb = fo_ft_event_p(b, j);
		if (!(pa == pb || (pa < 0 && pb < 0)))
			fz_fail("read back: event '%s' has p %.17g, not %.17g", fo_ft_event_name(b, j), pb, pa);
	}
	unsigned char *va = malloc(fo_ft_node_count(a)), *vb = malloc(fo_ft_node_count(b));
	if (!va || !vb)
		fz_fail("out of memory");
	for (uint32_t s = 0; s < (1u << na); s++) {
		uint32_t sb = 0;
		for (uint32_t j = 0; j < nb; j++)
			sb |= ((s >> map[j]) & 1u) << j;
		if (eval(a, s, va) != eval(b, sb, vb))
			fz_fail("read back: the top differs for the events 0x%x", s);
	}
	free(va);
	free(vb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fz_path("input", ".xml");
	fo_ft *ft = NULL, *back = NULL;
	fo_diag *diag = NULL, *diag2 = NULL;

	fz_write(path, data, size);
	if (fo_diag_new(&diag, 0) != FO_OK || fo_diag_new(&diag2, 0) != FO_OK)
		fz_fail("setting up the diagnostics");
	int err = fo_openpsa_read(path, diag, &ft);
	if (err != FO_OK) {
		if (ft)
			fz_fail("read: %s, but a tree was returned", fo_strerror(err));
		if (err != FO_EINPUT && err != FO_ELIMIT)
			fz_fail("read: unexpected %s", fo_strerror(err));
		fz_check_diag_located("openpsa", diag, path, 1);
		fo_diag_free(diag);
		fo_diag_free(diag2);
		return 0;
	}
	if (fo_ft_top(ft) == FO_NONE)
		fz_fail("read: a tree without a top");
	for (uint32_t v = 0; v < fo_ft_node_count(ft); v++) {
		const uint32_t *args;
		size_t n = fo_ft_node_args(ft, v, &args);
		for (size_t i = 0; i < n; i++)
			if (args[i] >= v)
				fz_fail("read: node %u has argument %u", v, args[i]);
	}
	if (!fo_openpsa_sniff((const char *)data, size))
		fz_fail("the sniffer does not recognise a document the reader accepts");

	size_t len;
	char *out = write_mem(ft, &len);
	const char *wpath = fz_path("written", ".xml");
	fz_write(wpath, (const uint8_t *)out, len);
	err = fo_openpsa_read(wpath, diag2, &back);
	if (err != FO_OK || fo_diag_count(diag2)) {
		fo_diag_print(diag2, stderr);
		fz_fail("the writer's MEF does not read back cleanly (%s, %zu diagnostics)",
			fo_strerror(err), fo_diag_count(diag2));
	}
	same_function(ft, back);
	free(out);
	fo_ft_free(back);
	fo_ft_free(ft);
	fo_diag_free(diag2);
	fo_diag_free(diag);
	return 0;
}
