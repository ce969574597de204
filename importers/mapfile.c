/*
 * mapfile.c — the mapping file (fo_mapfile.h, format in
 * docs/mapping-format.md): read once through the inventory's hardened input
 * (reader.h: our own descriptor, every byte through the pre-scanner, no DTD,
 * no entities, no network), validated against the embedded XSD in the same
 * pass, and checked by its own rules so that every problem has a message
 * that says what to write instead, located FILE:LINE:COL.
 *
 * The XSD and this reader say the same thing; where both object to one
 * construct the user would read two messages. So libxml2's schema errors go
 * to a private diag first, marked as they come (place_schema_error), and are
 * passed on only when this reader found nothing wrong itself: a gap between
 * the two is still reported, never twice.
 *
 * The map is a flat list of statements in document order (<rule>, <same>)
 * with their selectors, actions, conditions and value tables in arrays;
 * strings are copies owned by the map. fo_mapfile_apply walks the
 * statements over the model's nodes; problems found while applying are
 * tallied per action and reported once each, with the first node and a count,
 * so that a rule over 10,000 pods gives one line, not 10,000.
 */
#include "fo_mapfile.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include "../graphs/fo_error.h"
#include "columns.h"
#include "reader.h"
#include "scan.h"
#include "grow_int.h"

/* Generated from importers/map-v1.xsd by scripts/embed.sh. */
extern const unsigned char fo_mapfile_xsd[];
extern const unsigned long fo_mapfile_xsd_len;

#define TIER_MAX 1000000ul /* as the inventory's tier="K" */
#define K_MAX 1000000ul
/* Statements, actions, conditions, table entries, options: each at most this
 * many per file. A mapping file is written by hand; the cap keeps a hostile
 * one from making apply O(huge x nodes). */
#define ITEMS_MAX 100000u

/* ---------------------------------------------------------------- model */

/* Elements, by their place in the format. */
enum elem {
	E_NONE, E_MAP, E_SOURCE, E_OPTION, E_RULE, E_WHERE, E_SET, E_PLACE, E_VALUE, E_MIN,
	E_DROP, E_RSAME, E_SAME, E_NODE, E_AS, E_SKIP,
};

static const char *const elem_names[] = {
	"", "map", "source", "option", "rule", "where", "set", "place", "value", "min",
	"drop", "same", "same", "node", "as", "",
};

typedef struct where {
	const char *key;
	const char *value; /* a glob; NULL: the property is present */
} where;

/* Selects nodes: every field given must hold. */
typedef struct sel {
	const char *format, *file, *type, *id, *kind;
	size_t wfirst, nwhere; /* conditions in map->wh */
} sel;

enum act_type { A_SET, A_PLACE, A_MIN, A_DROP, A_SAME };
enum { K_FIXED, K_MAJORITY, K_PERCENT };
enum set_field { F_KIND, F_TENANT, F_TIER, F_NAME, F_COUNT };
static const char *const set_names[F_COUNT] = { "kind", "tenant", "tier", "name" };

typedef struct action {
	enum act_type type;
	fo_pos pos;                 /* the element */
	const char *v[F_COUNT];     /* set: templates; place: prop, in; same: as */
	fo_pos vpos[F_COUNT];       /* their values */
	unsigned long k;            /* min: 0 = all */
	int kmode;                  /* min: K_FIXED (k), K_MAJORITY, K_PERCENT (pct) */
	unsigned pct;
	fo_group_type group;        /* min */
	size_t tfirst, ntable;      /* place: its <value> table in map->tab */
	const char *reason;         /* drop: "dropped by FILE:LINE" */
} action;

typedef struct entry {
	const char *from, *to;
	fo_pos pos;
} entry;

typedef struct stmt {
	int same;                  /* 0: <rule>; 1: <same> */
	fo_pos pos;
	sel s;                     /* rule; same: the <node> side */
	size_t afirst, nact;       /* rule: its actions in map->act */
	/* same */
	const char *id, *as;       /* the two ids form */
	fo_pos idpos, aspos;
	int join, have_node, have_as;
	sel as_sel;
	const char *node_key, *as_key;
	fo_pos nkpos, akpos;
} stmt;

typedef struct option {
	const char *name, *value;
} option;

typedef struct source {
	fo_pos pos;
	const char *file, *format, *prefix;
	size_t ofirst, nopt;
} source;

struct fo_mapfile {
	char *file;
	char **strs;               /* every string of the map */
	size_t nstrs, astrs;
	stmt *st;
	size_t nst, ast;
	action *act;
	size_t nact, aact;
	where *wh;
	size_t nwh, awh;
	entry *tab;
	size_t ntab, atab;
	source *src;
	size_t nsrc, asrc;
	option *opt;
	size_t nopt, aopt;
};

/* A copy of s owned by map; NULL when out of memory. */
static const char *keep(fo_mapfile *map, const char *s)
{
	char *c;
	if (fo_imp__grow((void **)&map->strs, &map->astrs, map->nstrs + 1, sizeof *map->strs) < 0 ||
	    !(c = strdup(s)))
		return NULL;
	map->strs[map->nstrs++] = c;
	return c;
}

void fo_mapfile_free(fo_mapfile *map)
{
	if (!map)
		return;
	for (size_t i = 0; i < map->nstrs; i++)
		free(map->strs[i]);
	free(map->strs);
	free(map->st);
	free(map->act);
	free(map->wh);
	free(map->tab);
	free(map->src);
	free(map->opt);
	free(map->file);
	free(map);
}

const char *fo_mapfile_file(const fo_mapfile *map) { return map->file; }
size_t fo_mapfile_rule_count(const fo_mapfile *map) { return map->nst; }
size_t fo_mapfile_source_count(const fo_mapfile *map) { return map->nsrc; }
const char *fo_mapfile_schema(void) { return (const char *)fo_mapfile_xsd; }

/* ------------------------------------------------------------ templates */

/* Checks a template: text with {FIELD} or {FIELD|FILTER|...}, where FIELD is
 * id, local, name, kind, tenant, type, format, value (only where allowed)
 * or prop:KEY, and FILTER is lower, upper, after-last:TEXT or
 * before-first:TEXT; "{{" and "}}" are braces. On error writes why into
 * err and returns -1. */
static int tpl_check(const char *t, int allow_value, char *err, size_t errsz)
{
	static const char *const fields[] = { "id", "local", "name", "kind", "tenant",
					      "type", "format", "value" };
	for (const char *p = t; *p; p++) {
		if (*p == '}') {
			if (p[1] == '}') {
				p++;
				continue;
			}
			snprintf(err, errsz, "a '}' that closes nothing (write '}}' for a brace)");
			return -1;
		}
		if (*p != '{')
			continue;
		if (p[1] == '{') {
			p++;
			continue;
		}
		const char *end = strchr(p + 1, '}');
		if (!end) {
			snprintf(err, errsz, "a '{' that is not closed (write '{{' for a brace)");
			return -1;
		}
		const char *bar = memchr(p + 1, '|', (size_t)(end - p - 1));
		const char *fe = bar ? bar : end;
		size_t fl = (size_t)(fe - p - 1);
		int ok = 0;
		if (fl >= 4 && !strncmp(p + 1, "prop", 4) && (fl == 4 || (fl == 5 && p[5] == ':'))) {
			snprintf(err, errsz, "{prop:KEY} needs a key");
			return -1;
		}
		if (fl > 5 && !strncmp(p + 1, "prop:", 5))
			ok = 1;
		for (size_t i = 0; !ok && i < sizeof fields / sizeof *fields; i++)
			if (strlen(fields[i]) == fl && !strncmp(p + 1, fields[i], fl))
				ok = 1;
		if (!ok || (fl == 5 && !strncmp(p + 1, "value", 5) && !allow_value)) {
			if (ok)
				snprintf(err, errsz, "{value} is only defined in <place in> with prop=");
			else
				snprintf(err, errsz, "unknown field {%.*s} (known: id, local, name, kind, "
					 "tenant, type, format, %sprop:KEY)", (int)(fl > 40 ? 40 : fl), p + 1,
					 allow_value ? "value, " : "");
			return -1;
		}
		while (bar) {
			const char *f = bar + 1;
			const char *next = memchr(f, '|', (size_t)(end - f));
			const char *fend = next ? next : end;
			size_t n = (size_t)(fend - f);
			if (!((n == 5 && !strncmp(f, "lower", 5)) || (n == 5 && !strncmp(f, "upper", 5)) ||
			      (n > 11 && !strncmp(f, "after-last:", 11)) ||
			      (n > 13 && !strncmp(f, "before-first:", 13)))) {
				snprintf(err, errsz, "unknown filter '%.*s' (known: lower, upper, "
					 "after-last:TEXT, before-first:TEXT)", (int)(n > 40 ? 40 : n), f);
				return -1;
			}
			bar = next;
		}
		p = end;
	}
	return 0;
}

static int is_template(const char *s) { return strchr(s, '{') || strchr(s, '}'); }

/* A growing string. */
typedef struct sbuf {
	char *p;
	size_t n, a;
} sbuf;

static int sb_add(sbuf *b, const char *s, size_t n)
{
	if (fo_imp__grow((void **)&b->p, &b->a, b->n + n + 1, 1) < 0)
		return FO_ENOMEM;
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
	return FO_OK;
}

/* What a template is expanded against. */
typedef struct tctx {
	const fo_model *m;
	const fo_model_node *nd;
	const char *value;  /* {value}, or NULL */
} tctx;

static const char *node_prop(const fo_model_node *nd, const char *key, size_t klen)
{
	for (size_t i = 0; i < nd->nprops; i++)
		if (strlen(nd->props[i].key) == klen && !strncmp(nd->props[i].key, key, klen))
			return nd->props[i].value;
	return NULL;
}

/* The id without its source's prefix. */
static const char *node_local(const fo_model *m, const fo_model_node *nd)
{
	const char *pre = fo_model_source_prefix(m, nd->source);
	size_t pl = pre ? strlen(pre) : 0;
	if (pl && !strncmp(nd->id, pre, pl) && nd->id[pl] == ':')
		return nd->id + pl + 1;
	return nd->id;
}

/* Expands a checked template into b (reset first). Returns FO_OK, FO_ENOMEM,
 * or 1 when a field is undefined on the node (*missing then names it: a
 * pointer into t, *mlen bytes). */
static int tpl_expand(const char *t, const tctx *c, sbuf *b, const char **missing, size_t *mlen)
{
	b->n = 0;
	if (sb_add(b, "", 0) < 0)
		return FO_ENOMEM;
	for (const char *p = t; *p; p++) {
		if ((*p == '{' && p[1] == '{') || (*p == '}' && p[1] == '}')) {
			if (sb_add(b, p, 1) < 0)
				return FO_ENOMEM;
			p++;
			continue;
		}
		if (*p != '{') {
			size_t n = strcspn(p, "{}");
			if (sb_add(b, p, n) < 0)
				return FO_ENOMEM;
			p += n - 1;
			continue;
		}
		const char *end = strchr(p + 1, '}');
		const char *bar = memchr(p + 1, '|', (size_t)(end - p - 1));
		const char *fe = bar ? bar : end;
		size_t fl = (size_t)(fe - p - 1);
		const char *f = p + 1, *v = NULL;
		const fo_model_node *nd = c->nd;
		if (fl > 5 && !strncmp(f, "prop:", 5))
			v = node_prop(nd, f + 5, fl - 5);
		else if (fl == 2 && !strncmp(f, "id", 2))
			v = nd->id;
		else if (fl == 5 && !strncmp(f, "local", 5))
			v = node_local(c->m, nd);
		else if (fl == 4 && !strncmp(f, "name", 4))
			v = nd->name;
		else if (fl == 4 && !strncmp(f, "kind", 4))
			v = nd->kind;
		else if (fl == 6 && !strncmp(f, "tenant", 6))
			v = nd->tenant;
		else if (fl == 4 && !strncmp(f, "type", 4))
			v = nd->source_type;
		else if (fl == 6 && !strncmp(f, "format", 6))
			v = fo_model_source_format(c->m, nd->source);
		else if (fl == 5 && !strncmp(f, "value", 5))
			v = c->value;
		if (!v) {
			*missing = f;
			*mlen = fl;
			return 1;
		}
		/* filters narrow [s, s + n) */
		const char *s = v;
		size_t n = strlen(v);
		int lower = 0, upper = 0;
		while (bar) {
			const char *g = bar + 1;
			const char *next = memchr(g, '|', (size_t)(end - g));
			size_t gl = (size_t)((next ? next : end) - g);
			if (gl == 5 && !strncmp(g, "lower", 5)) {
				lower = 1;
				upper = 0;
			} else if (gl == 5 && !strncmp(g, "upper", 5)) {
				upper = 1;
				lower = 0;
			} else if (!strncmp(g, "after-last:", 11)) {
				const char *x = g + 11;
				size_t xl = gl - 11;
				for (size_t i = n; i >= xl; i--)
					if (!memcmp(s + i - xl, x, xl)) {
						s += i;
						n -= i;
						break;
					}
			} else { /* before-first: */
				const char *x = g + 13;
				size_t xl = gl - 13;
				for (size_t i = 0; i + xl <= n; i++)
					if (!memcmp(s + i, x, xl)) {
						n = i;
						break;
					}
			}
			bar = next;
		}
		size_t at = b->n;
		if (sb_add(b, s, n) < 0)
			return FO_ENOMEM;
		for (size_t i = at; i < b->n && (lower || upper); i++) {
			char ch = b->p[i];
			if (lower && ch >= 'A' && ch <= 'Z')
				b->p[i] = (char)(ch - 'A' + 'a');
			else if (upper && ch >= 'a' && ch <= 'z')
				b->p[i] = (char)(ch - 'a' + 'A');
		}
		p = end;
	}
	return FO_OK;
}

/* ------------------------------------------------------------ values */

/* A kind is a lowercase word: [a-z][a-z0-9_-]* (as the inventory's). */
static int kind_ok(const char *k)
{
	if (*k < 'a' || *k > 'z')
		return 0;
	for (k++; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_' || *k == '-'))
			return 0;
	return 1;
}

/* A decimal integer in [lo, max], blanks around allowed. -1 if not. */
static int parse_uint(const char *s, unsigned long lo, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -1;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s || v < lo)
		return -1;
	*out = v;
	return 0;
}

static const char *const formats[] = { "fallout", "archimate", "k8s", "terraform", "graphml", "cmdb" };

static int format_ok(const char *f)
{
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
		if (!strcmp(f, formats[i]))
			return 1;
	return 0;
}

static int prefix_ok(const char *p)
{
	if (!*p)
		return 1;
	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
		return 0;
	for (p++; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '.' || *p == '-'))
			return 0;
	return 1;
}

/* ------------------------------------------------------------ reading */

#define MAX_ATTRS 8

typedef struct frame {
	enum elem e;
	size_t index;  /* stmt, action or source it opened */
	int nchild;    /* children seen (rule: actions) */
} frame;

typedef struct reader {
	fo_reader x;              /* the input: private diag xd */
	fo_diag *xd;
	size_t *schema_idx;       /* entries of xd that are the XSD's */
	size_t nschema, aschema;
	uint64_t schema_from;
	char *schema_msg;
	fo_mapfile *map;
	fo_scan_tag tag;
	int have_tag;
	unsigned long depth;      /* elements open */
	unsigned long skip;       /* depth of a subtree being skipped, 0 = none */
	frame fr[8];              /* the format is 4 deep; fr[depth - 1] */
	uint64_t elements;
	int text_reported;
	int too_many;             /* ITEMS_MAX reported */
	int own_errors;
} reader;

__attribute__((format(printf, 4, 5)))
static void error_at(reader *r, const char *code, fo_pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fo_reader__verror(&r->x, FO_SEV_ERROR, code, pos, NULL, fmt, ap);
	va_end(ap);
	r->own_errors++;
}

static fo_pos tag_pos(const reader *r)
{
	return (fo_pos){ r->tag.line, r->have_tag ? r->tag.col : 0 };
}

/* Position of attribute `name`'s value on the current tag, else the tag. */
static fo_pos attr_pos(const reader *r, const char *name)
{
	return fo_reader__attr_pos(&r->x, &r->tag, r->have_tag, name);
}

/* Position of attribute `name` itself (for an attribute that should not be
 * there), else the tag. */
static fo_pos attr_name_pos(const reader *r, const char *name)
{
	if (!r->have_tag)
		return tag_pos(r);
	uint64_t h = fo_scan__hash(name, strlen(name));
	for (uint32_t i = 0; i < r->tag.attr_count; i++) {
		const fo_scan_attr *a = fo_scan__attr(&r->x.scan, &r->tag, i);
		if (a && a->hash == h)
			return (fo_pos){ a->line, a->col };
	}
	return tag_pos(r);
}

/* xsi:* (xsi:noNamespaceSchemaLocation="map-v1.xsd" for an editor's
 * validation) is tolerated, as XSD validators and the inventory do. */
static int is_xsi(xmlTextReaderPtr x)
{
	const char *ns = (const char *)xmlTextReaderConstNamespaceUri(x);
	return ns && !strcmp(ns, "http://www.w3.org/2001/XMLSchema-instance");
}

/* The attributes of the current element: exactly `names` are allowed,
 * vals[i] a copy owned by the map (or NULL), pos[i] its value's place. */
static void attrs(reader *r, xmlTextReaderPtr x, const char *elem, const char *const *names,
		  size_t n, const char **vals, fo_pos *pos)
{
	char sb[FO_READER_SHOW_BUF];
	for (size_t i = 0; i < n; i++) {
		vals[i] = NULL;
		pos[i] = tag_pos(r);
	}
	if (xmlTextReaderMoveToFirstAttribute(x) != 1)
		return;
	do {
		const char *an = (const char *)xmlTextReaderConstName(x);
		size_t i = 0;
		if (!an)
			continue;
		while (i < n && strcmp(an, names[i]))
			i++;
		if (i < n) {
			const char *v = (const char *)xmlTextReaderConstValue(x);
			if (!v || !(vals[i] = keep(r->map, v)))
				r->x.nomem = 1;
			pos[i] = attr_pos(r, an);
		} else if (strncmp(an, "xmlns", 5) != 0 && !is_xsi(x)) {
			error_at(r, "unknown-attribute", attr_name_pos(r, an), "unknown attribute '%s' on <%s>",
				 fo_reader__show(an, sb), elem);
		}
	} while (xmlTextReaderMoveToNextAttribute(x) == 1);
	xmlTextReaderMoveToElement(x);
}

static int need(reader *r, const char *v, const char *attr, const char *elem)
{
	if (v)
		return 1;
	error_at(r, "missing-attribute", tag_pos(r), "missing attribute '%s' on <%s>", attr, elem);
	return 0;
}

/* An attribute that must not be empty: 1 if v is non-empty or absent. */
static int nonempty(reader *r, const char *v, fo_pos pos, const char *attr, const char *elem)
{
	if (!v || *v)
		return 1;
	error_at(r, "empty-attribute", pos, "empty attribute '%s' on <%s>", attr, elem);
	return 0;
}

static int room(reader *r, size_t n)
{
	if (n < ITEMS_MAX)
		return 1;
	if (!r->too_many)
		error_at(r, "limit", tag_pos(r), "too many elements of one sort: a mapping file has at most %u",
			 ITEMS_MAX);
	r->too_many = 1;
	return 0;
}

static void check_template(reader *r, const char *v, fo_pos pos, const char *attr,
			   const char *elem, int allow_value)
{
	char why[160];
	if (v && tpl_check(v, allow_value, why, sizeof why) < 0)
		error_at(r, "bad-template", pos, "bad template in <%s %s>: %s", elem, attr, why);
}

static void check_format(reader *r, const char *v, fo_pos pos, const char *elem)
{
	char sb[FO_READER_SHOW_BUF];
	if (v && !format_ok(v))
		error_at(r, "bad-format", pos, "unknown format '%s' on <%s> (known: fallout, archimate, "
			 "k8s, terraform, graphml, cmdb)", fo_reader__show(v, sb), elem);
}

/* A condition on a property (where, or prop=/value= on a selector). */
static void add_where(reader *r, sel *s, const char *key, const char *value)
{
	fo_mapfile *map = r->map;
	if (!room(r, map->nwh))
		return;
	if (fo_imp__grow((void **)&map->wh, &map->awh, map->nwh + 1, sizeof *map->wh) < 0) {
		r->x.nomem = 1;
		return;
	}
	if (!s->nwhere)
		s->wfirst = map->nwh;
	map->wh[map->nwh++] = (where){ key, value };
	s->nwhere++;
}

enum { S_FORMAT, S_FILE, S_TYPE, S_ID, S_KIND, S_PROP, S_VALUE, S_KEY };
static const char *const sel_names[] = { "format", "file", "type", "id", "kind", "prop", "value", "key" };

/* Reads a selector's attributes (and key= for a join side). Returns 1 when
 * something selects. */
static int read_sel(reader *r, xmlTextReaderPtr x, const char *elem, sel *s, int with_key,
		    const char **key, fo_pos *keypos)
{
	const char *v[8];
	fo_pos p[8];
	attrs(r, x, elem, sel_names, with_key ? 8 : 7, v, p);
	memset(s, 0, sizeof *s);
	for (int i = S_FORMAT; i <= S_PROP; i++)
		nonempty(r, v[i], p[i], sel_names[i], elem);
	check_format(r, v[S_FORMAT], p[S_FORMAT], elem);
	s->format = v[S_FORMAT];
	s->file = v[S_FILE];
	s->type = v[S_TYPE];
	s->id = v[S_ID];
	s->kind = v[S_KIND];
	if (v[S_VALUE] && !v[S_PROP])
		error_at(r, "missing-attribute", p[S_VALUE], "value= on <%s> needs prop= (the property it is the value of)",
			 elem);
	if (v[S_PROP] && *v[S_PROP])
		add_where(r, s, v[S_PROP], v[S_VALUE]);
	if (with_key) {
		*key = v[S_KEY];
		*keypos = p[S_KEY];
		if (need(r, v[S_KEY], "key", elem) && nonempty(r, v[S_KEY], p[S_KEY], "key", elem))
			check_template(r, v[S_KEY], p[S_KEY], "key", elem, 0);
	}
	return s->format || s->file || s->type || s->id || s->kind || s->nwhere;
}

static stmt *new_stmt(reader *r, int same)
{
	fo_mapfile *map = r->map;
	if (!room(r, map->nst))
		return NULL;
	if (fo_imp__grow((void **)&map->st, &map->ast, map->nst + 1, sizeof *map->st) < 0) {
		r->x.nomem = 1;
		return NULL;
	}
	stmt *s = &map->st[map->nst++];
	memset(s, 0, sizeof *s);
	s->same = same;
	s->pos = tag_pos(r);
	return s;
}

static action *new_action(reader *r, stmt *s, enum act_type type)
{
	fo_mapfile *map = r->map;
	if (!room(r, map->nact))
		return NULL;
	if (fo_imp__grow((void **)&map->act, &map->aact, map->nact + 1, sizeof *map->act) < 0) {
		r->x.nomem = 1;
		return NULL;
	}
	if (!s->nact)
		s->afirst = map->nact;
	action *a = &map->act[map->nact++];
	memset(a, 0, sizeof *a);
	a->type = type;
	a->pos = tag_pos(r);
	s->nact++;
	return a;
}

static void start_rule(reader *r, xmlTextReaderPtr x, frame *f)
{
	stmt *s = new_stmt(r, 0);
	sel tmp;
	int any = read_sel(r, x, "rule", s ? &s->s : &tmp, 0, NULL, NULL);
	if (!any)
		error_at(r, "no-selector", tag_pos(r), "<rule> selects nothing: give format=, file=, type=, "
			 "id=, kind= or prop= (id=\"*\" for every node)");
	f->index = s ? (size_t)(s - r->map->st) : SIZE_MAX;
}

static stmt *frame_stmt(reader *r, const frame *f)
{
	return f->index == SIZE_MAX ? NULL : &r->map->st[f->index];
}

static void start_where(reader *r, xmlTextReaderPtr x, frame *parent)
{
	static const char *const names[] = { "prop", "value" };
	const char *v[2];
	fo_pos p[2];
	attrs(r, x, "where", names, 2, v, p);
	if (parent->nchild)
		error_at(r, "order", tag_pos(r), "<where> after an action: a rule's conditions come "
			 "before its actions");
	if (!need(r, v[0], "prop", "where") || !nonempty(r, v[0], p[0], "prop", "where"))
		return;
	stmt *s = frame_stmt(r, parent);
	if (s)
		add_where(r, &s->s, v[0], v[1]);
}

static void start_set(reader *r, xmlTextReaderPtr x, action *a)
{
	const char *v[F_COUNT];
	fo_pos p[F_COUNT];
	char sb[FO_READER_SHOW_BUF];
	unsigned long tier;
	attrs(r, x, "set", set_names, F_COUNT, v, p);
	if (!v[F_KIND] && !v[F_TENANT] && !v[F_TIER] && !v[F_NAME])
		error_at(r, "missing-attribute", tag_pos(r), "<set> sets nothing: give kind=, tenant=, tier= "
			 "or name=");
	for (int i = 0; i < F_COUNT; i++)
		check_template(r, v[i], p[i], set_names[i], "set", 0);
	if (v[F_KIND] && !is_template(v[F_KIND]) && !kind_ok(v[F_KIND]))
		error_at(r, "bad-kind", p[F_KIND], "bad kind '%s' in <set>: a kind is a lowercase word "
			 "([a-z][a-z0-9_-]*)", fo_reader__show(v[F_KIND], sb));
	if (v[F_TIER] && !is_template(v[F_TIER]) && *v[F_TIER] &&
	    parse_uint(v[F_TIER], 0, TIER_MAX, &tier) < 0)
		error_at(r, "bad-tier", p[F_TIER], "bad tier '%s' in <set>: a tier is an integer from 1 "
			 "(most critical) to %lu, 0 or \"\" for none", fo_reader__show(v[F_TIER], sb),
			 TIER_MAX);
	if (!a)
		return;
	for (int i = 0; i < F_COUNT; i++) {
		a->v[i] = v[i];
		a->vpos[i] = p[i];
	}
}

static void start_place(reader *r, xmlTextReaderPtr x, action *a)
{
	static const char *const names[] = { "prop", "in" };
	const char *v[2];
	fo_pos p[2];
	attrs(r, x, "place", names, 2, v, p);
	nonempty(r, v[0], p[0], "prop", "place");
	nonempty(r, v[1], p[1], "in", "place");
	if (!v[0] && !v[1])
		error_at(r, "missing-attribute", tag_pos(r), "<place> needs prop= (the property naming the "
			 "container), in= (a template of its id), or both");
	check_template(r, v[1], p[1], "in", "place", v[0] != NULL);
	if (!a)
		return;
	a->v[0] = v[0];
	a->v[1] = v[1];
	a->vpos[0] = p[0];
	a->vpos[1] = p[1];
}

static void start_value(reader *r, xmlTextReaderPtr x, frame *parent)
{
	static const char *const names[] = { "from", "to" };
	const char *v[2];
	fo_pos p[2];
	char sb[FO_READER_SHOW_BUF];
	fo_mapfile *map = r->map;
	attrs(r, x, "value", names, 2, v, p);
	int ok = need(r, v[0], "from", "value") & need(r, v[1], "to", "value");
	ok = ok && nonempty(r, v[0], p[0], "from", "value") & nonempty(r, v[1], p[1], "to", "value");
	action *a = parent->index == SIZE_MAX ? NULL : &map->act[parent->index];
	if (a && !a->v[0]) {
		error_at(r, "missing-attribute", tag_pos(r), "<value> entries map the values of a property: "
			 "<place> needs prop=");
		return;
	}
	if (!ok || !a)
		return;
	for (size_t i = a->tfirst; i < a->tfirst + a->ntable; i++)
		if (!strcmp(map->tab[i].from, v[0])) {
			error_at(r, "duplicate-value", p[0], "duplicate <value from=\"%s\"> in <place> (first at "
				 "line %lu)", fo_reader__show(v[0], sb), map->tab[i].pos.line);
			return;
		}
	if (!room(r, map->ntab))
		return;
	if (fo_imp__grow((void **)&map->tab, &map->atab, map->ntab + 1, sizeof *map->tab) < 0) {
		r->x.nomem = 1;
		return;
	}
	if (!a->ntable)
		a->tfirst = map->ntab;
	map->tab[map->ntab++] = (entry){ v[0], v[1], p[0] };
	a->ntable++;
}

static void start_min(reader *r, xmlTextReaderPtr x, action *a)
{
	static const char *const names[] = { "k", "group" };
	const char *v[2];
	fo_pos p[2];
	char sb[FO_READER_SHOW_BUF];
	unsigned long k = 0, pct = 0;
	int mode = K_FIXED;
	attrs(r, x, "min", names, 2, v, p);
	if (need(r, v[0], "k", "min")) {
		size_t len = strlen(v[0]);
		char num[16];
		if (!strcmp(v[0], "majority"))
			mode = K_MAJORITY;
		else if (len > 1 && len < sizeof num && v[0][len - 1] == '%') {
			memcpy(num, v[0], len - 1);
			num[len - 1] = '\0';
			mode = K_PERCENT;
			if (parse_uint(num, 1, 100, &pct) < 0)
				error_at(r, "bad-min", p[0], "bad k '%s' on <min>: a percentage is 1%% to 100%%",
					 fo_reader__show(v[0], sb));
		} else if (strcmp(v[0], "all") && parse_uint(v[0], 1, K_MAX, &k) < 0)
			error_at(r, "bad-min", p[0], "bad k '%s' on <min>: a positive integer up to %lu, "
				 "\"all\", \"majority\" or a percentage (\"50%%\")", fo_reader__show(v[0], sb),
				 K_MAX);
	}
	fo_group_type g = FO_GROUP_REQUIRES;
	if (v[1] && !strcmp(v[1], "degrades"))
		g = FO_GROUP_DEGRADES;
	else if (v[1] && strcmp(v[1], "requires"))
		error_at(r, "bad-group", p[1], "bad group '%s' on <min>: \"requires\" (the default) or "
			 "\"degrades\"", fo_reader__show(v[1], sb));
	if (!a)
		return;
	a->k = k;
	a->kmode = mode;
	a->pct = (unsigned)pct;
	a->group = g;
}

static void start_rule_same(reader *r, xmlTextReaderPtr x, action *a)
{
	static const char *const names[] = { "as" };
	const char *v[1];
	fo_pos p[1];
	attrs(r, x, "same", names, 1, v, p);
	if (need(r, v[0], "as", "same") && nonempty(r, v[0], p[0], "as", "same"))
		check_template(r, v[0], p[0], "as", "same", 0);
	if (!a)
		return;
	a->v[0] = v[0];
	a->vpos[0] = p[0];
}

static void start_same(reader *r, xmlTextReaderPtr x, frame *f)
{
	static const char *const names[] = { "id", "as" };
	const char *v[2];
	fo_pos p[2];
	attrs(r, x, "same", names, 2, v, p);
	stmt *s = new_stmt(r, 1);
	f->index = s ? (size_t)(s - r->map->st) : SIZE_MAX;
	nonempty(r, v[0], p[0], "id", "same");
	nonempty(r, v[1], p[1], "as", "same");
	if (v[0] && v[1] && *v[0] && !strcmp(v[0], v[1]))
		error_at(r, "same-id", p[1], "<same> declares '%s' the same as itself", v[0]);
	if (!s)
		return;
	s->id = v[0];
	s->as = v[1];
	s->idpos = p[0];
	s->aspos = p[1];
}

static void start_join_side(reader *r, xmlTextReaderPtr x, frame *parent, int as)
{
	const char *elem = as ? "as" : "node";
	stmt *s = frame_stmt(r, parent);
	sel tmp;
	const char *key = NULL;
	fo_pos kp;
	int any = read_sel(r, x, elem, !s ? &tmp : as ? &s->as_sel : &s->s, 1, &key, &kp);
	if (!any)
		error_at(r, "no-selector", tag_pos(r), "<%s> selects nothing: give format=, file=, type=, "
			 "id=, kind= or prop=", elem);
	if (s && s->id) {
		error_at(r, "same-form", tag_pos(r), "<same id=... as=...> names two ids: it takes no <%s> "
			 "(use <same><node .../><as .../></same> without attributes to join on keys)", elem);
		return;
	}
	if (!s)
		return;
	if ((as && s->have_as) || (!as && s->have_node)) {
		error_at(r, "same-form", tag_pos(r), "a second <%s> in <same>: a join has one <node> and one <as>",
			 elem);
		return;
	}
	if (!as && s->have_as)
		error_at(r, "order", tag_pos(r), "<node> after <as>: write <node> first");
	s->join = 1;
	if (as) {
		s->have_as = 1;
		s->as_key = key;
		s->akpos = kp;
	} else {
		s->have_node = 1;
		s->node_key = key;
		s->nkpos = kp;
	}
}

static void start_source(reader *r, xmlTextReaderPtr x, frame *f)
{
	static const char *const names[] = { "file", "format", "prefix" };
	const char *v[3];
	fo_pos p[3];
	char sb[FO_READER_SHOW_BUF];
	fo_mapfile *map = r->map;
	attrs(r, x, "source", names, 3, v, p);
	f->index = SIZE_MAX;
	nonempty(r, v[0], p[0], "file", "source");
	check_format(r, v[1], p[1], "source");
	if (!v[0] && !v[1])
		error_at(r, "no-selector", tag_pos(r), "<source> selects no input: give file= (a glob), "
			 "format=, or both");
	if (v[2] && !prefix_ok(v[2]))
		error_at(r, "bad-prefix", p[2], "bad prefix '%s' on <source>: letters, digits, '_', '.', '-', "
			 "starting with a letter or digit (\"\" for none)", fo_reader__show(v[2], sb));
	if (!room(r, map->nsrc))
		return;
	if (fo_imp__grow((void **)&map->src, &map->asrc, map->nsrc + 1, sizeof *map->src) < 0) {
		r->x.nomem = 1;
		return;
	}
	f->index = map->nsrc;
	map->src[map->nsrc++] = (source){ tag_pos(r), v[0], v[1], v[2], 0, 0 };
}

static void start_option(reader *r, xmlTextReaderPtr x, frame *parent)
{
	static const char *const names[] = { "name", "value" };
	const char *v[2];
	fo_pos p[2];
	fo_mapfile *map = r->map;
	attrs(r, x, "option", names, 2, v, p);
	int ok = need(r, v[0], "name", "option") & need(r, v[1], "value", "option");
	ok = ok && nonempty(r, v[0], p[0], "name", "option");
	if (!ok || parent->index == SIZE_MAX || !room(r, map->nopt))
		return;
	if (fo_imp__grow((void **)&map->opt, &map->aopt, map->nopt + 1, sizeof *map->opt) < 0) {
		r->x.nomem = 1;
		return;
	}
	source *s = &map->src[parent->index];
	if (!s->nopt)
		s->ofirst = map->nopt;
	map->opt[map->nopt++] = (option){ v[0], v[1] };
	s->nopt++;
}

/* What may appear in `parent`, for messages. */
static const char *children_of(enum elem parent)
{
	switch (parent) {
	case E_MAP: return " (a map holds <source>, <rule> and <same>)";
	case E_SOURCE: return " (a <source> holds <option>)";
	case E_RULE: return " (a <rule> holds <where>, then <set>, <place>, <min>, <drop>, <same>)";
	case E_PLACE: return " (a <place> holds <value>)";
	case E_SAME: return " (a <same> holds <node> and <as>)";
	default: return " (it takes no content)";
	}
}

/* Checks made when an element ends (its children known). */
static void on_end_checks(reader *r, frame *f)
{
	stmt *s;
	if (f->e == E_RULE && !f->nchild)
		error_at(r, "no-action", (s = frame_stmt(r, f)) ? s->pos : tag_pos(r),
			 "<rule> does nothing: give <set>, <place>, <min>, <drop> or <same>");
	if (f->e == E_SAME && (s = frame_stmt(r, f))) {
		if (!s->id && !s->as && !s->join)
			error_at(r, "same-form", s->pos, "<same> needs id= and as= (two ids), or a <node> "
				 "and an <as> (a join on keys)");
		else if (!s->join && (!s->id || !s->as))
			error_at(r, "missing-attribute", s->pos, "missing attribute '%s' on <same>",
				 s->id ? "as" : "id");
		else if (s->join && (!s->have_node || !s->have_as))
			error_at(r, "same-form", s->pos, "<same> joins a <node> to an <as>: the <%s> is missing",
				 s->have_node ? "as" : "node");
	}
}

static void on_start(reader *r, xmlTextReaderPtr x, int empty)
{
	const char *qname = (const char *)xmlTextReaderConstName(x);
	const char *local = (const char *)xmlTextReaderConstLocalName(x);
	const xmlChar *ns = xmlTextReaderConstNamespaceUri(x);
	char sb[FO_READER_SHOW_BUF], nb[FO_READER_SHOW_BUF];

	if (!qname || !local) {
		r->x.nomem = 1;
		return;
	}
	r->have_tag = fo_reader__start_tag(&r->x, x, qname, &r->tag);
	r->depth++;
	r->elements++;
	r->text_reported = 0;
	if (r->skip) {
		if (empty)
			r->depth--;
		return;
	}
	frame *parent = r->depth >= 2 ? &r->fr[r->depth - 2] : NULL;
	enum elem pe = parent ? parent->e : E_NONE, e = E_SKIP;
	if (!ns) {
		if (pe == E_NONE && !strcmp(local, "map"))
			e = E_MAP;
		else if (pe == E_MAP)
			e = !strcmp(local, "source") ? E_SOURCE : !strcmp(local, "rule") ? E_RULE
			    : !strcmp(local, "same") ? E_SAME : E_SKIP;
		else if (pe == E_SOURCE && !strcmp(local, "option"))
			e = E_OPTION;
		else if (pe == E_RULE)
			e = !strcmp(local, "where") ? E_WHERE : !strcmp(local, "set") ? E_SET
			    : !strcmp(local, "place") ? E_PLACE : !strcmp(local, "min") ? E_MIN
			    : !strcmp(local, "drop") ? E_DROP : !strcmp(local, "same") ? E_RSAME : E_SKIP;
		else if (pe == E_PLACE && !strcmp(local, "value"))
			e = E_VALUE;
		else if (pe == E_SAME)
			e = !strcmp(local, "node") ? E_NODE : !strcmp(local, "as") ? E_AS : E_SKIP;
	}
	if (e == E_SKIP) {
		if (!parent && ns)
			error_at(r, "root", tag_pos(r), "the root element <%s> is in the namespace '%s': the "
				 "mapping format has no namespace (<map version=\"1\">)",
				 fo_reader__show(qname, sb), fo_reader__show((const char *)ns, nb));
		else if (!parent)
			error_at(r, "root", tag_pos(r), "the root element is <%s>: a mapping file starts with "
				 "<map version=\"1\">", fo_reader__show(qname, sb));
		else
			error_at(r, "unknown-element", tag_pos(r), "unknown element <%s> in <%s>%s",
				 fo_reader__show(qname, sb), elem_names[pe], children_of(pe));
		r->skip = r->depth;
		if (empty) {
			r->skip = 0;
			r->depth--;
		}
		return;
	}
	frame *f = &r->fr[r->depth - 1];
	f->e = e;
	f->index = SIZE_MAX;
	f->nchild = 0;
	stmt *ps = NULL;
	action *a = NULL;
	if (e >= E_SET && e <= E_RSAME && e != E_VALUE && (ps = frame_stmt(r, parent))) {
		static const enum act_type types[] = { [E_SET] = A_SET, [E_PLACE] = A_PLACE,
						       [E_MIN] = A_MIN, [E_DROP] = A_DROP,
						       [E_RSAME] = A_SAME };
		if ((a = new_action(r, ps, types[e])))
			f->index = (size_t)(a - r->map->act);
	}
	if (e >= E_SET && e <= E_RSAME && e != E_VALUE)
		parent->nchild++;
	switch (e) {
	case E_MAP: {
		static const char *const names[] = { "version" };
		const char *v[1];
		fo_pos p[1];
		attrs(r, x, "map", names, 1, v, p);
		if (need(r, v[0], "version", "map") && strcmp(v[0], "1"))
			error_at(r, "version", p[0], "unsupported version '%s': this fallout reads mapping files "
				 "of version 1", fo_reader__show(v[0], sb));
		break;
	}
	case E_SOURCE: start_source(r, x, f); break;
	case E_OPTION: start_option(r, x, parent); break;
	case E_RULE: start_rule(r, x, f); break;
	case E_WHERE: start_where(r, x, parent); break;
	case E_SET: start_set(r, x, a); break;
	case E_PLACE: start_place(r, x, a); break;
	case E_VALUE: start_value(r, x, parent); break;
	case E_MIN: start_min(r, x, a); break;
	case E_DROP: {
		const char *v[1];
		fo_pos p[1];
		attrs(r, x, "drop", NULL, 0, v, p);
		/* as --explain-import lists it: "dropped by map.xml:12" */
		char reason[FO_READER_SHOW_BUF + 48], fb[FO_READER_SHOW_BUF];
		snprintf(reason, sizeof reason, "dropped by %s:%lu", fo_reader__show(r->x.file, fb),
			 tag_pos(r).line);
		if (a && !(a->reason = keep(r->map, reason)))
			r->x.nomem = 1;
		break;
	}
	case E_RSAME: start_rule_same(r, x, a); break;
	case E_SAME: start_same(r, x, f); break;
	case E_NODE: start_join_side(r, x, parent, 0); break;
	case E_AS: start_join_side(r, x, parent, 1); break;
	default: break;
	}
	if (empty) {
		/* the end checks of an element without content */
		on_end_checks(r, f);
		r->depth--;
	}
}

static void on_end(reader *r)
{
	if (r->skip == r->depth)
		r->skip = 0;
	else if (!r->skip && r->depth >= 1 && r->depth <= 8)
		on_end_checks(r, &r->fr[r->depth - 1]);
	if (r->depth)
		r->depth--;
}

static void on_text(reader *r, xmlTextReaderPtr x, int cdata)
{
	const char *v = (const char *)xmlTextReaderConstValue(x);
	fo_scan_text at;
	int have = fo_scan__take_text(&r->x.scan, r->elements, &at) == 0;
	const char *p = v ? v : "";
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if ((!*p && !cdata) || r->skip || r->text_reported || !r->depth)
		return;
	r->text_reported = 1;
	int ln = xmlTextReaderGetParserLineNumber(x);
	error_at(r, "text", (fo_pos){ have ? at.line : ln > 0 ? (unsigned long)ln : 0, have ? at.col : 0 },
		 "text is not allowed in <%s>: a mapping file says everything in attributes",
		 elem_names[r->fr[r->depth - 1].e]);
}

/* ----------------------------------------------------- the XSD's errors */

/* Places a schema error as the inventory does (the scanner's pending
 * tags), and marks the entry about to be added as the XSD's. */
static void place_schema_error(void *ctx, const char *msg, unsigned long line, fo_pos *pos,
			       char *hint, size_t hintsz)
{
	reader *r = ctx;
	char elem[256] = "", attr[256] = "";
	const char *p = msg, *q;

	if (fo_imp__grow((void **)&r->schema_idx, &r->aschema, r->nschema + 1, sizeof *r->schema_idx) < 0)
		r->x.nomem = 1;
	else
		r->schema_idx[r->nschema++] = fo_diag_count(r->xd);
	if (strncmp(p, "Element '", 9) != 0)
		return;
	p += 9;
	if (!(q = strchr(p, '\'')) || (size_t)(q - p) >= sizeof elem)
		return;
	memcpy(elem, p, (size_t)(q - p));
	elem[q - p] = '\0';
	p = q + 1;
	if (strncmp(p, ", attribute '", 13) == 0) {
		p += 13;
		if ((q = strchr(p, '\'')) && (size_t)(q - p) < sizeof attr) {
			memcpy(attr, p, (size_t)(q - p));
			attr[q - p] = '\0';
		}
	}
	if (*attr)
		snprintf(hint, hintsz, "%s=", attr);
	else
		snprintf(hint, hintsz, "<%s", elem);
	if (elem[0] == '{' || attr[0] == '{')
		return;
	const fo_scan_attr *sa = NULL;
	uint64_t ah = fo_scan__hash(attr, strlen(attr));
	const fo_scan_tag *t = fo_scan__find_pending(&r->x.scan, r->schema_from,
						     fo_scan__hash(elem, strlen(elem)), line,
						     *attr ? &ah : NULL, &sa);
	if (!t)
		return;
	r->schema_from = t->seq;
	*pos = sa ? (fo_pos){ sa->line, sa->col } : (fo_pos){ t->line, t->col };
}

static const fo_reader_format map_format = {
	.docs = "fallout mapping files",
	.doc = "the mapping file",
	.empty = "empty document: a mapping file needs a <map version=\"1\"> element",
	.tidy = 1,
	.place = place_schema_error,
};

static void on_schema_compile_error(void *ctx, xmlErrorPtr e)
{
	reader *r = ctx;
	if (e && e->code == XML_ERR_NO_MEMORY)
		r->x.nomem = 1;
	else if (e && !r->schema_msg && e->level >= XML_ERR_ERROR &&
		 !(r->schema_msg = fo_reader__tidy(&r->x, e)))
		r->x.nomem = 1;
}

static int load_schema(reader *r, xmlSchemaPtr *out)
{
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt((const char *)fo_mapfile_xsd,
							       (int)fo_mapfile_xsd_len);
	*out = NULL;
	if (!pc)
		return FO_ENOMEM;
	xmlSchemaSetParserStructuredErrors(pc, on_schema_compile_error, r);
	*out = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	if (*out)
		return FO_OK;
	if (r->x.nomem)
		return FO_ENOMEM;
	error_at(r, "internal", (fo_pos){ 0, 0 }, "internal error: the embedded schema does not compile%s%s",
		 r->schema_msg ? ": " : "", r->schema_msg ? r->schema_msg : "");
	return FO_EINVAL;
}

static int read_document(reader *r)
{
	int err = FO_OK, ret = 0;
	xmlSchemaPtr schema = NULL;
	xmlTextReaderPtr x = fo_reader__xml(&r->x);
	if (x) {
		if ((err = load_schema(r, &schema)) < 0)
			goto done;
		if (xmlTextReaderSetSchema(x, schema) != 0) {
			err = FO_ENOMEM;
			goto done;
		}
	}
	while (x && !r->x.nomem && (ret = xmlTextReaderRead(x)) == 1) {
		switch (xmlTextReaderNodeType(x)) {
		case XML_READER_TYPE_ELEMENT:
			on_start(r, x, xmlTextReaderIsEmptyElement(x) == 1);
			break;
		case XML_READER_TYPE_END_ELEMENT:
			on_end(r);
			break;
		case XML_READER_TYPE_TEXT:
			on_text(r, x, 0);
			break;
		case XML_READER_TYPE_CDATA:
			on_text(r, x, 1);
			break;
		case XML_READER_TYPE_DOCUMENT_TYPE:
		case XML_READER_TYPE_ENTITY_REFERENCE:
			/* Unreachable while the scanner refuses DOCTYPEs. */
			error_at(r, "doctype", (fo_pos){ (unsigned long)xmlTextReaderGetParserLineNumber(x), 0 },
				 "DOCTYPE and entity references are not allowed");
			r->x.stopped = 1;
			break;
		default:
			break;
		}
		if (r->x.stopped)
			break;
	}
	err = fo_reader__verdict(&r->x, x != NULL, ret);
done:
	if (x)
		xmlFreeTextReader(x);
	if (schema)
		xmlSchemaFree(schema);
	return err;
}

static int is_schema_entry(const reader *r, size_t i)
{
	for (size_t k = 0; k < r->nschema; k++)
		if (r->schema_idx[k] == i)
			return 1;
	return 0;
}

int fo_mapfile_load(fo_mapfile **out, const char *path, fo_diag *diag)
{
	int err = FO_OK;
	reader r;
	const char *file;

	if (out)
		*out = NULL;
	if (!out || !path || !diag)
		return FO_EINVAL;
	memset(&r, 0, sizeof r);
	size_t first = fo_diag_count(diag);
	file = strcmp(path, "-") == 0 ? "<stdin>" : path;
	if ((err = fo_diag_new(&r.xd, 0)) < 0)
		return err;
	if ((err = fo_reader__init(&r.x, file, r.xd, &map_format, &r)) < 0)
		goto done;
	if (!(r.map = calloc(1, sizeof *r.map)) || !(r.map->file = strdup(file))) {
		err = FO_ENOMEM;
		goto done;
	}
	if ((err = fo_reader__open(&r.x, path, 1)) < 0)
		goto done;
	fo_reader__begin(&r.x);
	err = read_document(&r);
	if (err == FO_OK)
		err = fo_reader__drain(&r.x);
	fo_reader__end(&r.x);
done:
	/* Every entry of the read, but the XSD's when this reader objected
	 * itself (they say the same, less clearly). */
	if (err != FO_ENOMEM) {
		size_t own = fo_diag_errors(r.xd) - r.nschema;
		for (size_t i = 0; i < fo_diag_count(r.xd); i++) {
			const fo_diag_entry *e = fo_diag_get(r.xd, i);
			if (own && is_schema_entry(&r, i))
				continue;
			if (fo_diag_add_code(diag, e->sev, e->code, e->file, e->line, e->col, e->hint, "%s",
					     e->msg) == FO_ENOMEM)
				err = FO_ENOMEM;
		}
		fo_columns__resolve(diag, first, file, fo_reader__src_fd(&r.x.src));
		if (err == FO_OK && fo_diag_errors(r.xd))
			err = FO_EINPUT;
	}
	if (err == FO_OK) {
		*out = r.map;
		r.map = NULL;
	}
	fo_reader__dispose(&r.x);
	fo_mapfile_free(r.map);
	fo_diag_free(r.xd);
	free(r.schema_idx);
	free(r.schema_msg);
	return err;
}

/* ------------------------------------------------------------ sources */

static int glob_match(const char *g, const char *s);

/* A file glob: matched against the whole path, or, when it has no '/',
 * against the file's base name (as .gitignore does). */
static int file_match(const char *glob, const char *file)
{
	if (!file)
		return 0;
	if (!strchr(glob, '/')) {
		const char *b = strrchr(file, '/');
		if (b)
			file = b + 1;
	}
	return glob_match(glob, file);
}

static int source_match(const source *s, const char *file, const char *format)
{
	if (s->format && (!format || strcmp(s->format, format)))
		return 0;
	return !s->file || file_match(s->file, file);
}

const char *fo_mapfile_source_prefix(const fo_mapfile *map, const char *file, const char *format)
{
	if (!map)
		return NULL;
	for (size_t i = 0; i < map->nsrc; i++)
		if (map->src[i].prefix && source_match(&map->src[i], file, format))
			return map->src[i].prefix;
	return NULL;
}

int fo_mapfile_begin_source(const fo_mapfile *map, fo_model *m)
{
	int err;
	if (!map || !m)
		return FO_EINVAL;
	uint32_t cur = fo_model_source_current(m);
	if (cur == FO_NONE)
		return FO_EINVAL;
	/* borrowed for the model's lifetime: setting options does not move them */
	const char *file = fo_model_source_file(m, cur), *format = fo_model_source_format(m, cur);
	for (size_t i = 0; i < map->nsrc; i++) {
		const source *s = &map->src[i];
		if (!source_match(s, file, format))
			continue;
		for (size_t k = s->ofirst; k < s->ofirst + s->nopt; k++)
			if ((err = fo_model_set_option(m, map->opt[k].name, map->opt[k].value)) < 0)
				return err;
	}
	return FO_OK;
}

/* ------------------------------------------------------------ applying */

/* A glob: '*' any text, '?' one character (a UTF-8 sequence), '\\' makes
 * the next character plain. Brackets are plain text: Terraform addresses
 * have them (aws_instance.web[0]). Backtracks only to the last '*', so
 * O(len(glob) x len(s)). */
static int glob_match(const char *g, const char *s)
{
	const char *star = NULL, *retry = NULL;
	if (!s)
		return 0;
	while (*s) {
		if (*g == '*') {
			star = ++g;
			retry = s;
			continue;
		}
		if (*g == '?') {
			g++;
			s++;
			while ((*s & 0xC0) == 0x80)
				s++;
			continue;
		}
		const char *lit = *g == '\\' && g[1] ? g + 1 : g;
		if (*lit && *lit == *s) {
			g = lit + 1;
			s++;
			continue;
		}
		if (!star)
			return 0;
		g = star;
		s = ++retry;
	}
	while (*g == '*')
		g++;
	return !*g;
}

/* Which sources a selector's format= and file= admit, decided once per
 * selector rather than once per node: ok[source]. NULL when it has
 * neither (every source). */
static int sources_of(const fo_model *m, const sel *s, uint8_t **ok)
{
	size_t ns = fo_model_source_count(m);
	*ok = NULL;
	if (!s->format && !s->file)
		return FO_OK;
	if (!(*ok = malloc(ns ? ns : 1)))
		return FO_ENOMEM;
	for (uint32_t i = 0; i < ns; i++)
		(*ok)[i] = (!s->format || !strcmp(s->format, fo_model_source_format(m, i))) &&
			   (!s->file || file_match(s->file, fo_model_source_file(m, i)));
	return FO_OK;
}

static int sel_match(const fo_mapfile *map, const uint8_t *src_ok, const sel *s,
		     const fo_model_node *nd)
{
	if (src_ok && !src_ok[nd->source])
		return 0;
	if (s->type && !glob_match(s->type, nd->source_type))
		return 0;
	if (s->id && !glob_match(s->id, nd->id))
		return 0;
	if (s->kind && !glob_match(s->kind, nd->kind))
		return 0;
	for (size_t i = s->wfirst; i < s->wfirst + s->nwhere; i++) {
		const char *v = node_prop(nd, map->wh[i].key, strlen(map->wh[i].key));
		if (!v || (map->wh[i].value && !glob_match(map->wh[i].value, v)))
			return 0;
	}
	return 1;
}

/* A problem met on some nodes, reported once: the first node, a detail, a
 * count. */
typedef struct tally {
	size_t n;
	char node[FO_DIAG_SHORT_BUF];
	char detail[FO_DIAG_SHORT_BUF * 2 + 64];
} tally;

__attribute__((format(printf, 3, 4)))
static void tally_add(tally *t, const char *node, const char *fmt, ...)
{
	if (t->n++)
		return;
	char b[FO_DIAG_SHORT_BUF];
	snprintf(t->node, sizeof t->node, "%s", fo_diag_shorten(node, b));
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->detail, sizeof t->detail, fmt, ap);
	va_end(ap);
}

enum { T_MISSING, T_BAD, T_UNMAPPED, T_NOTARGET, T_NOGROUP, T_TOOBIG, T_COUNT };

typedef struct applier {
	const fo_mapfile *map;
	fo_model *m;
	fo_diag *d;
	sbuf b, b2;
	/* groups by owner (built once, when a <min> is applied) */
	uint32_t *gstart, *glist;
	int have_groups;
	int nomem;
} applier;

/* code: "map-unmatched" (a rule, <same> or <source> that matched
 * nothing), "map-skipped" (nodes an action could not apply to), "map-apply"
 * (an error: what the map asks for is impossible on some node). */
__attribute__((format(printf, 5, 6)))
static void report(applier *ap, fo_severity sev, const char *code, fo_pos pos, const char *fmt, ...)
{
	va_list va;
	va_start(va, fmt);
	if (fo_diag_vadd_code(ap->d, sev, code, ap->map->file, pos.line, pos.col, NULL, fmt, va) == FO_ENOMEM)
		ap->nomem = 1;
	va_end(va);
}

/* An action by its element, for messages. */
static const char *what_action(const action *a)
{
	static const char *const n[] = { "<set>", "<place>", "<min>", "<drop>", "<same>" };
	return n[a->type];
}

static int build_groups(applier *ap)
{
	size_t nn = fo_model_node_count(ap->m), ng = fo_model_group_count(ap->m);
	if (ap->have_groups)
		return FO_OK;
	if (!(ap->gstart = calloc(nn + 1, sizeof *ap->gstart)) ||
	    !(ap->glist = malloc((ng ? ng : 1) * sizeof *ap->glist)))
		return FO_ENOMEM;
	for (uint32_t g = 0; g < ng; g++) {
		fo_model_group gr;
		fo_model_group_get(ap->m, g, &gr);
		if (gr.owner < nn)
			ap->gstart[gr.owner + 1]++;
	}
	for (size_t i = 0; i < nn; i++)
		ap->gstart[i + 1] += ap->gstart[i];
	uint32_t *fill = malloc((nn ? nn : 1) * sizeof *fill);
	if (!fill)
		return FO_ENOMEM;
	memcpy(fill, ap->gstart, nn * sizeof *fill);
	for (uint32_t g = 0; g < ng; g++) {
		fo_model_group gr;
		fo_model_group_get(ap->m, g, &gr);
		if (gr.owner < nn)
			ap->glist[fill[gr.owner]++] = g;
	}
	free(fill);
	ap->have_groups = 1;
	return FO_OK;
}

/* Expands template t on node v into ap->b; 1 and a tally when a field is
 * undefined. */
static int expand(applier *ap, const char *t, const fo_model_node *nd, const char *value,
		  tally *missing, const char *attr)
{
	tctx c = { ap->m, nd, value };
	const char *f;
	size_t fl;
	int rc = tpl_expand(t, &c, &ap->b, &f, &fl);
	if (rc == FO_ENOMEM)
		ap->nomem = 1;
	if (rc == 1)
		tally_add(missing, nd->id, "{%.*s} is undefined on it: %s", (int)(fl > 60 ? 60 : fl), f,
			  attr);
	return rc;
}

static int apply_set(applier *ap, const action *a, uint32_t v, tally *t)
{
	int err = FO_OK;
	char sb[FO_DIAG_SHORT_BUF];
	/* a node is counted once per problem, whatever fields have it */
	tally tm = t[T_MISSING], tb = t[T_BAD];
	for (int i = 0; i < F_COUNT && !ap->nomem; i++) {
		if (!a->v[i])
			continue;
		fo_model_node nd;
		fo_model_node_get(ap->m, v, &nd);
		char what[32];
		snprintf(what, sizeof what, "%s not set", set_names[i]);
		if (expand(ap, a->v[i], &nd, NULL, &t[T_MISSING], what))
			continue;
		const char *s = ap->b.p;
		unsigned long tier = 0;
		switch (i) {
		case F_KIND:
			if (!kind_ok(s)) {
				tally_add(&t[T_BAD], nd.id, "kind= gives '%s', not a kind word ([a-z][a-z0-9_-]*)",
					  fo_diag_shorten(s, sb));
				continue;
			}
			err = fo_model_node_set_kind(ap->m, v, s);
			break;
		case F_TENANT:
			err = fo_model_node_set_tenant(ap->m, v, *s ? s : NULL);
			break;
		case F_NAME:
			err = fo_model_node_set_name(ap->m, v, *s ? s : NULL);
			break;
		case F_TIER:
			if (*s && parse_uint(s, 0, TIER_MAX, &tier) < 0) {
				tally_add(&t[T_BAD], nd.id, "tier= gives '%s', not a tier (0 to %lu)",
					  fo_diag_shorten(s, sb), TIER_MAX);
				continue;
			}
			err = fo_model_node_set_tier(ap->m, v, (unsigned)tier);
			break;
		}
		if (err < 0)
			return err;
	}
	if (t[T_MISSING].n > tm.n + 1)
		t[T_MISSING].n = tm.n + 1;
	if (t[T_BAD].n > tb.n + 1)
		t[T_BAD].n = tb.n + 1;
	return FO_OK;
}

static int is_dropped(const fo_model *m, uint32_t v)
{
	fo_model_node nd;
	fo_model_node_get(m, v, &nd);
	return nd.dropped;
}

static int apply_place(applier *ap, const action *a, uint32_t v, tally *t)
{
	const fo_mapfile *map = ap->map;
	char sb[FO_DIAG_SHORT_BUF];
	fo_model_node nd;
	fo_model_node_get(ap->m, v, &nd);
	const char *value = NULL, *target = NULL;
	if (a->v[0]) {
		value = node_prop(&nd, a->v[0], strlen(a->v[0]));
		if (!value) {
			tally_add(&t[T_MISSING], nd.id, "it has no property '%s'", a->v[0]);
			return FO_OK;
		}
		for (size_t i = a->tfirst; i < a->tfirst + a->ntable; i++)
			if (!strcmp(map->tab[i].from, value)) {
				target = map->tab[i].to;
				break;
			}
		if (!target && a->ntable && !a->v[1]) {
			tally_add(&t[T_UNMAPPED], nd.id, "its %s '%s' has no <value from> entry", a->v[0],
				  fo_diag_shorten(value, sb));
			return FO_OK;
		}
	}
	if (!target && a->v[1]) {
		if (expand(ap, a->v[1], &nd, value, &t[T_MISSING], "not placed"))
			return FO_OK;
		target = ap->b.p;
	} else if (!target) {
		target = value;
	}
	uint32_t c;
	if (fo_model_lookup(ap->m, target, &c) != FO_OK) {
		tally_add(&t[T_NOTARGET], nd.id, "no source defines '%s' to place it in",
			  fo_diag_shorten(target, sb));
		return FO_OK;
	}
	if (is_dropped(ap->m, c)) {
		tally_add(&t[T_NOTARGET], nd.id, "'%s', to place it in, is dropped by the map",
			  fo_diag_shorten(target, sb));
		return FO_OK;
	}
	if (c == v) {
		tally_add(&t[T_BAD], nd.id, "it would be placed in itself");
		return FO_OK;
	}
	return fo_model_set_parent(ap->m, v, c);
}

static int apply_min(applier *ap, const action *a, uint32_t v, tally *t)
{
	int err, any = 0;
	fo_model_node nd;
	if ((err = build_groups(ap)) < 0)
		return err;
	for (uint32_t i = ap->gstart[v]; i < ap->gstart[v + 1]; i++) {
		fo_model_group g;
		fo_model_group_get(ap->m, ap->glist[i], &g);
		if (g.type != a->group || g.n < 2)
			continue;
		any = 1;
		unsigned long k = a->k;
		if (a->kmode == K_MAJORITY)
			k = g.n / 2 + 1;
		else if (a->kmode == K_PERCENT) /* rounded up, as Kubernetes does */
			k = (g.n * a->pct + 99) / 100;
		if (k > g.n) {
			fo_model_node_get(ap->m, v, &nd);
			tally_add(&t[T_TOOBIG], nd.id, "its group has %zu members", g.n);
			continue;
		}
		if ((err = fo_model_group_set_k(ap->m, ap->glist[i], k)) < 0)
			return err;
	}
	if (!any) {
		fo_model_node_get(ap->m, v, &nd);
		tally_add(&t[T_NOGROUP], nd.id, "it has no %s group of two or more members",
			  a->group == FO_GROUP_DEGRADES ? "degrades" : "requires");
	}
	return FO_OK;
}

static int apply_rule_same(applier *ap, const action *a, uint32_t v, tally *t)
{
	char sb[FO_DIAG_SHORT_BUF];
	fo_model_node nd;
	fo_model_node_get(ap->m, v, &nd);
	if (expand(ap, a->v[0], &nd, NULL, &t[T_MISSING], "no alias"))
		return FO_OK;
	uint32_t c;
	if (fo_model_lookup(ap->m, ap->b.p, &c) != FO_OK) {
		tally_add(&t[T_NOTARGET], nd.id, "no source defines '%s'", fo_diag_shorten(ap->b.p, sb));
		return FO_OK;
	}
	if (is_dropped(ap->m, c)) {
		tally_add(&t[T_NOTARGET], nd.id, "'%s' is dropped by the map", fo_diag_shorten(ap->b.p, sb));
		return FO_OK;
	}
	if (c == v)
		return FO_OK;
	/* the id is borrowed from the model, which the call changes */
	if (sb_add(&ap->b2, "", 0) < 0)
		return FO_ENOMEM;
	ap->b2.n = 0;
	if (sb_add(&ap->b2, nd.id, strlen(nd.id)) < 0)
		return FO_ENOMEM;
	return fo_model_alias(ap->m, ap->b2.p, ap->b.p, ap->map->file, a->pos);
}

static void flush_tallies(applier *ap, const action *a, const tally *t, size_t matched)
{
	const char *w = what_action(a);
	for (int k = 0; k < T_COUNT; k++) {
		if (!t[k].n)
			continue;
		char more[80] = "";
		if (t[k].n > 1)
			snprintf(more, sizeof more, " (and %zu more of the %zu nodes matched)", t[k].n - 1, matched);
		fo_severity sev = k == T_BAD || k == T_TOOBIG ? FO_SEV_ERROR : FO_SEV_WARNING;
		const char *verb = k == T_BAD || k == T_TOOBIG ? "cannot apply to" : "skips";
		if (k == T_TOOBIG)
			report(ap, sev, "map-apply", a->pos, "%s k=%lu cannot apply to '%s': %s%s", w, a->k,
			       t[k].node, t[k].detail, more);
		else
			report(ap, sev, sev == FO_SEV_ERROR ? "map-apply" : "map-skipped", a->pos,
			       "%s %s '%s': %s%s", w, verb, t[k].node, t[k].detail, more);
	}
}

static int apply_rule(applier *ap, const stmt *s)
{
	int err = FO_OK;
	const fo_mapfile *map = ap->map;
	size_t nn = fo_model_node_count(ap->m), matched = 0;
	uint8_t *src_ok = NULL;
	tally *t = calloc(s->nact ? s->nact * T_COUNT : 1, sizeof *t);
	if (!t || (err = sources_of(ap->m, &s->s, &src_ok)) < 0) {
		free(t);
		return FO_ENOMEM;
	}
	for (uint32_t v = 0; v < nn && !ap->nomem; v++) {
		fo_model_node nd;
		fo_model_node_get(ap->m, v, &nd);
		if (nd.dropped || !sel_match(map, src_ok, &s->s, &nd))
			continue;
		matched++;
		for (size_t i = 0; i < s->nact && err == FO_OK; i++) {
			const action *a = &map->act[s->afirst + i];
			tally *at = t + i * T_COUNT;
			switch (a->type) {
			case A_SET: err = apply_set(ap, a, v, at); break;
			case A_PLACE: err = apply_place(ap, a, v, at); break;
			case A_MIN: err = apply_min(ap, a, v, at); break;
			case A_DROP: err = fo_model_node_drop(ap->m, v, a->reason); break;
			case A_SAME: err = apply_rule_same(ap, a, v, at); break;
			}
			if (a->type == A_DROP)
				break; /* nothing after a drop applies to the node */
		}
		if (err < 0)
			goto done;
	}
	if (!matched) {
		/* say when no input is of the kind the rule is about: a map kept
		 * for several inputs is often run on some of them */
		int any_src = !src_ok;
		for (size_t i = 0; src_ok && i < fo_model_source_count(ap->m); i++)
			any_src |= src_ok[i];
		report(ap, FO_SEV_WARNING, "map-unmatched", s->pos, "<rule> matched no node%s",
		       any_src ? "" : " (no input is of its format= and file=)");
	}
	for (size_t i = 0; i < s->nact; i++)
		flush_tallies(ap, &map->act[s->afirst + i], t + i * T_COUNT, matched);
done:
	free(t);
	free(src_ok);
	return ap->nomem ? FO_ENOMEM : err;
}

typedef struct keyed {
	char *key;
	uint32_t node;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->node > y->node) - (x->node < y->node);
}

/* Keys of the nodes `s` selects, sorted. */
static int collect(applier *ap, const sel *s, const char *key, keyed **out, size_t *n,
		   size_t *selected, tally *missing)
{
	size_t nn = fo_model_node_count(ap->m), a = 0;
	uint8_t *src_ok = NULL;
	*out = NULL;
	*n = *selected = 0;
	if (sources_of(ap->m, s, &src_ok) < 0)
		return FO_ENOMEM;
	for (uint32_t v = 0; v < nn; v++) {
		fo_model_node nd;
		fo_model_node_get(ap->m, v, &nd);
		if (nd.dropped || !sel_match(ap->map, src_ok, s, &nd))
			continue;
		++*selected;
		int rc = expand(ap, key, &nd, NULL, missing, "no key");
		if (rc == 1)
			continue;
		if (rc < 0 || fo_imp__grow((void **)out, &a, *n + 1, sizeof **out) < 0 ||
		    !((*out)[*n].key = strdup(ap->b.p))) {
			free(src_ok);
			return FO_ENOMEM;
		}
		(*out)[(*n)++].node = v;
	}
	free(src_ok);
	if (*n)
		qsort(*out, *n, sizeof **out, keyed_cmp);
	return FO_OK;
}

static void free_keyed(keyed *k, size_t n)
{
	for (size_t i = 0; k && i < n; i++)
		free(k[i].key);
	free(k);
}

/* <same><node key/><as key/></same>: each node whose key equals the key of
 * exactly one <as> node is the same thing as that node. */
static int apply_join(applier *ap, const stmt *s)
{
	int err = FO_OK;
	keyed *L = NULL, *R = NULL;
	size_t nl = 0, nr = 0, sl = 0, sr = 0, pairs = 0;
	tally t[4] = { 0 }; /* missing (node side), missing (as side), unmatched, ambiguous */
	char sb[FO_DIAG_SHORT_BUF], kb[FO_DIAG_SHORT_BUF];

	if ((err = collect(ap, &s->s, s->node_key, &L, &nl, &sl, &t[0])) < 0 ||
	    (err = collect(ap, &s->as_sel, s->as_key, &R, &nr, &sr, &t[1])) < 0)
		goto done;
	for (size_t i = 0; i < nl; i++) {
		keyed probe = { L[i].key, 0 };
		size_t lo = 0, hi = nr;
		while (lo < hi) { /* first R with key >= probe's */
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(R[mid].key, probe.key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		fo_model_node nd;
		fo_model_node_get(ap->m, L[i].node, &nd);
		if (lo == nr || strcmp(R[lo].key, probe.key)) {
			tally_add(&t[2], nd.id, "its key '%s' is no <as> node's", fo_diag_shorten(probe.key, kb));
			continue;
		}
		if (lo + 1 < nr && !strcmp(R[lo + 1].key, probe.key)) {
			fo_model_node a2;
			fo_model_node_get(ap->m, R[lo].node, &a2);
			tally_add(&t[3], nd.id, "its key '%s' is the key of several <as> nodes ('%s', ...)",
				  fo_diag_shorten(probe.key, kb), fo_diag_shorten(a2.id, sb));
			continue;
		}
		if (R[lo].node == L[i].node)
			continue;
		fo_model_node tn;
		fo_model_node_get(ap->m, R[lo].node, &tn);
		sbuf *ib = &ap->b, *tb = &ap->b2;
		ib->n = tb->n = 0;
		if (sb_add(ib, nd.id, strlen(nd.id)) < 0 || sb_add(tb, tn.id, strlen(tn.id)) < 0) {
			err = FO_ENOMEM;
			goto done;
		}
		if ((err = fo_model_alias(ap->m, ib->p, tb->p, ap->map->file, s->pos)) < 0)
			goto done;
		pairs++;
	}
	if (!pairs)
		report(ap, FO_SEV_WARNING, "map-unmatched", s->pos, "<same> joined no pair (%zu <node> "
		       "nodes with a key, %zu <as> nodes with a key)", nl, nr);
	static const char *const side[] = { "<node>", "<as>", "<node>", "<node>" };
	for (int k = 0; k < 4; k++) {
		if (!t[k].n)
			continue;
		char more[80] = "";
		if (t[k].n > 1)
			snprintf(more, sizeof more, " (and %zu more of the %zu nodes selected)", t[k].n - 1,
				 k == 1 ? sr : sl);
		report(ap, FO_SEV_WARNING, "map-skipped", k < 2 ? (k ? s->akpos : s->nkpos) : s->pos,
		       "<same> %s skips '%s': %s%s", side[k], t[k].node, t[k].detail, more);
	}
done:
	free_keyed(L, nl);
	free_keyed(R, nr);
	return ap->nomem ? FO_ENOMEM : err;
}

int fo_mapfile_apply(const fo_mapfile *map, fo_model *m)
{
	int err = FO_OK;
	applier ap;
	if (!map || !m)
		return FO_EINVAL;
	memset(&ap, 0, sizeof ap);
	ap.map = map;
	ap.m = m;
	ap.d = fo_model_diag(m);
	size_t errors = fo_diag_errors(ap.d);

	for (size_t i = 0; i < map->nst && err == FO_OK; i++) {
		const stmt *s = &map->st[i];
		if (!s->same)
			err = apply_rule(&ap, s);
		else if (s->join)
			err = apply_join(&ap, s);
		else
			err = fo_model_alias(m, s->id, s->as, map->file, s->idpos);
	}
	/* A <source> no input matched: a misspelt glob, a prefix never given. */
	for (size_t i = 0; i < map->nsrc && err == FO_OK; i++) {
		int any = 0;
		for (uint32_t k = 0; k < fo_model_source_count(m) && !any; k++)
			any = source_match(&map->src[i], fo_model_source_file(m, k),
					   fo_model_source_format(m, k));
		if (!any)
			report(&ap, FO_SEV_WARNING, "map-unmatched", map->src[i].pos, "<source> matched no input");
	}
	if (ap.nomem)
		err = FO_ENOMEM;
	free(ap.b.p);
	free(ap.b2.p);
	free(ap.gstart);
	free(ap.glist);
	if (err == FO_OK && fo_diag_errors(ap.d) != errors)
		err = FO_EINPUT;
	return err;
}
