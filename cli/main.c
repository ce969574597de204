/*
 * main.c — the `fallout` command: a thin table of subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *summary;
} commands[] = {
	{ "check", cmd_check, "validate an inventory and warn about risky designs" },
	{ "whatif", cmd_whatif, "what goes down, degraded, at risk or lost if nodes fail" },
	{ "render", cmd_render, "draw the impact of a scenario (DOT, SVG, PNG, PDF)" },
	{ "import", cmd_import, "store an inventory as a snapshot in an SQLite database" },
	{ "db", cmd_db, "snapshots and stored reports of a database: list, rm" },
	{ "spof", cmd_spof, "single points of failure, blast-radius ranking, shared fate" },
	{ "cutsets", cmd_cutsets, "minimal sets of failures that take an app down, counted exactly" },
	{ "availability", cmd_availability, "exact P(down) per app, nines, what to harden first" },
	{ "report", cmd_report, "batch report of a scenario file: HTML, Markdown, JSON, CSV" },
	{ "diff", cmd_diff, "what a migration changes: nodes, dependencies, SPOFs, scenarios" },
	{ "serve", cmd_serve, "explore what-ifs in a browser: the explorer page and its JSON API" },
	{ "convert", cmd_convert, "write inputs of any format as one inventory XML" },
	{ "export", cmd_export, "write an app's fault tree as Open-PSA MEF (SCRAM reads it)" },
	{ "gen", cmd_gen, "write a synthetic inventory of N nodes (benchmarks)" },
};

/* Every status some command returns; each command's --help lists its own. */
static const char *const exits[] = {
	CMD_EXIT_OK, "findings (diff --fail-on, check --strict)", CMD_EXIT_USAGE, CMD_EXIT_INPUT, CMD_EXIT_IO,
};

static void usage(FILE *fp)
{
	fprintf(fp, "Usage: fallout COMMAND [ARGS]...\n"
		    "If this fails, what goes down? Blast radius of infrastructure failures.\n\n"
		    "Commands:\n");
	int w = 0;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if ((int)strlen(commands[i].name) > w)
			w = (int)strlen(commands[i].name);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(fp, "  %-*s %s\n", w, commands[i].name, commands[i].summary);
	fprintf(fp, "\nINVENTORY is a file in any format fallout reads: its inventory XML\n"
		    "(docs/inventory-format.md), ArchiMate, Kubernetes, Terraform, GraphML or CMDB\n"
		    "exports (docs/importers.md); or - for stdin, or a snapshot DB@LABEL (DB alone:\n"
		    "the newest; docs/snapshots.md). Several are joined into one graph.\n"
		    "Run 'fallout COMMAND --help' for a command's options; 'fallout --version'.\n\n");
	cmd_exit_help(exits, fp);
}

static int dispatch(int argc, char **argv)
{
	if (argc < 2) {
		char names[256];
		size_t used = 0, n = sizeof commands / sizeof commands[0];
		for (size_t i = 0; i < n; i++)
			used += (size_t)snprintf(names + used, used < sizeof names ? sizeof names - used : 0,
						 "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ",
						 commands[i].name);
		return cmd_usage_error("fallout", "missing COMMAND (%s)", names);
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			char help[] = "--help";
			char *sub[] = { argv[2], help };
			for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
				if (!strcmp(argv[2], commands[i].name))
					return commands[i].run(2, sub);
			return cmd_usage_error("fallout", "unknown command '%s'", argv[2]);
		}
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		cmd_version(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	return cmd_usage_error("fallout", "unknown command '%s'", argv[1]);
}

int main(int argc, char **argv)
{
	/* Results printed with printf: a full disk or a closed pipe must
	 * not pass for success. */
	return cmd_stdout_close("fallout", dispatch(argc, argv));
}
