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

int fo_report_why(FILE *fp, const fo_engine *e, uint32_t node)
{
	fo_explain_step *steps = NULL;
	size_t n = 0;
	fo_sbuf b = { 0 };
	int err;

	if (!fp || !e || node >= fo_graph_node_count(fo_engine_graph(e)))
		return FO_EINVAL;
	if ((err = fo_engine_explain(e, node, &steps, &n)) < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		/* the node asked about first, its causes indented below it */
		fo_sbuf__puts(&b, i ? "  " : "");
		put_step(&b, e, &steps[i]);
		fo_sbuf__putc(&b, '\n');
	}
	if (b.oom) {
		err = FO_ENOMEM;
		goto done;
	}
	if (b.len)
		fwrite(b.p, 1, b.len, fp);
	if (ferror(fp))
		err = FO_EIO;
done:
	fo_sbuf__dispose(&b);
	free(steps);
	return err;
}
