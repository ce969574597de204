/*
 * fo_serve.h — the HTTP server of `fallout serve` (docs/serve.md): GNU
 * libmicrohttpd with a pool of worker threads answering through fo_api.
 *
 * The library never installs signal handlers or exits: the caller starts
 * the server, waits for its own stop condition (the command: SIGINT or
 * SIGTERM) and stops it.
 */
#ifndef FO_SERVE_H
#define FO_SERVE_H

#include <stddef.h>

#include "../graphs/fo_diag.h"
#include "fo_api.h"

typedef struct fo_server fo_server;

typedef struct fo_serve_opts {
	const char *bind;      /* an IPv4 or IPv6 literal address; NULL = 127.0.0.1 */
	unsigned port;         /* 0: a free port, chosen by the system */
	unsigned threads;      /* worker threads; 0 = 2 */
	unsigned timeout;      /* idle seconds before a connection is closed; 0 = 10 */
	unsigned connections;  /* connections at once; 0 = 64 */
} fo_serve_opts;

/* Whether bind is a loopback address (127.0.0.0/8, ::1). -1 when it is not
 * an IP literal. O(1). */
int fo_serve_is_loopback(const char *bind);

/* Binds and starts answering through api (borrowed: it must outlive the
 * server). On FO_OK *out owns the server (fo_serve_stop) and requests are
 * being answered from now on. Errors: FO_EINVAL (bind is not an IP literal,
 * port over 65535: diag says so), FO_EIO (the address could not be bound:
 * in use, permission; diag names address and port), FO_ENOMEM. O(threads). */
int fo_serve_start(fo_server **out, fo_api *api, const fo_serve_opts *o, fo_diag *diag);

/* The port the server listens on (the chosen one when 0 was asked). */
unsigned fo_serve_port(const fo_server *s);

/* The base URL, e.g. "http://127.0.0.1:8080/" or "http://[::1]:8080/";
 * borrowed, alive as long as s. */
const char *fo_serve_url(const fo_server *s);

/* Stops accepting, lets the requests being answered finish, joins the
 * threads and frees the server. NULL is a no-op. */
void fo_serve_stop(fo_server *s);

#endif
