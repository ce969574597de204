/*
 * openpsa_write.c — fo_openpsa_write: a fault tree as one Open-PSA MEF
 * document that SCRAM 0.16.2 reads and solves (docs/openpsa.md, "Writing").
 *
 * SCRAM is stricter than the MEF schema, and fo_ft looser, so the writer
 * rewrites what SCRAM refuses into what it means:
 *  - <and>/<or> need 2 arguments or more: a one-argument gate is written as
 *    its argument (a lone reference as a gate's formula, SCRAM's "null"
 *    gate);
 *  - no argument twice in one formula: AND and OR drop the repeats (x & x
 *    = x), XOR drops them in pairs (x ^ x = 0), ATLEAST, where a repeat
 *    counts, is expanded on its repeated arguments into a threshold of
 *    weights (put_weighted; an alias gate would be simpler, but SCRAM
 *    0.16.2 solves ATLEAST over a repeat through an alias wrongly);
 *  - <atleast> needs 2 <= min < n: min = 1 is written <or>, min = n <and>;
 *  - <xor> takes exactly 2 arguments: x1 ^ x2 ^ ... ^ xn is written
 *    <xor>x1 T2</xor> with T2 = <xor>x2 T3</xor> ... as generated gates;
 *  - names are MEF identifiers ([^-.]+(-[^-.]+)* and an XML NCName, in a
 *    conservative set of letters libxml2's schema check accepts), unique
 *    among gates and basic events together (SCRAM has one namespace for
 *    both); a name that is not is mapped and the original kept in <label>.
 * Anonymous gates used once are written nested in their user's formula
 * (nested at most INLINE_MAX deep, so that a reader's depth limit is never
 * reached), other anonymous gates get generated names. Every basic event of
 * the top's cone is defined in <model-data>, with <float> when p is known:
 * SCRAM refuses an undefined event.
 *
 * Two passes over the gates: a dry run that prints nothing and records
 * which gate each written gate refers to, then the writing of the gates the
 * top reaches (the rewriting can leave an argument out: a gate written but
 * used by nothing would be read as a second top).
 *
 * Memory O(nodes + arguments + name bytes); time O(nodes + arguments),
 * plus, for generated gates (XOR beyond two arguments, ATLEAST repeats), a
 * lookup linear in their number each.
 */
#include "fo_openpsa.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_error.h"
#include "grow_int.h"
#include "strtab_int.h"

#define NONE UINT32_MAX
/* Deepest nesting of anonymous gates inside one <define-gate>. */
#define INLINE_MAX 32
/* Longest mapped name, in bytes (the original is in the label). */
#define NAME_MAX_BYTES 200

/* A generated gate, written after the others: the XOR of the reduced
 * arguments from `from` on of gate `node`, or the weighted threshold
 * T(from, k) of its repeated ATLEAST arguments (put_weighted). */
typedef enum extra_kind { X_XOR, X_ATLEAST } extra_kind;

typedef struct extra {
	extra_kind kind;
	uint32_t node, from, k;
	char *name;
} extra;

typedef struct writer {
	FILE *f;
	const fo_ft *ft;
	uint32_t n;
	unsigned char *in_cone;
	uint32_t *refs;     /* references from gates of the cone */
	unsigned char *inl; /* anonymous gate written nested */
	char **names;       /* written name of each node, NULL: none (nested) */
	fo_imp__strtab used;
	extra *ex;
	size_t nex, aex;
	int err;
	/* The dry run (dry set): nothing printed, the references each written
	 * gate makes recorded (cur: the gate being written, a node, or n + i
	 * for extra i), so that only the gates the top reaches are written:
	 * the rewriting may leave an argument out (an XOR pair, an ATLEAST
	 * argument that cannot change the count's outcome). */
	int dry;
	uint32_t cur;
	uint32_t *efrom, *eto;
	size_t nedge, aefrom, aeto;
	unsigned char *reach; /* n + extras, after the dry run */
	uint32_t *stamp, *slot, stampc; /* reduced()'s scratch, per node */
} writer;

/* ------------------------------------------------------------ names */

/* Decodes one UTF-8 sequence at s (n bytes left): the code point and its
 * length, or -1 and length 1 for a malformed byte. */
static long utf8_next(const unsigned char *s, size_t n, size_t *len)
{
	*len = 1;
	if (s[0] < 0x80)
		return s[0];
	int k = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
		: s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : 0;
	if (!k || (size_t)k > n)
		return -1;
	long c = s[0] & (0x7F >> k);
	for (int i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((k == 3 && c < 0x800) || (k == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return -1;
	*len = (size_t)k;
	return c;
}

/* Letters beyond ASCII accepted in written names: a conservative subset of
 * XML 1.0's letters (Latin-1 and Latin Extended-A letters, Greek, Cyrillic,
 * kana, CJK ideographs, Hangul) that SCRAM 0.16.2's schema check (libxml2)
 * was seen to accept; anything else is mapped. */
static int name_letter(long c)
{
	return (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x131) ||
	       (c >= 0x134 && c <= 0x13E) || (c >= 0x141 && c <= 0x148) ||
	       (c >= 0x14A && c <= 0x17E) || (c >= 0x391 && c <= 0x3A1) ||
	       (c >= 0x3A3 && c <= 0x3A9) || (c >= 0x3B1 && c <= 0x3C9) ||
	       (c >= 0x410 && c <= 0x44F) || (c >= 0x3041 && c <= 0x3094) ||
	       (c >= 0x30A1 && c <= 0x30FA) || (c >= 0x4E00 && c <= 0x9FA5) ||
	       (c >= 0xAC00 && c <= 0xD7A3);
}

static int ascii_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Whether s is written as is: an MEF identifier of the accepted letters. */
static int name_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;
	if (!n || n > NAME_MAX_BYTES || (*p >= '0' && *p <= '9') || *p == '-' || p[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i += len) {
		long c = utf8_next(p + i, n - i, &len);
		if (c == '-' && p[i + 1] == '-')
			return 0;
		if (!(c == '-' || (c < 0x80 && c >= 0 && ascii_name_char((int)c)) ||
		      (c >= 0x80 && name_letter(c))))
			return 0;
	}
	return 1;
}

/* The mapped form of s (malloc'ed): every character that may not be in a
 * name becomes '_', '-' only between two other characters, '_' in front
 * of a leading digit, at most NAME_MAX_BYTES bytes. */
static char *name_map(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len, o = 0;
	char *out = malloc(NAME_MAX_BYTES + 2);
	if (!out)
		return NULL;
	if (!n || (*p >= '0' && *p <= '9'))
		out[o++] = '_';
	for (size_t i = 0; i < n; i += len) {
		long c = utf8_next(p + i, n - i, &len);
		if (c >= 0x80 && name_letter(c)) {
			if (o + len > NAME_MAX_BYTES)
				break;
			memcpy(out + o, p + i, len);
			o += len;
			continue;
		}
		if (o + 1 > NAME_MAX_BYTES)
			break;
		if (c == '-' && o && out[o - 1] != '-' && i + 1 < n)
			out[o++] = '-';
		else
			out[o++] = c >= 0 && c < 0x80 && ascii_name_char((int)c) ? (char)c : '_';
	}
	if (o && out[o - 1] == '-')
		out[o - 1] = '_';
	out[o] = '\0';
	return out;
}

/* base, or base_2, base_3, ... : the first not yet used; recorded as used.
 * Returns a malloc'ed copy, NULL when out of memory. */
static char *name_claim(writer *w, const char *base)
{
	size_t bl = strlen(base);
	char *c = malloc(bl + 24);
	uint32_t dummy;
	if (!c)
		return NULL;
	memcpy(c, base, bl + 1);
	for (unsigned long i = 2; fo_imp__strtab_find(&w->used, c, strlen(c), &dummy); i++)
		snprintf(c + bl, 24, "_%lu", i);
	if (fo_imp__strtab_put(&w->used, c, strlen(c), 0) < 0) {
		free(c);
		return NULL;
	}
	return c;
}

/* ------------------------------------------------------------ output */

static void out_s(writer *w, const char *s)
{
	if (!w->dry)
		fputs(s, w->f);
}

__attribute__((format(printf, 2, 3)))
static void out_f(writer *w, const char *fmt, ...)
{
	va_list ap;
	if (w->dry)
		return;
	va_start(ap, fmt);
	vfprintf(w->f, fmt, ap);
	va_end(ap);
}

/* A reference from the gate being written to `to` (dry run only). */
static void edge(writer *w, uint32_t to)
{
	if (!w->dry)
		return;
	if (fo_imp__grow((void **)&w->efrom, &w->aefrom, w->nedge + 1, sizeof *w->efrom) < 0 ||
	    fo_imp__grow((void **)&w->eto, &w->aeto, w->nedge + 1, sizeof *w->eto) < 0) {
		w->err = FO_ENOMEM;
		return;
	}
	w->efrom[w->nedge] = w->cur;
	w->eto[w->nedge++] = to;
}

/* s as XML text (attr: inside a double-quoted attribute). Characters XML
 * 1.0 cannot carry (C0 controls but tab, newline and carriage return,
 * malformed UTF-8, U+FFFE, U+FFFF) become U+FFFD. */
static void put_text(writer *w, const char *s, int attr)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len, run = 0; /* p[run_start .. i) is written as it is */
	if (w->dry)
		return;
	for (size_t i = 0; i < n; i += len) {
		long c = utf8_next(p + i, n - i, &len);
		int plain = c >= 0x20 && c != '&' && c != '<' && c != '>' && !(c == '"' && attr) &&
			    c != 0xFFFE && c != 0xFFFF;
		if (plain)
			continue;
		if (i > run)
			fwrite(p + run, 1, i - run, w->f);
		run = i + len;
		if (c == '&')
			fputs("&amp;", w->f);
		else if (c == '<')
			fputs("&lt;", w->f);
		else if (c == '>')
			fputs("&gt;", w->f);
		else if (c == '"')
			fputs("&quot;", w->f);
		else if (c == '\n' || c == '\r' || c == '\t')
			fprintf(w->f, "&#%ld;", c);
		else
			fputs("\xEF\xBF\xBD", w->f);
	}
	if (n > run)
		fwrite(p + run, 1, n - run, w->f);
}

static void indent(writer *w, int depth)
{
	for (int i = 0; i < depth && !w->dry; i++)
		out_s(w, "  ");
}

static void put_label(writer *w, uint32_t v, int depth)
{
	const char *orig = fo_ft_node_name(w->ft, v);
	if (!orig || !*orig || !strcmp(orig, w->names[v]))
		return;
	indent(w, depth);
	out_s(w, "<label>");
	put_text(w, orig, 0);
	out_s(w, "</label>\n");
}

/* A reference to node v (a name already given). */
static void put_ref(writer *w, uint32_t v, int depth)
{
	edge(w, v);
	indent(w, depth);
	out_s(w, fo_ft_node_op(w->ft, v) == FO_FT_EVENT ? "<basic-event name=\"" : "<gate name=\"");
	put_text(w, w->names[v], 1);
	out_s(w, "\"/>\n");
}

/* A reference to generated gate i. */
static void put_extra_ref(writer *w, size_t i, int depth)
{
	edge(w, w->n + (uint32_t)i);
	indent(w, depth);
	out_s(w, "<gate name=\"");
	put_text(w, w->ex[i].name, 1);
	out_s(w, "\"/>\n");
}

/* The arguments of gate v without repeats, in order of first occurrence,
 * with their multiplicities; for XOR (xor set) only those occurring an odd
 * number of times (x ^ x = 0). Repeated arguments first when `rep_first`
 * (ATLEAST's expansion). Arrays malloc'ed (*list, *mult), *m set. FO_OK or
 * FO_ENOMEM. O(arguments): repeats are found through w->slot, valid for
 * the nodes whose w->stamp is this call's (no clearing between calls). */
static int reduced(writer *w, uint32_t v, int xor, int rep_first, uint32_t **list,
		   uint32_t **mult, size_t *m)
{
	const uint32_t *args;
	size_t n = fo_ft_node_args(w->ft, v, &args), k = 0;
	uint32_t *l = malloc((n ? n : 1) * sizeof *l), *c = malloc((n ? n : 1) * sizeof *c);
	if (!l || !c) {
		free(l);
		free(c);
		return FO_ENOMEM;
	}
	if (++w->stampc == 0) { /* wrapped: every old stamp could match again */
		memset(w->stamp, 0, (size_t)w->n * sizeof *w->stamp);
		w->stampc = 1;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t a = args[i];
		if (w->stamp[a] != w->stampc) {
			w->stamp[a] = w->stampc;
			w->slot[a] = (uint32_t)k;
			l[k] = a;
			c[k++] = 0;
		}
		c[w->slot[a]]++;
	}
	size_t o = 0;
	if (xor) {
		for (size_t i = 0; i < k; i++)
			if (c[i] & 1)
				l[o] = l[i], c[o++] = 1;
		k = o;
	} else if (rep_first) {
		/* a stable partition: repeated arguments, then the others */
		uint32_t *l2 = malloc((k ? k : 1) * sizeof *l2), *c2 = malloc((k ? k : 1) * sizeof *c2);
		if (!l2 || !c2) {
			free(l);
			free(c);
			free(l2);
			free(c2);
			return FO_ENOMEM;
		}
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < k; i++)
				if ((c[i] > 1) == (pass == 0))
					l2[o] = l[i], c2[o++] = c[i];
		free(l);
		free(c);
		l = l2;
		c = c2;
	}
	*list = l;
	*mult = c;
	*m = k;
	return FO_OK;
}

/* A generated gate (see `extra`): its index, created on first use;
 * SIZE_MAX when out of memory (w->err set). Linear in the generated gates:
 * there are few (one per XOR argument beyond two, one per ATLEAST repeat
 * and count). */
static size_t extra_gate(writer *w, extra_kind kind, uint32_t node, uint32_t from, uint32_t k)
{
	char base[64];
	for (size_t i = 0; i < w->nex; i++)
		if (w->ex[i].kind == kind && w->ex[i].node == node && w->ex[i].from == from &&
		    w->ex[i].k == k)
			return i;
	if (w->nex >= UINT32_MAX - w->n ||
	    fo_imp__grow((void **)&w->ex, &w->aex, w->nex + 1, sizeof *w->ex) < 0) {
		w->err = FO_ENOMEM;
		return SIZE_MAX;
	}
	if (kind == X_XOR)
		snprintf(base, sizeof base, "_xor%u_%u", node, from);
	else
		snprintf(base, sizeof base, "_atleast%u_%u_%u", node, from, k);
	char *name = name_claim(w, base);
	if (!name) {
		w->err = FO_ENOMEM;
		return SIZE_MAX;
	}
	w->ex[w->nex] = (extra){ kind, node, from, k, name };
	return w->nex++;
}

static void put_formula(writer *w, uint32_t v, int depth);

/* Argument a of a formula: nested when it is written nested, else a
 * reference. */
static void put_arg(writer *w, uint32_t a, int depth)
{
	if (w->inl[a])
		put_formula(w, a, depth);
	else
		put_ref(w, a, depth);
}

static void put_constant(writer *w, int value, int depth)
{
	indent(w, depth);
	out_f(w, "<constant value=\"%s\"/>\n", value ? "true" : "false");
}

/* k of the m arguments, each once: <atleast>, or what SCRAM takes for the
 * cases it refuses (k = 1: <or>, k = m: <and>, m = 1: the argument). */
static void put_threshold(writer *w, const uint32_t *list, size_t m, uint32_t k, int depth)
{
	if (k == 0 || k > m) {
		put_constant(w, k == 0, depth);
		return;
	}
	if (m == 1) {
		put_arg(w, list[0], depth);
		return;
	}
	indent(w, depth);
	if (k == 1)
		out_s(w, "<or>\n");
	else if (k == m)
		out_s(w, "<and>\n");
	else
		out_f(w, "<atleast min=\"%u\">\n", k);
	for (size_t i = 0; i < m; i++)
		put_arg(w, list[i], depth + 1);
	indent(w, depth);
	out_s(w, k == 1 ? "</or>\n" : k == m ? "</and>\n" : "</atleast>\n");
}

/* ATLEAST k of the weighted arguments from..m-1 of gate v (weights: their
 * multiplicities, the repeated ones first): T(i, k) = (x_i & T(i+1, k-w_i))
 * | T(i+1, k), down to the unrepeated tail, an ordinary threshold. SCRAM
 * 0.16.2 gets a repeated argument wrong even through an alias gate (2 of
 * (a, alias(a), d) gives d), so repeats are expanded, never aliased. The
 * subformulas T(i+1, .) are generated gates, one per (i, k): O(repeated
 * arguments x k) of them. */
static void put_weighted(writer *w, uint32_t v, const uint32_t *list, const uint32_t *mult,
			 size_t m, size_t from, long k, int depth)
{
	long total = 0;
	for (size_t i = from; i < m; i++)
		total += mult[i];
	if (k <= 0 || k > total) {
		put_constant(w, k <= 0, depth);
		return;
	}
	if (from == m || mult[from] == 1) {
		put_threshold(w, list + from, m - from, (uint32_t)k, depth);
		return;
	}
	/* with x = list[from]: (x & T(from+1, k-w)) | T(from+1, k) */
	long rest = total - mult[from], kw = k - (long)mult[from];
	int with_true = kw <= 0, with_false = kw > rest; /* T(from+1, k-w) */
	int without_false = k > rest;                     /* T(from+1, k): never true here */
	size_t tw = 0, tn = 0;
	if ((!with_true && !with_false &&
	     (tw = extra_gate(w, X_ATLEAST, v, (uint32_t)from + 1, (uint32_t)kw)) == SIZE_MAX) ||
	    (!without_false &&
	     (tn = extra_gate(w, X_ATLEAST, v, (uint32_t)from + 1, (uint32_t)k)) == SIZE_MAX))
		return;
	int terms = !with_false + !without_false; /* at least one: k <= total */
	if (terms == 2) {
		indent(w, depth);
		out_s(w, "<or>\n");
		depth++;
	}
	if (!with_false) {
		if (with_true) {
			put_arg(w, list[from], depth);
		} else {
			indent(w, depth);
			out_s(w, "<and>\n");
			put_arg(w, list[from], depth + 1);
			put_extra_ref(w, tw, depth + 1);
			indent(w, depth);
			out_s(w, "</and>\n");
		}
	}
	if (!without_false)
		put_extra_ref(w, tn, depth);
	if (terms == 2) {
		indent(w, depth - 1);
		out_s(w, "</or>\n");
	}
}

/* x_from ^ ... ^ x_m-1 of the reduced XOR arguments: <xor>x_from T</xor>,
 * T the generated gate of from+1 (or the last argument). */
static void put_xor(writer *w, uint32_t v, const uint32_t *list, size_t m, size_t from, int depth)
{
	if (from == m) {
		put_constant(w, 0, depth);
		return;
	}
	if (from + 1 == m) {
		put_arg(w, list[from], depth);
		return;
	}
	indent(w, depth);
	out_s(w, "<xor>\n");
	put_arg(w, list[from], depth + 1);
	if (from + 2 == m) {
		put_arg(w, list[from + 1], depth + 1);
	} else {
		size_t t = extra_gate(w, X_XOR, v, (uint32_t)from + 1, 0);
		if (t == SIZE_MAX)
			return;
		put_extra_ref(w, t, depth + 1);
	}
	indent(w, depth);
	out_s(w, "</xor>\n");
}

/* The formula of gate v (see the top of the file for the rewriting).
 * Recursion depth: INLINE_MAX. */
static void put_formula(writer *w, uint32_t v, int depth)
{
	const fo_ft *ft = w->ft;
	fo_ft_op op = fo_ft_node_op(ft, v);
	uint32_t k = fo_ft_node_k(ft, v), *list = NULL, *mult = NULL;
	const uint32_t *args;
	size_t m, n = fo_ft_node_args(ft, v, &args);

	if (op == FO_FT_EVENT) { /* the top is an event */
		put_ref(w, v, depth);
		return;
	}
	if (op == FO_FT_CONST) {
		put_constant(w, k != 0, depth);
		return;
	}
	if (op == FO_FT_ATLEAST && k == 1)
		op = FO_FT_OR;
	else if (op == FO_FT_ATLEAST && k >= n)
		op = FO_FT_AND;
	if (reduced(w, v, op == FO_FT_XOR, op == FO_FT_ATLEAST, &list, &mult, &m) < 0) {
		w->err = FO_ENOMEM;
		return;
	}
	switch (op) {
	case FO_FT_AND:
	case FO_FT_OR: /* repeats dropped: x & x = x | x = x */
		put_threshold(w, list, m, op == FO_FT_AND ? (uint32_t)m : 1, depth);
		break;
	case FO_FT_ATLEAST:
		put_weighted(w, v, list, mult, m, 0, k, depth);
		break;
	case FO_FT_XOR:
		put_xor(w, v, list, m, 0, depth);
		break;
	case FO_FT_NOT:
		indent(w, depth);
		out_s(w, "<not>\n");
		put_arg(w, list[0], depth + 1);
		indent(w, depth);
		out_s(w, "</not>\n");
		break;
	default:
		break;
	}
	free(list);
	free(mult);
}

/* The formula of a generated gate. */
static void put_extra(writer *w, const extra *e)
{
	uint32_t *list = NULL, *mult = NULL;
	size_t m;
	if (reduced(w, e->node, e->kind == X_XOR, e->kind == X_ATLEAST, &list, &mult, &m) < 0) {
		w->err = FO_ENOMEM;
		return;
	}
	if (e->kind == X_XOR)
		put_xor(w, e->node, list, m, e->from, 3);
	else
		put_weighted(w, e->node, list, mult, m, e->from, e->k, 3);
	free(list);
	free(mult);
}

/* ------------------------------------------------------------ passes */

/* The cone of the top as written, and how often each node is referenced
 * in it: XOR's arguments that cancel in pairs are not written (nor, when
 * nothing else uses them, their gates: a gate written but used by nothing
 * would be a second top); the arguments of an ATLEAST expanded on its
 * repeats are written in several generated gates, so they count twice (a
 * gate referenced more than once is named, never copied). */
static int mark_cone(writer *w, uint32_t top)
{
	uint32_t *stack = malloc((size_t)w->n * sizeof *stack);
	size_t sp = 0;
	if (!stack)
		return FO_ENOMEM;
	stack[sp++] = top;
	w->in_cone[top] = 1;
	while (sp) {
		uint32_t v = stack[--sp], *list, *mult;
		size_t m;
		fo_ft_op op = fo_ft_node_op(w->ft, v);
		if (op == FO_FT_EVENT || op == FO_FT_CONST)
			continue;
		if (reduced(w, v, op == FO_FT_XOR, 0, &list, &mult, &m) < 0) {
			free(stack);
			return FO_ENOMEM;
		}
		uint32_t k = fo_ft_node_k(w->ft, v);
		size_t n = fo_ft_node_args(w->ft, v, &(const uint32_t *){ NULL });
		int expanded = op == FO_FT_ATLEAST && k > 1 && k < n && m < n;
		for (size_t i = 0; i < m; i++) {
			w->refs[list[i]] += expanded ? 2 : mult[i];
			if (!w->in_cone[list[i]]) {
				w->in_cone[list[i]] = 1;
				stack[sp++] = list[i];
			}
		}
		free(list);
		free(mult);
	}
	free(stack);
	return FO_OK;
}

/* Which anonymous gates are nested: used once, not the top, at most
 * INLINE_MAX deep. Parents have higher numbers than their arguments, so
 * going down the numbers sees a gate's depth before its arguments'. */
static int choose_nested(writer *w, uint32_t top)
{
	unsigned char *depth = calloc(w->n ? w->n : 1, 1);
	if (!depth)
		return FO_ENOMEM;
	for (uint32_t v = w->n; v-- > 0;) {
		if (!w->in_cone[v] || fo_ft_node_op(w->ft, v) == FO_FT_EVENT)
			continue;
		const uint32_t *args;
		size_t n = fo_ft_node_args(w->ft, v, &args);
		for (size_t i = 0; i < n; i++) {
			uint32_t a = args[i];
			if (fo_ft_node_op(w->ft, a) == FO_FT_EVENT || fo_ft_node_name(w->ft, a) ||
			    a == top || w->refs[a] != 1)
				continue;
			if (depth[v] < INLINE_MAX) {
				w->inl[a] = 1;
				depth[a] = (unsigned char)(depth[v] + 1);
			}
		}
	}
	free(depth);
	return FO_OK;
}

/* Names of the nodes written by name: first the names kept as they are
 * (valid, first of their spelling), then the mapped and generated ones. */
static int give_names(writer *w)
{
	for (int pass = 0; pass < 2; pass++)
		for (uint32_t v = 0; v < w->n; v++) {
			if (!w->in_cone[v] || w->inl[v] || w->names[v])
				continue;
			const char *orig = fo_ft_node_name(w->ft, v);
			uint32_t dummy;
			if (pass == 0) {
				if (!orig || !name_ok(orig) ||
				    fo_imp__strtab_find(&w->used, orig, strlen(orig), &dummy))
					continue;
				if (!(w->names[v] = strdup(orig)) ||
				    fo_imp__strtab_put(&w->used, orig, strlen(orig), 0) < 0)
					return FO_ENOMEM;
				continue;
			}
			char gen[32], *base;
			if (orig) {
				base = name_map(orig);
			} else {
				snprintf(gen, sizeof gen, "_g%u", v);
				base = strdup(gen);
			}
			if (!base)
				return FO_ENOMEM;
			w->names[v] = name_claim(w, base);
			free(base);
			if (!w->names[v])
				return FO_ENOMEM;
		}
	return FO_OK;
}

/* w->reach: the gates (nodes, then extras) the top reaches through the
 * references of the dry run. O(gates + references). */
static int reach(writer *w, uint32_t top)
{
	size_t total = (size_t)w->n + w->nex;
	size_t *start = calloc(total + 1, sizeof *start);
	uint32_t *adj = malloc((w->nedge ? w->nedge : 1) * sizeof *adj);
	uint32_t *stack = malloc((total ? total : 1) * sizeof *stack);
	int err = FO_ENOMEM;
	if (!start || !adj || !stack || !(w->reach = calloc(total ? total : 1, 1)))
		goto done;
	for (size_t i = 0; i < w->nedge; i++)
		start[w->efrom[i] + 1]++;
	for (size_t v = 0; v < total; v++)
		start[v + 1] += start[v];
	for (size_t i = 0; i < w->nedge; i++)
		adj[start[w->efrom[i]]++] = w->eto[i];
	for (size_t v = total; v > 0; v--) /* back to the starts */
		start[v] = start[v - 1];
	start[0] = 0;
	size_t sp = 0;
	stack[sp++] = top;
	w->reach[top] = 1;
	while (sp) {
		uint32_t v = stack[--sp];
		for (size_t i = start[v]; i < start[v + 1]; i++)
			if (!w->reach[adj[i]]) {
				w->reach[adj[i]] = 1;
				stack[sp++] = adj[i];
			}
	}
	err = FO_OK;
done:
	free(start);
	free(adj);
	free(stack);
	return err;
}

static void put_gate(writer *w, uint32_t v, const char *name)
{
	indent(w, 2);
	out_s(w, "<define-gate name=\"");
	put_text(w, name, 1);
	out_s(w, "\">\n");
	if (name == w->names[v])
		put_label(w, v, 3);
	put_formula(w, v, 3);
	indent(w, 2);
	out_s(w, "</define-gate>\n");
}

int fo_openpsa_write(FILE *f, const fo_ft *ft)
{
	writer w;
	int err = FO_OK;
	char *top_name = NULL, *tree = NULL;

	if (!f || !ft || fo_ft_top(ft) == FO_NONE)
		return FO_EINVAL;
	memset(&w, 0, sizeof w);
	w.f = f;
	w.ft = ft;
	w.n = fo_ft_node_count(ft);
	uint32_t top = fo_ft_top(ft);
	err = FO_ENOMEM;
	if (!(w.in_cone = calloc(w.n, 1)) || !(w.refs = calloc(w.n, sizeof *w.refs)) ||
	    !(w.inl = calloc(w.n, 1)) || !(w.names = calloc(w.n, sizeof *w.names)) ||
	    !(w.stamp = calloc(w.n, sizeof *w.stamp)) || !(w.slot = malloc(w.n * sizeof *w.slot)))
		goto done;
	if ((err = mark_cone(&w, top)) < 0 || (err = choose_nested(&w, top)) < 0 ||
	    (err = give_names(&w)) < 0)
		goto done;
	/* An event as the top: a gate whose formula is that event. */
	int event_top = fo_ft_node_op(ft, top) == FO_FT_EVENT;
	if (event_top && !(top_name = name_claim(&w, "top"))) {
		err = FO_ENOMEM;
		goto done;
	}
	const char *tn = fo_ft_name(ft);
	if (!(tree = tn && name_ok(tn) ? strdup(tn) : name_map(tn ? tn : "fault-tree"))) {
		err = FO_ENOMEM;
		goto done;
	}

	/* The dry run: what each gate refers to, then what the top reaches. */
	w.dry = 1;
	for (uint32_t v = 0; v < w.n && !w.err; v++)
		if (w.in_cone[v] && !w.inl[v] && fo_ft_node_op(ft, v) != FO_FT_EVENT) {
			w.cur = v;
			put_formula(&w, v, 3);
		}
	for (size_t i = 0; i < w.nex && !w.err; i++) { /* writing one may add more */
		extra e = w.ex[i];
		w.cur = w.n + (uint32_t)i;
		put_extra(&w, &e);
	}
	if (w.err || (err = reach(&w, top)) < 0) {
		err = w.err ? w.err : err;
		goto done;
	}
	w.dry = 0;

	out_s(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opsa-mef>\n"
		  "  <define-fault-tree name=\"");
	put_text(&w, tree, 1);
	out_s(&w, "\">\n");
	if (tn && *tn && strcmp(tn, tree)) {
		out_s(&w, "    <label>");
		put_text(&w, tn, 0);
		out_s(&w, "</label>\n");
	}
	/* The top first, then the other gates, parents before arguments, then
	 * the generated ones. */
	if (event_top)
		put_gate(&w, top, top_name);
	for (uint32_t v = w.n; v-- > 0 && !w.err;)
		if (w.reach[v] && !w.inl[v] && fo_ft_node_op(ft, v) != FO_FT_EVENT)
			put_gate(&w, v, w.names[v]);
	for (size_t i = 0; i < w.nex && !w.err; i++) {
		if (!w.reach[w.n + i])
			continue;
		extra e = w.ex[i];
		indent(&w, 2);
		out_s(&w, "<define-gate name=\"");
		put_text(&w, e.name, 1);
		out_s(&w, "\">\n");
		put_extra(&w, &e);
		indent(&w, 2);
		out_s(&w, "</define-gate>\n");
	}
	if (w.err) {
		err = w.err;
		goto done;
	}
	/* Every event of the cone, even one the rewriting left out (its
	 * probability is part of the tree). */
	out_s(&w, "  </define-fault-tree>\n  <model-data>\n");
	for (uint32_t ev = 0; ev < fo_ft_event_count(ft); ev++) {
		uint32_t v = fo_ft_event_node(ft, ev);
		if (!w.in_cone[v])
			continue;
		double p = fo_ft_event_p(ft, ev);
		const char *orig = fo_ft_node_name(ft, v);
		int labelled = orig && *orig && strcmp(orig, w.names[v]);
		out_s(&w, "    <define-basic-event name=\"");
		put_text(&w, w.names[v], 1);
		if (p < 0 && !labelled) {
			out_s(&w, "\"/>\n"); /* defined, probability unknown */
			continue;
		}
		out_s(&w, "\">\n");
		put_label(&w, v, 3);
		if (p >= 0) {
			/* The shortest of %.15g, %.16g, %.17g that reads back the
			 * same double. */
			char num[40];
			for (int prec = 15; prec <= 17; prec++) {
				snprintf(num, sizeof num, "%.*g", prec, p);
				if (strtod(num, NULL) == p)
					break;
			}
			out_f(&w, "      <float value=\"%s\"/>\n", num);
		}
		out_s(&w, "    </define-basic-event>\n");
	}
	out_s(&w, "  </model-data>\n</opsa-mef>\n");
	err = ferror(f) ? FO_EIO : FO_OK;
done:
	if (w.names)
		for (uint32_t v = 0; v < w.n; v++)
			free(w.names[v]);
	for (size_t i = 0; i < w.nex; i++)
		free(w.ex[i].name);
	free(w.ex);
	free(w.names);
	free(w.in_cone);
	free(w.refs);
	free(w.inl);
	free(w.efrom);
	free(w.eto);
	free(w.reach);
	free(w.stamp);
	free(w.slot);
	fo_imp__strtab_free(&w.used);
	free(top_name);
	free(tree);
	return err;
}
