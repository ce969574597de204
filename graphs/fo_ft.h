/*
 * fo_ft.h — a fault tree: basic events, gates over them, and one top.
 *
 * The one form behind both front ends of the risk analyses: an app of an
 * inventory (risk/fo_ftgraph.h) and an Open-PSA MEF file
 * (importers/fo_openpsa.h). The analyses (risk/fo_risk.h) read only this.
 * It lives in graphs/ beside fo_graph because importers produce it and the
 * layers above (risk/, reports/, cli/) read it.
 *
 * Events and gates share one numbering ("nodes" of the tree, 0, 1, ... in
 * order of creation). A gate's arguments must exist when it is added, so a
 * tree is acyclic by construction; front ends resolve forward references and
 * refuse cycles themselves. Events also have their own dense numbering
 * (0 .. fo_ft_event_count-1, in order of creation): the variables of the
 * decision diagrams and the numbers that cut sets are made of.
 *
 * Names are copied, any UTF-8 (hostile text included); they are not
 * required to be unique (an inventory's ids are, MEF names are checked by
 * the importer). Memory: O(nodes + arguments + name bytes).
 */
#ifndef FO_FT_H
#define FO_FT_H

#include <stddef.h>
#include <stdint.h>

/* "No node/event"; the same definition as fo_graph.h's. */
#define FO_NONE UINT32_MAX

/* At most this many nodes (events + gates) and arguments in all. */
#define FO_FT_MAX_NODES ((uint32_t)1 << 31)

typedef enum fo_ft_op {
	FO_FT_EVENT = 0, /* a basic event (a leaf) */
	FO_FT_AND,       /* all arguments (1 or more) */
	FO_FT_OR,        /* at least one argument (1 or more) */
	FO_FT_ATLEAST,   /* at least k of the n arguments, 1 <= k <= n */
	FO_FT_NOT,       /* exactly one argument, negated */
	FO_FT_XOR,       /* an odd number of the arguments (2 or more) */
	FO_FT_CONST,     /* true (k = 1) or false (k = 0); no arguments */
} fo_ft_op;

typedef struct fo_ft fo_ft;

/* An empty tree (no top yet). *out owned by the caller: fo_ft_free.
 * Returns FO_OK, FO_ENOMEM. */
int fo_ft_new(fo_ft **out);
void fo_ft_free(fo_ft *ft);

/* Adds a basic event. name: copied, not NULL. p: its probability in [0, 1],
 * or a negative number for "unknown" (cut sets need none; probability and
 * importance refuse a tree with an unknown p in the top's cone). ref: the
 * front end's own number (the graph node of an inventory, FO_NONE for MEF).
 * *out: its node number (may be NULL). Returns FO_OK, FO_ENOMEM, FO_EINVAL
 * (p > 1 or NaN, name NULL), FO_ELIMIT (2^31 nodes). */
int fo_ft_add_event(fo_ft *ft, const char *name, double p, uint32_t ref, uint32_t *out);

/* Adds a gate. name: copied, or NULL (anonymous; writers name it). args:
 * nargs node numbers, each < the new node's number (copied; duplicates are
 * allowed and mean what they mean: AND(a, a) = a, ATLEAST 2 of (a, a, b) = a).
 * k: the K of ATLEAST, the value of CONST, ignored otherwise. *out: the new
 * node's number (may be NULL). Returns FO_OK, FO_ENOMEM, FO_EINVAL (an
 * argument count or k that the op does not allow, an argument out of range),
 * FO_ELIMIT. */
int fo_ft_add_gate(fo_ft *ft, const char *name, fo_ft_op op, uint32_t k, const uint32_t *args,
		   size_t nargs, uint32_t *out);

/* The top event (an event or a gate). FO_EINVAL if out of range. */
int fo_ft_set_top(fo_ft *ft, uint32_t node);
/* FO_NONE (UINT32_MAX) until set. */
uint32_t fo_ft_top(const fo_ft *ft);

/* The tree's name (copied; NULL clears it): the MEF fault tree's name, or
 * the app's id. NULL if none. */
int fo_ft_set_name(fo_ft *ft, const char *name);
const char *fo_ft_name(const fo_ft *ft);

/* Reading. All O(1); node and event numbers must be in range. */
uint32_t fo_ft_node_count(const fo_ft *ft);
uint32_t fo_ft_event_count(const fo_ft *ft);
fo_ft_op fo_ft_node_op(const fo_ft *ft, uint32_t node);
const char *fo_ft_node_name(const fo_ft *ft, uint32_t node); /* NULL: anonymous gate */
uint32_t fo_ft_node_k(const fo_ft *ft, uint32_t node);
/* Arguments of a gate (borrowed until the next add); 0 for events. */
size_t fo_ft_node_args(const fo_ft *ft, uint32_t node, const uint32_t **out);
/* Event number of an event node, FO_NONE for a gate. */
uint32_t fo_ft_node_event(const fo_ft *ft, uint32_t node);
/* Node number of event `ev`. */
uint32_t fo_ft_event_node(const fo_ft *ft, uint32_t ev);
double fo_ft_event_p(const fo_ft *ft, uint32_t ev); /* < 0: unknown */
uint32_t fo_ft_event_ref(const fo_ft *ft, uint32_t ev);
const char *fo_ft_event_name(const fo_ft *ft, uint32_t ev);

/* 1 when neither NOT nor XOR occurs in the top's cone (or no top is set),
 * 0 when one does (a non-coherent tree: docs/risk.md says what cut sets then
 * mean), -1 when out of memory. O(nodes + arguments). */
int fo_ft_is_coherent(const fo_ft *ft);

#endif
