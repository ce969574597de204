/*
 * fuzz_selftest.c — proves that the harnesses' checks (fuzz_common.c) can
 * fail: a check that accepts everything would make every fuzz run green. The
 * input's first byte picks a case; run.sh runs each bad case and demands
 * "fuzz check failed" and a non-zero exit, and the good case and demands
 * success. Not a fuzzer: built like the harnesses only to share their
 * objects and sanitizers.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../graphs/fo_diag.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(void (*check)(const char *, const char *, size_t), const char *s)
{
	check("selftest", s, strlen(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fo_diag *d = NULL;

	if (size == 0)
		return 0;
	switch (data[0]) {
	case 'g': /* good: every check passes */
		check_str(fz_check_json, "{\"a\": [1, \"\\u00e9\\u0000\", null], \"b\": \"\xe5\xbe\xae\"}\n");
		check_str(fz_check_utf8, "ok \xe5\xbe\xae\xe4\xbf\xa1 \xf0\x9f\x94\xa5\r\n");
		check_str(fz_check_dot, "digraph { n0 [label=\"a\\\"b\"]; n0 -> n1; }\n");
		if (fo_diag_new(&d, 0) != 0)
			fz_fail("fo_diag_new");
		fo_diag_add(d, FO_SEV_ERROR, "f.xml", 3, 7, NULL, "bad");
		fz_check_diag_located("selftest", d, "f.xml", 1);
		fo_diag_free(d);
		return 0;
	case 'j': check_str(fz_check_json, "{\"a\": 1,}"); break;
	case 'k': check_str(fz_check_json, "{\"a\": 1, \"a\": 2}"); break;
	case 'J': check_str(fz_check_json, "{\"a\": \"\xc3\"}"); break;
	case 'u': check_str(fz_check_utf8, "overlong \xc0\xaf"); break;
	case 's': check_str(fz_check_utf8, "surrogate \xed\xa0\x80"); break;
	case 'z': fz_check_utf8("selftest", "a\0b", 3); break;
	case 'd': check_str(fz_check_dot, "digraph { n0 -> ; }"); break;
	case 'l':
	case 'f':
	case 'e':
		if (fo_diag_new(&d, 0) != 0)
			fz_fail("fo_diag_new");
		if (data[0] == 'l') /* no column */
			fo_diag_add(d, FO_SEV_ERROR, "f.xml", 3, 0, NULL, "bad");
		else if (data[0] == 'f') /* another file */
			fo_diag_add(d, FO_SEV_ERROR, "g.xml", 3, 7, NULL, "bad");
		else /* only a warning: no error stored */
			fo_diag_add(d, FO_SEV_WARNING, "f.xml", 3, 7, NULL, "meh");
		fz_check_diag_located("selftest", d, "f.xml", 1);
		fo_diag_free(d);
		break;
	default: return 0;
	}
	return 0; /* a bad case that got here: run.sh reports it */
}
