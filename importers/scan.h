/*
 * scan.h — importers-private: a byte-level pre-scanner that sees every byte of
 * an XML document before libxml2 does.
 *
 * It has two jobs (docs/importer.md):
 *  1. Refuse, before libxml2 has seen a single byte of it, what the importer
 *     never accepts: a DOCTYPE (so no entity is ever declared, let alone
 *     expanded or loaded), NUL bytes, UTF-16/UTF-32/EBCDIC input, an XML
 *     declaration naming an encoding other than UTF-8 or US-ASCII, and
 *     elements nested deeper than FO_SCAN_MAX_DEPTH.
 *  2. Locate things exactly. libxml2 only records, for an element, the line
 *     where its start tag *ends*, and no column at all. The scanner records
 *     the line and column of every start tag's '<', of every attribute name
 *     and value, and of every text node (see fo_scan_text), in document order, in a queue that the reader side pops as libxml2 reports
 *     the same elements. The queue only holds what libxml2 has read ahead
 *     (a few KiB), so memory does not grow with the document.
 *
 * The scanner follows the XML grammar exactly enough for well-formed
 * documents: '<' in character data always opens markup, comments, PIs and
 * CDATA sections are skipped as such, and attribute values are quoted. On a
 * malformed document libxml2 stops at the first fatal error, so whatever the
 * scanner made of the rest is never used.
 *
 * Columns count characters (UTF-8 sequences), starting at 1; lines count
 * LF bytes, starting at 1, as libxml2 does.
 */
#ifndef FO_IMPORTERS_SCAN_H
#define FO_IMPORTERS_SCAN_H

#include <stddef.h>
#include <stdint.h>

/* Why the scanner refused the document (sticky once set). */
enum fo_scan_stop {
	FO_SCAN_GO = 0,
	FO_SCAN_DOCTYPE,  /* "<!DOCTYPE" outside comments, PIs and CDATA */
	FO_SCAN_NUL,      /* a NUL byte: not UTF-8 text (UTF-16/32, binary) */
	FO_SCAN_UTF16,    /* a UTF-16 byte order mark */
	FO_SCAN_EBCDIC,   /* the EBCDIC signature of "<?xm" */
	FO_SCAN_ENCODING, /* encoding="X" in the XML declaration, X not UTF-8/ASCII */
	FO_SCAN_DEPTH,    /* an element nested deeper than FO_SCAN_MAX_DEPTH */
	FO_SCAN_MARKUP,   /* more than FO_SCAN_MAX_MARKUP comments and PIs */
	FO_SCAN_MARKUP_BYTES, /* comments and PIs longer than FO_SCAN_MAX_MARKUP_BYTES in all */
	FO_SCAN_ATTRS,    /* more than FO_SCAN_MAX_ATTRS attributes on one element */
};

/* Deepest element accepted (the root is at depth 1). libxml2 2.9 has the
 * same limit without XML_PARSE_HUGE, but when its own check fires in push
 * mode it frees its input buffer and then reads from it (a use-after-free
 * valgrind shows): the scanner must refuse first. */
#define FO_SCAN_MAX_DEPTH 256

/* Comments and processing instructions (the XML declaration included) per
 * document, by count and by total bytes from "<!--"/"<?" to the closing '>'.
 * libxml2's reader keeps those outside the root element and those directly
 * inside it until the end of the document (about 170 bytes of memory per
 * comment plus its text: 200 MB of "<!---->" peaked at 4.9 GB), so without
 * a cap memory would grow with the document, not with the graph. Both are
 * far above what exporters write (one comment per node of a 100,000-node
 * inventory still fits); docs/importer.md. */
#define FO_SCAN_MAX_MARKUP 100000u
#define FO_SCAN_MAX_MARKUP_BYTES 10000000u

/* Attributes on one element, namespace declarations included. libxml2 2.9
 * checks an element's attributes for duplicates in quadratic time (200,000
 * attributes, a 2.3 MB file, took 102 s); fallout's elements use at most a
 * handful. */
#define FO_SCAN_MAX_ATTRS 256u

typedef struct fo_scan_attr {
	uint64_t hash;              /* of the qualified name as written */
	unsigned long line, col;    /* first character of the name */
	unsigned long vline, vcol;  /* first character of the value (after the quote) */
} fo_scan_attr;

typedef struct fo_scan_tag {
	uint64_t seq;               /* 0 for the first start tag of the document */
	uint64_t hash;              /* of the qualified element name as written */
	unsigned long line, col;    /* the '<' */
	unsigned long end_line;     /* line of the '>' that closes the start tag */
	uint64_t attr_first;        /* absolute index of its first attribute */
	uint32_t attr_count;
} fo_scan_tag;

/* Where a text node starts: the first non-blank character of a run of
 * character data, or the "<![CDATA[" of a CDATA section (blank or not).
 * key = number of start tags completed before it. */
typedef struct fo_scan_text {
	uint64_t key;
	unsigned long line, col;
} fo_scan_text;

typedef struct fo_scan {
	/* position of the next byte */
	uint64_t offset;
	unsigned long line, col;
	int state;
	unsigned match;          /* progress inside "<!--", "]]>", "-->", ... */
	unsigned cand;           /* candidate set after "<!" */
	unsigned char quote;     /* quote of the attribute value being read */
	unsigned bom;            /* bytes of a UTF-8 BOM seen at offset 0 */
	unsigned long lt_line, lt_col; /* position of the last '<' */
	uint64_t lt_offset;      /* and its offset */
	uint64_t markup;         /* comments and PIs opened so far */
	uint64_t markup_bytes;   /* bytes of the comments and PIs closed so far */
	uint32_t tag_attrs;      /* attributes of the start tag being read */
	int text_marked;         /* the current text run is already queued */
	int in_tag;              /* inside a start tag: `cur` is being filled */
	unsigned char head[4];   /* the first bytes, for encoding signatures */

	/* the XML declaration, captured to check its encoding */
	int in_decl;
	size_t decl_len;
	char decl[256];

	/* the start tag being read */
	fo_scan_tag cur;
	fo_scan_attr cur_attr;

	/* queues (see above); entries before *_head have been popped */
	fo_scan_tag *tags;
	size_t tags_len, tags_head, tags_alloc;
	fo_scan_attr *attrs;      /* attrs[i] has absolute index attrs_base + i */
	uint64_t attrs_base;
	size_t attrs_len, attrs_alloc;
	fo_scan_text *texts;
	size_t texts_len, texts_head, texts_alloc;
	uint64_t next_seq;        /* start tags completed so far */
	unsigned long depth;      /* elements open */

	int broken;               /* out of memory or out of step: positions unknown */
	int saw_content;          /* anything but blanks, comments and PIs */

	enum fo_scan_stop stop;
	unsigned long stop_line, stop_col;
	uint64_t stop_offset;
	char enc[64];             /* the refused encoding name (FO_SCAN_ENCODING) */
} fo_scan;

void fo_scan__init(fo_scan *s);
/* Frees the queues; the struct itself is the caller's. */
void fo_scan__dispose(fo_scan *s);

/* Scans n more bytes of the document. Returns FO_SCAN_GO, or the reason the
 * document is refused (then s->stop_line/stop_col locate it; the bytes must
 * not be handed to libxml2). Running out of memory only marks the scanner
 * broken: positions become unknown, reading goes on. O(n). */
enum fo_scan_stop fo_scan__feed(fo_scan *s, const unsigned char *p, size_t n);

/* Pops the next completed start tag into *out. Returns 0, or -1 when the
 * scanner is broken or has nothing queued (the caller then falls back to
 * libxml2's positions). The tag's attributes stay readable with
 * fo_scan__attr until the next fo_scan__feed. */
int fo_scan__pop_tag(fo_scan *s, fo_scan_tag *out);
const fo_scan_attr *fo_scan__attr(const fo_scan *s, const fo_scan_tag *t, uint32_t i);

/* Finds a tag not yet popped: the first with seq >= from whose name hashes to
 * `hash` and whose start tag ends on end_line (and, if attr_hash is not NULL,
 * that has an attribute hashing to *attr_hash, stored in *attr_out). Used to
 * place schema errors, which libxml2 reports with the line of the end of the
 * start tag only. NULL if none. Borrowed until the next feed. */
const fo_scan_tag *fo_scan__find_pending(const fo_scan *s, uint64_t from, uint64_t hash,
					 unsigned long end_line, const uint64_t *attr_hash,
					 const fo_scan_attr **attr_out);

/* Takes the first queued text run with this key, dropping older ones.
 * Returns 0 and *out, or -1. */
int fo_scan__take_text(fo_scan *s, uint64_t key, fo_scan_text *out);

/* Marks the scanner broken (the caller saw it out of step) and frees the
 * queues. */
void fo_scan__break(fo_scan *s);

/* FNV-1a, 64 bits, of n bytes; fo_scan__hash_more continues a hash. */
uint64_t fo_scan__hash(const char *s, size_t n);
uint64_t fo_scan__hash_more(uint64_t h, const char *s, size_t n);

#endif
