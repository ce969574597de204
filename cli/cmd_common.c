/*
 * cmd_common.c — option parsing, loading and output helpers shared by the
 * subcommands (cmd.h).
 */
/* fopencookie(3): the output streams record their own write errors. */
#define _GNU_SOURCE
#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../graphs/fo_error.h"
#include "../graphs/fo_snapshot.h"
#include "../graphs/fo_suggest.h"
#include "../importers/fo_import.h"
#include "../importers/fo_inventory.h"
#include "../importers/fo_model.h"

int cmd_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	/* Every line of stderr starts with the command's name (docs/cli.md). */
	fprintf(stderr, "\n%s: try '%s --help'\n", prog, prog);
	return EXIT_USAGE;
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
	const char *near = fo_suggest_word(val, words);
	char sb[FO_DIAG_SHORT_BUF];
	if (near)
		return cmd_usage_error(prog, "unknown %s '%s' (%s); did you mean '%s'?", what,
				       fo_diag_shorten(val, sb), list, near);
	return cmd_usage_error(prog, "unknown %s '%s' (%s)", what, fo_diag_shorten(val, sb), list);
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

/* Parses "DIGITS" at p; returns the end, or NULL when there is no digit. */
static const char *digits(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && *q >= '0' && *q <= '9')
		q++;
	return q > p ? q : NULL;
}

/* True when the diagnostic line (n bytes) is located: "FILE:LINE:COL: "
 * then its severity. FILE may hold ':' and blanks: the first ":N:N: error: "
 * or ":N:N: warning: " decides. O(n). */
static int located(const char *line, size_t n)
{
	const char *end = line + n, *p = line;
	while ((p = memchr(p, ':', (size_t)(end - p))) != NULL) {
		const char *q = digits(++p, end);
		if (!q || q >= end || *q != ':' || !(q = digits(q + 1, end)))
			continue;
		if ((size_t)(end - q) > 9 && !strncmp(q, ": error: ", 9))
			return 1;
		if ((size_t)(end - q) > 11 && !strncmp(q, ": warning: ", 11))
			return 1;
	}
	return 0;
}

int cmd_diag_print(const char *prog, const fo_diag *diag, FILE *fp)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	int err;

	if (!mem)
		return fo_diag_print(diag, fp);
	err = fo_diag_print(diag, mem);
	if (fclose(mem) != 0 || !buf) {
		free(buf);
		return fo_diag_print(diag, fp);
	}
	for (const char *p = buf; p < buf + len;) {
		const char *nl = memchr(p, '\n', (size_t)(buf + len - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(buf + len - p);
		if (!located(p, n)) {
			fprintf(fp, "%s: ", prog);
			/* "fallout render: error: ..." says error twice */
			if (n > 7 && !strncmp(p, "error: ", 7)) {
				p += 7;
				n -= 7;
			}
		}
		fwrite(p, 1, n, fp);
		p += n;
	}
	free(buf);
	return err;
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

int cmd_looks_like_db(const char *word)
{
	static const char *const exts[] = { ".db", ".sqlite", ".sqlite3", NULL };
	size_t n = strlen(word);
	for (int i = 0; exts[i]; i++) {
		size_t e = strlen(exts[i]);
		if (n > e && !strcmp(word + n - e, exts[i]))
			return 1;
	}
	return cmd_is_snapshot(word);
}

int cmd_is_snapshot(const char *path)
{
	char *db;
	const char *label;
	int yes = cmd_split_snapshot(path, &db, &label) == 1;
	free(db);
	return yes;
}

int cmd_input_operand(const char *prog, cmd_inputs *in, const char *val)
{
	/* Standard input can be read once only. */
	for (size_t i = 0; i < in->n && !strcmp(val, "-"); i++)
		if (!strcmp(in->paths[i], "-"))
			return cmd_usage_error(prog, "'-' (standard input) given twice");
	const char **np = realloc(in->paths, (in->n + 1) * sizeof *np);
	if (!np) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_IO;
	}
	in->paths = np;
	in->paths[in->n++] = val;
	return EXIT_OK;
}

void cmd_inputs_dispose(cmd_inputs *in)
{
	free(in->paths);
	in->paths = NULL;
	in->n = 0;
}

int cmd_check_from(const char *prog, const char *from)
{
	int i;
	if (!from)
		return EXIT_OK;
	if (cmd_choice(prog, "format", from, fo_import_words(), &i) != EXIT_OK)
		return EXIT_USAGE;
	if (!fo_import_format_for(from))
		return cmd_usage_error(prog, "this build of fallout has no %s reader", from);
	return EXIT_OK;
}

int cmd_load_map(fo_mapfile **out, const char *prog, const cmd_inputs *in, const char *nothing)
{
	fo_diag *d = NULL;
	int err;

	*out = NULL;
	if (!in->map)
		return EXIT_OK;
	if (fo_diag_new(&d, 100) < 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_IO;
	}
	if ((err = fo_mapfile_load(out, in->map, d)) < 0) {
		cmd_diag_print(prog, d, stderr);
		if (err == FO_EINPUT)
			fprintf(stderr, "%s: %s: %zu error%s; nothing was %s\n", prog,
				strcmp(in->map, "-") ? in->map : "<stdin>", fo_diag_errors(d),
				fo_diag_errors(d) == 1 ? "" : "s", nothing);
		else if (err != FO_EIO)
			fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
	}
	fo_diag_free(d);
	return cmd_exit_for(err);
}

/* Writes text to fp with "PROG: " before every line (docs/cli.md: every
 * line of stderr says where it comes from). */
static void put_prefixed(const char *prog, const char *text, size_t len, FILE *fp)
{
	for (const char *p = text; p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(text + len - p);
		fprintf(fp, "%s: ", prog);
		fwrite(p, 1, n, fp);
		if (!nl)
			fputc('\n', fp);
		p += n;
	}
}

/* What fn writes about the model, prefixed (fo_model_summary,
 * fo_model_explain). */
static void model_say(const char *prog, const fo_model *m, int (*fn)(const fo_model *, FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		return;
	fn(m, mem);
	if (fclose(mem) == 0 && buf)
		put_prefixed(prog, buf, len, stderr);
	free(buf);
}

void cmd_model_say(const char *prog, const fo_model *m, int explain)
{
	if (explain)
		model_say(prog, m, fo_model_explain);
	model_say(prog, m, fo_model_summary);
}

/* The inputs' names for messages: "a.json", "a.json + b.xml" (malloc'd). */
static char *input_names(const cmd_inputs *in)
{
	size_t len = 1;
	for (size_t i = 0; i < in->n; i++)
		len += strlen(in->paths[i]) + 8 + 3;
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	*p = '\0';
	for (size_t i = 0; i < in->n; i++)
		p += sprintf(p, "%s%s", i ? " + " : "", strcmp(in->paths[i], "-") ? in->paths[i] : "<stdin>");
	return s;
}

/* A snapshot operand: loaded alone. */
static int load_snapshot(fo_graph **out, const char *prog, const char *path, char *db,
			 const char *label)
{
	int err;
	if (label && !*label) {
		free(db);
		return cmd_usage_error(prog, "'%s': empty label after '@' (use FILE for the newest snapshot)", path);
	}
	/* A snapshot load's diagnostics are printed here, its warnings too (a
	 * compiled copy not used: docs/snapshots.md), from a diag of its own:
	 * the caller's is for what follows, and would print them a second
	 * time. */
	fo_diag *ld = NULL;
	if ((err = fo_diag_new(&ld, 100)) == FO_OK)
		err = fo_snapshot_load(out, db, label, ld);
	if (ld && fo_diag_count(ld))
		cmd_diag_print(prog, ld, stderr);
	fo_diag_free(ld);
	free(db);
	if (err == FO_OK)
		return EXIT_OK;
	if (err == FO_ENOMEM || err == FO_EINVAL)
		fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
	return cmd_exit_for(err);
}

int cmd_load_inputs(fo_graph **out, fo_inventory_input **kept, const char *prog,
		    const cmd_inputs *in, int validate_schema, const char *nothing)
{
	fo_import_opts io = { 0 };
	fo_model *m = NULL;
	fo_mapfile *map = NULL;
	fo_diag *d = NULL;
	int err, status;

	*out = NULL;
	if (kept)
		*kept = NULL;
	for (size_t i = 0; i < in->n; i++) {
		char *db = NULL;
		const char *label = NULL;
		int snap = cmd_split_snapshot(in->paths[i], &db, &label);
		if (snap < 0) {
			fprintf(stderr, "%s: out of memory\n", prog);
			return EXIT_IO;
		}
		if (!snap)
			continue;
		if (in->n > 1) {
			free(db);
			return cmd_usage_error(prog, "'%s' is a snapshot: it is one inventory, not joined with others",
					       in->paths[i]);
		}
		if (in->from || in->map) {
			free(db);
			return cmd_usage_error(prog, "%s does not apply to a snapshot ('%s')",
					       in->from ? "--from" : "--map", in->paths[i]);
		}
		return load_snapshot(out, prog, in->paths[i], db, label);
	}
	for (size_t i = 0; in->map && !strcmp(in->map, "-") && i < in->n; i++)
		if (!strcmp(in->paths[i], "-"))
			return cmd_usage_error(prog, "an INVENTORY and --map cannot both be - (standard input)");
	if ((status = cmd_check_from(prog, in->from)) != EXIT_OK ||
	    (status = cmd_load_map(&map, prog, in, nothing)) != EXIT_OK)
		return status;
	io.from = in->from;
	io.map = map;
	io.inventory.validate_schema = validate_schema;
	io.want_model = in->explain;
	/* The import reports on a context of its own: an imported source's
	 * warnings are printed here, on success too, and must not come again
	 * when the caller prints its diag for a later problem. */
	if (fo_diag_new(&d, 100) < 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		fo_mapfile_free(map);
		return EXIT_IO;
	}
	if (in->n == 1)
		err = fo_import_read(out, kept, in->paths[0], &io, d, &m);
	else
		err = fo_import_load(out, in->paths, in->n, &io, d, &m);
	/* One fallout XML prints nothing when it loads, as it always did. */
	if (fo_diag_count(d) && (m || err < 0))
		cmd_diag_print(prog, d, stderr);
	if (m && err == FO_OK)
		cmd_model_say(prog, m, in->explain);
	fo_model_free(m);
	fo_mapfile_free(map);
	if (err == FO_EINPUT) {
		char *names = input_names(in);
		size_t ne = fo_diag_errors(d);
		fprintf(stderr, "%s: %s: %zu error%s; nothing was %s\n", prog, names ? names : "input",
			ne, ne == 1 ? "" : "s", nothing);
		free(names);
	} else if (err < 0 && err != FO_EIO && err != FO_EINVAL) {
		fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
	}
	fo_diag_free(d);
	return cmd_exit_for(err);
}

int cmd_load(fo_graph **out, const char *prog, const cmd_inputs *in, int validate_schema)
{
	return cmd_load_inputs(out, NULL, prog, in, validate_schema, "analysed");
}

int cmd_load_one(fo_graph **out, const char *prog, const char *path, const cmd_inputs *opts)
{
	const char *paths[1] = { path };
	cmd_inputs in = { paths, 1, opts ? opts->from : NULL, opts ? opts->explain : 0,
			  opts ? opts->map : NULL };
	return cmd_load(out, prog, &in, 0);
}

/* ------------------------------------------------------------ output */

/* The stream under every cmd_out: write(2) on fd, remembering the first
 * errno. stdio forgets it: glibc drops a buffer whose write failed, so the
 * next fflush succeeds and errno is whatever a later call left (a database
 * close said "Bad file descriptor" for a full stdout). */
struct cmd_out_sink {
	int fd;
	int owned; /* closed with the stream */
	int err;   /* first failed write's or close's errno; 0 = none */
};

enum { OUT_FD, OUT_DEVICE, OUT_FILE };

static ssize_t sink_write(void *cookie, const char *buf, size_t n)
{
	cmd_out_sink *k = cookie;
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(k->fd, buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (!k->err)
				k->err = w < 0 ? errno : EIO;
			break;
		}
		done += (size_t)w;
	}
	/* Fewer bytes than asked marks the stream failed (fopencookie(3)). */
	return (ssize_t)done;
}

static int sink_close(void *cookie)
{
	cmd_out_sink *k = cookie;
	if (k->owned && close(k->fd) != 0) {
		if (!k->err)
			k->err = errno;
		return -1;
	}
	return 0;
}

/* "PROG: cannot write 'PATH': REASON" (err 0: the reason is unknown). */
static void out_say(const char *prog, const char *what, const cmd_out *o, int err)
{
	fprintf(stderr, "%s: %s '", prog, what);
	fo_diag_fputs_escaped(o->path ? o->path : "<stdout>", stderr);
	fprintf(stderr, "': %s\n", err ? strerror(err) : "write error");
}

/* The descriptor that path names without opening anything (the shell's
 * spellings of an inherited descriptor), or -1. Renaming over /dev/stdout
 * would replace the file the caller redirected stdout to, and reopening it
 * would truncate a file opened for appending. */
static int fd_alias(const char *path)
{
	static const char *const dirs[] = { "/dev/fd/", "/proc/self/fd/", NULL };
	if (!strcmp(path, "-") || !strcmp(path, "/dev/stdout"))
		return STDOUT_FILENO;
	if (!strcmp(path, "/dev/stderr"))
		return STDERR_FILENO;
	for (int i = 0; dirs[i]; i++) {
		size_t n = strlen(dirs[i]);
		const char *p = path + n;
		long fd = 0;
		if (strncmp(path, dirs[i], n) != 0 || !*p)
			continue;
		for (; *p >= '0' && *p <= '9' && fd < 1000000; p++)
			fd = fd * 10 + (*p - '0');
		if (!*p)
			return (int)fd;
	}
	return -1;
}

/* Follows symlinks from path to the file a write through it would change:
 * *out (malloc'd) names an existing non-symlink or a missing last component
 * (a dangling link creates its target, as a shell redirection would), or
 * *alias >= 0 when a link leads to a descriptor alias (fd_alias).
 * Returns 0 or an errno value. At most 40 links, as Linux. */
static int resolve(const char *path, char **out, int *alias)
{
	char *cur = strdup(path), *link = NULL;
	struct stat sb;
	int err = 0;

	*out = NULL;
	*alias = -1;
	for (int hops = 0; cur; hops++) {
		/* A link to /proc/self/fd/1 is stdout, not the file behind it. */
		if (hops && (*alias = fd_alias(cur)) >= 0)
			break;
		if (lstat(cur, &sb) != 0) {
			err = errno == ENOENT ? 0 : errno;
			break;
		}
		if (!S_ISLNK(sb.st_mode))
			break;
		size_t size = sb.st_size > 0 ? (size_t)sb.st_size + 1 : 4096;
		ssize_t n;
		if (hops == 40) {
			err = ELOOP;
			break;
		}
		if (!(link = malloc(size))) {
			err = ENOMEM;
			break;
		}
		if ((n = readlink(cur, link, size)) < 0 || (size_t)n >= size) {
			err = n < 0 ? errno : ENAMETOOLONG;
			break;
		}
		link[n] = '\0';
		const char *slash = strrchr(cur, '/');
		if (link[0] == '/' || !slash) {
			free(cur);
			cur = link;
		} else { /* relative to the link's directory */
			size_t dlen = (size_t)(slash - cur) + 1, len = dlen + (size_t)n + 1;
			char *next = malloc(len);
			if (next) {
				memcpy(next, cur, dlen);
				memcpy(next + dlen, link, (size_t)n + 1);
			}
			free(cur);
			free(link);
			cur = next;
		}
		link = NULL;
	}
	free(link);
	if (!cur && !err)
		err = ENOMEM;
	if (err) {
		free(cur);
		return err;
	}
	*out = cur;
	return 0;
}

char *cmd_missing_dir(const char *path)
{
	char *dir = strdup(path), *slash;
	struct stat sb;
	if (!dir || !(slash = strrchr(dir, '/')) || slash == dir) {
		free(dir);
		return NULL;
	}
	*slash = '\0'; /* the parent; then each ancestor from the top */
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (stat(dir, &sb) != 0 && errno == ENOENT)
			return dir;
		if (!c)
			break;
		*p = c;
	}
	free(dir);
	return NULL;
}

/* Wraps fd in o->fp. */
static int sink_open(cmd_out *o, int fd, int owned)
{
	static const cookie_io_functions_t io = { NULL, sink_write, NULL, sink_close };
	if (!(o->sink = calloc(1, sizeof *o->sink)))
		return ENOMEM;
	o->sink->fd = fd;
	o->sink->owned = owned;
	if (!(o->fp = fopencookie(o->sink, "w", io)))
		return errno ? errno : ENOMEM;
	/* A person watching a terminal sees lines as they come. */
	if (isatty(fd))
		setvbuf(o->fp, NULL, _IOLBF, 0);
	return 0;
}

/* Creates TARGET.tmp-PID with the old target's mode, owner and group (st,
 * NULL when there is none); sets o->copy when the old file must be kept as
 * an inode (hard links; an owner we cannot give the new file). */
static int open_tmp(cmd_out *o, const struct stat *st, int *fd)
{
	size_t len = strlen(o->target) + 32;
	struct stat now;

	*fd = -1;
	if (!(o->tmp = malloc(len)))
		return ENOMEM;
	snprintf(o->tmp, len, "%s.tmp-%ld", o->target, (long)getpid());
	/* 0600 until the old mode is applied: the content may be private. A
	 * leftover of ours exists only if a dead process had our PID. */
	for (int tries = 0; *fd < 0; tries++) {
		*fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st ? 0600 : 0666);
		if (*fd >= 0 || errno != EEXIST || tries)
			break;
		unlink(o->tmp);
	}
	if (*fd < 0) {
		int err = errno;
		free(o->tmp);
		o->tmp = NULL;
		return err;
	}
	if (!st)
		return 0;
	if (st->st_nlink > 1 || fstat(*fd, &now) != 0 ||
	    ((now.st_uid != st->st_uid || now.st_gid != st->st_gid) &&
	     fchown(*fd, st->st_uid, st->st_gid) != 0) ||
	    fchmod(*fd, st->st_mode & 07777) != 0)
		o->copy = 1;
	return 0;
}

/* Output through an inherited descriptor (-, /dev/stdout, /dev/fd/N):
 * never opened again, renamed or closed. Returns 0 or an errno. */
static int alias_open(cmd_out *o, int alias)
{
	o->how = OUT_FD;
	/* What the command printed before goes first. */
	fflush(stdout);
	if (fcntl(alias, F_GETFD) < 0)
		return errno;
	return sink_open(o, alias, 0);
}

int cmd_out_open(cmd_out *o, const char *prog, const char *path)
{
	struct stat sb;
	int fd = -1, err = 0, alias;

	memset(o, 0, sizeof *o);
	o->path = path && strcmp(path, "-") ? path : NULL;
	alias = fd_alias(path ? path : "-");
	if (alias >= 0) {
		err = alias_open(o, alias);
		goto done;
	}
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		if (S_ISDIR(sb.st_mode)) {
			err = EISDIR;
			goto done;
		}
		if (!S_ISCHR(sb.st_mode) && !S_ISFIFO(sb.st_mode) && !S_ISSOCK(sb.st_mode)) {
			fprintf(stderr, "%s: cannot write '", prog);
			fo_diag_fputs_escaped(path, stderr);
			fputs("': not a regular file, character device or FIFO\n", stderr);
			memset(o, 0, sizeof *o);
			return EXIT_IO;
		}
		/* Written straight through: a device or pipe is never
		 * replaced (as root, renaming over /dev/null deleted it). */
		o->how = OUT_DEVICE;
		if ((fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)) < 0)
			err = errno;
		else if ((err = sink_open(o, fd, 1)) == 0)
			fd = -1;
		goto done;
	}
	o->how = OUT_FILE;
	if ((err = resolve(path, &o->target, &alias)) != 0)
		goto done;
	if (alias >= 0) {
		free(o->target);
		o->target = NULL;
		err = alias_open(o, alias);
		goto done;
	}
	int exists = stat(o->target, &sb) == 0;
	if (exists && !S_ISREG(sb.st_mode)) { /* changed under us */
		err = EEXIST;
		goto done;
	}
	if ((err = open_tmp(o, exists ? &sb : NULL, &fd)) != 0)
		goto done;
	if ((err = sink_open(o, fd, 1)) == 0)
		fd = -1;
done:
	if (err) {
		char *dir = err == ENOENT ? cmd_missing_dir(o->target ? o->target : path) : NULL;
		if (dir) { /* "No such file or directory" would not say which */
			fprintf(stderr, "%s: cannot write '", prog);
			fo_diag_fputs_escaped(path, stderr);
			fputs("': no such directory '", stderr);
			fo_diag_fputs_escaped(dir, stderr);
			fputs("'\n", stderr);
			free(dir);
		} else {
			out_say(prog, "cannot write", o, err);
		}
		if (fd >= 0)
			close(fd);
		if (o->fp)
			fclose(o->fp);
		if (o->tmp)
			unlink(o->tmp);
		free(o->tmp);
		free(o->target);
		free(o->sink);
		memset(o, 0, sizeof *o);
		return EXIT_IO;
	}
	return EXIT_OK;
}

/* Closes the stream; returns 0 or the errno of the first failure (a write,
 * the flush, fsync of a temporary file, close). *failed: any failure, even
 * one whose errno is unknown. */
static int out_end(cmd_out *o, int sync, int *failed)
{
	int err = 0;
	*failed = 0;
	if (!o->fp)
		return 0;
	errno = 0;
	if (fflush(o->fp) != 0 || ferror(o->fp)) {
		*failed = 1;
		err = o->sink->err ? o->sink->err : errno;
	} else if (sync && fsync(o->sink->fd) != 0) {
		*failed = 1;
		err = errno;
	}
	if (fclose(o->fp) != 0 && !*failed) {
		*failed = 1;
		err = o->sink->err ? o->sink->err : errno;
	}
	o->fp = NULL;
	return err;
}

static void out_release(cmd_out *o)
{
	if (o->fp)
		fclose(o->fp);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->target);
	free(o->sink);
	memset(o, 0, sizeof *o);
}

int cmd_out_prepare(cmd_out *o, const char *prog)
{
	int failed, err;
	if (o->prepared)
		return EXIT_OK;
	/* fsync before the rename: without it a crash can leave the new name
	 * on an empty file (ext4 delalloc, XFS), and network filesystems may
	 * report a full disk only here. Not for devices and pipes. */
	err = out_end(o, o->how == OUT_FILE, &failed);
	if (failed) {
		out_say(prog, "cannot write", o, err);
		if (o->tmp)
			unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
		return EXIT_IO;
	}
	o->prepared = 1;
	return EXIT_OK;
}

/* Copies the complete tmp into target in place: the inode, its links and
 * owner stay. Space is reserved first so that a full disk fails before
 * the old content is touched; a failure while copying (an I/O error, a
 * kill) can leave the target mixed. Returns 0 or an errno value. */
static int copy_into(const char *tmp, const char *target)
{
	int in = -1, out = -1, err = 0;
	struct stat si, so;
	char buf[65536];
	ssize_t n;

	if ((in = open(tmp, O_RDONLY | O_CLOEXEC)) < 0 || fstat(in, &si) != 0 ||
	    (out = open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC)) < 0 || fstat(out, &so) != 0) {
		err = errno;
		goto done;
	}
	if (si.st_size > so.st_size && (err = posix_fallocate(out, 0, si.st_size)) != 0) {
		if (err != EOPNOTSUPP && err != EINVAL) {
			if (ftruncate(out, so.st_size) != 0) {
				/* the old size stays as it was, padded with zeros */
			}
			goto done;
		}
		err = 0; /* cannot reserve here: copy and see */
	}
	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			goto done;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				err = w < 0 ? errno : EIO;
				goto done;
			}
			off += w;
		}
	}
	if (ftruncate(out, si.st_size) != 0 || fsync(out) != 0)
		err = errno;
done:
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0 && !err)
		err = errno;
	return err;
}

int cmd_out_commit(cmd_out *o, const char *prog)
{
	int status = EXIT_OK, err = 0;
	if (!o->prepared) {
		out_release(o);
		return EXIT_IO;
	}
	if (o->tmp) {
		if (o->copy)
			err = copy_into(o->tmp, o->target);
		else if (rename(o->tmp, o->target) != 0)
			err = errno;
		else {
			free(o->tmp);
			o->tmp = NULL;
		}
	}
	if (err) {
		out_say(prog, "cannot write", o, err);
		status = EXIT_IO;
	}
	out_release(o); /* removes the temporary file if still there */
	return status;
}

int cmd_out_close(cmd_out *o, const char *prog, int ok)
{
	int failed, err, status;
	if (!o->fp && !o->tmp && !o->sink) {
		memset(o, 0, sizeof *o);
		return EXIT_OK;
	}
	if (ok) {
		if ((status = cmd_out_prepare(o, prog)) == EXIT_OK)
			return cmd_out_commit(o, prog);
		out_release(o);
		return status;
	}
	/* Said even though the caller failed: a write error is the likely
	 * reason, and the only one with a useful errno. */
	err = out_end(o, 0, &failed);
	if (failed)
		out_say(prog, "cannot write", o, err);
	out_release(o);
	return failed ? EXIT_IO : EXIT_OK;
}

void cmd_out_discard(cmd_out *o)
{
	out_release(o);
}

int cmd_stdout_close(const char *prog, int status)
{
	int err = 0, failed = 0;
	errno = 0;
	if (fflush(stdout) != 0) {
		failed = 1;
		err = errno;
	} else if (ferror(stdout)) {
		failed = 1; /* stdio dropped the failed buffer: errno is gone */
	}
	/* A closed stdout (>&-) that nothing was written to is no error. */
	if (fclose(stdout) != 0 && !failed && errno != EBADF) {
		failed = 1;
		err = errno;
	}
	if (failed && status == EXIT_OK) {
		fprintf(stderr, "%s: cannot write '<stdout>': %s\n", prog,
			err ? strerror(err) : "write error");
		return EXIT_IO;
	}
	return status;
}

void cmd_unknown_id(const fo_graph *g, const char *prog, const char *option, const char *id)
{
	char sb[FO_DIAG_SHORT_BUF];
	const char *near = fo_suggest_id(g, id);
	fprintf(stderr, "%s: unknown id '", prog);
	fo_diag_fputs_escaped(fo_diag_shorten(id, sb), stderr);
	fprintf(stderr, "' in %s: no such node in ", option);
	fo_diag_fputs_escaped(fo_graph_file(g) ? fo_graph_file(g) : "the inventory", stderr);
	if (near) {
		fputs("; did you mean '", stderr);
		fo_diag_fputs_escaped(fo_diag_shorten(near, sb), stderr);
		fputs("'?", stderr);
	}
	fputc('\n', stderr);
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
			cmd_unknown_id(g, prog, option, ids[i]);
			free(v);
			return EXIT_USAGE;
		}
	}
	*out = v;
	return EXIT_OK;
}

int cmd_session_run(cmd_session *s, const char *prog, const cmd_inputs *in,
		    const char *const *fail, size_t nfail, const char *const *destroy,
		    size_t ndestroy)
{
	int status, err;

	memset(s, 0, sizeof *s);
	if (fo_diag_new(&s->diag, 100) < 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_IO;
	}
	if ((status = cmd_load(&s->g, prog, in, 0)) != EXIT_OK ||
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
