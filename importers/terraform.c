/*
 * terraform.c — the Terraform importer (fo_terraform.h): state files and
 * `terraform show -json` of states and plans, into the import model.
 *
 * Reading is in three steps over the parsed document (jansson):
 *   1. walk the format (show-json modules at any depth, raw v4 resources and
 *      instances, raw v3 modules with their flat maps unflattened) into one
 *      array of resource instances, each with its address, type, attributes
 *      and creation-order dependencies;
 *   2. make a node of each managed instance (or fold it into the node it
 *      belongs to: a listener into its load balancer), and index the cloud
 *      ids (id, arn, self_link) per class of resource, so that a reference
 *      by id (instance.subnet_id) finds the resource it names;
 *   3. run each type's rule (terraform_rules.c): placement into zone and
 *      region nodes made here, and dependencies collected as links, then
 *      sorted by owner and written as the model's groups.
 * The design and every rule are in docs/importers/terraform.md.
 *
 * Secrets: states hold passwords. Nothing of an instance's attributes is
 * copied but through a per-type allow-list (tf_rule.keep), and messages
 * quote addresses, ids and JSON paths, never values.
 */
#include <errno.h>
#include <iconv.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../graphs/fo_error.h"
#include "../graphs/fo_xxh64.h"
#include "fo_terraform.h"
#include "terraform_int.h"

/* ------------------------------------------------------------ diagnostics */

void tf__diag(tf_ctx *c, fo_severity sev, const char *code, unsigned long line,
	      unsigned long col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (fo_diag_vadd_code(c->d, sev, code, c->file, line, col, NULL, fmt, ap) != FO_OK &&
	    c->err == FO_OK)
		c->err = FO_ENOMEM;
	va_end(ap);
	if (sev == FO_SEV_ERROR)
		c->errors++;
	/* Counted in the summary line as well as said. */
	if (sev == FO_SEV_WARNING && !strcmp(code, "dangling-reference"))
		fo_model_count_dangling(c->m, 1);
}

int tf__status(tf_ctx *c, int err)
{
	if (err != FO_OK && c->err == FO_OK)
		c->err = err;
	return err;
}

/* --------------------------------------------------------------- the map */

static uint64_t map_hash(uint8_t cls, const char *s, size_t len)
{
	return fo_xxh64(s, len, cls);
}

static int map_grow(tf_map *mp)
{
	size_t cap = mp->cap ? mp->cap * 2 : 256;
	tf_ent *e = calloc(cap, sizeof *e);
	if (!e)
		return FO_ENOMEM;
	for (size_t i = 0; i < mp->cap; i++) {
		if (!mp->e[i].s)
			continue;
		size_t j = mp->e[i].h & (cap - 1);
		while (e[j].s)
			j = (j + 1) & (cap - 1);
		e[j] = mp->e[i];
	}
	free(mp->e);
	mp->e = e;
	mp->cap = cap;
	return FO_OK;
}

int tf__map_get(const tf_map *mp, uint8_t cls, const char *s, size_t len, uint32_t *out)
{
	if (!mp->cap)
		return 0;
	uint64_t h = map_hash(cls, s, len);
	for (size_t j = h & (mp->cap - 1);; j = (j + 1) & (mp->cap - 1)) {
		const tf_ent *e = &mp->e[j];
		if (!e->s)
			return 0;
		if (e->h == h && e->cls == cls && e->len == len && memcmp(e->s, s, len) == 0) {
			*out = e->val;
			return 1;
		}
	}
}

/* Inserts (cls, s) → val unless present; *old (may be NULL) receives the
 * value already there. s is borrowed: it must outlive the map. */
int tf__map_put(tf_map *mp, uint8_t cls, const char *s, size_t len, uint32_t val, uint32_t *old)
{
	if ((mp->n + 1) * 2 > mp->cap && map_grow(mp) != FO_OK)
		return FO_ENOMEM;
	uint64_t h = map_hash(cls, s, len);
	size_t j = h & (mp->cap - 1);
	for (;; j = (j + 1) & (mp->cap - 1)) {
		tf_ent *e = &mp->e[j];
		if (!e->s)
			break;
		if (e->h == h && e->cls == cls && e->len == len && memcmp(e->s, s, len) == 0) {
			if (old)
				*old = e->val;
			return FO_OK;
		}
	}
	mp->e[j] = (tf_ent){ s, len, h, val, cls };
	mp->n++;
	if (old)
		*old = UINT32_MAX;
	return FO_OK;
}

/* ------------------------------------------------------------ JSON helpers */

const char *tf__str(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	return s && *s ? s : NULL;
}

int tf__bool(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_true(v))
		return 1;
	return json_is_string(v) && strcmp(json_string_value(v), "true") == 0;
}

/* An integer attribute (v3 flat maps hold numbers as strings); def when
 * absent or not a number. */
long long tf__int(const json_t *o, const char *key, long long def)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		errno = 0;
		long long x = strtoll(s, &end, 10);
		if (*s && !*end && errno == 0)
			return x;
	}
	return def;
}

/* The first element of a one-block list (Terraform's nested blocks:
 * settings[0]), or the object itself. */
const json_t *tf__block(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_array(v))
		v = json_array_get(v, 0);
	return json_is_object(v) ? v : NULL;
}

/* ------------------------------------------------------------- ids, names */

/* An id the model and every output can take: 1..TF_ID_MAX bytes, no
 * control character (jansson has already refused invalid UTF-8). Returns
 * NULL when usable, else why not. */
const char *tf__bad_id(const char *s, size_t len)
{
	if (len == 0)
		return "it is empty";
	if (len > TF_ID_MAX)
		return "it is too long";
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7f)
			return "it holds a control character";
		/* U+0080..U+009F, the C1 controls, as UTF-8 (C2 80..C2 9F). */
		if (ch == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] < 0xa0)
			return "it holds a control character";
	}
	return NULL;
}

/* Appends Terraform's rendering of an instance key: [N] or ["KEY"] with
 * '"' and '\' escaped as HCL does. */
static int append_index(char **buf, size_t *len, size_t *cap, const json_t *key)
{
	char num[32];
	const char *s = NULL;
	if (json_is_integer(key)) {
		snprintf(num, sizeof num, "[%lld", (long long)json_integer_value(key));
		s = num;
	} else if (!json_is_string(key)) {
		return FO_EINPUT;
	}
	size_t need = *len + 8 + (s ? strlen(s) : 2 * json_string_length(key));
	if (need > *cap) {
		size_t nc = need * 2;
		char *nb = realloc(*buf, nc);
		if (!nb)
			return FO_ENOMEM;
		*buf = nb;
		*cap = nc;
	}
	char *p = *buf + *len;
	if (s) {
		size_t l = strlen(s);
		memcpy(p, s, l);
		p += l;
	} else {
		const char *k = json_string_value(key);
		size_t kl = json_string_length(key);
		*p++ = '[';
		*p++ = '"';
		for (size_t i = 0; i < kl; i++) {
			if (k[i] == '"' || k[i] == '\\')
				*p++ = '\\';
			*p++ = k[i];
		}
		*p++ = '"';
	}
	*p++ = ']';
	*p = '\0';
	*len = (size_t)(p - *buf);
	return FO_OK;
}

/* ------------------------------------------------------- resource records */

static int res_push(tf_ctx *c, tf_res **out)
{
	if (c->nres == c->capres) {
		size_t cap = c->capres ? c->capres * 2 : 64;
		if (cap > UINT32_MAX / 2)
			return FO_ELIMIT;
		tf_res *r = realloc(c->res, cap * sizeof *r);
		if (!r)
			return FO_ENOMEM;
		c->res = r;
		c->capres = cap;
	}
	*out = &c->res[c->nres++];
	memset(*out, 0, sizeof **out);
	(*out)->node = FO_NONE;
	(*out)->next_base = UINT32_MAX;
	return FO_OK;
}

/* Records one resource instance. addr and path are taken (freed by the
 * context, even on error); baselen: the address without its instance key. */
static int res_add(tf_ctx *c, char *addr, size_t baselen, size_t modlen, const char *type,
		   int data, json_t *attrs, json_t *deps, const char *deps_key, char *path)
{
	tf_res *r;
	int err = res_push(c, &r);
	if (err != FO_OK) {
		free(addr);
		free(path);
		return tf__status(c, err);
	}
	r->addr = addr;
	r->path = path;
	r->addrlen = strlen(addr);
	r->baselen = baselen <= r->addrlen ? baselen : r->addrlen;
	r->modlen = modlen <= r->baselen ? modlen : 0;
	r->type = type;
	r->data = data != 0;
	r->attrs = json_is_object(attrs) ? attrs : NULL;
	r->deps = json_is_array(deps) ? deps : NULL;
	r->deps_key = deps_key;
	const char *why = tf__bad_id(addr, r->addrlen);
	char sb[FO_DIAG_SHORT_BUF];
	if (why) {
		tf__diag(c, FO_SEV_ERROR, "terraform-address", 0, 0,
			 "%s: the address \"%s\" cannot be an id: %s (%zu bytes; at most %d, no "
			 "control characters)", path, fo_diag_shorten(addr, sb), why, r->addrlen,
			 TF_ID_MAX);
		r->bad = 1;
	}
	if (!type || tf__bad_id(type, strlen(type)) || strlen(type) > 128) {
		tf__diag(c, FO_SEV_ERROR, "terraform-resource", 0, 0,
			 "%s (%s): no usable \"type\"", path, fo_diag_shorten(addr, sb));
		r->bad = 1;
		r->type = "?";
	}
	if (!r->bad && attrs && !json_is_object(attrs)) {
		tf__diag(c, FO_SEV_ERROR, "terraform-resource", 0, 0,
			 "%s (%s): the attributes are not an object", path,
			 fo_diag_shorten(addr, sb));
		r->bad = 1;
	}
	return FO_OK;
}

/* Keeps a reference to a value the context must free (v3's unflattened
 * attributes). */
static int keep_owned(tf_ctx *c, json_t *v)
{
	if (c->nowned == c->capowned) {
		size_t cap = c->capowned ? c->capowned * 2 : 16;
		json_t **o = realloc(c->owned, cap * sizeof *o);
		if (!o) {
			json_decref(v);
			return FO_ENOMEM;
		}
		c->owned = o;
		c->capowned = cap;
	}
	c->owned[c->nowned++] = v;
	return FO_OK;
}

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* ---------------------------------------------------- show -json (and plan) */

/* One module of `terraform show -json` (values.root_module or a child):
 * its resources, then its children, depth-first (document order). */
static void walk_show_module(tf_ctx *c, const json_t *mod, const char *path, unsigned depth)
{
	if (c->err != FO_OK)
		return;
	if (!json_is_object(mod)) {
		tf__diag(c, FO_SEV_ERROR, "terraform-format", 0, 0, "%s: a module is not an object",
			 path);
		return;
	}
	if (depth > TF_MAX_MODULE_DEPTH) {
		tf__diag(c, FO_SEV_ERROR, "terraform-limit", 0, 0,
			 "%s: modules nested deeper than %d levels", path, TF_MAX_MODULE_DEPTH);
		return;
	}
	const char *maddr = tf__str(mod, "address");
	size_t modlen = maddr ? strlen(maddr) + 1 : 0;
	const json_t *rs = json_object_get(mod, "resources");
	if (rs && !json_is_array(rs))
		tf__diag(c, FO_SEV_ERROR, "terraform-format", 0, 0,
			 "%s.resources: not an array", path);
	size_t i;
	json_t *r;
	json_array_foreach(rs, i, r) {
		char *rp = xprintf("%s.resources[%zu]", path, i);
		if (!rp) {
			tf__status(c, FO_ENOMEM);
			return;
		}
		const char *addr = tf__str(r, "address");
		const char *type = tf__str(r, "type");
		if (!json_is_object(r) || !addr) {
			tf__diag(c, FO_SEV_ERROR, "terraform-resource", 0, 0,
				 "%s: a resource without an \"address\"", rp);
			free(rp);
			continue;
		}
		char *a = strdup(addr);
		size_t alen = strlen(addr), baselen = alen;
		const json_t *index = json_object_get(r, "index");
		if (a && index) {
			/* The address ends with the rendered index: strip it. */
			char *suf = NULL;
			size_t sl = 0, sc = 0;
			if (append_index(&suf, &sl, &sc, index) == FO_OK && sl <= alen &&
			    memcmp(a + alen - sl, suf, sl) == 0)
				baselen = alen - sl;
			free(suf);
		}
		if (!a) {
			free(rp);
			tf__status(c, FO_ENOMEM);
			return;
		}
		const char *mode = tf__str(r, "mode");
		int data = mode && strcmp(mode, "data") == 0;
		json_t *vals = json_object_get(r, "values");
		const json_t *prior = c->prior ? json_object_get(c->prior, addr) : NULL;
		if (json_is_object(vals) && json_is_object(prior)) {
			/* A plan: what the plan leaves unknown (omitted) is taken from
			 * the prior state (a zone, an id of a resource updated in place). */
			json_t *merged = json_copy((json_t *)prior);
			if (!merged || json_object_update(merged, vals) || keep_owned(c, merged)) {
				json_decref(merged);
				free(a);
				free(rp);
				tf__status(c, FO_ENOMEM);
				return;
			}
			vals = merged;
		}
		res_add(c, a, baselen, modlen, type, data, vals, json_object_get(r, "depends_on"),
			"depends_on", rp);
		if (c->err != FO_OK)
			return;
	}
	const json_t *kids = json_object_get(mod, "child_modules");
	if (kids && !json_is_array(kids))
		tf__diag(c, FO_SEV_ERROR, "terraform-format", 0, 0,
			 "%s.child_modules: not an array", path);
	json_t *k;
	json_array_foreach(kids, i, k) {
		char *kp = xprintf("%s.child_modules[%zu]", path, i);
		if (!kp) {
			tf__status(c, FO_ENOMEM);
			return;
		}
		walk_show_module(c, k, kp, depth + 1);
		free(kp);
	}
}

/* A plan's prior_state, address → values, for the planned resources'
 * unknown values. Module depth bounded as in walk_show_module. */
static void index_prior(tf_ctx *c, const json_t *mod, unsigned depth)
{
	size_t i;
	json_t *r, *k;
	if (!json_is_object(mod) || depth > TF_MAX_MODULE_DEPTH || c->err != FO_OK)
		return;
	json_array_foreach(json_object_get(mod, "resources"), i, r) {
		const char *addr = tf__str(r, "address");
		json_t *v = json_object_get(r, "values");
		if (addr && json_is_object(v) && json_object_set(c->prior, addr, v))
			tf__status(c, FO_ENOMEM);
	}
	json_array_foreach(json_object_get(mod, "child_modules"), i, k)
		index_prior(c, k, depth + 1);
}

/* ------------------------------------------------------------ raw state v4 */

static void walk_v4(tf_ctx *c, const json_t *root)
{
	const json_t *rs = json_object_get(root, "resources");
	if (!json_is_array(rs)) {
		tf__diag(c, FO_SEV_ERROR, "terraform-format", 0, 0,
			 "resources: not an array (a version 4 state has one)");
		return;
	}
	size_t i, j;
	json_t *r, *inst;
	json_array_foreach(rs, i, r) {
		const char *module = tf__str(r, "module");
		const char *mode = tf__str(r, "mode");
		const char *type = tf__str(r, "type");
		const char *name = tf__str(r, "name");
		const json_t *insts = json_object_get(r, "instances");
		if (!json_is_object(r) || !type || !name || !json_is_array(insts)) {
			tf__diag(c, FO_SEV_ERROR, "terraform-resource", 0, 0,
				 "resources[%zu]: a resource needs \"type\", \"name\" and an "
				 "\"instances\" array", i);
			continue;
		}
		int data = mode && strcmp(mode, "data") == 0;
		json_array_foreach(insts, j, inst) {
			char *path = xprintf("resources[%zu].instances[%zu]", i, j);
			char *a = xprintf("%s%s%s%s.%s", module ? module : "", module ? "." : "",
					  data ? "data." : "", type, name);
			if (!path || !a) {
				free(path);
				free(a);
				tf__status(c, FO_ENOMEM);
				return;
			}
			size_t len = strlen(a), cap = len + 1, baselen = len;
			const json_t *key = json_object_get(inst, "index_key");
			if (!json_is_object(inst)) {
				tf__diag(c, FO_SEV_ERROR, "terraform-resource", 0, 0,
					 "%s: an instance is not an object", path);
				free(path);
				free(a);
				continue;
			}
			if (key && !json_is_null(key)) {
				int err = append_index(&a, &len, &cap, key);
				if (err == FO_EINPUT) {
					tf__diag(c, FO_SEV_ERROR, "terraform-resource", 0, 0,
						 "%s.index_key: neither a number nor a string",
						 path);
					free(path);
					free(a);
					continue;
				}
				if (err != FO_OK) {
					free(path);
					free(a);
					tf__status(c, err);
					return;
				}
			}
			if (tf__str(inst, "deposed")) {
				/* An object being replaced (create_before_destroy):
				 * its replacement is the instance without deposed. */
				tf__count(c, type);
				tf__status(c, fo_model_skip(c->m, type, a,
							    "deposed object (being replaced)"));
				free(path);
				free(a);
				continue;
			}
			json_t *attrs = json_object_get(inst, "attributes");
			const json_t *flat = json_object_get(inst, "attributes_flat");
			if (!attrs && json_is_object(flat)) {
				attrs = tf__unflatten(c, flat, path);
				if (!attrs) {
					free(path);
					free(a);
					continue;
				}
				if (keep_owned(c, attrs) != FO_OK) {
					free(path);
					free(a);
					tf__status(c, FO_ENOMEM);
					return;
				}
			}
			const char *dk = "dependencies";
			json_t *deps = json_object_get(inst, dk);
			if (!deps) {
				dk = "depends_on"; /* early 0.12 */
				deps = json_object_get(inst, dk);
			}
			size_t modlen = module ? strlen(module) + 1 : 0;
			const char *status = tf__str(inst, "status");
			size_t n0 = c->nres;
			res_add(c, a, baselen, modlen, type, data, attrs, deps, dk, path);
			if (c->err != FO_OK)
				return;
			if (c->nres > n0 && status && strcmp(status, "tainted") == 0)
				c->res[c->nres - 1].tainted = 1;
		}
	}
}

/* ------------------------------------------------------------ raw state v3 */

/* "aws_instance.web.0" / "data.aws_ami.x" of Terraform 0.11 → type, name
 * and index; 0 when the key has no type.name shape. */
static int v3_key(const char *key, int *data, const char **type, size_t *tlen,
		  const char **name, size_t *nlen, long *index)
{
	*data = strncmp(key, "data.", 5) == 0;
	if (*data)
		key += 5;
	const char *dot = strchr(key, '.');
	if (!dot || dot == key || !dot[1])
		return 0;
	*type = key;
	*tlen = (size_t)(dot - key);
	*name = dot + 1;
	*nlen = strlen(*name);
	*index = -1;
	const char *d2 = strrchr(*name, '.');
	if (d2 && d2[1] && strspn(d2 + 1, "0123456789") == strlen(d2 + 1) &&
	    strlen(d2 + 1) < 10) {
		*index = strtol(d2 + 1, NULL, 10);
		*nlen = (size_t)(d2 - *name);
	}
	return *nlen > 0;
}

static void walk_v3(tf_ctx *c, const json_t *root)
{
	const json_t *mods = json_object_get(root, "modules");
	if (!json_is_array(mods)) {
		tf__diag(c, FO_SEV_ERROR, "terraform-format", 0, 0,
			 "modules: not an array (a version 3 state has one)");
		return;
	}
	size_t i, j;
	json_t *mod, *seg;
	json_array_foreach(mods, i, mod) {
		const json_t *p = json_object_get(mod, "path");
		const json_t *rs = json_object_get(mod, "resources");
		if (!json_is_object(mod) || !json_is_array(p) || (rs && !json_is_object(rs))) {
			tf__diag(c, FO_SEV_ERROR, "terraform-format", 0, 0,
				 "modules[%zu]: a module needs a \"path\" array and a "
				 "\"resources\" object", i);
			continue;
		}
		if (json_array_size(p) > TF_MAX_MODULE_DEPTH + 1) {
			tf__diag(c, FO_SEV_ERROR, "terraform-limit", 0, 0,
				 "modules[%zu].path: modules nested deeper than %d levels", i,
				 TF_MAX_MODULE_DEPTH);
			continue;
		}
		/* ["root", "a", "b"] → "module.a.module.b." */
		size_t plen = 0;
		int ok = 1;
		json_array_foreach(p, j, seg) {
			if (!json_is_string(seg)) {
				ok = 0;
				break;
			}
			if (j > 0)
				plen += 8 + json_string_length(seg);
		}
		if (!ok) {
			tf__diag(c, FO_SEV_ERROR, "terraform-format", 0, 0,
				 "modules[%zu].path: not an array of strings", i);
			continue;
		}
		char *prefix = malloc(plen + 1);
		if (!prefix) {
			tf__status(c, FO_ENOMEM);
			return;
		}
		size_t off = 0;
		json_array_foreach(p, j, seg) {
			if (j == 0)
				continue;
			off += (size_t)sprintf(prefix + off, "module.%s.", json_string_value(seg));
		}
		prefix[off] = '\0';
		const char *key;
		json_t *r;
		json_object_foreach((json_t *)rs, key, r) {
			int data;
			const char *tn, *nm;
			size_t tl, nl;
			long index;
			char *path = xprintf("modules[%zu].resources[\"%s\"]", i, key);
			if (!path) {
				free(prefix);
				tf__status(c, FO_ENOMEM);
				return;
			}
			const json_t *primary = json_object_get(r, "primary");
			const char *type = tf__str(r, "type");
			if (!json_is_object(r) || !v3_key(key, &data, &tn, &tl, &nm, &nl, &index) ||
			    !type || !json_is_object(primary)) {
				tf__diag(c, FO_SEV_ERROR, "terraform-resource", 0, 0,
					 "%s: a resource needs a TYPE.NAME key, a \"type\" and a "
					 "\"primary\" object", path);
				free(path);
				continue;
			}
			char *a = index >= 0 ? xprintf("%s%s%.*s.%.*s[%ld]", prefix,
							 data ? "data." : "", (int)tl, tn,
							 (int)nl, nm, index)
					     : xprintf("%s%s%.*s.%.*s", prefix, data ? "data." : "",
						       (int)tl, tn, (int)nl, nm);
			if (!a) {
				free(path);
				free(prefix);
				tf__status(c, FO_ENOMEM);
				return;
			}
			size_t baselen = strlen(a);
			if (index >= 0)
				baselen = (size_t)(strrchr(a, '[') - a);
			json_t *attrs = NULL;
			const json_t *flat = json_object_get(primary, "attributes");
			if (json_is_object(flat)) {
				attrs = tf__unflatten(c, flat, path);
				if (!attrs) {
					free(a);
					free(path);
					continue;
				}
				if (keep_owned(c, attrs) != FO_OK) {
					free(a);
					free(path);
					free(prefix);
					tf__status(c, FO_ENOMEM);
					return;
				}
			}
			size_t n0 = c->nres;
			res_add(c, a, baselen, off, type, data, attrs, json_object_get(r, "depends_on"),
				"depends_on", path);
			if (c->err != FO_OK) {
				free(prefix);
				return;
			}
			if (c->nres > n0 && tf__bool(primary, "tainted"))
				c->res[c->nres - 1].tainted = 1;
		}
		free(prefix);
	}
}

/* Terraform 0.11 flat maps into nested values: "subnets.#" = "2" with
 * "subnets.1234" = "subnet-a" becomes "subnets": ["subnet-a", ...], and a
 * map (its "KEY.%" present) keeps the rest of a key whole ("tags.%" with
 * "tags.kubernetes.io/role" is tags: {"kubernetes.io/role": ...}). */
static int key_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = strlen(x), ly = strlen(y);
	int nx = strspn(x, "0123456789") == lx, ny = strspn(y, "0123456789") == ly;
	if (nx && ny && lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x, y);
}

static json_t *fix_lists(const json_t *v)
{
	if (!json_is_object(v))
		return json_incref((json_t *)v);
	size_t n = json_object_size(v), k = 0;
	int list = json_object_get(v, "#") != NULL;
	const char **keys = malloc((n ? n : 1) * sizeof *keys);
	json_t *out = list ? json_array() : json_object();
	if (!keys || !out) {
		free(keys);
		json_decref(out);
		return NULL;
	}
	const char *key;
	json_t *x;
	json_object_foreach((json_t *)v, key, x) {
		if (strcmp(key, "#") != 0 && strcmp(key, "%") != 0)
			keys[k++] = key;
	}
	if (list)
		qsort(keys, k, sizeof *keys, key_cmp);
	for (size_t i = 0; i < k; i++) {
		json_t *f = fix_lists(json_object_get(v, keys[i]));
		if (!f || (list ? json_array_append_new(out, f) : json_object_set_new(out, keys[i], f))) {
			free(keys);
			json_decref(out);
			return NULL;
		}
	}
	free(keys);
	return out;
}

json_t *tf__unflatten(tf_ctx *c, const json_t *flat, const char *path)
{
	json_t *maps = json_object(), *root = json_object(), *out = NULL;
	const char *key;
	json_t *v;
	if (!maps || !root)
		goto nomem;
	json_object_foreach((json_t *)flat, key, v) {
		size_t kl = strlen(key);
		if (kl >= 2 && strcmp(key + kl - 2, ".%") == 0 &&
		    json_object_setn_new(maps, key, kl - 2, json_true()))
			goto nomem;
	}
	json_object_foreach((json_t *)flat, key, v) {
		if (!json_is_string(v)) {
			tf__diag(c, FO_SEV_ERROR, "terraform-resource", 0, 0,
				 "%s: the flat attribute \"%s\" is not a string", path, key);
			continue;
		}
		json_t *cur = root;
		const char *p = key;
		unsigned seg = 0;
		for (;;) {
			const char *dot = strchr(p, '.');
			if (dot && p > key && json_object_getn(maps, key, (size_t)(p - 1 - key)))
				dot = NULL; /* the rest is one key of a map */
			if (!dot) {
				if (json_object_set(cur, p, v))
					goto nomem;
				break;
			}
			if (++seg > TF_MAX_FLAT_DEPTH) {
				tf__diag(c, FO_SEV_ERROR, "terraform-limit", 0, 0,
					 "%s: the flat attribute key \"%.60s...\" nests deeper than "
					 "%d levels", path, key, TF_MAX_FLAT_DEPTH);
				break;
			}
			json_t *child = json_object_getn(cur, p, (size_t)(dot - p));
			if (!json_is_object(child)) {
				child = json_object();
				if (!child || json_object_setn_new(cur, p, (size_t)(dot - p), child))
					goto nomem;
			}
			cur = child;
			p = dot + 1;
		}
	}
	out = fix_lists(root);
	if (!out)
		goto nomem;
	json_decref(maps);
	json_decref(root);
	return out;
nomem:
	json_decref(maps);
	json_decref(root);
	tf__status(c, FO_ENOMEM);
	return NULL;
}

/* ---------------------------------------------------------- reading bytes */

/* Reads the file whole, up to max bytes. */
static int read_file(tf_ctx *c, const char *path, size_t max, char **out, size_t *outlen)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int err = FO_OK;
	*out = NULL;
	if (!fp) {
		tf__diag(c, FO_SEV_ERROR, "io", 0, 0, "cannot open: %s", strerror(errno));
		return FO_EIO;
	}
	struct stat st;
	int regular = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode);
	if (regular && (unsigned long long)st.st_size > max) {
		tf__diag(c, FO_SEV_ERROR, "terraform-limit", 0, 0,
			 "the file has %lld bytes, over the limit of %zu (option max-bytes)",
			 (long long)st.st_size, max);
		err = FO_ELIMIT;
		goto done;
	}
	if (regular)
		cap = (size_t)st.st_size + 1; /* one read, and EOF seen by the second */
	for (;;) {
		if (len + 1 >= cap) {
			size_t nc = cap ? cap * 2 : 65536;
			char *nb = realloc(buf, nc);
			if (!nb) {
				err = FO_ENOMEM;
				goto done;
			}
			buf = nb;
			cap = nc;
		}
		if (!buf && !(buf = malloc(cap))) {
			err = FO_ENOMEM;
			goto done;
		}
		size_t got = fread(buf + len, 1, cap - len - 1, fp);
		len += got;
		if (len > max) {
			tf__diag(c, FO_SEV_ERROR, "terraform-limit", 0, 0,
				 "the file is over the limit of %zu bytes (option max-bytes)", max);
			err = FO_ELIMIT;
			goto done;
		}
		if (got == 0 || feof(fp)) {
			if (ferror(fp)) {
				tf__diag(c, FO_SEV_ERROR, "io", 0, 0, "cannot read: %s",
					 strerror(errno));
				err = FO_EIO;
			}
			break;
		}
	}
done:
	fclose(fp);
	if (err != FO_OK) {
		free(buf);
		return err;
	}
	if (!buf && !(buf = malloc(1)))
		return FO_ENOMEM;
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return FO_OK;
}

/* UTF-16 with a BOM → UTF-8 (glibc iconv). On invalid input, an error
 * located at the line and column (in characters) where it stopped. */
static int utf16_to_utf8(tf_ctx *c, const char *in, size_t n, int be, char **out, size_t *outlen)
{
	iconv_t cd = iconv_open("UTF-8", be ? "UTF-16BE" : "UTF-16LE");
	if (cd == (iconv_t)-1) {
		tf__diag(c, FO_SEV_ERROR, "terraform-encoding", 0, 0,
			 "UTF-16 cannot be converted here (iconv: %s)", strerror(errno));
		return FO_EINPUT;
	}
	size_t cap = n / 2 * 3 + 4; /* each unit: at most 3 bytes of UTF-8 */
	char *buf = malloc(cap), *op = buf;
	char *ip = (char *)in + 2; /* past the BOM */
	size_t il = n - 2, ol = cap - 1;
	int err = FO_OK;
	if (!buf) {
		iconv_close(cd);
		return FO_ENOMEM;
	}
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		int e = errno;
		unsigned long line = 1, col = 1;
		for (const char *q = buf; q < op; q++) {
			if (*q == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)*q & 0xc0) != 0x80) {
				col++;
			}
		}
		tf__diag(c, FO_SEV_ERROR, "terraform-encoding", line, col,
			 e == EINVAL ? "UTF-16: the file ends inside a character (truncated)"
				     : "UTF-16: invalid code unit sequence at byte %zu of the file",
			 (size_t)(ip - in));
		err = FO_EINPUT;
	}
	iconv_close(cd);
	if (err != FO_OK) {
		free(buf);
		return err;
	}
	*op = '\0';
	*out = buf;
	*outlen = (size_t)(op - buf);
	return FO_OK;
}

/* ------------------------------------------------------------ the read */

static const char *format_of(tf_ctx *c, const json_t *root, int *fmt)
{
	const char *fv = tf__str(root, "format_version");
	const json_t *ver = json_object_get(root, "version");
	*fmt = TF_FMT_NONE;
	if (fv) {
		if (!(fv[0] == '0' || fv[0] == '1') || fv[1] != '.') {
			tf__diag(c, FO_SEV_ERROR, "terraform-format", 0, 0,
				 "format_version \"%.20s\" is not supported (0.x and 1.x are)", fv);
			return NULL;
		}
		if (json_object_get(root, "planned_values")) {
			*fmt = TF_FMT_PLAN;
			return "planned_values";
		}
		*fmt = TF_FMT_SHOW;
		return "values";
	}
	if (json_is_integer(ver) && (json_object_get(root, "resources") ||
				     json_object_get(root, "modules") ||
				     json_object_get(root, "terraform_version"))) {
		long long v = json_integer_value(ver);
		if (v == 4) {
			*fmt = TF_FMT_V4;
			return "resources";
		}
		if (v == 3) {
			*fmt = TF_FMT_V3;
			return "modules";
		}
		tf__diag(c, FO_SEV_ERROR, "terraform-format", 0, 0,
			 "state version %lld is not supported (3 and 4 are; `terraform show "
			 "-json` of any version is)", v);
		return NULL;
	}
	/* Name what is there: the user sees why it is not Terraform. */
	char keys[200] = "";
	size_t off = 0, k = 0;
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)root, key, v) {
		if (k++ == 5 || off > 150)
			break;
		off += (size_t)snprintf(keys + off, sizeof keys - off, "%s\"%.30s\"", k > 1 ? ", " : "",
					key);
	}
	tf__diag(c, FO_SEV_ERROR, "terraform-format", 1, 1,
		 "not a Terraform state or plan: the top-level keys are %s (expected "
		 "\"format_version\" with \"values\" or \"planned_values\", or \"version\" 4 with "
		 "\"resources\", or \"version\" 3 with \"modules\")", k ? keys : "none");
	return NULL;
}

static void ctx_free(tf_ctx *c)
{
	for (size_t i = 0; i < c->nres; i++) {
		free(c->res[i].addr);
		free(c->res[i].path);
	}
	free(c->res);
	for (size_t i = 0; i < c->nowned; i++)
		json_decref(c->owned[i]);
	free(c->owned);
	json_decref(c->prior);
	free(c->map.e);
	free(c->links);
	free(c->routes);
	free(c->assocs);
	free(c->types);
	for (size_t i = 0; i < c->nnames; i++)
		free(c->names[i]);
	free(c->names);
	free(c->file);
}

int fo_terraform_read(fo_model *m, const char *path)
{
	tf_ctx c;
	char *buf = NULL, *conv = NULL;
	size_t len = 0;
	json_t *root = NULL;
	json_error_t je;
	int err = FO_OK;

	if (!m || !path)
		return FO_EINVAL;
	memset(&c, 0, sizeof c);
	c.m = m;
	c.d = fo_model_diag(m);
	/* Copied: the model's strings move as it grows. */
	const char *sf = fo_model_source_file(m, fo_model_source_current(m));
	c.file = strdup(sf ? sf : path);
	if (!c.file)
		return FO_ENOMEM;

	size_t max = TF_MAX_BYTES;
	const char *o = fo_model_option(m, "max-bytes");
	if (o) {
		char *end;
		errno = 0;
		unsigned long long x = strtoull(o, &end, 10);
		if (!*o || *end || errno || x == 0 || x > (unsigned long long)SIZE_MAX / 2) {
			tf__diag(&c, FO_SEV_ERROR, "terraform-option", 0, 0,
				 "option max-bytes: \"%.40s\" is not a positive byte count", o);
			err = FO_EINPUT;
			goto done;
		}
		max = (size_t)x;
	}
	o = fo_model_option(m, "depends-on");
	if (o && strcmp(o, "props") == 0)
		c.depends = TF_DEPS_PROPS;
	else if (o && strcmp(o, "degrades") == 0)
		c.depends = TF_DEPS_DEGRADES;
	else if (o && strcmp(o, "ignore") == 0)
		c.depends = TF_DEPS_IGNORE;
	else if (o) {
		tf__diag(&c, FO_SEV_ERROR, "terraform-option", 0, 0,
			 "option depends-on: \"%.40s\" is not one of props, degrades, ignore", o);
		err = FO_EINPUT;
		goto done;
	}

	if ((err = read_file(&c, path, max, &buf, &len)) != FO_OK)
		goto done;
	const char *text = buf;
	size_t tlen = len;
	const unsigned char *u = (const unsigned char *)buf;
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		text += 3;
		tlen -= 3;
	} else if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
		if ((err = utf16_to_utf8(&c, buf, len, u[0] == 0xfe, &conv, &tlen)) != FO_OK)
			goto done;
		text = conv;
	} else if (len >= 2 && ((u[0] == 0 && u[1] != 0) || (u[0] != 0 && u[1] == 0))) {
		tf__diag(&c, FO_SEV_ERROR, "terraform-encoding", 1, 1,
			 "UTF-16 without a byte order mark: save the file as UTF-8, or as UTF-16 "
			 "with a BOM (PowerShell's Out-File writes one)");
		err = FO_EINPUT;
		goto done;
	}

	root = json_loadb(text, tlen, JSON_REJECT_DUPLICATES, &je);
	/* The document holds copies: the bytes go now (peak memory). */
	free(conv);
	free(buf);
	conv = buf = NULL;
	if (!root) {
		tf__diag(&c, FO_SEV_ERROR, "terraform-json", je.line > 0 ? (unsigned long)je.line : 0,
			 je.column > 0 ? (unsigned long)je.column : 0, "invalid JSON: %s", je.text);
		err = FO_EINPUT;
		goto done;
	}
	if (!json_is_object(root)) {
		tf__diag(&c, FO_SEV_ERROR, "terraform-format", 1, 1,
			 "not a Terraform state or plan: the top level is not a JSON object");
		err = FO_EINPUT;
		goto done;
	}
	int fmt;
	const char *top = format_of(&c, root, &fmt);
	if (!top) {
		err = FO_EINPUT;
		goto done;
	}
	if (fmt == TF_FMT_SHOW || fmt == TF_FMT_PLAN) {
		const json_t *vals = json_object_get(root, top);
		if (vals && !json_is_object(vals)) {
			tf__diag(&c, FO_SEV_ERROR, "terraform-format", 0, 0, "%s: not an object", top);
		} else if (vals) {
			char *p = xprintf("%s.root_module", top);
			if (!p) {
				err = FO_ENOMEM;
				goto done;
			}
			const json_t *rm = json_object_get(vals, "root_module");
			const json_t *ps = json_object_get(json_object_get(root, "prior_state"), "values");
			if (fmt == TF_FMT_PLAN && ps) {
				if (!(c.prior = json_object())) {
					free(p);
					err = FO_ENOMEM;
					goto done;
				}
				index_prior(&c, json_object_get(ps, "root_module"), 0);
			}
			if (rm)
				walk_show_module(&c, rm, p, 0);
			free(p);
		}
		/* No values: the show -json of an empty state. Nothing to read. */
	} else if (fmt == TF_FMT_V4) {
		walk_v4(&c, root);
	} else {
		walk_v3(&c, root);
	}
	if (c.err == FO_OK)
		tf__build(&c);
	err = c.err;
	if (err == FO_OK && c.errors)
		err = FO_EINPUT;
done:
	if (err == FO_OK && c.err != FO_OK)
		err = c.err;
	if (err == FO_OK && c.errors)
		err = FO_EINPUT;
	json_decref(root);
	ctx_free(&c);
	free(conv);
	free(buf);
	return err;
}

/* ------------------------------------------------------------------ sniff */

/* The i-th character of head as ASCII (a UTF-16 code unit's low byte when
 * it is ASCII, else 0x80), or -1 past the end. */
static int sniff_at(const unsigned char *h, size_t n, int enc, size_t i)
{
	if (enc == 0)
		return i < n ? h[i] : -1;
	if (2 * i + 1 >= n)
		return -1;
	unsigned hi = enc == 1 ? h[2 * i + 1] : h[2 * i];
	unsigned lo = enc == 1 ? h[2 * i] : h[2 * i + 1];
	return hi ? 0x80 : (int)lo;
}

int fo_terraform_sniff(const char *head, size_t n)
{
	const unsigned char *h = (const unsigned char *)head;
	int enc = 0;
	size_t i = 0;
	if (!head)
		return 0;
	if (n >= 3 && h[0] == 0xef && h[1] == 0xbb && h[2] == 0xbf) {
		h += 3;
		n -= 3;
	} else if (n >= 2 && h[0] == 0xff && h[1] == 0xfe) {
		enc = 1;
		h += 2;
		n -= 2;
	} else if (n >= 2 && h[0] == 0xfe && h[1] == 0xff) {
		enc = 2;
		h += 2;
		n -= 2;
	}
	int ch, depth = 0, expect_key = 0;
	unsigned seen = 0;
	enum { TV = 1, FV = 2, VALS = 4, PLAN = 8, LINEAGE = 16, SERIAL = 32 };
	while ((ch = sniff_at(h, n, enc, i)) == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
		i++;
	if (ch != '{')
		return 0;
	for (; (ch = sniff_at(h, n, enc, i)) >= 0; i++) {
		if (ch == '"') {
			char key[24];
			size_t kl = 0;
			int esc = 0, closed = 0;
			for (i++; (ch = sniff_at(h, n, enc, i)) >= 0; i++) {
				if (esc) {
					esc = 0;
				} else if (ch == '\\') {
					esc = 1;
				} else if (ch == '"') {
					closed = 1;
					break;
				}
				if (kl < sizeof key - 1)
					key[kl++] = (char)ch;
			}
			if (!closed)
				break;
			key[kl] = '\0';
			if (depth == 1 && expect_key) {
				if (!strcmp(key, "terraform_version"))
					seen |= TV;
				else if (!strcmp(key, "format_version"))
					seen |= FV;
				else if (!strcmp(key, "values"))
					seen |= VALS;
				else if (!strcmp(key, "planned_values"))
					seen |= PLAN;
				else if (!strcmp(key, "lineage"))
					seen |= LINEAGE;
				else if (!strcmp(key, "serial"))
					seen |= SERIAL;
			}
			expect_key = 0;
		} else if (ch == '{' || ch == '[') {
			depth++;
			expect_key = ch == '{' && depth == 1;
		} else if (ch == '}' || ch == ']') {
			if (--depth <= 0)
				break;
		} else if (ch == ',' && depth == 1) {
			expect_key = 1;
		}
	}
	if (seen & TV)
		return 1;
	if ((seen & FV) && (seen & (VALS | PLAN)))
		return 1;
	return (seen & LINEAGE) && (seen & SERIAL);
}
