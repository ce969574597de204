/*
 * archimate.c — reads an ArchiMate Model Exchange File (2.1, 3.0, 3.1) into
 * the import model (fo_archimate.h; the mapping is documented in
 * docs/importers/archimate.md).
 *
 * One read goes:
 *   1. the whole file into memory (at most FO_ARCHIMATE_MAX_BYTES);
 *   2. the encoding named by the XML declaration is checked (UTF-8, ASCII,
 *      or one of the single-byte windows-1252 / ISO-8859-1 / -15 that Sparx
 *      EA declares), then every byte goes through the pre-scanner of the
 *      inventory reader (scan.h): a DOCTYPE, NUL bytes, UTF-16, excessive
 *      depth or attributes stop the read before libxml2 sees anything, and
 *      the scanner records the line and column of every start tag and
 *      attribute (libxml2 only knows the line where a start tag ends);
 *   3. libxml2 parses the bytes into a tree (the exchange format puts the
 *      property definitions after the elements that use them, and views
 *      after everything: a tree is the simple way to read it, and memory is
 *      bounded by the size limit), with the options and the refusing entity
 *      loader of reader.c (fo_reader__begin/end): no DTD, no entities, no
 *      network, no XML_PARSE_HUGE; libxml2 converts the single-byte encodings
 *      to UTF-8 itself;
 *   4. a check pass over the tree reports every error (namespace, types,
 *      identifiers, references) located FILE:LINE:COL, all of them;
 *   5. only if there was none, the emit pass adds nodes, dependencies and
 *      counts to the model.
 */
#include "fo_archimate.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "../graphs/fo_error.h"
#include "reader.h"
#include "scan.h"
#include "grow_int.h"

#define NS3 "http://www.opengroup.org/xsd/archimate/3.0/"
#define NS2 "http://www.opengroup.org/xsd/archimate"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

/* Parser options: see reader.c. No IGNORE_ENC here: libxml2 converts the
 * single-byte encodings the pre-check let through. */
#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_BIG_LINES)

/* Junctions chained deeper than this are refused (each level is a stack
 * frame), and the total work of resolving junctions is bounded: a hostile
 * file of many elements each needing a long junction chain would otherwise
 * take time quadratic in its size. */
#define MAX_JUNCTION_DEPTH 1000
#define MAX_JUNCTION_WORK 50000000ul

#define V2 1u
#define V3 2u
#define VB (V2 | V3)

/* ------------------------------------------------------------ the types */

enum eclass {
	E_NODE,      /* a node of `kind` */
	E_CONTAINER, /* a node of `kind` that other elements are placed in */
	E_AND,       /* a junction: all of its inputs are needed */
	E_OR,        /* a junction: one of its inputs is enough */
	E_SKIP,      /* not imported: `what` is the reason */
};

typedef struct etype {
	const char *name;
	unsigned char ver;
	unsigned char cls;
	/* assignment from it places its target in it (Location, Grouping) */
	unsigned char assign_places;
	const char *what; /* kind, or the reason it is skipped */
} etype;

static const char R_BUSINESS[] = "business layer: no runtime semantics";
static const char R_MOTIVATION[] = "motivation element: no runtime semantics";
static const char R_STRATEGY[] = "strategy element: no runtime semantics";
static const char R_IMPL[] = "implementation and migration element: no runtime semantics";

static const etype etypes[] = {
	/* business layer */
	{ "BusinessActor", VB, E_SKIP, 0, R_BUSINESS },
	{ "BusinessRole", VB, E_SKIP, 0, R_BUSINESS },
	{ "BusinessCollaboration", VB, E_SKIP, 0, R_BUSINESS },
	{ "BusinessInterface", VB, E_SKIP, 0, R_BUSINESS },
	{ "BusinessProcess", VB, E_SKIP, 0, R_BUSINESS },
	{ "BusinessFunction", VB, E_SKIP, 0, R_BUSINESS },
	{ "BusinessInteraction", VB, E_SKIP, 0, R_BUSINESS },
	{ "BusinessEvent", VB, E_SKIP, 0, R_BUSINESS },
	{ "BusinessService", VB, E_SKIP, 0, R_BUSINESS },
	{ "BusinessObject", VB, E_SKIP, 0, R_BUSINESS },
	{ "Contract", VB, E_SKIP, 0, R_BUSINESS },
	{ "Representation", VB, E_SKIP, 0, R_BUSINESS },
	{ "Product", VB, E_SKIP, 0, R_BUSINESS },
	/* application layer */
	{ "ApplicationComponent", VB, E_NODE, 0, "app" },
	{ "ApplicationService", VB, E_NODE, 0, "app" },
	{ "ApplicationCollaboration", VB, E_NODE, 0, "collaboration" },
	{ "ApplicationInterface", VB, E_NODE, 0, "interface" },
	{ "ApplicationFunction", VB, E_NODE, 0, "function" },
	{ "ApplicationInteraction", VB, E_NODE, 0, "interaction" },
	{ "ApplicationProcess", V3, E_NODE, 0, "process" },
	{ "ApplicationEvent", V3, E_NODE, 0, "event" },
	{ "DataObject", VB, E_NODE, 0, "dataset" },
	/* technology layer */
	{ "Node", VB, E_NODE, 0, "host" },
	{ "Device", VB, E_NODE, 0, "host" },
	{ "SystemSoftware", VB, E_NODE, 0, "service" },
	{ "TechnologyService", V3, E_NODE, 0, "service" },
	{ "InfrastructureService", V2, E_NODE, 0, "service" },
	{ "CommunicationNetwork", V3, E_NODE, 0, "network" },
	{ "Network", V2, E_NODE, 0, "network" },
	{ "Path", V3, E_NODE, 0, "network" },
	{ "CommunicationPath", V2, E_NODE, 0, "network" },
	{ "Artifact", VB, E_NODE, 0, "dataset" },
	{ "TechnologyCollaboration", V3, E_NODE, 0, "collaboration" },
	{ "TechnologyInterface", V3, E_NODE, 0, "interface" },
	{ "InfrastructureInterface", V2, E_NODE, 0, "interface" },
	{ "TechnologyFunction", V3, E_NODE, 0, "function" },
	{ "InfrastructureFunction", V2, E_NODE, 0, "function" },
	{ "TechnologyProcess", V3, E_NODE, 0, "process" },
	{ "TechnologyInteraction", V3, E_NODE, 0, "interaction" },
	{ "TechnologyEvent", V3, E_NODE, 0, "event" },
	/* physical */
	{ "Equipment", V3, E_NODE, 0, "host" },
	{ "Facility", V3, E_CONTAINER, 0, "site" },
	{ "DistributionNetwork", V3, E_NODE, 0, "distribution" },
	{ "Material", V3, E_NODE, 0, "material" },
	/* composite elements */
	{ "Location", VB, E_CONTAINER, 1, "site" },
	{ "Grouping", V3, E_CONTAINER, 1, "grouping" },
	/* connectors */
	{ "AndJunction", V3, E_AND, 0, "junction" },
	{ "OrJunction", V3, E_OR, 0, "junction" },
	{ "Junction", V2, E_AND, 0, "junction" },
	/* motivation */
	{ "Stakeholder", VB, E_SKIP, 0, R_MOTIVATION },
	{ "Driver", VB, E_SKIP, 0, R_MOTIVATION },
	{ "Assessment", VB, E_SKIP, 0, R_MOTIVATION },
	{ "Goal", VB, E_SKIP, 0, R_MOTIVATION },
	{ "Outcome", V3, E_SKIP, 0, R_MOTIVATION },
	{ "Principle", VB, E_SKIP, 0, R_MOTIVATION },
	{ "Requirement", VB, E_SKIP, 0, R_MOTIVATION },
	{ "Constraint", VB, E_SKIP, 0, R_MOTIVATION },
	{ "Meaning", VB, E_SKIP, 0, R_MOTIVATION },
	{ "Value", VB, E_SKIP, 0, R_MOTIVATION },
	/* strategy */
	{ "Resource", V3, E_SKIP, 0, R_STRATEGY },
	{ "Capability", V3, E_SKIP, 0, R_STRATEGY },
	{ "CourseOfAction", V3, E_SKIP, 0, R_STRATEGY },
	{ "ValueStream", V3, E_SKIP, 0, R_STRATEGY },
	/* implementation and migration */
	{ "WorkPackage", VB, E_SKIP, 0, R_IMPL },
	{ "Deliverable", VB, E_SKIP, 0, R_IMPL },
	{ "ImplementationEvent", V3, E_SKIP, 0, R_IMPL },
	{ "Plateau", VB, E_SKIP, 0, R_IMPL },
	{ "Gap", VB, E_SKIP, 0, R_IMPL },
};

enum rsem {
	R_SERVES,      /* the target needs the source (Serving, Realization) */
	R_ASSIGNMENT,  /* the target needs the source, or is placed in it */
	R_COMPOSITION, /* the part (target) needs the whole, or is placed in it */
	R_AGGREGATION, /* placed in a Location, Grouping or Facility; else none */
	R_ACCESS,      /* the accessor (source) needs the data (target) */
	R_NONE,        /* no runtime dependency: `reason` */
};

typedef struct rtype {
	const char *name;
	unsigned char ver;
	unsigned char sem;
	const char *reason;
} rtype;

static const char R_ASSOC[] = "association: no direction of dependency";
static const char R_TRIGGER[] = "triggering: an order in time, not a runtime dependency";
static const char R_FLOW[] = "flow: a transfer of information, not a runtime dependency";
static const char R_SPEC[] = "specialization: a type hierarchy, not a runtime dependency";
static const char R_INFL[] = "influence: motivation only, not a runtime dependency";

static const rtype rtypes[] = {
	{ "Serving", V3, R_SERVES, NULL },
	{ "Realization", V3, R_SERVES, NULL },
	{ "Assignment", V3, R_ASSIGNMENT, NULL },
	{ "Composition", V3, R_COMPOSITION, NULL },
	{ "Aggregation", V3, R_AGGREGATION, NULL },
	{ "Access", V3, R_ACCESS, NULL },
	{ "Association", V3, R_NONE, R_ASSOC },
	{ "Triggering", V3, R_NONE, R_TRIGGER },
	{ "Flow", V3, R_NONE, R_FLOW },
	{ "Specialization", V3, R_NONE, R_SPEC },
	{ "Influence", V3, R_NONE, R_INFL },
	{ "UsedByRelationship", V2, R_SERVES, NULL },
	{ "RealisationRelationship", V2, R_SERVES, NULL },
	{ "RealizationRelationship", V2, R_SERVES, NULL },
	{ "AssignmentRelationship", V2, R_ASSIGNMENT, NULL },
	{ "CompositionRelationship", V2, R_COMPOSITION, NULL },
	{ "AggregationRelationship", V2, R_AGGREGATION, NULL },
	{ "AccessRelationship", V2, R_ACCESS, NULL },
	{ "AssociationRelationship", V2, R_NONE, R_ASSOC },
	{ "TriggeringRelationship", V2, R_NONE, R_TRIGGER },
	{ "FlowRelationship", V2, R_NONE, R_FLOW },
	{ "SpecialisationRelationship", V2, R_NONE, R_SPEC },
	{ "SpecializationRelationship", V2, R_NONE, R_SPEC },
	{ "InfluenceRelationship", V2, R_NONE, R_INFL },
};

/* Reasons for relationships and diagram nestings that are not imported. */
static const char R_REL_END[] = "an end is a relationship, not an element";
static const char R_NOT_IMPORTED[] = "an end is not imported";
static const char R_SELF[] = "an element related to itself";
static const char R_AGG_PLAIN[] = "aggregation: the part exists without the whole";
static const char R_AGG_JUNCTION[] = "aggregation through a junction";
static const char R_DEAD_JUNCTION[] = "through a junction no imported element depends on";
static const char R_JUNCTION_UNUSED[] = "not on a dependency path";
static const char NEST[] = "diagram nesting";
static const char R_NEST_REL[] = "the two elements already have a relationship";
static const char R_NEST_DUP[] = "already inferred from another box";

/* ------------------------------------------------------------ the state */

/* Where a start tag and its attributes are, from the scanner. */
typedef struct tagpos {
	unsigned long line, col, end_line;
	size_t attr_first;
	uint32_t attr_count;
} tagpos;

typedef struct attrpos {
	uint64_t hash;
	unsigned long vline, vcol;
} attrpos;

/* An element or a relationship of the model (a "concept" in the XSD). */
typedef struct concept {
	const char *id;   /* the identifier (borrowed from the tree) */
	const xmlNode *xn;
	const char *type; /* xsi:type without a prefix (borrowed) */
	const etype *et;  /* element type, or NULL for a relationship */
	const rtype *rt;  /* relationship type, or NULL for an element */
	fo_pos pos;
	uint32_t src, dst;      /* relationship: its ends (concept indices) */
	uint32_t node;          /* its model node, or FO_NONE */
	size_t mfirst, mcount;  /* junction: its inputs in rd.members */
	uint64_t stamp;         /* junction: expanded for this owner */
	unsigned char has_container, used, materialized;
	/* relationship: what it became */
	unsigned char dep, located;
	uint32_t needer, provider;
	const char *skip;
} concept;

typedef struct pdef {
	const char *id;
	const char *name;
} pdef;

/* A child element drawn nested in a parent element in a view. */
typedef struct nesting {
	uint32_t child, parent;
	const xmlNode *view;
	fo_pos pos;
} nesting;

/* An open-addressing table of indices keyed by a string (or a pair). */
typedef struct itable {
	uint32_t *slot; /* index + 1; 0 = empty */
	size_t cap;     /* a power of two */
	size_t n;
} itable;

typedef struct rd {
	fo_model *m;
	fo_diag *diag;
	const char *file; /* the source's name in messages (the model's) */
	fo_reader r;
	size_t errors0;

	unsigned char *buf;
	size_t len;
	int single_byte;

	/* positions: one per start tag, in document order */
	tagpos *tags;
	size_t ntags, tags_cap;
	attrpos *attrs;
	size_t nattrs, attrs_cap;
	int pos_ok;

	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	const xmlNode *root;
	const char *ns;
	unsigned ver;
	const char *lang; /* chosen language of names, or NULL (borrowed) */
	int infer;

	concept *conc;
	size_t nconc, conc_cap;
	itable ids;
	pdef *pdefs;
	size_t npdefs, pdefs_cap;
	itable pdef_ids;
	nesting *nests;
	size_t nnests, nests_cap;

	uint32_t *members;
	size_t nmembers;
	uint32_t *queue; /* And junctions materialized, whose inputs are still to add */
	size_t nqueue, queue_cap;
	uint32_t *collect;
	size_t ncollect, collect_cap;
	uint64_t epoch;
	unsigned long work;
	int dry; /* resolving junctions without adding to the model (plan) */

	xmlChar **scratch; /* strings libxml2 built for us */
	size_t nscratch, scratch_cap;
	int nomem;
	int limit;
} rd;

/* ------------------------------------------------------------ small tools */

static uint64_t hash_str(const char *s)
{
	return fo_scan__hash(s, strlen(s));
}

/* Finds key in t (keys of t's entries given by key_of). Returns the index,
 * or UINT32_MAX; *slot_out (may be NULL) receives the slot where it is or
 * would go. */
typedef const char *(*key_fn)(const rd *c, uint32_t i);

static uint32_t it_find(const rd *c, const itable *t, key_fn key_of, const char *key,
			size_t *slot_out)
{
	if (!t->cap)
		return UINT32_MAX;
	size_t mask = t->cap - 1, i = (size_t)hash_str(key) & mask;
	for (;; i = (i + 1) & mask) {
		uint32_t v = t->slot[i];
		if (!v) {
			if (slot_out)
				*slot_out = i;
			return UINT32_MAX;
		}
		if (strcmp(key_of(c, v - 1), key) == 0) {
			if (slot_out)
				*slot_out = i;
			return v - 1;
		}
	}
}

static int it_rehash(rd *c, itable *t, key_fn key_of)
{
	size_t nc = t->cap ? t->cap * 2 : 64;
	uint32_t *old = t->slot;
	size_t oc = t->cap;
	t->slot = calloc(nc, sizeof *t->slot);
	if (!t->slot) {
		t->slot = old;
		return FO_ENOMEM;
	}
	t->cap = nc;
	for (size_t i = 0; i < oc; i++) {
		if (!old[i])
			continue;
		size_t j = (size_t)hash_str(key_of(c, old[i] - 1)) & (nc - 1);
		while (t->slot[j])
			j = (j + 1) & (nc - 1);
		t->slot[j] = old[i];
	}
	free(old);
	return FO_OK;
}

/* Adds index v under key unless the key is there: returns FO_OK and *first =
 * UINT32_MAX, or the index already there in *first. */
static int it_add(rd *c, itable *t, key_fn key_of, const char *key, uint32_t v, uint32_t *first)
{
	size_t slot = 0;
	if ((t->n + 1) * 2 > t->cap && it_rehash(c, t, key_of) != FO_OK)
		return FO_ENOMEM;
	*first = it_find(c, t, key_of, key, &slot);
	if (*first != UINT32_MAX)
		return FO_OK;
	t->slot[slot] = v + 1;
	t->n++;
	return FO_OK;
}

static const char *conc_key(const rd *c, uint32_t i)
{
	return c->conc[i].id;
}

static const char *pdef_key(const rd *c, uint32_t i)
{
	return c->pdefs[i].id;
}

/* A set of concept pairs (unordered), for "these two are related". */
typedef struct pairset {
	uint64_t *slot; /* key + 1 */
	size_t cap, n;
} pairset;

static uint64_t pair_key(uint32_t a, uint32_t b)
{
	return a < b ? ((uint64_t)a << 32 | b) : ((uint64_t)b << 32 | a);
}

static size_t pair_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (size_t)k;
}

static int ps_has(const pairset *s, uint64_t k)
{
	if (!s->cap)
		return 0;
	for (size_t i = pair_hash(k) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (!s->slot[i])
			return 0;
		if (s->slot[i] == k + 1)
			return 1;
	}
}

/* Adds k; *added says whether it was new. */
static int ps_add(pairset *s, uint64_t k, int *added)
{
	*added = 0;
	if ((s->n + 1) * 2 > s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		uint64_t *ns = calloc(nc, sizeof *ns);
		if (!ns)
			return FO_ENOMEM;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slot[i])
				continue;
			size_t j = pair_hash(s->slot[i] - 1) & (nc - 1);
			while (ns[j])
				j = (j + 1) & (nc - 1);
			ns[j] = s->slot[i];
		}
		free(s->slot);
		s->slot = ns;
		s->cap = nc;
	}
	size_t i = pair_hash(k) & (s->cap - 1);
	while (s->slot[i]) {
		if (s->slot[i] == k + 1)
			return FO_OK;
		i = (i + 1) & (s->cap - 1);
	}
	s->slot[i] = k + 1;
	s->n++;
	*added = 1;
	return FO_OK;
}

/* ------------------------------------------------------------ messages */

__attribute__((format(printf, 4, 5)))
static void err_at(rd *c, const char *code, fo_pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fo_reader__verror(&c->r, FO_SEV_ERROR, code, pos, NULL, fmt, ap);
	va_end(ap);
	if (c->r.nomem)
		c->nomem = 1;
}

__attribute__((format(printf, 4, 5)))
static void warn_at(rd *c, const char *code, fo_pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fo_reader__verror(&c->r, FO_SEV_WARNING, code, pos, NULL, fmt, ap);
	va_end(ap);
	if (c->r.nomem)
		c->nomem = 1;
}

/* A value quoted in a message, shortened (the diag escapes controls). */
static const char *show(const char *s, char buf[FO_DIAG_SHORT_BUF])
{
	return fo_diag_shorten(s ? s : "", buf);
}

/* ------------------------------------------------------------ positions */

static fo_pos node_pos(const rd *c, const xmlNode *n)
{
	uintptr_t i = (uintptr_t)n->_private;
	if (c->pos_ok && i && i - 1 < c->ntags) {
		const tagpos *t = &c->tags[i - 1];
		return (fo_pos){ t->line, t->col };
	}
	long ln = xmlGetLineNo(n);
	return (fo_pos){ ln > 0 ? (unsigned long)ln : 0, 0 };
}

/* Where the value of attribute a of element n starts. */
static fo_pos attr_pos(const rd *c, const xmlNode *n, const xmlAttr *a)
{
	uintptr_t i = (uintptr_t)n->_private;
	if (a && c->pos_ok && i && i - 1 < c->ntags) {
		const tagpos *t = &c->tags[i - 1];
		uint64_t h;
		if (a->ns && a->ns->prefix) {
			h = hash_str((const char *)a->ns->prefix);
			h = fo_scan__hash_more(h, ":", 1);
			h = fo_scan__hash_more(h, (const char *)a->name, strlen((const char *)a->name));
		} else {
			h = hash_str((const char *)a->name);
		}
		for (uint32_t k = 0; k < t->attr_count; k++)
			if (c->attrs[t->attr_first + k].hash == h)
				return (fo_pos){ c->attrs[t->attr_first + k].vline,
						 c->attrs[t->attr_first + k].vcol };
	}
	return node_pos(c, n);
}

/* Numbers the elements of the tree in document order (the scanner's order
 * of start tags) and checks that the two agree. */
static void number_nodes(rd *c)
{
	size_t i = 0;
	xmlNode *n = xmlDocGetRootElement(c->doc);
	while (n) {
		if (n->type == XML_ELEMENT_NODE) {
			n->_private = (void *)(uintptr_t)(i + 1);
			if (c->pos_ok && (i >= c->ntags || c->tags[i].end_line != (unsigned long)xmlGetLineNo(n)))
				c->pos_ok = 0; /* out of step: libxml2's lines only */
			i++;
			if (n->children) {
				n = n->children;
				continue;
			}
		}
		while (n && !n->next) {
			n = n->parent;
			if (n && n->type == XML_DOCUMENT_NODE)
				n = NULL;
		}
		if (n)
			n = n->next;
	}
	if (i != c->ntags)
		c->pos_ok = 0;
}

/* ------------------------------------------------------------ the tree */

static int in_ns(const rd *c, const xmlNode *n, const char *local)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       strcmp((const char *)n->ns->href, c->ns) == 0 &&
	       (!local || strcmp((const char *)n->name, local) == 0);
}

static const xmlNode *child(const rd *c, const xmlNode *n, const char *local)
{
	for (const xmlNode *k = n ? n->children : NULL; k; k = k->next)
		if (in_ns(c, k, local))
			return k;
	return NULL;
}

/* The unqualified attribute `name` of n, or NULL. */
static const xmlAttr *attr(const xmlNode *n, const char *name)
{
	for (const xmlAttr *a = n->properties; a; a = a->next)
		if (!a->ns && strcmp((const char *)a->name, name) == 0)
			return a;
	return NULL;
}

static const xmlAttr *attr_ns(const xmlNode *n, const char *name, const char *ns)
{
	for (const xmlAttr *a = n->properties; a; a = a->next)
		if (a->ns && a->ns->href && strcmp((const char *)a->ns->href, ns) == 0 &&
		    strcmp((const char *)a->name, name) == 0)
			return a;
	return NULL;
}

static const char *keep(rd *c, xmlChar *s)
{
	if (!s) {
		c->nomem = 1;
		return "";
	}
	if (fo_imp__grow((void **)&c->scratch, &c->scratch_cap, c->nscratch + 1, sizeof *c->scratch)) {
		xmlFree(s);
		c->nomem = 1;
		return "";
	}
	c->scratch[c->nscratch++] = s;
	return (const char *)s;
}

/* An attribute's value (borrowed for the read). */
static const char *attr_value(rd *c, const xmlAttr *a)
{
	const xmlNode *t = a->children;
	if (!t)
		return "";
	if (t->type == XML_TEXT_NODE && !t->next && t->content)
		return (const char *)t->content;
	return keep(c, xmlNodeListGetString(a->doc, t, 1));
}

static const char *text(rd *c, const xmlNode *n)
{
	const xmlNode *t = n->children;
	if (!t)
		return "";
	if (t->type == XML_TEXT_NODE && !t->next && t->content)
		return (const char *)t->content;
	return keep(c, xmlNodeGetContent(n));
}

static int blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static const char *lang_of(rd *c, const xmlNode *n)
{
	const xmlAttr *a = attr_ns(n, "lang", (const char *)XML_XML_NAMESPACE);
	return a ? attr_value(c, a) : NULL;
}

/* Same primary language subtag ("en" and "en-GB"). */
static int same_primary(const char *a, const char *b)
{
	size_t la = strcspn(a, "-_"), lb = strcspn(b, "-_");
	return la == lb && strncasecmp(a, b, la) == 0;
}

/* Of n's children named `local` that are not blank, the one in the chosen
 * language (exactly, else the same primary subtag), else the first; NULL
 * when there is none. Its text in *out. */
static const xmlNode *pick(rd *c, const xmlNode *n, const char *local, const char **out)
{
	const xmlNode *first = NULL, *near = NULL;
	const char *tf = NULL, *tn = NULL;
	*out = NULL;
	for (const xmlNode *k = n->children; k; k = k->next) {
		if (!in_ns(c, k, local))
			continue;
		const char *t = text(c, k);
		if (blank(t))
			continue;
		const char *l = c->lang ? lang_of(c, k) : NULL;
		if (l && strcasecmp(l, c->lang) == 0) {
			*out = t;
			return k;
		}
		if (l && !near && same_primary(l, c->lang)) {
			near = k;
			tn = t;
		}
		if (!first) {
			first = k;
			tf = t;
		}
	}
	*out = near ? tn : tf;
	return near ? near : first;
}

/* ------------------------------------------------------------ reading */

static int slurp(rd *c)
{
	size_t cap = 0;
	for (;;) {
		if (c->len == cap) {
			size_t nc = cap ? cap * 2 : 65536;
			if (nc > (size_t)FO_ARCHIMATE_MAX_BYTES + 1)
				nc = (size_t)FO_ARCHIMATE_MAX_BYTES + 1;
			if (nc == cap) {
				err_at(c, "limit", (fo_pos){ 0, 0 },
				       "file larger than %u MiB (fallout's limit for ArchiMate files)",
				       FO_ARCHIMATE_MAX_BYTES >> 20);
				return FO_ELIMIT;
			}
			unsigned char *nb = realloc(c->buf, nc + 1);
			if (!nb)
				return FO_ENOMEM;
			c->buf = nb;
			cap = nc;
		}
		ssize_t n = read(c->r.src.fd, c->buf + c->len, cap - c->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			char msg[256];
			if (strerror_r(errno, msg, sizeof msg) != 0)
				snprintf(msg, sizeof msg, "error %d", errno);
			err_at(c, "io", (fo_pos){ 0, 0 }, "cannot read: %s", msg);
			return FO_EIO;
		}
		if (n == 0)
			break;
		c->len += (size_t)n;
		if (c->len > (size_t)FO_ARCHIMATE_MAX_BYTES) {
			err_at(c, "limit", (fo_pos){ 0, 0 },
			       "file larger than %u MiB (fallout's limit for ArchiMate files)",
			       FO_ARCHIMATE_MAX_BYTES >> 20);
			return FO_ELIMIT;
		}
	}
	c->buf[c->len] = 0;
	return FO_OK;
}

static const char *const utf8_names[] = { "UTF-8", "UTF8", "US-ASCII", "ASCII" };
static const char *const sb_names[] = { "windows-1252", "cp1252", "ISO-8859-1", "ISO_8859-1",
					"latin1", "ISO-8859-15", "ISO_8859-15", "latin9" };
#define ENCODINGS "UTF-8, US-ASCII, windows-1252, ISO-8859-1 or ISO-8859-15"

/* The XML declaration's encoding: sets *start and *end around the value (offsets
 * into buf) and *decl_end after "?>"; 0 when there is no declaration or no
 * encoding in it. */
static int find_encoding(const unsigned char *b, size_t n, size_t *start, size_t *end,
			 size_t *decl_end)
{
	size_t o = 0;
	if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
		o = 3;
	if (n - o < 6 || memcmp(b + o, "<?xml", 5) != 0 ||
	    !(b[o + 5] == ' ' || b[o + 5] == '\t' || b[o + 5] == '\r' || b[o + 5] == '\n'))
		return 0;
	size_t lim = n < o + 512 ? n : o + 512, e;
	for (e = o + 5; e + 1 < lim; e++)
		if (b[e] == '?' && b[e + 1] == '>')
			break;
	if (e + 1 >= lim)
		return 0;
	*decl_end = e + 2;
	for (size_t i = o + 5; i + 8 < e; i++) {
		if (memcmp(b + i, "encoding", 8) != 0)
			continue;
		size_t j = i + 8;
		while (j < e && (b[j] == ' ' || b[j] == '\t' || b[j] == '\r' || b[j] == '\n'))
			j++;
		if (j >= e || b[j] != '=')
			return 0;
		j++;
		while (j < e && (b[j] == ' ' || b[j] == '\t' || b[j] == '\r' || b[j] == '\n'))
			j++;
		if (j >= e || (b[j] != '"' && b[j] != '\''))
			return 0;
		unsigned char q = b[j++];
		size_t k = j;
		while (k < e && b[k] != q)
			k++;
		if (k >= e)
			return 0;
		*start = j;
		*end = k;
		return 1;
	}
	return 0;
}

static int name_in(const char *s, size_t n, const char *const *names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(names[i]) == n && strncasecmp(s, names[i], n) == 0)
			return 1;
	return 0;
}

/* Moves the tags the scanner completed into c->tags. */
static int take_tags(rd *c)
{
	fo_scan *s = &c->r.scan;
	fo_scan_tag t;
	fo_scan_text tx;
	while (fo_scan__pop_tag(s, &t) == 0) {
		if (fo_imp__grow((void **)&c->tags, &c->tags_cap, c->ntags + 1, sizeof *c->tags) ||
		    fo_imp__grow((void **)&c->attrs, &c->attrs_cap, c->nattrs + t.attr_count, sizeof *c->attrs))
			return FO_ENOMEM;
		tagpos *p = &c->tags[c->ntags++];
		p->line = t.line;
		p->col = t.col;
		p->end_line = t.end_line;
		p->attr_first = c->nattrs;
		p->attr_count = t.attr_count;
		for (uint32_t i = 0; i < t.attr_count; i++) {
			const fo_scan_attr *a = fo_scan__attr(s, &t, i);
			attrpos *q = &c->attrs[c->nattrs++];
			q->hash = a ? a->hash : 0;
			q->vline = a ? a->vline : t.line;
			q->vcol = a ? a->vcol : t.col;
		}
	}
	while (fo_scan__take_text(s, UINT64_MAX, &tx) == 0)
		; /* text positions are not used: drop them as they come */
	return FO_OK;
}

/* windows-1252 leaves five bytes undefined; iconv then fails without a
 * position, so they are found (all of them) and located here. FO_OK or
 * FO_EINPUT, then the scan goes on (c->single_byte is set). */
static int check_cp1252(rd *c)
{
	unsigned long line = 1, col = 1, bad = 0;
	for (size_t i = 0; i < c->len; i++) {
		unsigned char b = c->buf[i];
		if (b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D) {
			/* the first ten: a binary file would give millions */
			if (++bad <= 10)
				err_at(c, "encoding", (fo_pos){ line, col },
				       "byte 0x%02X is no windows-1252 character (the file says it is "
				       "windows-1252)",
				       b);
		}
		if (b == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	if (bad > 10)
		err_at(c, "encoding", (fo_pos){ line, col },
		       "%lu more bytes that are no windows-1252 character", bad - 10);
	return bad ? FO_EINPUT : FO_OK;
}

/* Step 2 of the read (top of the file). FO_EINPUT when refused (reported). */
static int prescan(rd *c)
{
	size_t es, ee, de = 0;
	unsigned char chunk[65536];
	fo_scan *s = &c->r.scan;

	if (find_encoding(c->buf, c->len, &es, &ee, &de)) {
		const char *e = (const char *)c->buf + es;
		size_t n = ee - es;
		if (name_in(e, n, sb_names, sizeof sb_names / sizeof *sb_names)) {
			c->single_byte = 1;
			if ((n == 12 && strncasecmp(e, "windows-1252", 12) == 0) ||
			    (n == 6 && strncasecmp(e, "cp1252", 6) == 0)) {
				if (check_cp1252(c))
					return FO_EINPUT;
			}
		} else if (!name_in(e, n, utf8_names, sizeof utf8_names / sizeof *utf8_names)) {
			char sb[FO_DIAG_SHORT_BUF], v[128];
			snprintf(v, sizeof v, "%.*s", (int)(n < 100 ? n : 100), e);
			unsigned long col = 1;
			for (size_t i = c->len >= 3 && c->buf[0] == 0xEF ? 3 : 0; i < es; i++)
				col += (c->buf[i] & 0xC0) != 0x80;
			err_at(c, "encoding", (fo_pos){ 1, col },
			       "unsupported encoding '%s': fallout reads ArchiMate files in " ENCODINGS,
			       show(v, sb));
			return FO_EINPUT;
		}
	}
	c->pos_ok = 1;
	for (size_t off = 0; off < c->len;) {
		size_t n = c->len - off < sizeof chunk ? c->len - off : sizeof chunk;
		const unsigned char *p = c->buf + off;
		if (c->single_byte) {
			/* The scanner refuses every encoding but UTF-8: it sees the
			 * declaration as blanks (lines kept) and every byte above
			 * 0x7F as one ASCII character, so structure, lines and
			 * columns are those of the real text. */
			for (size_t i = 0; i < n; i++) {
				unsigned char b = p[i];
				if (off + i < de)
					b = b == '\n' ? '\n' : ' ';
				else if (b >= 0x80)
					b = 'x';
				chunk[i] = b;
			}
			p = chunk;
		}
		enum fo_scan_stop why = fo_scan__feed(s, p, n);
		if (take_tags(c))
			return FO_ENOMEM;
		if (why)
			break;
		off += n;
	}
	if (s->broken)
		c->pos_ok = 0;
	if (s->stop == FO_SCAN_UTF16 || (s->stop == FO_SCAN_NUL && s->stop_offset < 4)) {
		err_at(c, "encoding", (fo_pos){ 1, 1 },
		       "UTF-16 or UTF-32 text: fallout reads ArchiMate files in " ENCODINGS
		       " (convert with iconv -t UTF-8)");
		return FO_EINPUT;
	}
	if (s->stop) {
		c->r.stopped = 1;
		int e = fo_reader__verdict(&c->r, 1, 0);
		return e == FO_ENOMEM ? FO_ENOMEM : s->stop == FO_SCAN_DEPTH || s->stop == FO_SCAN_ATTRS ||
								s->stop == FO_SCAN_MARKUP ||
								s->stop == FO_SCAN_MARKUP_BYTES
							? FO_ELIMIT
							: FO_EINPUT;
	}
	return FO_OK;
}

/* The qualified name of a tree element. */
static const char *qname(rd *c, const xmlNode *n, char *buf, size_t sz)
{
	(void)c;
	if (n->ns && n->ns->prefix)
		snprintf(buf, sz, "%s:%s", (const char *)n->ns->prefix, (const char *)n->name);
	else
		snprintf(buf, sz, "%s", (const char *)n->name);
	return buf;
}

/* Elements in a tree (document order walk). O(nodes). */
static size_t count_elements(const xmlDoc *doc)
{
	size_t i = 0;
	const xmlNode *n = doc ? doc->children : NULL;
	while (n) {
		if (n->type == XML_ELEMENT_NODE) {
			i++;
			if (n->children) {
				n = n->children;
				continue;
			}
		}
		while (n && !n->next) {
			n = n->parent;
			if (n && n->type == XML_DOCUMENT_NODE)
				n = NULL;
		}
		if (n)
			n = n->next;
	}
	return i;
}

static int explain_fatal(void *ctx)
{
	rd *c = ctx;
	fo_pos pos = { c->r.fatal_line, c->r.fatal_col };
	char q[256];
	if (c->r.fatal_code == XML_ERR_DOCUMENT_EMPTY) {
		err_at(c, "xml", pos, "not an XML document: expected '<' to start the root element");
		return 1;
	}
	/* Stopped at the very end of the input with an element open: the
	 * file is cut short, whatever libxml2 was reading then. */
	if (c->r.fatal_open && c->r.fatal_open->type == XML_ELEMENT_NODE &&
	    c->r.fatal_line == c->r.scan.line && c->r.fatal_col >= c->r.scan.col) {
		const xmlNode *open = c->r.fatal_open;
		unsigned long line = c->r.fatal_open_line;
		int in_tag = c->r.scan.in_tag;
		if (in_tag && count_elements(c->ctxt ? c->ctxt->myDoc : NULL) > c->ntags) {
			/* libxml2 made an element of the cut start tag */
			if (!open->parent || open->parent->type != XML_ELEMENT_NODE) {
				err_at(c, "xml", pos, "unexpected end of file in a start tag");
				return 1;
			}
			open = open->parent;
			long ln = xmlGetLineNo(open);
			line = ln > 0 ? (unsigned long)ln : 0;
		}
		err_at(c, "xml", pos, "unexpected end of file%s: <%s> from line %lu is not closed",
		       in_tag ? " in a start tag" : "", qname(c, open, q, sizeof q), line);
		return 1;
	}
	return 0;
}

static const fo_reader_format archimate_format = {
	.docs = "ArchiMate exchange files",
	.doc = "the ArchiMate file",
	.empty = "empty document: an ArchiMate exchange file has a <model> root element",
	.tidy = 1,
	.place = NULL,
	.explain_fatal = explain_fatal,
};

/* Step 3: the tree. FO_EINPUT when libxml2 found the document malformed. */
static int parse(rd *c)
{
	if (!c->r.scan.saw_content) {
		err_at(c, "empty-document", (fo_pos){ c->r.scan.line, c->r.scan.col }, "%s",
		       archimate_format.empty);
		return FO_EINPUT;
	}
	c->ctxt = xmlCreateMemoryParserCtxt((const char *)c->buf, (int)c->len);
	if (!c->ctxt)
		return FO_ENOMEM;
	xmlCtxtUseOptions(c->ctxt, PARSE_OPTIONS);
	fo_reader__begin(&c->r);
	xmlParseDocument(c->ctxt);
	fo_reader__end(&c->r);
	c->doc = c->ctxt->myDoc;
	if (!c->ctxt->wellFormed || !c->doc || c->r.fatal) {
		int e = fo_reader__verdict(&c->r, 1, 0);
		if (e == FO_OK) {
			err_at(c, "xml", (fo_pos){ 0, 0 }, "not well-formed XML");
			e = FO_EINPUT;
		}
		return e;
	}
	if (c->r.nomem)
		return FO_ENOMEM;
	number_nodes(c);
	return FO_OK;
}

/* ------------------------------------------------------------ check */

/* xsi:type of n without a prefix, or NULL (reported as missing). */
static const char *xsi_type(rd *c, const xmlNode *n, const xmlAttr **a_out)
{
	const xmlAttr *a = attr_ns(n, "type", XSI_NS);
	*a_out = a;
	if (!a)
		return NULL;
	const char *v = attr_value(c, a), *colon = strchr(v, ':');
	return colon ? colon + 1 : v;
}

static const char *required(rd *c, const xmlNode *n, const char *name, const xmlAttr **a_out)
{
	const xmlAttr *a = attr(n, name);
	char q[128];
	*a_out = a;
	if (!a || !*attr_value(c, a)) {
		err_at(c, "missing-attribute", node_pos(c, n), "<%s> without %s", qname(c, n, q, sizeof q),
		       name);
		return NULL;
	}
	return attr_value(c, a);
}

static int add_concept(rd *c, const xmlNode *n, const char *id, const xmlAttr *ida,
		       uint32_t *out)
{
	uint32_t first;
	char sb[FO_DIAG_SHORT_BUF];
	*out = UINT32_MAX;
	if (fo_imp__grow((void **)&c->conc, &c->conc_cap, c->nconc + 1, sizeof *c->conc))
		return FO_ENOMEM;
	concept *k = &c->conc[c->nconc];
	memset(k, 0, sizeof *k);
	k->id = id;
	k->xn = n;
	k->pos = node_pos(c, n);
	k->node = FO_NONE;
	k->src = k->dst = UINT32_MAX;
	if (it_add(c, &c->ids, conc_key, id, (uint32_t)c->nconc, &first))
		return FO_ENOMEM;
	if (first != UINT32_MAX) {
		err_at(c, "duplicate-id", attr_pos(c, n, ida),
		       "duplicate identifier '%s': first defined at line %lu, column %lu", show(id, sb),
		       c->conc[first].pos.line, c->conc[first].pos.col);
		return FO_OK;
	}
	*out = (uint32_t)c->nconc++;
	return FO_OK;
}

static int check_elements(rd *c)
{
	const xmlNode *els = child(c, c->root, "elements");
	char sb[FO_DIAG_SHORT_BUF];
	for (const xmlNode *n = els ? els->children : NULL; n; n = n->next) {
		if (!in_ns(c, n, "element"))
			continue;
		const xmlAttr *ida, *ta;
		const char *id = required(c, n, "identifier", &ida);
		const char *type = xsi_type(c, n, &ta);
		const etype *et = NULL;
		if (!type) {
			err_at(c, "missing-attribute", node_pos(c, n), "<element> without xsi:type");
		} else {
			for (size_t i = 0; i < sizeof etypes / sizeof *etypes && !et; i++)
				if (strcmp(etypes[i].name, type) == 0)
					et = &etypes[i];
			if (!et || !(et->ver & c->ver)) {
				err_at(c, "unknown-type", attr_pos(c, n, ta),
				       "unknown element type '%s'%s", show(type, sb),
				       et ? (c->ver == V3 ? " (an ArchiMate 2.1 type; this file is 3.x)"
							  : " (an ArchiMate 3.x type; this file is 2.1)")
					  : "");
				et = NULL;
			}
		}
		if (!id)
			continue;
		uint32_t k;
		if (add_concept(c, n, id, ida, &k))
			return FO_ENOMEM;
		if (k != UINT32_MAX) {
			c->conc[k].et = et;
			c->conc[k].type = type;
		}
	}
	return FO_OK;
}

static int check_relationships(rd *c)
{
	const xmlNode *rels = child(c, c->root, "relationships");
	char sb[FO_DIAG_SHORT_BUF];
	size_t first = c->nconc;
	for (const xmlNode *n = rels ? rels->children : NULL; n; n = n->next) {
		if (!in_ns(c, n, "relationship"))
			continue;
		const xmlAttr *ida, *ta, *sa, *da;
		const char *id = required(c, n, "identifier", &ida);
		const char *type = xsi_type(c, n, &ta);
		required(c, n, "source", &sa);
		required(c, n, "target", &da);
		const rtype *rt = NULL;
		if (!type) {
			err_at(c, "missing-attribute", node_pos(c, n), "<relationship> without xsi:type");
		} else {
			for (size_t i = 0; i < sizeof rtypes / sizeof *rtypes && !rt; i++)
				if (strcmp(rtypes[i].name, type) == 0)
					rt = &rtypes[i];
			if (!rt || !(rt->ver & c->ver)) {
				err_at(c, "unknown-type", attr_pos(c, n, ta),
				       "unknown relationship type '%s'%s", show(type, sb),
				       rt ? (c->ver == V3 ? " (an ArchiMate 2.1 type; this file is 3.x)"
							  : " (an ArchiMate 3.x type; this file is 2.1)")
					  : "");
				rt = NULL;
			}
		}
		if (!id)
			continue;
		uint32_t k;
		if (add_concept(c, n, id, ida, &k))
			return FO_ENOMEM;
		if (k != UINT32_MAX) {
			c->conc[k].rt = rt;
			c->conc[k].type = type;
		}
	}
	/* Ends: any element or relationship of the file (the XSD's ConceptKey). */
	for (size_t i = first; i < c->nconc; i++) {
		concept *k = &c->conc[i];
		const char *names[2] = { "source", "target" };
		for (int e = 0; e < 2; e++) {
			const xmlAttr *a = attr(k->xn, names[e]);
			if (!a || !*attr_value(c, a))
				continue;
			const char *ref = attr_value(c, a);
			uint32_t t = it_find(c, &c->ids, conc_key, ref, NULL);
			if (t == UINT32_MAX)
				err_at(c, "unknown-reference", attr_pos(c, k->xn, a),
				       "relationship '%s': %s '%s' is no element or relationship of the file",
				       show(k->id, sb), names[e], ref);
			else if (e == 0)
				k->src = t;
			else
				k->dst = t;
		}
	}
	return FO_OK;
}

static int check_pdefs(rd *c)
{
	const int v3 = c->ver == V3;
	const xmlNode *defs = child(c, c->root, v3 ? "propertyDefinitions" : "propertydefs");
	char sb[FO_DIAG_SHORT_BUF];
	for (const xmlNode *n = defs ? defs->children : NULL; n; n = n->next) {
		if (!in_ns(c, n, v3 ? "propertyDefinition" : "propertydef"))
			continue;
		const xmlAttr *ida, *na;
		const char *id = required(c, n, "identifier", &ida), *name = NULL;
		if (!id)
			continue;
		if (v3)
			pick(c, n, "name", &name);
		else if ((na = attr(n, "name")))
			name = attr_value(c, na);
		if (fo_imp__grow((void **)&c->pdefs, &c->pdefs_cap, c->npdefs + 1, sizeof *c->pdefs))
			return FO_ENOMEM;
		c->pdefs[c->npdefs].id = id;
		c->pdefs[c->npdefs].name = name && !blank(name) ? name : id;
		uint32_t first;
		if (it_add(c, &c->pdef_ids, pdef_key, id, (uint32_t)c->npdefs, &first))
			return FO_ENOMEM;
		if (first != UINT32_MAX)
			err_at(c, "duplicate-id", attr_pos(c, n, ida),
			       "duplicate property definition '%s'", show(id, sb));
		else
			c->npdefs++;
	}
	return FO_OK;
}

/* The properties of an element: checked (node FO_NONE) or added. */
static int properties(rd *c, const xmlNode *n, const char *owner, uint32_t node)
{
	const char *refname = c->ver == V3 ? "propertyDefinitionRef" : "identifierref";
	const xmlNode *props = child(c, n, "properties");
	char sb[FO_DIAG_SHORT_BUF];
	for (const xmlNode *p = props ? props->children : NULL; p; p = p->next) {
		if (!in_ns(c, p, "property"))
			continue;
		const xmlAttr *ra;
		const char *ref = required(c, p, refname, &ra);
		if (!ref)
			continue;
		uint32_t d = it_find(c, &c->pdef_ids, pdef_key, ref, NULL);
		if (d == UINT32_MAX) {
			if (node == FO_NONE)
				err_at(c, "unknown-reference", attr_pos(c, p, ra),
				       "property of '%s': no property definition '%s'", show(owner, sb),
				       ref);
			continue;
		}
		if (node == FO_NONE)
			continue;
		const char *v = NULL;
		pick(c, p, "value", &v);
		int e = fo_model_add_prop(c->m, node, c->pdefs[d].name, v ? v : "");
		if (e)
			return e;
	}
	return FO_OK;
}

static int check_views(rd *c)
{
	const int v3 = c->ver == V3;
	const xmlNode *views = child(c, c->root, "views");
	const char *refname = v3 ? "elementRef" : "elementref";
	char sb[FO_DIAG_SHORT_BUF];
	if (v3)
		views = child(c, views, "diagrams");
	for (const xmlNode *v = views ? views->children : NULL; v; v = v->next) {
		if (!in_ns(c, v, "view"))
			continue;
		/* Depth-first over the boxes, with the nearest box drawing an
		 * element above each. */
		const xmlNode *n = v->children;
		while (n && n != v) {
			if (in_ns(c, n, "node")) {
				const xmlAttr *a = attr(n, refname);
				if (a) {
					const char *ref = attr_value(c, a);
					uint32_t k = it_find(c, &c->ids, conc_key, ref, NULL);
					if (k == UINT32_MAX || !c->conc[k].et) {
						err_at(c, "unknown-reference", attr_pos(c, n, a),
						       "view box: %s '%s' is no element of the file",
						       refname, show(ref, sb));
					} else {
						/* the parent: the nearest ancestor box with an element */
						for (const xmlNode *up = n->parent; up && up != v; up = up->parent) {
							const xmlAttr *ua = in_ns(c, up, "node") ? attr(up, refname) : NULL;
							if (!ua)
								continue;
							uint32_t pk = it_find(c, &c->ids, conc_key, attr_value(c, ua),
									      NULL);
							if (pk != UINT32_MAX && c->conc[pk].et) {
								if (fo_imp__grow((void **)&c->nests, &c->nests_cap,
									 c->nnests + 1, sizeof *c->nests))
									return FO_ENOMEM;
								c->nests[c->nnests++] = (nesting){ k, pk, v,
												   node_pos(c, n) };
							}
							break;
						}
					}
				}
				if (n->children) {
					n = n->children;
					continue;
				}
			}
			while (n && n != v && !n->next)
				n = n->parent;
			if (n && n != v)
				n = n->next;
		}
	}
	return FO_OK;
}

/* Step 4. Errors are on the diag; FO_ENOMEM only. */
static int check(rd *c)
{
	char q[256], sb[FO_DIAG_SHORT_BUF];
	const xmlNode *root = xmlDocGetRootElement(c->doc);
	const char *href = root && root->ns && root->ns->href ? (const char *)root->ns->href : NULL;

	if (!root)
		return FO_OK; /* libxml2 said so */
	if (strcmp((const char *)root->name, "model") != 0 || !href ||
	    (strcmp(href, NS3) != 0 && strcmp(href, NS2) != 0)) {
		err_at(c, "not-archimate", node_pos(c, root),
		       "not an ArchiMate exchange file: the root element is <%s>%s%s%s; expected <model> "
		       "in the namespace " NS3 " (3.0, 3.1) or " NS2 " (2.1)",
		       qname(c, root, q, sizeof q), href ? " in the namespace '" : " in no namespace",
		       href ? show(href, sb) : "", href ? "'" : "");
		return FO_OK;
	}
	c->root = root;
	c->ns = href;
	c->ver = strcmp(href, NS3) == 0 ? V3 : V2;

	const char *opt = fo_model_option(c->m, "infer-nesting");
	if (opt && strcmp(opt, "1") != 0 && strcmp(opt, "0") != 0)
		err_at(c, "bad-option", (fo_pos){ 0, 0 },
		       "option infer-nesting: '%s' is neither 1 nor 0", show(opt, sb));
	c->infer = opt && strcmp(opt, "1") == 0;
	c->lang = fo_model_option(c->m, "lang");
	if (c->lang && !*c->lang)
		c->lang = NULL;
	if (!c->lang) {
		/* The model's language: that of its first name that says one. */
		for (const xmlNode *k = root->children; k && !c->lang; k = k->next)
			if (in_ns(c, k, "name") && !blank(text(c, k)))
				c->lang = lang_of(c, k);
	}

	int e;
	if ((e = check_pdefs(c)) || (e = check_elements(c)) || (e = check_relationships(c)) ||
	    (e = check_views(c)))
		return e;
	for (size_t i = 0; i < c->nconc; i++)
		if (c->conc[i].et && (e = properties(c, c->conc[i].xn, c->conc[i].id, FO_NONE)))
			return e;
	return c->nomem ? FO_ENOMEM : FO_OK;
}

/* ------------------------------------------------------------ emit */

static int is_junction(const concept *k)
{
	return k->et && (k->et->cls == E_AND || k->et->cls == E_OR);
}

static int imported(const concept *k)
{
	return k->et && k->et->cls != E_SKIP;
}

/* What relationship r becomes (sets dep/located/needer/provider or skip). */
static void classify(rd *c, concept *r)
{
	concept *s = &c->conc[r->src], *t = &c->conc[r->dst];
	const etype *se = s->et;
	r->skip = NULL;
	if (!s->et || !t->et) {
		r->skip = R_REL_END;
		return;
	}
	switch (r->rt->sem) {
	case R_NONE:
		r->skip = r->rt->reason;
		return;
	case R_SERVES:
		r->needer = r->dst;
		r->provider = r->src;
		break;
	case R_ASSIGNMENT:
		r->needer = r->dst;
		r->provider = r->src;
		r->located = se->assign_places;
		break;
	case R_COMPOSITION:
		r->needer = r->dst;
		r->provider = r->src;
		r->located = se->cls == E_CONTAINER;
		break;
	case R_AGGREGATION:
		if (!imported(s) || !imported(t)) {
			r->skip = R_NOT_IMPORTED;
			return;
		}
		if (se->cls != E_CONTAINER) {
			r->skip = is_junction(s) || is_junction(t) ? R_AGG_JUNCTION : R_AGG_PLAIN;
			return;
		}
		r->needer = r->dst;
		r->provider = r->src;
		r->located = 1;
		break;
	case R_ACCESS:
		r->needer = r->src;
		r->provider = r->dst;
		break;
	}
	if (!imported(s) || !imported(t)) {
		r->skip = R_NOT_IMPORTED;
		return;
	}
	if (r->src == r->dst) {
		r->skip = R_SELF;
		return;
	}
	if (is_junction(&c->conc[r->needer]))
		r->located = 0;
	r->dep = 1;
}

/* The inputs of every junction: the providers of the dependencies it needs. */
static int junction_members(rd *c)
{
	size_t total = 0;
	for (size_t i = 0; i < c->nconc; i++) {
		concept *r = &c->conc[i];
		if (r->rt && r->dep && is_junction(&c->conc[r->needer])) {
			c->conc[r->needer].mcount++;
			total++;
		}
	}
	if (!total)
		return FO_OK;
	if (!(c->members = malloc(total * sizeof *c->members)))
		return FO_ENOMEM;
	size_t at = 0;
	for (size_t i = 0; i < c->nconc; i++)
		if (is_junction(&c->conc[i])) {
			c->conc[i].mfirst = at;
			at += c->conc[i].mcount;
			c->conc[i].mcount = 0;
		}
	for (size_t i = 0; i < c->nconc; i++) {
		concept *r = &c->conc[i];
		if (r->rt && r->dep && is_junction(&c->conc[r->needer])) {
			concept *j = &c->conc[r->needer];
			c->members[j->mfirst + j->mcount++] = r->provider;
		}
	}
	c->nmembers = total;
	return FO_OK;
}

static int budget(rd *c, unsigned depth, fo_pos pos)
{
	if (depth > MAX_JUNCTION_DEPTH || ++c->work > MAX_JUNCTION_WORK) {
		if (!c->limit)
			err_at(c, "limit", pos,
			       depth > MAX_JUNCTION_DEPTH
				       ? "junctions chained more than %d deep (fallout's limit)"
				       : "junctions too many to resolve (fallout's limit: %d steps)",
			       depth > MAX_JUNCTION_DEPTH ? MAX_JUNCTION_DEPTH : (int)(MAX_JUNCTION_WORK / 1000000));
		c->limit = 1;
		return FO_ELIMIT;
	}
	return FO_OK;
}

/* Gives And junction j a node of its own (once): it stands for "all of
 * these" inside a 1-of-n group. Its inputs are added later (the queue). */
static int materialize(rd *c, uint32_t j)
{
	concept *k = &c->conc[j];
	const char *name = NULL;
	if (k->materialized)
		return FO_OK;
	if (!c->dry) {
		pick(c, k->xn, c->ver == V3 ? "name" : "label", &name);
		int e = fo_model_add_node(c->m, k->id, "junction", name, NULL, 0, k->type, k->pos,
					  &k->node);
		if (e)
			return e;
	}
	k->materialized = 1;
	if (fo_imp__grow((void **)&c->queue, &c->queue_cap, c->nqueue + 1, sizeof *c->queue))
		return FO_ENOMEM;
	c->queue[c->nqueue++] = j;
	return FO_OK;
}

/* The alternatives of Or junction j, flattened through Or junctions, into
 * c->collect: elements, and And junctions (to be materialized). */
static int or_collect(rd *c, uint32_t j, unsigned depth, fo_pos pos)
{
	concept *k = &c->conc[j];
	int e;
	for (size_t i = 0; i < k->mcount; i++) {
		uint32_t mm = c->members[k->mfirst + i];
		concept *mk = &c->conc[mm];
		if (is_junction(mk)) {
			if (mk->stamp == c->epoch)
				continue;
			mk->stamp = c->epoch;
			mk->used = 1;
			if ((e = budget(c, depth + 1, pos)))
				return e;
			if (mk->et->cls == E_OR) {
				if ((e = or_collect(c, mm, depth + 1, pos)))
					return e;
				continue;
			}
		}
		if (fo_imp__grow((void **)&c->collect, &c->collect_cap, c->ncollect + 1, sizeof *c->collect))
			return FO_ENOMEM;
		c->collect[c->ncollect++] = mm;
	}
	return FO_OK;
}

/* Node `owner` needs concept p (an element, or a junction resolved here). */
static int need(rd *c, uint32_t owner, uint32_t p, unsigned depth, fo_pos pos)
{
	concept *k = &c->conc[p];
	int e;
	if (!is_junction(k) && c->dry)
		return FO_OK;
	if (!is_junction(k))
		return fo_model_group_begin(c->m, owner, FO_GROUP_REQUIRES, 1, pos) ||
			       fo_model_group_add_node(c->m, k->node, pos) || fo_model_group_end(c->m)
		       ? FO_ENOMEM
		       : FO_OK;
	if (k->stamp == c->epoch)
		return FO_OK; /* already needed through another path, or a cycle */
	k->stamp = c->epoch;
	k->used = 1;
	if ((e = budget(c, depth, pos)))
		return e;
	if (k->et->cls == E_AND) {
		for (size_t i = 0; i < k->mcount; i++)
			if ((e = need(c, owner, c->members[k->mfirst + i], depth + 1, pos)))
				return e;
		return FO_OK;
	}
	/* Or: one group "1 of the alternatives". */
	size_t base = c->ncollect;
	if ((e = or_collect(c, p, depth, pos)))
		return e;
	for (size_t i = base; i < c->ncollect; i++)
		if (is_junction(&c->conc[c->collect[i]]) && (e = materialize(c, c->collect[i])))
			return e;
	if (c->ncollect > base && !c->dry) {
		if ((e = fo_model_group_begin(c->m, owner, FO_GROUP_REQUIRES, 1, pos)))
			return e;
		for (size_t i = base; i < c->ncollect; i++)
			if ((e = fo_model_group_add_node(c->m, c->conc[c->collect[i]].node, pos)))
				return e;
		if ((e = fo_model_group_end(c->m)))
			return e;
	}
	c->ncollect = base;
	return FO_OK;
}

/* The And junctions that stand inside 1-of-n groups need their inputs. */
static int resolve_queue(rd *c)
{
	int e;
	for (size_t q = 0; q < c->nqueue; q++) {
		concept *j = &c->conc[c->queue[q]];
		c->epoch++;
		j->stamp = c->epoch;
		for (size_t i = 0; i < j->mcount; i++)
			if ((e = need(c, j->node, c->members[j->mfirst + i], 1, j->pos)))
				return e;
	}
	return FO_OK;
}

/* After a check without errors, before anything is added: what each
 * relationship becomes, and every junction resolved once without adding
 * anything, so that a junction chain over the limits is refused with the
 * model untouched. */
static int plan(rd *c)
{
	int e;
	for (size_t i = 0; i < c->nconc; i++)
		if (c->conc[i].rt)
			classify(c, &c->conc[i]);
	if ((e = junction_members(c)))
		return e;
	c->dry = 1;
	for (size_t i = 0; i < c->nconc; i++) {
		concept *r = &c->conc[i];
		if (r->rt && r->dep && !is_junction(&c->conc[r->needer]) &&
		    is_junction(&c->conc[r->provider])) {
			c->epoch++;
			if ((e = need(c, FO_NONE, r->provider, 0, r->pos)))
				return e;
		}
	}
	if ((e = resolve_queue(c)))
		return e;
	c->dry = 0;
	c->nqueue = 0;
	c->work = 0;
	for (size_t i = 0; i < c->nconc; i++)
		c->conc[i].used = c->conc[i].materialized = 0;
	return FO_OK;
}

/* How a concept is named in the summary: its name, else its identifier. */
static const char *concept_name(rd *c, const concept *k)
{
	const char *name = NULL;
	if (k->et)
		pick(c, k->xn, c->ver == V3 ? "name" : "label", &name);
	return name ? name : k->id;
}

/* "SOURCE -> TARGET" by names, for the summary's examples. */
static const char *rel_what(rd *c, const concept *r, char *buf, size_t sz)
{
	char a[FO_DIAG_SHORT_BUF], b[FO_DIAG_SHORT_BUF];
	snprintf(buf, sz, "%s -> %s", fo_diag_shorten(concept_name(c, &c->conc[r->src]), a),
		 fo_diag_shorten(concept_name(c, &c->conc[r->dst]), b));
	return buf;
}

static int add_elements(rd *c)
{
	int e;
	for (size_t i = 0; i < c->nconc; i++) {
		concept *k = &c->conc[i];
		if (!k->et)
			continue;
		const char *name = NULL, *doc = NULL;
		pick(c, k->xn, c->ver == V3 ? "name" : "label", &name);
		if ((e = fo_model_count_read(c->m, k->type, 1)))
			return e;
		if (k->et->cls == E_SKIP) {
			if ((e = fo_model_skip(c->m, k->type, name ? name : k->id, k->et->what)))
				return e;
			continue;
		}
		if (is_junction(k))
			continue; /* accounted for once resolved */
		if ((e = fo_model_add_node(c->m, k->id, k->et->what, name, NULL, 0, k->type, k->pos,
					   &k->node)))
			return e;
		pick(c, k->xn, "documentation", &doc);
		if (doc && (e = fo_model_add_prop(c->m, k->node, "documentation", doc)))
			return e;
		if ((e = properties(c, k->xn, k->id, k->node)))
			return e;
	}
	return FO_OK;
}

static int add_relationships(rd *c)
{
	char what[512];
	int e;
	/* Dependencies of elements (junctions resolved on the way). */
	for (size_t i = 0; i < c->nconc; i++) {
		concept *r = &c->conc[i];
		if (!r->rt)
			continue;
		if ((e = fo_model_count_read(c->m, r->type, 1)))
			return e;
		if (!r->dep) {
			if ((e = fo_model_skip(c->m, r->type, rel_what(c, r, what, sizeof what), r->skip)))
				return e;
			continue;
		}
		concept *nd = &c->conc[r->needer], *pv = &c->conc[r->provider];
		if (is_junction(nd))
			continue; /* an input of a junction: below */
		if (is_junction(pv)) {
			c->epoch++;
			if ((e = need(c, nd->node, r->provider, 0, r->pos)))
				return e;
			e = fo_model_count_folded(c->m, r->type, "a dependency through a junction");
		} else if (r->located && !nd->has_container) {
			nd->has_container = 1;
			if ((e = fo_model_set_container_local(c->m, nd->node, pv->id, r->pos)))
				return e;
			e = fo_model_count_folded(c->m, r->type, "the placement of its target");
		} else {
			if ((e = fo_model_requires_local(c->m, nd->node, FO_GROUP_REQUIRES, pv->id, r->pos)))
				return e;
			e = fo_model_count_folded(c->m, r->type, "a dependency");
		}
		if (e)
			return e;
	}
	if ((e = resolve_queue(c)))
		return e;
	/* Inputs of junctions, and the junctions themselves. */
	for (size_t i = 0; i < c->nconc; i++) {
		concept *r = &c->conc[i];
		if (r->rt && r->dep && is_junction(&c->conc[r->needer])) {
			e = c->conc[r->needer].used
				    ? fo_model_count_folded(c->m, r->type, "a junction's dependency group")
				    : fo_model_skip(c->m, r->type, rel_what(c, r, what, sizeof what),
						    R_DEAD_JUNCTION);
			if (e)
				return e;
		}
	}
	for (size_t i = 0; i < c->nconc; i++) {
		concept *k = &c->conc[i];
		if (!is_junction(k) || k->materialized)
			continue;
		e = k->used ? fo_model_count_folded(c->m, k->type,
						    k->et->cls == E_OR
							    ? "1-of-n groups of the elements that need it"
							    : "the dependencies of the elements that need it")
			    : fo_model_skip(c->m, k->type, concept_name(c, k), R_JUNCTION_UNUSED);
		if (e)
			return e;
	}
	return FO_OK;
}

static int add_nestings(rd *c)
{
	pairset rel = { 0 }, done = { 0 };
	int e = FO_OK, added;
	size_t inferred = 0;
	char sb[FO_DIAG_SHORT_BUF];
	const xmlNode *first_view = NULL;

	/* Nesting is a drawing, not an object of the model: counted only when
	 * it is read as dependencies. */
	if (!c->nnests || !c->infer)
		return FO_OK;
	for (size_t i = 0; i < c->nconc; i++)
		if (c->conc[i].rt && c->conc[i].src != UINT32_MAX &&
		    (e = ps_add(&rel, pair_key(c->conc[i].src, c->conc[i].dst), &added)))
			goto done;
	for (size_t i = 0; i < c->nnests; i++) {
		const nesting *ns = &c->nests[i];
		concept *ch = &c->conc[ns->child], *pa = &c->conc[ns->parent];
		const char *reason = NULL;
		if ((e = fo_model_count_read(c->m, NEST, 1)))
			goto done;
		if (ns->child == ns->parent)
			reason = R_SELF;
		else if (!imported(ch) || !imported(pa) || is_junction(ch) || is_junction(pa))
			reason = R_NOT_IMPORTED;
		else if (ps_has(&rel, pair_key(ns->child, ns->parent)))
			reason = R_NEST_REL;
		else if ((e = ps_add(&done, pair_key(ns->child, ns->parent), &added)))
			goto done;
		else if (!added)
			reason = R_NEST_DUP;
		if (reason) {
			char what[512], a[FO_DIAG_SHORT_BUF], b[FO_DIAG_SHORT_BUF];
			snprintf(what, sizeof what, "%s in %s", fo_diag_shorten(concept_name(c, ch), a),
				 fo_diag_shorten(concept_name(c, pa), b));
			if ((e = fo_model_skip(c->m, NEST, what, reason)))
				goto done;
			continue;
		}
		const char *vname = NULL;
		char val[512];
		pick(c, ns->view, c->ver == V3 ? "name" : "label", &vname);
		char pb[FO_DIAG_SHORT_BUF];
		snprintf(val, sizeof val, "needs %s '%s': drawn inside it in the view '%s'", pa->id,
			 show(concept_name(c, pa), pb), show(vname ? vname : "", sb));
		if (pa->et->cls == E_CONTAINER && !ch->has_container) {
			ch->has_container = 1;
			e = fo_model_set_container_local(c->m, ch->node, pa->id, ns->pos);
		} else {
			e = fo_model_requires_local(c->m, ch->node, FO_GROUP_REQUIRES, pa->id, ns->pos);
		}
		if (e || (e = fo_model_add_prop(c->m, ch->node, "inferred", val)) ||
		    (e = fo_model_count_folded(c->m, NEST, "an inferred dependency (prop inferred)")))
			goto done;
		if (!first_view)
			first_view = ns->view;
		inferred++;
	}
	if (inferred)
		warn_at(c, "inferred", node_pos(c, first_view),
			"%zu dependenc%s inferred from boxes drawn inside boxes (option infer-nesting=1), "
			"each flagged with the prop 'inferred'",
			inferred, inferred == 1 ? "y" : "ies");
done:
	free(rel.slot);
	free(done.slot);
	return e;
}

/* Step 5. */
static int emit(rd *c)
{
	int e;
	const char *name = NULL;
	pick(c, c->root, "name", &name);
	if (name && (e = fo_model_set_name(c->m, name)))
		return e;
	if ((e = add_elements(c)) || (e = add_relationships(c)) || (e = add_nestings(c)))
		return e;
	return c->nomem ? FO_ENOMEM : FO_OK;
}

/* ------------------------------------------------------------ entry */

int fo_archimate_read(fo_model *m, const char *path)
{
	rd c;
	int err;

	memset(&c, 0, sizeof c);
	c.m = m;
	c.diag = fo_model_diag(m);
	c.file = fo_model_source_file(m, fo_model_source_current(m));
	c.errors0 = fo_diag_errors(c.diag);
	if (!c.file)
		c.file = "-";
	if ((err = fo_reader__init(&c.r, c.file, c.diag, &archimate_format, &c)) ||
	    (err = fo_reader__open(&c.r, path, 0)) || (err = slurp(&c)) || (err = prescan(&c)) ||
	    (err = parse(&c)) || (err = check(&c)))
		goto done;
	if (c.nomem) {
		err = FO_ENOMEM;
		goto done;
	}
	if (fo_diag_errors(c.diag) > c.errors0) {
		err = FO_EINPUT;
		goto done;
	}
	if ((err = plan(&c)))
		goto done;
	err = emit(&c);
	if (err == FO_OK && fo_diag_errors(c.diag) > c.errors0)
		err = FO_EINPUT;
done:
	if (err == FO_OK && c.nomem)
		err = FO_ENOMEM;
	if (err == FO_EINPUT && c.limit)
		err = FO_ELIMIT;
	for (size_t i = 0; i < c.nscratch; i++)
		xmlFree(c.scratch[i]);
	free(c.scratch);
	if (c.doc)
		xmlFreeDoc(c.doc);
	if (c.ctxt) {
		c.ctxt->myDoc = NULL;
		xmlFreeParserCtxt(c.ctxt);
	}
	fo_reader__dispose(&c.r);
	free(c.buf);
	free(c.tags);
	free(c.attrs);
	free(c.conc);
	free(c.ids.slot);
	free(c.pdefs);
	free(c.pdef_ids.slot);
	free(c.nests);
	free(c.members);
	free(c.queue);
	free(c.collect);
	return err;
}

/* ------------------------------------------------------------ sniff */

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static int is_name_char(char ch)
{
	return ch && !is_space(ch) && ch != '>' && ch != '/' && ch != '=' && ch != '<' && ch != '"' &&
	       ch != '\'';
}

/* Skips from i past the end marker `end` (of length en): the offset after
 * it, or n when the bytes end first. */
static size_t skip_past(const char *h, size_t n, size_t i, const char *end, size_t en)
{
	for (; i + en <= n; i++)
		if (memcmp(h + i, end, en) == 0)
			return i + en;
	return n;
}

int fo_archimate_sniff(const char *h, size_t n)
{
	size_t i = 0;
	if (!h)
		return 0;
	if (n >= 3 && (unsigned char)h[0] == 0xEF && (unsigned char)h[1] == 0xBB &&
	    (unsigned char)h[2] == 0xBF)
		i = 3;
	/* Prolog: blanks, the declaration, comments, processing instructions. */
	for (;;) {
		while (i < n && is_space(h[i]))
			i++;
		if (i + 1 >= n || h[i] != '<')
			return 0;
		if (h[i + 1] == '?')
			i = skip_past(h, n, i + 2, "?>", 2);
		else if (i + 3 < n && memcmp(h + i, "<!--", 4) == 0)
			i = skip_past(h, n, i + 4, "-->", 3);
		else if (h[i + 1] == '!')
			return 0; /* a DOCTYPE: not an exchange file fallout reads */
		else
			break;
		if (i >= n)
			return 0;
	}
	/* The root's name: [prefix:]model. */
	size_t s = ++i;
	while (i < n && is_name_char(h[i]))
		i++;
	if (i >= n)
		return 0;
	const char *colon = memchr(h + s, ':', i - s);
	size_t plen = colon ? (size_t)(colon - (h + s)) : 0;
	const char *local = colon ? colon + 1 : h + s;
	if ((size_t)(h + i - local) != 5 || memcmp(local, "model", 5) != 0)
		return 0;
	/* Its attributes, up to the end of the start tag. */
	for (;;) {
		while (i < n && is_space(h[i]))
			i++;
		if (i >= n || h[i] == '>' || h[i] == '/')
			return 0;
		size_t as = i;
		while (i < n && is_name_char(h[i]))
			i++;
		size_t an = i - as;
		while (i < n && is_space(h[i]))
			i++;
		if (i >= n || h[i] != '=')
			return 0;
		i++;
		while (i < n && is_space(h[i]))
			i++;
		if (i >= n || (h[i] != '"' && h[i] != '\''))
			return 0;
		char q = h[i++];
		size_t vs = i;
		while (i < n && h[i] != q)
			i++;
		if (i >= n)
			return 0;
		size_t vn = i - vs;
		i++;
		int decl = colon ? an == 6 + plen && memcmp(h + as, "xmlns:", 6) == 0 &&
					   memcmp(h + as + 6, h + s, plen) == 0
				 : an == 5 && memcmp(h + as, "xmlns", 5) == 0;
		if (!decl)
			continue;
		return (vn == strlen(NS3) && memcmp(h + vs, NS3, vn) == 0) ||
		       (vn == strlen(NS2) && memcmp(h + vs, NS2, vn) == 0);
	}
}
