/*
 * cmd_risk.c — what `fallout cutsets`, `availability` and `export` share:
 * the fault tree of an inventory's app or of an Open-PSA MEF file, the
 * --app lookup and the check that failure data is complete
 * (docs/risk.md, "Commands").
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "../graphs/fo_error.h"
#include "../importers/fo_openpsa.h"
#include "../risk/fo_ftgraph.h"

int cmd_risk_is_openpsa(const cmd_inputs *in)
{
	static char head[65536];
	struct stat st;
	if (in->from)
		return !strcmp(in->from, "openpsa");
	if (in->n != 1 || !strcmp(in->paths[0], "-") || cmd_is_snapshot(in->paths[0]))
		return 0;
	if (stat(in->paths[0], &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	int fd = open(in->paths[0], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	size_t n = 0;
	while (n < sizeof head) {
		ssize_t r = read(fd, head + n, sizeof head - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	return fo_openpsa_sniff(head, n);
}

int cmd_risk_load_openpsa(fo_ft **out, const char *prog, const cmd_inputs *in)
{
	fo_diag *d = NULL;
	int err;
	*out = NULL;
	if (in->n != 1)
		return cmd_usage_error(prog, "an Open-PSA fault tree is one input, not joined with others");
	if (in->map || in->explain)
		return cmd_usage_error(prog, "%s does not apply to an Open-PSA fault tree",
				       in->map ? "--map" : "--explain-import");
	if (cmd_is_snapshot(in->paths[0]))
		return cmd_usage_error(prog, "'%s' is a snapshot, not an Open-PSA fault tree (--from openpsa)",
				       in->paths[0]);
	if ((err = fo_diag_new(&d, 100)) < 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_IO;
	}
	err = fo_openpsa_read(in->paths[0], d, out);
	if (fo_diag_count(d))
		cmd_diag_print(prog, d, stderr);
	if (err == FO_EINPUT) {
		size_t ne = fo_diag_errors(d);
		fprintf(stderr, "%s: %s: %zu error%s; nothing was analysed\n", prog,
			strcmp(in->paths[0], "-") ? in->paths[0] : "<stdin>", ne, ne == 1 ? "" : "s");
	} else if (err < 0 && err != FO_EIO && !fo_diag_count(d)) {
		fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
	}
	fo_diag_free(d);
	if (err < 0) {
		fo_ft_free(*out);
		*out = NULL;
	}
	return cmd_exit_for(err);
}

int cmd_risk_app(const fo_graph *g, const char *prog, const char *id, uint32_t *out)
{
	if (fo_graph_lookup(g, id, out) != FO_OK) {
		cmd_unknown_id(g, prog, "--app", id);
		return EXIT_USAGE;
	}
	if (fo_graph_node_kind(g, *out) != FO_KIND_APP) {
		char sb[FO_DIAG_SHORT_BUF];
		fprintf(stderr, "%s: '", prog);
		fo_diag_fputs_escaped(fo_diag_shorten(id, sb), stderr);
		fprintf(stderr, "' is a %s, not an app (--app)\n", fo_graph_node_kind_word(g, *out));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cmd_risk_app_tree(fo_ft **out, const char *prog, const fo_graph *g, uint32_t app, int lost)
{
	fo_ftg_opts fo = { lost ? FO_FTG_LOST : FO_FTG_DOWN };
	fo_diag *d = NULL;
	int err;
	*out = NULL;
	if ((err = fo_diag_new(&d, 100)) == FO_OK)
		err = fo_ftgraph_build(g, app, &fo, out, d);
	if (err < 0) {
		if (d && fo_diag_count(d))
			cmd_diag_print(prog, d, stderr);
		else
			fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
		fo_ft_free(*out);
		*out = NULL;
	}
	fo_diag_free(d);
	return cmd_exit_for(err);
}

/* The top's cone, as a mark per node. NULL when out of memory. O(tree). */
static unsigned char *top_cone(const fo_ft *ft)
{
	uint32_t nn = fo_ft_node_count(ft), top = fo_ft_top(ft), *stack;
	unsigned char *seen = calloc(nn ? nn : 1, 1);
	stack = malloc((nn ? nn : 1) * sizeof *stack);
	if (!seen || !stack || top >= nn) {
		free(stack);
		if (top >= nn)
			return seen;
		free(seen);
		return NULL;
	}
	size_t sp = 0;
	stack[sp++] = top;
	seen[top] = 1;
	while (sp) {
		const uint32_t *a;
		size_t na = fo_ft_node_args(ft, stack[--sp], &a);
		for (size_t i = 0; i < na; i++)
			if (!seen[a[i]]) {
				seen[a[i]] = 1;
				stack[sp++] = a[i];
			}
	}
	free(stack);
	return seen;
}

int cmd_risk_need_p(const char *prog, const fo_ft *ft, int inventory)
{
	unsigned char *cone = top_cone(ft);
	size_t missing = 0;
	const size_t show = 5;
	if (!cone) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_IO;
	}
	for (uint32_t e = 0; e < fo_ft_event_count(ft); e++)
		if (cone[fo_ft_event_node(ft, e)] && fo_ft_event_p(ft, e) < 0)
			missing++;
	if (!missing) {
		free(cone);
		return EXIT_OK;
	}
	char sb[FO_DIAG_SHORT_BUF];
	const char *name = fo_ft_name(ft) ? fo_ft_name(ft) : "the tree";
	fprintf(stderr, "%s: no failure data for %zu %s of ", prog, missing,
		inventory ? (missing == 1 ? "node" : "nodes") : (missing == 1 ? "event" : "events"));
	fo_diag_fputs_escaped(fo_diag_shorten(name, sb), stderr);
	fputs(": ", stderr);
	size_t k = 0;
	for (uint32_t e = 0; e < fo_ft_event_count(ft) && k < show; e++) {
		if (!cone[fo_ft_event_node(ft, e)] || fo_ft_event_p(ft, e) >= 0)
			continue;
		if (k++)
			fputs(", ", stderr);
		fo_diag_fputs_escaped(fo_diag_shorten(fo_ft_event_name(ft, e), sb), stderr);
	}
	if (missing > show)
		fprintf(stderr, " and %zu more", missing - show);
	if (inventory)
		fputs(" (give each p=, or mtbf= and mttr=, or a default for its kind: "
		      "docs/inventory-format.md)\n",
		      stderr);
	else
		fputs(" (each needs a <float value=P/>: docs/openpsa.md)\n", stderr);
	free(cone);
	return EXIT_INPUT;
}
