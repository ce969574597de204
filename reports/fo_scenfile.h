/*
 * fo_scenfile.h — writes one scenario as a scenario file (format v1,
 * docs/scenarios-format.md) that `fallout report --scenarios` reads back:
 * what `fallout serve` offers for download (docs/serve.md, /api/scenario).
 */
#ifndef FO_SCENFILE_H
#define FO_SCENFILE_H

#include <stdio.h>

#include "../analyzer/fo_engine.h"
#include "../graphs/fo_graph.h"

/* Writes a <scenarios version="1"> document holding one <scenario> named
 * `name` (UTF-8, non-empty) with a <fail ref> per sc->fail node and a
 * <destroy ref> per sc->destroy node, in order, ids taken from g. Text is
 * escaped for an XML attribute (& < > " as entities; tab, newline and CR
 * as character references, so that attribute normalisation keeps them).
 * Text XML 1.0 cannot hold (other control characters, bytes that are not
 * UTF-8) is refused with FO_EINPUT before anything is written, since
 * replacing it would name another node. Returns FO_OK, FO_EINVAL (NULL
 * argument, empty name or scenario, node out of range), FO_EINPUT, FO_EIO
 * (writing failed). O(bytes written). */
int fo_scenfile_write(FILE *fp, const fo_graph *g, const char *name, const fo_scenario *sc);

/* True when s can be written in an XML 1.0 attribute (valid UTF-8 without
 * control characters other than tab, newline, CR). O(strlen(s)). */
int fo_scenfile_text_ok(const char *s);

#endif
