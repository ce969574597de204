/*
 * rfix.h — graphs for the report and diagram tests, built with the builder
 * API directly (the fixture DSL splits on spaces; these need names with
 * spaces, properties, an inventory name and hostile bytes).
 */
#ifndef FO_TEST_RFIX_H
#define FO_TEST_RFIX_H

#include <stddef.h>

#include "graphs/fo_graph.h"

/* The quickstart inventory plus a few apps that exercise every
 * state and the tenant grouping:
 *   gz (region "Guangzhou") > gz-3 (zone) > gz3-dc (site "GZ3 data center")
 *     > gz3-cooling (cooling), gz3-hall-a (room, requires gz3-cooling)
 *     > gz3-rack-01 (rack) > cvm-gz3 (cvm, flat in=)
 *   pay-gz (service, requires cvm-gz3), pay-sh (service), cdn-gz (cdn)
 *   wechat-pay (app "WeChat Pay", tencent, tier 1, owner=pay-team):
 *     requires 1 of {pay-gz, pay-sh}; degrades cdn-gz
 *   photos (dataset, tencent): copies on cvm-gz3 and pay-sh
 *   qq-mail (app, tencent, tier 2): requires cvm-gz3
 *   blog (app, no tenant): degrades 1 of {pay-gz}
 *   bank (app, abc, tier 1): requires 2 of {pay-gz, pay-sh, cdn-gz}
 *   stats (app, abc): requires blog — degraded through a hard dependency
 * Returns the builder's status; *out owned by the caller. */
int rfix_quickstart(fo_graph **out);

/* Hostile ids and names: ids rfix_hostile_ids[0..n-1] are services that the
 * app "app" (name and tenant hostile too) requires one by one; node "box"
 * (a room named with quotes and a newline) contains the first three. The
 * inventory name is hostile as well. */
extern const char *const rfix_hostile_ids[];
extern const size_t rfix_hostile_count;
int rfix_hostile(fo_graph **out);

#endif
