/*
 * fo_openpsa.h — Open-PSA Model Exchange Format fault trees, read into and
 * written from an fo_ft (graphs/fo_ft.h).
 *
 * Reading takes the subset that public benchmark trees use (the Aralia set
 * of ../shared/aralia, SCRAM's inputs): <opsa-mef>, <define-fault-tree>,
 * <define-gate> with <and>, <or>, <atleast min=K>, <not>, <xor>, <gate>
 * and <basic-event> references (and a lone reference as a gate's formula),
 * <model-data> and <define-basic-event> with <float value=P/>. Everything
 * else is refused with a located error naming the element. Through the
 * hardened XML input of the inventory reader (no DTD, no entity, no
 * network, size and depth limits). What is accepted and how: docs/openpsa.md.
 */
#ifndef FO_IMPORTERS_OPENPSA_H
#define FO_IMPORTERS_OPENPSA_H

#include <stdio.h>

#include "../graphs/fo_diag.h"
#include "../graphs/fo_ft.h"

/* Reads the MEF document at `path` ("-": standard input). The top is the
 * one gate that no other gate uses (an error when there are several or
 * none, naming them); events are numbered in order of first definition or
 * use, then come the gates, each after its arguments (depth first from the
 * top); a nested formula is an anonymous gate. Every problem (undefined or doubly
 * defined gates and events, cycles among gates, a probability outside
 * [0, 1], an unknown element) is reported on diag as FILE:LINE:COL, all of
 * them in one run. *out owned by the caller (fo_ft_free), set only on
 * FO_OK. Returns FO_OK, FO_EINPUT (errors on diag), FO_EIO, FO_ENOMEM,
 * FO_ELIMIT (on diag). O(document size). */
int fo_openpsa_read(const char *path, fo_diag *diag, fo_ft **out);

/* Writes ft (its top's cone) as one MEF <define-fault-tree> with
 * <model-data> defining every basic event of the cone, with <float> where
 * its p is known (SCRAM refuses an undefined event); names are escaped for
 * XML and made valid MEF identifiers, unique among gates and events, where
 * they are not (the original name is kept in a <label>); anonymous gates
 * used once are nested in their user's formula, other anonymous gates get
 * generated names; what SCRAM refuses (one-argument AND/OR, a repeated
 * argument, ATLEAST 1 or n of n, XOR of more than two) is rewritten into
 * an equivalent it reads (docs/openpsa.md, "Writing"). SCRAM 0.16.2 reads
 * the output. Returns FO_OK, FO_EIO, FO_ENOMEM, FO_EINVAL (no top).
 * O(nodes + arguments + name bytes). */
int fo_openpsa_write(FILE *f, const fo_ft *ft);

/* 1 when the first n bytes of a document are surely MEF (root <opsa-mef>),
 * 0 otherwise. No allocation; O(n). */
int fo_openpsa_sniff(const char *head, size_t n);

#endif
