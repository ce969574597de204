/*
 * scenfile.c — the scenario file writer (fo_scenfile.h).
 */
#include <stdint.h>
#include <string.h>

#include "fo_scenfile.h"
#include "../graphs/fo_error.h"

int fo_scenfile_text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		size_t k;
		uint32_t cp;
		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				return 0;
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((p[j] & 0xc0) != 0x80) /* the NUL ends it too */
				return 0;
			cp = cp << 6 | (p[j] & 0x3f);
		}
		if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) || cp == 0xfffe || cp == 0xffff)
			return 0;
		p += k + 1;
	}
	return 1;
}

static void attr(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\t': fputs("&#9;", fp); break;
		case '\n': fputs("&#10;", fp); break;
		case '\r': fputs("&#13;", fp); break;
		default: fputc(*s, fp);
		}
	}
}

int fo_scenfile_write(FILE *fp, const fo_graph *g, const char *name, const fo_scenario *sc)
{
	uint32_t n;
	if (!fp || !g || !name || !*name || !sc || (!sc->nfail && !sc->ndestroy) ||
	    (sc->nfail && !sc->fail) || (sc->ndestroy && !sc->destroy))
		return FO_EINVAL;
	n = fo_graph_node_count(g);
	if (!fo_scenfile_text_ok(name))
		return FO_EINPUT;
	for (int d = 0; d < 2; d++) {
		const uint32_t *v = d ? sc->destroy : sc->fail;
		size_t nv = d ? sc->ndestroy : sc->nfail;
		for (size_t i = 0; i < nv; i++) {
			if (v[i] >= n)
				return FO_EINVAL;
			if (!fo_scenfile_text_ok(fo_graph_node_id(g, v[i])))
				return FO_EINPUT;
		}
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<scenarios version=\"1\">\n  <scenario name=\"",
	      fp);
	attr(fp, name);
	fputs("\">", fp);
	for (int d = 0; d < 2; d++) {
		const uint32_t *v = d ? sc->destroy : sc->fail;
		size_t nv = d ? sc->ndestroy : sc->nfail;
		for (size_t i = 0; i < nv; i++) {
			fputs(d ? "\n    <destroy ref=\"" : "\n    <fail ref=\"", fp);
			attr(fp, fo_graph_node_id(g, v[i]));
			fputs("\"/>", fp);
		}
	}
	fputs("\n  </scenario>\n</scenarios>\n", fp);
	return ferror(fp) ? FO_EIO : FO_OK;
}
