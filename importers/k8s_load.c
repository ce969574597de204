/*
 * k8s_load.c — the reading half of the Kubernetes importer: files into
 * objects (k8s_int.h). JSON through jansson (syntax errors located by its
 * line:column), YAML through libyaml's event parser turned into the same
 * jansson values (located by libyaml's marks, 1-based; aliases expanded by
 * reference within a budget, so a billion-laughs document is refused), and
 * directories walked in name order (bounded depth and file count; symlinks
 * followed only to files inside the tree). Then the top level of each
 * document: a `List`/`<Kind>List` (its items) or one object.
 */
#define _XOPEN_SOURCE 700 /* realpath */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "../graphs/fo_error.h"
#include "k8s_int.h"

/* ------------------------------------------------------------ diagnostics */

static void vreport(k8s_set *s, fo_severity sev, uint32_t file, fo_pos pos, const char *code,
		    const char *fmt, va_list ap)
{
	const char *f = file == UINT32_MAX ? NULL : s->files[file];
	if (sev == FO_SEV_ERROR)
		s->errors++;
	if (fo_diag_vadd_code(s->d, sev, code, f, pos.line, pos.col, NULL, fmt, ap) == FO_ENOMEM &&
	    s->status == FO_OK)
		s->status = FO_ENOMEM;
}

void fo_k8s__error(k8s_set *s, uint32_t file, fo_pos pos, const char *code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(s, FO_SEV_ERROR, file, pos, code, fmt, ap);
	va_end(ap);
}

void fo_k8s__warn(k8s_set *s, uint32_t file, fo_pos pos, const char *code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(s, FO_SEV_WARNING, file, pos, code, fmt, ap);
	va_end(ap);
}

/* A failure that is not a located input error; the first one wins. */
static int fail(k8s_set *s, int err)
{
	if (s->status == FO_OK && err != FO_EINPUT)
		s->status = err;
	return err;
}

static int add_file(k8s_set *s, const char *name, uint32_t *out)
{
	if (s->nfiles == s->capfiles) {
		size_t cap = s->capfiles ? 2 * s->capfiles : 8;
		char **f = realloc(s->files, cap * sizeof *f);
		if (!f)
			return FO_ENOMEM;
		s->files = f;
		s->capfiles = cap;
	}
	if (!(s->files[s->nfiles] = strdup(name)))
		return FO_ENOMEM;
	*out = (uint32_t)s->nfiles++;
	return FO_OK;
}

static int add_obj(k8s_set *s, json_t *o, uint32_t file, fo_pos pos, long item)
{
	if (s->nobjs == s->capobjs) {
		size_t cap = s->capobjs ? 2 * s->capobjs : 256;
		k8s_obj *n = realloc(s->objs, cap * sizeof *n);
		if (!n)
			return FO_ENOMEM;
		s->objs = n;
		s->capobjs = cap;
	}
	s->objs[s->nobjs++] = (k8s_obj){ o, file, pos, item };
	return FO_OK;
}

/* ------------------------------------------------------------ documents */

static const char *json_type_word(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* One document's root: a List (its items become objects) or one object.
 * itempos[i] locates items[i] (YAML), or itempos is NULL (JSON). The root is
 * stolen (kept in s->docs until the read ends). lenient: a document that is
 * not a Kubernetes object is a warning, not an error (files inside a
 * directory: a must-gather holds other YAML too). */
static int add_root(k8s_set *s, uint32_t file, json_t *root, fo_pos rootpos,
		    const fo_pos *itempos, size_t nitempos, int lenient)
{
	json_t *kind, *items;
	const char *k;
	int err;

	if (json_array_append_new(s->docs, root) != 0)
		return fail(s, FO_ENOMEM);
	if (json_is_null(root))
		return FO_OK; /* an empty YAML document ("---" alone) */
	if (!json_is_object(root)) {
		if (lenient) {
			fo_k8s__warn(s, file, rootpos, "k8s-not-object",
				     "the top level is %s, not a Kubernetes object: skipped",
				     json_type_word(root));
			return FO_OK;
		}
		fo_k8s__error(s, file, rootpos, "k8s-top-level",
			      "the top level is %s: a Kubernetes file holds an object or a List "
			      "(what `kubectl get ... -o json` prints)",
			      json_type_word(root));
		return FO_EINPUT;
	}
	kind = json_object_get(root, "kind");
	items = json_object_get(root, "items");
	k = json_string_value(kind);
	if (!k) {
		if (lenient) {
			fo_k8s__warn(s, file, rootpos, "k8s-not-object",
				     "not a Kubernetes object (no \"kind\"): skipped");
			return FO_OK;
		}
		fo_k8s__error(s, file, rootpos, "k8s-top-level",
			      kind ? "\"kind\" is %s, not a string" : "no \"kind\" at the top level%s: "
			      "not a Kubernetes object or List",
			      kind ? json_type_word(kind) : "");
		return FO_EINPUT;
	}
	if (items || ends_with(k, "List")) {
		const char *itemkind = NULL;
		size_t i;
		if (!json_is_array(items)) {
			fo_k8s__error(s, file, rootpos, "k8s-top-level",
				      items ? "a %s's \"items\" is %s, not an array"
					    : "a %s without \"items\"%s",
				      k, items ? json_type_word(items) : "");
			return FO_EINPUT;
		}
		/* A <Kind>List's items may leave their kind out. */
		char buf[128];
		if (strcmp(k, "List") != 0 && ends_with(k, "List") && strlen(k) - 4 < sizeof buf) {
			memcpy(buf, k, strlen(k) - 4);
			buf[strlen(k) - 4] = '\0';
		} else {
			buf[0] = '\0';
		}
		itemkind = buf[0] ? buf : NULL;
		int bad = 0;
		for (i = 0; i < json_array_size(items); i++) {
			json_t *it = json_array_get(items, i);
			fo_pos p = i < nitempos ? itempos[i] : (fo_pos){ 0, 0 };
			if (!json_is_object(it)) {
				fo_k8s__error(s, file, p, "k8s-item", "items[%zu] is %s, not an object", i,
					      json_type_word(it));
				bad = 1;
				continue;
			}
			if (!json_string_value(json_object_get(it, "kind")) && itemkind &&
			    json_object_set_new(it, "kind", json_string(itemkind)) != 0)
				return fail(s, FO_ENOMEM);
			if ((err = add_obj(s, it, file, p, (long)i)) != FO_OK)
				return fail(s, err);
		}
		return bad ? FO_EINPUT : FO_OK;
	}
	if ((err = add_obj(s, root, file, rootpos, -1)) != FO_OK)
		return fail(s, err);
	return FO_OK;
}

/* ------------------------------------------------------------ JSON */

static int load_json(k8s_set *s, uint32_t file, const char *buf, size_t len, int lenient)
{
	json_error_t je;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		fo_pos p = { je.line > 0 ? (uint32_t)je.line : 0, je.column > 0 ? (uint32_t)je.column : 0 };
		if (json_error_code(&je) == json_error_out_of_memory)
			return fail(s, FO_ENOMEM);
		fo_k8s__error(s, file, p, "k8s-json", "JSON: %s", je.text);
		return FO_EINPUT;
	}
	return add_root(s, file, root, (fo_pos){ 0, 0 }, NULL, 0, lenient);
}

/* ------------------------------------------------------------ YAML */

/* YAML 1.2 core schema resolution of a plain scalar: null, booleans,
 * integers (decimal, 0x, 0o), floats; anything else is a string. Quoted and
 * tagged scalars are strings ("true" stays a string, as kubectl writes
 * label values that look like something else). */
static json_t *resolve_plain(const char *v, size_t n)
{
	char *end;
	if (n == 0 || (n == 1 && v[0] == '~') || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	    strcmp(v, "NULL") == 0)
		return json_null();
	if (strcmp(v, "true") == 0 || strcmp(v, "True") == 0 || strcmp(v, "TRUE") == 0)
		return json_true();
	if (strcmp(v, "false") == 0 || strcmp(v, "False") == 0 || strcmp(v, "FALSE") == 0)
		return json_false();
	{
		const char *p = v;
		int base = 10;
		if (*p == '-' || *p == '+')
			p++;
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'o')) {
			base = p[1] == 'x' ? 16 : 8;
			p += 2;
			if (*p == '\0')
				goto notint;
			if (v[0] == '-' || v[0] == '+')
				goto notint; /* the core schema has no signed hex/octal */
		} else if (*p == '\0') {
			goto notint;
		}
		for (const char *q = p; *q; q++)
			if (!((*q >= '0' && *q <= '9') ||
			      (base == 16 && ((*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F')))))
				goto notint;
		errno = 0;
		long long x = strtoll(base == 10 ? v : p, &end, base);
		if (errno == 0 && *end == '\0')
			return json_integer((json_int_t)x);
	}
notint:
	{
		/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
		const char *p = v;
		int digits = 0;
		if (*p == '-' || *p == '+')
			p++;
		while (*p >= '0' && *p <= '9')
			p++, digits++;
		if (*p == '.') {
			p++;
			while (*p >= '0' && *p <= '9')
				p++, digits++;
		}
		if (digits && (*p == 'e' || *p == 'E')) {
			p++;
			if (*p == '-' || *p == '+')
				p++;
			if (!(*p >= '0' && *p <= '9'))
				goto str;
			while (*p >= '0' && *p <= '9')
				p++;
		}
		if (digits && *p == '\0')
			return json_real(strtod(v, NULL));
	}
str:
	return json_stringn(v, n);
}

typedef struct yframe {
	json_t *v;
	fo_pos pos;
	char *key;       /* mapping: the pending key (owned), NULL when none */
	int have_key;
	size_t start;    /* expanded-node count at the start (anchors) */
	char *anchor;    /* owned */
	int items;       /* this sequence is the root's "items" */
} yframe;

typedef struct yanchor {
	char *name;
	json_t *v;       /* borrowed: alive in the document */
	size_t size;     /* expanded nodes */
} yanchor;

typedef struct yconv {
	yframe *st;
	size_t depth, cap;
	yanchor *an;
	size_t nan, capan;
	size_t expanded, events, budget;
	json_t *root;
	fo_pos rootpos;
	fo_pos *itempos;
	size_t nitempos, capitempos;
} yconv;

static fo_pos ymark(yaml_mark_t mk)
{
	return (fo_pos){ (uint32_t)mk.line + 1, (uint32_t)mk.column + 1 };
}

static void yconv_reset(yconv *c)
{
	while (c->depth) {
		yframe *f = &c->st[--c->depth];
		json_decref(f->v);
		free(f->key);
		free(f->anchor);
	}
	for (size_t i = 0; i < c->nan; i++)
		free(c->an[i].name);
	c->nan = 0;
	json_decref(c->root);
	c->root = NULL;
	c->nitempos = 0;
	c->expanded = 0;
	c->events = 0;
}

static void yconv_dispose(yconv *c)
{
	yconv_reset(c);
	free(c->st);
	free(c->an);
	free(c->itempos);
}

/* Attaches v (stolen) to the open container or makes it the root.
 * Returns FO_OK, FO_ENOMEM, or FO_EINPUT (a key that is not a scalar). */
static int yattach(yconv *c, json_t *v, int is_scalar, fo_pos pos)
{
	if (!v)
		return FO_ENOMEM;
	if (c->depth == 0) {
		c->root = v;
		c->rootpos = pos;
		return FO_OK;
	}
	yframe *f = &c->st[c->depth - 1];
	if (json_is_array(f->v)) {
		if (f->items && json_is_object(v)) {
			if (c->nitempos == c->capitempos) {
				size_t cap = c->capitempos ? 2 * c->capitempos : 64;
				fo_pos *n = realloc(c->itempos, cap * sizeof *n);
				if (!n) {
					json_decref(v);
					return FO_ENOMEM;
				}
				c->itempos = n;
				c->capitempos = cap;
			}
			/* items[i] of the root: the index is the array's size. */
			size_t i = json_array_size(f->v);
			while (c->nitempos < i)
				c->itempos[c->nitempos++] = (fo_pos){ 0, 0 };
			c->itempos[c->nitempos++] = pos;
		}
		return json_array_append_new(f->v, v) == 0 ? FO_OK : FO_ENOMEM;
	}
	if (!f->have_key) {
		if (!is_scalar) {
			json_decref(v);
			return FO_EINPUT;
		}
		/* A key: its text, whatever type the scalar resolved to. */
		const char *t = json_string_value(v);
		char num[64];
		if (!t) {
			if (json_is_integer(v))
				snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
			else if (json_is_real(v))
				snprintf(num, sizeof num, "%.17g", json_real_value(v));
			else
				snprintf(num, sizeof num, "%s",
					 json_is_true(v) ? "true" : json_is_false(v) ? "false" : "null");
			t = num;
		}
		f->key = strdup(t);
		json_decref(v);
		if (!f->key)
			return FO_ENOMEM;
		f->have_key = 1;
		return FO_OK;
	}
	int r = json_object_set_new(f->v, f->key, v);
	free(f->key);
	f->key = NULL;
	f->have_key = 0;
	return r == 0 ? FO_OK : FO_ENOMEM;
}

static int yremember(yconv *c, const char *name, json_t *v, size_t size)
{
	if (c->nan == c->capan) {
		size_t cap = c->capan ? 2 * c->capan : 16;
		yanchor *n = realloc(c->an, cap * sizeof *n);
		if (!n)
			return FO_ENOMEM;
		c->an = n;
		c->capan = cap;
	}
	if (!(c->an[c->nan].name = strdup(name)))
		return FO_ENOMEM;
	c->an[c->nan].v = v;
	c->an[c->nan].size = size;
	c->nan++;
	return FO_OK;
}

static const yanchor *yfind(const yconv *c, const char *name)
{
	/* The latest definition wins (YAML allows redefining an anchor). */
	for (size_t i = c->nan; i-- > 0;)
		if (strcmp(c->an[i].name, name) == 0)
			return &c->an[i];
	return NULL;
}

static int ypush(yconv *c, json_t *v, fo_pos pos, const char *anchor, int items)
{
	if (!v)
		return FO_ENOMEM;
	if (c->depth == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 32;
		yframe *n = realloc(c->st, cap * sizeof *n);
		if (!n) {
			json_decref(v);
			return FO_ENOMEM;
		}
		c->st = n;
		c->cap = cap;
	}
	char *a = NULL;
	if (anchor && !(a = strdup(anchor))) {
		json_decref(v);
		return FO_ENOMEM;
	}
	c->st[c->depth++] = (yframe){ v, pos, NULL, 0, c->expanded, a, items };
	return FO_OK;
}

static int load_yaml(k8s_set *s, uint32_t file, const char *buf, size_t len, int lenient)
{
	yaml_parser_t p;
	yaml_event_t ev;
	yconv c;
	int err = FO_OK, done = 0, docs_err = FO_OK;

	memset(&c, 0, sizeof c);
	c.budget = (size_t)1 << 20;
	if (!yaml_parser_initialize(&p))
		return fail(s, FO_ENOMEM);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			if (p.error == YAML_MEMORY_ERROR) {
				err = fail(s, FO_ENOMEM);
				break;
			}
			fo_pos at = ymark(p.problem_mark);
			if (p.context)
				fo_k8s__error(s, file, at, "k8s-yaml", "YAML: %s %s (line %lu, column %lu)",
					      p.problem ? p.problem : "error", p.context,
					      (unsigned long)p.context_mark.line + 1,
					      (unsigned long)p.context_mark.column + 1);
			else
				fo_k8s__error(s, file, at, "k8s-yaml", "YAML: %s",
					      p.problem ? p.problem : "error");
			err = FO_EINPUT;
			break;
		}
		fo_pos pos = ymark(ev.start_mark);
		c.events++;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			yconv_reset(&c);
			break;
		case YAML_DOCUMENT_END_EVENT: {
			json_t *root = c.root ? c.root : json_null();
			c.root = NULL;
			int r = add_root(s, file, root, c.rootpos, c.itempos, c.nitempos, lenient);
			if (r == FO_EINPUT)
				docs_err = FO_EINPUT;
			else if (r != FO_OK)
				err = r;
			yconv_reset(&c);
			break;
		}
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT: {
			if (c.depth >= s->max_depth) {
				fo_k8s__error(s, file, pos, "k8s-limit",
					      "YAML nesting deeper than %zu levels (option max-depth)",
					      s->max_depth);
				err = FO_EINPUT;
				fail(s, FO_ELIMIT);
				break;
			}
			int is_map = ev.type == YAML_MAPPING_START_EVENT;
			const char *anchor = (const char *)(is_map ? ev.data.mapping_start.anchor
								   : ev.data.sequence_start.anchor);
			/* The root mapping's "items" sequence: its elements are located. */
			int items = !is_map && c.depth == 1 && json_is_object(c.st[0].v) &&
				    c.st[0].have_key && strcmp(c.st[0].key, "items") == 0;
			c.expanded++;
			err = ypush(&c, is_map ? json_object() : json_array(), pos, anchor, items);
			if (err != FO_OK)
				fail(s, err);
			break;
		}
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT: {
			yframe f = c.st[--c.depth];
			free(f.key);
			if (f.anchor) {
				err = yremember(&c, f.anchor, f.v, c.expanded - f.start);
				free(f.anchor);
				if (err != FO_OK) {
					json_decref(f.v);
					fail(s, err);
					break;
				}
			}
			err = yattach(&c, f.v, 0, f.pos);
			if (err == FO_EINPUT) {
				fo_k8s__error(s, file, f.pos, "k8s-yaml",
					      "YAML: a mapping key that is not a scalar is not supported");
			} else if (err != FO_OK) {
				fail(s, err);
			}
			break;
		}
		case YAML_SCALAR_EVENT: {
			const char *v = (const char *)ev.data.scalar.value;
			size_t n = ev.data.scalar.length;
			json_t *j;
			if (memchr(v, '\0', n)) {
				fo_k8s__error(s, file, pos, "k8s-yaml",
					      "YAML: a NUL character in a scalar is not supported");
				err = FO_EINPUT;
				break;
			}
			if (ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev.data.scalar.tag)
				j = resolve_plain(v, n);
			else
				j = json_stringn(v, n);
			c.expanded++;
			if (j && ev.data.scalar.anchor &&
			    (err = yremember(&c, (const char *)ev.data.scalar.anchor, j, 1)) != FO_OK) {
				json_decref(j);
				fail(s, err);
				break;
			}
			err = yattach(&c, j, 1, pos);
			if (err != FO_OK && err != FO_EINPUT)
				fail(s, err);
			break;
		}
		case YAML_ALIAS_EVENT: {
			const yanchor *a = yfind(&c, (const char *)ev.data.alias.anchor);
			if (!a) {
				fo_k8s__error(s, file, pos, "k8s-yaml",
					      "YAML: alias *%s names no anchor defined before it",
					      (const char *)ev.data.alias.anchor);
				err = FO_EINPUT;
				break;
			}
			/* Shared by reference (no copy): but every walk over the
			 * document would see it expanded, hence the budget. */
			c.expanded += a->size;
			if (c.expanded > c.budget && c.expanded > 4 * c.events) {
				fo_k8s__error(s, file, pos, "k8s-limit",
					      "YAML aliases expand this document to more than %zu nodes: "
					      "refused (an alias bomb?)",
					      c.budget);
				err = FO_EINPUT;
				fail(s, FO_ELIMIT);
				break;
			}
			err = yattach(&c, json_incref(a->v), json_is_string(a->v), pos);
			if (err == FO_EINPUT)
				fo_k8s__error(s, file, pos, "k8s-yaml",
					      "YAML: a mapping key that is not a scalar is not supported");
			else if (err != FO_OK)
				fail(s, err);
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (err != FO_OK)
			break;
	}
	yconv_dispose(&c);
	yaml_parser_delete(&p);
	if (err == FO_OK)
		err = docs_err;
	return err;
}

/* ------------------------------------------------------------ files */

static int read_all(k8s_set *s, uint32_t file, const char *path, char **out, size_t *outlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int err = FO_OK;

	*out = NULL;
	if (fd < 0) {
		fo_k8s__error(s, file, (fo_pos){ 0, 0 }, "k8s-io", "cannot open: %s", strerror(errno));
		return fail(s, FO_EIO);
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if ((size_t)st.st_size > s->max_bytes) {
			fo_k8s__error(s, file, (fo_pos){ 0, 0 }, "k8s-limit",
				      "%lld bytes: larger than the limit of %zu bytes (option max-bytes)",
				      (long long)st.st_size, s->max_bytes);
			err = fail(s, FO_ELIMIT);
			goto done;
		}
		cap = (size_t)st.st_size + 1;
	}
	if (cap < 4096)
		cap = 4096;
	if (!(buf = malloc(cap))) {
		err = fail(s, FO_ENOMEM);
		goto done;
	}
	for (;;) {
		if (len + 1 >= cap) {
			if (cap > s->max_bytes) {
				fo_k8s__error(s, file, (fo_pos){ 0, 0 }, "k8s-limit",
					      "larger than the limit of %zu bytes (option max-bytes)",
					      s->max_bytes);
				err = fail(s, FO_ELIMIT);
				goto done;
			}
			char *n = realloc(buf, cap * 2);
			if (!n) {
				err = fail(s, FO_ENOMEM);
				goto done;
			}
			buf = n;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + len, cap - 1 - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fo_k8s__error(s, file, (fo_pos){ 0, 0 }, "k8s-io", "cannot read: %s",
				      strerror(errno));
			err = fail(s, FO_EIO);
			goto done;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > s->max_bytes) {
		fo_k8s__error(s, file, (fo_pos){ 0, 0 }, "k8s-limit",
			      "larger than the limit of %zu bytes (option max-bytes)", s->max_bytes);
		err = fail(s, FO_ELIMIT);
		goto done;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	buf = NULL;
done:
	free(buf);
	close(fd);
	return err;
}

static int load_file(k8s_set *s, const char *path, int lenient)
{
	uint32_t file;
	char *buf = NULL;
	size_t len = 0, off = 0;
	int err;

	if ((err = add_file(s, path, &file)) != FO_OK)
		return fail(s, err);
	if ((err = read_all(s, file, path, &buf, &len)) != FO_OK)
		return err;
	const unsigned char *u = (const unsigned char *)buf;
	if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
		fo_k8s__error(s, file, (fo_pos){ 1, 1 }, "k8s-encoding",
			      "UTF-16 or UTF-32: Kubernetes JSON and YAML are read as UTF-8 "
			      "(convert with iconv -t UTF-8)");
		err = FO_EINPUT;
		goto done;
	}
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		off = 3;
	{
		size_t i = off;
		while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
			i++;
		int json = ends_with(path, ".json") || (i < len && (buf[i] == '{' || buf[i] == '['));
		if (json)
			err = load_json(s, file, buf + off, len - off, lenient);
		else
			err = load_yaml(s, file, buf + off, len - off, lenient);
	}
done:
	free(buf);
	return err;
}

static int wanted(const char *name)
{
	return ends_with(name, ".yaml") || ends_with(name, ".yml") || ends_with(name, ".json");
}

static int note_skipped_file(k8s_set *s, const char *rel)
{
	if (s->nskipped_files == s->capskipped) {
		size_t cap = s->capskipped ? 2 * s->capskipped : 8;
		char **n = realloc(s->skipped_files, cap * sizeof *n);
		if (!n)
			return FO_ENOMEM;
		s->skipped_files = n;
		s->capskipped = cap;
	}
	if (!(s->skipped_files[s->nskipped_files] = strdup(rel)))
		return FO_ENOMEM;
	s->nskipped_files++;
	return FO_OK;
}

/* Walks dir, depth levels below root (as given; its real path rootreal). */
static int walk(k8s_set *s, const char *root, const char *rootreal, const char *dir, size_t depth)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort), i, err = FO_OK;
	uint32_t f;

	if (n < 0) {
		if (add_file(s, dir, &f) != FO_OK)
			return fail(s, FO_ENOMEM);
		fo_k8s__error(s, f, (fo_pos){ 0, 0 }, "k8s-io", "cannot read the directory: %s",
			      strerror(errno));
		return fail(s, FO_EIO);
	}
	for (i = 0; i < n && err == FO_OK; i++) {
		const char *name = ents[i]->d_name;
		char *path = NULL;
		struct stat st;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		size_t need = strlen(dir) + strlen(name) + 2;
		if (!(path = malloc(need))) {
			err = fail(s, FO_ENOMEM);
			break;
		}
		snprintf(path, need, "%s/%s", dir, name);
		if (++s->nfiles_walked > s->max_files) {
			if (add_file(s, path, &f) == FO_OK)
				fo_k8s__error(s, f, (fo_pos){ 0, 0 }, "k8s-limit",
					      "the directory holds more than %zu entries (option max-files)",
					      s->max_files);
			free(path);
			err = fail(s, FO_ELIMIT);
			break;
		}
		if (lstat(path, &st) != 0) {
			free(path);
			continue; /* vanished while walking */
		}
		if (S_ISLNK(st.st_mode)) {
			char *real = realpath(path, NULL);
			size_t rl = strlen(rootreal);
			int inside = real && strncmp(real, rootreal, rl) == 0 &&
				     (real[rl] == '/' || real[rl] == '\0');
			struct stat tst;
			if (!inside || stat(path, &tst) != 0 || !S_ISREG(tst.st_mode)) {
				if (add_file(s, path, &f) != FO_OK)
					err = fail(s, FO_ENOMEM);
				else
					fo_k8s__warn(s, f, (fo_pos){ 0, 0 }, "k8s-symlink",
						     inside ? "a symbolic link to a directory or a special file: not followed"
							    : "a symbolic link out of the directory: not followed");
				free(real);
				free(path);
				continue;
			}
			free(real);
			st = tst;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth + 1 > s->max_dir_depth) {
				if (add_file(s, path, &f) == FO_OK)
					fo_k8s__error(s, f, (fo_pos){ 0, 0 }, "k8s-limit",
						      "directories nested deeper than %zu levels "
						      "(option max-dir-depth)",
						      s->max_dir_depth);
				err = fail(s, FO_ELIMIT);
			} else {
				err = walk(s, root, rootreal, path, depth + 1);
				if (err == FO_EINPUT)
					err = FO_OK; /* keep reading: all errors in one run */
			}
		} else if (S_ISREG(st.st_mode) && wanted(name)) {
			err = load_file(s, path, 1);
			if (err == FO_EINPUT)
				err = FO_OK;
		} else {
			/* named relative to the directory given */
			err = note_skipped_file(s, path + strlen(root) + 1);
			if (err != FO_OK)
				fail(s, err);
		}
		free(path);
	}
	for (int j = 0; j < n; j++)
		free(ents[j]);
	free(ents);
	return err;
}

int fo_k8s__load(k8s_set *s, const char *path)
{
	struct stat st;
	uint32_t f;

	if (stat(path, &st) != 0) {
		if (add_file(s, path, &f) != FO_OK)
			return fail(s, FO_ENOMEM);
		fo_k8s__error(s, f, (fo_pos){ 0, 0 }, "k8s-io", "cannot open: %s", strerror(errno));
		return fail(s, FO_EIO);
	}
	if (S_ISDIR(st.st_mode)) {
		char *real = realpath(path, NULL), *root = strdup(path);
		int err;
		if (!real || !root) {
			free(real);
			free(root);
			return fail(s, FO_ENOMEM);
		}
		/* "dir/" names its files "dir/x", not "dir//x". */
		for (size_t n = strlen(root); n > 1 && root[n - 1] == '/'; n--)
			root[n - 1] = '\0';
		err = walk(s, root, real, root, 0);
		free(real);
		free(root);
		return err;
	}
	return load_file(s, path, 0);
}
