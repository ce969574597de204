/*
 * cmd_gen.c — `fallout gen --nodes N [--seed S] [-o FILE]`: writes a
 * synthetic inventory of exactly N nodes, the same for the same seed
 * (generators/fo_gen.h, docs/gen.md). For benchmarks and load tests.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../generators/fo_gen.h"
#include "../graphs/fo_error.h"

typedef struct gen_opts {
	const char *output;
	fo_gen_opts gen;
	int have_nodes;
} gen_opts;

static int opt_nodes(void *ctx, const char *prog, const char *val);
static int opt_seed(void *ctx, const char *prog, const char *val);

#define OFF(f) offsetof(gen_opts, f)
static const cmd_opt opts[] = {
	CMD_CALL("nodes", 0, "N", opt_nodes, "number of nodes, 100 to 4000000000 (required)"),
	CMD_CALL("seed", 0, "S", opt_seed, "seed of the generator (default 1)"),
	CMD_STRING("output", 'o', "FILE", OFF(output), "write to FILE instead of standard output"),
	CMD_END,
};

static const cmd_spec spec = {
	"fallout gen",
	"Usage: fallout gen --nodes N [--seed S] [-o FILE]\n"
	"Writes a synthetic inventory (format v1) of exactly N nodes, the same for the\n"
	"same N and seed: 2 regions, 4 sites (one holds about 40 % of everything),\n"
	"power, cooling, rooms, racks, hosts, VMs, pools, services replicated across\n"
	"zones, and the apps and datasets of many tenants; about 5 dependencies per\n"
	"node. Ids and fan-outs are described in docs/gen.md.\n",
	opts,
	NULL,
	{ CMD_EXIT_OK, NULL, "usage error", NULL, CMD_EXIT_IO },
	NULL,
};

/* A decimal uint64 (cmd_count's unsigned long may be 32 bits wide). */
static int parse_u64(const char *prog, const char *option, const char *val, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(val, &end, 10);
	if (val[0] < '0' || val[0] > '9' || *end || errno == ERANGE)
		return cmd_usage_error(prog, "%s needs a number, not '%s'", option, val);
	*out = n;
	return EXIT_OK;
}

static int opt_nodes(void *ctx, const char *prog, const char *val)
{
	gen_opts *o = ctx;
	o->have_nodes = 1;
	return parse_u64(prog, "--nodes", val, &o->gen.nodes);
}

static int opt_seed(void *ctx, const char *prog, const char *val)
{
	return parse_u64(prog, "--seed", val, &((gen_opts *)ctx)->gen.seed);
}

int cmd_gen(int argc, char **argv)
{
	const char *prog = spec.prog;
	gen_opts go = { NULL, { 0, 1 }, 0 };
	int status = EXIT_OK, err;
	cmd_out out = { 0 };

	if ((status = cmd_parse(&spec, &go, argc, argv)) != EXIT_OK)
		return status == CMD_DONE ? EXIT_OK : status;
	const char *out_path = go.output;
	int have_nodes = go.have_nodes;
	fo_gen_opts o = go.gen;
	if (!have_nodes)
		return cmd_usage_error(prog, "missing --nodes N");
	if (o.nodes < FO_GEN_MIN_NODES || o.nodes > FO_GEN_MAX_NODES)
		return cmd_usage_error(prog, "--nodes must be between %u and %u, not %llu",
				       FO_GEN_MIN_NODES, FO_GEN_MAX_NODES,
				       (unsigned long long)o.nodes);
	if ((status = cmd_out_open(&out, prog, out_path)) != EXIT_OK)
		return status;
	err = fo_gen_write(out.fp, &o);
	status = cmd_out_close(&out, prog, err == FO_OK);
	if (err < 0 && status == EXIT_OK) { /* a write error was said by cmd_out_close */
		fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
		status = cmd_exit_for(err);
	}
	return status;
}
