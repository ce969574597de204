/*
 * import.c — the one import path (fo_import.h): the table of readers, the
 * detection of an input's format from its first bytes, and the loading of
 * one or several inputs into one graph, directly (one fallout XML) or
 * through an import model.
 *
 * A new format is one row of `formats` below; its word must be one of
 * `words` (the list --from documents, whether or not the reader is built).
 */
#include "fo_import.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../graphs/fo_error.h"
#include "fo_mapfile.h"
#include "fo_archimate.h"
#include "fo_cmdb.h"
#include "fo_graphml.h"
#include "fo_k8s.h"
#include "fo_terraform.h"

/* The fallout reader with the signature of a row (its options are passed
 * by fo_import_load itself, which knows it). */
static int fallout_read(fo_model *m, const char *path)
{
	return fo_inventory_read_model(m, path, NULL);
}

static const char *const words[] = { "fallout", "archimate", "k8s", "terraform", "graphml", "cmdb",
				     NULL };

/* One line per reader: { word, default prefix, strict, read, sniff }. */
static const fo_import_format formats[] = {
	{ "fallout", "", 1, fallout_read, fo_inventory_sniff },
	{ "archimate", "archimate", 0, fo_archimate_read, fo_archimate_sniff },
	{ "k8s", "k8s", 0, fo_k8s_read, fo_k8s_sniff },
	{ "terraform", "tf", 0, fo_terraform_read, fo_terraform_sniff },
	{ "graphml", "graphml", 0, fo_graphml_read, fo_graphml_sniff },
	{ "cmdb", "cmdb", 0, fo_cmdb_read, fo_cmdb_sniff },
};
#define NFORMATS (sizeof formats / sizeof formats[0])

const char *const *fo_import_words(void)
{
	return words;
}

const fo_import_format *fo_import_format_for(const char *word)
{
	for (size_t i = 0; word && i < NFORMATS; i++)
		if (strcmp(word, formats[i].word) == 0)
			return &formats[i];
	return NULL;
}

static const fo_import_format *fallout_row(void)
{
	return &formats[0];
}

/* "a, b or c" of every format word, for messages. */
static void word_list(char *buf, size_t size)
{
	size_t used = 0, n = 0;
	while (words[n])
		n++;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 i == 0 ? "" : i + 1 == n ? " or " : ", ", words[i]);
}

/* ------------------------------------------------------------ detection */

/* A head starting with a UTF-16 byte order mark, decoded for sniffing:
 * ASCII characters kept, every other one a '?' (no sniff looks for
 * anything but ASCII). out has room for n / 2 bytes. Returns the length,
 * or 0 when there is no such BOM. */
static size_t utf16_head(const unsigned char *in, size_t n, char *out)
{
	int le;
	size_t k = 0;
	if (n >= 2 && in[0] == 0xFF && in[1] == 0xFE)
		le = 1;
	else if (n >= 2 && in[0] == 0xFE && in[1] == 0xFF)
		le = 0;
	else
		return 0;
	for (size_t i = 2; i + 1 < n; i += 2) {
		unsigned u = le ? in[i] | (unsigned)in[i + 1] << 8 : (unsigned)in[i] << 8 | in[i + 1];
		out[k++] = u && u < 0x80 ? (char)u : '?';
	}
	return k;
}

/* Valid UTF-8 but maybe for a sequence cut by the end of the head. */
static int utf8_text(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
			     : (c & 0xF8) == 0xF0 ? 4 : 0;
		if (!len || (len == 2 && c < 0xC2) || (len == 4 && c > 0xF4))
			return 0;
		if (!c)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if (i + k >= n)
				return 1; /* cut: fine */
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
		}
		i += len;
	}
	return 1;
}

const fo_import_format *fo_import_sniff(const char *head, size_t n)
{
	char *dec = NULL;
	const fo_import_format *f = NULL;
	size_t dn;

	if (!head)
		return NULL;
	if (n >= 2 && (dec = malloc(n / 2 + 1)) && (dn = utf16_head((const unsigned char *)head, n, dec))) {
		head = dec;
		n = dn;
	}
	/* Foreign formats first: fallout's sniff is the strictest anyway, but
	 * a new row must not be shadowed by the default. */
	for (size_t i = NFORMATS; i-- > 0 && !f;)
		if (formats[i].sniff && formats[i].sniff(head, n))
			f = &formats[i];
	free(dec);
	return f;
}

/* What no sniff claims but the fallout reader should read, because its
 * message says best what is wrong: blank, XML-looking (a wrong root, a
 * truncated inventory), or not text at all (NUL bytes, invalid UTF-8). */
static int leave_to_fallout(const char *head, size_t n)
{
	const unsigned char *p = (const unsigned char *)head, *end = p + n;
	if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
		return 1; /* UTF-16 that no sniff claims: the XML reader says why not */
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	if (p == end || *p == '<')
		return 1;
	return memchr(p, 0, (size_t)(end - p)) != NULL || !utf8_text(p, (size_t)(end - p));
}

/* ---------------------------------------------------------------- inputs */

/* One input being prepared and read. */
typedef struct input {
	const char *path;           /* as given (borrowed) */
	const char *name;           /* in diagnostics: path, or "<stdin>" */
	const char *read_path;      /* what the reader opens: path, or spool_path */
	FILE *spool;                /* a copy of a non-regular input, or NULL */
	char spool_path[40];        /* /proc/self/fd/N of the spool */
	const fo_import_format *fmt;
} input;

static void input_dispose(input *in)
{
	if (in->spool)
		fclose(in->spool);
	in->spool = NULL;
}

static int say_errno(fo_diag *diag, const char *name, const char *what, int e)
{
	if (fo_diag_add_code(diag, FO_SEV_ERROR, "io", name, 0, 0, NULL, "%s: %s", what, strerror(e)) ==
	    FO_ENOMEM)
		return FO_ENOMEM;
	return FO_EIO;
}

/* Reads up to size bytes at offset 0 of fd into buf; *n what was read. */
static int read_head(int fd, char *buf, size_t size, size_t *n)
{
	*n = 0;
	while (*n < size) {
		ssize_t r = pread(fd, buf + *n, size - *n, (off_t)*n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno;
		if (r == 0)
			break;
		*n += (size_t)r;
	}
	return 0;
}

/* Copies what is left on fd into a new unnamed temporary file (on disk,
 * as the XML reader keeps a copy of a pipe: memory stays O(1)). */
static int spool_copy(input *in, int fd, fo_diag *diag)
{
	char buf[65536];
	if (!(in->spool = tmpfile()))
		return say_errno(diag, in->name, "cannot copy the input to a temporary file", errno);
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return say_errno(diag, in->name, "cannot read", errno);
		if (r == 0)
			break;
		if (fwrite(buf, 1, (size_t)r, in->spool) != (size_t)r)
			return say_errno(diag, in->name, "cannot copy the input to a temporary file",
					 errno ? errno : EIO);
	}
	if (fflush(in->spool) != 0)
		return say_errno(diag, in->name, "cannot copy the input to a temporary file", errno);
	/* Opening this path opens the copy again, from its start: every reader
	 * takes a path. */
	snprintf(in->spool_path, sizeof in->spool_path, "/proc/self/fd/%d", fileno(in->spool));
	in->read_path = in->spool_path;
	return FO_OK;
}

/* Whether the tree under dir holds a .yaml, .yml or .json file (what
 * `oc adm must-gather` and `kubectl cluster-info dump` write), looking at
 * most 8 levels down and at 100,000 entries. Symbolic links are not
 * followed. */
static int dir_has_dump_files(const char *dir, int depth, size_t *seen)
{
	static const char *const exts[] = { ".yaml", ".yml", ".json", NULL };
	DIR *d;
	struct dirent *e;
	int found = 0;
	if (depth > 8 || !(d = opendir(dir)))
		return 0;
	while (!found && (e = readdir(d)) && ++*seen < 100000) {
		size_t len = strlen(e->d_name);
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		for (int i = 0; exts[i] && !found; i++) {
			size_t el = strlen(exts[i]);
			found = len > el && !strcmp(e->d_name + len - el, exts[i]);
		}
		if (!found) {
			struct stat st;
			size_t dl = strlen(dir);
			char *sub = malloc(dl + len + 2);
			if (!sub)
				break;
			sprintf(sub, "%s/%s", dir, e->d_name);
			if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
				found = dir_has_dump_files(sub, depth + 1, seen);
			free(sub);
		}
	}
	closedir(d);
	return found;
}

/* Decides in->fmt (forced: `forced`, else detected), copying a
 * non-regular input first when it must be sniffed or is not for the
 * fallout reader (which reads pipes itself). */
static int input_prepare(input *in, const fo_import_format *forced, fo_diag *diag)
{
	int fd = -1, own = 0, err = FO_OK, e;
	struct stat st;
	char *head = NULL;
	size_t n = 0;

	in->name = strcmp(in->path, "-") == 0 ? "<stdin>" : in->path;
	in->read_path = in->path;
	in->fmt = forced;
	if (forced == fallout_row())
		return FO_OK; /* read as it always was */
	if (strcmp(in->path, "-") == 0) {
		fd = STDIN_FILENO;
	} else {
		do
			fd = open(in->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		while (fd < 0 && errno == EINTR);
		if (fd < 0) {
			/* The reader says why, as it always did. */
			if (!in->fmt)
				in->fmt = fallout_row();
			return FO_OK;
		}
		/* A FIFO's open waits for its writer, as the XML reader's does
		 * (a non-blocking one would read an end of file before it). */
		own = 1;
	}
	if (fstat(fd, &st) != 0) {
		err = say_errno(diag, in->name, "cannot read", errno);
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		/* A directory is a cluster dump (must-gather) when it holds a
		 * file a dump holds; otherwise (a folder of inventories given by
		 * mistake) the fallout reader says it is a directory, as always. */
		size_t seen = 0;
		if (!in->fmt && (!dir_has_dump_files(in->path, 0, &seen) ||
				 !(in->fmt = fo_import_format_for("k8s"))))
			in->fmt = fallout_row();
		goto done;
	}
	/* Standard input is copied even when it is a file: the readers take
	 * a path, and "-" may sit at any offset of its file. */
	if ((!S_ISREG(st.st_mode) || !own) && (err = spool_copy(in, fd, diag)) < 0)
		goto done;
	if (in->fmt)
		goto done;
	if (!(head = malloc(FO_IMPORT_HEAD))) {
		err = FO_ENOMEM;
		goto done;
	}
	if ((e = read_head(in->spool ? fileno(in->spool) : fd, head, FO_IMPORT_HEAD, &n)) != 0) {
		err = say_errno(diag, in->name, "cannot read", e);
		goto done;
	}
	if (!(in->fmt = fo_import_sniff(head, n)) && leave_to_fallout(head, n))
		in->fmt = fallout_row();
	if (!in->fmt) {
		char list[128];
		word_list(list, sizeof list);
		err = fo_diag_add_code(diag, FO_SEV_ERROR, "unknown-format", in->name, 0, 0, NULL,
				       "cannot tell the format: use --from FMT (%s)", list) == FO_ENOMEM
			      ? FO_ENOMEM
			      : FO_EINPUT;
	}
done:
	free(head);
	if (own)
		close(fd);
	return err;
}

int fo_import_detect(const fo_import_format **out, const char *path, fo_diag *diag)
{
	input in = { 0 };
	int err;
	if (!out || !path || !diag)
		return FO_EINVAL;
	in.path = path;
	err = input_prepare(&in, NULL, diag);
	*out = err == FO_OK ? in.fmt : NULL;
	input_dispose(&in);
	return err;
}

/* ------------------------------------------------------------------ load */

/* Keeps the first error but lets a worse one (no memory, a limit) win. */
static int worst(int a, int b)
{
	if (a == FO_ENOMEM || b == FO_ENOMEM)
		return FO_ENOMEM;
	if (a == FO_ELIMIT || b == FO_ELIMIT)
		return FO_ELIMIT;
	return a < 0 ? a : b;
}

static int load(fo_graph **out, fo_inventory_input **keep, const char *const *paths, size_t n,
		const fo_import_opts *opts, fo_diag *diag, fo_model **model_out)
{
	static const fo_import_opts defaults = { 0 };
	const fo_import_format *forced = NULL;
	input *in = NULL;
	fo_model *m = NULL;
	size_t nstdin = 0, errors0 = diag ? fo_diag_errors(diag) : 0;
	int err = FO_OK;

	if (keep)
		*keep = NULL;
	if (model_out)
		*model_out = NULL;
	if (!out || !diag || (n && !paths))
		return FO_EINVAL;
	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (!n) {
		fo_diag_add_code(diag, FO_SEV_ERROR, "usage", NULL, 0, 0, NULL, "no input to import");
		return FO_EINVAL;
	}
	if (opts->from && !(forced = fo_import_format_for(opts->from))) {
		char list[128];
		size_t i = 0;
		word_list(list, sizeof list);
		while (words[i] && strcmp(words[i], opts->from) != 0)
			i++;
		if (words[i])
			fo_diag_add_code(diag, FO_SEV_ERROR, "usage", NULL, 0, 0, NULL,
					 "this build of fallout has no %s reader", opts->from);
		else
			fo_diag_add_code(diag, FO_SEV_ERROR, "usage", NULL, 0, 0, NULL,
					 "unknown format '%s' (%s)", opts->from, list);
		return FO_EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if (paths[i] && strcmp(paths[i], "-") == 0 && nstdin++) {
			fo_diag_add_code(diag, FO_SEV_ERROR, "usage", NULL, 0, 0, NULL,
					 "'-' (standard input) given twice");
			return FO_EINVAL;
		}
	if (!(in = calloc(n, sizeof *in)))
		return FO_ENOMEM;
	/* Every input is detected before any is read: an undetectable one is
	 * said at once, with the others. */
	for (size_t i = 0; i < n; i++) {
		in[i].path = paths[i] ? paths[i] : "";
		err = worst(err, input_prepare(&in[i], forced, diag));
		if (err == FO_ENOMEM)
			goto done;
	}
	if (err < 0)
		goto done;

	/* The fast path: today's reader, byte for byte. */
	if (n == 1 && in[0].fmt == fallout_row() && !opts->map && !opts->want_model) {
		fo_inventory_opts io = opts->inventory;
		if (in[0].spool && !io.name)
			io.name = in[0].name;
		err = fo_inventory_read(out, keep, in[0].read_path, &io, diag);
		goto done;
	}

	if ((err = fo_model_new(&m, diag)) < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		const fo_import_format *f = in[i].fmt;
		const char *prefix = NULL;
		int r;
		if (opts->map)
			prefix = fo_mapfile_source_prefix(opts->map, in[i].name, f->word);
		if ((r = fo_model_source_begin(m, in[i].name, f->word, prefix ? prefix : f->prefix,
					       f->strict, NULL)) < 0 ||
		    (opts->map && (r = fo_mapfile_begin_source(opts->map, m)) < 0)) {
			err = r;
			goto done;
		}
		if (f == fallout_row()) {
			fo_inventory_opts io = opts->inventory;
			io.name = in[i].name;
			r = fo_inventory_read_model(m, in[i].read_path, &io);
		} else {
			r = f->read(m, in[i].read_path);
		}
		/* Every input is read, so that one run lists every error. */
		err = worst(err, r);
		if (err == FO_ENOMEM || err == FO_ELIMIT)
			goto done;
	}
	/* The mapping file rewrites what every source read; its errors (a
	 * template giving a bad kind) still let the build say the rest. */
	if (err == FO_OK && opts->map && (err = fo_mapfile_apply(opts->map, m)) == FO_EINPUT)
		err = FO_OK;
	/* Built even after a reader's errors (a reader that read to the end
	 * returns FO_OK with them on diag): the resolution's errors are said in
	 * the same run, and fo_model_build then fails. */
	if (err == FO_OK)
		err = fo_model_build(m, out);
	if (err == FO_OK && fo_diag_errors(diag) > errors0)
		err = FO_EINPUT; /* not expected: build fails with errors */
done:
	for (size_t i = 0; in && i < n; i++)
		input_dispose(&in[i]);
	free(in);
	if (err < 0 && *out) {
		fo_graph_free(*out);
		*out = NULL;
	}
	if (model_out && m && (err == FO_OK || err == FO_EINPUT || err == FO_EIO))
		*model_out = m;
	else
		fo_model_free(m);
	return err;
}

int fo_import_load(fo_graph **out, const char *const *paths, size_t n, const fo_import_opts *opts,
		   fo_diag *diag, fo_model **model_out)
{
	return load(out, NULL, paths, n, opts, diag, model_out);
}

int fo_import_read(fo_graph **out, fo_inventory_input **kept, const char *path,
		   const fo_import_opts *opts, fo_diag *diag, fo_model **model_out)
{
	return load(out, kept, path ? &path : NULL, path ? 1 : 0, opts, diag, model_out);
}
