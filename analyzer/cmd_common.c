/*
 * cmd_common.c — option parsing, loading and output helpers shared by the
 * subcommands (cmd.h).
 */
#include "cmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../graphs/fo_error.h"
#include "../graphs/fo_snapshot.h"
#include "../importers/fo_inventory.h"

void cmd_args_init(cmd_args *a, const char *prog, int argc, char **argv, const cmd_opt *opts)
{
	a->argc = argc;
	a->argv = argv;
	a->i = 0;
	a->prog = prog;
	a->opts = opts;
	a->no_more_opts = 0;
}

int cmd_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return EXIT_USAGE;
}

int cmd_next(cmd_args *a, const char **value)
{
	*value = NULL;
	if (a->i >= a->argc)
		return -1;
	char *arg = a->argv[a->i++];
	if (a->no_more_opts || arg[0] != '-' || strcmp(arg, "-") == 0) {
		*value = arg;
		return 0;
	}
	if (strcmp(arg, "--") == 0) {
		a->no_more_opts = 1;
		return cmd_next(a, value);
	}
	const cmd_opt *o = NULL;
	const char *inline_val = NULL;
	if (arg[1] == '-') {
		const char *name = arg + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		for (const cmd_opt *p = a->opts; p->name; p++)
			if (strlen(p->name) == len && strncmp(p->name, name, len) == 0)
				o = p;
		if (eq)
			inline_val = eq + 1;
	} else {
		for (const cmd_opt *p = a->opts; p->name; p++)
			if (p->short_name && p->short_name == arg[1])
				o = p;
		if (o && arg[2])
			inline_val = arg + 2;
		else if (!o || arg[2])
			o = NULL;
	}
	if (!o) {
		cmd_usage_error(a->prog, "unknown option '%s'", arg);
		return -2;
	}
	if (!o->takes_value) {
		if (inline_val) {
			cmd_usage_error(a->prog, "option '--%s' takes no value", o->name);
			return -2;
		}
		return o->id;
	}
	if (inline_val) {
		*value = inline_val;
	} else if (a->i < a->argc) {
		*value = a->argv[a->i++];
	} else {
		cmd_usage_error(a->prog, "option '--%s' needs a value", o->name);
		return -2;
	}
	return o->id;
}

int cmd_operand(const char *prog, const char **path, const char *val)
{
	if (*path)
		return cmd_usage_error(prog, "one INVENTORY only ('%s' and '%s')", *path, val);
	*path = val;
	return EXIT_OK;
}

int cmd_choice(const char *prog, const char *what, const char *val,
	       const char *const *words, int *out)
{
	char list[256] = "";
	size_t n = 0, used = 0;
	for (; words[n]; n++)
		if (!strcmp(val, words[n])) {
			*out = (int)n;
			return EXIT_OK;
		}
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(list + used, used < sizeof list ? sizeof list - used : 0,
					 "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", words[i]);
	return cmd_usage_error(prog, "unknown %s '%s' (%s)", what, val, list);
}

int cmd_count(const char *prog, const char *option, const char *val, int positive,
	      unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(val, &end, 10);
	if (val[0] < '0' || val[0] > '9' || *end || errno == ERANGE || (positive && n == 0))
		return cmd_usage_error(prog, "%s needs a %snumber, not '%s'", option,
				       positive ? "positive " : "", val);
	*out = n;
	return EXIT_OK;
}

int cmd_exit_for(int err)
{
	switch (err) {
	case FO_OK: return EXIT_OK;
	case FO_EINPUT: return EXIT_INPUT;
	case FO_EINVAL:
	case FO_ENOTFOUND:
	case FO_ELIMIT: return EXIT_USAGE;
	default: return EXIT_IO;
	}
}

int cmd_split_snapshot(const char *path, char **db, const char **label)
{
	const char *at;
	*db = NULL;
	*label = NULL;
	if (fo_snapshot_is_db(path)) {
		*db = strdup(path);
		return *db ? 1 : -1;
	}
	if (!(at = strrchr(path, '@')))
		return 0;
	if (!(*db = strndup(path, (size_t)(at - path))))
		return -1;
	if (!fo_snapshot_is_db(*db)) {
		free(*db);
		*db = NULL;
		return 0;
	}
	*label = at + 1;
	return 1;
}

int cmd_is_snapshot(const char *path)
{
	char *db;
	const char *label;
	int yes = cmd_split_snapshot(path, &db, &label) == 1;
	free(db);
	return yes;
}

int cmd_load(fo_graph **out, const char *prog, const char *path, int validate_schema,
	     fo_diag *diag)
{
	fo_inventory_opts opts = { validate_schema, NULL };
	char *db = NULL;
	const char *label = NULL;
	int err, snap = cmd_split_snapshot(path, &db, &label);

	if (snap < 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_IO;
	}
	if (snap && label && !*label) {
		free(db);
		return cmd_usage_error(prog, "'%s': empty label after '@' (use FILE for the newest snapshot)", path);
	}
	err = snap ? fo_snapshot_load(out, db, label, diag) : fo_inventory_load(out, path, &opts, diag);
	free(db);
	if (err == FO_OK)
		return EXIT_OK;
	fo_diag_print(diag, stderr);
	if (snap) {
		if (err == FO_ENOMEM || err == FO_EINVAL)
			fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
	} else if (err != FO_EINPUT && err != FO_EIO)
		fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
	else if (err == FO_EINPUT)
		fprintf(stderr, "%s: %s: %zu error%s; nothing was analysed\n", prog,
			strcmp(path, "-") ? path : "<stdin>", fo_diag_errors(diag),
			fo_diag_errors(diag) == 1 ? "" : "s");
	return cmd_exit_for(err);
}

int cmd_out_open(cmd_out *o, const char *prog, const char *path)
{
	memset(o, 0, sizeof *o);
	if (!path || strcmp(path, "-") == 0) {
		o->fp = stdout;
		return EXIT_OK;
	}
	o->path = path;
	size_t len = strlen(path) + 32;
	if (!(o->tmp = malloc(len))) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_IO;
	}
	snprintf(o->tmp, len, "%s.tmp-%ld", path, (long)getpid());
	if (!(o->fp = fopen(o->tmp, "wb"))) {
		fprintf(stderr, "%s: cannot write '%s': %s\n", prog, path, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return EXIT_IO;
	}
	return EXIT_OK;
}

int cmd_out_close(cmd_out *o, const char *prog, int ok)
{
	int status = EXIT_OK;
	if (!o->fp)
		return EXIT_OK;
	if (fflush(o->fp) != 0 || ferror(o->fp)) {
		/* Said even when the caller already failed: a write error is
		 * the likely reason, and the only one with a useful errno. */
		fprintf(stderr, "%s: cannot write '%s': %s\n", prog,
			o->path ? o->path : "<stdout>", strerror(errno));
		ok = 0;
		status = EXIT_IO;
	}
	if (o->path) {
		if (fclose(o->fp) != 0 && ok) {
			fprintf(stderr, "%s: cannot write '%s': %s\n", prog, o->path, strerror(errno));
			ok = 0;
			status = EXIT_IO;
		}
		if (ok && rename(o->tmp, o->path) != 0) {
			fprintf(stderr, "%s: cannot write '%s': %s\n", prog, o->path, strerror(errno));
			status = EXIT_IO;
			ok = 0;
		}
		if (!ok)
			remove(o->tmp);
		free(o->tmp);
	}
	memset(o, 0, sizeof *o);
	return status;
}

int cmd_resolve_ids(const fo_graph *g, const char *prog, const char *option,
		    const char *const *ids, size_t n, uint32_t **out)
{
	uint32_t *v = malloc((n ? n : 1) * sizeof *v);
	*out = NULL;
	if (!v) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_IO;
	}
	for (size_t i = 0; i < n; i++) {
		if (fo_graph_lookup(g, ids[i], &v[i]) < 0) {
			fprintf(stderr, "%s: unknown id '", prog);
			fo_diag_fputs_escaped(ids[i], stderr);
			fprintf(stderr, "' in %s: no such node in %s\n", option,
				fo_graph_file(g) ? fo_graph_file(g) : "the inventory");
			free(v);
			return EXIT_USAGE;
		}
	}
	*out = v;
	return EXIT_OK;
}

int cmd_session_run(cmd_session *s, const char *prog, const char *path,
		    const char *const *fail, size_t nfail, const char *const *destroy,
		    size_t ndestroy)
{
	int status, err;

	memset(s, 0, sizeof *s);
	if (fo_diag_new(&s->diag, 100) < 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_IO;
	}
	if ((status = cmd_load(&s->g, prog, path, 0, s->diag)) != EXIT_OK ||
	    (status = cmd_resolve_ids(s->g, prog, "--fail", fail, nfail, &s->fail)) != EXIT_OK ||
	    (status = cmd_resolve_ids(s->g, prog, "--destroy", destroy, ndestroy, &s->destroy)) != EXIT_OK)
		return status;
	s->sc = (fo_scenario){ s->fail, nfail, s->destroy, ndestroy };
	if ((err = fo_engine_new(&s->e, s->g)) < 0 || (err = fo_engine_run(s->e, &s->sc)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
		return cmd_exit_for(err);
	}
	return EXIT_OK;
}

void cmd_session_dispose(cmd_session *s)
{
	fo_engine_free(s->e);
	fo_graph_free(s->g);
	fo_diag_free(s->diag);
	free(s->fail);
	free(s->destroy);
	memset(s, 0, sizeof *s);
}
