/*
 * reader.h — importers-private: the libxml2 input both readers share
 * (inventory.c, scenarios.c), so that every fallout read has the same
 * safety measures and reports libxml2's errors the same way.
 *
 * A read goes: fo_reader__init, fo_reader__open (our own file descriptor,
 * never a URL), fo_reader__begin (libxml2's error handlers and the refusing
 * entity loader for this thread), fo_reader__xml (the streaming
 * xmlTextReader), the caller's loop over xmlTextReaderRead,
 * fo_reader__verdict (why reading stopped, reported on the diag),
 * fo_reader__end, fo_reader__dispose.
 *
 * Every byte goes through the pre-scanner (scan.h) before libxml2 sees it:
 * a DOCTYPE, NUL bytes, a foreign encoding or excessive depth stop the read
 * with libxml2 having seen none of those bytes. Parser options: no
 * XML_PARSE_NOENT, no DTD loading or validation, no XInclude, no network, no
 * XML_PARSE_HUGE; UTF-8 whatever the XML declaration says (the scanner has
 * refused every other encoding), so the bytes the scanner checks are the
 * characters libxml2 parses.
 *
 * libxml2's errors become FILE:LINE:COL diagnostics on the diag: non-fatal
 * ones as they come, the first fatal one kept (fatal_*) for
 * fo_reader__verdict, after which nothing more is reported. libxml2 never
 * prints.
 */
#ifndef FO_IMPORTERS_READER_H
#define FO_IMPORTERS_READER_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "../graphs/fo_diag.h"
#include "../graphs/fo_graph.h"
#include "../graphs/fo_sha256.h"
#include "scan.h"

/* Bytes of a value quoted in a message (fo_reader__show); a buffer for the
 * shortened copy is FO_READER_SHOW_BUF bytes. */
#define FO_READER_SHOW_MAX 80
#define FO_READER_SHOW_BUF (FO_READER_SHOW_MAX + 4)

/* What differs between the formats; a static constant of the caller's. */
typedef struct fo_reader_format {
	/* In messages: "DOCTYPE is not allowed: <docs> take no DTD",
	 * "<docs> are UTF-8" ("fallout inventories"). */
	const char *docs;
	/* "fallout reads nothing but <doc>" ("the inventory"). */
	const char *doc;
	/* "empty document: ...", the error for a document with no content. */
	const char *empty;
	/* libxml2's messages rewritten for users (fo_reader__tidy), its
	 * warnings kept as warnings, its "huge" text limit (raised as a memory
	 * error) reported as a limit. 0: the scenario reader's handling so far:
	 * libxml2's message with its blanks folded, cut at 1023 bytes, every
	 * warning an error, every memory error FO_ENOMEM. */
	int tidy;
	/* Optional: places an error of the schema validator (XML_FROM_SCHEMASV)
	 * better than libxml2's line: may set *pos and write a column hint
	 * (NUL-terminated, hintsz bytes at most). ctx is fo_reader.ctx. */
	void (*place)(void *ctx, const char *msg, unsigned long line, fo_pos *pos, char *hint,
		      size_t hintsz);
	/* Optional: reports a fatal libxml2 error itself (the document had
	 * content) and returns 1; 0 lets fo_reader__verdict report libxml2's
	 * message at its position. */
	int (*explain_fatal)(void *ctx);
} fo_reader_format;

/* The input of one read, what can outlive the read (fo_reader__keep):
 * the descriptor, and the bytes again for columns without reopening the
 * path (docs/importer.md, "One read"). */
typedef struct fo_reader_src {
	int fd, own_fd;           /* own_fd: closed by fo_reader__src_dispose */
	FILE *spool;              /* copy of a non-regular input, or NULL */
	int spool_bad;            /* the copy is incomplete */
	int regular;              /* fd is a regular file; st: as opened */
	struct stat st;
} fo_reader_src;

/* One read. The caller owns the struct (usually embedded in its own
 * state); fields below are read by the caller, written here. */
typedef struct fo_reader {
	const char *file;         /* name in diagnostics (borrowed) */
	fo_diag *diag;            /* borrowed */
	const fo_reader_format *fmt;
	void *ctx;                /* the caller's, passed to fmt's hooks */

	fo_reader_src src;        /* closed by fo_reader__dispose unless kept */
	/* read-ahead: libxml2 asks for 4 KiB at a time; one read(2) fills
	 * FO_READER_BUF bytes, handed over (scanned, spooled) as asked for */
	unsigned char *buf;       /* NULL until the first read */
	size_t buf_len, buf_pos;
	/* With `hash` (set after fo_reader__init, before reading): the sha256 of
	 * exactly the bytes handed to libxml2, in order, i.e. the bytes parsed
	 * (fo_reader__digest). Off by default: it costs about 6 ms per MB,
	 * a tenth of a large load, for commands that never use it. */
	int hash;
	fo_sha256_ctx sha;
	fo_scan scan;             /* sees every byte first; the caller pops it */

	int eof;                  /* the read callback saw the end of the input */
	int io_errno;             /* read(2) failed */
	int stopped;              /* refused by the scanner, or by the caller */
	int refused;              /* external loads refused during the read */
	int nomem;                /* out of memory: the read returns FO_ENOMEM */

	/* The first fatal libxml2 error (fatal_msg malloc'ed, tidied). For a
	 * parser error, the document and its innermost open element then
	 * (only for comparison and reading while the reader is alive). */
	int fatal;
	int fatal_code;
	unsigned long fatal_line, fatal_col;
	char *fatal_msg;
	const xmlDoc *fatal_doc;
	const xmlNode *fatal_open;
	unsigned long fatal_open_line; /* libxml2's line of fatal_open */

	/* private: what fo_reader__begin replaced */
	int begun;
	struct fo_reader *outer;
	xmlGenericErrorFunc saved_generic;
	void *saved_generic_ctx;
	xmlStructuredErrorFunc saved_structured;
	void *saved_structured_ctx;
} fo_reader;

/* Initialises *r for one read of `file` (the name in diagnostics,
 * borrowed), reporting on diag (borrowed); ctx is handed to fmt's hooks.
 * Also initialises libxml2 once per process and installs, for the whole
 * process, an external entity loader that refuses every request made
 * during a fallout read (fo_reader__begin to fo_reader__end) and passes the
 * others to the loader that was there before. fo_reader__dispose must
 * follow, whatever this returns. Returns FO_OK or FO_EINVAL (pthread_once
 * failed). O(1). */
int fo_reader__init(fo_reader *r, const char *file, fo_diag *diag, const fo_reader_format *fmt,
		    void *ctx);

/* Opens `path` read-only ("-": standard input, not closed later). With
 * `spool`, a non-regular input (a pipe, a FIFO, /dev/fd/N) is copied as it
 * is read into an unnamed temporary file (r->src.spool; none if that
 * fails), so that it can be read again for columns: on disk, so memory
 * stays O(1) in the input's size. Returns FO_OK, or FO_EIO with
 * "cannot open: ..." on the diag. */
int fo_reader__open(fo_reader *r, const char *path, int spool);

/* Until fo_reader__end on this thread: libxml2's generic errors are
 * dropped, its structured errors go to the diag, external loads are
 * refused. Nests (the previous state is restored by fo_reader__end). */
void fo_reader__begin(fo_reader *r);
void fo_reader__end(fo_reader *r);

/* A new streaming reader over r->src.fd, through the pre-scanner (and the
 * spool), with the parser options above and r's error handler; owned by the
 * caller (xmlFreeTextReader). It reads the first bytes at once: NULL when
 * that is refused or fails, or when memory runs out (fo_reader__verdict
 * tells which). */
xmlTextReaderPtr fo_reader__xml(fo_reader *r);

/* After a read that reached the end of the document (fo_reader__verdict
 * said FO_OK): reads what libxml2 did not ask for up to the end of the
 * input, through the scanner, the hash and the spool, so that the digest and
 * the copy cover the whole input. Returns FO_OK, FO_EIO (reported), FO_EINPUT
 * (the scanner refused the rest: reported) or FO_ENOMEM. O(rest). */
int fo_reader__drain(fo_reader *r);

/* With r->hash set before reading: the sha256 of the bytes read so far (all
 * of them after fo_reader__drain), as 64 lowercase hex digits and a NUL.
 * Does not end the hash. O(1). */
void fo_reader__digest(const fo_reader *r, char hex[65]);

/* A descriptor from which pread(2) gives the bytes that were parsed: the
 * spool (flushed), or the input itself when it is a regular file whose
 * size and mtime are those it had when opened (a file rewritten
 * since would give columns of other bytes); -1 when neither. Borrowed.
 * O(1). */
int fo_reader__src_fd(fo_reader_src *src);

/* Moves r's input (descriptor, spool) into *out, to be read again later
 * with fo_reader__src_fd; fo_reader__dispose then leaves it alone. The
 * caller disposes *out with fo_reader__src_dispose. O(1). */
void fo_reader__keep(fo_reader *r, fo_reader_src *out);
void fo_reader__src_dispose(fo_reader_src *src);

/* Why reading stopped, first reason first, with every reason but memory
 * reported on the diag: FO_ENOMEM; FO_EIO (a read error); FO_EINPUT (refused
 * by the scanner, stopped by the caller, a fatal XML error, or the reader
 * failed); FO_OK when the reader reached the end (have_reader: the reader
 * was created; ret: the last xmlTextReaderRead). O(1). */
int fo_reader__verdict(fo_reader *r, int have_reader, int ret);

/* Adds an error (FO_SEV_ERROR, or sev) with its stable code (static text,
 * docs/inventory-format.md; NULL = none) to the diag at pos, with an
 * optional column hint (see columns.h); running out of memory sets
 * r->nomem. */
__attribute__((format(printf, 5, 6)))
void fo_reader__error(fo_reader *r, const char *code, fo_pos pos, const char *hint,
		      const char *fmt, ...);
void fo_reader__verror(fo_reader *r, fo_severity sev, const char *code, fo_pos pos,
		       const char *hint, const char *fmt, va_list ap);

/* libxml2's message fit for a one-line diagnostic: no newline, no trailing
 * blank, no advice about parser options the user cannot set, its limits and
 * invalid UTF-8 said plainly (r->fmt->docs). Returns a malloc'ed string
 * (the caller frees) or NULL when out of memory. O(message). */
char *fo_reader__tidy(const fo_reader *r, const xmlError *e);

/* s, or its first FO_READER_SHOW_MAX bytes (never cutting a UTF-8
 * sequence) and "..." copied into buf. O(strlen(s)). */
const char *fo_reader__show(const char *s, char buf[FO_READER_SHOW_BUF]);

/* Closes what fo_reader__open opened (the spool too) unless kept, and frees the
 * scanner's queues and fatal_msg. Safe after a failed init or open. */
void fo_reader__dispose(fo_reader *r);

/* The pre-scanned start tag of the element the streaming reader `xr` is on
 * (qname: its qualified name, from libxml2) into *tag, for exact columns:
 * popped from x's scanner and checked against qname's hash. When the
 * scanner has none or is out of step (it is then stopped for the rest of
 * the read), *tag gets the parser's line and column 0 (unknown). Returns 1
 * when *tag holds the scanned tag, 0 otherwise. O(1). */
int fo_reader__start_tag(fo_reader *x, xmlTextReaderPtr xr, const char *qname, fo_scan_tag *tag);

/* Position of the value of attribute `name` (no namespace) of the start
 * tag `tag` pre-scanned by x's scanner, else of the tag itself ({line, 0}
 * when have_tag is 0: the column is unknown). O(attributes of the tag). */
fo_pos fo_reader__attr_pos(const fo_reader *x, const fo_scan_tag *tag, int have_tag,
			   const char *name);

/* The root element's name at the start of a document's first n bytes (maybe
 * cut anywhere), for the sniffers: after an optional UTF-8 byte order mark,
 * blanks, the XML declaration, processing instructions and comments. Returns
 * a pointer into head to the qualified name (prefix included) and its length
 * in *len, when the name is complete (the byte after it, head[...len], is
 * within the n bytes); NULL when there is no root yet, a DOCTYPE comes first, or the
 * bytes are not XML. No allocation; O(n). */
const char *fo_reader__sniff_root(const char *head, size_t n, size_t *len);

#endif
