/*
 * engine_int.h — internals of the engine for its tests (not installed, not
 * part of the API).
 */
#ifndef FO_ENGINE_INT_H
#define FO_ENGINE_INT_H

#include <stdint.h>

#include "fo_engine.h"

/* Sets the run epoch (1 .. 2^24 - 1; other values are folded into it), so
 * that a test reaches the wrap without running 16 million scenarios. Only
 * valid right after fo_engine_new or a run. O(1). */
void fo_engine__set_epoch(fo_engine *e, uint32_t epoch);

/* The engine's own number of a node (the graph's number under the graph
 * layout), so that a test sees the local layout's order. O(1). */
uint32_t fo_engine__number(const fo_engine *e, uint32_t node);

#endif
