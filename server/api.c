/*
 * api.c — the endpoints of `fallout serve` (docs/serve.md, fo_api.h).
 *
 * Every answer reuses the library: fo_engine_run for states,
 * fo_engine_explain and fo_report_why for /api/why, fo_spofreport for
 * /api/spof, fo_render for /api/diagram, fo_scenfile_write for
 * /api/scenario. JSON is written to a memory stream with fallout's own
 * string escaping (fo_report_json_string, RFC 8259), the one every JSON
 * document of fallout uses.
 */
#define _GNU_SOURCE /* open_memstream's prototype is POSIX 2008; memmem */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fo_api.h"
#include "api_int.h"
#include "../analyzer/fo_engine.h"
#include "../analyzer/fo_spof.h"
#include "../graphs/fo_diag.h"
#include "../graphs/fo_error.h"
#include "../graphs/fo_suggest.h"
#include "../reports/fo_render.h"
#include "../reports/fo_report.h"
#include "../reports/fo_scenfile.h"
#include "../reports/fo_spofreport.h"

#ifndef FO_VERSION
#define FO_VERSION "unknown"
#endif

/* The page, compiled in (scripts/embed.sh over server/explorer/). */
extern const unsigned char fo_explorer_html[], fo_explorer_js[], fo_explorer_css[];
extern const unsigned long fo_explorer_html_len, fo_explorer_js_len, fo_explorer_css_len;

#define JSON_TYPE "application/json; charset=utf-8"
#define BY_TENANT_MAX 50

/* Per tenant counts of one what-if. */
typedef struct tagg {
	size_t apps_down, apps_lost, apps_degraded, apps_at_risk, nodes;
	const char *tenant; /* set when sorting */
} tagg;

/* One engine of the pool with its scratch for the tenant aggregation
 * (zeroed between uses: only the touched entries are reset). */
typedef struct slot {
	fo_engine *e;
	tagg *agg;      /* ntenants entries, or NULL until first needed */
	uint32_t *seen; /* tenants touched by the current request */
} slot;

struct fo_api {
	const fo_graph *g;
	char *source;
	fo_search search;
	uint32_t *tenant_of;  /* node -> tenant index; 0 = none */
	const char **tenants; /* index -> name (borrowed from g); [0] = "" */
	uint32_t ntenants;
	char *info;           /* the /api/info document */
	size_t info_len;

	pthread_mutex_t pool_mu;
	pthread_cond_t pool_cv;
	slot **idle;          /* free slots (a stack) */
	size_t nidle, created, max;

	pthread_mutex_t render_mu; /* Graphviz is not thread-safe */

	pthread_mutex_t spof_mu;
	fo_spof *spof;        /* computed on first use */
};

/* ------------------------------------------------------------ a string map */

/* Open addressing, string keys borrowed; for tenants and kind words. */
typedef struct strmap {
	const char **keys;
	uint32_t *vals;
	size_t cap, n;
} strmap;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int strmap_grow(strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	const char **keys = calloc(cap, sizeof *keys);
	uint32_t *vals = malloc(cap * sizeof *vals);
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return FO_ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = hash_str(m->keys[i]) & (cap - 1);
		while (keys[j])
			j = (j + 1) & (cap - 1);
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return FO_OK;
}

/* The value of key, or inserts it with `val`: *out the value. */
static int strmap_get(strmap *m, const char *key, uint32_t val, uint32_t *out)
{
	if (2 * (m->n + 1) > m->cap && strmap_grow(m) < 0)
		return FO_ENOMEM;
	size_t j = hash_str(key) & (m->cap - 1);
	while (m->keys[j]) {
		if (strcmp(m->keys[j], key) == 0) {
			*out = m->vals[j];
			return FO_OK;
		}
		j = (j + 1) & (m->cap - 1);
	}
	m->keys[j] = key;
	m->vals[j] = val;
	m->n++;
	*out = val;
	return FO_OK;
}

static void strmap_dispose(strmap *m)
{
	free(m->keys);
	free(m->vals);
}

/* ------------------------------------------------------------ set-up */

typedef struct kindcount {
	const char *word;
	size_t n;
} kindcount;

static int kindcount_cmp(const void *a, const void *b)
{
	return strcmp(((const kindcount *)a)->word, ((const kindcount *)b)->word);
}

static int build_info(fo_api *a)
{
	const fo_graph *g = a->g;
	uint32_t n = fo_graph_node_count(g);
	strmap m = { 0 };
	kindcount *kc = NULL;
	size_t nk = 0, apps = 0;
	FILE *fp = NULL;
	int err = FO_OK;

	for (uint32_t v = 0; v < n; v++) {
		const char *w = fo_graph_node_kind_word(g, v);
		uint32_t k;
		if ((err = strmap_get(&m, w, (uint32_t)nk, &k)) < 0)
			goto done;
		if (k == nk) {
			kindcount *t = realloc(kc, (nk + 1) * sizeof *kc);
			if (!t) {
				err = FO_ENOMEM;
				goto done;
			}
			kc = t;
			kc[nk++] = (kindcount){ w, 0 };
		}
		kc[k].n++;
		apps += fo_graph_node_kind(g, v) == FO_KIND_APP;
	}
	if (nk)
		qsort(kc, nk, sizeof *kc, kindcount_cmp);
	if (!(fp = open_memstream(&a->info, &a->info_len))) {
		err = FO_ENOMEM;
		goto done;
	}
	fputs("{\"name\":", fp);
	fo_report_json_string(fp, fo_graph_name(g));
	fputs(",\"file\":", fp);
	fo_report_json_string(fp, a->source);
	fprintf(fp, ",\"nodes\":%u,\"groups\":%u,\"members\":%zu,\"apps\":%zu,\"tenants\":%u,\"kinds\":{",
		(unsigned)n, (unsigned)fo_graph_group_count(g), fo_graph_member_count(g), apps,
		(unsigned)(a->ntenants - 1));
	for (size_t i = 0; i < nk; i++) {
		if (i)
			fputc(',', fp);
		fo_report_json_string(fp, kc[i].word);
		fprintf(fp, ":%zu", kc[i].n);
	}
	fprintf(fp, "},\"version\":\"fallout %s\",\"limits\":{\"ids\":%d,\"page\":%d,\"search\":%d}}\n",
		FO_VERSION, FO_API_MAX_IDS, FO_API_MAX_PAGE, FO_API_MAX_SEARCH);
	if (ferror(fp))
		err = FO_ENOMEM;
	if (fclose(fp) != 0 && err == FO_OK)
		err = FO_ENOMEM;
done:
	strmap_dispose(&m);
	free(kc);
	return err;
}

static int build_tenants(fo_api *a)
{
	const fo_graph *g = a->g;
	uint32_t n = fo_graph_node_count(g);
	strmap m = { 0 };
	int err = FO_OK;
	size_t cap = 16;

	if (!(a->tenant_of = malloc(((size_t)n + 1) * sizeof *a->tenant_of)) ||
	    !(a->tenants = malloc(cap * sizeof *a->tenants))) {
		err = FO_ENOMEM;
		goto done;
	}
	a->tenants[0] = "";
	a->ntenants = 1;
	for (uint32_t v = 0; v < n; v++) {
		const char *t = fo_graph_node_tenant(g, v);
		uint32_t k = 0;
		if (t && (err = strmap_get(&m, t, a->ntenants, &k)) < 0)
			goto done;
		if (t && k == a->ntenants) {
			if (a->ntenants == cap) {
				const char **nt = realloc(a->tenants, 2 * cap * sizeof *nt);
				if (!nt) {
					err = FO_ENOMEM;
					goto done;
				}
				a->tenants = nt;
				cap *= 2;
			}
			a->tenants[a->ntenants++] = t;
		}
		a->tenant_of[v] = k;
	}
done:
	strmap_dispose(&m);
	return err;
}

int fo_api_new(fo_api **out, const fo_graph *g, const fo_api_opts *o)
{
	fo_api *a = NULL;
	int err = FO_OK;
	if (!out || !g)
		return FO_EINVAL;
	*out = NULL;
	if (!(a = calloc(1, sizeof *a)))
		return FO_ENOMEM;
	a->g = g;
	a->max = o && o->engines ? o->engines : 1;
	pthread_mutex_init(&a->pool_mu, NULL);
	pthread_cond_init(&a->pool_cv, NULL);
	pthread_mutex_init(&a->render_mu, NULL);
	pthread_mutex_init(&a->spof_mu, NULL);
	const char *src = o && o->source ? o->source : fo_graph_file(g);
	if ((src && !(a->source = strdup(src))) || !(a->idle = calloc(a->max, sizeof *a->idle))) {
		err = FO_ENOMEM;
		goto done;
	}
	if ((err = fo_search__init(&a->search, g)) < 0 || (err = build_tenants(a)) < 0 ||
	    (err = build_info(a)) < 0)
		goto done;
	*out = a;
	a = NULL;
done:
	fo_api_free(a);
	return err;
}

static void slot_free(slot *s)
{
	if (!s)
		return;
	fo_engine_free(s->e);
	free(s->agg);
	free(s->seen);
	free(s);
}

void fo_api_free(fo_api *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nidle; i++)
		slot_free(a->idle[i]);
	free(a->idle);
	fo_search__dispose(&a->search);
	free(a->tenant_of);
	free(a->tenants);
	free(a->info);
	free(a->source);
	fo_spof_free(a->spof);
	pthread_mutex_destroy(&a->pool_mu);
	pthread_cond_destroy(&a->pool_cv);
	pthread_mutex_destroy(&a->render_mu);
	pthread_mutex_destroy(&a->spof_mu);
	free(a);
}

/* An engine for this request: an idle one, a new one while fewer than max
 * exist, else waits for one to be released. NULL when out of memory. */
static slot *slot_acquire(fo_api *a)
{
	slot *s = NULL;
	pthread_mutex_lock(&a->pool_mu);
	while (!a->nidle && a->created >= a->max)
		pthread_cond_wait(&a->pool_cv, &a->pool_mu);
	if (a->nidle) {
		s = a->idle[--a->nidle];
		pthread_mutex_unlock(&a->pool_mu);
		return s;
	}
	a->created++;
	pthread_mutex_unlock(&a->pool_mu);
	if ((s = calloc(1, sizeof *s)) && fo_engine_new(&s->e, a->g) == FO_OK)
		return s;
	free(s);
	pthread_mutex_lock(&a->pool_mu);
	a->created--;
	pthread_cond_signal(&a->pool_cv);
	pthread_mutex_unlock(&a->pool_mu);
	return NULL;
}

static void slot_release(fo_api *a, slot *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&a->pool_mu);
	a->idle[a->nidle++] = s;
	pthread_cond_signal(&a->pool_cv);
	pthread_mutex_unlock(&a->pool_mu);
}

/* ------------------------------------------------------------ responses */

void fo_api_response_dispose(fo_api_response *r)
{
	if (!r)
		return;
	free(r->body);
	memset(r, 0, sizeof *r);
}

/* A request being answered. */
typedef struct req {
	fo_api *a;
	const fo_graph *g;
	fo_api_query q;
	fo_api_response *r;
	FILE *fp;       /* the body being written (memory stream) */
	char *buf;
	size_t len;
	int done;       /* r is filled (an error answer) */
	int oom;
	/* the scenario */
	uint32_t *fail, *destroy;
	size_t nfail, ndestroy;
	slot *s;
	long elapsed_us;
} req;

static int body_open(req *rq)
{
	if (!(rq->fp = open_memstream(&rq->buf, &rq->len))) {
		rq->oom = 1;
		return FO_ENOMEM;
	}
	return FO_OK;
}

/* Closes the body and makes it the response. */
static int body_finish(req *rq, int status, const char *type)
{
	int bad = ferror(rq->fp);
	if (fclose(rq->fp) != 0)
		bad = 1;
	rq->fp = NULL;
	if (bad) {
		free(rq->buf);
		rq->buf = NULL;
		rq->oom = 1;
		return FO_ENOMEM;
	}
	fo_api_response_dispose(rq->r);
	rq->r->status = status;
	rq->r->content_type = type;
	rq->r->body = rq->buf;
	rq->r->len = rq->len;
	rq->buf = NULL;
	rq->done = 1;
	return FO_OK;
}

static void body_discard(req *rq)
{
	if (rq->fp)
		fclose(rq->fp);
	rq->fp = NULL;
	free(rq->buf);
	rq->buf = NULL;
}

/* The JSON error of docs/serve.md, with `ids` when given. */
static int error_ids(fo_api_response *r, int status, const char *code, const char *msg,
		     const char *const *ids, size_t nids)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	if (!fp)
		return FO_ENOMEM;
	fprintf(fp, "{\"error\":{\"status\":%d,\"code\":", status);
	fo_report_json_string(fp, code);
	fputs(",\"message\":", fp);
	fo_report_json_string(fp, msg);
	if (ids) {
		fputs(",\"ids\":[", fp);
		for (size_t i = 0; i < nids; i++) {
			if (i)
				fputc(',', fp);
			fo_report_json_string(fp, ids[i]);
		}
		fputc(']', fp);
	}
	fputs("}}\n", fp);
	int bad = ferror(fp);
	if (fclose(fp) != 0 || bad) {
		free(buf);
		return FO_ENOMEM;
	}
	fo_api_response_dispose(r);
	r->status = status;
	r->content_type = JSON_TYPE;
	r->body = buf;
	r->len = len;
	if (status == 405)
		r->allow = "GET, HEAD";
	return FO_OK;
}

int fo_api_error(fo_api_response *r, int status, const char *code, const char *message)
{
	if (!r || !code || !message)
		return FO_EINVAL;
	return error_ids(r, status, code, message, NULL, 0);
}

static void fail_req(req *rq, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Answers with an error (printf-style message); later calls are ignored. */
static void fail_req(req *rq, int status, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	if (rq->done)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (error_ids(rq->r, status, code, msg, NULL, 0) < 0)
		rq->oom = 1;
	rq->done = 1;
}

static void fail_oom(req *rq)
{
	rq->oom = 1;
	fail_req(rq, 500, "internal", "out of memory");
}

/* ------------------------------------------------------------ parameters */

/* The last value of key, or NULL. */
static const char *param(const req *rq, const char *key)
{
	const char *v = NULL;
	for (size_t i = 0; i < rq->q.n; i++)
		if (strcmp(rq->q.v[i].key, key) == 0)
			v = rq->q.v[i].value;
	return v;
}

/* A decimal count in [0, max]: def when absent. 0 after answering 400. */
static int count_param(req *rq, const char *key, size_t def, size_t max, size_t *out)
{
	const char *v = param(rq, key);
	size_t x = 0;
	*out = def;
	if (!v)
		return 1;
	if (!*v)
		goto bad;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9' || x > (max - (size_t)(*p - '0')) / 10)
			goto bad;
		x = x * 10 + (size_t)(*p - '0');
	}
	*out = x;
	return 1;
bad:
	fail_req(rq, 400, "bad-parameter", "'%s' must be a whole number from 0 to %zu", key, max);
	return 0;
}

/* Shortened id for a message (the message is JSON-escaped as a whole). */
static const char *short_id(const char *s, char buf[FO_DIAG_SHORT_BUF])
{
	return fo_diag_shorten(s, buf);
}

/* Resolves fail= and destroy= into rq->fail/destroy. 0 after answering. */
static int scenario(req *rq)
{
	size_t n = 0, nunknown = 0;
	const char **unknown = NULL;
	int ok = 0;
	for (size_t i = 0; i < rq->q.n; i++)
		n += !strcmp(rq->q.v[i].key, "fail") || !strcmp(rq->q.v[i].key, "destroy");
	if (n > FO_API_MAX_IDS) {
		fail_req(rq, 400, "too-many-ids", "%zu ids in fail and destroy: at most %d", n,
			 FO_API_MAX_IDS);
		return 0;
	}
	if (!n)
		return 1;
	if (!(rq->fail = malloc(n * sizeof *rq->fail)) || !(rq->destroy = malloc(n * sizeof *rq->destroy)) ||
	    !(unknown = malloc(n * sizeof *unknown))) {
		fail_oom(rq);
		goto done;
	}
	for (size_t i = 0; i < rq->q.n; i++) {
		int d = !strcmp(rq->q.v[i].key, "destroy");
		if (!d && strcmp(rq->q.v[i].key, "fail") != 0)
			continue;
		uint32_t v;
		if (fo_graph_lookup(rq->g, rq->q.v[i].value, &v) != FO_OK) {
			unknown[nunknown++] = rq->q.v[i].value;
			continue;
		}
		if (d)
			rq->destroy[rq->ndestroy++] = v;
		else
			rq->fail[rq->nfail++] = v;
	}
	if (nunknown) {
		/* One suggestion (a pass over every id, ~0.05 s at a million):
		 * for the first unknown id only, so a long bad list costs one. */
		char sb[FO_DIAG_SHORT_BUF], sb2[FO_DIAG_SHORT_BUF], msg[512];
		const char *near = fo_suggest_id(rq->g, unknown[0]);
		int at = snprintf(msg, sizeof msg, "unknown node '%s'", short_id(unknown[0], sb));
		if (near && at > 0 && (size_t)at < sizeof msg)
			at += snprintf(msg + at, sizeof msg - (size_t)at, " (did you mean '%s'?)",
				       short_id(near, sb2));
		if (nunknown > 1 && at > 0 && (size_t)at < sizeof msg)
			snprintf(msg + at, sizeof msg - (size_t)at, " and %zu more unknown id%s",
				 nunknown - 1, nunknown > 2 ? "s" : "");
		if (error_ids(rq->r, 400, "unknown-id", msg, unknown, nunknown) < 0)
			rq->oom = 1;
		rq->done = 1;
		goto done;
	}
	ok = 1;
done:
	free(unknown);
	return ok;
}

/* The node named by key (required). 0 after answering. */
static int node_param(req *rq, const char *key, uint32_t *out)
{
	const char *id = param(rq, key);
	char sb[FO_DIAG_SHORT_BUF], sb2[FO_DIAG_SHORT_BUF];
	if (!id) {
		fail_req(rq, 400, "missing-parameter", "missing parameter '%s'", key);
		return 0;
	}
	if (fo_graph_lookup(rq->g, id, out) == FO_OK)
		return 1;
	const char *near = fo_suggest_id(rq->g, id);
	char msg[512];
	if (near)
		snprintf(msg, sizeof msg, "unknown node '%s' (did you mean '%s'?)", short_id(id, sb),
			 short_id(near, sb2));
	else
		snprintf(msg, sizeof msg, "unknown node '%s'", short_id(id, sb));
	if (error_ids(rq->r, 400, "unknown-id", msg, &id, 1) < 0)
		rq->oom = 1;
	rq->done = 1;
	return 0;
}

/* Acquires an engine and runs the scenario. 0 after answering. */
static int run(req *rq)
{
	struct timespec t0, t1;
	fo_scenario sc = { rq->fail, rq->nfail, rq->destroy, rq->ndestroy };
	if (!(rq->s = slot_acquire(rq->a))) {
		fail_oom(rq);
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int err = fo_engine_run(rq->s->e, &sc);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rq->elapsed_us = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
	if (err < 0) {
		fail_req(rq, 500, "internal", "%s", fo_strerror(err));
		return 0;
	}
	return 1;
}

/* ------------------------------------------------------------ JSON bits */

static void jstr(FILE *fp, const char *s)
{
	fo_report_json_string(fp, s);
}

static void jid(FILE *fp, const fo_graph *g, uint32_t v)
{
	jstr(fp, v == FO_NONE ? NULL : fo_graph_node_id(g, v));
}

static void jflags(FILE *fp, unsigned f, fo_state st)
{
	static const struct {
		unsigned bit;
		const char *word;
		fo_state is;
	} w[] = { { FO_F_FAILED, "failed", (fo_state)-1 }, { FO_F_DESTROYED, "destroyed", (fo_state)-1 },
		  { FO_F_LOST, "lost", (fo_state)-1 }, { FO_F_DEGRADED, "degraded", FO_STATE_DEGRADED },
		  { FO_F_AT_RISK, "at-risk", FO_STATE_AT_RISK } };
	int first = 1;
	fputc('[', fp);
	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
		if (!(f & w[i].bit) || w[i].is == st)
			continue;
		fprintf(fp, "%s\"%s\"", first ? "" : ",", w[i].word);
		first = 0;
	}
	fputc(']', fp);
}

static const char *group_word(fo_group_type t)
{
	switch (t) {
	case FO_GROUP_REQUIRES: return "requires";
	case FO_GROUP_LOCATED: return "located-in";
	case FO_GROUP_COPIES: return "copies";
	case FO_GROUP_DEGRADES: return "degrades";
	}
	return "requires";
}

/* "id","name","kind","tenant","tier" of v (no braces). */
static void jnode_head(FILE *fp, const fo_graph *g, uint32_t v)
{
	fputs("\"id\":", fp);
	jstr(fp, fo_graph_node_id(g, v));
	fputs(",\"name\":", fp);
	jstr(fp, fo_graph_node_name(g, v));
	fputs(",\"kind\":", fp);
	jstr(fp, fo_graph_node_kind_word(g, v));
	fputs(",\"tenant\":", fp);
	jstr(fp, fo_graph_node_tenant(g, v));
	fprintf(fp, ",\"tier\":%u", fo_graph_node_tier(g, v));
}

/* {"id","kind","state"} of a neighbour. */
static void jnode_small(FILE *fp, const fo_graph *g, const fo_engine *e, uint32_t v)
{
	fputs("{\"id\":", fp);
	jstr(fp, fo_graph_node_id(g, v));
	fputs(",\"kind\":", fp);
	jstr(fp, fo_graph_node_kind_word(g, v));
	fprintf(fp, ",\"state\":\"%s\"}", fo_state_name(fo_engine_state(e, v)));
}

static void jscenario(FILE *fp, const req *rq)
{
	fputs("{\"fail\":[", fp);
	for (int d = 0; d < 2; d++) {
		const uint32_t *v = d ? rq->destroy : rq->fail;
		size_t n = d ? rq->ndestroy : rq->nfail;
		size_t shown = 0;
		for (size_t i = 0; i < n; i++) {
			size_t j = 0;
			while (j < i && v[j] != v[i]) /* duplicates dropped: n <= 1000 */
				j++;
			if (j < i)
				continue;
			if (shown++)
				fputc(',', fp);
			jid(fp, rq->g, v[i]);
		}
		fputs(d ? "]}" : "],\"destroy\":[", fp);
	}
}

/* ------------------------------------------------------------ endpoints */

static void api_info(req *rq)
{
	char *b = malloc(rq->a->info_len + 1);
	if (!b) {
		fail_oom(rq);
		return;
	}
	memcpy(b, rq->a->info, rq->a->info_len + 1);
	fo_api_response_dispose(rq->r);
	rq->r->status = 200;
	rq->r->content_type = JSON_TYPE;
	rq->r->body = b;
	rq->r->len = rq->a->info_len;
	rq->done = 1;
}

static const char *const match_words[] = { "id-exact", "id-prefix", "name-prefix", "id-substring",
					    "name-substring" };

static void api_search(req *rq)
{
	const char *q = param(rq, "q");
	size_t limit, total = 0, n = 0;
	fo_search_hit hits[FO_API_MAX_RESULTS];
	if (!count_param(rq, "limit", 20, FO_API_MAX_RESULTS, &limit))
		return;
	if (!q)
		q = "";
	size_t qlen = strlen(q);
	if (qlen > FO_API_MAX_SEARCH) {
		fail_req(rq, 400, "bad-parameter", "the search text has %zu bytes: at most %d", qlen,
			 FO_API_MAX_SEARCH);
		return;
	}
	if (qlen)
		n = fo_search__run(&rq->a->search, rq->g, q, qlen, hits, limit, &total);
	if (body_open(rq) < 0)
		return;
	fputs("{\"query\":", rq->fp);
	jstr(rq->fp, q);
	fprintf(rq->fp, ",\"total\":%zu,\"results\":[", total);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n {" : "\n {", rq->fp);
		jnode_head(rq->fp, rq->g, hits[i].node);
		fprintf(rq->fp, ",\"match\":\"%s\"}", match_words[hits[i].rank]);
	}
	fputs("]}\n", rq->fp);
	body_finish(rq, 200, JSON_TYPE);
}

static int tagg_cmp(const void *pa, const void *pb)
{
	const tagg *a = pa, *b = pb;
#define DESC(f) if (a->f != b->f) return a->f > b->f ? -1 : 1
	DESC(apps_down);
	DESC(apps_lost);
	DESC(apps_degraded);
	DESC(apps_at_risk);
	DESC(nodes);
#undef DESC
	return strcmp(a->tenant, b->tenant);
}

typedef struct tieragg {
	unsigned tier;
	unsigned flags;
} tieragg;

static int tier_cmp(const void *pa, const void *pb)
{
	unsigned a = ((const tieragg *)pa)->tier, b = ((const tieragg *)pb)->tier;
	/* 1, 2, 3, ..., then 0 (none) */
	if (a == b)
		return 0;
	if (!a || !b)
		return a ? -1 : 1;
	return a < b ? -1 : 1;
}

static void japps_counts(FILE *fp, size_t d, size_t l, size_t g, size_t r)
{
	fprintf(fp, "\"apps_down\":%zu,\"apps_lost\":%zu,\"apps_degraded\":%zu,\"apps_at_risk\":%zu", d, l,
		g, r);
}

static void count_app(tagg *t, unsigned f)
{
	t->apps_down += !!(f & FO_F_DOWN);
	t->apps_lost += !!(f & FO_F_LOST);
	t->apps_degraded += !!(f & FO_F_DEGRADED);
	t->apps_at_risk += !!(f & FO_F_AT_RISK);
}

static void write_by_tenant(req *rq, const uint32_t *imp, size_t nimp)
{
	fo_api *a = rq->a;
	slot *s = rq->s;
	FILE *fp = rq->fp;
	const fo_engine *e = s->e;
	size_t nseen = 0;
	tagg *rows = NULL;
	if (!s->agg && (!(s->agg = calloc(a->ntenants, sizeof *s->agg)) ||
			!(s->seen = malloc(a->ntenants * sizeof *s->seen)))) {
		free(s->agg);
		s->agg = NULL;
		rq->oom = 1;
		return;
	}
	for (size_t i = 0; i < nimp; i++) {
		uint32_t v = imp[i], t = a->tenant_of[v];
		tagg *x = &s->agg[t];
		if (!x->nodes)
			s->seen[nseen++] = t;
		x->nodes++;
		if (fo_graph_node_kind(rq->g, v) == FO_KIND_APP)
			count_app(x, fo_engine_flags(e, v));
	}
	if (nseen && !(rows = malloc(nseen * sizeof *rows)))
		rq->oom = 1;
	for (size_t i = 0; i < nseen; i++) {
		if (rows) {
			rows[i] = s->agg[s->seen[i]];
			rows[i].tenant = a->tenants[s->seen[i]];
		}
		memset(&s->agg[s->seen[i]], 0, sizeof s->agg[0]);
	}
	if (!rows)
		return;
	qsort(rows, nseen, sizeof *rows, tagg_cmp);
	tagg rest = { 0 };
	for (size_t i = 0; i < nseen; i++) {
		const tagg *x = &rows[i];
		if (i >= BY_TENANT_MAX) {
			rest.apps_down += x->apps_down;
			rest.apps_lost += x->apps_lost;
			rest.apps_degraded += x->apps_degraded;
			rest.apps_at_risk += x->apps_at_risk;
			rest.nodes += x->nodes;
			continue;
		}
		fputs(i ? ",\n {\"tenant\":" : "\n {\"tenant\":", fp);
		jstr(fp, x->tenant);
		fputc(',', fp);
		japps_counts(fp, x->apps_down, x->apps_lost, x->apps_degraded, x->apps_at_risk);
		fprintf(fp, ",\"nodes\":%zu}", x->nodes);
	}
	if (nseen > BY_TENANT_MAX) {
		fputs(",\n {\"tenant\":null,", fp);
		japps_counts(fp, rest.apps_down, rest.apps_lost, rest.apps_degraded, rest.apps_at_risk);
		fprintf(fp, ",\"nodes\":%zu,\"others\":%zu}", rest.nodes, nseen - BY_TENANT_MAX);
	}
	free(rows);
}

static void write_by_tier(req *rq, const uint32_t *imp, size_t nimp)
{
	FILE *fp = rq->fp;
	size_t napps = 0;
	tieragg *t = NULL;
	for (size_t i = 0; i < nimp; i++)
		napps += fo_graph_node_kind(rq->g, imp[i]) == FO_KIND_APP;
	if (!napps)
		return;
	if (!(t = malloc(napps * sizeof *t))) {
		rq->oom = 1;
		return;
	}
	napps = 0;
	for (size_t i = 0; i < nimp; i++)
		if (fo_graph_node_kind(rq->g, imp[i]) == FO_KIND_APP)
			t[napps++] = (tieragg){ fo_graph_node_tier(rq->g, imp[i]),
						fo_engine_flags(rq->s->e, imp[i]) };
	qsort(t, napps, sizeof *t, tier_cmp);
	int first = 1;
	for (size_t i = 0; i < napps;) {
		tagg x = { 0 };
		size_t j = i;
		for (; j < napps && t[j].tier == t[i].tier; j++)
			count_app(&x, t[j].flags);
		fprintf(fp, "%s {\"tier\":%u,", first ? "\n" : ",\n", t[i].tier);
		japps_counts(fp, x.apps_down, x.apps_lost, x.apps_degraded, x.apps_at_risk);
		fputc('}', fp);
		first = 0;
		i = j;
	}
	free(t);
}

static void api_whatif(req *rq)
{
	const char *list = param(rq, "list");
	size_t offset, limit;
	int apps;
	if (!list || !strcmp(list, "apps"))
		apps = 1;
	else if (!strcmp(list, "nodes"))
		apps = 0;
	else {
		fail_req(rq, 400, "bad-parameter", "'list' must be apps or nodes");
		return;
	}
	if (!count_param(rq, "offset", 0, SIZE_MAX / 2, &offset) ||
	    !count_param(rq, "limit", 100, FO_API_MAX_PAGE, &limit) || !scenario(rq) || !run(rq))
		return;
	const fo_engine *e = rq->s->e;
	const uint32_t *imp;
	size_t nimp = fo_engine_impacted(rq->s->e, &imp);
	fo_summary sm;
	fo_engine_summary(rq->s->e, &sm);
	if (body_open(rq) < 0)
		return;
	FILE *fp = rq->fp;
	fputs("{\"scenario\":", fp);
	jscenario(fp, rq);
	fprintf(fp, ",\n\"summary\":{\"nodes\":%zu,\"down\":%zu,\"lost\":%zu,\"degraded\":%zu,\"at_risk\":%zu,",
		sm.nodes, sm.down, sm.lost, sm.degraded, sm.at_risk);
	japps_counts(fp, sm.apps_down, sm.apps_lost, sm.apps_degraded, sm.apps_at_risk);
	fputs("},\n\"by_tenant\":[", fp);
	write_by_tenant(rq, imp, nimp);
	fputs("],\n\"by_tier\":[", fp);
	write_by_tier(rq, imp, nimp);
	size_t total = 0;
	for (size_t i = 0; i < nimp; i++)
		total += !apps || fo_graph_node_kind(rq->g, imp[i]) == FO_KIND_APP;
	fprintf(fp, "],\n\"list\":\"%s\",\"total\":%zu,\"offset\":%zu,\"limit\":%zu,\"items\":[",
		apps ? "apps" : "nodes", total, offset, limit);
	size_t k = 0, shown = 0;
	for (size_t i = 0; i < nimp && shown < limit; i++) {
		uint32_t v = imp[i];
		if (apps && fo_graph_node_kind(rq->g, v) != FO_KIND_APP)
			continue;
		if (k++ < offset)
			continue;
		fputs(shown++ ? ",\n {" : "\n {", fp);
		jnode_head(fp, rq->g, v);
		fo_state st = fo_engine_state(e, v);
		fprintf(fp, ",\"state\":\"%s\",\"flags\":", fo_state_name(st));
		jflags(fp, fo_engine_flags(e, v), st);
		fputs(",\"cause\":", fp);
		jid(fp, rq->g, fo_engine_cause(e, v));
		uint32_t root = fo_engine_root(e, v);
		fputs(",\"root\":", fp);
		jid(fp, rq->g, root == v ? FO_NONE : root);
		fputc('}', fp);
	}
	fprintf(fp, "],\n\"elapsed_us\":%ld}\n", rq->elapsed_us);
	if (rq->oom) {
		body_discard(rq);
		fail_oom(rq);
		return;
	}
	body_finish(rq, 200, JSON_TYPE);
}

static void api_why(req *rq)
{
	uint32_t node;
	fo_explain_step *steps = NULL;
	size_t nsteps = 0;
	char *text = NULL;
	size_t tlen = 0;
	FILE *tf = NULL;
	if (!node_param(rq, "node", &node) || !scenario(rq) || !run(rq))
		return;
	const fo_engine *e = rq->s->e;
	int err = fo_engine_explain(e, node, &steps, &nsteps);
	if (err == FO_OK) {
		if (!(tf = open_memstream(&text, &tlen)))
			err = FO_ENOMEM;
		else {
			err = fo_report_why(tf, e, node);
			if (fclose(tf) != 0 && err == FO_OK)
				err = FO_ENOMEM;
		}
	}
	if (err < 0) {
		if (err == FO_ENOMEM || err == FO_EIO)
			fail_oom(rq);
		else
			fail_req(rq, 500, "internal", "%s", fo_strerror(err));
		goto done;
	}
	if (body_open(rq) < 0)
		goto done;
	FILE *fp = rq->fp;
	fputs("{\"node\":", fp);
	jid(fp, rq->g, node);
	fprintf(fp, ",\"state\":\"%s\",\n\"chain\":[", fo_state_name(fo_engine_state(e, node)));
	for (size_t i = 0; i < nsteps; i++) {
		const fo_explain_step *s = &steps[i];
		fputs(i ? ",\n {\"id\":" : "\n {\"id\":", fp);
		jid(fp, rq->g, s->node);
		fprintf(fp, ",\"state\":\"%s\",\"group\":", fo_state_name(s->state));
		if (s->group == FO_NONE) {
			fputs("null", fp);
		} else {
			fo_group_info gi;
			fo_graph_group(rq->g, s->group, &gi);
			fprintf(fp, "{\"type\":\"%s\",\"k\":%u,\"n\":%u,\"up\":%u}", group_word(gi.type),
				(unsigned)s->k, (unsigned)s->n, (unsigned)s->count);
		}
		fputs(",\"cause\":", fp);
		jid(fp, rq->g, s->cause);
		fputc('}', fp);
	}
	fputs("],\n\"text\":", fp);
	jstr(fp, text ? text : "");
	fputs("}\n", fp);
	body_finish(rq, 200, JSON_TYPE);
done:
	free(steps);
	free(text);
}

/* The SPOF structure of the whole graph, computed once. */
static int get_spof(fo_api *a, const fo_spof **out)
{
	int err = FO_OK;
	pthread_mutex_lock(&a->spof_mu);
	if (!a->spof)
		err = fo_spof_compute(&a->spof, a->g);
	*out = a->spof;
	pthread_mutex_unlock(&a->spof_mu);
	return err;
}

static int rank_cmp(const void *pa, const void *pb)
{
	const fo_spof_rank *a = *(const fo_spof_rank *const *)pa, *b = *(const fo_spof_rank *const *)pb;
	/* fo_spof_ranking's order: weight, apps down, nodes down (descending), node */
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	if (a->apps_down != b->apps_down)
		return a->apps_down > b->apps_down ? -1 : 1;
	if (a->nodes_down != b->nodes_down)
		return a->nodes_down > b->nodes_down ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

static void jids(FILE *fp, const fo_graph *g, const uint32_t *v, size_t n)
{
	fputc('[', fp);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', fp);
		jid(fp, g, v[i]);
	}
	fputc(']', fp);
}

/* The objects of `fallout spof --app ID --format json` (docs/spof.md) for
 * one app, without the cost of the whole graph's report: the app's entry,
 * the ranking rows of its SPOFs (all of them, in ranking order) and the
 * shared-fate groups among what the app depends on (hard groups,
 * transitively), not the whole graph's (48 MB at a million nodes).
 * O(closure + its groups' shared-fate work) after the first computation. */
static void api_spof(req *rq)
{
	uint32_t app;
	const fo_spof *s = NULL;
	char sb[FO_DIAG_SHORT_BUF];
	uint8_t *seen = NULL;
	uint32_t *queue = NULL;
	const fo_spof_rank **rows = NULL;
	const fo_graph *g = rq->g;
	if (!node_param(rq, "app", &app))
		return;
	if (fo_graph_node_kind(g, app) != FO_KIND_APP) {
		fail_req(rq, 400, "bad-parameter", "'%s' is a %s, not an app",
			 short_id(fo_graph_node_id(g, app), sb), fo_graph_node_kind_word(g, app));
		return;
	}
	int err = get_spof(rq->a, &s);
	if (err < 0)
		goto done;
	const uint32_t *f, *l;
	size_t nf = fo_spof_fail_set(s, app, &f), nl = fo_spof_loss_set(s, app, &l);
	uint32_t n = fo_graph_node_count(g);
	if ((nf && !(rows = malloc(nf * sizeof *rows))) || !(seen = calloc((size_t)n / 8 + 1, 1)) ||
	    !(queue = malloc((size_t)n * sizeof *queue))) {
		err = FO_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < nf; i++)
		rows[i] = fo_spof_rank_of(s, f[i]);
	if (nf)
		qsort(rows, nf, sizeof *rows, rank_cmp);
	if ((err = body_open(rq)) < 0)
		goto done;
	FILE *fp = rq->fp;
	fputs("{\"app\":", fp);
	jid(fp, g, app);
	fputs(",\"spofs\":{\"inventory\":", fp);
	jstr(fp, fo_graph_name(g));
	fputs(",\"weights\":{\"1\":4,\"2\":2,\"other\":1},\n\"apps\":[{\"id\":", fp);
	jid(fp, g, app);
	fputs(",\"tenant\":", fp);
	jstr(fp, fo_graph_node_tenant(g, app));
	if (fo_graph_node_tier(g, app))
		fprintf(fp, ",\"tier\":%u", fo_graph_node_tier(g, app));
	else
		fputs(",\"tier\":null", fp);
	fputs(",\"spof\":", fp);
	jids(fp, g, f, nf);
	fputs(",\"data_loss\":", fp);
	jids(fp, g, l, nl);
	fputs("}],\n\"ranking\":[", fp);
	for (size_t i = 0; i < nf; i++) {
		fputs(i ? ",\n {\"id\":" : "\n {\"id\":", fp);
		jid(fp, g, rows[i]->node);
		fputs(",\"kind\":", fp);
		jstr(fp, fo_graph_node_kind_word(g, rows[i]->node));
		fprintf(fp, ",\"weight\":%llu,\"apps_down\":%u,\"nodes_down\":%u,\"apps_lost\":%u}",
			(unsigned long long)rows[i]->weight, rows[i]->apps_down, rows[i]->nodes_down,
			rows[i]->apps_lost);
	}
	fputs("],\n\"shared_fate\":[", fp);
	/* What the app depends on through hard groups, breadth first; the
	 * shared fate of each redundant group owned there, in visit order. */
	size_t head = 0, tail = 0, shown = 0;
	queue[tail++] = app;
	seen[app / 8] |= (uint8_t)(1u << (app % 8));
	while (head < tail && err == FO_OK) {
		uint32_t v = queue[head++], first, count;
		fo_graph_node_groups(g, v, &first, &count);
		for (uint32_t gi = first; gi < first + count && err == FO_OK; gi++) {
			fo_group_info info;
			fo_graph_group(g, gi, &info);
			if (!fo_group_type_is_hard(info.type))
				continue;
			for (uint32_t m = 0; m < info.n; m++) {
				uint32_t x = info.members[m];
				if (!(seen[x / 8] & (1u << (x % 8)))) {
					seen[x / 8] |= (uint8_t)(1u << (x % 8));
					queue[tail++] = x;
				}
			}
			uint32_t *c = NULL;
			size_t nc = 0;
			if ((err = fo_spof_shared_fate(s, gi, &c, &nc)) < 0 || !nc) {
				free(c);
				continue;
			}
			fputs(shown++ ? ",\n {\"owner\":" : "\n {\"owner\":", fp);
			jid(fp, g, info.owner);
			fprintf(fp, ",\"type\":\"%s\",\"k\":%u,\"n\":%u,\"members\":",
				fo_spofreport_group_word(info.type), (unsigned)info.k, (unsigned)info.n);
			jids(fp, g, info.members, info.n);
			fputs(",\"causes\":", fp);
			jids(fp, g, c, nc);
			fputc('}', fp);
			free(c);
		}
	}
	fputs("]}}\n", fp);
	if (err == FO_OK)
		err = body_finish(rq, 200, JSON_TYPE);
	else
		body_discard(rq);
done:
	if (err < 0 && !rq->done) {
		if (err == FO_ENOMEM || err == FO_EIO)
			fail_oom(rq);
		else
			fail_req(rq, 500, "internal", "%s", fo_strerror(err));
	}
	free(rows);
	free(seen);
	free(queue);
}

static int dependent_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void api_node(req *rq)
{
	uint32_t v;
	size_t limit;
	uint32_t *owners = NULL;
	if (!node_param(rq, "id", &v) || !count_param(rq, "limit", 200, FO_API_MAX_PAGE, &limit) ||
	    !scenario(rq) || !run(rq))
		return;
	const fo_graph *g = rq->g;
	const fo_engine *e = rq->s->e;
	/* Dependents: the owners of the groups v is a member of, once each,
	 * in document order. */
	const uint32_t *mo;
	size_t nmo = fo_graph_node_memberof(g, v, &mo), nown = 0;
	if (nmo && !(owners = malloc(nmo * sizeof *owners))) {
		fail_oom(rq);
		return;
	}
	for (size_t i = 0; i < nmo; i++) {
		fo_group_info gi;
		fo_graph_group(g, mo[i], &gi);
		owners[nown++] = gi.owner;
	}
	if (nown)
		qsort(owners, nown, sizeof *owners, dependent_cmp);
	size_t u = 0;
	for (size_t i = 0; i < nown; i++)
		if (!u || owners[u - 1] != owners[i])
			owners[u++] = owners[i];
	nown = u;
	if (body_open(rq) < 0)
		goto done;
	FILE *fp = rq->fp;
	fputc('{', fp);
	jnode_head(fp, g, v);
	fprintf(fp, ",\"line\":%lu,\"container\":", fo_graph_node_line(g, v));
	jid(fp, g, fo_graph_node_container(g, v));
	fo_state st = fo_engine_state(e, v);
	fprintf(fp, ",\"state\":\"%s\",\"flags\":", fo_state_name(st));
	jflags(fp, fo_engine_flags(e, v), st);
	fputs(",\"props\":[", fp);
	const fo_prop *props;
	size_t np = fo_graph_node_props(g, v, &props);
	for (size_t i = 0; i < np; i++) {
		fputs(i ? ",{\"key\":" : "{\"key\":", fp);
		jstr(fp, props[i].key);
		fputs(",\"value\":", fp);
		jstr(fp, props[i].value);
		fputc('}', fp);
	}
	fputs("],\n\"dependencies\":[", fp);
	uint32_t first, count;
	fo_graph_node_groups(g, v, &first, &count);
	int shown = 0;
	for (int pass = 0; pass < 2; pass++) { /* located-in first */
		for (uint32_t gi = first; gi < first + count; gi++) {
			fo_group_info info;
			fo_graph_group(g, gi, &info);
			if ((info.type == FO_GROUP_LOCATED) != (pass == 0))
				continue;
			fprintf(fp, "%s {\"type\":\"%s\",\"k\":%u,\"n\":%u,\"up\":%u,\"members\":[",
				shown++ ? ",\n" : "\n", group_word(info.type), (unsigned)info.k,
				(unsigned)info.n, (unsigned)fo_engine_group_up(e, gi));
			for (uint32_t m = 0; m < info.n && m < limit; m++) {
				if (m)
					fputc(',', fp);
				jnode_small(fp, g, e, info.members[m]);
			}
			fputs("]}", fp);
		}
	}
	fprintf(fp, "],\n\"dependents\":{\"total\":%zu,\"items\":[", nown);
	for (size_t i = 0; i < nown && i < limit; i++) {
		fputs(i ? ",\n " : "\n ", fp);
		jnode_small(fp, g, e, owners[i]);
	}
	const uint32_t *ch;
	size_t nch = fo_graph_node_children(g, v, &ch);
	fprintf(fp, "]},\n\"children\":{\"total\":%zu,\"items\":[", nch);
	for (size_t i = 0; i < nch && i < limit; i++) {
		fputs(i ? ",\n " : "\n ", fp);
		jnode_small(fp, g, e, ch[i]);
	}
	fputs("]}}\n", fp);
	body_finish(rq, 200, JSON_TYPE);
done:
	free(owners);
}

/* The first stored message of diag, or a fallback. */
static const char *diag_first(const fo_diag *d, const char *fallback)
{
	for (size_t i = 0; d && i < fo_diag_count(d); i++) {
		const fo_diag_entry *x = fo_diag_get(d, i);
		if (x && x->msg && x->sev == FO_SEV_ERROR)
			return x->msg;
	}
	return fallback;
}

static void api_diagram(req *rq)
{
	const char *detail = param(rq, "detail");
	fo_detail det;
	fo_diag *d = NULL;
	if (!detail || !strcmp(detail, "auto"))
		det = FO_DETAIL_AUTO;
	else if (!strcmp(detail, "map"))
		det = FO_DETAIL_MAP;
	else if (!strcmp(detail, "nodes"))
		det = FO_DETAIL_NODES;
	else {
		fail_req(rq, 400, "bad-parameter", "'detail' must be auto, map or nodes");
		return;
	}
	if (!scenario(rq))
		return;
	if (fo_diag_new(&d, 16) < 0 || body_open(rq) < 0) {
		fail_oom(rq);
		goto done;
	}
	fo_render_opts ro = { 0 };
	ro.scope = FO_SCOPE_AUTO;
	ro.format = "svg";
	ro.detail = det;
	/* The engine is taken inside the lock: diagrams waiting for their
	 * turn hold no engine, so what-ifs never wait behind them. */
	int err = FO_OK;
	pthread_mutex_lock(&rq->a->render_mu);
	if (run(rq))
		err = fo_render(rq->fp, rq->s->e, &ro, d);
	pthread_mutex_unlock(&rq->a->render_mu);
	if (rq->done) { /* run answered (an engine could not be made) */
		body_discard(rq);
		goto done;
	}
	if (err == FO_OK) {
		body_finish(rq, 200, "image/svg+xml");
		goto done;
	}
	body_discard(rq);
	if (err == FO_ELIMIT || err == FO_EINVAL)
		fail_req(rq, 400, "bad-parameter", "%s", diag_first(d, fo_strerror(err)));
	else if (err == FO_ENOMEM)
		fail_oom(rq);
	else
		fail_req(rq, 500, "render-failed", "%s", diag_first(d, fo_strerror(err)));
done:
	fo_diag_free(d);
}

static void api_scenario(req *rq)
{
	const char *name = param(rq, "name");
	char *joined = NULL;
	if (!scenario(rq))
		return;
	if (!rq->nfail && !rq->ndestroy) {
		fail_req(rq, 400, "missing-parameter", "a scenario needs at least one fail or destroy id");
		return;
	}
	if (name && !*name) {
		fail_req(rq, 400, "bad-parameter", "'name' is empty");
		return;
	}
	if (!name) {
		size_t len = 0, at = 0;
		for (size_t i = 0; i < rq->q.n; i++)
			if (!strcmp(rq->q.v[i].key, "fail") || !strcmp(rq->q.v[i].key, "destroy"))
				len += strlen(rq->q.v[i].value) + 3;
		if (!(joined = malloc(len + 1))) {
			fail_oom(rq);
			return;
		}
		for (size_t i = 0; i < rq->q.n; i++) {
			if (strcmp(rq->q.v[i].key, "fail") && strcmp(rq->q.v[i].key, "destroy"))
				continue;
			size_t l = strlen(rq->q.v[i].value);
			if (at) {
				memcpy(joined + at, " + ", 3);
				at += 3;
			}
			memcpy(joined + at, rq->q.v[i].value, l);
			at += l;
		}
		joined[at] = '\0';
		name = joined;
	}
	fo_scenario sc = { rq->fail, rq->nfail, rq->destroy, rq->ndestroy };
	if (body_open(rq) < 0)
		goto done;
	int err = fo_scenfile_write(rq->fp, rq->g, name, &sc);
	if (err == FO_OK) {
		body_finish(rq, 200, "application/xml");
		rq->r->disposition = "attachment; filename=\"scenario.xml\"";
	} else {
		body_discard(rq);
		if (err == FO_EINPUT)
			fail_req(rq, 400, "bad-parameter",
				 "the name or an id holds text an XML scenario file cannot carry "
				 "(a control character)");
		else
			fail_oom(rq);
	}
done:
	free(joined);
}

static void page(req *rq, const unsigned char *data, unsigned long len, const char *type)
{
	char *b = malloc(len + 1);
	if (!b) {
		fail_oom(rq);
		return;
	}
	memcpy(b, data, len + 1);
	fo_api_response_dispose(rq->r);
	rq->r->status = 200;
	rq->r->content_type = type;
	rq->r->body = b;
	rq->r->len = len;
	rq->done = 1;
}

/* ------------------------------------------------------------ dispatch */

int fo_api_handle(fo_api *a, const char *method, const char *target, fo_api_response *r)
{
	req rq = { 0 };
	const char *why = NULL;
	if (!a || !method || !target || !r)
		return FO_EINVAL;
	memset(r, 0, sizeof *r);
	rq.a = a;
	rq.g = a->g;
	rq.r = r;

	const char *qm = strchr(target, '?');
	size_t plen = qm ? (size_t)(qm - target) : strlen(target);
	const char *query = qm ? qm + 1 : "";
	size_t qlen = strlen(query);

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		fail_req(&rq, 405, "method-not-allowed", "only GET and HEAD are answered");
		goto done;
	}
	if (qlen > FO_API_MAX_QUERY) {
		fail_req(&rq, 414, "too-large", "the query string has %zu bytes: at most %d", qlen,
			 FO_API_MAX_QUERY);
		goto done;
	}
	int err = fo_api_query_parse(&rq.q, query, qlen, &why);
	if (err == FO_ENOMEM) {
		fail_oom(&rq);
		goto done;
	}
	if (err < 0) {
		fail_req(&rq, 400, "bad-parameter", "%s", why);
		goto done;
	}
#define IS(p) (plen == sizeof(p) - 1 && memcmp(target, p, plen) == 0)
	if (IS("/"))
		page(&rq, fo_explorer_html, fo_explorer_html_len, "text/html; charset=utf-8");
	else if (IS("/explorer.js"))
		page(&rq, fo_explorer_js, fo_explorer_js_len, "text/javascript; charset=utf-8");
	else if (IS("/explorer.css"))
		page(&rq, fo_explorer_css, fo_explorer_css_len, "text/css; charset=utf-8");
	else if (IS("/api/info"))
		api_info(&rq);
	else if (IS("/api/search"))
		api_search(&rq);
	else if (IS("/api/whatif"))
		api_whatif(&rq);
	else if (IS("/api/why"))
		api_why(&rq);
	else if (IS("/api/spof"))
		api_spof(&rq);
	else if (IS("/api/node"))
		api_node(&rq);
	else if (IS("/api/diagram"))
		api_diagram(&rq);
	else if (IS("/api/scenario"))
		api_scenario(&rq);
	else
		fail_req(&rq, 404, "not-found", "no such page or endpoint");
#undef IS
	if (!rq.done && rq.oom)
		fail_oom(&rq);
done:
	body_discard(&rq);
	slot_release(a, rq.s);
	free(rq.fail);
	free(rq.destroy);
	fo_api_query_dispose(&rq.q);
	if (!rq.done || (rq.oom && !r->body)) {
		fo_api_response_dispose(r);
		return FO_ENOMEM;
	}
	return FO_OK;
}
