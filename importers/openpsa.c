/*
 * openpsa.c — the Open-PSA MEF fault tree reader and the sniffer
 * (fo_openpsa.h; what is accepted and why: docs/openpsa.md). The writer is
 * openpsa_write.c.
 *
 * The document goes through the inventory reader's hardened input
 * (reader.h): our own descriptor, every byte through the pre-scanner (no
 * DOCTYPE, hence no entity; UTF-8 only; depth, markup and attribute
 * limits), the streaming xmlTextReader without DTD loading, entity
 * substitution, network or XInclude, and the refusing entity loader.
 *
 * Reading is in two phases, so that every problem is reported in one run.
 * While streaming, each <define-gate>'s formula is kept as a small tree of
 * formula nodes (children chained by index, no allocation per node), names
 * go into two tables (gates, basic events) with the position of their
 * definition and of their first use. At the end of the document: references
 * are checked (undefined gates, names that are both a gate and a basic
 * event), cycles among gates are found by one iterative depth-first search
 * (each reported with its path), the top is the one gate no other gate uses;
 * then, without an error, the fo_ft is built: every basic event in order of
 * first appearance, then the gates depth first so that a gate's arguments
 * exist when it is added. Memory O(document), time O(document).
 */
#include "fo_openpsa.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "../graphs/fo_error.h"
#include "grow_int.h"
#include "reader.h"
#include "scan.h"
#include "strtab_int.h"

#define NONE UINT32_MAX

/* Kinds of formula nodes: the operators, a constant, and the references. */
typedef enum fkind {
	F_AND, F_OR, F_ATLEAST, F_NOT, F_XOR, F_CONST,
	F_GATE,  /* ref: a gate index */
	F_EVENT, /* ref: a basic event index */
	F_ANY,   /* <event name=...> without a type: ref is a name index, resolved at the end */
} fkind;

typedef struct fnode {
	fkind kind;
	uint32_t k;        /* F_ATLEAST: min; F_CONST: 0 or 1 */
	uint32_t ref;      /* F_GATE, F_EVENT, F_ANY */
	uint32_t first, last, next; /* children, chained; NONE: none */
	uint32_t nargs;
	fo_pos pos;
} fnode;

typedef struct gate {
	char *name;
	fo_pos def, use;   /* its <define-gate>, its first reference */
	int defined, used; /* used: referenced in the formula of a defined gate */
	uint32_t formula;  /* root fnode, NONE: none (an error was reported) */
	uint32_t node;     /* in the fo_ft, NONE until added */
	uint32_t adj, nadj; /* its gate references, in r->adj */
	unsigned char color; /* depth-first search: 0 new, 1 open, 2 done */
} gate;

typedef struct event {
	char *name;
	fo_pos def, use;
	int defined, used;
	double p;          /* < 0: unknown */
	uint32_t node;
} event;

/* A gate reference of a gate's formula (for the search). */
typedef struct edge {
	uint32_t to;
	fo_pos pos;
} edge;

typedef enum elem {
	E_ROOT,    /* <opsa-mef> */
	E_FT,      /* <define-fault-tree> */
	E_MD,      /* <model-data> */
	E_GATE,    /* <define-gate> */
	E_FORMULA, /* an operator: idx is its fnode */
	E_REF,     /* a reference or a constant: no children */
	E_BE,      /* <define-basic-event>: idx is the event */
	E_FLOAT,   /* <float> */
	E_SKIP,    /* a <label> or <attributes> subtree, or an element refused */
} elem;

typedef struct frame {
	elem type;
	uint32_t idx;      /* E_GATE: gate; E_FORMULA: fnode; E_BE: event */
	uint32_t formulas; /* E_GATE: formulas seen; E_BE: expressions seen */
	fo_pos pos;
	const char *tag;   /* its element name (static text) */
	char *qname;       /* E_SKIP: its element name (owned), for messages */
	int broken;        /* a child was refused: its shape is not checked again */
	int text_seen;     /* text in it was reported */
} frame;

typedef struct reader {
	fo_reader x;
	const char *file;
	fo_scan_tag tag;
	int have_tag;
	uint64_t elements; /* start tags so far (the key of text positions) */
	int root_seen;
	fo_pos root;
	char *tree_name;   /* of the first <define-fault-tree> */

	frame *st;
	size_t depth, ast;
	unsigned long skip; /* depth of a skipped subtree, 0 = none */

	fnode *f;
	size_t nf, af;
	gate *g;
	size_t ng, ag;
	event *e;
	size_t ne, ae;
	fo_imp__strtab gtab, etab;
	char **anames;     /* names of F_ANY references */
	size_t nan, aan;
	size_t defined_events; /* <define-basic-event>s read */
	uint32_t *order;   /* gates in definition order */
	size_t norder, aorder;
	edge *adj;
	size_t nadj, aadj;
} reader;

static int explain_fatal(void *ctx);

static const fo_reader_format openpsa_format = {
	.explain_fatal = explain_fatal,
	.tidy = 1,
	.docs = "Open-PSA MEF documents",
	.doc = "the MEF document",
	.empty = "empty document: an Open-PSA MEF document needs an <opsa-mef> element",
};

/* ------------------------------------------------------------ helpers */

__attribute__((format(printf, 4, 5)))
static void diag_at(reader *r, fo_severity sev, fo_pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fo_reader__verror(&r->x, sev, sev == FO_SEV_ERROR ? "openpsa" : "openpsa-warning", pos,
			  NULL, fmt, ap);
	va_end(ap);
}

static void nomem(reader *r) { r->x.nomem = 1; }

static fo_pos tag_pos(const reader *r)
{
	return (fo_pos){ r->tag.line, r->have_tag ? r->tag.col : 0 };
}

/* Position of attribute `name` of the current start tag (its value), else
 * of the tag. */
static fo_pos attr_pos(const reader *r, const char *name)
{
	return fo_reader__attr_pos(&r->x, &r->tag, r->have_tag, name);
}

/* The value of attribute `name` (no namespace), a copy (free()) or NULL. */
static char *attr(reader *r, xmlTextReaderPtr x, const char *name)
{
	xmlChar *v = xmlTextReaderGetAttribute(x, (const xmlChar *)name);
	if (!v)
		return NULL;
	char *c = strdup((const char *)v);
	xmlFree(v);
	if (!c)
		nomem(r);
	return c;
}

/* "line L, column C" of a position, for "first at ..." in messages. */
static const char *where(fo_pos p, char buf[FO_READER_SHOW_BUF])
{
	if (p.col)
		snprintf(buf, FO_READER_SHOW_BUF, "%lu:%lu", p.line, p.col);
	else
		snprintf(buf, FO_READER_SHOW_BUF, "line %lu", p.line);
	return buf;
}

/* The name attribute of a definition or reference: a copy, or NULL with
 * the error reported (missing or empty). */
static char *name_attr(reader *r, xmlTextReaderPtr x, const char *what)
{
	char *n = attr(r, x, "name");
	if (!n) {
		if (!r->x.nomem)
			diag_at(r, FO_SEV_ERROR, tag_pos(r), "<%s> without a name", what);
		return NULL;
	}
	if (!*n) {
		diag_at(r, FO_SEV_ERROR, attr_pos(r, "name"), "<%s name=''>: the name is empty", what);
		free(n);
		return NULL;
	}
	return n;
}

/* The index of gate `name` (created undefined on first sight), NONE when
 * out of memory. Takes no ownership of name. */
static uint32_t gate_of(reader *r, const char *name)
{
	uint32_t i;
	size_t n = strlen(name);
	if (fo_imp__strtab_find(&r->gtab, name, n, &i))
		return i;
	if (r->ng >= (size_t)INT32_MAX ||
	    fo_imp__grow((void **)&r->g, &r->ag, r->ng + 1, sizeof *r->g) < 0)
		goto oom;
	gate *g = &r->g[r->ng];
	memset(g, 0, sizeof *g);
	if (!(g->name = strdup(name)))
		goto oom;
	g->formula = g->node = NONE;
	if (fo_imp__strtab_put(&r->gtab, name, n, (uint32_t)r->ng) < 0) {
		free(g->name);
		goto oom;
	}
	return (uint32_t)r->ng++;
oom:
	nomem(r);
	return NONE;
}

static uint32_t event_of(reader *r, const char *name)
{
	uint32_t i;
	size_t n = strlen(name);
	if (fo_imp__strtab_find(&r->etab, name, n, &i))
		return i;
	if (r->ne >= (size_t)INT32_MAX ||
	    fo_imp__grow((void **)&r->e, &r->ae, r->ne + 1, sizeof *r->e) < 0)
		goto oom;
	event *e = &r->e[r->ne];
	memset(e, 0, sizeof *e);
	if (!(e->name = strdup(name)))
		goto oom;
	e->p = -1.0;
	e->node = NONE;
	if (fo_imp__strtab_put(&r->etab, name, n, (uint32_t)r->ne) < 0) {
		free(e->name);
		goto oom;
	}
	return (uint32_t)r->ne++;
oom:
	nomem(r);
	return NONE;
}

/* A new formula node, NONE when out of memory. */
static uint32_t fnode_new(reader *r, fkind kind, fo_pos pos)
{
	if (r->nf >= (size_t)INT32_MAX ||
	    fo_imp__grow((void **)&r->f, &r->af, r->nf + 1, sizeof *r->f) < 0) {
		nomem(r);
		return NONE;
	}
	fnode *n = &r->f[r->nf];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->ref = NONE;
	n->first = n->last = n->next = NONE;
	n->pos = pos;
	return (uint32_t)r->nf++;
}

static frame *push(reader *r, elem type, const char *tag)
{
	if (fo_imp__grow((void **)&r->st, &r->ast, r->depth + 1, sizeof *r->st) < 0) {
		nomem(r);
		return NULL;
	}
	frame *f = &r->st[r->depth++];
	memset(f, 0, sizeof *f);
	f->type = type;
	f->idx = NONE;
	f->pos = tag_pos(r);
	f->tag = tag;
	return f;
}

/* Skips the subtree of the element just opened, named qname. */
static void skip_here(reader *r, const char *qname, int empty)
{
	if (!empty)
		r->skip = r->depth + 1;
	frame *f = push(r, E_SKIP, "");
	if (f && empty)
		r->depth--;
	else if (f && !(f->qname = strdup(qname)))
		nomem(r);
}

/* Closes the innermost frame. */
static void pop(reader *r)
{
	r->depth--;
	free(r->st[r->depth].qname);
	r->st[r->depth].qname = NULL;
}

/* ------------------------------------------------------------ numbers */

/* A probability: a decimal number (xs:double's digits, no INF or NaN) in
 * [0, 1], surrounding blanks allowed. Returns 0 and *p, -1 when not a
 * number, -2 when out of range. strtod after the grammar is checked, so
 * that hexadecimal, "inf" or "nan" are never taken. */
static int parse_prob(const char *s, double *p)
{
	const char *q = s;
	while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
		q++;
	const char *start = q;
	if (*q == '+' || *q == '-')
		q++;
	size_t digits = 0;
	while (*q >= '0' && *q <= '9')
		q++, digits++;
	if (*q == '.') {
		q++;
		while (*q >= '0' && *q <= '9')
			q++, digits++;
	}
	if (!digits)
		return -1;
	if (*q == 'e' || *q == 'E') {
		q++;
		if (*q == '+' || *q == '-')
			q++;
		if (!(*q >= '0' && *q <= '9'))
			return -1;
		while (*q >= '0' && *q <= '9')
			q++;
	}
	const char *end = q;
	while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
		q++;
	if (*q)
		return -1;
	/* strtod reads the C locale's decimal point only if the caller left
	 * LC_NUMERIC alone; copy into a bounded buffer with it replaced. */
	char buf[128];
	size_t n = (size_t)(end - start);
	if (n >= sizeof buf)
		return -1;
	memcpy(buf, start, n);
	buf[n] = '\0';
	char *ep;
	double v = strtod(buf, &ep);
	if (*ep) {
		const char *dp = strchr(buf, '.');
		struct lconv *lc = localeconv();
		if (dp && lc && lc->decimal_point && strlen(lc->decimal_point) == 1) {
			buf[dp - buf] = lc->decimal_point[0];
			v = strtod(buf, &ep);
		}
		if (*ep)
			return -1;
	}
	if (!(v >= 0.0 && v <= 1.0))
		return -2;
	*p = v == 0.0 ? 0.0 : v; /* -0 is 0 */
	return 0;
}

/* A count: decimal digits only, at most 4294967294. -1 otherwise. */
static int parse_count(const char *s, uint32_t *out)
{
	uint64_t v = 0;
	const char *q = s;
	while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
		q++;
	if (*q == '+')
		q++;
	if (!(*q >= '0' && *q <= '9'))
		return -1;
	while (*q >= '0' && *q <= '9') {
		v = v * 10 + (uint64_t)(*q++ - '0');
		if (v >= UINT32_MAX)
			return -1;
	}
	while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
		q++;
	if (*q)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* ------------------------------------------------------------ elements */

/* The operator elements: fkind, or -1. */
static int op_kind(const char *name)
{
	if (!strcmp(name, "and"))
		return F_AND;
	if (!strcmp(name, "or"))
		return F_OR;
	if (!strcmp(name, "atleast"))
		return F_ATLEAST;
	if (!strcmp(name, "not"))
		return F_NOT;
	if (!strcmp(name, "xor"))
		return F_XOR;
	return -1;
}

/* Adds formula node n as the next argument of the open formula or gate f. */
static void attach(reader *r, frame *f, uint32_t n)
{
	if (f->type == E_GATE) {
		if (f->formulas++ == 0 && f->idx != NONE)
			r->g[f->idx].formula = n;
		else if (f->formulas == 2)
			diag_at(r, FO_SEV_ERROR, r->f[n].pos,
				"gate '%s' has more than one formula: <define-gate> holds one "
				"(and, or, atleast, not, xor, a reference or a constant)",
				f->idx != NONE ? r->g[f->idx].name : "");
		return;
	}
	fnode *p = &r->f[f->idx];
	if (p->last == NONE)
		p->first = n;
	else
		r->f[p->last].next = n;
	p->last = n;
	p->nargs++;
}

/* The name of the gate whose formula is being read (for messages). */
static const char *open_gate(const reader *r)
{
	for (size_t i = r->depth; i-- > 0;)
		if (r->st[i].type == E_GATE)
			return r->st[i].idx != NONE ? r->g[r->st[i].idx].name : "";
	return "";
}

/* A reference (<gate>, <basic-event>, <event>) or <constant> inside a
 * formula. */
static void start_ref(reader *r, xmlTextReaderPtr x, frame *parent, const char *local, int empty)
{
	char sb[FO_READER_SHOW_BUF];
	fo_pos pos = tag_pos(r);
	uint32_t n = NONE;

	if (!strcmp(local, "constant")) {
		char *v = attr(r, x, "value");
		int b = -1;
		if (v && (!strcmp(v, "true") || !strcmp(v, "1")))
			b = 1;
		else if (v && (!strcmp(v, "false") || !strcmp(v, "0")))
			b = 0;
		if (!v && !r->x.nomem)
			diag_at(r, FO_SEV_ERROR, pos, "<constant> without a value (true or false)");
		else if (v && b < 0)
			diag_at(r, FO_SEV_ERROR, attr_pos(r, "value"),
				"<constant value='%s'>: true or false", fo_reader__show(v, sb));
		free(v);
		if (b >= 0 && (n = fnode_new(r, F_CONST, pos)) != NONE)
			r->f[n].k = (uint32_t)b;
	} else {
		char *name = name_attr(r, x, local);
		fkind kind = !strcmp(local, "gate") ? F_GATE : !strcmp(local, "basic-event") ? F_EVENT
											   : F_ANY;
		if (name && kind == F_ANY) {
			char *type = attr(r, x, "type");
			if (type && !strcmp(type, "gate"))
				kind = F_GATE;
			else if (type && !strcmp(type, "basic-event"))
				kind = F_EVENT;
			else if (type) {
				diag_at(r, FO_SEV_ERROR, attr_pos(r, "type"),
					"<event type='%s'>: fallout reads gates and basic events "
					"(type='gate' or 'basic-event')", fo_reader__show(type, sb));
				free(name);
				name = NULL;
			}
			free(type);
		}
		if (name && (n = fnode_new(r, kind, pos)) != NONE) {
			uint32_t ref = NONE;
			if (kind == F_GATE) {
				if ((ref = gate_of(r, name)) != NONE && !r->g[ref].use.line)
					r->g[ref].use = pos;
			} else if (kind == F_EVENT) {
				if ((ref = event_of(r, name)) != NONE && !r->e[ref].use.line)
					r->e[ref].use = pos;
			} else if (fo_imp__grow((void **)&r->anames, &r->aan, r->nan + 1,
						sizeof *r->anames) == FO_OK) {
				r->anames[r->nan] = name;
				name = NULL;
				ref = (uint32_t)r->nan++;
			} else {
				nomem(r);
			}
			r->f[n].ref = ref;
		}
		free(name);
	}
	if (n != NONE) {
		attach(r, parent, n);
	} else {
		parent->broken = 1; /* reported */
		parent->formulas++;
	}
	frame *f = push(r, E_REF, "");
	if (f) {
		f->tag = !strcmp(local, "constant") ? "constant" : !strcmp(local, "gate") ? "gate"
			 : !strcmp(local, "basic-event") ? "basic-event" : "event";
		if (empty)
			r->depth--;
	}
}

/* An element fallout does not read, in `in`: one located error naming it,
 * its subtree skipped. */
static void refuse(reader *r, const char *qname, const char *in, int empty)
{
	char sb[FO_READER_SHOW_BUF];
	if (r->depth) {
		/* no "has no formula" or "has no argument" after this error */
		frame *p = &r->st[r->depth - 1];
		p->broken = 1;
		p->formulas++;
	}
	diag_at(r, FO_SEV_ERROR, tag_pos(r),
		"<%s> in <%s> is not read by fallout (docs/openpsa.md lists what is)",
		fo_reader__show(qname, sb), in);
	skip_here(r, qname, empty);
}

static void on_end(reader *r);

static void on_start(reader *r, xmlTextReaderPtr x, int empty)
{
	const char *qname = (const char *)xmlTextReaderConstName(x);
	char sb[FO_READER_SHOW_BUF], wb[FO_READER_SHOW_BUF];

	if (!qname) {
		nomem(r);
		return;
	}
	r->have_tag = fo_reader__start_tag(&r->x, x, qname, &r->tag);
	r->elements++;
	if (r->skip) {
		frame *f = empty ? NULL : push(r, E_SKIP, "");
		if (f && !(f->qname = strdup(qname)))
			nomem(r);
		return;
	}
	frame *parent = r->depth ? &r->st[r->depth - 1] : NULL;
	/* The MEF has no namespace: a prefixed or namespaced name is another
	 * vocabulary's element, refused below by its qualified name. */
	const char *local = qname;
	frame *f;

	if (!parent) {
		if (strcmp(local, "opsa-mef") || xmlTextReaderConstNamespaceUri(x)) {
			diag_at(r, FO_SEV_ERROR, tag_pos(r),
				"the root element is <%s>: an Open-PSA MEF document starts with <opsa-mef>",
				fo_reader__show(qname, sb));
			r->x.stopped = 1;
			return;
		}
		r->root_seen = 1;
		r->root = tag_pos(r);
		if (push(r, E_ROOT, "opsa-mef") && empty)
			r->depth--;
		return;
	}
	if (xmlTextReaderConstNamespaceUri(x)) {
		refuse(r, qname, parent->tag, empty);
		return;
	}
	switch (parent->type) {
	case E_ROOT:
	case E_FT:
	case E_MD:
	case E_GATE:
	case E_BE:
		if (!strcmp(local, "label") || !strcmp(local, "attributes")) {
			skip_here(r, qname, empty); /* documentation: no meaning for the analyses */
			return;
		}
		break;
	default:
		break;
	}
	switch (parent->type) {
	case E_ROOT:
		if (!strcmp(local, "define-fault-tree")) {
			if (!(f = push(r, E_FT, "define-fault-tree")))
				return;
			char *n = name_attr(r, x, "define-fault-tree");
			if (n && !r->tree_name)
				r->tree_name = n;
			else
				free(n);
		} else if (!strcmp(local, "model-data")) {
			if (!push(r, E_MD, "model-data"))
				return;
		} else {
			refuse(r, qname, "opsa-mef", empty);
			return;
		}
		break;
	case E_FT:
	case E_MD:
		if (parent->type == E_FT && !strcmp(local, "define-gate")) {
			if (!(f = push(r, E_GATE, "define-gate")))
				return;
			char *n = name_attr(r, x, "define-gate");
			if (!n)
				break;
			uint32_t gi = gate_of(r, n);
			free(n);
			if (gi == NONE)
				break;
			gate *g = &r->g[gi];
			if (g->defined) {
				diag_at(r, FO_SEV_ERROR, attr_pos(r, "name"),
					"gate '%s' is defined twice (first at %s)",
					fo_reader__show(g->name, sb), where(g->def, wb));
				break;
			}
			g->defined = 1;
			g->def = attr_pos(r, "name");
			if (fo_imp__grow((void **)&r->order, &r->aorder, r->norder + 1,
					 sizeof *r->order) < 0) {
				nomem(r);
				break;
			}
			r->order[r->norder++] = gi;
			f->idx = gi;
		} else if (!strcmp(local, "define-basic-event")) {
			if (!(f = push(r, E_BE, "define-basic-event")))
				return;
			char *n = name_attr(r, x, "define-basic-event");
			if (!n)
				break;
			uint32_t ei = event_of(r, n);
			free(n);
			if (ei == NONE)
				break;
			event *e = &r->e[ei];
			r->defined_events++;
			if (e->defined) {
				diag_at(r, FO_SEV_ERROR, attr_pos(r, "name"),
					"basic event '%s' is defined twice (first at %s)",
					fo_reader__show(e->name, sb), where(e->def, wb));
				break;
			}
			e->defined = 1;
			e->def = attr_pos(r, "name");
			f->idx = ei;
		} else {
			refuse(r, qname, parent->tag, empty);
			return;
		}
		break;
	case E_GATE:
	case E_FORMULA: {
		int k = op_kind(local);
		if (k >= 0) {
			uint32_t n = fnode_new(r, (fkind)k, tag_pos(r));
			if (n == NONE)
				return;
			if (k == F_ATLEAST) {
				char *m = attr(r, x, "min");
				uint32_t v = 0;
				int ok = 0;
				if (!m && !r->x.nomem)
					diag_at(r, FO_SEV_ERROR, tag_pos(r),
						"<atleast> in gate '%s' without min (the number of "
						"arguments that must fail)", fo_reader__show(open_gate(r), wb));
				else if (m && parse_count(m, &v) < 0)
					diag_at(r, FO_SEV_ERROR, attr_pos(r, "min"),
						"<atleast min='%s'> in gate '%s': min is a whole number",
						fo_reader__show(m, sb), fo_reader__show(open_gate(r), wb));
				else
					ok = 1;
				r->f[n].k = ok ? v : NONE; /* NONE: reported, not checked again */
				free(m);
			}
			attach(r, parent, n);
			if (!(f = push(r, E_FORMULA, k == F_AND ? "and" : k == F_OR ? "or" :
							k == F_ATLEAST ? "atleast" : k == F_NOT ? "not" : "xor")))
				return;
			f->idx = n;
			f->pos = r->f[n].pos;
			break;
		}
		if (!strcmp(local, "gate") || !strcmp(local, "basic-event") ||
		    !strcmp(local, "event") || !strcmp(local, "constant")) {
			start_ref(r, x, parent, local, empty);
			return;
		}
		if (!strcmp(local, "house-event") || !strcmp(local, "nand") ||
		    !strcmp(local, "nor") || !strcmp(local, "iff") || !strcmp(local, "imply") ||
		    !strcmp(local, "cardinality") || !strcmp(local, "parameter")) {
			diag_at(r, FO_SEV_ERROR, tag_pos(r),
				"<%s> in gate '%s' is not read by fallout: formulas are and, or, "
				"atleast, not, xor, gate, basic-event, event and constant",
				local, fo_reader__show(open_gate(r), sb));
			parent->broken = 1;
			parent->formulas++;
			skip_here(r, qname, empty);
			return;
		}
		refuse(r, qname, parent->tag, empty);
		return;
	}
	case E_BE:
		if (!strcmp(local, "float")) {
			if (!(f = push(r, E_FLOAT, "float")))
				return;
			parent = &r->st[r->depth - 2]; /* push may have moved the stack */
			if (parent->formulas++ && parent->idx != NONE) {
				diag_at(r, FO_SEV_ERROR, tag_pos(r),
					"basic event '%s' has more than one probability",
					fo_reader__show(r->e[parent->idx].name, sb));
				break;
			}
			char *v = attr(r, x, "value");
			double p = -1.0;
			int rc = 0;
			if (!v && !r->x.nomem)
				diag_at(r, FO_SEV_ERROR, tag_pos(r), "<float> without a value");
			else if (v && (rc = parse_prob(v, &p)) == -1)
				diag_at(r, FO_SEV_ERROR, attr_pos(r, "value"),
					"probability '%s' of basic event '%s' is not a number",
					fo_reader__show(v, sb),
					parent->idx != NONE ? r->e[parent->idx].name : "");
			else if (v && rc == -2)
				diag_at(r, FO_SEV_ERROR, attr_pos(r, "value"),
					"probability %s of basic event '%s' is outside [0, 1]",
					fo_reader__show(v, sb),
					parent->idx != NONE ? r->e[parent->idx].name : "");
			else if (v && parent->idx != NONE)
				r->e[parent->idx].p = p;
			free(v);
		} else {
			diag_at(r, FO_SEV_ERROR, tag_pos(r),
				"<%s> in basic event '%s': fallout reads a probability as "
				"<float value=\"P\"/> only", fo_reader__show(qname, sb),
				parent->idx != NONE ? fo_reader__show(r->e[parent->idx].name, wb) : "");
			skip_here(r, qname, empty);
			return;
		}
		break;
	case E_REF:
	case E_FLOAT:
		refuse(r, qname, parent->tag, empty);
		return;
	case E_SKIP:
		break;
	}
	if (empty)
		on_end(r); /* <define-gate/>, <and/>: checked as if closed */
}

static void on_end(reader *r)
{
	char sb[FO_READER_SHOW_BUF];
	if (!r->depth)
		return;
	if (r->skip && r->depth >= r->skip) {
		if (r->depth == r->skip)
			r->skip = 0;
		pop(r);
		return;
	}
	frame *f = &r->st[r->depth - 1];
	if (f->broken) {
		/* a child was refused: nothing more to say about this one */
	} else if (f->type == E_GATE && !f->formulas) {
		diag_at(r, FO_SEV_ERROR, f->pos, "gate '%s' has no formula",
			f->idx != NONE ? fo_reader__show(r->g[f->idx].name, sb) : "");
	} else if (f->type == E_FORMULA) {
		const fnode *n = &r->f[f->idx];
		const char *g = fo_reader__show(open_gate(r), sb);
		if (n->kind == F_NOT && n->nargs != 1)
			diag_at(r, FO_SEV_ERROR, f->pos,
				"<not> in gate '%s' has %u arguments: it takes one", g, n->nargs);
		else if (!n->nargs)
			diag_at(r, FO_SEV_ERROR, f->pos, "<%s> in gate '%s' has no argument", f->tag, g);
		else if (n->kind == F_ATLEAST && n->k != NONE && (n->k < 1 || n->k > n->nargs))
			diag_at(r, FO_SEV_ERROR, f->pos,
				"<atleast min='%u'> in gate '%s' has %u argument%s: min must be "
				"between 1 and %u", n->k, g, n->nargs, n->nargs == 1 ? "" : "s", n->nargs);
	}
	pop(r);
}

static void on_text(reader *r, xmlTextReaderPtr x)
{
	if (!r->depth || r->skip)
		return;
	const char *v = (const char *)xmlTextReaderConstValue(x);
	while (v && (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r'))
		v++;
	if (!v || !*v)
		return;
	frame *f = &r->st[r->depth - 1];
	fo_scan_text at;
	fo_pos pos;
	if (fo_scan__take_text(&r->x.scan, r->elements, &at) == 0) {
		pos = (fo_pos){ at.line, at.col };
	} else {
		int ln = xmlTextReaderGetParserLineNumber(x);
		pos = (fo_pos){ ln > 0 ? (unsigned long)ln : 0, 0 };
	}
	if (f->text_seen)
		return;
	f->text_seen = 1;
	diag_at(r, FO_SEV_ERROR, pos, "text in <%s>: MEF fault trees hold no text outside <label>",
		f->tag);
}

static int read_document(reader *r)
{
	int ret = 0;
	xmlTextReaderPtr x = fo_reader__xml(&r->x);
	while (x && !r->x.nomem && (ret = xmlTextReaderRead(x)) == 1) {
		switch (xmlTextReaderNodeType(x)) {
		case XML_READER_TYPE_ELEMENT:
			on_start(r, x, xmlTextReaderIsEmptyElement(x) == 1);
			break;
		case XML_READER_TYPE_END_ELEMENT:
			on_end(r);
			break;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
			on_text(r, x);
			break;
		case XML_READER_TYPE_DOCUMENT_TYPE:
		case XML_READER_TYPE_ENTITY_REFERENCE:
			/* Unreachable while the scanner refuses DOCTYPEs. */
			diag_at(r, FO_SEV_ERROR,
				(fo_pos){ (unsigned long)xmlTextReaderGetParserLineNumber(x), 0 },
				"DOCTYPE and entity references are not allowed");
			r->x.stopped = 1;
			break;
		default:
			break;
		}
		if (r->x.stopped)
			break;
	}
	if (x)
		xmlFreeTextReader(x);
	return fo_reader__verdict(&r->x, x != NULL, ret);
}

/* A fatal XML error because the input is cut short: libxml2's messages
 * then ("Extra content at the end of the document", "attributes construct
 * error") say otherwise. Cut after a start tag: libxml2 reports
 * XML_ERR_DOCUMENT_END at the end of the input while our stack still holds
 * the root. Cut inside a start tag: the scanner is in it at the end of the
 * input, on the line of the error. */
static int explain_fatal(void *ctx)
{
	reader *r = ctx;
	fo_pos pos = { r->x.fatal_line, r->x.fatal_col };
	char sb[FO_READER_SHOW_BUF];
	int in_tag = r->x.scan.in_tag && r->x.fatal_line == r->x.scan.line;
	if (!r->x.eof || !(in_tag || (r->x.fatal_code == XML_ERR_DOCUMENT_END && r->depth)))
		return 0;
	if (!r->depth) {
		diag_at(r, FO_SEV_ERROR, pos, "unexpected end of file in a start tag");
		return 1;
	}
	const frame *f = &r->st[r->depth - 1];
	diag_at(r, FO_SEV_ERROR, pos, "unexpected end of file%s: <%s> from line %lu is not closed",
		in_tag ? " in a start tag" : "", fo_reader__show(f->qname ? f->qname : f->tag, sb),
		f->pos.line);
	return 1;
}

/* ------------------------------------------------------------ checks */

/* <event name=...> without a type: the gate of that name if one is
 * defined, else the basic event. */
static void resolve_any(reader *r)
{
	for (size_t i = 0; i < r->nf && !r->x.nomem; i++) {
		fnode *n = &r->f[i];
		if (n->kind != F_ANY || n->ref == NONE)
			continue;
		const char *name = r->anames[n->ref];
		uint32_t gi;
		if (fo_imp__strtab_find(&r->gtab, name, strlen(name), &gi) && r->g[gi].defined) {
			n->kind = F_GATE;
			n->ref = gi;
			if (!r->g[gi].use.line)
				r->g[gi].use = n->pos;
		} else {
			n->kind = F_EVENT;
			if ((n->ref = event_of(r, name)) != NONE && !r->e[n->ref].use.line)
				r->e[n->ref].use = n->pos;
		}
	}
}

/* Appends the gate references of formula node i to r->adj. Recursion depth
 * is bounded by the scanner's element depth (FO_SCAN_MAX_DEPTH). */
static void collect(reader *r, uint32_t i)
{
	const fnode *n = &r->f[i];
	if (n->kind == F_GATE && n->ref != NONE && r->g[n->ref].defined) {
		if (fo_imp__grow((void **)&r->adj, &r->aadj, r->nadj + 1, sizeof *r->adj) < 0) {
			nomem(r);
			return;
		}
		r->adj[r->nadj++] = (edge){ n->ref, n->pos };
		r->g[n->ref].used = 1;
	}
	for (uint32_t c = n->first; c != NONE && !r->x.nomem; c = r->f[c].next)
		collect(r, c);
}

/* Appends s to the growing message *buf (length *len, capacity *cap). */
static void append(reader *r, char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);
	if (fo_imp__grow((void **)buf, cap, *len + n + 1, 1) < 0) {
		nomem(r);
		return;
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

/* Reports the cycle closed by the reference at `pos` from the gate on top
 * of the search stack to gate `to`, which is open at stack[from]. */
static void report_cycle(reader *r, const uint32_t *stack, size_t from, size_t top, uint32_t to,
			 fo_pos pos)
{
	char sb[FO_READER_SHOW_BUF], num[48];
	char *msg = NULL;
	size_t len = 0, cap = 0, n = top - from + 1;
	const size_t show = 8; /* gates named before "..." */
	for (size_t i = from; i <= top && !r->x.nomem; i++) {
		if (n > show + 1 && i == from + show - 1) {
			snprintf(num, sizeof num, "... (%zu gates) -> ", n - show);
			append(r, &msg, &len, &cap, num);
			i = top;
		}
		append(r, &msg, &len, &cap, "'");
		append(r, &msg, &len, &cap, fo_reader__show(r->g[stack[i]].name, sb));
		append(r, &msg, &len, &cap, "' -> ");
	}
	append(r, &msg, &len, &cap, "'");
	append(r, &msg, &len, &cap, fo_reader__show(r->g[to].name, sb));
	append(r, &msg, &len, &cap, "'");
	if (!r->x.nomem)
		diag_at(r, FO_SEV_ERROR, pos, "cycle among gates: %s", msg);
	free(msg);
}

/* Depth-first search over the defined gates, in order of definition: every
 * reference to an open gate closes a cycle, reported once. Iterative (a
 * chain of gates can be as long as the document). Returns the number of
 * cycles. O(gates + references). */
static size_t find_cycles(reader *r)
{
	size_t cycles = 0, sp = 0;
	uint32_t *stack = NULL, *cur = NULL, *at = NULL;
	if (!r->norder)
		return 0;
	if (!(stack = malloc(r->norder * sizeof *stack)) ||
	    !(cur = malloc(r->norder * sizeof *cur)) || !(at = malloc(r->ng * sizeof *at))) {
		nomem(r);
		goto done;
	}
	for (size_t o = 0; o < r->norder && !r->x.nomem; o++) {
		uint32_t s = r->order[o];
		if (r->g[s].color)
			continue;
		stack[0] = s;
		cur[0] = 0;
		at[s] = 0;
		sp = 1;
		r->g[s].color = 1;
		while (sp && !r->x.nomem) {
			gate *g = &r->g[stack[sp - 1]];
			if (cur[sp - 1] == g->nadj) {
				g->color = 2;
				sp--;
				continue;
			}
			const edge *e = &r->adj[g->adj + cur[sp - 1]++];
			gate *h = &r->g[e->to];
			if (h->color == 1) {
				report_cycle(r, stack, at[e->to], sp - 1, e->to, e->pos);
				cycles++;
			} else if (!h->color) {
				h->color = 1;
				at[e->to] = (uint32_t)sp;
				stack[sp] = e->to;
				cur[sp] = 0;
				sp++;
			}
		}
	}
done:
	free(stack);
	free(cur);
	free(at);
	return cycles;
}

/* Every check that needs the whole document. Returns the top gate, NONE
 * when there is none (reported). */
static uint32_t check(reader *r)
{
	char sb[FO_READER_SHOW_BUF], wb[FO_READER_SHOW_BUF];
	resolve_any(r);
	for (size_t i = 0; i < r->ng && !r->x.nomem; i++) {
		gate *g = &r->g[i];
		uint32_t ei;
		int ev = fo_imp__strtab_find(&r->etab, g->name, strlen(g->name), &ei);
		if (!g->defined)
			diag_at(r, FO_SEV_ERROR, g->use, "gate '%s' is not defined%s",
				fo_reader__show(g->name, sb),
				ev ? " (a basic event has this name: <basic-event name=...>?)" : "");
		else if (ev)
			diag_at(r, FO_SEV_ERROR, r->e[ei].defined ? r->e[ei].def : r->e[ei].use,
				"'%s' is both a gate (defined at %s) and a basic event: one name, "
				"one event", fo_reader__show(g->name, sb), where(g->def, wb));
	}
	for (size_t o = 0; o < r->norder && !r->x.nomem; o++) {
		gate *g = &r->g[r->order[o]];
		g->adj = (uint32_t)r->nadj;
		if (g->formula != NONE)
			collect(r, g->formula);
		g->nadj = (uint32_t)(r->nadj - g->adj);
	}
	if (r->x.nomem)
		return NONE;
	size_t cycles = find_cycles(r);
	uint32_t top = NONE, second = NONE;
	size_t ntops = 0;
	for (size_t o = 0; o < r->norder; o++)
		if (!r->g[r->order[o]].used) {
			if (!ntops++)
				top = r->order[o];
			else if (ntops == 2)
				second = r->order[o];
		}
	if (!r->norder) {
		diag_at(r, FO_SEV_ERROR, r->root,
			"no <define-gate>: a fault tree needs a top gate");
	} else if (!ntops && !cycles) {
		diag_at(r, FO_SEV_ERROR, r->root, "no top gate: every gate is used by another");
	} else if (ntops > 1) {
		char *msg = NULL;
		size_t len = 0, cap = 0, shown = 0;
		for (size_t o = 0; o < r->norder && !r->x.nomem; o++) {
			const gate *g = &r->g[r->order[o]];
			if (g->used)
				continue;
			if (shown == 5) {
				char more[48];
				snprintf(more, sizeof more, ", and %zu more", ntops - shown);
				append(r, &msg, &len, &cap, more);
				break;
			}
			append(r, &msg, &len, &cap, shown ? ", '" : "'");
			append(r, &msg, &len, &cap, fo_reader__show(g->name, sb));
			append(r, &msg, &len, &cap, "' (");
			append(r, &msg, &len, &cap, where(g->def, wb));
			append(r, &msg, &len, &cap, ")");
			shown++;
		}
		if (!r->x.nomem)
			diag_at(r, FO_SEV_ERROR, r->g[second].def,
				"%zu top gates (used by no other gate): %s; fallout reads a fault "
				"tree with one top", ntops, msg);
		free(msg);
	}
	/* A basic event never defined is allowed (its probability unknown, as
	 * the MEF allows events defined elsewhere); when the document gives
	 * probabilities, a missing one is likely a typo: said once per event. */
	uint32_t dummy; /* a gate of that name: reported above */
	if (r->defined_events)
		for (size_t i = 0; i < r->ne && !r->x.nomem; i++)
			if (!r->e[i].defined && !fo_imp__strtab_find(&r->gtab, r->e[i].name,
								      strlen(r->e[i].name), &dummy))
				diag_at(r, FO_SEV_WARNING, r->e[i].use,
					"basic event '%s' is not defined: its probability is unknown",
					fo_reader__show(r->e[i].name, sb));
	return ntops == 1 && !cycles ? top : NONE;
}

/* ------------------------------------------------------------ building */

typedef struct builder {
	fo_ft *ft;
	uint32_t *args;
	size_t nargs, aargs;
} builder;

/* Adds formula node i (its arguments first) to the tree; name: the gate's
 * when i is a gate's root formula, else NULL. *out: its node. Recursion
 * depth bounded by FO_SCAN_MAX_DEPTH. */
static int emit(reader *r, builder *b, uint32_t i, const char *name, uint32_t *out)
{
	const fnode *n = &r->f[i];
	int err;
	uint32_t one;
	switch (n->kind) {
	case F_GATE:
	case F_EVENT:
		one = n->kind == F_GATE ? r->g[n->ref].node : r->e[n->ref].node;
		if (!name) {
			*out = one;
			return FO_OK;
		}
		/* A lone reference as a gate's formula: the gate is its argument,
		 * a one-argument AND keeps its name. */
		return fo_ft_add_gate(b->ft, name, FO_FT_AND, 0, &one, 1, out);
	case F_CONST:
		return fo_ft_add_gate(b->ft, name, FO_FT_CONST, n->k, NULL, 0, out);
	default:
		break;
	}
	size_t base = b->nargs;
	for (uint32_t c = n->first; c != NONE; c = r->f[c].next) {
		uint32_t node;
		if ((err = emit(r, b, c, NULL, &node)) < 0)
			return err;
		if (fo_imp__grow((void **)&b->args, &b->aargs, b->nargs + 1, sizeof *b->args) < 0)
			return FO_ENOMEM;
		b->args[b->nargs++] = node;
	}
	fo_ft_op op = n->kind == F_AND ? FO_FT_AND : n->kind == F_OR ? FO_FT_OR
		    : n->kind == F_ATLEAST ? FO_FT_ATLEAST : n->kind == F_NOT ? FO_FT_NOT : FO_FT_XOR;
	if (op == FO_FT_XOR && n->nargs == 1)
		op = FO_FT_OR; /* xor of one argument is that argument */
	err = fo_ft_add_gate(b->ft, name, op, n->k, b->args + base, b->nargs - base, out);
	b->nargs = base;
	return err;
}

/* The tree: every basic event in order of first appearance, then the gates
 * depth first from the top (arguments before the gate). */
static int build(reader *r, uint32_t top, fo_ft **out)
{
	builder b = { 0 };
	uint32_t *stack = NULL, *cur = NULL;
	int err;

	if ((err = fo_ft_new(&b.ft)) < 0)
		goto done;
	if (r->tree_name && (err = fo_ft_set_name(b.ft, r->tree_name)) < 0)
		goto done;
	for (size_t i = 0; i < r->ne; i++)
		if ((err = fo_ft_add_event(b.ft, r->e[i].name, r->e[i].p, FO_NONE, &r->e[i].node)) < 0)
			goto done;
	err = FO_ENOMEM;
	if (!(stack = malloc(r->norder * sizeof *stack)) || !(cur = malloc(r->norder * sizeof *cur)))
		goto done;
	for (size_t i = 0; i < r->ng; i++)
		r->g[i].color = 0;
	size_t sp = 1;
	stack[0] = top;
	cur[0] = 0;
	r->g[top].color = 1;
	while (sp) {
		gate *g = &r->g[stack[sp - 1]];
		if (cur[sp - 1] < g->nadj) {
			uint32_t to = r->adj[g->adj + cur[sp - 1]++].to;
			if (!r->g[to].color) {
				r->g[to].color = 1;
				stack[sp] = to;
				cur[sp++] = 0;
			}
			continue;
		}
		if ((err = emit(r, &b, g->formula, g->name, &g->node)) < 0)
			goto done;
		sp--;
	}
	err = fo_ft_set_top(b.ft, r->g[top].node);
done:
	free(stack);
	free(cur);
	free(b.args);
	if (err == FO_OK)
		*out = b.ft;
	else
		fo_ft_free(b.ft);
	return err;
}

/* ------------------------------------------------------------ entry */

int fo_openpsa_read(const char *path, fo_diag *diag, fo_ft **out)
{
	int err = FO_OK;
	reader r;

	if (!path || !diag || !out)
		return FO_EINVAL;
	memset(&r, 0, sizeof r);
	r.file = strcmp(path, "-") == 0 ? "<stdin>" : path;
	size_t errors_before = fo_diag_errors(diag), count_before = fo_diag_count(diag);
	if ((err = fo_reader__init(&r.x, r.file, diag, &openpsa_format, &r)) < 0)
		goto done;
	if ((err = fo_reader__open(&r.x, path, 0)) < 0)
		goto done;
	fo_reader__begin(&r.x);
	err = read_document(&r);
	if (err == FO_OK)
		err = fo_reader__drain(&r.x);
	fo_reader__end(&r.x);
	if (err == FO_OK && r.x.nomem)
		err = FO_ENOMEM;
	if (err < 0)
		goto done;
	uint32_t top = check(&r);
	if (r.x.nomem) {
		err = FO_ENOMEM;
		goto done;
	}
	if (fo_diag_errors(diag) != errors_before || top == NONE) {
		err = FO_EINPUT;
		goto done;
	}
	err = build(&r, top, out);
done:
	if (err == FO_EINPUT)
		for (size_t i = count_before; i < fo_diag_count(diag); i++) {
			const fo_diag_entry *e = fo_diag_get(diag, i);
			if (e->code && !strcmp(e->code, "limit"))
				err = FO_ELIMIT;
		}
	fo_reader__end(&r.x);
	fo_reader__dispose(&r.x);
	while (r.depth)
		pop(&r);
	free(r.st);
	free(r.f);
	for (size_t i = 0; i < r.ng; i++)
		free(r.g[i].name);
	free(r.g);
	for (size_t i = 0; i < r.ne; i++)
		free(r.e[i].name);
	free(r.e);
	for (size_t i = 0; i < r.nan; i++)
		free(r.anames[i]);
	free(r.anames);
	fo_imp__strtab_free(&r.gtab);
	fo_imp__strtab_free(&r.etab);
	free(r.order);
	free(r.adj);
	free(r.tree_name);
	return err;
}

/* ------------------------------------------------------------ sniff */

int fo_openpsa_sniff(const char *head, size_t n)
{
	size_t len;
	const char *name = fo_reader__sniff_root(head, n, &len);
	if (!name || len != 8 || memcmp(name, "opsa-mef", 8))
		return 0;
	const char *p = name + len;
	return *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '>' || *p == '/';
}
