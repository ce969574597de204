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
 *    = x); ATLEAST and XOR, where a repeat counts, refer to it the second
 *    time through an alias gate (a generated gate whose formula is the lone
 *    reference);
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
 * Memory O(nodes + arguments + name bytes); time O(nodes + arguments).
 */
#include "fo_openpsa.h"

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

/* A generated gate written after the others: an alias of `node`, or the
 * tail from argument `from` of XOR gate `node`. */
typedef struct extra {
	uint32_t node, from;
	int xor_tail;
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

/* s as XML text (attr: inside a double-quoted attribute). Characters XML
 * 1.0 cannot carry (C0 controls but tab, newline and carriage return,
 * malformed UTF-8, U+FFFE, U+FFFF) become U+FFFD. */
static void put_text(FILE *f, const char *s, int attr)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;
	for (size_t i = 0; i < n; i += len) {
		long c = utf8_next(p + i, n - i, &len);
		if (c == '&')
			fputs("&amp;", f);
		else if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '"' && attr)
			fputs("&quot;", f);
		else if (c == '\n' || c == '\r' || c == '\t')
			fprintf(f, "&#%ld;", c);
		else if (c < 0 || (c < 0x20) || c == 0xFFFE || c == 0xFFFF)
			fputs("\xEF\xBF\xBD", f);
		else
			fwrite(p + i, 1, len, f);
	}
}

static void indent(FILE *f, int depth)
{
	for (int i = 0; i < depth; i++)
		fputs("  ", f);
}

static void put_label(writer *w, uint32_t v, int depth)
{
	const char *orig = fo_ft_node_name(w->ft, v);
	if (!orig || !*orig || !strcmp(orig, w->names[v]))
		return;
	indent(w->f, depth);
	fputs("<label>", w->f);
	put_text(w->f, orig, 0);
	fputs("</label>\n", w->f);
}

/* A reference to node v (a name already given). */
static void put_ref(writer *w, uint32_t v, int depth)
{
	indent(w->f, depth);
	fputs(fo_ft_node_op(w->ft, v) == FO_FT_EVENT ? "<basic-event name=\"" : "<gate name=\"",
	      w->f);
	put_text(w->f, w->names[v], 1);
	fputs("\"/>\n", w->f);
}

static void put_named_ref(writer *w, const char *name, int depth)
{
	indent(w->f, depth);
	fputs("<gate name=\"", w->f);
	put_text(w->f, name, 1);
	fputs("\"/>\n", w->f);
}

/* A generated gate to write later; its name. NULL when out of memory. */
static const char *add_extra(writer *w, uint32_t node, uint32_t from, int xor_tail)
{
	char base[48];
	if (fo_imp__grow((void **)&w->ex, &w->aex, w->nex + 1, sizeof *w->ex) < 0)
		return NULL;
	snprintf(base, sizeof base, xor_tail ? "_xor%u_%u" : "_alias%u", node, from);
	char *name = name_claim(w, base);
	if (!name)
		return NULL;
	w->ex[w->nex++] = (extra){ node, from, xor_tail, name };
	return name;
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

/* The formula of gate v (see the top of the file for the rewriting).
 * Recursion depth: INLINE_MAX. */
static void put_formula(writer *w, uint32_t v, int depth)
{
	const fo_ft *ft = w->ft;
	const uint32_t *args;
	size_t n = fo_ft_node_args(ft, v, &args);
	fo_ft_op op = fo_ft_node_op(ft, v);
	uint32_t k = fo_ft_node_k(ft, v);
	FILE *f = w->f;

	if (op == FO_FT_EVENT) { /* the top is an event */
		put_ref(w, v, depth);
		return;
	}
	if (op == FO_FT_CONST) {
		indent(f, depth);
		fprintf(f, "<constant value=\"%s\"/>\n", k ? "true" : "false");
		return;
	}
	if (op == FO_FT_ATLEAST && k == 1)
		op = FO_FT_OR;
	else if (op == FO_FT_ATLEAST && k >= n)
		op = FO_FT_AND;
	/* The arguments as written, with a flag for the repeats: copied
	 * first, the nested formulas below reuse nothing of this call. */
	uint32_t *list = malloc((n ? n : 1) * sizeof *list);
	unsigned char *rep = calloc(n ? n : 1, 1);
	size_t m = 0;
	if (!list || !rep) {
		w->err = FO_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		/* Gates have few arguments: a quadratic search for repeats is
		 * cheaper than a table (and a gate of thousands is written once). */
		while (j < m && list[j] != args[i])
			j++;
		if (j < m && (op == FO_FT_AND || op == FO_FT_OR))
			continue;
		rep[m] = j < m;
		list[m++] = args[i];
	}
	if (m == 1 && op != FO_FT_NOT) {
		put_arg(w, list[0], depth);
		goto done;
	}
	const char *tag = op == FO_FT_AND ? "and" : op == FO_FT_OR ? "or" : op == FO_FT_NOT ? "not"
			: op == FO_FT_XOR ? "xor" : "atleast";
	indent(f, depth);
	if (op == FO_FT_ATLEAST)
		fprintf(f, "<atleast min=\"%u\">\n", k);
	else
		fprintf(f, "<%s>\n", tag);
	size_t upto = op == FO_FT_XOR && m > 2 ? 1 : m;
	for (size_t i = 0; i < upto; i++) {
		if (rep[i]) {
			const char *alias = add_extra(w, list[i], 0, 0);
			if (!alias) {
				w->err = FO_ENOMEM;
				goto done;
			}
			put_named_ref(w, alias, depth + 1);
		} else {
			put_arg(w, list[i], depth + 1);
		}
	}
	if (upto < m) {
		const char *tail = add_extra(w, v, 1, 1);
		if (!tail) {
			w->err = FO_ENOMEM;
			goto done;
		}
		put_named_ref(w, tail, depth + 1);
	}
	indent(f, depth);
	fprintf(f, "</%s>\n", tag);
done:
	free(list);
	free(rep);
}

/* The XOR of arguments from..n-1 of gate v: <xor>x_from T</xor>, T the
 * next tail (or the last argument). An argument equal to one before it in
 * this pair goes through an alias. */
static void put_xor_tail(writer *w, const extra *e)
{
	const uint32_t *args;
	size_t n = fo_ft_node_args(w->ft, e->node, &args);
	uint32_t a = args[e->from];
	indent(w->f, 2);
	fputs("<xor>\n", w->f);
	put_arg(w, a, 3);
	if (e->from + 2 < n) {
		const char *t = add_extra(w, e->node, e->from + 1, 1);
		if (!t) {
			w->err = FO_ENOMEM;
			return;
		}
		put_named_ref(w, t, 3);
	} else if (args[e->from + 1] == a) {
		const char *al = add_extra(w, a, 0, 0);
		if (!al) {
			w->err = FO_ENOMEM;
			return;
		}
		put_named_ref(w, al, 3);
	} else {
		put_arg(w, args[e->from + 1], 3);
	}
	indent(w->f, 2);
	fputs("</xor>\n", w->f);
}

/* ------------------------------------------------------------ passes */

/* The cone of the top, and how often each node is an argument in it. */
static int mark_cone(writer *w, uint32_t top)
{
	uint32_t *stack = malloc((size_t)w->n * sizeof *stack);
	size_t sp = 0;
	if (!stack)
		return FO_ENOMEM;
	stack[sp++] = top;
	w->in_cone[top] = 1;
	while (sp) {
		uint32_t v = stack[--sp];
		const uint32_t *args;
		size_t n = fo_ft_node_args(w->ft, v, &args);
		for (size_t i = 0; i < n; i++) {
			w->refs[args[i]]++;
			if (!w->in_cone[args[i]]) {
				w->in_cone[args[i]] = 1;
				stack[sp++] = args[i];
			}
		}
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

static void put_gate(writer *w, uint32_t v, const char *name)
{
	indent(w->f, 2);
	fputs("<define-gate name=\"", w->f);
	put_text(w->f, name, 1);
	fputs("\">\n", w->f);
	if (name == w->names[v])
		put_label(w, v, 3);
	put_formula(w, v, 3);
	indent(w->f, 2);
	fputs("</define-gate>\n", w->f);
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
	    !(w.inl = calloc(w.n, 1)) || !(w.names = calloc(w.n, sizeof *w.names)))
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

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opsa-mef>\n  <define-fault-tree name=\"",
	      f);
	put_text(f, tree, 1);
	fputs("\">\n", f);
	if (tn && *tn && strcmp(tn, tree)) {
		fputs("    <label>", f);
		put_text(f, tn, 0);
		fputs("</label>\n", f);
	}
	/* The top first, then the other gates parents before arguments. */
	if (event_top)
		put_gate(&w, top, top_name);
	for (uint32_t v = w.n; v-- > 0 && !w.err;)
		if (w.in_cone[v] && !w.inl[v] && fo_ft_node_op(ft, v) != FO_FT_EVENT)
			put_gate(&w, v, w.names[v]);
	for (size_t i = 0; i < w.nex && !w.err; i++) {
		extra e = w.ex[i]; /* a copy: writing it may add more */
		if (e.xor_tail) {
			indent(f, 2);
			fputs("<define-gate name=\"", f);
			put_text(f, e.name, 1);
			fputs("\">\n", f);
			put_xor_tail(&w, &e);
			indent(f, 2);
			fputs("</define-gate>\n", f);
		} else {
			indent(f, 2);
			fputs("<define-gate name=\"", f);
			put_text(f, e.name, 1);
			fputs("\">\n", f);
			put_ref(&w, e.node, 3);
			indent(f, 2);
			fputs("</define-gate>\n", f);
		}
	}
	if (w.err) {
		err = w.err;
		goto done;
	}
	fputs("  </define-fault-tree>\n  <model-data>\n", f);
	for (uint32_t ev = 0; ev < fo_ft_event_count(ft); ev++) {
		uint32_t v = fo_ft_event_node(ft, ev);
		if (!w.in_cone[v])
			continue;
		double p = fo_ft_event_p(ft, ev);
		const char *orig = fo_ft_node_name(ft, v);
		int labelled = orig && *orig && strcmp(orig, w.names[v]);
		fputs("    <define-basic-event name=\"", f);
		put_text(f, w.names[v], 1);
		if (p < 0 && !labelled) {
			fputs("\"/>\n", f); /* defined, probability unknown */
			continue;
		}
		fputs("\">\n", f);
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
			fprintf(f, "      <float value=\"%s\"/>\n", num);
		}
		fputs("    </define-basic-event>\n", f);
	}
	fputs("  </model-data>\n</opsa-mef>\n", f);
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
	fo_imp__strtab_free(&w.used);
	free(top_name);
	free(tree);
	return err;
}
