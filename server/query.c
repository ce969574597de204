/*
 * query.c — decoding of query strings for the API (fo_api.h): strict
 * percent-decoding (a malformed escape is an error, not text), '+' as a
 * space, and UTF-8 validation of every decoded key and value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fo_api.h"
#include "../graphs/fo_error.h"
#include "../graphs/fo_graph.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..len) into out (NUL-terminated); *outlen the bytes written.
 * Returns FO_OK or FO_EINPUT (*why set). */
static int decode(const char *s, size_t len, char *out, size_t *outlen, const char **why)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '+') {
			out[o++] = ' ';
		} else if (c == '%') {
			int hi = i + 1 < len ? hexval((unsigned char)s[i + 1]) : -1;
			int lo = i + 2 < len ? hexval((unsigned char)s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				*why = "malformed %-escape in the query string (% must be followed by two hex digits)";
				return FO_EINPUT;
			}
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	if (memchr(out, '\0', o)) {
		*why = "a query parameter holds a NUL byte (%00)";
		return FO_EINPUT;
	}
	if (!fo_graph_blob_utf8_ok((const unsigned char *)out, o)) {
		*why = "a query parameter is not UTF-8 text";
		return FO_EINPUT;
	}
	*outlen = o;
	return FO_OK;
}

int fo_api_query_parse(fo_api_query *q, const char *s, size_t len, const char **why)
{
	int err = FO_OK;
	size_t pairs = 1, used = 0;
	static const char *none = "";
	memset(q, 0, sizeof *q);
	*why = NULL;
	if (!s)
		len = 0;
	for (size_t i = 0; i < len; i++)
		pairs += s[i] == '&';
	/* Decoded text never grows: each pair needs at most its raw bytes plus
	 * two NULs. */
	if (!(q->buf = malloc(len + 2 * pairs + 1)) || !(q->v = malloc(pairs * sizeof *q->v))) {
		err = FO_ENOMEM;
		goto done;
	}
	for (size_t start = 0; start <= len;) {
		const char *pair = s ? s + start : none;
		const char *amp = len > start ? memchr(pair, '&', len - start) : NULL;
		size_t plen = amp ? (size_t)(amp - pair) : len - start;
		if (plen) {
			const char *eq = memchr(pair, '=', plen);
			size_t klen = eq ? (size_t)(eq - pair) : plen, n;
			char *k = q->buf + used;
			if ((err = decode(pair, klen, k, &n, why)) < 0)
				goto done;
			used += n + 1;
			char *v = q->buf + used;
			if ((err = decode(eq ? eq + 1 : pair + plen, eq ? plen - klen - 1 : 0, v, &n, why)) < 0)
				goto done;
			used += n + 1;
			q->v[q->n].key = k;
			q->v[q->n].value = v;
			q->n++;
		}
		start += plen + 1;
	}
done:
	if (err < 0)
		fo_api_query_dispose(q);
	return err;
}

void fo_api_query_dispose(fo_api_query *q)
{
	if (!q)
		return;
	free(q->v);
	free(q->buf);
	memset(q, 0, sizeof *q);
}
