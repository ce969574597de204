/*
 * scan.c — the byte-level pre-scanner of the inventory reader (scan.h).
 *
 * A state machine fed the document in the chunks libxml2 asks for, one byte
 * at a time, so that nothing depends on where the chunks split. Most bytes
 * change nothing but the position (blanks between tags, attribute values,
 * the rest of a name but its hash): run() takes those in a tight loop per
 * state, and step() the bytes that matter; both see every byte, so a NUL or
 * a keyword is never skipped. The queues are arrays with a head index;
 * consumed entries are dropped at the start of the next feed, when nobody
 * holds a pointer into them any more.
 */
#include "scan.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
	S_TEXT,         /* character data */
	S_LT,           /* after '<' */
	S_BANG,         /* after "<!": one of "--", "[CDATA[", "DOCTYPE"? */
	S_COMMENT,      /* inside <!-- --> */
	S_PI,           /* inside <? ?> */
	S_CDATA,        /* inside <![CDATA[ ]]> */
	S_ENDTAG,       /* inside </ > */
	S_TAGNAME,      /* the element name of a start tag */
	S_TAG,          /* between attributes */
	S_SLASH,        /* after '/' in a start tag */
	S_ATTRNAME,     /* an attribute name */
	S_AFTER_NAME,   /* blanks between an attribute name and '=' */
	S_BEFORE_VALUE, /* blanks between '=' and the quote */
	S_VALUE,        /* a quoted attribute value */
	S_STOPPED,      /* refused: nothing more is looked at */
};

/* Bounds on what the queues may hold. libxml2 reads a few KiB ahead, so a
 * queue this long means the reader side is out of step: stop recording
 * rather than grow with the document. */
#define MAX_PENDING_TAGS (1u << 20)
#define MAX_PENDING_ATTRS (1u << 22)
#define MAX_PENDING_TEXTS (1u << 20)

static const char *const bang_words[] = { "--", "[CDATA[", "DOCTYPE" };
#define BANG_COMMENT 1u
#define BANG_CDATA 2u
#define BANG_DOCTYPE 4u

#define FNV_OFFSET 14695981039346656037ull
#define FNV_PRIME 1099511628211ull

uint64_t fo_scan__hash_more(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= FNV_PRIME;
	}
	return h;
}

uint64_t fo_scan__hash(const char *s, size_t n)
{
	return fo_scan__hash_more(FNV_OFFSET, s, n);
}

static uint64_t hash_byte(uint64_t h, unsigned char c)
{
	return (h ^ c) * FNV_PRIME;
}

void fo_scan__init(fo_scan *s)
{
	memset(s, 0, sizeof *s);
	s->line = 1;
	s->col = 1;
	s->state = S_TEXT;
}

void fo_scan__dispose(fo_scan *s)
{
	free(s->tags);
	free(s->attrs);
	free(s->texts);
	s->tags = NULL;
	s->attrs = NULL;
	s->texts = NULL;
	s->tags_len = s->tags_head = s->tags_alloc = 0;
	s->attrs_len = s->attrs_alloc = 0;
	s->texts_len = s->texts_head = s->texts_alloc = 0;
}

void fo_scan__break(fo_scan *s)
{
	s->broken = 1;
	fo_scan__dispose(s);
}

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Grows *v to hold one more element; marks the scanner broken on failure
 * (positions are a convenience: running out of memory for them must not
 * stop the read). */
static int reserve(fo_scan *s, void **v, size_t *alloc, size_t len, size_t elem, size_t max)
{
	if (len >= max) {
		fo_scan__break(s);
		return -1;
	}
	if (len < *alloc)
		return 0;
	size_t na = *alloc ? *alloc * 2 : 64;
	void *nv = realloc(*v, na * elem);
	if (!nv) {
		fo_scan__break(s);
		return -1;
	}
	*v = nv;
	*alloc = na;
	return 0;
}

static void push_attr(fo_scan *s)
{
	if (s->broken)
		return;
	if (reserve(s, (void **)&s->attrs, &s->attrs_alloc, s->attrs_len, sizeof *s->attrs,
		    MAX_PENDING_ATTRS) < 0)
		return;
	s->attrs[s->attrs_len++] = s->cur_attr;
	s->cur.attr_count++;
}

static void push_tag(fo_scan *s, int empty)
{
	if (!empty)
		s->depth++;
	s->cur.end_line = s->line;
	s->cur.seq = s->next_seq++;
	s->in_tag = 0;
	if (s->broken)
		return;
	if (reserve(s, (void **)&s->tags, &s->tags_alloc, s->tags_len, sizeof *s->tags,
		    MAX_PENDING_TAGS) < 0)
		return;
	s->tags[s->tags_len++] = s->cur;
}

static void push_text(fo_scan *s, unsigned long line, unsigned long col)
{
	s->text_marked = 1;
	if (s->broken)
		return;
	if (reserve(s, (void **)&s->texts, &s->texts_alloc, s->texts_len, sizeof *s->texts,
		    MAX_PENDING_TEXTS) < 0)
		return;
	s->texts[s->texts_len++] = (fo_scan_text){ s->next_seq, line, col };
}

/* Drops what has been consumed; called at the start of a feed, when no
 * pointer into the queues is held. Amortised O(1) per entry. */
static void compact(fo_scan *s)
{
	if (s->broken)
		return;
	if (s->tags_head && s->tags_head * 2 >= s->tags_len) {
		memmove(s->tags, s->tags + s->tags_head,
			(s->tags_len - s->tags_head) * sizeof *s->tags);
		s->tags_len -= s->tags_head;
		s->tags_head = 0;
	}
	uint64_t keep = s->attrs_base + s->attrs_len;
	if (s->tags_head < s->tags_len)
		keep = s->tags[s->tags_head].attr_first;
	else if (s->in_tag)
		keep = s->cur.attr_first;
	size_t drop = (size_t)(keep - s->attrs_base);
	if (drop && drop * 2 >= s->attrs_len) {
		memmove(s->attrs, s->attrs + drop, (s->attrs_len - drop) * sizeof *s->attrs);
		s->attrs_len -= drop;
		s->attrs_base = keep;
	}
	if (s->texts_head && s->texts_head * 2 >= s->texts_len) {
		memmove(s->texts, s->texts + s->texts_head,
			(s->texts_len - s->texts_head) * sizeof *s->texts);
		s->texts_len -= s->texts_head;
		s->texts_head = 0;
	}
}

static enum fo_scan_stop stop(fo_scan *s, enum fo_scan_stop why, unsigned long line,
			      unsigned long col)
{
	s->stop = why;
	s->stop_line = line;
	s->stop_col = col;
	s->stop_offset = s->offset;
	s->state = S_STOPPED;
	return why;
}

/* The XML declaration names an encoding: only UTF-8 (and its subset
 * US-ASCII) is read, so the bytes the scanner sees are the characters
 * libxml2 parses. Returns 0 if acceptable. */
static int check_decl(fo_scan *s)
{
	const char *d = s->decl, *p;
	size_t n = s->decl_len;

	if (n < 6 || memcmp(d, "<?xml", 5) != 0 || !is_blank((unsigned char)d[5]))
		return 0;
	if (!(p = strstr(d, "encoding")))
		return 0;
	p += 8;
	while (is_blank((unsigned char)*p))
		p++;
	if (*p++ != '=')
		return 0;
	while (is_blank((unsigned char)*p))
		p++;
	if (*p != '"' && *p != '\'')
		return 0;
	char q = *p++;
	const char *e = strchr(p, q);
	if (!e)
		return 0;
	size_t len = (size_t)(e - p);
	static const char *const ok[] = { "UTF-8", "UTF8", "US-ASCII", "ASCII" };
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (len == strlen(ok[i]) && strncasecmp(p, ok[i], len) == 0)
			return 0;
	if (len >= sizeof s->enc)
		len = sizeof s->enc - 1;
	memcpy(s->enc, p, len);
	s->enc[len] = '\0';
	return -1;
}

/* Appends a byte of the XML declaration, folding runs of blanks so padding
 * cannot push `encoding` out of the buffer. */
static void decl_put(fo_scan *s, unsigned char c)
{
	if (is_blank(c)) {
		if (s->decl_len && s->decl[s->decl_len - 1] == ' ')
			return;
		c = ' ';
	}
	if (s->decl_len + 1 < sizeof s->decl) {
		s->decl[s->decl_len++] = (char)c;
		s->decl[s->decl_len] = '\0';
	}
}

/* Bytes of the comment or PI being read, from its '<' to the byte at the
 * current offset included. */
static uint64_t markup_len(const fo_scan *s)
{
	return s->offset - s->lt_offset + 1;
}

/* The comment or PI being read already takes the document's total over the
 * cap, its end not even seen: refuse before libxml2 buffers more of it. */
static int markup_over(const fo_scan *s)
{
	return (s->state == S_COMMENT || s->state == S_PI) &&
	       s->markup_bytes + (s->offset - s->lt_offset) > FO_SCAN_MAX_MARKUP_BYTES;
}

/* A comment or PI ends at the current byte: adds it to the document's total.
 * -1 if the total is over FO_SCAN_MAX_MARKUP_BYTES. */
static int close_markup(fo_scan *s)
{
	s->markup_bytes += markup_len(s);
	return s->markup_bytes > FO_SCAN_MAX_MARKUP_BYTES ? -1 : 0;
}

static void start_tag(fo_scan *s, unsigned char c)
{
	s->in_tag = 1;
	s->cur.hash = hash_byte(FNV_OFFSET, c);
	s->cur.line = s->lt_line;
	s->cur.col = s->lt_col;
	s->cur.attr_first = s->attrs_base + s->attrs_len;
	s->cur.attr_count = 0;
	s->tag_attrs = 0;
	s->state = S_TAGNAME;
}

/* One byte inside a start tag, from S_TAG (also re-dispatched there after
 * malformed input, which libxml2 will reject anyway). */
static void in_tag(fo_scan *s, unsigned char c)
{
	if (is_blank(c))
		return;
	if (c == '>') {
		push_tag(s, 0);
		s->state = S_TEXT;
	} else if (c == '/') {
		s->state = S_SLASH;
	} else {
		if (++s->tag_attrs > FO_SCAN_MAX_ATTRS) {
			stop(s, FO_SCAN_ATTRS, s->line, s->col);
			return;
		}
		s->cur_attr.hash = hash_byte(FNV_OFFSET, c);
		s->cur_attr.line = s->line;
		s->cur_attr.col = s->col;
		s->state = S_ATTRNAME;
	}
}

static inline enum fo_scan_stop step(fo_scan *s, unsigned char c)
{
	if (c == 0)
		return stop(s, FO_SCAN_NUL, s->line, s->col);
	if (s->offset < 4) {
		s->head[s->offset] = c;
		if (s->offset == 1 && ((s->head[0] == 0xFE && c == 0xFF) ||
				       (s->head[0] == 0xFF && c == 0xFE)))
			return stop(s, FO_SCAN_UTF16, 1, 1);
		if (s->offset == 3 && memcmp(s->head, "\x4C\x6F\xA7\x94", 4) == 0)
			return stop(s, FO_SCAN_EBCDIC, 1, 1);
		if (s->bom < 3 && s->offset == s->bom &&
		    c == (unsigned char)"\xEF\xBB\xBF"[s->bom])
			s->bom++;
	}
	switch (s->state) {
	case S_TEXT:
		if (c == '<') {
			s->lt_line = s->line;
			s->lt_col = s->col;
			s->lt_offset = s->offset;
			s->text_marked = 0;
			s->state = S_LT;
		} else if (!is_blank(c) && !(s->bom && s->offset < s->bom)) {
			s->saw_content = 1;
			if (!s->text_marked)
				push_text(s, s->line, s->col);
		}
		break;
	case S_LT:
		if (c == '?') {
			if (++s->markup > FO_SCAN_MAX_MARKUP)
				return stop(s, FO_SCAN_MARKUP, s->lt_line, s->lt_col);
			s->in_decl = s->offset == (uint64_t)s->bom + 1;
			if (s->in_decl) {
				s->decl_len = 0;
				decl_put(s, '<');
				decl_put(s, '?');
			}
			s->match = 0;
			s->state = S_PI;
		} else if (c == '!') {
			s->match = 0;
			s->cand = BANG_COMMENT | BANG_CDATA | BANG_DOCTYPE;
			s->state = S_BANG;
		} else if (c == '/') {
			s->saw_content = 1;
			if (s->depth)
				s->depth--;
			s->state = S_ENDTAG;
		} else if (c == '<') {
			/* "<<": not markup (libxml2 reports it); the second '<' may be */
			s->saw_content = 1;
			s->lt_line = s->line;
			s->lt_col = s->col;
			s->lt_offset = s->offset;
		} else if (is_blank(c) || c == '>' || c == '=') {
			s->saw_content = 1;
			s->state = S_TEXT; /* not markup: libxml2 reports it */
		} else {
			s->saw_content = 1;
			if (s->depth >= FO_SCAN_MAX_DEPTH)
				return stop(s, FO_SCAN_DEPTH, s->lt_line, s->lt_col);
			start_tag(s, c);
		}
		break;
	case S_BANG:
		for (unsigned i = 0; i < 3; i++) {
			unsigned bit = 1u << i;
			if ((s->cand & bit) && bang_words[i][s->match] != (char)c)
				s->cand &= ~bit;
		}
		s->match++;
		if (!(s->cand & BANG_COMMENT))
			s->saw_content = 1;
		if (!s->cand) {
			s->state = S_TEXT; /* "<!" + something else: libxml2 reports it */
		} else if ((s->cand & BANG_COMMENT) && s->match == 2) {
			if (++s->markup > FO_SCAN_MAX_MARKUP)
				return stop(s, FO_SCAN_MARKUP, s->lt_line, s->lt_col);
			s->match = 0;
			s->state = S_COMMENT;
		} else if ((s->cand & BANG_CDATA) && s->match == 7) {
			/* A CDATA section is always one text node of its own,
			 * located at its "<![CDATA[". */
			s->match = 0;
			push_text(s, s->lt_line, s->lt_col);
			s->state = S_CDATA;
		} else if ((s->cand & BANG_DOCTYPE) && s->match == 7) {
			return stop(s, FO_SCAN_DOCTYPE, s->lt_line, s->lt_col);
		}
		break;
	case S_COMMENT:
		if (c == '>' && s->match >= 2) {
			s->state = S_TEXT;
			if (close_markup(s) < 0)
				return stop(s, FO_SCAN_MARKUP_BYTES, s->lt_line, s->lt_col);
		} else {
			s->match = c == '-' ? s->match + 1 : 0;
			if (markup_over(s))
				return stop(s, FO_SCAN_MARKUP_BYTES, s->lt_line, s->lt_col);
		}
		break;
	case S_PI:
		if (s->in_decl)
			decl_put(s, c);
		if (c == '>' && s->match) {
			s->state = S_TEXT;
			if (close_markup(s) < 0)
				return stop(s, FO_SCAN_MARKUP_BYTES, s->lt_line, s->lt_col);
			if (s->in_decl) {
				s->in_decl = 0;
				if (check_decl(s) < 0)
					return stop(s, FO_SCAN_ENCODING, s->lt_line, s->lt_col);
			}
		} else {
			s->match = c == '?';
			if (markup_over(s))
				return stop(s, FO_SCAN_MARKUP_BYTES, s->lt_line, s->lt_col);
		}
		break;
	case S_CDATA:
		if (c == '>' && s->match >= 2) {
			s->text_marked = 0; /* text after it is another node */
			s->state = S_TEXT;
		} else {
			s->match = c == ']' ? s->match + 1 : 0;
		}
		break;
	case S_ENDTAG:
		if (c == '>')
			s->state = S_TEXT;
		break;
	case S_TAGNAME:
		if (is_blank(c) || c == '>' || c == '/') {
			s->state = S_TAG;
			in_tag(s, c);
		} else {
			s->cur.hash = hash_byte(s->cur.hash, c);
		}
		break;
	case S_TAG:
		in_tag(s, c);
		break;
	case S_SLASH:
		if (c == '>') {
			push_tag(s, 1);
			s->state = S_TEXT;
		} else {
			s->state = S_TAG;
			in_tag(s, c);
		}
		break;
	case S_ATTRNAME:
		if (c == '=') {
			s->state = S_BEFORE_VALUE;
		} else if (is_blank(c)) {
			s->state = S_AFTER_NAME;
		} else if (c == '>' || c == '/') {
			s->state = S_TAG;
			in_tag(s, c);
		} else {
			s->cur_attr.hash = hash_byte(s->cur_attr.hash, c);
		}
		break;
	case S_AFTER_NAME:
		if (c == '=') {
			s->state = S_BEFORE_VALUE;
		} else if (!is_blank(c)) {
			s->state = S_TAG;
			in_tag(s, c);
		}
		break;
	case S_BEFORE_VALUE:
		if (c == '"' || c == '\'') {
			s->quote = c;
			s->cur_attr.vline = s->line;
			s->cur_attr.vcol = s->col + 1;
			s->state = S_VALUE;
		} else if (!is_blank(c)) {
			s->state = S_TAG;
			in_tag(s, c);
		}
		break;
	case S_VALUE:
		if (c == s->quote) {
			push_attr(s);
			s->state = S_TAG;
		}
		break;
	default:
		break;
	}
	return s->stop; /* in_tag() may have refused */
}

/* Advances the position over byte c: LF ends a line; a column is a
 * character, so UTF-8 continuation bytes do not count. */
#define ADVANCE(c)                                     \
	do {                                           \
		if ((c) == '\n') {                     \
			line++;                        \
			col = 1;                       \
		} else if (((c) & 0xC0) != 0x80) {     \
			col++;                         \
		}                                      \
	} while (0)

/* Takes, from p[0..n), the bytes that in the current state change nothing
 * but the position (and the hash of a name being read): exactly those for
 * which step() would only do that. Stops before any other byte (a NUL
 * always), which step() then takes. Only past the first 4 bytes, where
 * step() also looks at encoding signatures and the BOM. Returns how many
 * bytes it took. O(returned). */
static size_t run(fo_scan *s, const unsigned char *p, size_t n)
{
	unsigned long line = s->line, col = s->col;
	size_t i = 0;
	unsigned char c;
	uint64_t h;

	switch (s->state) {
	case S_TEXT:
		if (s->text_marked && s->saw_content) {
			while (i < n && (c = p[i]) != '<' && c != 0) {
				ADVANCE(c);
				i++;
			}
		} else {
			while (i < n && is_blank(c = p[i])) {
				ADVANCE(c);
				i++;
			}
		}
		break;
	case S_TAG:
		while (i < n && is_blank(c = p[i])) {
			ADVANCE(c);
			i++;
		}
		break;
	case S_VALUE:
		while (i < n && (c = p[i]) != s->quote && c != 0) {
			ADVANCE(c);
			i++;
		}
		break;
	case S_TAGNAME:
		h = s->cur.hash;
		while (i < n && !is_blank(c = p[i]) && c != '>' && c != '/' && c != 0) {
			h = hash_byte(h, c);
			col += (c & 0xC0) != 0x80;
			i++;
		}
		s->cur.hash = h;
		break;
	case S_ATTRNAME:
		h = s->cur_attr.hash;
		while (i < n && !is_blank(c = p[i]) && c != '>' && c != '/' && c != '=' && c != 0) {
			h = hash_byte(h, c);
			col += (c & 0xC0) != 0x80;
			i++;
		}
		s->cur_attr.hash = h;
		break;
	case S_ENDTAG:
		while (i < n && (c = p[i]) != '>' && c != 0) {
			ADVANCE(c);
			i++;
		}
		break;
	case S_COMMENT:
	case S_CDATA:
	case S_PI: {
		/* Any byte but the closing sequence's resets the match. */
		unsigned char a = s->state == S_COMMENT ? '-' : s->state == S_CDATA ? ']' : '?';
		if (s->state == S_PI && s->in_decl)
			break;
		while (i < n && (c = p[i]) != a && c != '>' && c != 0) {
			ADVANCE(c);
			i++;
		}
		if (i)
			s->match = 0;
		break;
	}
	default:
		break;
	}
	s->line = line;
	s->col = col;
	s->offset += i;
	return i;
}

/* The markup of elements, with the position in locals and the common
 * transitions taken directly: blanks between elements, '<', an element's
 * name, the blanks between attributes, an attribute's name, its '=', its
 * quotes and value, '>', "/>" and end tags — exactly what step() and run()
 * would do with those bytes one call at a time (the same states, hashes,
 * positions, depth and records), for about half the scanner's
 * instructions on a generated inventory (callgrind, bench/notes.md).
 * Returns at the first byte it does not take — text, "<?", "<!", blanks
 * after a name or after '=', a NUL, one attribute or one level too many,
 * anything malformed — which the caller gives to step(); at the end of p,
 * with the state saved as step() would leave it. Only past the first 4
 * bytes (as run()). O(returned). */
static size_t tag_run(fo_scan *s, const unsigned char *p, size_t n)
{
	unsigned long line = s->line, col = s->col;
	size_t i = 0;
	unsigned char c;
	uint64_t h;
	int state = s->state;

	for (;;) {
		switch (state) {
		case S_TEXT:
			/* blanks only move the position, in either mode of run() */
			while (i < n && is_blank(c = p[i])) {
				ADVANCE(c);
				i++;
			}
			if (i == n || p[i] != '<')
				goto out;
			s->lt_line = line;
			s->lt_col = col;
			s->lt_offset = s->offset + i;
			s->text_marked = 0;
			col++;
			i++;
			state = S_LT;
			/* fallthrough */
		case S_LT:
			if (i == n)
				goto out;
			c = p[i];
			if (c == '/') { /* an end tag */
				s->saw_content = 1;
				if (s->depth)
					s->depth--;
				col++;
				i++;
				state = S_ENDTAG;
				continue;
			}
			if (c == '?' || c == '!' || c == '<' || c == '>' || c == '=' || c == 0 ||
			    is_blank(c) || s->depth >= FO_SCAN_MAX_DEPTH)
				goto out;
			s->saw_content = 1; /* a start tag: start_tag() */
			start_tag(s, c);
			col += (c & 0xC0) != 0x80;
			i++;
			state = S_TAGNAME;
			continue;
		case S_ENDTAG:
			while (i < n && (c = p[i]) != '>' && c != 0) {
				ADVANCE(c);
				i++;
			}
			if (i == n || p[i] == 0)
				goto out;
			col++;
			i++;
			state = S_TEXT;
			continue;
		case S_SLASH:
			if (i == n || p[i] != '>')
				goto out;
			s->line = line; /* the tag's end_line */
			push_tag(s, 1);
			col++;
			i++;
			state = S_TEXT;
			continue;
		case S_TAGNAME:
			h = s->cur.hash;
			while (i < n && !is_blank(c = p[i]) && c != '>' && c != '/' && c != 0) {
				h = hash_byte(h, c);
				col += (c & 0xC0) != 0x80;
				i++;
			}
			s->cur.hash = h;
			if (i == n || p[i] == 0)
				goto out;
			state = S_TAG; /* in_tag() takes the blank, '/' or '>' */
			/* fallthrough */
		case S_TAG:
			while (i < n && is_blank(c = p[i])) {
				ADVANCE(c);
				i++;
			}
			if (i == n)
				goto out;
			c = p[i];
			if (c == '>' || c == '/') { /* in_tag(): the tag ends, or '/' */
				if (c == '>') {
					s->line = line; /* the tag's end_line */
					push_tag(s, 0);
				}
				col++;
				i++;
				state = c == '>' ? S_TEXT : S_SLASH;
				continue;
			}
			if (c == 0 || s->tag_attrs >= FO_SCAN_MAX_ATTRS)
				goto out;
			/* in_tag(): an attribute's name starts */
			s->tag_attrs++;
			s->cur_attr.hash = hash_byte(FNV_OFFSET, c);
			s->cur_attr.line = line;
			s->cur_attr.col = col;
			col += (c & 0xC0) != 0x80; /* not a blank, so not a LF */
			i++;
			state = S_ATTRNAME;
			/* fallthrough */
		case S_ATTRNAME:
			h = s->cur_attr.hash;
			while (i < n && !is_blank(c = p[i]) && c != '>' && c != '/' && c != '=' && c != 0) {
				h = hash_byte(h, c);
				col += (c & 0xC0) != 0x80;
				i++;
			}
			s->cur_attr.hash = h;
			if (i == n || p[i] != '=')
				goto out;
			col++;
			i++;
			state = S_BEFORE_VALUE;
			/* fallthrough */
		case S_BEFORE_VALUE:
			if (i == n || (p[i] != '"' && p[i] != '\''))
				goto out;
			s->quote = p[i];
			s->cur_attr.vline = line;
			s->cur_attr.vcol = col + 1;
			col++;
			i++;
			state = S_VALUE;
			/* fallthrough */
		case S_VALUE:
			while (i < n && (c = p[i]) != s->quote && c != 0) {
				ADVANCE(c);
				i++;
			}
			if (i == n || p[i] == 0)
				goto out;
			push_attr(s);
			col++;
			i++;
			state = S_TAG;
			continue;
		default:
			goto out;
		}
	}
out:
	s->state = state;
	s->line = line;
	s->col = col;
	s->offset += i;
	return i;
}

enum fo_scan_stop fo_scan__feed(fo_scan *s, const unsigned char *p, size_t n)
{
	if (s->stop)
		return s->stop;
	compact(s);
	for (size_t i = 0; i < n; i++) {
		if (s->offset >= 4) {
			i += run(s, p + i, n - i);
			if (markup_over(s))
				return stop(s, FO_SCAN_MARKUP_BYTES, s->lt_line, s->lt_col);
			if (i < n)
				i += tag_run(s, p + i, n - i);
			if (i == n)
				break;
		}
		unsigned char c = p[i];
		enum fo_scan_stop why = step(s, c);
		if (why)
			return why;
		/* Advance the position: LF ends a line; a column is a character,
		 * so UTF-8 continuation bytes and a leading BOM do not count. */
		if (c == '\n') {
			s->line++;
			s->col = 1;
		} else if ((c & 0xC0) != 0x80 && !(s->bom && s->offset < s->bom)) {
			s->col++;
		}
		s->offset++;
	}
	return FO_SCAN_GO;
}

int fo_scan__pop_tag(fo_scan *s, fo_scan_tag *out)
{
	if (s->broken || s->tags_head >= s->tags_len)
		return -1;
	*out = s->tags[s->tags_head++];
	return 0;
}

const fo_scan_attr *fo_scan__attr(const fo_scan *s, const fo_scan_tag *t, uint32_t i)
{
	if (s->broken || i >= t->attr_count || t->attr_first < s->attrs_base)
		return NULL;
	uint64_t k = t->attr_first - s->attrs_base + i;
	return k < s->attrs_len ? &s->attrs[k] : NULL;
}

const fo_scan_tag *fo_scan__find_pending(const fo_scan *s, uint64_t from, uint64_t hash,
					 unsigned long end_line, const uint64_t *attr_hash,
					 const fo_scan_attr **attr_out)
{
	if (s->broken)
		return NULL;
	for (size_t i = s->tags_head; i < s->tags_len; i++) {
		const fo_scan_tag *t = &s->tags[i];
		if (t->seq < from || t->hash != hash || t->end_line != end_line)
			continue;
		if (!attr_hash)
			return t;
		for (uint32_t j = 0; j < t->attr_count; j++) {
			const fo_scan_attr *a = fo_scan__attr(s, t, j);
			if (a && a->hash == *attr_hash) {
				*attr_out = a;
				return t;
			}
		}
	}
	return NULL;
}

int fo_scan__take_text(fo_scan *s, uint64_t key, fo_scan_text *out)
{
	if (s->broken)
		return -1;
	while (s->texts_head < s->texts_len && s->texts[s->texts_head].key < key)
		s->texts_head++;
	if (s->texts_head < s->texts_len && s->texts[s->texts_head].key == key) {
		*out = s->texts[s->texts_head++];
		return 0;
	}
	return -1;
}
