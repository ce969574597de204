/*
 * cmd_opts.c — the one option parser of the subcommands and the --help it
 * generates from the same table (cmd.h, "options"). A subcommand declares
 * each option once; nothing else lists them.
 */
#include "cmd.h"
#include "../graphs/fo_suggest.h"

#include <stdlib.h>
#include <string.h>

/* Every command's own options, after its table. */
static const cmd_opt std_opts[] = {
	{ "help", 'h', NULL, "this help", CMD_OPT_HELP, 0, NULL, 0, NULL },
	{ "version", 0, NULL, "print the version (as fallout --version) and exit", CMD_OPT_VERSION,
	  0, NULL, 0, NULL },
	CMD_END,
};

/* Help lines are at most this many columns wide. */
#define HELP_WIDTH 80

void cmd_version(FILE *fp)
{
	fprintf(fp, "fallout %s\n", FO_VERSION);
}

/* Writes text from column `col` (already reached), wrapping at words so no
 * line passes HELP_WIDTH; continuation lines and lines after a '\n' start
 * at column `indent` (plus the blanks that begin the line in text). A word
 * longer than the room is not cut. Ends with a newline. */
static void wrap(FILE *fp, const char *text, int col, int indent)
{
	const char *p = text;
	int at = col, lead = 0, line_start = 1;
	while (*p) {
		if (*p == '\n') {
			fputc('\n', fp);
			p++;
			fprintf(fp, "%*s", indent, "");
			at = indent;
			line_start = 1;
			continue;
		}
		if (line_start) { /* blanks at the start of a line are kept */
			lead = 0;
			while (p[lead] == ' ')
				lead++;
			fprintf(fp, "%*s", lead, "");
			at += lead;
			p += lead;
			line_start = 0;
			continue;
		}
		size_t len = strcspn(p, " \n");
		if (len == 0) { /* blanks between words: kept (columns), or a break */
			int blanks = 0;
			while (*p == ' ')
				p++, blanks++;
			if (!*p || *p == '\n')
				continue;
			size_t next = strcspn(p, " \n");
			if (at + blanks + (int)next > HELP_WIDTH) {
				fputc('\n', fp);
				fprintf(fp, "%*s", indent + lead, "");
				at = indent + lead;
			} else {
				fprintf(fp, "%*s", blanks, "");
				at += blanks;
			}
			continue;
		}
		fwrite(p, 1, len, fp);
		at += (int)len;
		p += len;
	}
	fputc('\n', fp);
}

/* "-o, --output FILE" or "--fail ID": the option's column in the help. */
static int opt_left(const cmd_opt *o, char *buf, size_t size)
{
	int n = 0;
	if (o->short_name)
		n = snprintf(buf, size, "-%c, ", o->short_name);
	n += snprintf(buf + n, size - (size_t)n, "--%s%s%s", o->name, o->value_name ? " " : "",
		      o->value_name ? o->value_name : "");
	return n;
}

void cmd_exit_help(const char *const exits[EXIT_IO + 1], FILE *fp)
{
	char text[1024];
	size_t used = 0;
	for (int s = 0; s <= EXIT_IO; s++) {
		if (!exits[s])
			continue;
		used += (size_t)snprintf(text + used, used < sizeof text ? sizeof text - used : 0,
					 "%s%d %s", used ? "; " : "", s, exits[s]);
	}
	if (used < sizeof text - 1)
		strcat(text, ".");
	fputs("Exit status: ", fp);
	wrap(fp, text, 13, 0);
}

void cmd_help(const cmd_spec *spec, FILE *fp)
{
	const cmd_opt *tables[] = { spec->opts, std_opts };
	char left[128];
	int width = 0;

	for (int t = 0; t < 2; t++)
		for (const cmd_opt *o = tables[t]; o->name; o++) {
			int n = opt_left(o, left, sizeof left);
			if (n > width)
				width = n;
		}
	fputs(spec->synopsis, fp);
	fputc('\n', fp);
	for (int t = 0; t < 2; t++)
		for (const cmd_opt *o = tables[t]; o->name; o++) {
			opt_left(o, left, sizeof left);
			fprintf(fp, "  %-*s  ", width, left);
			wrap(fp, o->help, 2 + width + 2, 2 + width + 2);
		}
	fputc('\n', fp);
	if (spec->notes) {
		fputs(spec->notes, fp);
		fputc('\n', fp);
	}
	cmd_exit_help(spec->exits, fp);
}

static void *field(void *ctx, const cmd_opt *o)
{
	return (char *)ctx + o->offset;
}

/* Applies option o with value val (NULL for a flag) to ctx. */
static int apply(const cmd_spec *spec, void *ctx, const cmd_opt *o, const char *val)
{
	const char *prog = spec->prog;
	char dashed[64];
	switch (o->kind) {
	case CMD_OPT_FLAG:
		*(int *)field(ctx, o) = 1;
		return EXIT_OK;
	case CMD_OPT_STRING:
		*(const char **)field(ctx, o) = val;
		return EXIT_OK;
	case CMD_OPT_LIST: {
		cmd_list *l = field(ctx, o);
		/* Capacity: the next power of two (n = 0 allocates 1). */
		if ((l->n & (l->n - 1)) == 0) {
			const char **v = realloc(l->v, (l->n ? 2 * l->n : 1) * sizeof *v);
			if (!v) {
				fprintf(stderr, "%s: out of memory\n", prog);
				return EXIT_IO;
			}
			l->v = v;
		}
		l->v[l->n++] = val;
		return EXIT_OK;
	}
	case CMD_OPT_CHOICE:
		return cmd_choice(prog, o->name, val, o->words, (int *)field(ctx, o));
	case CMD_OPT_COUNT:
		snprintf(dashed, sizeof dashed, "--%s", o->name);
		return cmd_count(prog, dashed, val, o->min > 0, (unsigned long *)field(ctx, o));
	case CMD_OPT_CALL:
		return o->fn(ctx, prog, val);
	case CMD_OPT_HELP:
		cmd_help(spec, stdout);
		return CMD_DONE;
	case CMD_OPT_VERSION:
		cmd_version(stdout);
		return CMD_DONE;
	case CMD_OPT_END:
		break;
	}
	return EXIT_USAGE;
}

/* The option of spec named by arg ("--name[=v]" or "-x[v]"), or NULL;
 * *inline_val: the value glued to it, or NULL. */
static const cmd_opt *lookup(const cmd_spec *spec, const char *arg, const char **inline_val)
{
	const cmd_opt *tables[] = { spec->opts, std_opts };
	*inline_val = NULL;
	if (arg[1] == '-') {
		const char *name = arg + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		for (int t = 0; t < 2; t++)
			for (const cmd_opt *o = tables[t]; o->name; o++)
				if (strlen(o->name) == len && strncmp(o->name, name, len) == 0) {
					*inline_val = eq ? eq + 1 : NULL;
					return o;
				}
		return NULL;
	}
	for (int t = 0; t < 2; t++)
		for (const cmd_opt *o = tables[t]; o->name; o++)
			if (o->short_name && o->short_name == arg[1]) {
				/* -oFILE; a flag's -hx is refused below */
				*inline_val = arg[2] ? arg + 2 : NULL;
				return o;
			}
	return NULL;
}

/* "unknown option '--stric'; did you mean '--strict'?": a long option is
 * compared (without its "=value") with the command's long names, by
 * fo_suggest_word's rule. O(options * length). */
static int unknown_option(const cmd_spec *spec, const char *arg)
{
	const cmd_opt *tables[] = { spec->opts, std_opts };
	const char *names[64];
	char typed[64];
	size_t n = 0, len;
	const char *best = NULL;

	if (arg[1] == '-' && arg[2] && (len = strcspn(arg + 2, "=")) < sizeof typed) {
		memcpy(typed, arg + 2, len);
		typed[len] = '\0';
		for (int t = 0; t < 2; t++)
			for (const cmd_opt *o = tables[t]; o->name && n + 1 < sizeof names / sizeof *names; o++)
				names[n++] = o->name;
		names[n] = NULL;
		best = fo_suggest_word(typed, names);
	}
	if (best)
		return cmd_usage_error(spec->prog, "unknown option '%s'; did you mean '--%s'?", arg, best);
	return cmd_usage_error(spec->prog, "unknown option '%s'", arg);
}

int cmd_parse(const cmd_spec *spec, void *ctx, int argc, char **argv)
{
	const char *prog = spec->prog;
	int no_more_opts = 0, status;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = NULL;
		if (no_more_opts || arg[0] != '-' || strcmp(arg, "-") == 0) {
			status = spec->operand ? spec->operand(ctx, prog, arg)
					       : cmd_usage_error(prog, "unexpected operand '%s'", arg);
			if (status != EXIT_OK)
				return status;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			no_more_opts = 1;
			continue;
		}
		const cmd_opt *o = lookup(spec, arg, &val);
		if (!o)
			return unknown_option(spec, arg);
		if (!o->value_name && val)
			return cmd_usage_error(prog, "option '--%s' takes no value", o->name);
		if (o->value_name && !val) {
			if (i + 1 >= argc)
				return cmd_usage_error(prog, "option '--%s' needs a value", o->name);
			val = argv[++i];
		}
		if ((status = apply(spec, ctx, o, val)) != EXIT_OK)
			return status;
	}
	return EXIT_OK;
}

void cmd_parse_dispose(const cmd_spec *spec, void *ctx)
{
	for (const cmd_opt *o = spec->opts; o->name; o++)
		if (o->kind == CMD_OPT_LIST) {
			cmd_list *l = field(ctx, o);
			free(l->v);
			l->v = NULL;
			l->n = 0;
		}
}
