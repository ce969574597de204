/* fixture.c — the test graph DSL (fixture.h). Test code: aborts on misuse. */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphs/fo_error.h"

#define MAXTOK 64

static int split(char *line, char **tok)
{
	int n = 0;
	for (char *t = strtok(line, " \t"); t && n < MAXTOK; t = strtok(NULL, " \t"))
		tok[n++] = t;
	return n;
}

static void ensure(fo_builder *b, const char *id, unsigned long line, const char *kind,
		   const char *tenant, unsigned tier, const char *name, int declare, char **seen,
		   size_t *nseen)
{
	for (size_t i = 0; i < *nseen; i++)
		if (strcmp(seen[i], id) == 0) {
			if (declare) {
				fprintf(stderr, "fixture: %s declared after first mention\n", id);
				abort();
			}
			return;
		}
	uint32_t n;
	if (fo_builder_add_node(b, id, kind ? kind : "service", name, tenant, tier,
				(fo_pos){ line, 1 }, &n) < 0)
		abort();
	seen[(*nseen)++] = strdup(id);
}

static int is_op(const char *t)
{
	return !strcmp(t, ">") || !strcmp(t, "~>") || !strcmp(t, "@") || !strcmp(t, "copy");
}

int fx_graph(fo_graph **out, const char *spec, fo_diag *diag)
{
	fo_diag *own = NULL;
	fo_builder *b = NULL;
	char **seen = calloc(100000, sizeof *seen);
	size_t nseen = 0;
	int err;

	if (!diag) {
		fo_diag_new(&own, 0);
		diag = own;
	}
	fo_builder_new(&b, diag, "fixture");
	for (int pass = 0; pass < 2; pass++) {
		char *copy = strdup(spec), *save = NULL;
		unsigned long lineno = 0;
		for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *tok[MAXTOK];
			lineno++;
			char *hash = strchr(line, '#');
			if (hash)
				*hash = '\0';
			int n = split(line, tok);
			if (n == 0)
				continue;
			if (!strcmp(tok[0], "N")) {
				if (pass == 1)
					continue;
				const char *kind = NULL, *tenant = NULL, *name = NULL;
				unsigned tier = 0;
				for (int i = 2; i < n; i++) {
					if (!strncmp(tok[i], "tenant=", 7))
						tenant = tok[i] + 7;
					else if (!strncmp(tok[i], "tier=", 5))
						tier = (unsigned)atoi(tok[i] + 5);
					else if (!strncmp(tok[i], "name=", 5))
						name = tok[i] + 5;
					else
						kind = tok[i];
				}
				ensure(b, tok[1], lineno, kind, tenant, tier, name, 1, seen, &nseen);
				continue;
			}
			if (n < 3 || !is_op(tok[1])) {
				fprintf(stderr, "fixture: bad line %lu\n", lineno);
				abort();
			}
			if (pass == 0) {
				for (int i = 0; i < n; i++)
					if (i != 1 && !(i == 2 && strchr(tok[i], ':')))
						ensure(b, tok[i], lineno, NULL, NULL, 0, NULL, 0, seen, &nseen);
				continue;
			}
			uint32_t owner = 0;
			fo_pos pos = { lineno, 1 };
			for (size_t i = 0; i < nseen; i++)
				if (!strcmp(seen[i], tok[0]))
					owner = (uint32_t)i;
			if (!strcmp(tok[1], "@")) {
				fo_builder_set_container(b, owner, tok[2], pos);
			} else if (!strcmp(tok[1], "copy")) {
				for (int i = 2; i < n; i++)
					fo_builder_add_copy(b, owner, tok[i], pos);
			} else {
				fo_group_type t = !strcmp(tok[1], ">") ? FO_GROUP_REQUIRES : FO_GROUP_DEGRADES;
				unsigned long k = 1;
				int first = 2;
				if (strchr(tok[2], ':')) {
					k = strtoul(tok[2], NULL, 10);
					first = 3;
				}
				fo_builder_group_begin(b, owner, t, k, pos);
				for (int i = first; i < n; i++)
					fo_builder_group_add(b, tok[i], pos);
				fo_builder_group_end(b);
			}
		}
		free(copy);
	}
	err = fo_builder_finish(b, out);
	if (err < 0 && own)
		fo_diag_print(own, stderr);
	fo_builder_free(b);
	fo_diag_free(own);
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	return err;
}

uint32_t fx_id(const fo_graph *g, const char *id)
{
	uint32_t n;
	if (fo_graph_lookup(g, id, &n) < 0) {
		fprintf(stderr, "fixture: no node %s\n", id);
		abort();
	}
	return n;
}

int fx_run(fo_engine *e, const char *scenario)
{
	uint32_t fail[MAXTOK], destroy[MAXTOK];
	size_t nf = 0, nd = 0;
	char *copy = strdup(scenario), *tok[MAXTOK];
	int n = split(copy, tok);
	for (int i = 0; i < n; i++) {
		if (!strncmp(tok[i], "fail:", 5))
			fail[nf++] = fx_id(fo_engine_graph(e), tok[i] + 5);
		else if (!strncmp(tok[i], "destroy:", 8))
			destroy[nd++] = fx_id(fo_engine_graph(e), tok[i] + 8);
		else
			abort();
	}
	free(copy);
	fo_scenario sc = { fail, nf, destroy, nd };
	return fo_engine_run(e, &sc);
}

unsigned fx_flags(const fo_engine *e, const char *id)
{
	return fo_engine_flags(e, fx_id(fo_engine_graph(e), id));
}
