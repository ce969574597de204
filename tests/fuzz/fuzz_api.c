/*
 * fuzz_api.c — libFuzzer harness of the JSON API of `fallout serve`
 * (server/fo_api.h): fuzzed bytes are a request. The first byte picks the
 * method (GET, HEAD, or another) and the inventory, both embedded at build
 * time (samples/quickstart.xml, and tests/cli/inputs/hostile-names.xml whose
 * ids try to break every output syntax); the rest, up to its first NUL, is
 * the request target as a client sends it ("/api/whatif?fail=gz&...").
 *
 * Checks: fo_api_handle answers every request (FO_OK) with a status of
 * docs/serve.md's (200, 400, 404, 405, 413, 414, 500 only for a refused
 * diagram); a JSON answer is well-formed (jansson, duplicate keys refused,
 * strict UTF-8), an error has the documented shape and code for its status;
 * every other answer is valid UTF-8 (the page, the SVG, the scenario file).
 * Diagrams are laid out by Graphviz: slow inputs are bounded by run.sh's
 * -timeout. Run and reproduce: tests/fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../graphs/fo_error.h"
#include "../../importers/fo_inventory.h"
#include "../../server/fo_api.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const unsigned char fz_quickstart_xml[];
extern const unsigned long fz_quickstart_xml_len;
extern const unsigned char fz_hostile_names_xml[];
extern const unsigned long fz_hostile_names_xml_len;

static fo_graph *graphs[2];
static fo_api *apis[2];

static fo_graph *load_fixed(const char *stem, const unsigned char *xml, unsigned long len)
{
	const char *path = fz_path(stem, ".xml");
	fo_diag *diag = NULL;
	fo_graph *g = NULL;
	fz_write(path, xml, len);
	if (fo_diag_new(&diag, 0) != FO_OK)
		fz_fail("fo_diag_new");
	if (fo_inventory_load(&g, path, NULL, diag) != FO_OK)
		fz_fail("the embedded inventory %s does not load", stem);
	fo_diag_free(diag);
	return g;
}

static void free_all(void)
{
	for (int i = 0; i < 2; i++) {
		fo_api_free(apis[i]);
		fo_graph_free(graphs[i]);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	graphs[0] = load_fixed("quickstart", fz_quickstart_xml, fz_quickstart_xml_len);
	graphs[1] = load_fixed("hostile-names", fz_hostile_names_xml, fz_hostile_names_xml_len);
	for (int i = 0; i < 2; i++) {
		fo_api_opts o = { "fuzz.xml", 1 };
		if (fo_api_new(&apis[i], graphs[i], &o) != FO_OK)
			fz_fail("fo_api_new");
	}
	atexit(free_all);
	return 0;
}

/* The code an error of this status may have (docs/serve.md, "Errors"). */
static int code_fits(int status, const char *code)
{
	switch (status) {
	case 400:
		return !strcmp(code, "unknown-id") || !strcmp(code, "too-many-ids") ||
		       !strcmp(code, "missing-parameter") || !strcmp(code, "bad-parameter");
	case 404: return !strcmp(code, "not-found");
	case 405: return !strcmp(code, "method-not-allowed");
	case 413:
	case 414: return !strcmp(code, "too-large");
	case 500: return !strcmp(code, "render-failed");
	}
	return 0;
}

static void check_error(const fo_api_response *r)
{
	json_error_t je;
	json_t *j = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, &je);
	json_t *e = j ? json_object_get(j, "error") : NULL;
	const char *code = e ? json_string_value(json_object_get(e, "code")) : NULL;
	if (!e || !code || !json_string_value(json_object_get(e, "message")) ||
	    json_integer_value(json_object_get(e, "status")) != r->status)
		fz_fail("error %d without the documented shape: %.*s", r->status, (int)r->len, r->body);
	if (!code_fits(r->status, code))
		fz_fail("error %d with code %s", r->status, code);
	if (!strcmp(code, "unknown-id") && !json_is_array(json_object_get(e, "ids")))
		fz_fail("unknown-id without ids");
	if (r->status == 405 && (!r->allow || strcmp(r->allow, "GET, HEAD")))
		fz_fail("405 without Allow");
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "HEAD", "POST", "GET" };
	if (!size)
		return 0;
	const char *method = methods[data[0] & 3];
	fo_api *api = apis[(data[0] >> 2) & 1];
	char *target = malloc(size);
	if (!target)
		fz_fail("out of memory");
	memcpy(target, data + 1, size - 1);
	target[size - 1] = '\0'; /* a target ends at its first NUL */

	fo_api_response r = { 0 };
	int err = fo_api_handle(api, method, target, &r);
	if (err != FO_OK)
		fz_fail("fo_api_handle: %s", fo_strerror(err));
	if (!r.body || strlen(r.body) != r.len || !r.content_type)
		fz_fail("an answer without a body or a type (status %d)", r.status);
	switch (r.status) {
	case 200:
		if (!strncmp(r.content_type, "application/json", 16))
			fz_check_json("200 JSON", r.body, r.len);
		else
			fz_check_utf8(r.content_type, r.body, r.len);
		break;
	case 400:
	case 404:
	case 405:
	case 413:
	case 414:
	case 500:
		check_error(&r);
		break;
	default:
		fz_fail("status %d", r.status);
	}
	fo_api_response_dispose(&r);
	free(target);
	return 0;
}
