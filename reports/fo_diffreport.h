/*
 * fo_diffreport.h — writes the result of `fallout diff` (docs/diff.md): the
 * structural diff of two inventories, the single points of failure each app
 * gained and lost, and per scenario the apps whose state changed, as text,
 * JSON or Markdown. The caller computes the result; this module only prints.
 */
#ifndef FO_DIFFREPORT_H
#define FO_DIFFREPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../analyzer/fo_diff.h"
#include "../analyzer/fo_engine.h"
#include "../graphs/fo_graph.h"

typedef enum fo_diffreport_format {
	FO_DIFFREPORT_TEXT = 0,
	FO_DIFFREPORT_JSON = 1,
	FO_DIFFREPORT_MD = 2,
} fo_diffreport_format;

/* SPOF changes of one app present (as an app) in both inventories. */
typedef struct fo_diffreport_spof {
	uint32_t app;               /* in `after` */
	const uint32_t *introduced; /* nodes of `after`, ascending */
	size_t nintroduced;
	const uint32_t *removed;    /* nodes of `before`, ascending */
	size_t nremoved;
} fo_diffreport_spof;

/* New pairs of one app present (as an app) in both inventories (diff
 * --fail-on new-pair): order-2 failure sets of `after` whose two nodes,
 * failing together, did not take the app down before (neither was a SPOF
 * and they were no pair, or one of them did not exist). */
typedef struct fo_diffreport_pairs {
	uint32_t app;          /* in `after` */
	const uint32_t *pairs; /* 2 * n nodes of `after`, each pair ascending */
	size_t n;
} fo_diffreport_pairs;

/* An app (in both inventories) whose headline state changed in a scenario. */
typedef struct fo_diffreport_change {
	uint32_t app; /* in `after` */
	fo_state before, after;
} fo_diffreport_change;

typedef struct fo_diffreport_scenario {
	const char *name;
	size_t apps_down_before, apps_down_after;
	const fo_diffreport_change *changes;
	size_t nchanges;
	int worse; /* more apps down, or some app's state worse */
} fo_diffreport_scenario;

/* Everything borrowed. `scenarios` NULL when no scenario file was given. */
typedef struct fo_diffreport {
	const fo_graph *before, *after;
	const fo_diff *diff;
	const fo_diffreport_spof *spof; /* only apps with a change, in after's order */
	size_t nspof;
	const char *scenarios_name;     /* name= of the scenario file, or NULL */
	const fo_diffreport_scenario *scenarios;
	size_t nscenarios;
	int new_spof;  /* some app gained a SPOF */
	int more_down; /* some scenario is worse (always 0 without scenarios) */
	/* Pairs: written only when pairs_checked (--fail-on new-pair), since
	 * they cost a decision diagram per app and side. */
	int pairs_checked;
	const fo_diffreport_pairs *pairs; /* only apps with a new pair, in after's order */
	size_t npairs;
	int new_pair;  /* some app has a new pair */
} fo_diffreport;

/* Writes r to fp (not closed). Returns FO_OK, FO_EINVAL (bad format, NULL),
 * FO_ENOMEM or FO_EIO (writing failed). O(size of the report). */
int fo_diffreport_write(FILE *fp, const fo_diffreport *r, fo_diffreport_format fmt);

/* Order of headline states used by --fail-on more-down: up 0 < at-risk 1 <
 * degraded 2 < down 3. */
int fo_diffreport_severity(fo_state s);

#endif
