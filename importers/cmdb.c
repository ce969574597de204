/*
 * cmdb.c — the CMDB reader (fo_cmdb.h): ServiceNow cmdb_ci and cmdb_rel_ci
 * list exports as CSV, parsed by libcsv in strict mode
 * (docs/importers/cmdb.md says what maps to what).
 *
 * libcsv reports fields and rows but no positions, so the reader keeps the
 * line and column of each byte itself, and hands libcsv the bytes in
 * chunks that end at the only bytes where it can call back (a comma, a
 * quote, CR, LF): when it calls back, the chunk's last byte ended the
 * field, and the field began at the first byte of the chunk after the
 * previous one that ended a field. Lines count LF, CRLF and lone CR, inside
 * quoted fields too, so a position is the one an editor shows.
 *
 * A CI table adds one node per row. A relationship table turns each row
 * into a dependency by its type (the table in the doc); Members rows are
 * kept until the end, as one cluster's members may be anywhere in the
 * file, and become one K-of-n group per cluster.
 */
#include "fo_cmdb.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "../graphs/fo_error.h"
#include "scan.h"
#include "grow_int.h"
#include "strtab_int.h"

#define SHOW_MAX 80
#define SHOW_BUF (SHOW_MAX + 4)

enum { T_NONE = 0, T_CI, T_REL };

/* What a relationship row means. */
typedef enum rel_sem {
	S_UNKNOWN = 0, S_SKIP, S_PARENT_NEEDS, S_CHILD_NEEDS, S_PARENT_DEGRADES, S_CHILD_DEGRADES,
	S_CONTAINS, S_MEMBERS,
} rel_sem;

static const struct {
	const char *type;
	rel_sem sem;
} relations[] = {
	{ "depends on::used by", S_PARENT_NEEDS },
	{ "runs on::runs", S_PARENT_NEEDS },
	{ "hosted on::hosts", S_PARENT_NEEDS },
	{ "uses::used by", S_PARENT_NEEDS },
	{ "virtualized by::virtualizes", S_PARENT_NEEDS },
	{ "contains::contained by", S_CONTAINS },
	{ "members::member of", S_MEMBERS },
	{ "provides storage for::stored on", S_CHILD_NEEDS },
	/* No failure semantics of their own (FORMATS.md §5): skipped unless
	 * an option relation:TYPE says what they mean. */
	{ "connects to::connected by", S_SKIP },
	{ "manages::managed by", S_SKIP },
	{ "managed by::manages", S_SKIP },
	{ "owns::owned by", S_SKIP },
	{ "defines resources for::gets resources from", S_SKIP },
};

static const struct {
	const char *word;
	rel_sem sem;
} sem_words[] = {
	{ "parent-needs-child", S_PARENT_NEEDS }, { "child-needs-parent", S_CHILD_NEEDS },
	{ "parent-degrades", S_PARENT_DEGRADES }, { "child-degrades", S_CHILD_DEGRADES },
	{ "contains", S_CONTAINS }, { "members", S_MEMBERS }, { "skip", S_SKIP },
};

typedef struct field {
	char *s;      /* NUL-terminated UTF-8 copy */
	fo_pos pos;   /* its first byte */
} field;

/* A CI name, for relationships that name CIs. */
typedef struct named {
	char *id;     /* local id of the first CI with the name */
	unsigned count;
	fo_pos pos;   /* of the first */
	fo_pos pos2;  /* of the second, when count > 1 */
} named;

typedef struct member {
	char *cluster, *node;
	fo_pos pos;
} member;

typedef struct reader {
	fo_model *m;
	fo_diag *diag;
	char *file;              /* the source's name (a copy: the model's moves) */
	struct csv_parser p;
	int p_init;
	/* position of the byte being given to libcsv */
	fo_pos cur;
	int prev_cr;
	int need_start;
	fo_pos fstart;
	size_t fbytes;           /* bytes given since the field began */
	/* the row being read */
	field *row;
	size_t nrow, arow;
	int too_many;            /* the row went past FO_CMDB_MAX_COLUMNS */
	/* the header */
	int have_header;
	char **cols;
	size_t ncols;
	int table;
	long c_sysid, c_name, c_class, c_tenant, c_company, c_tier, c_crit;
	long c_parent, c_child, c_type, c_parent_id, c_child_id;
	unsigned long rows;
	/* options */
	int cp1252;
	unsigned long cluster_k;
	/* state */
	int stopped, nomem, limit, any_bytes;
	fo_imp__strtab names;            /* relationship table: CI names of the model */
	named *nm;
	size_t nnm, anm;
	fo_imp__strtab contained;        /* children placed by a Contains row */
	member *members;
	size_t nmembers, amembers;
} reader;

/* ------------------------------------------------------------ helpers */

/* s, or its first SHOW_MAX bytes (never cutting a UTF-8 sequence) and "...". */
static const char *show(const char *s, char buf[SHOW_BUF])
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

__attribute__((format(printf, 5, 6)))
static void diag_at(reader *r, fo_severity sev, const char *code, fo_pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (fo_diag_vadd_code(r->diag, sev, code, r->file, pos.line, pos.col, NULL, fmt, ap) ==
	    FO_ENOMEM)
		r->nomem = 1;
	va_end(ap);
	/* Counted in the summary line as well as said. */
	if (sev == FO_SEV_WARNING && !strcmp(code, "dangling-reference"))
		fo_model_count_dangling(r->m, 1);
}

/* Length of the valid UTF-8 prefix of s[0..n): n when all of it is. */
static size_t utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i], len;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			len = 2, cp = c & 0x1F, min = 0x80;
		else if (c >= 0xE0 && c <= 0xEF)
			len = 3, cp = c & 0x0F, min = 0x800;
		else if (c >= 0xF0 && c <= 0xF4)
			len = 4, cp = c & 0x07, min = 0x10000;
		else
			return i;
		if (i + len > n)
			return i;
		for (unsigned j = 1; j < len; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + j] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += len;
	}
	return n;
}

/* windows-1252 bytes 0x80..0x9F (0: undefined). */
static const uint16_t cp1252_hi[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

/* s[0..n) from windows-1252 to UTF-8 (malloc'ed), or NULL with *bad the
 * offset of an undefined byte ((size_t)-1 when out of memory). */
static char *from_cp1252(const unsigned char *s, size_t n, size_t *bad)
{
	char *o = malloc(n * 3 + 1), *p = o;
	*bad = (size_t)-1;
	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = s[i];
		if (c >= 0x80 && c < 0xA0) {
			c = cp1252_hi[c - 0x80];
			if (!c) {
				free(o);
				*bad = i;
				return NULL;
			}
		}
		if (c < 0x80) {
			*p++ = (char)c;
		} else if (c < 0x800) {
			*p++ = (char)(0xC0 | (c >> 6));
			*p++ = (char)(0x80 | (c & 0x3F));
		} else {
			*p++ = (char)(0xE0 | (c >> 12));
			*p++ = (char)(0x80 | ((c >> 6) & 0x3F));
			*p++ = (char)(0x80 | (c & 0x3F));
		}
	}
	*p = '\0';
	return o;
}

/* Characters (UTF-8 sequences) in s[0..n). */
static unsigned long chars(const unsigned char *s, size_t n)
{
	unsigned long c = 0;
	for (size_t i = 0; i < n; i++)
		c += (s[i] & 0xC0) != 0x80;
	return c;
}

/* s trimmed of blanks, lowercased, into buf (NULL when longer). */
static const char *norm(const char *s, char *buf, size_t bufsz)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= bufsz)
		return NULL;
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[n] = '\0';
	return buf;
}

static const char *cell(const reader *r, long c)
{
	return c >= 0 && (size_t)c < r->nrow ? r->row[c].s : "";
}

static fo_pos cell_pos(const reader *r, long c)
{
	if (c >= 0 && (size_t)c < r->nrow)
		return r->row[c].pos;
	return r->nrow ? r->row[0].pos : r->cur;
}

/* ------------------------------------------------------------ kinds */

/* The kind of a CI class, given as a table name (cmdb_ci_linux_server) or
 * as its display label (Linux Server): the first rule whose word appears in
 * the class, lowercased with every other character an underscore. */
static const struct {
	const char *word;
	const char *kind;
} class_kinds[] = {
	{ "datacenter", "site" }, { "data_center", "site" }, { "computer_room", "room" },
	{ "_rack_", "rack" }, { "_ups_", "power" }, { "_pdu_", "power" }, { "power", "power" },
	{ "_crac_", "cooling" }, { "cooling", "cooling" },
	{ "cluster", "cluster" },
	{ "vm_instance", "vm" }, { "virtual_machine", "vm" }, { "vmware_instance", "vm" },
	{ "business_app", "app" }, { "service", "app" },
	{ "_db_", "db" }, { "database", "db" }, { "sql", "db" }, { "oracle", "db" },
	{ "load_balancer", "lb" }, { "_lb_", "lb" },
	{ "storage", "storage" }, { "_san_", "storage" }, { "_nas_", "storage" },
	{ "switch", "network" }, { "router", "network" }, { "firewall", "network" },
	{ "network", "network" }, { "netgear", "network" },
	{ "dns", "dns" },
	{ "app_server", "service" }, { "tomcat", "service" }, { "web_server", "service" },
	{ "server", "host" }, { "computer", "host" }, { "esx", "host" }, { "hypervisor", "host" },
	{ "_appl", "service" }, { "application", "service" },
};

static const char *class_kind(const char *cls, char *buf, size_t bufsz)
{
	char k[256];
	size_t n = 0;
	k[n++] = '_';
	for (const char *p = cls; *p && n < sizeof k - 2; p++)
		k[n++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
	k[n++] = '_';
	k[n] = '\0';
	for (size_t i = 0; i < sizeof class_kinds / sizeof class_kinds[0]; i++)
		if (strstr(k, class_kinds[i].word))
			return class_kinds[i].kind;
	/* Any other class: its name without cmdb_ci_, as a kind word. */
	const char *w = k + 1;
	if (!strncmp(w, "cmdb_ci_", 8))
		w += 8;
	while (*w == '_' || (*w >= '0' && *w <= '9'))
		w++;
	size_t l = strlen(w);
	while (l && w[l - 1] == '_')
		l--;
	if (!l || l >= bufsz)
		return "ci";
	memcpy(buf, w, l);
	buf[l] = '\0';
	return buf;
}

/* ------------------------------------------------------------ header */

static int index_names(reader *r);

static long col_of(const reader *r, const char *name)
{
	char b[64];
	for (size_t i = 0; i < r->ncols; i++) {
		const char *c = norm(r->cols[i], b, sizeof b);
		if (c && !strcmp(c, name))
			return (long)i;
	}
	return -1;
}

static void read_header(reader *r)
{
	char sb[SHOW_BUF];
	r->have_header = 1;
	if (!(r->cols = calloc(r->nrow ? r->nrow : 1, sizeof *r->cols))) {
		r->nomem = 1;
		return;
	}
	for (size_t i = 0; i < r->nrow; i++) {
		r->cols[i] = r->row[i].s;
		r->row[i].s = NULL;
		r->ncols++;
		char b[256], b2[256];
		const char *n = norm(r->cols[i], b, sizeof b);
		for (size_t j = 0; n && *n && j < i; j++) {
			const char *o = norm(r->cols[j], b2, sizeof b2);
			if (o && !strcmp(n, o)) {
				diag_at(r, FO_SEV_ERROR, "cmdb", r->row[i].pos,
					"column '%s' twice in the header row (first is column %zu)",
					show(r->cols[i], sb), j + 1);
				break;
			}
		}
	}
	r->c_sysid = col_of(r, "sys_id");
	r->c_name = col_of(r, "name");
	r->c_class = col_of(r, "sys_class_name");
	if (r->c_class < 0)
		r->c_class = col_of(r, "class");
	r->c_tenant = col_of(r, "tenant");
	r->c_company = col_of(r, "company");
	r->c_tier = col_of(r, "tier");
	r->c_crit = col_of(r, "business_criticality");
	r->c_parent = col_of(r, "parent");
	r->c_child = col_of(r, "child");
	r->c_type = col_of(r, "type");
	r->c_parent_id = col_of(r, "parent.sys_id");
	r->c_child_id = col_of(r, "child.sys_id");
	if ((r->c_parent >= 0 || r->c_parent_id >= 0) && (r->c_child >= 0 || r->c_child_id >= 0) &&
	    r->c_type >= 0) {
		r->table = T_REL;
		if (index_names(r) < 0)
			r->nomem = 1;
	}
	else if (r->c_sysid >= 0 || r->c_name >= 0)
		r->table = T_CI;
	else {
		diag_at(r, FO_SEV_ERROR, "cmdb", r->nrow ? r->row[0].pos : (fo_pos){ 1, 1 },
			"the header row names neither a CI table (a sys_id or name column: cmdb_ci) "
			"nor a relationship table (parent, child and type columns: cmdb_rel_ci)");
		r->stopped = 1;
	}
}

/* ------------------------------------------------------------ CI rows */

static void ci_row(reader *r)
{
	char sb[SHOW_BUF], kb[128], tb[SHOW_BUF];
	const char *id = r->c_sysid >= 0 ? cell(r, r->c_sysid) : cell(r, r->c_name);
	long idc = r->c_sysid >= 0 ? r->c_sysid : r->c_name;
	const char *cls = cell(r, r->c_class);
	const char *stype = *cls ? cls : "cmdb_ci";
	uint32_t idx;

	if (fo_model_count_read(r->m, stype, 1) < 0) {
		r->nomem = 1;
		return;
	}
	if (!*id) {
		diag_at(r, FO_SEV_ERROR, "cmdb", cell_pos(r, idc), "CI without a %s",
			r->c_sysid >= 0 ? "sys_id" : "name");
		return;
	}
	if (r->c_sysid < 0 && fo_model_lookup_local(r->m, id, &idx) == FO_OK) {
		fo_model_node n;
		fo_model_node_get(r->m, idx, &n);
		diag_at(r, FO_SEV_WARNING, "ambiguous-name", cell_pos(r, idc),
			"a CI named '%s' is at line %lu already: without a sys_id column names "
			"identify CIs, so this one is skipped", show(id, sb), n.pos.line);
		if (fo_model_skip(r->m, stype, id, "same name as another CI (no sys_id column)") < 0)
			r->nomem = 1;
		return;
	}
	const char *name = cell(r, r->c_name);
	const char *tenant = *cell(r, r->c_tenant) ? cell(r, r->c_tenant) : cell(r, r->c_company);
	long tc = r->c_tier >= 0 && *cell(r, r->c_tier) ? r->c_tier : r->c_crit;
	unsigned tier = 0;
	const char *tv = cell(r, tc);
	if (*tv) {
		/* "2", or ServiceNow's "2 - somewhat critical" */
		const char *p = tv;
		while (*p == ' ')
			p++;
		char *end = NULL;
		unsigned long v = *p >= '0' && *p <= '9' ? strtoul(p, &end, 10) : 0;
		if (end && v >= 1 && v <= 1000000 && (!*end || *end == ' ' || *end == '-'))
			tier = (unsigned)v;
		else
			diag_at(r, FO_SEV_WARNING, "cmdb-warning", cell_pos(r, tc),
				"CI '%s': tier '%s' does not start with a whole number from 1 to "
				"1000000: no tier", show(id, sb), show(tv, tb));
	}
	const char *kind = *cls ? class_kind(cls, kb, sizeof kb) : "ci";
	int err = fo_model_add_node(r->m, id, kind, *name ? name : NULL, *tenant ? tenant : NULL,
				    tier, stype, cell_pos(r, idc), &idx);
	if (err == FO_ENOMEM)
		r->nomem = 1;
	if (err < 0)
		return;
	for (size_t i = 0; i < r->nrow && i < r->ncols; i++) {
		long c = (long)i;
		if (c == r->c_sysid || c == r->c_name || c == r->c_class || c == r->c_tenant ||
		    c == r->c_company || c == r->c_tier || c == r->c_crit || !*r->row[i].s ||
		    !*r->cols[i])
			continue;
		if (fo_model_add_prop(r->m, idx, r->cols[i], r->row[i].s) < 0) {
			r->nomem = 1;
			return;
		}
	}
}

/* ------------------------------------------------------------ relationships */

/* Indexes the names of the CIs already in the model from sources of this
 * format and prefix (the CI table read before this one). */
static int index_names(reader *r)
{
	uint32_t cur = fo_model_source_current(r->m);
	const char *prefix = fo_model_source_prefix(r->m, cur);
	size_t pl = prefix && *prefix ? strlen(prefix) + 1 : 0;
	size_t n = fo_model_node_count(r->m);
	for (uint32_t i = 0; i < n; i++) {
		fo_model_node nd;
		uint32_t at;
		fo_model_node_get(r->m, i, &nd);
		if (!nd.name || nd.dropped || strcmp(fo_model_source_format(r->m, nd.source), "cmdb") ||
		    strcmp(fo_model_source_prefix(r->m, nd.source), prefix ? prefix : ""))
			continue;
		if (fo_imp__strtab_find(&r->names, nd.name, strlen(nd.name), &at)) {
			if (r->nm[at].count++ == 1)
				r->nm[at].pos2 = nd.pos;
			continue;
		}
		if (fo_imp__grow((void **)&r->nm, &r->anm, r->nnm + 1, sizeof *r->nm) < 0 ||
		    !(r->nm[r->nnm].id = strdup(nd.id + (strlen(nd.id) >= pl ? pl : 0))))
			return FO_ENOMEM;
		r->nm[r->nnm].count = 1;
		r->nm[r->nnm].pos = nd.pos;
		if (fo_imp__strtab_put(&r->names, nd.name, strlen(nd.name), (uint32_t)r->nnm) < 0) {
			free(r->nm[r->nnm].id);
			return FO_ENOMEM;
		}
		r->nnm++;
	}
	return FO_OK;
}

/* The local id a relationship's value names: a CI's id (sys_id, or name
 * in a table without sys_id), else the one CI with that name; the value
 * itself when nothing matches (the model then reports the dangling
 * reference); NULL when the name is ambiguous (reported). */
static const char *resolve(reader *r, const char *v, fo_pos pos, const char *what)
{
	uint32_t i;
	char sb[SHOW_BUF];
	if (fo_model_lookup_local(r->m, v, &i) == FO_OK)
		return v;
	if (!fo_imp__strtab_find(&r->names, v, strlen(v), &i))
		return v;
	if (r->nm[i].count == 1)
		return r->nm[i].id;
	diag_at(r, FO_SEV_WARNING, "ambiguous-name", pos,
		"%s '%s' names %u CIs (lines %lu and %lu of their table): the relationship is "
		"skipped; export the sys_id columns", what, show(v, sb), r->nm[i].count,
		r->nm[i].pos.line, r->nm[i].pos2.line);
	return NULL;
}

static rel_sem semantics(reader *r, const char *type, fo_pos pos, int *configured)
{
	char key[300], sb[SHOW_BUF];
	*configured = 0;
	snprintf(key, sizeof key, "relation:%s", type);
	const char *o = fo_model_option(r->m, key);
	if (o) {
		for (size_t i = 0; i < sizeof sem_words / sizeof sem_words[0]; i++)
			if (!strcmp(o, sem_words[i].word)) {
				*configured = 1;
				return sem_words[i].sem;
			}
		diag_at(r, FO_SEV_ERROR, "option", pos,
			"option %s='%s': parent-needs-child, child-needs-parent, parent-degrades, "
			"child-degrades, contains, members or skip", show(key, sb), o);
		return S_SKIP;
	}
	for (size_t i = 0; i < sizeof relations / sizeof relations[0]; i++)
		if (!strcmp(type, relations[i].type))
			return relations[i].sem;
	return S_UNKNOWN;
}

/* owner (at opos) needs dep (at dpos). */
static int requires(reader *r, const char *owner, fo_pos opos, const char *dep, fo_pos dpos,
		    fo_group_type t)
{
	uint32_t o;
	char sb[SHOW_BUF];
	if (fo_model_lookup_local(r->m, owner, &o) != FO_OK) {
		diag_at(r, FO_SEV_WARNING, "dangling-reference", opos,
			"'%s' is no CI of the CI table read before: the relationship is skipped",
			show(owner, sb));
		return fo_model_skip(r->m, "cmdb_rel_ci", owner, "its dependent is no CI");
	}
	int err = fo_model_requires_local(r->m, o, t, dep, dpos);
	if (err < 0)
		return err;
	return fo_model_count_folded(r->m, "cmdb_rel_ci", "a dependency");
}

static void rel_row(reader *r)
{
	char tb[256], sb[SHOW_BUF], sb2[SHOW_BUF], what[2 * SHOW_BUF + 8];
	long pc = r->c_parent_id >= 0 && *cell(r, r->c_parent_id) ? r->c_parent_id : r->c_parent;
	long cc = r->c_child_id >= 0 && *cell(r, r->c_child_id) ? r->c_child_id : r->c_child;
	const char *pv = cell(r, pc), *cv = cell(r, cc);
	int err = FO_OK, configured;

	if (fo_model_count_read(r->m, "cmdb_rel_ci", 1) < 0) {
		r->nomem = 1;
		return;
	}
	snprintf(what, sizeof what, "%s -> %s", show(pv, sb), show(cv, sb2));
	if (!*pv || !*cv) {
		diag_at(r, FO_SEV_WARNING, "cmdb-warning", cell_pos(r, !*pv ? pc : cc),
			"relationship without a %s: skipped", !*pv ? "parent" : "child");
		err = fo_model_skip(r->m, "cmdb_rel_ci", what, "no parent or no child");
		goto done;
	}
	const char *type = norm(cell(r, r->c_type), tb, sizeof tb);
	fo_pos tpos = cell_pos(r, r->c_type);
	if (!type || !*type) {
		diag_at(r, FO_SEV_WARNING, "cmdb-warning", tpos, "relationship without a type: skipped");
		err = fo_model_skip(r->m, "cmdb_rel_ci", what, "no type");
		goto done;
	}
	rel_sem sem = semantics(r, type, tpos, &configured);
	if (sem == S_UNKNOWN) {
		err = fo_model_skip(r->m, "cmdb_rel_ci", what,
				    "unknown relationship type (say what it means: option relation:TYPE)");
		goto done;
	}
	if (sem == S_SKIP) {
		err = fo_model_skip(r->m, "cmdb_rel_ci", what,
				    configured ? "relationship type skipped by option"
					       : "relationship type with no failure semantics");
		goto done;
	}
	const char *p = resolve(r, pv, cell_pos(r, pc), "parent");
	const char *c = resolve(r, cv, cell_pos(r, cc), "child");
	if (!p || !c) {
		err = fo_model_skip(r->m, "cmdb_rel_ci", what, "ambiguous CI name");
		goto done;
	}
	if (!strcmp(p, c)) {
		err = fo_model_skip(r->m, "cmdb_rel_ci", what, "self-relationship");
		goto done;
	}
	fo_pos pos = cell_pos(r, r->c_type);
	switch (sem) {
	case S_PARENT_NEEDS:
		err = requires(r, p, cell_pos(r, pc), c, cell_pos(r, cc), FO_GROUP_REQUIRES);
		break;
	case S_CHILD_NEEDS:
		err = requires(r, c, cell_pos(r, cc), p, cell_pos(r, pc), FO_GROUP_REQUIRES);
		break;
	case S_PARENT_DEGRADES:
		err = requires(r, p, cell_pos(r, pc), c, cell_pos(r, cc), FO_GROUP_DEGRADES);
		break;
	case S_CHILD_DEGRADES:
		err = requires(r, c, cell_pos(r, cc), p, cell_pos(r, pc), FO_GROUP_DEGRADES);
		break;
	case S_CONTAINS: {
		uint32_t ci, dummy;
		if (fo_model_lookup_local(r->m, c, &ci) != FO_OK) {
			diag_at(r, FO_SEV_WARNING, "dangling-reference", cell_pos(r, cc),
				"'%s' is no CI of the CI table read before: the relationship is "
				"skipped", show(c, sb));
			err = fo_model_skip(r->m, "cmdb_rel_ci", what, "its dependent is no CI");
			break;
		}
		if (fo_imp__strtab_find(&r->contained, c, strlen(c), &dummy)) {
			/* One container per node: a second Contains keeps its
			 * meaning (the child needs it) as a dependency. */
			diag_at(r, FO_SEV_WARNING, "cmdb-warning", pos,
				"'%s' is contained by a CI already: it needs '%s' as a dependency, "
				"not as its container", show(c, sb), show(p, sb2));
			err = requires(r, c, cell_pos(r, cc), p, cell_pos(r, pc), FO_GROUP_REQUIRES);
			break;
		}
		if ((err = fo_imp__strtab_put(&r->contained, c, strlen(c), 0)) < 0 ||
		    (err = fo_model_set_container_local(r->m, ci, p, cell_pos(r, pc))) < 0)
			break;
		err = fo_model_count_folded(r->m, "cmdb_rel_ci", "containment");
		break;
	}
	case S_MEMBERS: {
		if ((err = fo_imp__grow((void **)&r->members, &r->amembers, r->nmembers + 1,
				sizeof *r->members)) < 0)
			break;
		member *mb = &r->members[r->nmembers];
		mb->cluster = strdup(p);
		mb->node = strdup(c);
		mb->pos = cell_pos(r, cc);
		r->nmembers++;
		if (!mb->cluster || !mb->node)
			err = FO_ENOMEM;
		break;
	}
	default:
		break;
	}
done:
	if (err == FO_ENOMEM)
		r->nomem = 1;
}

/* One K-of-n group per cluster, clusters in order of their first row. */
static int emit_members(reader *r)
{
	int err = FO_OK;
	unsigned char *done = r->nmembers ? calloc(r->nmembers, 1) : NULL;
	char sb[SHOW_BUF];
	if (r->nmembers && !done)
		return FO_ENOMEM;
	for (size_t i = 0; i < r->nmembers; i++) {
		uint32_t owner;
		if (done[i])
			continue;
		const char *cl = r->members[i].cluster;
		if (fo_model_lookup_local(r->m, cl, &owner) != FO_OK) {
			diag_at(r, FO_SEV_WARNING, "dangling-reference", r->members[i].pos,
				"cluster '%s' is no CI of the CI table read before: its Members rows "
				"are skipped", show(cl, sb));
			for (size_t j = i; j < r->nmembers; j++)
				if (!done[j] && !strcmp(r->members[j].cluster, cl)) {
					done[j] = 1;
					if ((err = fo_model_skip(r->m, "cmdb_rel_ci", r->members[j].node,
								 "its cluster is no CI")) < 0)
						goto out;
				}
			continue;
		}
		if ((err = fo_model_group_begin(r->m, owner, FO_GROUP_REQUIRES, r->cluster_k,
						r->members[i].pos)) < 0)
			goto out;
		for (size_t j = i; j < r->nmembers; j++) {
			if (done[j] || strcmp(r->members[j].cluster, cl))
				continue;
			done[j] = 1;
			if ((err = fo_model_group_add_local(r->m, r->members[j].node, r->members[j].pos)) < 0 ||
			    (err = fo_model_count_folded(r->m, "cmdb_rel_ci", "a cluster's K-of-n group")) < 0)
				goto out;
		}
		if ((err = fo_model_group_end(r->m)) < 0)
			goto out;
	}
out:
	free(done);
	return err;
}

/* ------------------------------------------------------------ libcsv */

static void free_row(reader *r)
{
	for (size_t i = 0; i < r->nrow; i++)
		free(r->row[i].s);
	r->nrow = 0;
	r->too_many = 0;
}

static void on_field(void *s, size_t len, void *data)
{
	reader *r = data;
	const unsigned char *b = s ? s : (const unsigned char *)"";
	fo_pos pos = r->fstart;
	char *copy = NULL;

	r->need_start = 1;
	r->fbytes = 0;
	if (r->stopped || r->nomem)
		return;
	if (r->nrow >= FO_CMDB_MAX_COLUMNS) {
		if (!r->too_many)
			diag_at(r, FO_SEV_ERROR, "limit", pos,
				"more than %u fields in one row (fallout's limit)", FO_CMDB_MAX_COLUMNS);
		r->too_many = 1;
		r->limit = 1;
		r->stopped = 1;
		return;
	}
	if (r->cp1252) {
		size_t bad;
		if (!(copy = from_cp1252(b, len, &bad))) {
			if (bad == (size_t)-1) {
				r->nomem = 1;
				return;
			}
			diag_at(r, FO_SEV_ERROR, "encoding", pos,
				"byte 0x%02X (character %lu of the field) is not windows-1252",
				b[bad], chars(b, bad) + 1);
			if (!(copy = strdup(""))) { /* the row keeps its shape */
				r->nomem = 1;
				return;
			}
		}
	} else {
		size_t ok = utf8_valid(b, len);
		if (ok < len) {
			diag_at(r, FO_SEV_ERROR, "encoding", pos,
				"invalid UTF-8 (byte 0x%02X, character %lu of the field): CMDB exports "
				"are read as UTF-8; for a windows-1252 export give the option "
				"encoding=windows-1252", b[ok], chars(b, ok) + 1);
			if (!(copy = strdup("")))
				r->nomem = 1;
		} else if (memchr(b, '\0', len)) {
			diag_at(r, FO_SEV_ERROR, "encoding", pos, "NUL byte in a field");
			if (!(copy = strdup("")))
				r->nomem = 1;
		} else if ((copy = malloc(len + 1))) {
			memcpy(copy, b, len);
			copy[len] = '\0';
		} else {
			r->nomem = 1;
		}
		if (!copy)
			return;
	}
	if (fo_imp__grow((void **)&r->row, &r->arow, r->nrow + 1, sizeof *r->row) < 0) {
		free(copy);
		r->nomem = 1;
		return;
	}
	r->row[r->nrow++] = (field){ copy, pos };
}

static void on_row(int c, void *data)
{
	reader *r = data;
	char sb[SHOW_BUF];
	(void)c;
	r->need_start = 1;
	if (r->stopped || r->nomem) {
		free_row(r);
		return;
	}
	if (!r->have_header) {
		read_header(r);
		free_row(r);
		return;
	}
	if (++r->rows > FO_CMDB_MAX_ROWS) {
		diag_at(r, FO_SEV_ERROR, "limit", r->nrow ? r->row[0].pos : r->cur,
			"more than %u rows (fallout's limit)", FO_CMDB_MAX_ROWS);
		r->limit = 1;
		r->stopped = 1;
		free_row(r);
		return;
	}
	if (r->nrow == 1 && !*r->row[0].s && r->ncols > 1) {
		free_row(r); /* a blank line */
		return;
	}
	if (r->nrow != r->ncols) {
		diag_at(r, FO_SEV_ERROR, "cmdb", r->nrow ? r->row[0].pos : r->cur,
			"%zu fields in this row, %zu in the header row%s%s", r->nrow, r->ncols,
			r->table == T_CI && r->c_name >= 0 && (size_t)r->c_name < r->nrow ? ": CI " : "",
			r->table == T_CI && r->c_name >= 0 && (size_t)r->c_name < r->nrow
				? show(r->row[r->c_name].s, sb) : "");
		free_row(r);
		return;
	}
	if (r->table == T_CI)
		ci_row(r);
	else if (r->table == T_REL)
		rel_row(r);
	free_row(r);
}

/* Moves the position over n bytes. */
static void advance(reader *r, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = b[i];
		if (c == '\n') {
			if (!r->prev_cr)
				r->cur.line++;
			r->cur.col = 1;
		} else if (c == '\r') {
			r->cur.line++;
			r->cur.col = 1;
		} else if ((c & 0xC0) != 0x80) {
			r->cur.col++;
		}
		r->prev_cr = c == '\r';
	}
}

/* Gives libcsv the bytes, keeping positions (top of file). libcsv can
 * call back, and the parse can change state, only at a comma, a quote, a
 * CR or an LF: the bytes are given in chunks that end at one of those, so
 * that a callback always comes at the chunk's last byte, whose position
 * is r->cur then; a field begins at the first byte of the chunk after. */
static int feed(reader *r, const unsigned char *b, size_t n)
{
	size_t i = 0;
	while (i < n && !r->stopped && !r->nomem) {
		size_t j = i;
		while (j < n && b[j] != ',' && b[j] != '"' && b[j] != '\r' && b[j] != '\n' && b[j])
			j++;
		if (j == i && j < n && !b[j]) {
			diag_at(r, FO_SEV_ERROR, "encoding", r->cur,
				"NUL byte: not a text file (UTF-16? CMDB exports are read as UTF-8)");
			r->stopped = 1;
			break;
		}
		/* The special byte ends the chunk; a NUL is left for the next. */
		size_t len = j < n && b[j] ? j + 1 - i : j - i;
		if (r->need_start && b[i] != '\r' && b[i] != '\n') {
			r->fstart = r->cur;
			r->need_start = 0;
		}
		if ((r->fbytes += len) > FO_CMDB_MAX_FIELD + 2) {
			diag_at(r, FO_SEV_ERROR, "limit", r->fstart,
				"a field longer than %u bytes (fallout's limit)", FO_CMDB_MAX_FIELD);
			r->limit = 1;
			r->stopped = 1;
			break;
		}
		fo_pos before = r->cur;
		int before_cr = r->prev_cr;
		advance(r, b + i, len - 1);
		size_t done = csv_parse(&r->p, b + i, len, on_field, on_row, r);
		if (done != len) {
			int e = csv_error(&r->p);
			r->cur = before;
			r->prev_cr = before_cr;
			advance(r, b + i, done);
			if (e == CSV_EPARSE)
				diag_at(r, FO_SEV_ERROR, "csv", r->cur,
					"malformed CSV: a quote inside an unquoted field, or text after a "
					"closing quote (a quote in a field is written \"\")");
			else
				r->nomem = 1;
			r->stopped = 1;
			break;
		}
		advance(r, b + i + len - 1, 1);
		i += len;
	}
	return r->nomem ? FO_ENOMEM : FO_OK;
}

static int read_all(reader *r, int fd)
{
	unsigned char buf[65536];
	int first = 1;
	for (;;) {
		ssize_t n;
		do
			n = read(fd, buf, sizeof buf);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			diag_at(r, FO_SEV_ERROR, "io", (fo_pos){ 0, 0 }, "cannot read: %s", strerror(errno));
			return FO_EIO;
		}
		if (n == 0)
			break;
		const unsigned char *p = buf;
		size_t len = (size_t)n;
		if (first) {
			first = 0;
			if (len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
				diag_at(r, FO_SEV_ERROR, "encoding", (fo_pos){ 1, 1 },
					"UTF-16 byte order mark: CMDB exports are read as UTF-8 (export "
					"the list as CSV, not as Unicode text)");
				r->stopped = 1;
				return FO_OK;
			}
			if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
				p += 3, len -= 3; /* a UTF-8 byte order mark: Excel writes one */
		}
		if (len)
			r->any_bytes = 1;
		int err = feed(r, p, len);
		if (err < 0)
			return err;
		if (r->stopped)
			return FO_OK;
	}
	if (csv_fini(&r->p, on_field, on_row, r) != 0) {
		if (csv_error(&r->p) == CSV_EPARSE)
			diag_at(r, FO_SEV_ERROR, "csv", r->fstart,
				"a quoted field is not closed before the end of the file");
		else
			r->nomem = 1;
	}
	if (!r->stopped && !r->have_header)
		diag_at(r, FO_SEV_ERROR, "empty-document", (fo_pos){ 1, 1 },
			"empty file: a CMDB export starts with a header row (sys_id,name,"
			"sys_class_name,... or parent,type,child)");
	return r->nomem ? FO_ENOMEM : FO_OK;
}

/* ------------------------------------------------------------ entry */

static int read_options(reader *r)
{
	const char *e = fo_model_option(r->m, "encoding");
	const char *k = fo_model_option(r->m, "cluster-k");
	int ok = 1;
	r->cluster_k = 1;
	if (e && *e) {
		char b[32];
		const char *n = norm(e, b, sizeof b);
		if (n && (!strcmp(n, "windows-1252") || !strcmp(n, "cp1252")))
			r->cp1252 = 1;
		else if (!n || (strcmp(n, "utf-8") && strcmp(n, "utf8"))) {
			diag_at(r, FO_SEV_ERROR, "option", (fo_pos){ 0, 0 },
				"option encoding='%s': utf-8 or windows-1252", e);
			ok = 0;
		}
	}
	if (k && *k) {
		char *end = NULL;
		unsigned long v = *k >= '0' && *k <= '9' ? strtoul(k, &end, 10) : 0;
		if (!end || *end || v > 1000000000ul) {
			diag_at(r, FO_SEV_ERROR, "option", (fo_pos){ 0, 0 },
				"option cluster-k='%s': a whole number (0: every member)", k);
			ok = 0;
		} else {
			r->cluster_k = v;
		}
	}
	return ok ? FO_OK : FO_EINPUT;
}

int fo_cmdb_read(fo_model *m, const char *path)
{
	int err = FO_OK, fd = -1;
	reader r;

	if (!m || !path || fo_model_source_current(m) == FO_NONE)
		return FO_EINVAL;
	memset(&r, 0, sizeof r);
	r.m = m;
	r.diag = fo_model_diag(m);
	if (!(r.file = strdup(fo_model_source_file(m, fo_model_source_current(m)))))
		return FO_ENOMEM;
	r.cur = (fo_pos){ 1, 1 };
	r.fstart = r.cur;
	r.need_start = 1;
	size_t errors_before = fo_diag_errors(r.diag);
	if ((err = read_options(&r)) < 0)
		goto done;
	if (csv_init(&r.p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		err = FO_ENOMEM;
		goto done;
	}
	r.p_init = 1;
	if (strcmp(path, "-") == 0) {
		fd = 0;
	} else {
		do
			fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		while (fd < 0 && errno == EINTR);
		if (fd < 0) {
			diag_at(&r, FO_SEV_ERROR, "io", (fo_pos){ 0, 0 }, "cannot open: %s", strerror(errno));
			err = FO_EIO;
			goto done;
		}
	}
	if ((err = read_all(&r, fd)) < 0)
		goto done;
	/* Members rows are kept until the end: one group per cluster. */
	if (!r.nomem && fo_diag_errors(r.diag) == errors_before)
		err = emit_members(&r);
	if (r.nomem)
		err = FO_ENOMEM;
	if (err == FO_OK && fo_diag_errors(r.diag) != errors_before)
		err = r.limit ? FO_ELIMIT : FO_EINPUT;
done:
	if (fd > 0)
		close(fd);
	if (r.p_init)
		csv_free(&r.p);
	free_row(&r);
	free(r.row);
	for (size_t i = 0; i < r.ncols; i++)
		free(r.cols[i]);
	free(r.cols);
	fo_imp__strtab_free(&r.names);
	fo_imp__strtab_free(&r.contained);
	for (size_t i = 0; i < r.nnm; i++)
		free(r.nm[i].id);
	free(r.nm);
	for (size_t i = 0; i < r.nmembers; i++) {
		free(r.members[i].cluster);
		free(r.members[i].node);
	}
	free(r.members);
	free(r.file);
	return err;
}

/* ------------------------------------------------------------ sniff */

int fo_cmdb_sniff(const char *head, size_t n)
{
	const char *p = head, *end;
	int sys_id = 0, parent = 0, child = 0, type = 0;
	if (n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
	    (unsigned char)p[2] == 0xBF)
		p += 3;
	end = memchr(p, '\n', (size_t)(head + n - p));
	if (!end)
		return 0; /* the first line must be complete */
	while (p < end) {
		char name[32];
		size_t l = 0;
		int quoted = 0;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p == '"')
			quoted = 1, p++;
		while (p < end && (quoted ? *p != '"' : (*p != ',' && *p != '\r'))) {
			if (l < sizeof name - 1)
				name[l++] = (char)tolower((unsigned char)*p);
			else
				l = sizeof name; /* too long: no name of ours */
			p++;
			if (l == sizeof name)
				break;
		}
		if (l == sizeof name) {
			while (p < end && *p != ',')
				p++;
			l = 0;
		}
		if (quoted && p < end)
			p++;
		while (l && (name[l - 1] == ' ' || name[l - 1] == '\t'))
			l--;
		name[l < sizeof name ? l : 0] = '\0';
		sys_id |= !strcmp(name, "sys_id");
		parent |= !strcmp(name, "parent") || !strcmp(name, "parent.sys_id");
		child |= !strcmp(name, "child") || !strcmp(name, "child.sys_id");
		type |= !strcmp(name, "type");
		while (p < end && *p != ',')
			p++;
		if (p < end)
			p++;
	}
	return sys_id || (parent && child && type);
}
