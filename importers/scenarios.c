/*
 * scenarios.c — reads a scenario file (fo_scenarios.h, format in
 * docs/scenarios-format.md) through the input the inventory reader uses
 * (reader.h): our own file descriptor, every byte through the pre-scanner
 * (scan.h) before libxml2 sees it, the streaming reader without DTD,
 * entities, network or XInclude. The format is small and flat (<scenarios>, <scenario>, <fail>,
 * <destroy>), so elements are handled as the reader reports them with a
 * depth counter only; what is not part of the format is reported and its
 * subtree skipped. Reading goes on after an error so that one run reports
 * every problem; a fatal XML error or a refusal of the scanner stops it.
 *
 * The file is read once: its references are kept as written (refs[]), so
 * that fo_scenarios_bind can resolve one read against several graphs (diff's
 * BEFORE and AFTER), and the sha256 of the bytes read is kept for the
 * report's record (docs/importer.md, "One read").
 */
#include "fo_scenarios.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "../graphs/fo_error.h"
#include "../graphs/fo_suggest.h"
#include "reader.h"
#include "scan.h"
#include "grow_int.h"

/* Generated from importers/scenarios-v1.xsd by scripts/embed.sh. */
extern const unsigned char fo_scenarios_xsd[];
extern const unsigned long fo_scenarios_xsd_len;

typedef struct entry {
	char *name;
	unsigned long line, col;
	size_t first, nfail, ndestroy; /* fail nodes then destroy nodes, in nodes[] */
	size_t rfirst, nrefs;          /* its references, in refs[] */
} entry;

/* A <fail ref> or <destroy ref> as written, kept so that one read can be
 * resolved against several graphs (fo_scenarios_bind). */
typedef struct ref {
	char *id;
	unsigned long line, col;       /* of the ref= value */
	int destroy;
} ref;

struct fo_scenarios {
	char *name;
	char *file;       /* the name in diagnostics */
	char sha256[65];  /* of the bytes read */
	entry *e;
	size_t n, alloc;
	uint32_t *nodes;  /* per scenario: its fail nodes, then its destroy nodes */
	size_t nnodes, nodes_alloc;
	ref *refs;        /* per scenario, in document order */
	size_t nrefs, refs_alloc;
};

typedef struct reader {
	fo_reader x;           /* the input: file, diag, scanner, libxml2's errors */
	const fo_graph *g;
	size_t suggested;      /* unknown nodes given a suggestion (start_target) */
	fo_scenarios *s;
	fo_scan_tag tag;
	int have_tag;
	int root_seen;
	int in_scenario;       /* inside a <scenario> (depth 2) */
	unsigned long skip;    /* depth of an element being skipped, 0 = none */
	unsigned long depth;
	uint64_t elements;     /* start tags delivered so far (scanner text keys) */
	uint32_t *tmp_fail, *tmp_destroy; /* the open scenario's nodes */
	size_t nf, nd, af, ad;
	size_t targets;        /* <fail>/<destroy> elements of the open scenario */
	int scenario_bad;      /* the open scenario has no usable name */
	int text_reported;
} reader;

/* Messages tidied as the inventory's are: a huge text node is "too large",
 * not "out of memory"; invalid UTF-8 gets a clear message; libxml2's
 * warnings stay warnings. */
static const fo_reader_format scenarios_format = {
	.tidy = 1,
	.docs = "fallout scenario files",
	.doc = "the scenario file",
	.empty = "empty document: a scenario file needs a <scenarios> element",
};

__attribute__((format(printf, 4, 5)))
static void error_at(reader *r, unsigned long line, unsigned long col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fo_reader__verror(&r->x, FO_SEV_ERROR, NULL, (fo_pos){ line, col }, NULL, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ results */

void fo_scenarios_free(fo_scenarios *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->e[i].name);
	for (size_t i = 0; i < s->nrefs; i++)
		free(s->refs[i].id);
	free(s->refs);
	free(s->e);
	free(s->nodes);
	free(s->name);
	free(s->file);
	free(s);
}

const char *fo_scenarios_sha256(const fo_scenarios *s) { return s->sha256; }
const char *fo_scenarios_file(const fo_scenarios *s) { return s->file; }

const char *fo_scenarios_name(const fo_scenarios *s) { return s->name; }
size_t fo_scenarios_count(const fo_scenarios *s) { return s->n; }
const char *fo_scenarios_scenario_name(const fo_scenarios *s, size_t i) { return s->e[i].name; }
unsigned long fo_scenarios_line(const fo_scenarios *s, size_t i) { return s->e[i].line; }

size_t fo_scenarios_fail(const fo_scenarios *s, size_t i, const uint32_t **out)
{
	*out = s->nodes ? s->nodes + s->e[i].first : NULL;
	return s->e[i].nfail;
}

size_t fo_scenarios_destroy(const fo_scenarios *s, size_t i, const uint32_t **out)
{
	*out = s->nodes ? s->nodes + s->e[i].first + s->e[i].nfail : NULL;
	return s->e[i].ndestroy;
}

const char *fo_scenarios_schema(void) { return (const char *)fo_scenarios_xsd; }

/* ------------------------------------------------------------ elements */

/* Position of attribute `name` of the current tag (its value), else the tag. */
static void attr_pos(const reader *r, const char *name, unsigned long *line, unsigned long *col)
{
	*line = r->have_tag ? r->tag.line : 0;
	*col = r->have_tag ? r->tag.col : 0;
	if (!r->have_tag)
		return;
	uint64_t h = fo_scan__hash(name, strlen(name));
	for (uint32_t i = 0; i < r->tag.attr_count; i++) {
		const fo_scan_attr *a = fo_scan__attr(&r->x.scan, &r->tag, i);
		if (a && a->hash == h) {
			*line = a->vline;
			*col = a->vcol;
			return;
		}
	}
}

/* Reads the attributes of an element allowed exactly `names`; reports any
 * other. vals[i] is a copy (xmlFree) or NULL. */
static void attrs(reader *r, xmlTextReaderPtr x, const char *elem, const char *const *names,
		  size_t n, xmlChar **vals)
{
	char sb[FO_READER_SHOW_BUF];
	for (size_t i = 0; i < n; i++)
		vals[i] = NULL;
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
			vals[i] = xmlTextReaderValue(x);
			if (!vals[i])
				r->x.nomem = 1;
		} else if (strncmp(an, "xmlns", 5) != 0) {
			unsigned long l, c;
			attr_pos(r, an, &l, &c);
			error_at(r, l, c, "unknown attribute '%s' on <%s>", fo_reader__show(an, sb),
				 elem);
		}
	} while (xmlTextReaderMoveToNextAttribute(x) == 1);
	xmlTextReaderMoveToElement(x);
}

static void end_scenario(reader *r)
{
	fo_scenarios *s = r->s;
	r->in_scenario = 0;
	if (r->scenario_bad || !s->n)
		return;
	entry *e = &s->e[s->n - 1];
	if (!r->targets) {
		error_at(r, e->line, e->col, "scenario '%s': nothing fails (give <fail ref=\"ID\"/> or <destroy ref=\"ID\"/>)",
			 e->name);
		return;
	}
	if (!r->nf && !r->nd)
		return; /* every reference was reported already */
	if (fo_imp__grow((void **)&s->nodes, &s->nodes_alloc, s->nnodes + r->nf + r->nd, sizeof *s->nodes) < 0) {
		r->x.nomem = 1;
		return;
	}
	e->first = s->nnodes;
	e->nfail = r->nf;
	e->ndestroy = r->nd;
	if (r->nf)
		memcpy(s->nodes + s->nnodes, r->tmp_fail, r->nf * sizeof *s->nodes);
	if (r->nd)
		memcpy(s->nodes + s->nnodes + r->nf, r->tmp_destroy, r->nd * sizeof *s->nodes);
	s->nnodes += r->nf + r->nd;
}

static void start_scenario(reader *r, xmlTextReaderPtr x)
{
	static const char *const names[] = { "name" };
	xmlChar *v[1];
	fo_scenarios *s = r->s;
	char sb[FO_READER_SHOW_BUF];

	attrs(r, x, "scenario", names, 1, v);
	r->in_scenario = 1;
	r->nf = r->nd = r->targets = 0;
	r->scenario_bad = 1;
	unsigned long l = r->have_tag ? r->tag.line : 0, c = r->have_tag ? r->tag.col : 0;
	if (!v[0]) {
		error_at(r, l, c, "missing attribute 'name' on <scenario>");
		return;
	}
	if (!*v[0]) {
		attr_pos(r, "name", &l, &c);
		error_at(r, l, c, "empty scenario name");
		xmlFree(v[0]);
		return;
	}
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->e[i].name, (const char *)v[0])) {
			attr_pos(r, "name", &l, &c);
			error_at(r, l, c, "duplicate scenario name '%s' (first at line %lu)",
				 fo_reader__show((const char *)v[0], sb), s->e[i].line);
			xmlFree(v[0]);
			return;
		}
	if (fo_imp__grow((void **)&s->e, &s->alloc, s->n + 1, sizeof *s->e) < 0 ||
	    !(s->e[s->n].name = strdup((const char *)v[0]))) {
		r->x.nomem = 1;
		xmlFree(v[0]);
		return;
	}
	s->e[s->n].line = l;
	s->e[s->n].col = c;
	s->e[s->n].first = s->e[s->n].nfail = s->e[s->n].ndestroy = 0;
	s->e[s->n].rfirst = s->nrefs;
	s->e[s->n].nrefs = 0;
	s->n++;
	r->scenario_bad = 0;
	xmlFree(v[0]);
}

/* Keeps a reference of the open scenario for fo_scenarios_bind. */
static void keep_ref(reader *r, const char *id, unsigned long line, unsigned long col, int destroy)
{
	fo_scenarios *s = r->s;
	if (fo_imp__grow((void **)&s->refs, &s->refs_alloc, s->nrefs + 1, sizeof *s->refs) < 0 ||
	    !(s->refs[s->nrefs].id = strdup(id))) {
		r->x.nomem = 1;
		return;
	}
	s->refs[s->nrefs] = (ref){ s->refs[s->nrefs].id, line, col, destroy };
	s->nrefs++;
	s->e[s->n - 1].nrefs++;
}

static void start_target(reader *r, xmlTextReaderPtr x, int destroy)
{
	static const char *const names[] = { "ref" };
	const char *elem = destroy ? "destroy" : "fail";
	xmlChar *v[1];
	char sb[FO_READER_SHOW_BUF], nb[FO_READER_SHOW_BUF];
	uint32_t node;

	attrs(r, x, elem, names, 1, v);
	r->targets++;
	unsigned long l = r->have_tag ? r->tag.line : 0, c = r->have_tag ? r->tag.col : 0;
	if (!v[0]) {
		error_at(r, l, c, "missing attribute 'ref' on <%s>", elem);
		return;
	}
	attr_pos(r, "ref", &l, &c);
	const char *sname = r->scenario_bad ? NULL : r->s->e[r->s->n - 1].name;
	if (*v[0] && !r->scenario_bad)
		keep_ref(r, (const char *)v[0], l, c, destroy);
	if (!*v[0]) {
		error_at(r, l, c, "empty reference in <%s ref>", elem);
	} else if (!r->g) {
		/* fo_scenarios_read: resolved later, by fo_scenarios_bind */
	} else if (fo_graph_lookup(r->g, (const char *)v[0], &node) != FO_OK) {
		/* A suggestion reads every id: the first 50 unknown nodes of
		 * a file get one, as references in an inventory do. */
		const char *near = r->suggested++ < 50 ? fo_suggest_id(r->g, (const char *)v[0]) : NULL;
		char tail[FO_DIAG_SHORT_BUF + 32] = "", nearb[FO_DIAG_SHORT_BUF];
		if (near)
			snprintf(tail, sizeof tail, "; did you mean '%s'?", fo_diag_shorten(near, nearb));
		if (sname)
			error_at(r, l, c, "scenario '%s': unknown node '%s'%s",
				 fo_reader__show(sname, nb), fo_reader__show((const char *)v[0], sb), tail);
		else
			error_at(r, l, c, "unknown node '%s'%s",
				 fo_reader__show((const char *)v[0], sb), tail);
	} else if (destroy) {
		if (fo_imp__grow((void **)&r->tmp_destroy, &r->ad, r->nd + 1, sizeof *r->tmp_destroy) < 0)
			r->x.nomem = 1;
		else
			r->tmp_destroy[r->nd++] = node;
	} else {
		if (fo_imp__grow((void **)&r->tmp_fail, &r->af, r->nf + 1, sizeof *r->tmp_fail) < 0)
			r->x.nomem = 1;
		else
			r->tmp_fail[r->nf++] = node;
	}
	xmlFree(v[0]);
}

static void on_start(reader *r, xmlTextReaderPtr x, int empty)
{
	const char *qname = (const char *)xmlTextReaderConstName(x);
	const char *local = (const char *)xmlTextReaderConstLocalName(x);
	const xmlChar *ns = xmlTextReaderConstNamespaceUri(x);
	char sb[FO_READER_SHOW_BUF];

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
	unsigned long l = r->tag.line, c = r->have_tag ? r->tag.col : 0;
	const char *parent = r->depth == 1 ? NULL : r->depth == 2 ? "scenarios" : "scenario";
	int ok = 0;
	if (!ns) {
		if (r->depth == 1 && !strcmp(local, "scenarios")) {
			static const char *const names[] = { "name", "version" };
			xmlChar *v[2];
			attrs(r, x, "scenarios", names, 2, v);
			r->root_seen = 1;
			if (v[0] && !(r->s->name = strdup((const char *)v[0])))
				r->x.nomem = 1;
			if (v[1] && strcmp((const char *)v[1], "1")) {
				unsigned long vl, vc;
				attr_pos(r, "version", &vl, &vc);
				error_at(r, vl, vc, "unsupported version '%s': this fallout reads scenario files of version 1",
					 fo_reader__show((const char *)v[1], sb));
			}
			xmlFree(v[0]);
			xmlFree(v[1]);
			ok = 1;
		} else if (r->depth == 2 && !strcmp(local, "scenario")) {
			start_scenario(r, x);
			ok = 1;
			if (empty)
				end_scenario(r);
		} else if (r->depth == 3 && (!strcmp(local, "fail") || !strcmp(local, "destroy"))) {
			start_target(r, x, local[0] == 'd');
			ok = 1;
		}
	}
	if (!ok) {
		if (!parent && ns) {
			/* <scenarios xmlns="…">: the right name in a namespace
			 * is not the format's element; say which part is wrong */
			char nb[FO_READER_SHOW_BUF];
			error_at(r, l, c, "the root element <%s> is in the namespace '%s': the format has no "
				 "namespace", fo_reader__show(qname, sb),
				 fo_reader__show((const char *)ns, nb));
		} else if (!parent)
			error_at(r, l, c, "the root element is <%s>: a scenario file starts with <scenarios>",
				 fo_reader__show(qname, sb));
		else
			error_at(r, l, c, "unknown element <%s> in <%s>", fo_reader__show(qname, sb), parent);
		r->skip = r->depth;
	}
	if (empty) {
		if (r->skip == r->depth)
			r->skip = 0;
		r->depth--;
	}
}

static void on_end(reader *r)
{
	if (r->skip == r->depth)
		r->skip = 0;
	else if (!r->skip && r->depth == 2 && r->in_scenario)
		end_scenario(r);
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
	if ((!*p && !cdata) || r->skip || r->text_reported)
		return;
	r->text_reported = 1;
	int ln = xmlTextReaderGetParserLineNumber(x);
	error_at(r, have ? at.line : ln > 0 ? (unsigned long)ln : 0, have ? at.col : 0,
		 "text is not allowed in <%s>",
		 r->depth == 1 ? "scenarios" : r->depth == 2 ? "scenario" : "fail");
}

/* ------------------------------------------------------------ input */

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
			on_text(r, x, 0);
			break;
		case XML_READER_TYPE_CDATA:
			on_text(r, x, 1);
			break;
		case XML_READER_TYPE_DOCUMENT_TYPE:
		case XML_READER_TYPE_ENTITY_REFERENCE:
			/* Unreachable while the scanner refuses DOCTYPEs. */
			error_at(r, (unsigned long)xmlTextReaderGetParserLineNumber(x), 0,
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

/* One read of path; g NULL: references kept, not resolved. */
static int load(fo_scenarios **out, const char *path, const fo_graph *g, fo_diag *diag)
{
	int err = FO_OK;
	reader r;
	const char *file;

	if (!out || !path || !diag)
		return FO_EINVAL;
	*out = NULL;
	memset(&r, 0, sizeof r);
	r.g = g;
	size_t errors_before = fo_diag_errors(diag);
	file = strcmp(path, "-") == 0 ? "<stdin>" : path;
	if ((err = fo_reader__init(&r.x, file, diag, &scenarios_format, &r)) < 0)
		goto done;
	r.x.hash = 1; /* small files: always kept (fo_scenarios_sha256) */
	if (!(r.s = calloc(1, sizeof *r.s)) || !(r.s->file = strdup(file))) {
		err = FO_ENOMEM;
		goto done;
	}
	if ((err = fo_reader__open(&r.x, path, 0)) < 0)
		goto done;
	fo_reader__begin(&r.x);
	if ((err = read_document(&r)) < 0 || (err = fo_reader__drain(&r.x)) < 0)
		goto done;
	if (fo_diag_errors(diag) != errors_before) {
		err = FO_EINPUT;
		goto done;
	}
	fo_reader__digest(&r.x, r.s->sha256);
	*out = r.s;
	r.s = NULL;
done:
	fo_reader__end(&r.x);
	fo_reader__dispose(&r.x);
	fo_scenarios_free(r.s);
	free(r.tmp_fail);
	free(r.tmp_destroy);
	return err;
}

int fo_scenarios_load(fo_scenarios **out, const char *path, const fo_graph *g, fo_diag *diag)
{
	if (!g) {
		if (out)
			*out = NULL;
		return FO_EINVAL;
	}
	return load(out, path, g, diag);
}

int fo_scenarios_read(fo_scenarios **out, const char *path, fo_diag *diag)
{
	return load(out, path, NULL, diag);
}

int fo_scenarios_bind(fo_scenarios **out, const fo_scenarios *s, const fo_graph *g,
		      fo_diag *diag)
{
	int err = FO_OK;
	fo_scenarios *b = NULL;
	char sb[FO_READER_SHOW_BUF], nb[FO_READER_SHOW_BUF], nearb[FO_DIAG_SHORT_BUF];
	size_t suggested = 0;
	size_t errors_before;

	if (out)
		*out = NULL;
	if (!out || !s || !g || !diag)
		return FO_EINVAL;
	errors_before = fo_diag_errors(diag);
	if (!(b = calloc(1, sizeof *b)) || !(b->file = strdup(s->file)) ||
	    (s->name && !(b->name = strdup(s->name))) ||
	    (s->n && !(b->e = calloc(s->n, sizeof *b->e))) ||
	    (s->nrefs && !(b->refs = calloc(s->nrefs, sizeof *b->refs))) ||
	    (s->nrefs && !(b->nodes = malloc(s->nrefs * sizeof *b->nodes)))) {
		err = FO_ENOMEM;
		goto done;
	}
	memcpy(b->sha256, s->sha256, sizeof b->sha256);
	b->alloc = s->n;
	b->refs_alloc = b->nodes_alloc = s->nrefs;
	for (size_t i = 0; i < s->nrefs; i++, b->nrefs++) {
		b->refs[i] = s->refs[i];
		if (!(b->refs[i].id = strdup(s->refs[i].id))) {
			err = FO_ENOMEM;
			goto done;
		}
	}
	/* Per scenario: unknown nodes reported in document order; its fail
	 * nodes, then its destroy nodes, each in document order. */
	for (size_t i = 0; i < s->n; i++, b->n++) {
		const entry *e = &s->e[i];
		entry *f = &b->e[i];
		*f = *e;
		if (!(f->name = strdup(e->name))) {
			err = FO_ENOMEM;
			goto done;
		}
		f->first = b->nnodes;
		f->nfail = f->ndestroy = 0;
		int unknown = 0;
		for (size_t k = e->rfirst; k < e->rfirst + e->nrefs; k++) {
			const ref *rf = &s->refs[k];
			uint32_t node;
			if (fo_graph_lookup(g, rf->id, &node) == FO_OK)
				continue;
			unknown = 1;
			/* A suggestion reads every id: the first 50 unknown
			 * nodes get one, as for references in an inventory. */
			const char *near = suggested++ < 50 ? fo_suggest_id(g, rf->id) : NULL;
			char tail[FO_DIAG_SHORT_BUF + 32] = "";
			if (near)
				snprintf(tail, sizeof tail, "; did you mean '%s'?", fo_diag_shorten(near, nearb));
			if (fo_diag_add_code(diag, FO_SEV_ERROR, "unknown-reference", s->file, rf->line,
					     rf->col, NULL, "scenario '%s': unknown node '%s'%s",
					     fo_reader__show(e->name, nb), fo_reader__show(rf->id, sb),
					     tail) == FO_ENOMEM) {
				err = FO_ENOMEM;
				goto done;
			}
		}
		if (unknown)
			continue; /* the bind fails: every unknown node is reported */
		/* Its fail nodes, then its destroy nodes, each in document
		 * order, as the reader stores them. */
		for (int destroy = 0; destroy < 2; destroy++)
			for (size_t k = e->rfirst; k < e->rfirst + e->nrefs; k++) {
				uint32_t node;
				if (s->refs[k].destroy != destroy ||
				    fo_graph_lookup(g, s->refs[k].id, &node) != FO_OK)
					continue;
				b->nodes[b->nnodes++] = node;
				if (destroy)
					f->ndestroy++;
				else
					f->nfail++;
			}
	}
	if (fo_diag_errors(diag) != errors_before) {
		err = FO_EINPUT;
		goto done;
	}
	*out = b;
	b = NULL;
done:
	fo_scenarios_free(b);
	return err;
}
