/*
 * cmd_serve.c — `fallout serve INVENTORY... [--port N] [--bind ADDR]`:
 * loads the estate once and answers the explorer page and its JSON API
 * over HTTP until SIGINT or SIGTERM (docs/serve.md).
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>

#include "cmd.h"
#include "../graphs/fo_error.h"
#include "../server/fo_api.h"
#include "../server/fo_serve.h"

typedef struct serve_opts {
	cmd_inputs in;
	const char *bind;
	unsigned long port, threads, timeout;
} serve_opts;

#define OFF(f) offsetof(serve_opts, f)
static const cmd_opt opts[] = {
	CMD_COUNT("port", 0, "N", OFF(port), 0, "the TCP port (default 8080; 0: a free port, said in the "
		  "ready line)"),
	CMD_STRING("bind", 0, "ADDR", OFF(bind), "the IPv4 or IPv6 address to listen on (default "
		   "127.0.0.1); any other is warned about: the API has no authentication"),
	CMD_COUNT("threads", 0, "N", OFF(threads), 1, "worker threads, each with its own engine\n"
		  "(default: the number of cores, at least 2, at most 16)"),
	CMD_COUNT("idle-timeout", 0, "SECONDS", OFF(timeout), 1,
		  "close a connection idle this long (default 10)"),
	CMD_INPUT_OPTS(OFF(in)),
	CMD_END,
};

static int operand(void *ctx, const char *prog, const char *val)
{
	return cmd_input_operand(prog, &((serve_opts *)ctx)->in, val);
}

static const cmd_spec spec = {
	"fallout serve",
	"Usage: fallout serve INVENTORY... [--port N] [--bind ADDR] [--threads N] [options]\n"
	"Loads the inventory once and serves the explorer page (search, fail and destroy\n"
	"nodes, the impact by tenant and tier, why chains, the diagram) and its JSON API\n"
	"until interrupted (Ctrl-C or SIGTERM: exit 0). Read-only; loopback by default.\n",
	opts,
	CMD_INPUTS_NOTE "The API and its limits: docs/serve.md.\n",
	{ CMD_EXIT_OK, NULL, CMD_EXIT_USAGE, CMD_EXIT_INPUT,
	  "I/O or system error (the address could not be bound)" },
	operand,
};

/* The stop signal's pipe: written by the handler (async-signal-safe),
 * read by the command's thread. */
static int stop_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int saved = errno;
	char byte = (char)sig;
	ssize_t w = write(stop_pipe[1], &byte, 1);
	(void)w; /* a full pipe already holds a stop */
	errno = saved;
}

/* The inputs as the ready line names them: "gen.db@base", "a.xml + b.json". */
static char *source_label(const cmd_inputs *in)
{
	size_t len = 1;
	for (size_t i = 0; i < in->n; i++)
		len += strlen(in->paths[i]) + 3;
	char *s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < in->n; i++) {
		if (i)
			strcat(s, " + ");
		strcat(s, strcmp(in->paths[i], "-") ? in->paths[i] : "<stdin>");
	}
	return s;
}

int cmd_serve(int argc, char **argv)
{
	const char *prog = spec.prog;
	serve_opts o = { .port = 8080 };
	int status = EXIT_OK, err;
	fo_graph *g = NULL;
	fo_api *api = NULL;
	fo_server *srv = NULL;
	fo_diag *diag = NULL;
	char *label = NULL;
	sigset_t set;

	if ((status = cmd_parse(&spec, &o, argc, argv)) != EXIT_OK) {
		if (status == CMD_DONE)
			status = EXIT_OK;
		goto done;
	}
	if (!o.in.n) {
		status = cmd_usage_error(prog, "missing INVENTORY");
		goto done;
	}
	if (o.port > 65535) {
		status = cmd_usage_error(prog, "--port %lu: at most 65535", o.port);
		goto done;
	}
	int loop = fo_serve_is_loopback(o.bind);
	if (loop < 0) {
		status = cmd_usage_error(prog, "--bind '%s' is not an IPv4 or IPv6 address "
				       "(127.0.0.1, ::1, 0.0.0.0, ...)", o.bind);
		goto done;
	}
	unsigned threads = (unsigned)o.threads;
	if (!threads) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cores < 2 ? 2 : cores > 16 ? 16 : (unsigned)cores;
	}
	if (threads > 64) {
		status = cmd_usage_error(prog, "--threads %lu: at most 64", o.threads);
		goto done;
	}
	if ((status = cmd_load(&g, prog, &o.in, 0)) != EXIT_OK)
		goto done;
	if (!(label = source_label(&o.in))) {
		err = FO_ENOMEM;
		goto fail;
	}
	fo_api_opts ao = { label, threads };
	if ((err = fo_api_new(&api, g, &ao)) < 0 || (err = fo_diag_new(&diag, 0)) < 0)
		goto fail;
	/* SIGINT and SIGTERM stop the server: their handler writes a byte to
	 * a pipe this thread waits on. They are blocked while the server's
	 * threads start (which inherit the mask: no system call of theirs is
	 * interrupted), then unblocked here; should a thread of a library
	 * (Graphviz's font stack) have them unblocked, the handler runs there
	 * and still wakes this thread. A client that goes away must not kill
	 * the server: SIGPIPE is ignored. */
	if (pipe(stop_pipe) < 0) {
		err = FO_EIO;
		goto fail;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	fo_serve_opts so = { o.bind, (unsigned)o.port, threads, (unsigned)o.timeout, 0 };
	if ((err = fo_serve_start(&srv, api, &so, diag)) < 0) {
		cmd_diag_print(prog, diag, stderr);
		status = err == FO_EINVAL ? EXIT_USAGE : err == FO_ENOMEM ? EXIT_IO : EXIT_IO;
		goto done;
	}
	if (!loop)
		fprintf(stderr, "%s: warning: listening on %s, not loopback: anyone who can reach it can "
				"read the whole inventory (the API has no authentication)\n",
			prog, o.bind);
	/* One line, whatever the file names hold (escaped as every message). */
	fprintf(stderr, "%s: %u nodes from ", prog, (unsigned)fo_graph_node_count(g));
	fo_diag_fputs_escaped(label, stderr);
	fprintf(stderr, " on %s (Ctrl-C stops)\n", fo_serve_url(srv));
	fflush(stderr);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	char byte;
	while (read(stop_pipe[0], &byte, 1) < 0 && errno == EINTR)
		;
	fo_serve_stop(srv);
	srv = NULL;
	status = EXIT_OK;
	goto done;
fail:
	fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
	status = cmd_exit_for(err);
done:
	fo_serve_stop(srv);
	fo_api_free(api);
	fo_diag_free(diag);
	fo_graph_free(g);
	free(label);
	for (int i = 0; i < 2; i++)
		if (stop_pipe[i] >= 0) {
			close(stop_pipe[i]);
			stop_pipe[i] = -1;
		}
	cmd_parse_dispose(&spec, &o);
	cmd_inputs_dispose(&o.in);
	return status;
}
