/*
 * cmd_gen.c — `fallout gen --nodes N [--seed S] [-o FILE]`: writes a
 * synthetic inventory of exactly N nodes, the same for the same seed
 * (generators/fo_gen.h, docs/gen.md). For benchmarks and load tests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../generators/fo_gen.h"
#include "../graphs/fo_error.h"

static const char help[] =
	"Usage: fallout gen --nodes N [--seed S] [-o FILE]\n"
	"Writes a synthetic inventory (format v1) of exactly N nodes, the same for the\n"
	"same N and seed: 2 regions, 4 sites (one holds about 40 % of everything),\n"
	"power, cooling, rooms, racks, hosts, VMs, pools, services replicated across\n"
	"zones, and the apps and datasets of many tenants; about 5 dependencies per\n"
	"node. Ids and fan-outs are described in docs/gen.md.\n\n"
	"  --nodes N          number of nodes, 100 to 4000000000 (required)\n"
	"  --seed S           seed of the generator (default 1)\n"
	"  -o, --output FILE  write to FILE instead of standard output\n"
	"  -h, --help         this help\n\n"
	"Exit status: 0 success; 2 usage error; 4 I/O or system error.\n";

enum { O_NODES = 1, O_SEED, O_OUT, O_HELP };
static const cmd_opt opts[] = {
	{ "nodes", 0, 1, O_NODES },
	{ "seed", 0, 1, O_SEED },
	{ "output", 'o', 1, O_OUT },
	{ "help", 'h', 0, O_HELP },
	{ NULL, 0, 0, 0 },
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

int cmd_gen(int argc, char **argv)
{
	const char *prog = "fallout gen", *out_path = NULL, *val;
	fo_gen_opts o = { 0, 1 };
	int have_nodes = 0, status = EXIT_OK, id, err;
	cmd_args a;
	cmd_out out = { 0 };

	cmd_args_init(&a, prog, argc - 1, argv + 1, opts);
	while ((id = cmd_next(&a, &val)) != -1) {
		switch (id) {
		case -2: return EXIT_USAGE;
		case O_HELP: fputs(help, stdout); return EXIT_OK;
		case O_OUT: out_path = val; break;
		case O_SEED:
			if ((status = parse_u64(prog, "--seed", val, &o.seed)) != EXIT_OK)
				return status;
			break;
		case O_NODES:
			if ((status = parse_u64(prog, "--nodes", val, &o.nodes)) != EXIT_OK)
				return status;
			have_nodes = 1;
			break;
		default:
			return cmd_usage_error(prog, "unexpected operand '%s'", val);
		}
	}
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
