/*
 * fo_render.h — diagrams of a graph and the last scenario's results, built
 * with Graphviz (cgraph) and rendered with gvc: DOT, SVG, PNG or PDF.
 *
 * The drawing (documented in docs/output-formats.md): containers that hold
 * other drawn nodes are nested clusters; fill colour by state with a legend;
 * shape by kind; edges follow the failure, from each dependency to its
 * dependent (top to bottom); a group of two or more members goes through a
 * small "K of n" node; soft dependencies dashed, copies dotted. Node names in
 * DOT are synthetic ("n12"); ids and names only ever appear in escaped
 * labels, so no inventory text can inject DOT or SVG markup.
 *
 * Graphviz keeps global state (its error hook, its plugin registry): do not
 * call fo_render from two threads at once.
 */
#ifndef FO_RENDER_H
#define FO_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../analyzer/fo_engine.h"
#include "../graphs/fo_diag.h"

typedef enum fo_scope {
	FO_SCOPE_AUTO = 0, /* impact when the last run hit any node, else all */
	FO_SCOPE_IMPACT,   /* impacted nodes, the up members keeping a hit group
			    * alive, and the containers around them */
	FO_SCOPE_ALL,      /* every node */
	FO_SCOPE_APP,      /* `app` and everything it depends on, transitively */
	FO_SCOPE_TENANT,   /* what the nodes of `tenant` depend on, transitively;
			    * after a failure, the impacted part of it */
} fo_scope;

/* Level of detail (docs/diagrams.md). */
typedef enum fo_detail {
	FO_DETAIL_AUTO = 0, /* nodes up to max_boxes drawn nodes, else the map */
	FO_DETAIL_NODES,    /* every node (up to max_nodes) */
	FO_DETAIL_MAP,      /* the impact map, at the finest level within max_boxes */
} fo_detail;

/* Nodes laid out by default: dot is superlinear, and a diagram this size
 * still lays out in seconds. */
#define FO_RENDER_MAX_NODES 1500

/* Boxes in a drawing chosen automatically: about what a reviewer reads on
 * one screen, and what dot lays out in a second. */
#define FO_RENDER_MAX_BOXES 150

/* PNG and PDF larger than this (in points, either side) would be scaled
 * down by Graphviz below legible size: cairo bitmaps stop at 32,767 px
 * (24,575 pt at 96 dpi), PDF pages at 200 inches (14,400 pt). */
#define FO_RENDER_MAX_PNG_PT 24575.0
#define FO_RENDER_MAX_PDF_PT 14400.0
typedef struct fo_render_opts {
	fo_scope scope;
	uint32_t app;       /* the node of FO_SCOPE_APP (any kind) */
	const char *format; /* "dot" (NULL = "dot"), "svg", "png" or "pdf" */
	size_t max_nodes;   /* 0 = FO_RENDER_MAX_NODES */
	/* The fields below may be left zero. */
	fo_detail detail;
	size_t max_boxes;   /* 0 = FO_RENDER_MAX_BOXES */
	const char *const *collapse; /* kind words always boxed, NULL-ended */
	const uint32_t *expand; /* nodes opened in the map */
	size_t nexpand;
	int limit_depth;    /* keep only nodes at most `depth` hops (cause
			     * links) from the failures */
	unsigned depth;
	int paths;          /* keep only the cause chains of impacted apps */
	const char *tenant; /* of FO_SCOPE_TENANT */
	int cli;            /* messages may name the render command's options */
} fo_render_opts;

/* Draws the engine's last run to fp (not closed). DOT is written without
 * layout; svg/png/pdf are laid out with dot and rendered by gvc. Messages go
 * to diag (may be NULL): why a request was refused, and what Graphviz
 * reported. Returns FO_OK; FO_EINVAL (unknown format, app out of range,
 * tenant without nodes); FO_ELIMIT (detail nodes over max_nodes, or a PNG
 * or PDF too large to stay legible: diag gives the size and what helps);
 * FO_ERENDER (Graphviz failed); FO_ENOMEM; FO_EIO.
 * O(nodes) flag reads plus O(scope + members of the groups around it) to
 * build (fo_map.h), then Graphviz's layout time. */
int fo_render(FILE *fp, const fo_engine *e, const fo_render_opts *o, fo_diag *diag);

/* The format for an output file name from its extension, case-insensitive:
 * ".dot"/".gv" → "dot", ".svg", ".png", ".pdf"; NULL if unknown. The result
 * is a static string. */
const char *fo_render_format_for_path(const char *file_name);

#endif
