/*
 * scenarios.c — reads a scenario file (fo_scenarios.h, format in
 * docs/scenarios-format.md) with the inventory's safety measures: our own
 * file descriptor, every byte through the pre-scanner (scan.h) before
 * libxml2 sees it, the streaming reader without DTD, entities, network or
 * XInclude. The format is small and flat (<scenarios>, <scenario>, <fail>,
 * <destroy>), so elements are handled as the reader reports them with a
 * depth counter only; what is not part of the format is reported and its
 * subtree skipped. Reading goes on after an error so that one run reports
 * every problem; a fatal XML error or a refusal of the scanner stops it.
 */
#include "fo_scenarios.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "../graphs/fo_error.h"
#include "scan.h"

/* Generated from importers/scenarios-v1.xsd by scripts/embed.sh. */
extern const unsigned char fo_scenarios_xsd[];
extern const unsigned long fo_scenarios_xsd_len;

/* As for inventories (inventory.c): no NOENT, no DTD loading, no XInclude,
 * no HUGE; UTF-8 whatever the declaration says, the scanner having refused
 * every other encoding. */
#define READER_OPTIONS (XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_IGNORE_ENC)
#define SHOW_MAX 80

typedef struct entry {
	char *name;
	unsigned long line, col;
	size_t first, nfail, ndestroy; /* fail nodes then destroy nodes, in nodes[] */
} entry;

struct fo_scenarios {
	char *name;
	entry *e;
	size_t n, alloc;
	uint32_t *nodes;  /* per scenario: its fail nodes, then its destroy nodes */
	size_t nnodes, nodes_alloc;
};

typedef struct reader {
	const char *file;
	fo_diag *diag;
	const fo_graph *g;
	fo_scenarios *s;
	int fd, own_fd;
	fo_scan scan;
	fo_scan_tag tag;
	int have_tag;
	int nomem, stopped, io_errno, fatal, eof;
	unsigned long fatal_line, fatal_col;
	char *fatal_msg;
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

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static void init_parser(void) { xmlInitParser(); }

static void silent_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static const char *show(const char *s, char buf[SHOW_MAX + 4])
{
	size_t n = strlen(s);
	if (n <= SHOW_MAX)
		return s;
	n = SHOW_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, s, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

__attribute__((format(printf, 4, 5)))
static void error_at(reader *r, unsigned long line, unsigned long col, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (fo_diag_add(r->diag, FO_SEV_ERROR, r->file, line, col, NULL, "%s", msg) == FO_ENOMEM)
		r->nomem = 1;
}

/* ------------------------------------------------------------ results */

void fo_scenarios_free(fo_scenarios *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->e[i].name);
	free(s->e);
	free(s->nodes);
	free(s->name);
	free(s);
}

const char *fo_scenarios_name(const fo_scenarios *s) { return s->name; }
size_t fo_scenarios_count(const fo_scenarios *s) { return s->n; }
const char *fo_scenarios_scenario_name(const fo_scenarios *s, size_t i) { return s->e[i].name; }
unsigned long fo_scenarios_line(const fo_scenarios *s, size_t i) { return s->e[i].line; }

size_t fo_scenarios_fail(const fo_scenarios *s, size_t i, const uint32_t **out)
{
	*out = s->nodes + s->e[i].first;
	return s->e[i].nfail;
}

size_t fo_scenarios_destroy(const fo_scenarios *s, size_t i, const uint32_t **out)
{
	*out = s->nodes + s->e[i].first + s->e[i].nfail;
	return s->e[i].ndestroy;
}

const char *fo_scenarios_schema(void) { return (const char *)fo_scenarios_xsd; }

static int grow(void **p, size_t *alloc, size_t need, size_t size)
{
	if (need <= *alloc)
		return FO_OK;
	size_t na = *alloc ? *alloc * 2 : 16;
	while (na < need)
		na *= 2;
	void *q = realloc(*p, na * size);
	if (!q)
		return FO_ENOMEM;
	*p = q;
	*alloc = na;
	return FO_OK;
}

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
		const fo_scan_attr *a = fo_scan__attr(&r->scan, &r->tag, i);
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
	char sb[SHOW_MAX + 4];
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
				r->nomem = 1;
		} else if (strncmp(an, "xmlns", 5) != 0) {
			unsigned long l, c;
			attr_pos(r, an, &l, &c);
			error_at(r, l, c, "unknown attribute '%s' on <%s>", show(an, sb), elem);
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
	if (grow((void **)&s->nodes, &s->nodes_alloc, s->nnodes + r->nf + r->nd, sizeof *s->nodes) < 0) {
		r->nomem = 1;
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
	char sb[SHOW_MAX + 4];

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
				 show((const char *)v[0], sb), s->e[i].line);
			xmlFree(v[0]);
			return;
		}
	if (grow((void **)&s->e, &s->alloc, s->n + 1, sizeof *s->e) < 0 ||
	    !(s->e[s->n].name = strdup((const char *)v[0]))) {
		r->nomem = 1;
		xmlFree(v[0]);
		return;
	}
	s->e[s->n].line = l;
	s->e[s->n].col = c;
	s->e[s->n].first = s->e[s->n].nfail = s->e[s->n].ndestroy = 0;
	s->n++;
	r->scenario_bad = 0;
	xmlFree(v[0]);
}

static void start_target(reader *r, xmlTextReaderPtr x, int destroy)
{
	static const char *const names[] = { "ref" };
	const char *elem = destroy ? "destroy" : "fail";
	xmlChar *v[1];
	char sb[SHOW_MAX + 4], nb[SHOW_MAX + 4];
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
	if (!*v[0]) {
		error_at(r, l, c, "empty reference in <%s ref>", elem);
	} else if (fo_graph_lookup(r->g, (const char *)v[0], &node) != FO_OK) {
		if (sname)
			error_at(r, l, c, "scenario '%s': unknown node '%s'", show(sname, nb),
				 show((const char *)v[0], sb));
		else
			error_at(r, l, c, "unknown node '%s'", show((const char *)v[0], sb));
	} else if (destroy) {
		if (grow((void **)&r->tmp_destroy, &r->ad, r->nd + 1, sizeof *r->tmp_destroy) < 0)
			r->nomem = 1;
		else
			r->tmp_destroy[r->nd++] = node;
	} else {
		if (grow((void **)&r->tmp_fail, &r->af, r->nf + 1, sizeof *r->tmp_fail) < 0)
			r->nomem = 1;
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
	char sb[SHOW_MAX + 4];

	if (!qname || !local) {
		r->nomem = 1;
		return;
	}
	r->have_tag = fo_scan__pop_tag(&r->scan, &r->tag) == 0;
	if (r->have_tag && r->tag.hash != fo_scan__hash(qname, strlen(qname))) {
		fo_scan__break(&r->scan);
		r->have_tag = 0;
	}
	if (!r->have_tag) {
		int ln = xmlTextReaderGetParserLineNumber(x);
		r->tag.line = ln > 0 ? (unsigned long)ln : 0;
		r->tag.col = 0;
	}
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
				r->nomem = 1;
			if (v[1] && strcmp((const char *)v[1], "1")) {
				unsigned long vl, vc;
				attr_pos(r, "version", &vl, &vc);
				error_at(r, vl, vc, "unsupported version '%s': this fallout reads scenario files of version 1",
					 show((const char *)v[1], sb));
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
		if (!parent)
			error_at(r, l, c, "the root element is <%s>: a scenario file starts with <scenarios>",
				 show(qname, sb));
		else
			error_at(r, l, c, "unknown element <%s> in <%s>", show(qname, sb), parent);
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
	int have = fo_scan__take_text(&r->scan, r->elements, &at) == 0;
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

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
	reader *r = ctx;
	if (!e || !r || r->stopped || r->io_errno || r->fatal)
		return;
	if (e->code == XML_ERR_NO_MEMORY) {
		r->nomem = 1;
		return;
	}
	const char *m = e->message ? e->message : "XML error";
	size_t n = strlen(m);
	char *msg = malloc(n + 1);
	if (!msg) {
		r->nomem = 1;
		return;
	}
	memcpy(msg, m, n + 1);
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	while (n && msg[n - 1] == ' ')
		msg[--n] = '\0';
	unsigned long line = e->line > 0 ? (unsigned long)e->line : 0;
	unsigned long col = e->int2 > 0 ? (unsigned long)e->int2 : 0;
	if (e->level == XML_ERR_FATAL) {
		r->fatal = 1;
		r->fatal_line = line;
		r->fatal_col = col;
		r->fatal_msg = msg;
		return;
	}
	error_at(r, line, col, "%s", msg);
	free(msg);
}

static int read_cb(void *ctx, char *buf, int len)
{
	reader *r = ctx;
	ssize_t n;
	if (r->stopped || r->io_errno || len <= 0)
		return -1;
	do
		n = read(r->fd, buf, (size_t)len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		r->io_errno = errno ? errno : EIO;
		return -1;
	}
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	if (fo_scan__feed(&r->scan, (const unsigned char *)buf, (size_t)n) != FO_SCAN_GO) {
		r->stopped = 1; /* libxml2 never sees these bytes */
		return -1;
	}
	return (int)n;
}

static void report_stop(reader *r)
{
	const fo_scan *s = &r->scan;
	char sb[SHOW_MAX + 4];
	unsigned long l = s->stop_line, c = s->stop_col;
	switch (s->stop) {
	case FO_SCAN_DOCTYPE:
		error_at(r, l, c, "DOCTYPE is not allowed: fallout scenario files take no DTD");
		break;
	case FO_SCAN_NUL:
		error_at(r, l, c, s->stop_offset < 4 ? "not UTF-8 text (UTF-16 or UTF-32?): fallout scenario files are UTF-8"
						     : "NUL byte: not a text file (fallout scenario files are UTF-8)");
		break;
	case FO_SCAN_UTF16:
		error_at(r, l, c, "UTF-16 byte order mark: fallout scenario files are UTF-8");
		break;
	case FO_SCAN_EBCDIC:
		error_at(r, l, c, "EBCDIC text: fallout scenario files are UTF-8");
		break;
	case FO_SCAN_DEPTH:
		error_at(r, l, c, "elements nested more than %d deep (the XML parser's limit)", FO_SCAN_MAX_DEPTH);
		break;
	case FO_SCAN_ENCODING:
		error_at(r, l, c, "unsupported encoding '%s': fallout scenario files are UTF-8", show(s->enc, sb));
		break;
	default:
		break;
	}
}

static int read_document(reader *r)
{
	int ret = 0;
	xmlTextReaderPtr x = xmlReaderForIO(read_cb, NULL, r, NULL, "UTF-8", READER_OPTIONS);
	if (x)
		xmlTextReaderSetStructuredErrorHandler(x, on_xml_error, r);
	while (x && !r->nomem && (ret = xmlTextReaderRead(x)) == 1) {
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
			r->stopped = 1;
			break;
		default:
			break;
		}
		if (r->stopped)
			break;
	}
	if (x)
		xmlFreeTextReader(x);
	if (r->nomem)
		return FO_ENOMEM;
	if (r->io_errno) {
		error_at(r, 0, 0, "cannot read: %s", strerror(r->io_errno));
		return FO_EIO;
	}
	if (r->scan.stop) {
		report_stop(r);
		return FO_EINPUT;
	}
	if (r->stopped)
		return FO_EINPUT;
	if (r->fatal) {
		if (!r->scan.saw_content)
			error_at(r, r->fatal_line, r->fatal_col,
				 "empty document: a scenario file needs a <scenarios> element");
		else
			error_at(r, r->fatal_line, r->fatal_col, "%s", r->fatal_msg);
		return FO_EINPUT;
	}
	if (!x || ret < 0) {
		if (x)
			error_at(r, 0, 0, "the XML reader failed");
		return x ? FO_EINPUT : FO_ENOMEM;
	}
	return FO_OK;
}

int fo_scenarios_load(fo_scenarios **out, const char *path, const fo_graph *g, fo_diag *diag)
{
	int err = FO_OK;
	reader r;
	xmlGenericErrorFunc saved_generic = NULL;
	xmlStructuredErrorFunc saved_structured = NULL;
	void *saved_generic_ctx = NULL, *saved_structured_ctx = NULL;
	int handlers_set = 0;

	if (!out || !path || !g || !diag)
		return FO_EINVAL;
	*out = NULL;
	memset(&r, 0, sizeof r);
	r.fd = -1;
	r.file = strcmp(path, "-") == 0 ? "<stdin>" : path;
	r.diag = diag;
	r.g = g;
	size_t errors_before = fo_diag_errors(diag);
	fo_scan__init(&r.scan);
	if (pthread_once(&init_once, init_parser) != 0) {
		err = FO_EINVAL;
		goto done;
	}
	if (!(r.s = calloc(1, sizeof *r.s))) {
		err = FO_ENOMEM;
		goto done;
	}
	if (strcmp(path, "-") == 0) {
		r.fd = 0;
	} else {
		do
			r.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		while (r.fd < 0 && errno == EINTR);
		if (r.fd < 0) {
			error_at(&r, 0, 0, "cannot open: %s", strerror(errno));
			err = FO_EIO;
			goto done;
		}
		r.own_fd = 1;
	}
	/* libxml2 must never print: its messages go to the diag, for this
	 * thread and this call only. */
	saved_generic = xmlGenericError;
	saved_generic_ctx = xmlGenericErrorContext;
	saved_structured = xmlStructuredError;
	saved_structured_ctx = xmlStructuredErrorContext;
	xmlSetGenericErrorFunc(NULL, silent_generic);
	xmlSetStructuredErrorFunc(&r, on_xml_error);
	handlers_set = 1;
	if ((err = read_document(&r)) < 0)
		goto done;
	if (fo_diag_errors(diag) != errors_before) {
		err = FO_EINPUT;
		goto done;
	}
	*out = r.s;
	r.s = NULL;
done:
	if (handlers_set) {
		xmlSetGenericErrorFunc(saved_generic_ctx, saved_generic);
		xmlSetStructuredErrorFunc(saved_structured_ctx, saved_structured);
	}
	if (r.own_fd)
		close(r.fd);
	fo_scan__dispose(&r.scan);
	fo_scenarios_free(r.s);
	free(r.tmp_fail);
	free(r.tmp_destroy);
	free(r.fatal_msg);
	return err;
}
