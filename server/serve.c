/*
 * serve.c — the HTTP side of `fallout serve` (fo_serve.h): GNU
 * libmicrohttpd (docs/dependencies.md) with its own polling thread and a
 * pool of workers, each request answered by fo_api_handle.
 *
 * The listening socket is bound here rather than by libmicrohttpd, so that
 * a refused address gets its real reason (errno: in use, permission) and
 * port 0 its chosen port. The request target is taken raw, before
 * libmicrohttpd decodes it (the URI log callback): fo_api decodes strictly
 * (a malformed %-escape is a 400, not text) and keeps repeated parameters
 * in order.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <microhttpd.h>

#include "fo_serve.h"
#include "../graphs/fo_error.h"

/* Bytes a connection may hold: the request line and headers (16 KiB,
 * docs/serve.md) plus room for the response's header lines. A request whose
 * head does not fit is refused by libmicrohttpd itself (414 or 431). */
#define POOL_BYTES (16 * 1024 + 4 * 1024)

struct fo_server {
	struct MHD_Daemon *d;
	fo_api *api;
	unsigned port;
	char url[80];
};

/* The state of one request: its raw target. */
typedef struct rqctx {
	int seen;     /* the handler has been called once */
	char uri[];
} rqctx;

int fo_serve_is_loopback(const char *bind)
{
	struct in_addr a4;
	struct in6_addr a6;
	if (!bind)
		return 1;
	if (inet_pton(AF_INET, bind, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, bind, &a6) == 1) {
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return 1;
		if (IN6_IS_ADDR_V4MAPPED(&a6))
			return a6.s6_addr[12] == 127;
		return 0;
	}
	return -1;
}

static void *uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	size_t n = strlen(uri);
	rqctx *x = malloc(sizeof *x + n + 1);
	if (x) {
		x->seen = 0;
		memcpy(x->uri, uri, n + 1);
	}
	return x; /* NULL: out of memory, answered 500 */
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
		      enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	free(*req_cls);
	*req_cls = NULL;
}

static enum MHD_Result send_answer(struct MHD_Connection *c, fo_api_response *r)
{
	static const char oom[] = "{\"error\":{\"status\":500,\"code\":\"internal\",\"message\":\"out of memory\"}}\n";
	struct MHD_Response *resp;
	int status = r->status;
	const char *type = r->body && r->content_type ? r->content_type : "application/json; charset=utf-8";
	if (r->body) {
		resp = MHD_create_response_from_buffer_with_free_callback(r->len, r->body, free);
		if (resp)
			r->body = NULL; /* the response owns it now */
	} else {
		status = 500;
		resp = MHD_create_response_from_buffer(sizeof oom - 1, (void *)oom, MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		return MHD_NO; /* closes the connection */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Content-Security-Policy", FO_API_CSP);
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (r->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->disposition)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, r->disposition);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload_data,
			       size_t *upload_data_size, void **req_cls)
{
	fo_server *s = cls;
	rqctx *x = *req_cls;
	fo_api_response r = { 0 };
	enum MHD_Result ret;
	(void)url;
	(void)version;
	(void)upload_data;

	if (!x)
		return send_answer(c, &r); /* 500: no memory for the target */
	if (!x->seen) {
		x->seen = 1;
		/* No request body is accepted: refused before it is read. */
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		const char *te =
			MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
		if (te || (cl && strspn(cl, "0") != strlen(cl))) {
			if (fo_api_error(&r, 413, "too-large", "a request body is not accepted") < 0)
				r.body = NULL;
			r.status = 413;
			ret = send_answer(c, &r);
			fo_api_response_dispose(&r);
			return ret;
		}
		/* Answered on the next call, once the request is complete: a
		 * response queued during the first call closes the connection
		 * (no keep-alive). */
		return MHD_YES;
	}
	if (*upload_data_size) { /* a body after all: ignored, already refused */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (fo_api_handle(s->api, method, x->uri, &r) < 0)
		memset(&r, 0, sizeof r);
	ret = send_answer(c, &r);
	fo_api_response_dispose(&r);
	return ret;
}

static int bind_socket(int *out, const char *bind_addr, unsigned port, unsigned *bound, fo_diag *diag)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = -1, one = 1, family;
	memset(&ss, 0, sizeof ss);
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, bind_addr, &s4->sin_addr) == 1) {
		family = AF_INET;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		len = sizeof *s4;
	} else if (inet_pton(AF_INET6, bind_addr, &s6->sin6_addr) == 1) {
		family = AF_INET6;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		len = sizeof *s6;
	} else {
		fo_diag_add(diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
			    "--bind '%s' is not an IPv4 or IPv6 address (127.0.0.1, ::1, 0.0.0.0, ...)",
			    bind_addr);
		return FO_EINVAL;
	}
	if ((fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		int e = errno;
		fo_diag_add(diag, FO_SEV_ERROR, NULL, 0, 0, NULL, "cannot listen on %s%s%s port %u: %s",
			    family == AF_INET6 ? "[" : "", bind_addr, family == AF_INET6 ? "]" : "", port,
			    strerror(e));
		if (fd >= 0)
			close(fd);
		return FO_EIO;
	}
	len = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		port = ntohs(family == AF_INET ? s4->sin_port : s6->sin6_port);
	*bound = port;
	*out = fd;
	return FO_OK;
}

int fo_serve_start(fo_server **out, fo_api *api, const fo_serve_opts *o, fo_diag *diag)
{
	static const fo_serve_opts defaults = { 0 };
	fo_server *s = NULL;
	int fd = -1, err;
	if (!out || !api)
		return FO_EINVAL;
	*out = NULL;
	if (!o)
		o = &defaults;
	const char *addr = o->bind ? o->bind : "127.0.0.1";
	if (o->port > 65535) {
		fo_diag_add(diag, FO_SEV_ERROR, NULL, 0, 0, NULL, "port %u is over 65535", o->port);
		return FO_EINVAL;
	}
	if (!(s = calloc(1, sizeof *s)))
		return FO_ENOMEM;
	s->api = api;
	if ((err = bind_socket(&fd, addr, o->port, &s->port, diag)) < 0)
		goto fail;
	snprintf(s->url, sizeof s->url, strchr(addr, ':') ? "http://[%s]:%u/" : "http://%s:%u/", addr,
		 s->port);
	unsigned threads = o->threads ? o->threads : 2;
	/* The internal polling thread with a pool of workers (epoll on
	 * Linux, MHD_USE_AUTO); a pool of one is no pool. */
	s->d = MHD_start_daemon(MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handler, s,
				MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_THREAD_POOL_SIZE, threads > 1 ? threads : 0u,
				MHD_OPTION_CONNECTION_LIMIT, o->connections ? o->connections : 64u,
				MHD_OPTION_CONNECTION_TIMEOUT, o->timeout ? o->timeout : 10u,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)POOL_BYTES,
				MHD_OPTION_URI_LOG_CALLBACK, uri_log, NULL,
				MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				MHD_OPTION_END);
	if (!s->d) {
		fo_diag_add(diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
			    "the HTTP server (libmicrohttpd) could not start on %s", s->url);
		close(fd);
		err = FO_EIO;
		goto fail;
	}
	*out = s;
	return FO_OK;
fail:
	free(s);
	return err;
}

unsigned fo_serve_port(const fo_server *s)
{
	return s ? s->port : 0;
}

const char *fo_serve_url(const fo_server *s)
{
	return s ? s->url : NULL;
}

void fo_serve_stop(fo_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	free(s);
}
