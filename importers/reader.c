/*
 * reader.c — the libxml2 input shared by the inventory and scenario readers
 * (reader.h): our own file descriptor read through the pre-scanner, the
 * parser options, the refusing entity loader, and libxml2's errors turned
 * into diagnostics. Design notes: docs/importer.md.
 */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "../graphs/fo_error.h"

/* Parser options. Deliberately absent: XML_PARSE_NOENT (substitute
 * entities), XML_PARSE_DTDLOAD/DTDATTR/DTDVALID (read and apply a DTD),
 * XML_PARSE_XINCLUDE, XML_PARSE_HUGE (lift libxml2's size and depth limits).
 * IGNORE_ENC together with the "UTF-8" passed to xmlReaderForIO makes libxml2
 * read UTF-8 whatever the XML declaration says: the bytes the scanner checks
 * are then the characters libxml2 parses. */
#define READER_OPTIONS (XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_IGNORE_ENC)

/* Bytes read from the input at a time (libxml2 asks for 4 KiB: one system
 * call each would cost about a tenth of a large import). */
#define FO_READER_BUF (256 * 1024)

/* Without fmt->tidy, messages were formatted into this many bytes. */
#define PLAIN_MSG_MAX 1023

/* ------------------------------------------------ process-wide set-up */

/* The read in progress on this thread; the entity loader refuses
 * everything while it is set. */
static _Thread_local fo_reader *active;
static xmlExternalEntityLoader next_loader;
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;

/* libxml2 calls this for every external resource: external entities, DTDs,
 * XIncludes, schema imports. Nothing in a fallout read may load anything,
 * so during one it refuses (and reports) every request. Outside a fallout
 * read it hands the request to the loader that was installed before, so a
 * program that links fallout and uses libxml2 itself keeps working. */
static xmlParserInputPtr refuse_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	fo_reader *r = active;
	if (!r)
		return next_loader ? next_loader(url, id, ctxt) : NULL;
	r->refused++;
	if (!r->stopped) {
		unsigned long line = 0, col = 0;
		if (ctxt && ctxt->input) {
			line = ctxt->input->line > 0 ? (unsigned long)ctxt->input->line : 0;
			col = ctxt->input->col > 0 ? (unsigned long)ctxt->input->col : 0;
		}
		fo_diag_add_code(r->diag, FO_SEV_ERROR, "external-resource", r->file, line, col, NULL,
			    "refused to load external resource '%s': fallout reads nothing but %s",
			    url ? url : (id ? id : "?"), r->fmt->doc);
	}
	return NULL;
}

/* Once per process: initialise libxml2 and install the refusing loader.
 * xmlSetExternalEntityLoader is process-wide and not thread-safe, hence
 * pthread_once; a loader installed by someone else later replaces ours, which
 * the pre-scanner makes harmless (no DTD, hence no entity, ever reaches
 * libxml2; XInclude and schema location hints are off). */
static void setup(void)
{
	xmlInitParser();
	next_loader = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(refuse_loader);
}

static void silent_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* ------------------------------------------------------------- messages */

const char *fo_reader__show(const char *s, char buf[FO_READER_SHOW_BUF])
{
	size_t n = strlen(s);
	if (n <= FO_READER_SHOW_MAX)
		return s;
	n = FO_READER_SHOW_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, s, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

void fo_reader__verror(fo_reader *r, fo_severity sev, const char *code, fo_pos pos,
		       const char *hint, const char *fmt, va_list ap)
{
	char small[256], *msg = small;
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	if (n >= (int)sizeof small && (msg = malloc((size_t)n + 1)))
		vsnprintf(msg, (size_t)n + 1, fmt, aq);
	va_end(aq);
	if (!msg) {
		r->nomem = 1;
		return;
	}
	if (fo_diag_add_code(r->diag, sev, code, r->file, pos.line, pos.col, hint, "%s", msg) ==
	    FO_ENOMEM)
		r->nomem = 1;
	if (msg != small)
		free(msg);
}

void fo_reader__error(fo_reader *r, const char *code, fo_pos pos, const char *hint,
		      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fo_reader__verror(r, FO_SEV_ERROR, code, pos, hint, fmt, ap);
	va_end(ap);
}

/* Blanks folded to spaces, trailing spaces dropped, in place. */
static void fold_blanks(char *s)
{
	size_t n;
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	n = strlen(s);
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
}

char *fo_reader__tidy(const fo_reader *r, const xmlError *e)
{
	const char *m = e->message ? e->message : "XML error";
	size_t n = strlen(m);
	char *s;

	if (strncmp(m, "Excessive depth in document", 27) == 0)
		return strdup("elements nested more than 256 deep (the XML parser's limit)");
	if (strstr(m, "huge text node") || strstr(m, "Huge input lookup"))
		return strdup("text, comment or attribute value longer than 10000000 bytes (the XML parser's limit)");
	if (e->code == XML_ERR_INVALID_ENCODING || strncmp(m, "Input is not proper UTF-8", 25) == 0) {
		const char *bytes = strstr(m, "Bytes:");
		size_t bn = bytes ? strcspn(bytes, "\n") : 0;
		size_t sz = bn + strlen(r->fmt->docs) + 48;
		if (!(s = malloc(sz)))
			return NULL;
		snprintf(s, sz, "invalid UTF-8%s%.*s%s: %s are UTF-8", bytes ? " (" : "", (int)bn,
			 bytes ? bytes : "", bytes ? ")" : "", r->fmt->docs);
		return s;
	}
	if (!(s = malloc(n + 1)))
		return NULL;
	memcpy(s, m, n + 1);
	char *huge = strstr(s, " use XML_PARSE_HUGE option");
	if (!huge)
		huge = strstr(s, ", use XML_PARSE_HUGE option");
	if (huge)
		strcpy(huge, " (the XML parser's limit)");
	fold_blanks(s);
	return s;
}

/* Without fmt->tidy: libxml2's message with its blanks folded. */
static char *plain_message(const xmlError *e)
{
	const char *m = e->message ? e->message : "XML error";
	char *s = strdup(m);
	if (!s)
		return NULL;
	fold_blanks(s);
	if (strlen(s) > PLAIN_MSG_MAX)
		s[PLAIN_MSG_MAX] = '\0';
	return s;
}

/* libxml2's structured error handler, for the reader and for the thread
 * while the read is on (fo_reader__begin). */
static void on_error(void *ctx, xmlErrorPtr e)
{
	fo_reader *r = ctx;
	const fo_reader_format *fmt;
	char *msg;

	if (!e || !r || r->stopped || r->io_errno || r->fatal)
		return; /* the first reason to stop is the one reported */
	fmt = r->fmt;
	if (e->domain == XML_FROM_IO && r->refused)
		return; /* "failed to load external entity": reported by the loader */
	/* libxml2 reports its text size limit as a memory error: it is not. */
	if (e->code == XML_ERR_NO_MEMORY && !(fmt->tidy && e->message && strstr(e->message, "huge"))) {
		r->nomem = 1;
		return;
	}
	if (!(msg = fmt->tidy ? fo_reader__tidy(r, e) : plain_message(e))) {
		r->nomem = 1;
		return;
	}
	unsigned long line = e->line > 0 ? (unsigned long)e->line : 0;
	unsigned long col = e->int2 > 0 ? (unsigned long)e->int2 : 0;
	if (e->level == XML_ERR_FATAL || e->code == XML_ERR_NO_MEMORY) {
		if (e->domain == XML_FROM_PARSER && e->ctxt) {
			const xmlParserCtxt *pc = e->ctxt;
			r->fatal_doc = pc->myDoc;
			r->fatal_open = pc->node;
			if (pc->node) {
				long ln = xmlGetLineNo(pc->node);
				r->fatal_open_line = ln > 0 ? (unsigned long)ln : 0;
			}
		}
		r->fatal = 1;
		r->fatal_code = e->code;
		r->fatal_line = line;
		r->fatal_col = col;
		r->fatal_msg = msg;
		return;
	}
	fo_pos pos = { line, col };
	char hint[300] = "";
	if (e->domain == XML_FROM_SCHEMASV && fmt->place)
		fmt->place(r->ctx, msg, line, &pos, hint, sizeof hint);
	fo_severity sev = fmt->tidy && e->level == XML_ERR_WARNING ? FO_SEV_WARNING : FO_SEV_ERROR;
	if (fo_diag_add_code(r->diag, sev, "xml", r->file, pos.line, pos.col, *hint ? hint : NULL,
			     "%s", msg) == FO_ENOMEM)
		r->nomem = 1;
	free(msg);
}

static void report_errno(fo_reader *r, const char *what, int e)
{
	char buf[256];
	if (strerror_r(e, buf, sizeof buf) != 0)
		snprintf(buf, sizeof buf, "error %d", e);
	fo_reader__error(r, "io", (fo_pos){ 0, 0 }, NULL, "%s: %s", what, buf);
}

static void report_stop(fo_reader *r)
{
	const fo_scan *s = &r->scan;
	const char *docs = r->fmt->docs;
	fo_pos pos = { s->stop_line, s->stop_col };
	char sb[FO_READER_SHOW_BUF];

	switch (s->stop) {
	case FO_SCAN_DOCTYPE:
		fo_reader__error(r, "doctype", pos, NULL, "DOCTYPE is not allowed: %s take no DTD", docs);
		break;
	case FO_SCAN_NUL:
		if (s->stop_offset < 4)
			fo_reader__error(r, "encoding", pos, NULL, "not UTF-8 text (UTF-16 or UTF-32?): %s are UTF-8",
					 docs);
		else
			fo_reader__error(r, "encoding", pos, NULL, "NUL byte: not a text file (%s are UTF-8)", docs);
		break;
	case FO_SCAN_UTF16:
		fo_reader__error(r, "encoding", pos, NULL, "UTF-16 byte order mark: %s are UTF-8", docs);
		break;
	case FO_SCAN_EBCDIC:
		fo_reader__error(r, "encoding", pos, NULL, "EBCDIC text: %s are UTF-8", docs);
		break;
	case FO_SCAN_DEPTH:
		fo_reader__error(r, "limit", pos, NULL,
				 "elements nested more than %d deep (the XML parser's limit)",
				 FO_SCAN_MAX_DEPTH);
		break;
	case FO_SCAN_MARKUP:
		fo_reader__error(r, "limit", pos, NULL,
				 "more than %u comments and processing instructions in one document "
				 "(fallout's limit)",
				 FO_SCAN_MAX_MARKUP);
		break;
	case FO_SCAN_MARKUP_BYTES:
		fo_reader__error(r, "limit", pos, NULL,
				 "comments and processing instructions longer than %u bytes in all "
				 "(fallout's limit)",
				 FO_SCAN_MAX_MARKUP_BYTES);
		break;
	case FO_SCAN_ATTRS:
		fo_reader__error(r, "limit", pos, NULL, "more than %u attributes on one element (fallout's limit)",
				 FO_SCAN_MAX_ATTRS);
		break;
	case FO_SCAN_ENCODING:
		fo_reader__error(r, "encoding", pos, NULL, "unsupported encoding '%s': %s are UTF-8",
				 fo_reader__show(s->enc, sb), docs);
		break;
	default:
		break;
	}
}

/* ---------------------------------------------------------------- input */

int fo_reader__init(fo_reader *r, const char *file, fo_diag *diag, const fo_reader_format *fmt,
		    void *ctx)
{
	memset(r, 0, sizeof *r);
	r->src.fd = -1;
	fo_sha256_init(&r->sha);
	r->file = file;
	r->diag = diag;
	r->fmt = fmt;
	r->ctx = ctx;
	fo_scan__init(&r->scan);
	return pthread_once(&setup_once, setup) == 0 ? FO_OK : FO_EINVAL;
}

int fo_reader__open(fo_reader *r, const char *path, int spool)
{
	fo_reader_src *src = &r->src;

	if (strcmp(path, "-") == 0) {
		src->fd = 0;
	} else {
		do
			src->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		while (src->fd < 0 && errno == EINTR);
		if (src->fd < 0) {
			report_errno(r, "cannot open", errno);
			return FO_EIO;
		}
		src->own_fd = 1;
	}
	src->regular = fstat(src->fd, &src->st) == 0 && S_ISREG(src->st.st_mode);
	/* Columns are found by reading the input again; a pipe cannot be
	 * re-read, and reopening its path would read something else (or hang
	 * on a FIFO), so a copy is kept as it streams by. Without one, columns
	 * of a few messages stay unknown: not worth failing for. */
	if (spool && !src->regular)
		src->spool = tmpfile();
	return FO_OK;
}

int fo_reader__src_fd(fo_reader_src *src)
{
	struct stat now;

	if (src->spool)
		return !src->spool_bad && fflush(src->spool) == 0 ? fileno(src->spool) : -1;
	if (!src->regular || src->fd < 0 || fstat(src->fd, &now) != 0)
		return -1;
	/* Not ctime: removing or renaming the file changes it, and the bytes
	 * behind the descriptor are still those parsed. */
	if (now.st_size != src->st.st_size || now.st_mtim.tv_sec != src->st.st_mtim.tv_sec ||
	    now.st_mtim.tv_nsec != src->st.st_mtim.tv_nsec)
		return -1; /* rewritten since it was opened: not the bytes parsed */
	return src->fd;
}

void fo_reader__keep(fo_reader *r, fo_reader_src *out)
{
	*out = r->src;
	memset(&r->src, 0, sizeof r->src);
	r->src.fd = -1;
}

void fo_reader__src_dispose(fo_reader_src *src)
{
	if (src->spool)
		fclose(src->spool);
	src->spool = NULL;
	if (src->own_fd)
		close(src->fd);
	src->own_fd = 0;
	src->fd = -1;
}

void fo_reader__digest(const fo_reader *r, char hex[65])
{
	fo_sha256_ctx c = r->sha; /* final pads: on a copy, the hash goes on */
	fo_sha256_final(&c, hex);
}

void fo_reader__begin(fo_reader *r)
{
	/* libxml2 must never print: whatever does not go through the reader's
	 * own handler (I/O layer, schema compiler) goes to the diag too, for
	 * this thread and for the duration of the read only. */
	r->saved_generic = xmlGenericError;
	r->saved_generic_ctx = xmlGenericErrorContext;
	r->saved_structured = xmlStructuredError;
	r->saved_structured_ctx = xmlStructuredErrorContext;
	xmlSetGenericErrorFunc(NULL, silent_generic);
	xmlSetStructuredErrorFunc(r, on_error);
	r->outer = active;
	active = r;
	r->begun = 1;
}

void fo_reader__end(fo_reader *r)
{
	if (!r->begun)
		return;
	active = r->outer;
	xmlSetGenericErrorFunc(r->saved_generic_ctx, r->saved_generic);
	xmlSetStructuredErrorFunc(r->saved_structured_ctx, r->saved_structured);
	r->begun = 0;
}

/* libxml2 pulls the document through here. Bytes come from the
 * read-ahead buffer, refilled by one read(2) when empty; only the bytes
 * handed to libxml2 are spooled, hashed and scanned, so a refusal still
 * stops libxml2 before it sees the refused bytes, and the digest is that of
 * the bytes parsed, in the one read there is (a second read of the path
 * would hash whatever is there then: nothing left in a pipe, another
 * version of a rewritten file). */
static int read_cb(void *ctx, char *buf, int len)
{
	fo_reader *r = ctx;
	ssize_t n;

	if (r->stopped || r->io_errno || len <= 0)
		return -1;
	if (r->buf_pos == r->buf_len) {
		if (!r->buf && !(r->buf = malloc(FO_READER_BUF))) {
			r->nomem = 1;
			return -1;
		}
		do
			n = read(r->src.fd, r->buf, FO_READER_BUF);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			r->io_errno = errno ? errno : EIO;
			return -1;
		}
		if (n == 0) {
			r->eof = 1;
			return 0;
		}
		r->buf_len = (size_t)n;
		r->buf_pos = 0;
	}
	n = (ssize_t)(r->buf_len - r->buf_pos < (size_t)len ? r->buf_len - r->buf_pos : (size_t)len);
	memcpy(buf, r->buf + r->buf_pos, (size_t)n);
	r->buf_pos += (size_t)n;
	if (r->src.spool && !r->src.spool_bad &&
	    fwrite(buf, 1, (size_t)n, r->src.spool) != (size_t)n)
		r->src.spool_bad = 1;
	if (r->hash)
		fo_sha256_update(&r->sha, buf, (size_t)n);
	if (fo_scan__feed(&r->scan, (const unsigned char *)buf, (size_t)n) != FO_SCAN_GO) {
		/* Refused: libxml2 never sees these bytes, and a failing read
		 * makes it stop quietly. */
		r->stopped = 1;
		return -1;
	}
	return (int)n;
}

xmlTextReaderPtr fo_reader__xml(fo_reader *r)
{
	xmlTextReaderPtr x = xmlReaderForIO(read_cb, NULL, r, NULL, "UTF-8", READER_OPTIONS);
	if (x)
		xmlTextReaderSetStructuredErrorHandler(x, on_error, r);
	return x;
}

int fo_reader__verdict(fo_reader *r, int have_reader, int ret)
{
	if (r->nomem)
		return FO_ENOMEM;
	if (r->io_errno) {
		report_errno(r, "cannot read", r->io_errno);
		return FO_EIO;
	}
	if (r->scan.stop) {
		report_stop(r);
		return FO_EINPUT;
	}
	if (r->stopped)
		return FO_EINPUT;
	if (r->fatal) {
		fo_pos pos = { r->fatal_line, r->fatal_col };
		if (!r->scan.saw_content)
			fo_reader__error(r, "empty-document", pos, NULL, "%s", r->fmt->empty);
		else if (!r->fmt->explain_fatal || !r->fmt->explain_fatal(r->ctx))
			fo_reader__error(r, "xml", pos, NULL, "%s", r->fatal_msg);
		return FO_EINPUT;
	}
	if (!have_reader)
		return FO_ENOMEM;
	if (ret < 0) {
		fo_reader__error(r, "xml", (fo_pos){ 0, 0 }, NULL, "the XML reader failed");
		return FO_EINPUT;
	}
	return FO_OK;
}

int fo_reader__drain(fo_reader *r)
{
	char buf[4096];
	int n;

	/* libxml2 reads to the end of the input to look for trailing
	 * comments and for content after the root; this is for an input it
	 * stopped asking early. */
	while (!r->eof && (n = read_cb(r, buf, (int)sizeof buf)) > 0)
		;
	return fo_reader__verdict(r, 1, 0);
}

void fo_reader__dispose(fo_reader *r)
{
	fo_reader__src_dispose(&r->src);
	fo_scan__dispose(&r->scan);
	free(r->buf);
	r->buf = NULL;
	r->buf_len = r->buf_pos = 0;
	free(r->fatal_msg);
	r->fatal_msg = NULL;
}

const char *fo_reader__sniff_root(const char *head, size_t n, size_t *len)
{
	const char *p = head, *end = head + n;
	if (!head)
		return NULL;
	if (n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
	    (unsigned char)p[2] == 0xBF)
		p += 3;
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
			p++;
		if (end - p < 2 || *p != '<')
			return NULL;
		if (p[1] == '?' || (end - p >= 4 && !memcmp(p, "<!--", 4))) {
			const char *close = p[1] == '?' ? "?>" : "-->";
			size_t cl = strlen(close);
			const char *q = p + 2;
			while (q + cl <= end && memcmp(q, close, cl))
				q++;
			if (q + cl > end)
				return NULL;
			p = q + cl;
			continue;
		}
		break;
	}
	const char *name = ++p; /* after '<' */
	while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.' ||
			   *p == ':'))
		p++;
	if (p == end || p == name)
		return NULL; /* the name may go on, or '<' is followed by no name */
	*len = (size_t)(p - name);
	return name;
}

fo_pos fo_reader__attr_pos(const fo_reader *x, const fo_scan_tag *tag, int have_tag,
			   const char *name)
{
	fo_pos p = { tag->line, have_tag ? tag->col : 0 };
	if (!have_tag)
		return p;
	uint64_t h = fo_scan__hash(name, strlen(name));
	for (uint32_t i = 0; i < tag->attr_count; i++) {
		const fo_scan_attr *a = fo_scan__attr(&x->scan, tag, i);
		if (a && a->hash == h)
			return (fo_pos){ a->vline, a->vcol };
	}
	return p;
}

int fo_reader__start_tag(fo_reader *x, xmlTextReaderPtr xr, const char *qname, fo_scan_tag *tag)
{
	int have = fo_scan__pop_tag(&x->scan, tag) == 0;
	if (have && tag->hash != fo_scan__hash(qname, strlen(qname))) {
		fo_scan__break(&x->scan); /* out of step: fall back to libxml2's lines */
		have = 0;
	}
	if (!have) {
		int ln = xmlTextReaderGetParserLineNumber(xr);
		tag->line = ln > 0 ? (unsigned long)ln : 0;
		tag->col = 0;
	}
	return have;
}
