/*
 * fuzz_common.c — temporary input files and output checks shared by the
 * harnesses (fuzz_common.h). JSON and UTF-8 are judged by jansson rather than
 * by code of our own (docs/dependencies.md): a checker written next to the
 * writers would share their blind spots. DOT is read back by cgraph, the
 * library a user's tool would read it with.
 */
#define _GNU_SOURCE /* mkdtemp */
#include "fuzz_common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <graphviz/cgraph.h>
#include <jansson.h>

#include "../../analyzer/fo_engine.h"
#include "../../analyzer/fo_spof.h"
#include "../../graphs/fo_error.h"
#include "../../reports/fo_render.h"
#include "../../reports/fo_report.h"
#include "../../reports/fo_spofreport.h"

void fz_fail(const char *fmt, ...)
{
	va_list ap;
	fputs("fuzz check failed: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* ------------------------------------------------------------ temp files */

static char tmp_dir[512];

static void remove_tmp_dir(void)
{
	DIR *d;
	struct dirent *de;
	char p[1024];

	if (!tmp_dir[0] || !(d = opendir(tmp_dir)))
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", tmp_dir, de->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(tmp_dir);
}

static const char *base_dir(void)
{
	const char *d = getenv("FALLOUT_FUZZ_TMP");
	if (d && *d)
		return d;
	if (access("/dev/shm", W_OK) == 0)
		return "/dev/shm";
	d = getenv("TMPDIR");
	return d && *d ? d : "/tmp";
}

const char *fz_path(const char *stem, const char *suffix)
{
	static char path[1024];

	if (!tmp_dir[0]) {
		snprintf(tmp_dir, sizeof tmp_dir, "%s/fallout-fuzz-XXXXXX", base_dir());
		if (!mkdtemp(tmp_dir))
			fz_fail("mkdtemp %s: %s", tmp_dir, strerror(errno));
		atexit(remove_tmp_dir);
	}
	snprintf(path, sizeof path, "%s/%s%s", tmp_dir, stem, suffix);
	return path;
}

void fz_write(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t off = 0;

	if (fd < 0)
		fz_fail("open %s: %s", path, strerror(errno));
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fz_fail("write %s: %s", path, strerror(errno));
		off += (size_t)n;
	}
	if (close(fd) != 0)
		fz_fail("close %s: %s", path, strerror(errno));
}

void fz_unlink_db(const char *path)
{
	static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
	char p[1100];
	for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
		snprintf(p, sizeof p, "%s%s", path, ext[i]);
		unlink(p);
	}
}

/* ------------------------------------------------------------ checks */

/* Shows where a bad output goes wrong: the bytes around `at`, escaped. */
static void show(const char *what, const char *buf, size_t len, size_t at)
{
	size_t from = at > 60 ? at - 60 : 0, to = at + 60 < len ? at + 60 : len;
	fprintf(stderr, "%s, bytes %zu..%zu of %zu: \"", what, from, to, len);
	for (size_t i = from; i < to; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
	}
	fputs("\"\n", stderr);
}

void fz_check_utf8(const char *what, const char *buf, size_t len)
{
	/* json_stringn validates strictly (no overlong forms, surrogates or
	 * code points past U+10FFFF); a NUL is valid UTF-8 but never a valid
	 * byte of a text report, so it is refused separately. */
	const char *nul = memchr(buf, '\0', len);
	json_t *s;

	if (nul) {
		show(what, buf, len, (size_t)(nul - buf));
		fz_fail("%s: NUL byte at offset %zu", what, (size_t)(nul - buf));
	}
	if (!(s = json_stringn(buf, len))) {
		size_t i = 0;
		/* Find the first bad byte for the message: the longest prefix
		 * that still validates, probed by halving. */
		size_t lo = 0, hi = len;
		while (lo < hi) {
			size_t mid = lo + (hi - lo + 1) / 2;
			json_t *t = json_stringn(buf, mid);
			if (t) {
				json_decref(t);
				lo = mid;
			} else {
				hi = mid - 1;
			}
		}
		i = lo;
		show(what, buf, len, i);
		fz_fail("%s: not valid UTF-8 near offset %zu", what, i);
	}
	json_decref(s);
}

void fz_check_json(const char *what, const char *buf, size_t len)
{
	json_error_t e;
	/* RFC 8259: \u0000 is a valid escape, so JSON_ALLOW_NUL; fallout's
	 * documents have fixed keys, so a duplicate key is a defect. jansson
	 * also refuses invalid UTF-8 anywhere in the text. */
	json_t *doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
	if (!doc) {
		show(what, buf, len, e.position > 0 ? (size_t)e.position : 0);
		fz_fail("%s: invalid JSON at line %d column %d (byte %d): %s", what, e.line,
			e.column, e.position, e.text);
	}
	json_decref(doc);
}

static char dot_err[512];

static int capture_agerr(char *msg)
{
	snprintf(dot_err, sizeof dot_err, "%s", msg);
	return 0;
}

void fz_check_dot(const char *what, const char *buf, size_t len)
{
	Agraph_t *g;

	/* agmemread reads up to the first NUL: one inside the document would
	 * hide the rest from the check. */
	if (memchr(buf, '\0', len))
		fz_fail("%s: NUL byte inside DOT output", what);
	if (buf[len] != '\0')
		fz_fail("%s: DOT buffer not NUL-terminated (harness bug)", what);
	fz_check_utf8(what, buf, len);
	dot_err[0] = '\0';
	agseterrf(capture_agerr);
	agreseterrors();
	g = agmemread(buf);
	if (!g || agerrors() > 0) {
		if (g)
			agclose(g);
		show(what, buf, len, 0);
		fz_fail("%s: cgraph cannot read the DOT back: %s", what,
			dot_err[0] ? dot_err : "(no message)");
	}
	agclose(g);
}

void fz_check_diag_located(const char *what, const fo_diag *d, const char *file, int need_line)
{
	size_t n = fo_diag_count(d), errors = 0;

	for (size_t i = 0; i < n; i++) {
		const fo_diag_entry *e = fo_diag_get(d, i);
		if (e->sev != FO_SEV_ERROR)
			continue;
		errors++;
		if (!e->msg || !e->msg[0])
			fz_fail("%s: error %zu has no message", what, i);
		/* A snapshot's own errors name the database; errors found while
		 * rebuilding its graph name DB@LABEL (fo_graph_file). */
		if (file && (!e->file || (strcmp(e->file, file) != 0 &&
					  (strncmp(e->file, file, strlen(file)) != 0 ||
					   e->file[strlen(file)] != '@'))))
			fz_fail("%s: error %zu (%s) is not located in %s but in %s", what, i, e->msg,
				file, e->file ? e->file : "(no file)");
		if (need_line && (e->line == 0 || e->col == 0))
			fz_fail("%s: error %zu (%s) has no line:col (%lu:%lu)", what, i, e->msg,
				e->line, e->col);
	}
	if (errors == 0)
		fz_fail("%s: failed without a stored error (%zu errors counted)", what,
			fo_diag_errors(d));
}

uint32_t fz_hash(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

int fz_strict(void)
{
	/* On by default: damaged snapshots are FO_EINPUT (or FO_EIO) since
	 * issue 8; FALLOUT_FUZZ_STRICT=0 turns it off to look past a finding. */
	const char *s = getenv("FALLOUT_FUZZ_STRICT");
	return !(s && s[0] == '0');
}

/* ------------------------------------------------------------ outputs */

FILE *fz_mb_open(fz_membuf *m)
{
	m->buf = NULL;
	m->len = 0;
	if (!(m->fp = open_memstream(&m->buf, &m->len)))
		fz_fail("open_memstream: %s", strerror(errno));
	return m->fp;
}

void fz_mb_close(fz_membuf *m, const char *what, int err)
{
	if (fclose(m->fp) != 0)
		fz_fail("%s: fclose of the memory stream failed", what);
	if (err != 0)
		fz_fail("%s: returned %d (%s)", what, err, fo_strerror(err));
}

void fz_check_outputs(const fo_graph *g, uint32_t seed, int spof)
{
	uint32_t n = fo_graph_node_count(g), fail[2], destroy[1];
	fo_engine *e = NULL;
	fo_spof *sp = NULL;
	fo_spofreport sr = { 0 };
	fo_diag *diag = NULL;
	fo_scenario sc = { fail, 0, destroy, 0 };
	const uint32_t *imp;
	size_t nimp;
	fz_membuf m;
	int err;

	if (n == 0)
		return;
	/* Two failed nodes and one destroyed one, from the input's hash: the
	 * same input always runs the same scenario, and mutations move it. */
	fail[0] = seed % n;
	fail[1] = (seed >> 11) % n;
	destroy[0] = (seed >> 21) % n;
	sc.nfail = 1 + (seed >> 30 & 1);
	sc.ndestroy = seed >> 31;
	if ((err = fo_engine_new(&e, g)) != FO_OK)
		fz_fail("fo_engine_new: %s", fo_strerror(err));
	if ((err = fo_engine_run(e, &sc)) != FO_OK)
		fz_fail("fo_engine_run: %s", fo_strerror(err));

	err = fo_report_whatif(fz_mb_open(&m), e, &sc, FO_FORMAT_JSON, 0);
	fz_mb_close(&m, "whatif json", err);
	fz_check_json("whatif json", m.buf, m.len);
	free(m.buf);

	err = fo_report_whatif(fz_mb_open(&m), e, &sc, FO_FORMAT_TEXT, 1);
	fz_mb_close(&m, "whatif text", err);
	fz_check_utf8("whatif text", m.buf, m.len);
	free(m.buf);

	err = fo_report_whatif(fz_mb_open(&m), e, &sc, FO_FORMAT_CSV, 1);
	fz_mb_close(&m, "whatif csv", err);
	fz_check_utf8("whatif csv", m.buf, m.len);
	free(m.buf);

	err = fo_report_impacts_csv(fz_mb_open(&m), e, "fuzz", 1);
	fz_mb_close(&m, "impacts csv", err);
	fz_check_utf8("impacts csv", m.buf, m.len);
	free(m.buf);

	nimp = fo_engine_impacted(e, &imp);
	for (size_t i = 0; i < nimp && i < 4; i++) {
		err = fo_report_why(fz_mb_open(&m), e, imp[nimp - 1 - i]);
		fz_mb_close(&m, "why", err);
		fz_check_utf8("why", m.buf, m.len);
		free(m.buf);
	}

	if (fo_diag_new(&diag, 20) != FO_OK)
		fz_fail("fo_diag_new");
	fo_render_opts ro = { .scope = FO_SCOPE_AUTO, .format = "dot" };
	err = fo_render(fz_mb_open(&m), e, &ro, diag);
	/* Over the node limit the diagram is refused with a reason: fine. */
	if (err == FO_ELIMIT) {
		if (fo_diag_count(diag) == 0)
			fz_fail("render dot: FO_ELIMIT without a message");
		err = FO_OK;
		fz_mb_close(&m, "render dot", err);
	} else {
		fz_mb_close(&m, "render dot", err);
		fz_check_dot("render dot", m.buf, m.len);
	}
	free(m.buf);
	fo_diag_free(diag);

	if (spof) {
		static const fo_spofreport_format fmts[] = { FO_SPOFREPORT_JSON, FO_SPOFREPORT_TEXT,
							     FO_SPOFREPORT_CSV };
		if ((err = fo_spof_compute(&sp, g)) != FO_OK)
			fz_fail("fo_spof_compute: %s", fo_strerror(err));
		if ((err = fo_spofreport_select(&sr, g, sp, FO_NONE, NULL, 0)) != FO_OK)
			fz_fail("fo_spofreport_select: %s", fo_strerror(err));
		for (size_t i = 0; i < 3; i++) {
			err = fo_spofreport_write(fz_mb_open(&m), &sr, fmts[i]);
			fz_mb_close(&m, "spof", err);
			if (fmts[i] == FO_SPOFREPORT_JSON)
				fz_check_json("spof json", m.buf, m.len);
			else
				fz_check_utf8("spof text/csv", m.buf, m.len);
			free(m.buf);
		}
		fo_spofreport_dispose(&sr);
		fo_spof_free(sp);
	}
	fo_engine_free(e);
}
