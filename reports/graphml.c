/*
 * graphml.c — the GraphML writer (fo_graphml.h; the document's shape in
 * docs/importers/graphml.md, "Writing GraphML").
 *
 * GraphML node ids are synthetic (n0, n1, ... in document order) so that
 * the document is valid whatever the inventory's ids hold (the schema types
 * ids as XML name tokens: no blank, no quote); the fallout id travels in
 * the data key "fallout.id", which fallout's reader takes back as the id.
 * Property names become keys of their own (attr.name = the property name)
 * so that Gephi and yEd show them as columns; a property named like one of
 * the writer's own keys is written "prop:NAME" (and read back as NAME).
 */
#include "fo_graphml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_error.h"
#include "report_int.h"

/* The writer's own node keys: a property with one of these names (or
 * starting with "prop:") is written "prop:NAME". */
static const char *const reserved[] = {
	"fallout.id", "label", "name", "kind", "tenant", "tier", "container",
	"state", "flags", "cause", "root", NULL,
};

static int is_reserved(const char *k)
{
	if (!strncmp(k, "prop:", 5))
		return 1;
	for (size_t i = 0; reserved[i]; i++)
		if (!strcmp(k, reserved[i]))
			return 1;
	return 0;
}

/* Writes s escaped for XML text and double-quoted attribute values. */
static void put_esc(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		size_t n = fo_report__utf8(p, &cp);
		if (n == 0) {
			fputs("\xEF\xBF\xBD", fp); /* not UTF-8: U+FFFD */
			p++;
			continue;
		}
		switch (cp) {
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '&': fputs("&amp;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\t': fputs("&#9;", fp); break;
		case '\n': fputs("&#10;", fp); break;
		case '\r': fputs("&#13;", fp); break;
		default:
			/* XML 1.0 has no way to carry other C0 controls,
			 * U+FFFE or U+FFFF, even as references. */
			if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF)
				fputs("\xEF\xBF\xBD", fp);
			else
				fwrite(p, 1, n, fp);
		}
		p += n;
	}
}

static void data(FILE *fp, const char *indent, const char *key, const char *value)
{
	fprintf(fp, "%s<data key=\"%s\">", indent, key);
	put_esc(fp, value);
	fputs("</data>\n", fp);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The index of k in the sorted unique names (present). */
static size_t find_name(const char *const *names, size_t n, const char *k)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(names[mid], k);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The state word of the impacts CSV (fo_report_impacts_csv). */
static const char *state_word(const fo_engine *e, uint32_t v)
{
	unsigned f = fo_engine_flags(e, v);
	if (f & FO_F_LOST)
		return "lost";
	if (f & (FO_F_FAILED | FO_F_DESTROYED))
		return "failed";
	switch (fo_engine_state(e, v)) {
	case FO_STATE_DOWN: return "down";
	case FO_STATE_DEGRADED: return "degraded";
	case FO_STATE_AT_RISK: return "at-risk";
	default: return "up";
	}
}

static void flags_words(unsigned f, char *buf, size_t sz)
{
	static const struct { unsigned bit; const char *w; } t[] = {
		{ FO_F_FAILED, "failed" }, { FO_F_DESTROYED, "destroyed" }, { FO_F_LOST, "lost" },
		{ FO_F_DEGRADED, "degraded" }, { FO_F_AT_RISK, "at-risk" },
	};
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (f & t[i].bit) {
			if (buf[0])
				strncat(buf, " ", sz - strlen(buf) - 1);
			strncat(buf, t[i].w, sz - strlen(buf) - 1);
		}
}

static const char *type_word(fo_group_type t)
{
	switch (t) {
	case FO_GROUP_LOCATED: return "located";
	case FO_GROUP_COPIES: return "copies";
	case FO_GROUP_DEGRADES: return "degrades";
	default: return "requires";
	}
}

int fo_graphml_write(FILE *fp, const fo_graph *g, const fo_engine *e)
{
	int err = FO_OK;
	const char **names = NULL;
	size_t nnames = 0, total = 0;
	uint32_t nodes;

	if (!fp || !g || (e && fo_engine_graph(e) != g))
		return FO_EINVAL;
	nodes = fo_graph_node_count(g);
	/* Property names, sorted and unique: one key each (p0, p1, ...). */
	for (uint32_t v = 0; v < nodes; v++) {
		const fo_prop *pr;
		total += fo_graph_node_props(g, v, &pr);
	}
	if (total && !(names = malloc(total * sizeof *names))) {
		err = FO_ENOMEM;
		goto done;
	}
	for (uint32_t v = 0; v < nodes; v++) {
		const fo_prop *pr;
		size_t np = fo_graph_node_props(g, v, &pr);
		for (size_t i = 0; i < np; i++)
			names[nnames++] = pr[i].key;
	}
	if (nnames) {
		qsort(names, nnames, sizeof *names, cmp_str);
		size_t u = 1;
		for (size_t i = 1; i < nnames; i++)
			if (strcmp(names[i], names[u - 1]))
				names[u++] = names[i];
		nnames = u;
	}

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<!-- written by fallout: node \"fallout.id\" is the inventory's id; an edge goes "
	      "from a node to what it needs (docs/importers/graphml.md) -->\n"
	      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
	      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
	      "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
	      "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n", fp);
	fputs("  <key id=\"name\" for=\"graph\" attr.name=\"name\" attr.type=\"string\"/>\n"
	      "  <key id=\"id\" for=\"node\" attr.name=\"fallout.id\" attr.type=\"string\"/>\n"
	      "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
	      "  <key id=\"nname\" for=\"node\" attr.name=\"name\" attr.type=\"string\"/>\n"
	      "  <key id=\"kind\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>\n"
	      "  <key id=\"tenant\" for=\"node\" attr.name=\"tenant\" attr.type=\"string\"/>\n"
	      "  <key id=\"tier\" for=\"node\" attr.name=\"tier\" attr.type=\"int\"/>\n"
	      "  <key id=\"container\" for=\"node\" attr.name=\"container\" attr.type=\"string\"/>\n",
	      fp);
	if (e)
		fputs("  <key id=\"state\" for=\"node\" attr.name=\"state\" attr.type=\"string\"/>\n"
		      "  <key id=\"flags\" for=\"node\" attr.name=\"flags\" attr.type=\"string\"/>\n"
		      "  <key id=\"cause\" for=\"node\" attr.name=\"cause\" attr.type=\"string\"/>\n"
		      "  <key id=\"root\" for=\"node\" attr.name=\"root\" attr.type=\"string\"/>\n",
		      fp);
	for (size_t i = 0; i < nnames; i++) {
		fprintf(fp, "  <key id=\"p%zu\" for=\"node\" attr.name=\"%s", i,
			is_reserved(names[i]) ? "prop:" : "");
		put_esc(fp, names[i]);
		fputs("\" attr.type=\"string\"/>\n", fp);
	}
	fputs("  <key id=\"type\" for=\"edge\" attr.name=\"type\" attr.type=\"string\"/>\n"
	      "  <key id=\"group\" for=\"edge\" attr.name=\"group\" attr.type=\"int\"/>\n"
	      "  <key id=\"k\" for=\"edge\" attr.name=\"k\" attr.type=\"int\"/>\n"
	      "  <key id=\"n\" for=\"edge\" attr.name=\"n\" attr.type=\"int\"/>\n"
	      "  <graph id=\"G\" edgedefault=\"directed\">\n", fp);
	if (fo_graph_name(g))
		data(fp, "    ", "name", fo_graph_name(g));

	for (uint32_t v = 0; v < nodes; v++) {
		const char *s;
		char num[32];
		fprintf(fp, "    <node id=\"n%u\">\n", v);
		data(fp, "      ", "id", fo_graph_node_id(g, v));
		data(fp, "      ", "label", fo_graph_node_label(g, v));
		if ((s = fo_graph_node_name(g, v)))
			data(fp, "      ", "nname", s);
		data(fp, "      ", "kind", fo_graph_node_kind_word(g, v));
		if ((s = fo_graph_node_tenant(g, v)))
			data(fp, "      ", "tenant", s);
		if (fo_graph_node_tier(g, v)) {
			snprintf(num, sizeof num, "%u", fo_graph_node_tier(g, v));
			data(fp, "      ", "tier", num);
		}
		uint32_t c = fo_graph_node_container(g, v);
		if (c != FO_NONE)
			data(fp, "      ", "container", fo_graph_node_id(g, c));
		if (e) {
			char fw[64];
			uint32_t cause = fo_engine_cause(e, v), root = fo_engine_root(e, v);
			data(fp, "      ", "state", state_word(e, v));
			flags_words(fo_engine_flags(e, v), fw, sizeof fw);
			if (fw[0])
				data(fp, "      ", "flags", fw);
			if (cause != FO_NONE)
				data(fp, "      ", "cause", fo_graph_node_id(g, cause));
			if (root != FO_NONE && root != v)
				data(fp, "      ", "root", fo_graph_node_id(g, root));
		}
		const fo_prop *pr;
		size_t np = fo_graph_node_props(g, v, &pr);
		for (size_t i = 0; i < np; i++) {
			snprintf(num, sizeof num, "p%zu", find_name(names, nnames, pr[i].key));
			data(fp, "      ", num, pr[i].value);
		}
		fputs("    </node>\n", fp);
	}

	uint32_t groups = fo_graph_group_count(g);
	unsigned long edge = 0;
	for (uint32_t gi = 0; gi < groups; gi++) {
		fo_group_info gr;
		fo_graph_group(g, gi, &gr);
		for (uint32_t i = 0; i < gr.n; i++) {
			fprintf(fp, "    <edge id=\"e%lu\" source=\"n%u\" target=\"n%u\">\n"
				"      <data key=\"type\">%s</data>\n"
				"      <data key=\"group\">%u</data>\n"
				"      <data key=\"k\">%u</data>\n"
				"      <data key=\"n\">%u</data>\n"
				"    </edge>\n",
				edge++, gr.owner, gr.members[i], type_word(gr.type), gi, gr.k, gr.n);
		}
	}
	fputs("  </graph>\n</graphml>\n", fp);
	if (ferror(fp))
		err = FO_EIO;
done:
	free(names);
	return err;
}
