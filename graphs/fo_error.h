/*
 * fo_error.h — the one error enum of the fallout library.
 *
 * Every fallible function returns 0 (FO_OK) or one of the negative codes below.
 * The enum only ever grows: codes are never renumbered or removed, so programs
 * linked against an older library keep working. Human-readable details (with
 * file:line:col for input errors) live on an fo_diag context, never here.
 */
#ifndef FO_ERROR_H
#define FO_ERROR_H

enum fo_error {
	FO_OK = 0,
	FO_ENOMEM = -1,    /* allocation failed */
	FO_EINVAL = -2,    /* invalid argument: a caller's mistake */
	FO_EINPUT = -3,    /* invalid input document; diagnostics explain */
	FO_EIO = -4,       /* reading or writing a file failed */
	FO_ENOTFOUND = -5, /* no such id */
	FO_ELIMIT = -6,    /* input or request exceeds a documented limit */
	FO_EGRAPH = -7,    /* the graph library (igraph) failed */
	FO_ERENDER = -8,   /* the diagram library (Graphviz) failed */
};

/* A static, human-readable description of an fo_error code; never NULL. */
const char *fo_strerror(int code);

#endif
