/*
 * inventory.c — reads an inventory XML (format v1) into a graph builder
 * (fo_inventory.h). Design notes and the list of errors: docs/importer.md.
 *
 * libxml2's streaming xmlTextReader reads a file descriptor opened by the
 * input shared with the scenario reader (reader.h), through a read callback
 * that first hands every byte to the pre-scanner (scan.h): a DOCTYPE, NUL
 * bytes or a foreign encoding stop the read before libxml2 sees them, and
 * the scanner's queue gives exact line:col positions for elements,
 * attributes and text. Elements are handled as the reader
 * reports them, with an explicit stack of open elements (never recursion on
 * the document's depth); each finished element's subtree is freed by the
 * reader, so memory grows with the graph, not with the document.
 *
 * Errors do not stop the reading: every structural error is reported here and
 * every semantic error by the builder, so one run lists all of them. Only a
 * fatal libxml2 error (the document is not well-formed XML) or a refusal of
 * the scanner stops it; the errors found until then are kept (walk_rest()
 * recovers what libxml2 parsed but never delivered), but references are then
 * not resolved: the rest of the file is unknown, so "unknown reference"
 * would be noise.
 */
#include "fo_inventory.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include "../graphs/fo_error.h"
#include "../graphs/fo_suggest.h"
#include "columns.h"
#include "reader.h"
#include "scan.h"

/* Generated from importers/inventory-v1.xsd by scripts/embed.sh. */
extern const unsigned char fo_inventory_xsd[];
extern const unsigned long fo_inventory_xsd_len;

#define TIER_MAX 1000000ul      /* tier="K": 1 <= K <= TIER_MAX */
#define COUNT_MAX 1000000000ul  /* min="K" beyond this cannot be <= the member count */

#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

enum frame_kind { F_INVENTORY, F_NODE, F_GROUP, F_REF, F_COPY, F_FDATA, F_SKIP };

/* An open element. */
typedef struct frame {
	const xmlNode *xnode; /* libxml2's node: alive while the element is open */
	enum frame_kind kind;
	int text_seen;        /* text inside already reported */
	uint32_t node;        /* F_NODE: its node, FO_NONE if it has none (no id) */
	const char *name;     /* qualified name, owned by the reader's dictionary */
	unsigned long line;   /* of the start tag */
} frame;

/* The <requires>/<degrades> element being read (they do not nest). */
typedef struct group_state {
	uint32_t owner;       /* FO_NONE: the owner node has no id */
	fo_group_type type;
	unsigned long k;      /* 0 = default (1) */
	fo_pos pos;           /* of min= if given, else of the element */
	fo_pos elem_pos;
	int has_ref;          /* ref="X" form */
	int begun;            /* fo_builder_group_begin called */
	int mixed_reported;
	size_t members;       /* <ref> children seen */
} group_state;

/* A <failure-data> default: the attributes as written (NULL: absent),
 * copied, applied to every node of `kind` without failure data of its own. */
typedef struct fdefault {
	char *kind;           /* canonical: an alias is the kind it stands for */
	char *kind_written;   /* as written (the column hint of errors) */
	char *p, *mtbf, *mttr;
	fo_pos pos;
	int used;             /* a node of this kind was read */
} fdefault;

typedef struct loader {
	fo_reader x;          /* the input: file, diag, scanner, libxml2's errors */
	size_t diag_first;    /* first diag entry of this load */
	fo_builder *b;        /* the graph being built, or */
	fo_model *m;          /* the model being read into (fo_inventory_read_model) */
	int model_group;      /* m: a group is open in the model */
	int schema;           /* validating against the XSD */

	fo_scan_tag tag;      /* the start tag of the current element */
	int have_tag;
	uint32_t attr_cursor; /* next attribute of `tag` expected to be looked up */
	unsigned long elem_line; /* libxml2's line for the current element */
	uint64_t elements;    /* start tags seen by the reader so far */
	uint64_t schema_from; /* schema errors are placed on tags from this seq */

	int after_fatal;      /* walking what libxml2 parsed before its fatal error */
	char *schema_msg;     /* why the embedded XSD did not compile (a bug) */
	const xmlNode *last;  /* the node of the reader's last event (may be freed
			       * by the reader's next move: compare only) */
	int last_descend;     /* its children have not been delivered yet */

	frame *fr;
	size_t nfr, afr;
	group_state g;

	xmlChar **scratch;    /* attribute values built by libxml2 for us */
	size_t nscratch, ascratch;

	uint64_t thread_at;   /* input offset at which the builder gets its own
			       * thread (opts->threads); UINT64_MAX: never */

	fdefault *defs;       /* <failure-data> per kind, sorted by kind from
			       * the first <node> on */
	size_t ndefs, adefs;
	int nodes_seen;       /* a <node> was read: no more <failure-data> */
	int defs_sorted;
} loader;

/* ------------------------------------------------------------ output
 *
 * What the reader finds goes to a graph builder (fo_inventory_read) or to
 * an import model (fo_inventory_read_model), one call each: the same reader
 * either way. The branch is the same at every call of a read, so it costs
 * nothing measurable (docs/importer.md, "Into a model"). */

static int kind_ok(const char *k);

static int emit_set_name(loader *l, const char *name)
{
	return l->m ? fo_model_set_name(l->m, name) : fo_builder_set_name(l->b, name);
}

static int emit_add_node(loader *l, const char *id, const char *kind, const char *name,
			 const char *tenant, unsigned tier, fo_pos pos, uint32_t *out)
{
	int err;
	if (!l->m)
		return fo_builder_add_node(l->b, id, kind, name, tenant, tier, pos, out);
	/* A bad kind is reported already (or by the XSD): the model would say
	 * it a second time. Nothing is built anyway. */
	if (!kind_ok(kind))
		kind = "other";
	/* The source type of a fallout node is its kind: what the summary
	 * counts and what a mapping file selects on. */
	if ((err = fo_model_count_read(l->m, kind, 1)) < 0)
		return err;
	return fo_model_add_node(l->m, id, kind, name, tenant, tier, kind, pos, out);
}

static int emit_add_prop(loader *l, uint32_t node, const char *key, const char *value)
{
	return l->m ? fo_model_add_prop(l->m, node, key, value)
		    : fo_builder_add_prop(l->b, node, key, value);
}

static int emit_set_parent(loader *l, uint32_t node, uint32_t parent)
{
	return l->m ? fo_model_set_parent(l->m, node, parent)
		    : fo_builder_set_parent(l->b, node, parent);
}

static int emit_set_container(loader *l, uint32_t node, const char *id, fo_pos pos)
{
	return l->m ? fo_model_set_container_local(l->m, node, id, pos)
		    : fo_builder_set_container(l->b, node, id, pos);
}

/* k = 0 is the builder's default (1 of the members); the model's 0 means
 * all of them, so the default is said explicitly there. */
static int emit_group_begin(loader *l, uint32_t owner, fo_group_type type, unsigned long k,
			    fo_pos pos)
{
	if (!l->m)
		return fo_builder_group_begin(l->b, owner, type, k, pos);
	l->model_group = 1;
	return fo_model_group_begin(l->m, owner, type, k ? k : 1, pos);
}

static int emit_group_add(loader *l, const char *id, fo_pos pos)
{
	return l->m ? fo_model_group_add_local(l->m, id, pos) : fo_builder_group_add(l->b, id, pos);
}

static int emit_group_end(loader *l)
{
	if (!l->m)
		return fo_builder_group_end(l->b);
	l->model_group = 0;
	return fo_model_group_end(l->m);
}

static int emit_add_copy(loader *l, uint32_t owner, const char *holder, fo_pos pos)
{
	return l->m ? fo_model_add_copy_local(l->m, owner, holder, pos)
		    : fo_builder_add_copy(l->b, owner, holder, pos);
}

/* ------------------------------------------------------------- helpers */

/* code: the diagnostic's stable code (docs/inventory-format.md). */
__attribute__((format(printf, 5, 6)))
static void error_at(loader *l, const char *code, fo_pos pos, const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fo_reader__verror(&l->x, FO_SEV_ERROR, code, pos, hint, fmt, ap);
	va_end(ap);
}

static int all_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

/* tier and min: a positive decimal integer, [1-9][0-9]*, surrounding blanks
 * tolerated as the XSD's xs:positiveInteger does. Returns 0 (*out set),
 * -1 not such a number, -2 larger than max. */
static int parse_count(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	int big = 0;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	if (*s < '1' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (max - d) / 10)
			big = 1;
		else
			v = v * 10 + d;
	}
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	if (*s)
		return -1;
	if (big)
		return -2;
	*out = v;
	return 0;
}

/* A kind is a lowercase word: [a-z][a-z0-9_-]* (the XSD's KindType). */
static int kind_ok(const char *k)
{
	if (*k < 'a' || *k > 'z')
		return 0;
	for (k++; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_' || *k == '-'))
			return 0;
	return 1;
}

/* The qualified name of a tree node, from libxml2's dictionary. */
static const char *node_qname(const xmlNode *n)
{
	if (n->ns && n->ns->prefix && n->doc && n->doc->dict) {
		const xmlChar *q = xmlDictQLookup(n->doc->dict, n->ns->prefix, n->name);
		if (q)
			return (const char *)q;
	}
	return (const char *)n->name;
}

static const char *attr_prefix(const xmlAttr *a)
{
	return a->ns && a->ns->prefix ? (const char *)a->ns->prefix : NULL;
}

static uint64_t qname_hash(const char *prefix, const char *name)
{
	if (!prefix)
		return fo_scan__hash(name, strlen(name));
	uint64_t h = fo_scan__hash(prefix, strlen(prefix));
	h = fo_scan__hash_more(h, ":", 1);
	return fo_scan__hash_more(h, name, strlen(name));
}

/* The value of an attribute. Without entities libxml2 stores it as one text
 * node (or none when empty); anything else is flattened into a string kept
 * until the element is done. */
static const char *attr_value(loader *l, const xmlAttr *a)
{
	const xmlNode *c = a->children;
	if (!c)
		return "";
	if (c->type == XML_TEXT_NODE && !c->next && c->content)
		return (const char *)c->content;
	if (l->nscratch == l->ascratch) {
		size_t na = l->ascratch ? l->ascratch * 2 : 8;
		xmlChar **nv = realloc(l->scratch, na * sizeof *nv);
		if (!nv) {
			l->x.nomem = 1;
			return "";
		}
		l->scratch = nv;
		l->ascratch = na;
	}
	xmlChar *v = xmlNodeListGetString(a->doc, c, 1);
	if (!v) {
		l->x.nomem = 1;
		return "";
	}
	l->scratch[l->nscratch++] = v;
	return (const char *)v;
}

static void free_scratch(loader *l)
{
	for (size_t i = 0; i < l->nscratch; i++)
		xmlFree(l->scratch[i]);
	l->nscratch = 0;
}

/* --------------------------------------------------------- positions */

static fo_pos elem_pos(const loader *l)
{
	if (l->have_tag)
		return (fo_pos){ l->tag.line, l->tag.col };
	return (fo_pos){ l->elem_line, 0 };
}

/* The scanner's record of attribute a of the current element. Attributes
 * are usually looked up in document order, so the search starts where the
 * previous one stopped: O(1) each then, never worse than O(attributes). */
static const fo_scan_attr *scan_attr(loader *l, const xmlAttr *a)
{
	if (!l->have_tag || !l->tag.attr_count)
		return NULL;
	uint64_t h = qname_hash(attr_prefix(a), (const char *)a->name);
	uint32_t n = l->tag.attr_count;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = (l->attr_cursor + k) % n;
		const fo_scan_attr *s = fo_scan__attr(&l->x.scan, &l->tag, i);
		if (s && s->hash == h) {
			l->attr_cursor = i + 1;
			return s;
		}
	}
	return NULL;
}

static fo_pos name_pos(loader *l, const xmlAttr *a)
{
	const fo_scan_attr *s = scan_attr(l, a);
	return s ? (fo_pos){ s->line, s->col } : (fo_pos){ l->elem_line, 0 };
}

static fo_pos value_pos(loader *l, const xmlAttr *a)
{
	const fo_scan_attr *s = scan_attr(l, a);
	return s ? (fo_pos){ s->vline, s->vcol } : (fo_pos){ l->elem_line, 0 };
}

/* "name=" hint for the column resolver, used when the scanner is out of step. */
static const char *name_hint(const xmlAttr *a, char buf[64])
{
	snprintf(buf, 64, "%s=", (const char *)a->name);
	return buf;
}

/* ------------------------------------------------------- attributes */

/* Namespaced attributes are not part of the format; xsi:* (schema location
 * hints, never followed) is tolerated as XSD validators do. An attribute with
 * an undeclared prefix was already reported by libxml2. Returns 1 if `a` is
 * to be skipped. */
static int skip_foreign(loader *l, const xmlAttr *a, const char *elem)
{
	char hb[64], sb[FO_READER_SHOW_BUF];
	if (a->ns) {
		if (a->ns->href && strcmp((const char *)a->ns->href, XSI_NS) == 0)
			return 1;
		if (!l->schema)
			error_at(l, "unknown-attribute", name_pos(l, a), name_hint(a, hb),
				 "namespaced attribute '%s:%s' on <%s> is not part of the format",
				 attr_prefix(a) ? attr_prefix(a) : "",
				 fo_reader__show((const char *)a->name, sb), elem);
		return 1;
	}
	return strchr((const char *)a->name, ':') != NULL;
}

static void unknown_attr(loader *l, const xmlAttr *a, const char *elem)
{
	char hb[64], sb[FO_READER_SHOW_BUF];
	if (!l->schema)
		error_at(l, "unknown-attribute", name_pos(l, a), name_hint(a, hb), "unknown attribute '%s' on <%s>",
			 fo_reader__show((const char *)a->name, sb), elem);
}

static void missing_attr(loader *l, const char *attr, const char *elem)
{
	char hint[32];
	snprintf(hint, sizeof hint, "<%s", elem);
	if (!l->schema)
		error_at(l, "missing-attribute", elem_pos(l), hint, "missing attribute '%s' on <%s>", attr, elem);
}

/* For the closed elements (<inventory>, <requires>, <degrades>, <ref>,
 * <copy>): picks the attributes named in `names` into vals/attrs and reports
 * every other one. */
static void closed_attrs(loader *l, const xmlNode *n, const char *elem, const char *const *names,
			 size_t count, const char **vals, const xmlAttr **attrs)
{
	for (size_t i = 0; i < count; i++) {
		vals[i] = NULL;
		attrs[i] = NULL;
	}
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		if (skip_foreign(l, a, elem))
			continue;
		size_t i = 0;
		while (i < count && strcmp((const char *)a->name, names[i]) != 0)
			i++;
		if (i == count) {
			unknown_attr(l, a, elem);
			continue;
		}
		vals[i] = attr_value(l, a);
		attrs[i] = a;
	}
}

/* ---------------------------------------------------------- elements */

static frame *top(loader *l)
{
	return l->nfr ? &l->fr[l->nfr - 1] : NULL;
}

static int push(loader *l, const xmlNode *xn, enum frame_kind kind, uint32_t node,
		const char *name)
{
	if (l->nfr == l->afr) {
		size_t na = l->afr ? l->afr * 2 : 32;
		frame *nv = realloc(l->fr, na * sizeof *nv);
		if (!nv)
			return FO_ENOMEM;
		l->fr = nv;
		l->afr = na;
	}
	l->fr[l->nfr++] = (frame){ xn, kind, 0, node, name, elem_pos(l).line };
	if (xn == l->x.fatal_open)
		l->x.fatal_open_line = elem_pos(l).line;
	return FO_OK;
}

static int start_inventory(loader *l, const xmlNode *n, const char *qname)
{
	static const char *const names[] = { "name", "version" };
	const char *v[2];
	const xmlAttr *a[2];
	char sb[FO_READER_SHOW_BUF];
	int err;

	closed_attrs(l, n, "inventory", names, 2, v, a);
	if (v[1] && strcmp(v[1], "1") != 0 && !l->schema)
		error_at(l, "bad-version", value_pos(l, a[1]), v[1],
			 "unsupported version '%s': this fallout reads inventory version 1",
			 fo_reader__show(v[1], sb));
	if (v[0] && *v[0] && (err = emit_set_name(l, v[0])) < 0)
		return err;
	return push(l, n, F_INVENTORY, FO_NONE, qname);
}

enum { A_ID, A_KIND, A_NAME, A_IN, A_TENANT, A_TIER, A_COUNT };
static const char *const node_attrs[A_COUNT] = { "id", "kind", "name", "in", "tenant", "tier" };

/* Which of node_attrs `name` is, or A_COUNT (a property). Called for every
 * attribute of every node: the first byte picks the candidates. */
static int node_attr(const char *name)
{
	int i;
	switch (name[0]) {
	case 'i': i = name[1] == 'd' ? A_ID : A_IN; break;
	case 'k': i = A_KIND; break;
	case 'n': i = A_NAME; break;
	case 't': i = name[1] == 'e' ? A_TENANT : A_TIER; break;
	default: return A_COUNT;
	}
	return strcmp(name, node_attrs[i]) == 0 ? i : A_COUNT;
}

/* ------------------------------------------------------- failure data
 *
 * p, or mtbf and mttr, on <node> (kept as the node's properties, as
 * written), and <failure-data kind= .../> defaults before the first node,
 * applied as the nodes are read: a node without failure data of its own
 * gets its kind's default as properties, as if written on it
 * (docs/inventory-format.md, "Failure data"). */

enum { FD_P, FD_MTBF, FD_MTTR, FD_COUNT };
static const char *const fd_names[FD_COUNT] = { "p", "mtbf", "mttr" };

/* Which of fd_names `name` is, or FD_COUNT. Called for every attribute of
 * every node: the first byte rules out almost all of them. */
static int fd_attr(const char *name)
{
	if (name[0] == 'p')
		return name[1] ? FD_COUNT : FD_P;
	if (name[0] != 'm' || name[1] != 't')
		return FD_COUNT;
	return !strcmp(name, "mtbf") ? FD_MTBF : !strcmp(name, "mttr") ? FD_MTTR : FD_COUNT;
}

/* Checks one element's p, mtbf and mttr (v[i] NULL: absent), reporting
 * each problem at its attribute. Returns FD_GIVEN when the element gives
 * failure data (valid or not: a node with bad data of its own takes no
 * default), with FD_BAD when something was reported. */
enum { FD_GIVEN = 1, FD_BAD = 2 };
static int check_failure_data(loader *l, const char *const *v, const xmlAttr *const *a)
{
	char sb[FO_READER_SHOW_BUF], hb[64];
	double x;
	size_t before = fo_diag_errors(l->x.diag);
	if (v[FD_P]) {
		if (fo_inventory_number(v[FD_P], &x) < 0)
			error_at(l, "bad-failure-data", value_pos(l, a[FD_P]), v[FD_P],
				 "bad p '%s': not a number (write a decimal such as 0.0005 or 5e-4)",
				 fo_reader__show(v[FD_P], sb));
		else if (!(x >= 0 && x <= 1))
			error_at(l, "bad-failure-data", value_pos(l, a[FD_P]), v[FD_P],
				 "bad p '%s': a probability is between 0 and 1", fo_reader__show(v[FD_P], sb));
		if (v[FD_MTBF] || v[FD_MTTR])
			error_at(l, "bad-failure-data", name_pos(l, a[FD_P]), name_hint(a[FD_P], hb),
				 "p together with %s: give either p or mtbf and mttr",
				 v[FD_MTBF] && v[FD_MTTR] ? "mtbf and mttr" : v[FD_MTBF] ? "mtbf" : "mttr");
	}
	if (v[FD_MTBF]) {
		if (fo_inventory_number(v[FD_MTBF], &x) < 0)
			error_at(l, "bad-failure-data", value_pos(l, a[FD_MTBF]), v[FD_MTBF],
				 "bad mtbf '%s': not a number of hours", fo_reader__show(v[FD_MTBF], sb));
		else if (!(x > 0))
			error_at(l, "bad-failure-data", value_pos(l, a[FD_MTBF]), v[FD_MTBF],
				 "bad mtbf '%s': the mean time between failures must be more than 0 hours",
				 fo_reader__show(v[FD_MTBF], sb));
	}
	if (v[FD_MTTR]) {
		if (fo_inventory_number(v[FD_MTTR], &x) < 0)
			error_at(l, "bad-failure-data", value_pos(l, a[FD_MTTR]), v[FD_MTTR],
				 "bad mttr '%s': not a number of hours", fo_reader__show(v[FD_MTTR], sb));
		else if (!(x >= 0))
			error_at(l, "bad-failure-data", value_pos(l, a[FD_MTTR]), v[FD_MTTR],
				 "bad mttr '%s': the mean time to repair cannot be negative",
				 fo_reader__show(v[FD_MTTR], sb));
	}
	if (!v[FD_P] && (v[FD_MTBF] != NULL) != (v[FD_MTTR] != NULL)) {
		int i = v[FD_MTBF] ? FD_MTBF : FD_MTTR;
		error_at(l, "bad-failure-data", name_pos(l, a[i]), name_hint(a[i], hb),
			 "%s without %s: p = mttr / (mtbf + mttr) needs both", fd_names[i],
			 fd_names[i == FD_MTBF ? FD_MTTR : FD_MTBF]);
	}
	return (v[FD_P] || v[FD_MTBF] || v[FD_MTTR] ? FD_GIVEN : 0) |
	       (fo_diag_errors(l->x.diag) != before ? FD_BAD : 0);
}

/* The kind word defaults are matched on: the canonical word of a known
 * kind or alias, else the word itself. Borrowed. */
static const char *canonical_kind(const char *word)
{
	fo_kind k = fo_kind_parse(word);
	return k == FO_KIND_OTHER ? word : fo_kind_name(k);
}

static int cmp_default(const void *a, const void *b)
{
	return strcmp(((const fdefault *)a)->kind, ((const fdefault *)b)->kind);
}

/* By kind, then where written (for the duplicates). */
static int cmp_default_pos(const void *a, const void *b)
{
	const fdefault *x = a, *y = b;
	int c = strcmp(x->kind, y->kind);
	if (c)
		return c;
	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	return x->pos.col < y->pos.col ? -1 : x->pos.col > y->pos.col;
}

static void free_default(fdefault *d)
{
	free(d->kind);
	free(d->kind_written);
	free(d->p);
	free(d->mtbf);
	free(d->mttr);
}

/* Once, at the first node (or the end): sorts the defaults by kind for the
 * lookups and reports a kind declared twice (an alias and its kind count
 * as one), keeping the first. O(d log d). */
static void sort_defaults(loader *l)
{
	char sb[FO_READER_SHOW_BUF];
	size_t m = 0;
	if (l->defs_sorted)
		return;
	l->defs_sorted = 1;
	if (l->ndefs > 1)
		qsort(l->defs, l->ndefs, sizeof *l->defs, cmp_default_pos);
	for (size_t i = 0; i < l->ndefs; i++) {
		if (m && strcmp(l->defs[m - 1].kind, l->defs[i].kind) == 0) {
			error_at(l, "duplicate-failure-data", l->defs[i].pos, l->defs[i].kind_written,
				 "second <failure-data> for kind '%s' (first at line %lu)",
				 fo_reader__show(l->defs[i].kind, sb), l->defs[m - 1].pos.line);
			free_default(&l->defs[i]);
			continue;
		}
		l->defs[m++] = l->defs[i];
	}
	l->ndefs = m;
}

static fdefault *find_default(loader *l, const char *kind)
{
	fdefault key = { .kind = (char *)kind };
	if (!l->ndefs)
		return NULL;
	return bsearch(&key, l->defs, l->ndefs, sizeof *l->defs, cmp_default);
}

/* A node of `kind` was read, with (own) or without failure data of its
 * own: marks its kind's default used, and gives it to the node if it has
 * none. O(log defaults). */
static int apply_default(loader *l, uint32_t node, const char *kind, int own)
{
	fdefault *d = l->ndefs && *kind ? find_default(l, canonical_kind(kind)) : NULL;
	int err;
	if (!d)
		return FO_OK;
	d->used = 1;
	if (own)
		return FO_OK;
	const char *v[FD_COUNT] = { d->p, d->mtbf, d->mttr };
	for (int i = 0; i < FD_COUNT; i++)
		if (v[i] && (err = emit_add_prop(l, node, fd_names[i], v[i])) < 0)
			return err;
	return FO_OK;
}

static int start_failure_data(loader *l, const xmlNode *n, const char *qname)
{
	static const char *const names[] = { "kind", "p", "mtbf", "mttr" };
	const char *v[4];
	const xmlAttr *a[4];
	char sb[FO_READER_SHOW_BUF], hint[32];

	closed_attrs(l, n, "failure-data", names, 4, v, a);
	snprintf(hint, sizeof hint, "<%s", qname);
	int ok = 1;
	if (l->nodes_seen) {
		error_at(l, "failure-data-order", elem_pos(l), hint,
			 "<failure-data> after the first <node>: declare the defaults before the nodes");
		ok = 0;
	}
	if (!v[0]) {
		missing_attr(l, "kind", "failure-data");
		ok = 0;
	} else if (!kind_ok(v[0])) {
		error_at(l, "bad-kind", value_pos(l, a[0]), v[0],
			 "bad kind '%s': a kind is a lowercase word ([a-z][a-z0-9_-]*)",
			 fo_reader__show(v[0], sb));
		ok = 0;
	}
	int fd = check_failure_data(l, v + 1, a + 1);
	if (!(fd & FD_GIVEN))
		error_at(l, "bad-failure-data", elem_pos(l), hint,
			 "<failure-data> gives no failure data: write p=, or mtbf= and mttr=");
	if (fd != FD_GIVEN)
		ok = 0;
	if (ok) {
		if (l->ndefs == l->adefs) {
			size_t na = l->adefs ? l->adefs * 2 : 8;
			fdefault *nd = realloc(l->defs, na * sizeof *nd);
			if (!nd)
				return FO_ENOMEM;
			l->defs = nd;
			l->adefs = na;
		}
		fdefault *d = &l->defs[l->ndefs];
		memset(d, 0, sizeof *d);
		d->pos = value_pos(l, a[0]);
		l->ndefs++;
		if (!(d->kind = strdup(canonical_kind(v[0]))) || !(d->kind_written = strdup(v[0])))
			return FO_ENOMEM;
		for (int i = 0; i < FD_COUNT; i++) {
			char **slot = i == FD_P ? &d->p : i == FD_MTBF ? &d->mtbf : &d->mttr;
			if (v[1 + i] && !(*slot = strdup(v[1 + i])))
				return FO_ENOMEM;
		}
	}
	return push(l, n, F_FDATA, FO_NONE, qname);
}

/* At the end of the document: a default for a kind that fallout does not
 * know and that no node has is a typo (the documented kinds may be
 * declared for nodes to come). */
static void unused_defaults(loader *l)
{
	char sb[FO_READER_SHOW_BUF];
	for (size_t i = 0; i < l->ndefs; i++) {
		fdefault *d = &l->defs[i];
		if (d->used || fo_kind_parse(d->kind) != FO_KIND_OTHER)
			continue;
		const char *near = fo_suggest_kind(d->kind);
		error_at(l, "failure-data-kind", d->pos, d->kind_written,
			 "<failure-data> for kind '%s', which no node has and fallout does not know%s%s%s",
			 fo_reader__show(d->kind, sb), near ? "; did you mean '" : "", near ? near : "",
			 near ? "'?" : "");
	}
}

static void free_defaults(loader *l)
{
	for (size_t i = 0; i < l->ndefs; i++)
		free_default(&l->defs[i]);
	free(l->defs);
}

static int start_node(loader *l, const frame *parent, const xmlNode *n, const char *qname)
{
	const char *v[A_COUNT] = { 0 };
	const xmlAttr *a[A_COUNT] = { 0 };
	char sb[FO_READER_SHOW_BUF];
	unsigned long tier = 0;
	uint32_t node = FO_NONE;
	int nested = parent->kind == F_NODE;
	int err;

	if (!l->nodes_seen) {
		l->nodes_seen = 1;
		sort_defaults(l);
	}
	for (const xmlAttr *p = n->properties; p; p = p->next) {
		if (skip_foreign(l, p, "node"))
			continue;
		int i = node_attr((const char *)p->name);
		if (i < A_COUNT) {
			v[i] = attr_value(l, p);
			a[i] = p;
		}
	}
	if (!v[A_ID])
		missing_attr(l, "id", "node");
	else if (!*v[A_ID] && !l->schema)
		error_at(l, "empty-id", value_pos(l, a[A_ID]), "id=", "empty id");
	if (!v[A_KIND]) {
		missing_attr(l, "kind", "node");
		v[A_KIND] = "";
	} else if (!kind_ok(v[A_KIND]) && !l->schema) {
		error_at(l, "bad-kind", value_pos(l, a[A_KIND]), v[A_KIND],
			 "bad kind '%s': a kind is a lowercase word ([a-z][a-z0-9_-]*)",
			 fo_reader__show(v[A_KIND], sb));
	}
	if (v[A_TIER]) {
		int r = parse_count(v[A_TIER], TIER_MAX, &tier);
		if (r == -1 && !l->schema)
			error_at(l, "bad-tier", value_pos(l, a[A_TIER]), v[A_TIER],
				 "bad tier '%s': a tier is a positive integer (1 = most critical)",
				 fo_reader__show(v[A_TIER], sb));
		else if (r == -2)
			error_at(l, "bad-tier", value_pos(l, a[A_TIER]), v[A_TIER],
				 "bad tier '%s': the largest tier is %lu", fo_reader__show(v[A_TIER], sb),
				 TIER_MAX);
		if (r < 0)
			tier = 0;
	}
	if (v[A_IN] && nested)
		error_at(l, "nested-in", name_pos(l, a[A_IN]), "in=",
			 "'in' on a nested node: it is already located in its parent <node>");

	if (v[A_ID] && *v[A_ID]) {
		fo_pos pos = value_pos(l, a[A_ID]);
		const char *name = v[A_NAME] && *v[A_NAME] ? v[A_NAME] : NULL;
		const char *tenant = v[A_TENANT] && *v[A_TENANT] ? v[A_TENANT] : NULL;
		if ((err = emit_add_node(l, v[A_ID], v[A_KIND], name, tenant,
					  (unsigned)tier, pos, &node)) < 0)
			return err;
		/* Every other attribute without a namespace is a property;
		 * p, mtbf and mttr are properties that must be failure data. */
		const char *fv[FD_COUNT] = { 0 };
		const xmlAttr *fa[FD_COUNT] = { 0 };
		for (const xmlAttr *p = n->properties; p; p = p->next) {
			int reserved, f;
			if (p->ns || strchr((const char *)p->name, ':'))
				continue;
			reserved = node_attr((const char *)p->name) < A_COUNT;
			if ((f = fd_attr((const char *)p->name)) < FD_COUNT) {
				fv[f] = attr_value(l, p);
				fa[f] = p;
			}
			if (!reserved &&
			    (err = emit_add_prop(l, node, (const char *)p->name,
						  attr_value(l, p))) < 0)
				return err;
		}
		int own = check_failure_data(l, fv, fa) & FD_GIVEN;
		if ((err = apply_default(l, node, v[A_KIND], own)) < 0)
			return err;
		if (nested) {
			if (parent->node != FO_NONE &&
			    (err = emit_set_parent(l, node, parent->node)) < 0)
				return err;
		} else if (v[A_IN]) {
			if (!*v[A_IN]) {
				if (!l->schema)
					error_at(l, "empty-reference", value_pos(l, a[A_IN]), "in=", "empty reference in 'in'");
			} else if (!l->after_fatal &&
				   (err = emit_set_container(l, node, v[A_IN],
							      value_pos(l, a[A_IN]))) < 0) {
				return err;
			}
		}
	}
	return push(l, n, F_NODE, node, qname);
}

static int start_group(loader *l, const frame *parent, const xmlNode *n, const char *qname,
		       fo_group_type type)
{
	static const char *const names[] = { "ref", "min" };
	const char *elem = type == FO_GROUP_REQUIRES ? "requires" : "degrades";
	const char *v[2];
	const xmlAttr *a[2];
	char sb[FO_READER_SHOW_BUF], hb[64];
	int err;

	closed_attrs(l, n, elem, names, 2, v, a);
	/* After a fatal error nothing is resolved: no group is built. */
	l->g = (group_state){ l->after_fatal ? FO_NONE : parent->node, type, 0, elem_pos(l),
			      elem_pos(l), 0, 0, 0, 0 };
	if (v[1]) {
		unsigned long k;
		int r = parse_count(v[1], COUNT_MAX, &k);
		if (r == -1 && !l->schema)
			error_at(l, "bad-min", value_pos(l, a[1]), v[1], "bad min '%s': min is a positive integer",
				 fo_reader__show(v[1], sb));
		else if (r == -2)
			error_at(l, "bad-min", value_pos(l, a[1]), v[1],
				 "bad min '%s': min must be between 1 and the number of members",
				 fo_reader__show(v[1], sb));
		if (r == 0) {
			l->g.k = k;
			l->g.pos = value_pos(l, a[1]);
		}
		if (v[0])
			error_at(l, "bad-group", name_pos(l, a[1]), name_hint(a[1], hb),
				 "min= together with ref= on <%s>: a single ref= is 1 of 1; list the members as <ref id=\"...\"/> children",
				 elem);
	}
	if (v[0]) {
		l->g.has_ref = 1;
		if (!*v[0]) {
			if (!l->schema)
				error_at(l, "empty-reference", value_pos(l, a[0]), "ref=", "empty reference in 'ref'");
		} else if (l->g.owner != FO_NONE) {
			if ((err = emit_group_begin(l, l->g.owner, type, 1, l->g.elem_pos)) < 0 ||
			    (err = emit_group_add(l, v[0], value_pos(l, a[0]))) < 0 ||
			    (err = emit_group_end(l)) < 0)
				return err;
		}
	}
	return push(l, n, F_GROUP, FO_NONE, qname);
}

static int end_group(loader *l, const char *qname)
{
	char hint[32];
	if (l->g.has_ref || l->after_fatal)
		return FO_OK;
	if (l->g.begun)
		return emit_group_end(l);
	if (!l->g.members) {
		snprintf(hint, sizeof hint, "<%s", qname);
		error_at(l, "empty-group", l->g.elem_pos, hint,
			 "group has no members: <%s> needs ref=\"ID\" or <ref id=\"ID\"/> children",
			 qname);
	}
	return FO_OK;
}

static int start_ref(loader *l, const xmlNode *n, const char *qname)
{
	static const char *const names[] = { "id" };
	const char *v[1];
	const xmlAttr *a[1];
	int err;

	closed_attrs(l, n, "ref", names, 1, v, a);
	l->g.members++;
	if (!v[0]) {
		missing_attr(l, "id", "ref");
	} else if (!*v[0]) {
		if (!l->schema)
			error_at(l, "empty-reference", value_pos(l, a[0]), "id=", "empty reference in <ref id>");
	} else if (l->g.owner != FO_NONE) {
		if (!l->g.begun) {
			if ((err = emit_group_begin(l, l->g.owner, l->g.type, l->g.k, l->g.pos)) < 0)
				return err;
			l->g.begun = 1;
		}
		if ((err = emit_group_add(l, v[0], value_pos(l, a[0]))) < 0)
			return err;
	}
	return push(l, n, F_REF, FO_NONE, qname);
}

static int start_copy(loader *l, const frame *parent, const xmlNode *n, const char *qname)
{
	static const char *const names[] = { "ref" };
	const char *v[1];
	const xmlAttr *a[1];
	int err;

	closed_attrs(l, n, "copy", names, 1, v, a);
	if (!v[0]) {
		missing_attr(l, "ref", "copy");
	} else if (!*v[0]) {
		if (!l->schema)
			error_at(l, "empty-reference", value_pos(l, a[0]), "ref=", "empty reference in <copy ref>");
	} else if (parent->node != FO_NONE && !l->after_fatal &&
		   (err = emit_add_copy(l, parent->node, v[0], value_pos(l, a[0]))) < 0) {
		return err;
	}
	return push(l, n, F_COPY, FO_NONE, qname);
}

static int is_format_element(const char *name)
{
	static const char *const names[] = { "inventory", "node",     "requires",    "degrades",
					     "ref",       "copy",     "failure-data" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

/* Element n starts; qname is its name as written, owned by libxml2. */
static int on_start(loader *l, const xmlNode *n, const char *qname)
{
	const char *local = n ? (const char *)n->name : NULL;
	const frame *parent = top(l);
	char sb[FO_READER_SHOW_BUF], hb[FO_READER_SHOW_MAX + 8];
	const char *hint = NULL;

	if (!n || !qname || !local)
		return FO_ENOMEM;
	if (l->x.scan.offset >= l->thread_at) {
		int err = fo_builder_start_thread(l->b);
		l->thread_at = UINT64_MAX;
		if (err < 0)
			return err;
	}
	/* Pair the element with the scanner's record of its start tag. */
	l->have_tag = fo_scan__pop_tag(&l->x.scan, &l->tag) == 0;
	if (l->have_tag && l->tag.hash != fo_scan__hash(qname, strlen(qname))) {
		fo_scan__break(&l->x.scan); /* out of step: fall back to libxml2's lines */
		l->have_tag = 0;
	}
	l->elements++;
	l->attr_cursor = 0;
	long line = xmlGetLineNo(n);
	l->elem_line = line > 0 ? (unsigned long)line : 0;
	if (!l->have_tag) {
		/* No column: the resolver will look for "<qname" on the line. */
		snprintf(hb, sizeof hb, "<%s", fo_reader__show(qname, sb));
		hint = hb;
	}

	if (parent && parent->kind == F_SKIP)
		return push(l, n, F_SKIP, FO_NONE, qname);
	int plain = n->ns == NULL;
	if (!parent) {
		if (plain && strcmp(local, "inventory") == 0)
			return start_inventory(l, n, qname);
		if (!l->schema && !plain)
			error_at(l, "bad-root", elem_pos(l), hint,
				 "the root element <%s> is in the namespace '%s': the format has no namespace",
				 fo_reader__show(qname, sb),
				 n->ns->href ? (const char *)n->ns->href : "");
		else if (!l->schema)
			error_at(l, "bad-root", elem_pos(l), hint,
				 "the root element is <%s>: an inventory starts with <inventory>",
				 fo_reader__show(qname, sb));
		return push(l, n, F_SKIP, FO_NONE, qname);
	}
	if (plain) {
		switch (parent->kind) {
		case F_INVENTORY:
			if (strcmp(local, "node") == 0)
				return start_node(l, parent, n, qname);
			if (strcmp(local, "failure-data") == 0)
				return start_failure_data(l, n, qname);
			break;
		case F_NODE:
			if (strcmp(local, "node") == 0)
				return start_node(l, parent, n, qname);
			if (strcmp(local, "requires") == 0)
				return start_group(l, parent, n, qname, FO_GROUP_REQUIRES);
			if (strcmp(local, "degrades") == 0)
				return start_group(l, parent, n, qname, FO_GROUP_DEGRADES);
			if (strcmp(local, "copy") == 0)
				return start_copy(l, parent, n, qname);
			break;
		case F_GROUP:
			if (strcmp(local, "ref") == 0 && !l->g.has_ref)
				return start_ref(l, n, qname);
			if (strcmp(local, "ref") == 0) {
				/* Not expressible in XSD 1.0: reported with or without it. */
				if (!l->g.mixed_reported)
					error_at(l, "bad-group", elem_pos(l), hint,
						 "<%s> has both ref= and <ref> children: use one form",
						 parent->name);
				l->g.mixed_reported = 1;
				return push(l, n, F_SKIP, FO_NONE, qname);
			}
			break;
		default:
			break;
		}
	}
	if (!l->schema) {
		if (plain && is_format_element(local))
			error_at(l, "unknown-element", elem_pos(l), hint, "element <%s> is not allowed in <%s>", local,
				 parent->name);
		else if (!plain && is_format_element(local))
			error_at(l, "unknown-element", elem_pos(l), hint,
				 "unknown element <%s> in <%s>: in the namespace '%s', but the format has no namespace",
				 fo_reader__show(qname, sb), parent->name,
				 n->ns->href ? (const char *)n->ns->href : "");
		else
			error_at(l, "unknown-element", elem_pos(l), hint, "unknown element <%s> in <%s>",
				 fo_reader__show(qname, sb), parent->name);
	}
	return push(l, n, F_SKIP, FO_NONE, qname);
}

static int on_end(loader *l)
{
	int err = FO_OK;
	if (!l->nfr)
		return FO_OK;
	frame f = l->fr[--l->nfr];
	if (f.kind == F_GROUP)
		err = end_group(l, f.name);
	else if (f.kind == F_INVENTORY && !l->after_fatal) {
		sort_defaults(l);
		unused_defaults(l);
	}
	return err;
}

/* Text is never part of the format (only elements and attributes are):
 * non-blank character data, or any CDATA section, is reported once per
 * element. */
static void on_text(loader *l, const xmlNode *n, const char *text, int cdata)
{
	fo_scan_text at;
	int have = fo_scan__take_text(&l->x.scan, l->elements, &at) == 0;
	frame *f = top(l);
	char snip[64], hint[48];
	size_t len = 0;

	if (!f || f->kind == F_SKIP || f->text_seen || l->schema)
		return;
	f->text_seen = 1;
	while (*text == ' ' || *text == '\t' || *text == '\r' || *text == '\n')
		text++;
	/* A short one-line excerpt, cut on a UTF-8 boundary. */
	while (text[len] && text[len] != '\n' && text[len] != '\r' && len < 32)
		len++;
	while (len && text[len] && ((unsigned char)text[len] & 0xC0) == 0x80)
		len--;
	memcpy(hint, text, len);
	hint[len] = '\0';
	snprintf(snip, sizeof snip, "%s%s", hint, all_blank(text + len) ? "" : "...");
	fo_pos pos = { 0, 0 };
	if (have) {
		pos = (fo_pos){ at.line, at.col };
	} else {
		long line = n ? xmlGetLineNo(n) : -1;
		pos.line = line > 0 ? (unsigned long)line : l->elem_line;
	}
	if (cdata)
		error_at(l, "text", pos, "<![CDATA[", "text is not allowed in <%s>: CDATA section '%s'",
			 f->name, snip);
	else
		error_at(l, "text", pos, hint, "text is not allowed in <%s>: '%s'", f->name, snip);
}

/* ---------------------------------------------------- libxml2 errors */

/* A schema error only says "Element 'E'[, attribute 'A']" and the line where
 * the start tag ends; the scanner's pending tags give the exact place. */
static void place_schema_error(void *ctx, const char *msg, unsigned long line, fo_pos *pos,
			       char *hint, size_t hintsz)
{
	loader *l = ctx;
	char elem[256] = "", attr[256] = "";
	const char *p = msg, *q;

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
	/* "{uri}local": the column resolver finds "prefix:local=" by "local=". */
	const char *alocal = attr[0] == '{' && strchr(attr, '}') ? strchr(attr, '}') + 1 : attr;
	if (*attr)
		snprintf(hint, hintsz, "%s=", alocal);
	else
		snprintf(hint, hintsz, "<%s", elem);
	if (elem[0] == '{' || attr[0] == '{')
		return; /* namespaced: the message does not give the prefix */
	const fo_scan_attr *sa = NULL;
	uint64_t ah = fo_scan__hash(attr, strlen(attr));
	const fo_scan_tag *t = fo_scan__find_pending(&l->x.scan, l->schema_from,
						     fo_scan__hash(elem, strlen(elem)), line,
						     *attr ? &ah : NULL, &sa);
	if (!t)
		return;
	l->schema_from = t->seq;
	*pos = sa ? (fo_pos){ sa->line, sa->col } : (fo_pos){ t->line, t->col };
}

/* The fatal errors that have a better message than libxml2's (the document
 * has content: fo_reader__verdict reports an empty one). */
static int explain_fatal(void *ctx)
{
	loader *l = ctx;
	fo_pos pos = { l->x.fatal_line, l->x.fatal_col };

	if (l->x.fatal_code == XML_ERR_DOCUMENT_EMPTY)
		error_at(l, "xml", pos, NULL, "not an XML document: expected '<' to start the root element");
	else if (l->x.fatal_code == XML_ERR_DOCUMENT_END && l->x.eof && l->x.fatal_open)
		error_at(l, "xml", pos, NULL, "unexpected end of file: <%s> from line %lu is not closed",
			 node_qname(l->x.fatal_open), l->x.fatal_open_line);
	else
		return 0;
	return 1;
}

static const fo_reader_format inventory_format = {
	.docs = "fallout inventories",
	.doc = "the inventory",
	.empty = "empty document: an inventory needs an <inventory> element",
	.tidy = 1,
	.place = place_schema_error,
	.explain_fatal = explain_fatal,
};

/* Errors compiling the embedded XSD are not the inventory's: keep the first
 * for the internal-error message. */
static void on_schema_error(void *ctx, xmlErrorPtr e)
{
	loader *l = ctx;
	if (e && e->code == XML_ERR_NO_MEMORY)
		l->x.nomem = 1;
	else if (e && !l->schema_msg && e->level >= XML_ERR_ERROR &&
		 !(l->schema_msg = fo_reader__tidy(&l->x, e)))
		l->x.nomem = 1;
}

static int load_schema(loader *l, xmlSchemaPtr *out)
{
	xmlSchemaParserCtxtPtr pc;

	*out = NULL;
	pc = xmlSchemaNewMemParserCtxt((const char *)fo_inventory_xsd, (int)fo_inventory_xsd_len);
	if (!pc)
		return FO_ENOMEM;
	xmlSchemaSetParserStructuredErrors(pc, on_schema_error, l);
	*out = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	if (*out)
		return FO_OK;
	if (l->x.nomem)
		return FO_ENOMEM;
	/* A broken embedded schema is a bug of this build, not of the input. */
	error_at(l, "internal", (fo_pos){ 0, 0 }, NULL, "internal error: the embedded schema does not compile%s%s",
		 l->schema_msg ? ": " : "", l->schema_msg ? l->schema_msg : "");
	return FO_EINVAL;
}

/* The node after n in document order once n's subtree is done, ending the
 * elements climbed out of. */
static const xmlNode *next_node(loader *l, const xmlNode *n)
{
	while (n && !n->next) {
		n = n->parent;
		if (!n || n->type != XML_ELEMENT_NODE)
			return NULL;
		on_end(l);
	}
	return n ? n->next : NULL;
}

/* After a fatal error (or a refusal of the scanner) libxml2's reader stops at
 * once, although the chunk it was parsing (up to a few KiB before the error)
 * may already be in its tree, never delivered. That part is walked here, in document order and without
 * recursion, so that the errors in it are reported too; from here on nothing
 * is resolved (the rest of the file is unknown). */
static int walk_rest(loader *l, xmlTextReaderPtr r)
{
	int err = FO_OK;
	const xmlNode *n;
	/* Where the reader stopped. It may have moved past l->last before
	 * failing (and freed it: l->last is only compared, never read, unless
	 * it is still the current node). */
	const xmlNode *cur = xmlTextReaderCurrentNode(r);
	const frame *f = top(l);

	l->after_fatal = 1;
	if (!cur) {
		n = l->last || !l->x.fatal_doc ? NULL : l->x.fatal_doc->children;
	} else if (cur == l->last && l->last_descend && cur->children) {
		n = cur->children;
	} else if (cur == l->last || (f && f->xnode == cur)) {
		/* done with cur (or back at an open element whose end was not
		 * delivered): end it if it is still open, go on after it */
		if (f && f->xnode == cur)
			on_end(l);
		n = next_node(l, cur);
	} else {
		n = cur; /* moved to a node it did not deliver */
	}
	while (n && err == FO_OK) {
		if (n->type == XML_ELEMENT_NODE) {
			err = on_start(l, n, node_qname(n));
			free_scratch(l);
			if (err == FO_OK && n->children) {
				n = n->children;
				continue;
			}
			if (err == FO_OK)
				err = on_end(l);
		} else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
			   n->content) {
			int cdata = n->type == XML_CDATA_SECTION_NODE;
			if (cdata || !all_blank((const char *)n->content))
				on_text(l, n, (const char *)n->content, cdata);
		}
		n = next_node(l, n);
	}
	return err;
}

/* Reads the whole document into l->b. Returns FO_OK when reading went to
 * the end (even with errors on the diag), else why it stopped early; the
 * diag then says what happened, except for FO_ENOMEM. */
static int read_document(loader *l)
{
	int err = FO_OK, ret = 0;
	xmlTextReaderPtr r = NULL;
	xmlSchemaPtr schema = NULL;

	/* The first bytes are read at creation: it fails on a refusal or a
	 * read error as well as on memory; the reasons are sorted out below. */
	r = fo_reader__xml(&l->x);
	if (r && l->schema) {
		if ((err = load_schema(l, &schema)) < 0)
			goto done;
		if (xmlTextReaderSetSchema(r, schema) != 0) {
			err = FO_ENOMEM;
			goto done;
		}
	}
	while (r && !l->x.nomem && (ret = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);
		l->last = xmlTextReaderCurrentNode(r);
		l->last_descend = 0;
		switch (type) {
		case XML_READER_TYPE_ELEMENT:
			err = on_start(l, l->last, (const char *)xmlTextReaderConstName(r));
			l->last_descend = xmlTextReaderIsEmptyElement(r) != 1;
			if (err == FO_OK && !l->last_descend)
				err = on_end(l);
			break;
		case XML_READER_TYPE_END_ELEMENT:
			err = on_end(l);
			break;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA: {
			const char *v = (const char *)xmlTextReaderConstValue(r);
			int cdata = type == XML_READER_TYPE_CDATA;
			if (v && (cdata || !all_blank(v)))
				on_text(l, l->last, v, cdata);
			break;
		}
		case XML_READER_TYPE_DOCUMENT_TYPE:
		case XML_READER_TYPE_ENTITY_REFERENCE: {
			/* Unreachable while the scanner refuses DOCTYPEs; kept so
			 * that a scanner bug cannot turn into entity expansion. */
			long line = xmlGetLineNo(xmlTextReaderCurrentNode(r));
			error_at(l, "doctype", (fo_pos){ line > 0 ? (unsigned long)line : 0, 0 }, NULL,
				 type == XML_READER_TYPE_DOCUMENT_TYPE
					 ? "DOCTYPE is not allowed: fallout inventories take no DTD"
					 : "entity references are not allowed");
			l->x.stopped = 1;
			break;
		}
		default:
			break; /* comments, processing instructions, whitespace */
		}
		free_scratch(l);
		if (err < 0 || l->x.stopped)
			break;
	}
	/* libxml2 gave the line where the start tag of the element open at a
	 * fatal error ends; a frame knows where it starts. The element stays
	 * open (nothing after the error is parsed), so its frame, if it has
	 * one, is still on the stack. */
	for (size_t i = 0; l->x.fatal_open && i < l->nfr; i++)
		if (l->fr[i].xnode == l->x.fatal_open)
			l->x.fatal_open_line = l->fr[i].line;
	/* Stopped early (fatal XML error, or refused by the scanner, say for
	 * depth): recover what libxml2 parsed but did not deliver. */
	if (err == FO_OK && r && ret < 0 && !l->x.io_errno && (l->x.fatal || l->x.scan.stop))
		err = walk_rest(l, r);
	if (err == FO_OK)
		err = fo_reader__verdict(&l->x, r != NULL, ret);
done:
	free_scratch(l);
	if (r)
		xmlFreeTextReader(r);
	if (schema)
		xmlSchemaFree(schema);
	return err;
}

/* --------------------------------------------------------------- API */

struct fo_inventory_input {
	fo_reader_src src;
	char *name;
	char sha256[65];
};

const char *fo_inventory_input_sha256(const fo_inventory_input *in) { return in->sha256; }
const char *fo_inventory_input_name(const fo_inventory_input *in) { return in->name; }

int fo_inventory_input_locate(fo_inventory_input *in, fo_diag *diag)
{
	if (!in || !diag)
		return FO_EINVAL;
	fo_columns__resolve(diag, 0, in->name, fo_reader__src_fd(&in->src));
	return FO_OK;
}

void fo_inventory_input_free(fo_inventory_input *in)
{
	if (!in)
		return;
	fo_reader__src_dispose(&in->src);
	free(in->name);
	free(in);
}

const char *fo_inventory_schema(void)
{
	return (const char *)fo_inventory_xsd;
}

/* A large regular file gets its builder pre-sized from its size, so that
 * the builder's arrays and id table do not grow by doubling (copies and
 * fresh pages, about 90 000 page faults at 1M nodes) while it is read. The
 * densities are those of `fallout gen` (about 270 bytes of XML per node,
 * 3.5 groups and 4.3 members per node); another file just grows its arrays
 * past the hint, or leaves part of them untouched (never faulted in).
 * Only above FO_INVENTORY_THREAD_AT, where the builder gets its thread. */
static int presize(loader *l)
{
	struct stat sb;
	int fd = fo_reader__src_fd(&l->x.src);
	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size < FO_INVENTORY_THREAD_AT || l->thread_at == UINT64_MAX)
		return FO_OK;
	uint64_t nodes = (uint64_t)sb.st_size / 256;
	if (nodes > UINT32_MAX / 8)
		return FO_OK; /* a file this large says little; grow as needed */
	int err = fo_builder_reserve(l->b, (size_t)nodes, (size_t)(nodes * 7 / 2), (size_t)(nodes * 9 / 2));
	return err == FO_ENOMEM ? FO_OK : err; /* a hint: reading goes on without it */
}

int fo_inventory_read(fo_graph **out, fo_inventory_input **input, const char *path,
		      const fo_inventory_opts *opts, fo_diag *diag)
{
	int err = FO_OK;
	loader l;
	const char *file;
	fo_inventory_input *in = NULL;

	if (input)
		*input = NULL;
	if (!out || !path || !diag)
		return FO_EINVAL;
	*out = NULL;
	memset(&l, 0, sizeof l);
	file = opts && opts->name ? opts->name : strcmp(path, "-") == 0 ? "<stdin>" : path;
	l.diag_first = fo_diag_count(diag);
	l.schema = opts && opts->validate_schema;
	l.thread_at = !opts || !opts->threads ? FO_INVENTORY_THREAD_AT
		      : opts->threads >= 2 ? 0 : UINT64_MAX;
	if ((err = fo_reader__init(&l.x, file, diag, &inventory_format, &l)) < 0)
		goto done;
	l.x.hash = input != NULL && !(opts && opts->no_sha256);
	if (input && (!(in = calloc(1, sizeof *in)) || !(in->name = strdup(file)))) {
		err = FO_ENOMEM;
		goto done;
	}
	if ((err = fo_reader__open(&l.x, path, 1)) < 0)
		goto done;
	if ((err = fo_builder_new(&l.b, diag, l.x.file)) < 0)
		goto done;
	if ((err = presize(&l)) < 0)
		goto done;
	fo_reader__begin(&l.x);
	if ((err = read_document(&l)) < 0 || (err = fo_reader__drain(&l.x)) < 0)
		goto done;
	err = fo_builder_finish(l.b, out);

done:
	fo_reader__end(&l.x);
	fo_columns__resolve(diag, l.diag_first, l.x.file, fo_reader__src_fd(&l.x.src));
	if (err == FO_OK && in) {
		if (l.x.hash)
			fo_reader__digest(&l.x, in->sha256);
		fo_reader__keep(&l.x, &in->src);
		*input = in;
		in = NULL;
	}
	fo_reader__dispose(&l.x);
	fo_inventory_input_free(in);
	fo_builder_free(l.b);
	free(l.fr);
	free(l.scratch);
	free(l.schema_msg);
	free_defaults(&l);
	if (err < 0 && *out) {
		fo_graph_free(*out);
		*out = NULL;
	}
	return err;
}

int fo_inventory_read_model(fo_model *m, const char *path, const fo_inventory_opts *opts)
{
	int err = FO_OK;
	loader l;
	fo_diag *diag;
	uint32_t src;

	if (!m || !path || (src = fo_model_source_current(m)) == FO_NONE)
		return FO_EINVAL;
	memset(&l, 0, sizeof l);
	diag = fo_model_diag(m);
	l.m = m;
	l.diag_first = fo_diag_count(diag);
	l.schema = opts && opts->validate_schema;
	l.thread_at = UINT64_MAX; /* the model has no thread of its own */
	if ((err = fo_reader__init(&l.x, opts && opts->name ? opts->name : fo_model_source_file(m, src),
				   diag, &inventory_format, &l)) < 0)
		goto done;
	if ((err = fo_reader__open(&l.x, path, 1)) < 0)
		goto done;
	fo_reader__begin(&l.x);
	/* As fo_inventory_read: a document read to its end is resolved even
	 * with errors (FO_OK: fo_model_build reports the rest and fails, one
	 * run says everything); one that stopped early (FO_EINPUT: not
	 * well-formed, refused) is not, its references would be noise. */
	if ((err = read_document(&l)) < 0 || (err = fo_reader__drain(&l.x)) < 0)
		goto done;

done:
	fo_reader__end(&l.x);
	/* A read stopped inside a group leaves it open: closed here, so that
	 * the model can take the next source (it is never built: errors). */
	if (l.model_group && fo_model_group_end(m) < 0 && err == FO_OK)
		err = FO_ENOMEM;
	fo_columns__resolve(diag, l.diag_first, l.x.file, fo_reader__src_fd(&l.x.src));
	fo_reader__dispose(&l.x);
	free(l.fr);
	free(l.scratch);
	free(l.schema_msg);
	free_defaults(&l);
	return err;
}

/* The root element, as sniffing sees it: *name and *len the qualified name
 * of the first element after the XML declaration, comments, processing
 * instructions and a DOCTYPE; *attrs where its attributes start. Returns
 * 0, or -1 when the bytes end or stop looking like XML first. */
static int sniff_root(const char *p, const char *end, const char **name, size_t *len,
		      const char **attrs)
{
	if (end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
			p++;
		if (p >= end || *p != '<')
			return -1;
		const char *stop = NULL;
		if (end - p >= 4 && !memcmp(p, "<!--", 4))
			stop = "-->";
		else if (end - p >= 2 && p[1] == '?')
			stop = "?>";
		else if (end - p >= 2 && p[1] == '!')
			stop = ">"; /* DOCTYPE; an internal subset's '>'s end it early: the
				     * reader refuses DOCTYPEs anyway */
		if (!stop)
			break;
		const char *q = p + 2;
		size_t sl = strlen(stop);
		while (q + sl <= end && memcmp(q, stop, sl) != 0)
			q++;
		if (q + sl > end)
			return -1;
		p = q + sl;
	}
	const char *q = ++p;
	while (q < end && *q != ' ' && *q != '\t' && *q != '\r' && *q != '\n' && *q != '>' &&
	       *q != '/')
		q++;
	*name = p;
	*len = (size_t)(q - p);
	*attrs = q;
	return *len ? 0 : -1;
}

int fo_inventory_sniff(const char *head, size_t n)
{
	const char *end = head + n, *name, *p;
	size_t len;

	if (!head || sniff_root(head, end, &name, &len, &p) < 0 || len != 9 ||
	    memcmp(name, "inventory", 9) != 0)
		return 0;
	/* No default namespace on the root (a prefixed root never matched):
	 * the attributes up to '>', values skipped, cut anywhere. */
	while (p < end && *p != '>') {
		if (*p == '"' || *p == '\'') {
			const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));
			if (!q)
				break;
			p = q + 1;
			continue;
		}
		if ((size_t)(end - p) > 6 && !memcmp(p, "xmlns", 5) &&
		    (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\r' || p[-1] == '\n')) {
			const char *q = p + 5;
			while (q < end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'))
				q++;
			if (q < end && *q == '=')
				return 0;
		}
		p++;
	}
	return 1;
}

int fo_inventory_load(fo_graph **out, const char *path, const fo_inventory_opts *opts,
		      fo_diag *diag)
{
	return fo_inventory_read(out, NULL, path, opts, diag);
}

/* ------------------------------------------------------- failure data */

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static const char *digits(const char *s)
{
	while (*s >= '0' && *s <= '9')
		s++;
	return s;
}

int fo_inventory_number(const char *s, double *out)
{
	const char *p, *q, *end;
	char buf[128];
	while (is_blank(*s))
		s++;
	p = s;
	if (*p == '+' || *p == '-')
		p++;
	q = digits(p);
	if (q == p) { /* no integer part: .D+ */
		if (*q != '.' || digits(q + 1) == q + 1)
			return FO_EINPUT;
		q = digits(q + 1);
	} else if (*q == '.') {
		q = digits(q + 1);
	}
	if (*q == 'e' || *q == 'E') {
		const char *e = q + 1;
		if (*e == '+' || *e == '-')
			e++;
		if (digits(e) == e)
			return FO_EINPUT;
		q = digits(e);
	}
	end = q;
	while (is_blank(*q))
		q++;
	if (*q || (size_t)(end - s) >= sizeof buf)
		return FO_EINPUT;
	/* a copy: strtod must not read past the grammar (hex, inf, nan are
	 * not in it), and the text is short by then */
	memcpy(buf, s, (size_t)(end - s));
	buf[end - s] = '\0';
	errno = 0;
	double v = strtod(buf, NULL);
	if (errno == ERANGE && (v > 1 || v < -1))
		return FO_EINPUT;
	*out = v;
	return FO_OK;
}

double fo_inventory_failure_p(const char *p, const char *mtbf, const char *mttr)
{
	double a, b;
	if (p) {
		if (mtbf || mttr || fo_inventory_number(p, &a) < 0 || !(a >= 0 && a <= 1))
			return -1;
		return a;
	}
	if (!mtbf || !mttr || fo_inventory_number(mtbf, &a) < 0 || fo_inventory_number(mttr, &b) < 0 ||
	    !(a > 0) || !(b >= 0))
		return -1;
	return b / (a + b);
}
