/*
 * fo_batchreport.h — the report of a scenario batch (`fallout report`): a
 * self-contained HTML page and the same content as Markdown, plus the
 * pieces of report.json. Layout and contracts: docs/report.md.
 *
 * The pages begin with a summary table that needs every scenario, so the
 * writer keeps one summary row per scenario in memory and spools the
 * per-scenario sections to anonymous temporary files (tmpfile()) until
 * fo_batchreport_finish: memory stays flat however many scenarios run.
 * The writer reads no clock: the generation time and version it prints
 * are the caller's (fo_batchreport_info), so the same graph, scenarios and
 * info give the same bytes. Hostile text (ids, names, tenants,
 * scenario names) is escaped for each syntax; control characters first
 * become C-style escapes, as in every other report.
 */
#ifndef FO_BATCHREPORT_H
#define FO_BATCHREPORT_H

#include <stddef.h>
#include <stdio.h>

#include "../analyzer/fo_engine.h"
#include "../graphs/fo_graph.h"
#include "fo_riskreport.h"
#include "fo_spofreport.h"

/* Rows of a per-scenario table of all impacted nodes, and explained apps,
 * shown per scenario; the rest is in report.json and impacts.csv. */
#define FO_BATCHREPORT_MAX_ROWS 1000
#define FO_BATCHREPORT_MAX_WHY 50

/* What the report is about; strings borrowed for the writer's lifetime. */
typedef struct fo_batchreport_info {
	const char *title;          /* the scenario file's name=, or NULL */
	const char *inventory;      /* the inventory's name=, or NULL */
	const char *input;          /* what was analysed: a path or DB@LABEL */
	const char *scenarios_file; /* the scenario file's path */
	/* When the report was made, as ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ"
	 * (shown as "YYYY-MM-DD HH:MM:SS UTC"; any other text as it is), and
	 * the version of the program that made it; NULL = not shown. Not in
	 * report.json, which a snapshot rebuilds byte for byte. */
	const char *generated;
	const char *version;
} fo_batchreport_info;

/* One scenario's diagram: an SVG document (Graphviz output; its prolog is
 * dropped and its ids made unique in the page) and the file name the
 * Markdown links to; or, when there is none, a note saying why. */
typedef struct fo_batchreport_diagram {
	const char *svg; /* NULL when there is no diagram */
	size_t svg_len;
	const char *file; /* relative file name of the SVG, linked from both
			   * documents (NULL: no link) */
	const char *note; /* why there is no diagram (svg NULL), or NULL */
} fo_batchreport_diagram;

typedef struct fo_batchreport fo_batchreport;

/* Starts a report over g (borrowed). *out owned by the caller:
 * fo_batchreport_free. Returns FO_OK, FO_EINVAL, FO_ENOMEM, FO_EIO (no
 * temporary file). */
int fo_batchreport_new(fo_batchreport **out, const fo_graph *g, const fo_batchreport_info *info);
void fo_batchreport_free(fo_batchreport *r);

/* Adds the engine's last run, the scenario `sc` named `name` (copied), with
 * its diagram (may be NULL). Returns FO_OK, FO_EINVAL, FO_ENOMEM, FO_EIO.
 * O(k log k) for k impacted nodes, plus one explanation per down app shown. */
int fo_batchreport_add(fo_batchreport *r, fo_engine *e, const char *name, const fo_scenario *sc,
		       const fo_batchreport_diagram *d);

/* The availability of the inventory's apps (fo_riskreport_avail, in the
 * order to show; borrowed until fo_batchreport_finish), for a section
 * "Availability" after the single points of failure: per app P(down),
 * nines, minutes down per year and the first `top` nodes to harden (the
 * entries' importance already ranked: fo_riskreport_rank_importance). An
 * entry with missing > 0 says that failure data is missing. apps: the apps
 * of the inventory (n < apps: the section says that only the first n are
 * shown). Not called (or n = 0): no section, as for an inventory without
 * failure data. */
void fo_batchreport_set_availability(fo_batchreport *r, const fo_riskreport_avail *a, size_t n,
				     size_t top, size_t apps);

/* Writes the whole HTML page to html and the Markdown to md (either may be
 * NULL; not closed): header, summary, the scenarios added, then the single
 * points of failure of `spof` (may be NULL: the section says it was not
 * computed). Returns FO_OK, FO_ENOMEM, FO_EIO. */
int fo_batchreport_finish(fo_batchreport *r, const fo_spofreport *spof, FILE *html, FILE *md);

/* report.json in three pieces, so that a stored report can be rebuilt from
 * its parts byte for byte: the head (info), one run per scenario (i from 0;
 * `whatif` is the document of `whatif --format json`, its final newline
 * dropped), the tail (nruns, the `spof --format json` document or NULL).
 * Return FO_OK, FO_EINVAL, FO_ENOMEM, FO_EIO. */
int fo_batchreport_json_head(FILE *fp, const fo_batchreport_info *info);
int fo_batchreport_json_run(FILE *fp, size_t i, const char *name, const char *whatif, size_t len);
int fo_batchreport_json_tail(FILE *fp, size_t nruns, const char *spof, size_t len);

#endif
