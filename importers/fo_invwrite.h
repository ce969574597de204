/*
 * fo_invwrite.h — writes a graph as an inventory XML, format v1
 * (docs/inventory-format.md): what `fallout convert` prints, so that an
 * import can be reviewed, edited, diffed and versioned.
 *
 * The output is a function of the graph alone (never of the time, the
 * input's file name or the machine): reading it and writing it again gives
 * the same bytes, and every command answers the same on it as on the
 * inputs it came from (docs/cli.md, "convert").
 */
#ifndef FO_INVWRITE_H
#define FO_INVWRITE_H

#include <stdio.h>

#include "../graphs/fo_graph.h"

/* Writes g to fp: the XML declaration, <inventory name= version="1">, then
 * one <node> per node in the graph's order, flat (a container as in=),
 * with id, kind (as the graph holds it: a vendor alias such as cvm is
 * the kind it stands for), name, tenant, tier, in and the free-form properties in
 * their order, then its groups in their order: <requires>/<degrades>
 * (ref= for one member needed, else min= and <ref> children) and <copy>.
 * Every text is escaped for an attribute (& < > " and tab, newline, CR as
 * character references); a character XML 1.0 cannot hold (the C0
 * controls but tab, newline, CR) becomes U+FFFD. A property key that is
 * not an XML name without a colon, or is a reserved word of the format
 * (id, kind, name, in, tenant, tier) or starts with "xml", is written with
 * each bad character as '_', '_' in front when needed, and "_2", "_3", ...
 * appended where two keys of one node would be the same. Properties named
 * p, mtbf and mttr are the node's failure data when they are valid as such
 * (fo_inventory_failure_p), written as they are; otherwise (a source other
 * than an inventory may name a property "p") they get a '_' in front, so
 * that the output reads back, with no failure data, as the graph has.
 * Returns FO_OK, FO_EIO (a write failed: ferror(fp)), FO_EINVAL (NULL
 * argument) or FO_ENOMEM. O(size of the graph). */
int fo_invwrite(FILE *fp, const fo_graph *g);

#endif
