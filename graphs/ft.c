/*
 * ft.c — fault trees (fo_ft.h): flat arrays, names in one arena, the
 * arguments of all gates in one array.
 */
#include "fo_ft.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fo_error.h"

typedef struct ft_node {
	uint32_t name;  /* offset in names, FO_NONE: anonymous */
	uint32_t args;  /* offset in args */
	uint32_t nargs;
	uint32_t k;
	uint32_t event; /* event number, FO_NONE for a gate */
	uint8_t op;
} ft_node;

typedef struct ft_event {
	uint32_t node;
	uint32_t ref;
	double p;
} ft_event;

struct fo_ft {
	ft_node *nodes;
	size_t nnodes, anodes;
	ft_event *events;
	size_t nevents, aevents;
	uint32_t *args;
	size_t nargs, aargs;
	char *names;
	size_t nnames, anames;
	char *name;
	uint32_t top;
};

/* Room for `need` elements of `size` bytes; doubling, overflow refused. */
static int grow(void **p, size_t *alloc, size_t need, size_t size)
{
	if (need <= *alloc)
		return FO_OK;
	size_t na = *alloc ? *alloc : 16;
	while (na < need) {
		if (na > SIZE_MAX / 2 / size)
			return FO_ENOMEM;
		na *= 2;
	}
	void *q = realloc(*p, na * size);
	if (!q)
		return FO_ENOMEM;
	*p = q;
	*alloc = na;
	return FO_OK;
}

int fo_ft_new(fo_ft **out)
{
	if (!out)
		return FO_EINVAL;
	fo_ft *ft = calloc(1, sizeof *ft);
	if (!ft)
		return FO_ENOMEM;
	ft->top = FO_NONE;
	*out = ft;
	return FO_OK;
}

void fo_ft_free(fo_ft *ft)
{
	if (!ft)
		return;
	free(ft->nodes);
	free(ft->events);
	free(ft->args);
	free(ft->names);
	free(ft->name);
	free(ft);
}

/* Copies name into the arena; *off its offset. */
static int add_name(fo_ft *ft, const char *name, uint32_t *off)
{
	if (!name) {
		*off = FO_NONE;
		return FO_OK;
	}
	size_t len = strlen(name) + 1;
	if (ft->nnames + len >= UINT32_MAX)
		return FO_ELIMIT;
	int rc = grow((void **)&ft->names, &ft->anames, ft->nnames + len, 1);
	if (rc)
		return rc;
	memcpy(ft->names + ft->nnames, name, len);
	*off = (uint32_t)ft->nnames;
	ft->nnames += len;
	return FO_OK;
}

int fo_ft_add_event(fo_ft *ft, const char *name, double p, uint32_t ref, uint32_t *out)
{
	int rc;
	uint32_t off;

	if (!ft || !name || isnan(p) || p > 1.0)
		return FO_EINVAL;
	if (ft->nnodes >= FO_FT_MAX_NODES)
		return FO_ELIMIT;
	if ((rc = grow((void **)&ft->nodes, &ft->anodes, ft->nnodes + 1, sizeof *ft->nodes)) ||
	    (rc = grow((void **)&ft->events, &ft->aevents, ft->nevents + 1, sizeof *ft->events)) ||
	    (rc = add_name(ft, name, &off)))
		return rc;
	uint32_t n = (uint32_t)ft->nnodes++, ev = (uint32_t)ft->nevents++;
	ft->nodes[n] = (ft_node){.name = off, .event = ev, .op = FO_FT_EVENT};
	ft->events[ev] = (ft_event){.node = n, .ref = ref, .p = p < 0 ? -1.0 : p};
	if (out)
		*out = n;
	return FO_OK;
}

/* Whether op takes nargs arguments and this k. */
static int shape_ok(fo_ft_op op, uint32_t k, size_t nargs)
{
	switch (op) {
	case FO_FT_AND:
	case FO_FT_OR:
		return nargs >= 1;
	case FO_FT_ATLEAST:
		return nargs >= 1 && k >= 1 && k <= nargs;
	case FO_FT_NOT:
		return nargs == 1;
	case FO_FT_XOR:
		return nargs >= 2;
	case FO_FT_CONST:
		return nargs == 0 && k <= 1;
	case FO_FT_EVENT:
	default:
		return 0;
	}
}

int fo_ft_add_gate(fo_ft *ft, const char *name, fo_ft_op op, uint32_t k, const uint32_t *args,
		   size_t nargs, uint32_t *out)
{
	int rc;
	uint32_t off;

	if (!ft || !shape_ok(op, k, nargs) || (nargs && !args))
		return FO_EINVAL;
	for (size_t i = 0; i < nargs; i++)
		if (args[i] >= ft->nnodes)
			return FO_EINVAL;
	if (ft->nnodes >= FO_FT_MAX_NODES || nargs >= FO_FT_MAX_NODES - ft->nargs)
		return FO_ELIMIT;
	if ((rc = grow((void **)&ft->nodes, &ft->anodes, ft->nnodes + 1, sizeof *ft->nodes)) ||
	    (rc = grow((void **)&ft->args, &ft->aargs, ft->nargs + nargs, sizeof *ft->args)) ||
	    (rc = add_name(ft, name, &off)))
		return rc;
	if (nargs)
		memcpy(ft->args + ft->nargs, args, nargs * sizeof *args);
	uint32_t n = (uint32_t)ft->nnodes++;
	ft->nodes[n] = (ft_node){.name = off,
				 .args = (uint32_t)ft->nargs,
				 .nargs = (uint32_t)nargs,
				 .k = op == FO_FT_ATLEAST || op == FO_FT_CONST ? k : 0,
				 .event = FO_NONE,
				 .op = (uint8_t)op};
	ft->nargs += nargs;
	if (out)
		*out = n;
	return FO_OK;
}

int fo_ft_set_top(fo_ft *ft, uint32_t node)
{
	if (!ft || node >= ft->nnodes)
		return FO_EINVAL;
	ft->top = node;
	return FO_OK;
}

uint32_t fo_ft_top(const fo_ft *ft) { return ft->top; }

int fo_ft_set_name(fo_ft *ft, const char *name)
{
	if (!ft)
		return FO_EINVAL;
	char *copy = NULL;
	if (name && !(copy = strdup(name)))
		return FO_ENOMEM;
	free(ft->name);
	ft->name = copy;
	return FO_OK;
}

const char *fo_ft_name(const fo_ft *ft) { return ft->name; }
uint32_t fo_ft_node_count(const fo_ft *ft) { return (uint32_t)ft->nnodes; }
uint32_t fo_ft_event_count(const fo_ft *ft) { return (uint32_t)ft->nevents; }
fo_ft_op fo_ft_node_op(const fo_ft *ft, uint32_t node) { return (fo_ft_op)ft->nodes[node].op; }

const char *fo_ft_node_name(const fo_ft *ft, uint32_t node)
{
	uint32_t off = ft->nodes[node].name;
	return off == FO_NONE ? NULL : ft->names + off;
}

uint32_t fo_ft_node_k(const fo_ft *ft, uint32_t node) { return ft->nodes[node].k; }

size_t fo_ft_node_args(const fo_ft *ft, uint32_t node, const uint32_t **out)
{
	const ft_node *nd = &ft->nodes[node];
	*out = nd->nargs ? ft->args + nd->args : NULL;
	return nd->nargs;
}

uint32_t fo_ft_node_event(const fo_ft *ft, uint32_t node) { return ft->nodes[node].event; }
uint32_t fo_ft_event_node(const fo_ft *ft, uint32_t ev) { return ft->events[ev].node; }
double fo_ft_event_p(const fo_ft *ft, uint32_t ev) { return ft->events[ev].p; }
uint32_t fo_ft_event_ref(const fo_ft *ft, uint32_t ev) { return ft->events[ev].ref; }

const char *fo_ft_event_name(const fo_ft *ft, uint32_t ev)
{
	return fo_ft_node_name(ft, ft->events[ev].node);
}

int fo_ft_is_coherent(const fo_ft *ft)
{
	/* Gates only use earlier nodes, so one pass downwards from the top
	 * over a "reached" mark visits the cone without a stack. */
	if (!ft || ft->top == FO_NONE)
		return 1;
	unsigned char *seen = calloc(ft->nnodes ? ft->nnodes : 1, 1);
	int coherent = 1;
	if (!seen)
		return -1;
	seen[ft->top] = 1;
	for (size_t i = ft->top + 1; i-- > 0;) {
		if (!seen[i])
			continue;
		const ft_node *nd = &ft->nodes[i];
		if (nd->op == FO_FT_NOT || nd->op == FO_FT_XOR) {
			coherent = 0;
			break;
		}
		for (uint32_t a = 0; a < nd->nargs; a++)
			seen[ft->args[nd->args + a]] = 1;
	}
	free(seen);
	return coherent;
}
