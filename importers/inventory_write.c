/*
 * inventory_write.c — a graph as an inventory XML (fo_invwrite.h), for
 * `fallout convert`. Deterministic: only the graph decides the bytes.
 */
#include "fo_invwrite.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_error.h"
#include "fo_inventory.h"

/* The code point of the UTF-8 sequence at s (*len its bytes), or -1 for a
 * byte that starts none (the graph holds UTF-8; kept defensive). */
static long utf8_next(const unsigned char *s, size_t *len)
{
	unsigned c = s[0];
	long cp;
	size_t n;
	if (c < 0x80) {
		*len = 1;
		return c;
	}
	if ((c & 0xE0) == 0xC0)
		n = 2, cp = c & 0x1F;
	else if ((c & 0xF0) == 0xE0)
		n = 3, cp = c & 0x0F;
	else if ((c & 0xF8) == 0xF0)
		n = 4, cp = c & 0x07;
	else {
		*len = 1;
		return -1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*len = 1;
			return -1;
		}
		cp = cp << 6 | (s[i] & 0x3F);
	}
	*len = n;
	return cp;
}

/* XML 1.0's Char production. */
static int xml_char(long cp)
{
	return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
	       (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* s as the text of an attribute value in double quotes. */
static void put_escaped(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t len;
		long cp = utf8_next(p, &len);
		switch (cp) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		/* Literal tabs and line ends would read back as spaces
		 * (attribute value normalisation). */
		case '\t': fputs("&#9;", fp); break;
		case '\n': fputs("&#10;", fp); break;
		case '\r': fputs("&#13;", fp); break;
		default:
			if (xml_char(cp))
				fwrite(p, 1, len, fp);
			else
				fputs("\xEF\xBF\xBD", fp); /* U+FFFD */
		}
		p += len;
	}
}

static void put_attr(FILE *fp, const char *key, const char *value)
{
	fprintf(fp, " %s=\"", key);
	put_escaped(fp, value);
	fputc('"', fp);
}

/* XML 1.0 (fifth edition) NameStartChar and NameChar, without ':'. */
static int name_start(long cp)
{
	return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || cp == '_' ||
	       (cp >= 0xC0 && cp <= 0xD6) || (cp >= 0xD8 && cp <= 0xF6) || (cp >= 0xF8 && cp <= 0x2FF) ||
	       (cp >= 0x370 && cp <= 0x37D) || (cp >= 0x37F && cp <= 0x1FFF) ||
	       (cp >= 0x200C && cp <= 0x200D) || (cp >= 0x2070 && cp <= 0x218F) ||
	       (cp >= 0x2C00 && cp <= 0x2FEF) || (cp >= 0x3001 && cp <= 0xD7FF) ||
	       (cp >= 0xF900 && cp <= 0xFDCF) || (cp >= 0xFDF0 && cp <= 0xFFFD) ||
	       (cp >= 0x10000 && cp <= 0xEFFFF);
}

static int name_char(long cp)
{
	return name_start(cp) || cp == '-' || cp == '.' || (cp >= '0' && cp <= '9') || cp == 0xB7 ||
	       (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x203F && cp <= 0x2040);
}

static int reserved(const char *k)
{
	static const char *const words[] = { "id", "kind", "name", "in", "tenant", "tier" };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (!strcmp(k, words[i]))
			return 1;
	/* Names starting with "xml" belong to XML (xmlns declares namespaces). */
	return (k[0] == 'x' || k[0] == 'X') && (k[1] == 'm' || k[1] == 'M') && (k[2] == 'l' || k[2] == 'L');
}

/* p, mtbf, mttr: attributes of failure data, read back as such. */
static int failure_key(const char *k)
{
	return !strcmp(k, "p") || !strcmp(k, "mtbf") || !strcmp(k, "mttr");
}

/* A property key as an attribute name (malloc'd; NULL: out of memory):
 * the key itself when it is one, else each bad character as '_' and '_' in
 * front of a bad start or a reserved word; also in front of p, mtbf and
 * mttr when `no_fd` (the node's values of those are not failure data). */
static char *attr_name(const char *key, int no_fd)
{
	size_t n = strlen(key);
	char *out = malloc(n + 2), *o = out;
	const unsigned char *p = (const unsigned char *)key;
	if (!out)
		return NULL;
	size_t len;
	if (!*p || !name_start(utf8_next(p, &len)))
		*o++ = '_';
	while (*p) {
		long cp = utf8_next(p, &len);
		if (name_char(cp)) {
			memcpy(o, p, len);
			o += len;
		} else {
			*o++ = '_';
		}
		p += len;
	}
	*o = '\0';
	if (reserved(out) || (no_fd && failure_key(out))) {
		memmove(out + 1, out, strlen(out) + 1);
		out[0] = '_';
	}
	return out;
}

/* The properties of node v, each with a name unique on the node. */
static int put_props(FILE *fp, const fo_graph *g, uint32_t v)
{
	const fo_prop *props;
	size_t n = fo_graph_node_props(g, v, &props);
	char **names;
	int err = FO_OK;

	if (!n)
		return FO_OK;
	/* Properties named p, mtbf, mttr that are not valid failure data
	 * (from another source: a CMDB column "p" = "high") would make the
	 * output unreadable: they are written as _p, _mtbf, _mttr, and so
	 * mean no failure data on reading, as they do now
	 * (fo_inventory_failure_p, which reads the first of each). */
	const char *fd[3] = { NULL, NULL, NULL };
	for (size_t i = 0; i < n; i++)
		for (int f = 0; f < 3; f++)
			if (!fd[f] && !strcmp(props[i].key, f == 0 ? "p" : f == 1 ? "mtbf" : "mttr"))
				fd[f] = props[i].value;
	int no_fd = fo_inventory_failure_p(fd[0], fd[1], fd[2]) < 0;
	if (!(names = calloc(n, sizeof *names)))
		return FO_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char *base = attr_name(props[i].key, no_fd);
		if (!base) {
			err = FO_ENOMEM;
			goto done;
		}
		/* Unique among this node's names so far: O(props^2), props
		 * per node are few. */
		for (unsigned long k = 2;; k++) {
			int taken = 0;
			for (size_t j = 0; j < i && !taken; j++)
				taken = !strcmp(names[j], names[i] ? names[i] : base);
			if (!taken)
				break;
			free(names[i]);
			size_t len = strlen(base) + 24;
			if (!(names[i] = malloc(len))) {
				free(base);
				err = FO_ENOMEM;
				goto done;
			}
			snprintf(names[i], len, "%s_%lu", base, k);
		}
		if (!names[i])
			names[i] = base;
		else
			free(base);
		put_attr(fp, names[i], props[i].value);
	}
done:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return err;
}

static void put_group(FILE *fp, const fo_graph *g, const fo_group_info *gi)
{
	const char *elem = gi->type == FO_GROUP_DEGRADES ? "degrades" : "requires";
	if (gi->n == 1 && gi->k == 1) {
		fprintf(fp, "    <%s", elem);
		put_attr(fp, "ref", fo_graph_node_id(g, gi->members[0]));
		fputs("/>\n", fp);
		return;
	}
	fprintf(fp, "    <%s min=\"%u\">\n", elem, gi->k);
	for (uint32_t i = 0; i < gi->n; i++) {
		fputs("      <ref", fp);
		put_attr(fp, "id", fo_graph_node_id(g, gi->members[i]));
		fputs("/>\n", fp);
	}
	fprintf(fp, "    </%s>\n", elem);
}

int fo_invwrite(FILE *fp, const fo_graph *g)
{
	int err = FO_OK;
	if (!fp || !g)
		return FO_EINVAL;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<inventory", fp);
	if (fo_graph_name(g))
		put_attr(fp, "name", fo_graph_name(g));
	fputs(" version=\"1\">\n", fp);
	for (uint32_t v = 0, n = fo_graph_node_count(g); v < n && err == FO_OK; v++) {
		const char *s;
		uint32_t first, count, c;
		fputs("  <node", fp);
		put_attr(fp, "id", fo_graph_node_id(g, v));
		put_attr(fp, "kind", fo_graph_node_kind_word(g, v));
		if ((s = fo_graph_node_name(g, v)))
			put_attr(fp, "name", s);
		if ((s = fo_graph_node_tenant(g, v)))
			put_attr(fp, "tenant", s);
		if (fo_graph_node_tier(g, v))
			fprintf(fp, " tier=\"%u\"", fo_graph_node_tier(g, v));
		if ((c = fo_graph_node_container(g, v)) != FO_NONE)
			put_attr(fp, "in", fo_graph_node_id(g, c));
		if ((err = put_props(fp, g, v)) < 0)
			break;
		/* The located group is the in= above; the others are written. */
		fo_graph_node_groups(g, v, &first, &count);
		int open = 0;
		for (uint32_t i = first; i < first + count; i++) {
			fo_group_info gi;
			fo_graph_group(g, i, &gi);
			if (gi.type == FO_GROUP_LOCATED)
				continue;
			if (!open) {
				fputs(">\n", fp);
				open = 1;
			}
			if (gi.type == FO_GROUP_COPIES) {
				for (uint32_t k = 0; k < gi.n; k++) {
					fputs("    <copy", fp);
					put_attr(fp, "ref", fo_graph_node_id(g, gi.members[k]));
					fputs("/>\n", fp);
				}
			} else {
				put_group(fp, g, &gi);
			}
		}
		fputs(open ? "  </node>\n" : "/>\n", fp);
	}
	if (err == FO_OK)
		fputs("</inventory>\n", fp);
	if (err == FO_OK && ferror(fp))
		err = FO_EIO;
	return err;
}
