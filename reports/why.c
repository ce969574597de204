/*
 * why.c — `whatif --why ID`: the cause chain of one node, with the arithmetic
 * of each group (fo_report.h, format in docs/output-formats.md).
 *
 * Each step of fo_engine_explain says which group decided the node's state
 * and how many members still count for the rule that applied. The rule is
 * recovered from the step's state (docs/semantics.md):
 *   down       hard group with fewer than K members not down   "C up"
 *   lost       copies group with every holder destroyed/lost   "C left"
 *   degraded   degrades group with fewer than K not down       "C up"
 *              hard group with fewer than K healthy            "C healthy"
 *   at-risk    hard group with exactly K left after a loss     "C up, no spare"
 *              hard group with fewer than K safe               "C safe"
 * and the members that do not count are listed with their state, the cause
 * first, so the reader sees which loss tipped the group.
 */
#include "fo_report.h"

#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_error.h"
#include "report_int.h"

/* Members listed before "… N more": enough to recognise a group, short
 * enough for one line even with 17 members. */
#define SHOW_MEMBERS 4
#define ELLIPSIS "\xe2\x80\xa6" /* U+2026 */

enum rule { R_DOWN, R_LOST, R_WANTS, R_HEALTHY, R_SPARE, R_SAFE };

/* The state word of a member that does not count for the rule, or NULL
 * when it counts. */
static const char *member_word(enum rule r, unsigned f)
{
	if (f & FO_F_DOWN) {
		if (r == R_LOST && !(f & (FO_F_DESTROYED | FO_F_LOST)))
			return NULL; /* down but its copy survives */
		return (f & FO_F_LOST) ? "lost" : (f & FO_F_DESTROYED) ? "destroyed"
			: (f & FO_F_FAILED) ? "failed" : "down";
	}
	if (r == R_HEALTHY && (f & FO_F_DEGRADED))
		return "degraded";
	if (r == R_SAFE && (f & FO_F_AT_RISK))
		return "at-risk";
	return NULL;
}

static void put_id(fo_sbuf *b, const fo_graph *g, uint32_t v)
{
	fo_report__esc(b, fo_graph_node_id(g, v));
}

/* "{a, b, c, d, … 13 more}" */
static void put_members(fo_sbuf *b, const fo_graph *g, const fo_group_info *gi)
{
	uint32_t shown = gi->n > SHOW_MEMBERS + 1 ? SHOW_MEMBERS : gi->n;
	fo_sbuf__putc(b, '{');
	for (uint32_t i = 0; i < shown; i++) {
		if (i)
			fo_sbuf__puts(b, ", ");
		put_id(b, g, gi->members[i]);
	}
	if (shown < gi->n)
		fo_sbuf__printf(b, ", " ELLIPSIS " %u more", gi->n - shown);
	fo_sbuf__putc(b, '}');
}

/* " (a down, b degraded, … 3 more)": the members that do not count, the
 * cause first; nothing when every member counts. */
static void put_missing(fo_sbuf *b, const fo_engine *e, const fo_group_info *gi, enum rule r,
			uint32_t cause)
{
	const fo_graph *g = fo_engine_graph(e);
	uint32_t listed = 0, more = 0;
	const char *w;

	if (cause != FO_NONE && (w = member_word(r, fo_engine_flags(e, cause)))) {
		fo_sbuf__puts(b, " (");
		put_id(b, g, cause);
		fo_sbuf__printf(b, " %s", w);
		listed++;
	}
	for (uint32_t i = 0; i < gi->n; i++) {
		uint32_t m = gi->members[i];
		if (m == cause || !(w = member_word(r, fo_engine_flags(e, m))))
			continue;
		if (listed == SHOW_MEMBERS) {
			more++;
			continue;
		}
		fo_sbuf__puts(b, listed ? ", " : " (");
		put_id(b, g, m);
		fo_sbuf__printf(b, " %s", w);
		listed++;
	}
	if (more)
		fo_sbuf__printf(b, ", " ELLIPSIS " %u more", more);
	if (listed)
		fo_sbuf__putc(b, ')');
}

static enum rule step_rule(const fo_explain_step *s, fo_group_type type)
{
	switch (s->state) {
	case FO_STATE_DEGRADED:
		return type == FO_GROUP_DEGRADES ? R_WANTS : R_HEALTHY;
	case FO_STATE_AT_RISK:
		/* exactly K left is the spare rule; fewer than K is the
		 * safe-members rule (it needs fewer than K to apply) */
		return s->count >= s->k ? R_SPARE : R_SAFE;
	default:
		return ((s->flags & FO_F_LOST) && type == FO_GROUP_COPIES) ? R_LOST : R_DOWN;
	}
}

static const char *count_word(enum rule r)
{
	switch (r) {
	case R_LOST: return "left";
	case R_HEALTHY: return "healthy";
	case R_SAFE: return "safe";
	default: return "up";
	}
}

/* The reason part of one step, after "X is STATE: ". */
static void put_reason(fo_sbuf *b, const fo_engine *e, const fo_explain_step *s)
{
	const fo_graph *g = fo_engine_graph(e);
	fo_group_info gi;
	fo_graph_group(g, s->group, &gi);
	enum rule r = step_rule(s, gi.type);

	if (gi.n == 1) {
		/* One member: the arithmetic is the member's own state. */
		uint32_t m = gi.members[0];
		const char *w = member_word(r, fo_engine_flags(e, m));
		switch (gi.type) {
		case FO_GROUP_LOCATED: fo_sbuf__puts(b, "located in "); break;
		case FO_GROUP_COPIES: fo_sbuf__puts(b, "keeps its only copy on "); break;
		case FO_GROUP_DEGRADES: fo_sbuf__puts(b, "depends softly on "); break;
		case FO_GROUP_REQUIRES: fo_sbuf__puts(b, "requires "); break;
		}
		put_id(b, g, m);
		fo_sbuf__printf(b, " (%s)", w ? w : "up");
		return;
	}
	switch (gi.type) {
	case FO_GROUP_COPIES:
		fo_sbuf__puts(b, "keeps copies on ");
		break;
	case FO_GROUP_DEGRADES:
		fo_sbuf__printf(b, "wants %u of ", s->k);
		break;
	default:
		fo_sbuf__printf(b, "needs %u of ", s->k);
		break;
	}
	put_members(b, g, &gi);
	fo_sbuf__printf(b, ": %u %s", s->count, count_word(r));
	put_missing(b, e, &gi, r, s->cause);
	if (r == R_SPARE)
		fo_sbuf__puts(b, ", no spare left");
}

static void put_step(fo_sbuf *b, const fo_engine *e, const fo_explain_step *s)
{
	const fo_graph *g = fo_engine_graph(e);

	put_id(b, g, s->node);
	if (s->state == FO_STATE_UP) {
		fo_sbuf__puts(b, " is up");
		return;
	}
	if (s->group == FO_NONE) {
		/* the end of the chain: a node of the scenario itself */
		if (s->flags & FO_F_DESTROYED)
			fo_sbuf__puts(b, " destroyed (scenario)");
		else if (s->flags & FO_F_FAILED)
			fo_sbuf__puts(b, " failed (scenario)");
		else {
			fo_sbuf__puts(b, " is ");
			fo_report__state(b, s->flags);
		}
		return;
	}
	fo_sbuf__puts(b, " is ");
	if (s->state == FO_STATE_AT_RISK)
		fo_sbuf__puts(b, "at-risk"); /* the rule this step explains */
	else
		fo_report__state(b, s->flags);
	fo_sbuf__puts(b, ": ");
	put_reason(b, e, s);
}

/* One reason for the state of the node asked about: a group of it for
 * which one of the rules holds, and the member whose chain is shown below
 * it (a member that needs lost data first, else the engine's cause when it
 * is in the group, else the first member that does not count). */
typedef struct reason {
	fo_explain_step step; /* the node's own step for this group */
	int lost;             /* a member that does not count needs lost data */
	int risk_chain;       /* show the member's at-risk chain */
} reason;

static int is_member(const fo_group_info *gr, uint32_t v)
{
	for (uint32_t i = 0; i < gr->n; i++)
		if (gr->members[i] == v)
			return 1;
	return 0;
}

/* Members of gi whose copies are neither destroyed nor lost. */
static uint32_t kept_copies(const fo_engine *e, const fo_group_info *gr)
{
	uint32_t kept = 0;
	for (uint32_t i = 0; i < gr->n; i++)
		kept += !(fo_engine_flags(e, gr->members[i]) & (FO_F_DESTROYED | FO_F_LOST));
	return kept;
}

/* Adds the reason "node is `st` through group gi" when the rule holds,
 * choosing the member to explain. */
static void add_reason(reason *out, size_t *n, const fo_engine *e, const fo_lostdeps *ld,
		       uint32_t node, uint32_t gi, fo_state st, uint32_t cause)
{
	const fo_graph *g = fo_engine_graph(e);
	fo_group_info gr;
	fo_graph_group(g, gi, &gr);
	reason *r = &out[*n];
	fo_explain_step *s = &r->step;
	uint32_t up = fo_engine_group_up(e, gi);

	memset(r, 0, sizeof *r);
	s->node = node;
	s->state = st;
	s->flags = fo_engine_flags(e, node);
	s->group = gi;
	s->k = gr.k;
	s->n = gr.n;
	if (st == FO_STATE_DOWN) {
		if ((s->flags & FO_F_LOST) && gr.type == FO_GROUP_COPIES) {
			s->count = kept_copies(e, &gr);
		} else if (!fo_group_type_is_hard(gr.type) || up >= gr.k) {
			return;
		} else {
			s->count = up;
		}
	} else if (st == FO_STATE_DEGRADED) {
		uint32_t c = fo_group_type_is_hard(gr.type) ? fo_engine_group_healthy(e, gi) : up;
		if (c >= gr.k)
			return;
		s->count = c;
	} else {
		uint32_t safe = fo_engine_group_safe(e, gi);
		if (!fo_group_type_is_hard(gr.type))
			return;
		if (up == gr.k && up < gr.n) {
			s->count = up; /* exactly K left: the spare rule */
		} else if (safe < gr.k) {
			s->count = safe;
			r->risk_chain = 1;
		} else {
			return;
		}
	}
	enum rule rl = step_rule(s, gr.type);
	uint32_t first = FO_NONE, lost = FO_NONE;
	for (uint32_t i = 0; i < gr.n; i++) {
		uint32_t m = gr.members[i];
		if (!member_word(rl, fo_engine_flags(e, m)))
			continue;
		if (first == FO_NONE)
			first = m;
		if (lost == FO_NONE && fo_report__lost_rep(ld, m) != FO_NONE)
			lost = m;
	}
	/* a member needing lost data is shown only where it breaks a hard
	 * group: down, or lost */
	if (lost != FO_NONE && st == FO_STATE_DOWN) {
		s->cause = lost;
		r->lost = 1;
	} else if (cause != FO_NONE && member_word(rl, fo_engine_flags(e, cause)) &&
		   is_member(&gr, cause)) {
		s->cause = cause;
	} else {
		s->cause = first;
	}
	if (s->cause != FO_NONE)
		(*n)++;
}

/* The reasons of node's state, in the order shown: for each state (down;
 * or degraded, then at-risk), the groups that involve lost data first, then
 * the group of the engine's cause, then the others in inventory order. */
static size_t reasons(reason *out, const fo_engine *e, const fo_lostdeps *ld, uint32_t node)
{
	const fo_graph *g = fo_engine_graph(e);
	unsigned f = fo_engine_flags(e, node);
	uint32_t first, count;
	size_t n = 0;

	fo_graph_node_groups(g, node, &first, &count);
	for (int pass = 0; pass < 2; pass++) {
		fo_state st = pass == 0 ? ((f & FO_F_DOWN) ? FO_STATE_DOWN
					   : (f & FO_F_DEGRADED) ? FO_STATE_DEGRADED
					   : (f & FO_F_AT_RISK) ? FO_STATE_AT_RISK : FO_STATE_UP)
					: ((f & FO_F_DEGRADED) && (f & FO_F_AT_RISK)) ? FO_STATE_AT_RISK
					: FO_STATE_UP;
		if (st == FO_STATE_UP)
			continue;
		int risk = st == FO_STATE_AT_RISK;
		uint32_t cg = risk ? fo_engine_risk_cause_group(e, node) : fo_engine_cause_group(e, node);
		uint32_t cause = risk ? fo_engine_risk_cause(e, node) : fo_engine_cause(e, node);
		size_t start = n;
		for (uint32_t gi = first; gi < first + count; gi++) {
			fo_group_info gr;
			fo_graph_group(g, gi, &gr);
			/* A node destroyed with its container is down by that alone
			 * (and lost, if its copies burnt): its other groups are not
			 * what a repair would start with. */
			if (st == FO_STATE_DOWN && (f & FO_F_DESTROYED) && gr.type != FO_GROUP_LOCATED &&
			    !((f & FO_F_LOST) && gr.type == FO_GROUP_COPIES))
				continue;
			if (st == FO_STATE_DOWN && (f & FO_F_DESTROYED) && gr.type == FO_GROUP_LOCATED &&
			    gi != cg)
				continue;
			/* a lost node that is not destroyed: lost is the reason */
			if (st == FO_STATE_DOWN && (f & FO_F_LOST) && !(f & FO_F_DESTROYED) &&
			    gr.type != FO_GROUP_COPIES)
				continue;
			add_reason(out, &n, e, ld, node, gi, st, gi == cg ? cause : FO_NONE);
		}
		/* stable order: lost data, then the cause's group, then the rest
		 * (insertion sort: a node has a handful of groups) */
		for (size_t i = start + 1; i < n; i++) {
			reason tmp = out[i];
			int key = tmp.lost ? 0 : tmp.step.group == cg ? 1 : 2;
			size_t j = i;
			while (j > start && (out[j - 1].lost ? 0 : out[j - 1].step.group == cg ? 1 : 2) > key) {
				out[j] = out[j - 1];
				j--;
			}
			out[j] = tmp;
		}
	}
	return n;
}

/* The chain of member m, one line per step, each prefixed by indent. */
static int put_chain(fo_sbuf *b, const fo_engine *e, uint32_t m, int risk, const char *indent)
{
	fo_explain_step *steps = NULL;
	size_t n = 0;
	int err = risk ? fo_engine_explain_at_risk(e, m, &steps, &n)
		       : fo_engine_explain(e, m, &steps, &n);
	for (size_t i = 0; err == FO_OK && i < n; i++) {
		fo_sbuf__puts(b, indent);
		put_step(b, e, &steps[i]);
		fo_sbuf__putc(b, '\n');
	}
	free(steps);
	return err;
}

int fo_report_why(FILE *fp, const fo_engine *e, uint32_t node)
{
	const fo_graph *g;
	uint32_t *lost = NULL;
	reason *rs = NULL;
	size_t nlost = 0, nr = 0;
	fo_lostdeps ld = { 0 };
	fo_sbuf b = { 0 };
	int err = FO_OK;

	if (!fp || !e || node >= fo_graph_node_count(fo_engine_graph(e)))
		return FO_EINVAL;
	g = fo_engine_graph(e);
	unsigned f = fo_engine_flags(e, node);
	if (f == 0 || ((f & (FO_F_FAILED | FO_F_DESTROYED)) && fo_engine_cause(e, node) == FO_NONE)) {
		/* up, or a node of the scenario: one line */
		err = put_chain(&b, e, node, 0, "");
		goto write;
	}
	/* Which members need lost data: from the lost nodes, found by a scan
	 * (the engine is read-only here; O(nodes), small next to a load). */
	uint32_t nodes = fo_graph_node_count(g), first, count;
	for (uint32_t v = 0; v < nodes; v++)
		nlost += (fo_engine_flags(e, v) & FO_F_LOST) != 0;
	if (nlost) {
		if (!(lost = malloc(nlost * sizeof *lost))) {
			err = FO_ENOMEM;
			goto done;
		}
		nlost = 0;
		for (uint32_t v = 0; v < nodes; v++)
			if (fo_engine_flags(e, v) & FO_F_LOST)
				lost[nlost++] = v;
		if ((err = fo_report__lostdeps(&ld, e, lost, nlost)) < 0)
			goto done;
	}
	fo_graph_node_groups(g, node, &first, &count);
	/* at most one reason per group and state (two states at most) */
	if (!(rs = malloc(((size_t)count * 2 + 1) * sizeof *rs))) {
		err = FO_ENOMEM;
		goto done;
	}
	nr = reasons(rs, e, &ld, node);
	if (nr == 1) {
		/* one reason: the node's line, then its member's chain */
		put_step(&b, e, &rs[0].step);
		fo_sbuf__putc(&b, '\n');
		err = put_chain(&b, e, rs[0].step.cause, rs[0].risk_chain, "  ");
		goto write;
	}
	put_id(&b, g, node);
	fo_sbuf__puts(&b, " is ");
	fo_report__state(&b, f);
	fo_sbuf__printf(&b, ": %zu reasons", nr);
	if (nr && rs[0].lost)
		fo_sbuf__puts(&b, ", lost data first");
	fo_sbuf__putc(&b, '\n');
	for (size_t i = 0; i < nr && err == FO_OK; i++) {
		/* "- requires X (lost)", then X's chain below it */
		fo_sbuf__puts(&b, "  - ");
		/* a node both degraded and at-risk: which state each explains */
		if ((f & FO_F_DEGRADED) && (f & FO_F_AT_RISK))
			fo_sbuf__puts(&b, rs[i].step.state == FO_STATE_AT_RISK ? "at-risk: " : "degraded: ");
		put_reason(&b, e, &rs[i].step);
		fo_sbuf__putc(&b, '\n');
		err = put_chain(&b, e, rs[i].step.cause, rs[i].risk_chain, "    ");
	}
write:
	if (err < 0)
		goto done;
	if (b.oom) {
		err = FO_ENOMEM;
		goto done;
	}
	if (b.len)
		fwrite(b.p, 1, b.len, fp);
	if (ferror(fp))
		err = FO_EIO;
done:
	fo_report__lostdeps_dispose(&ld);
	fo_sbuf__dispose(&b);
	free(lost);
	free(rs);
	return err;
}
